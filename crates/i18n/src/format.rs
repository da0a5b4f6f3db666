//! Numbers and dates in each language's conventions, from ICU4X's compiled CLDR data (no
//! tables of our own): Eastern Arabic digits in Arabic (as in Iraq and the Levant), Sorani and
//! Persian (Persian's own forms), the Solar Hijri calendar for Persian unless the instance asks
//! for the Gregorian one, and each language's month names and order.

use icu_datetime::fieldsets::YMDT;
use icu_datetime::options::TimePrecision;
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_decimal::input::Decimal;
use icu_decimal::{DecimalFormatter, DecimalFormatterPreferences};
use icu_locale_core::Locale;
use icu_time::zone::UtcOffset;
use icu_time::{DateTime, ZonedDateTime};

use crate::Language;

/// Which calendar Persian pages date things in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersianCalendar {
    /// The Solar Hijri calendar, what Persian readers expect (CLDR's default for `fa`).
    #[default]
    SolarHijri,
    Gregorian,
}

/// A calendar name that is neither `solar-hijri` nor `gregorian`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a calendar for Persian pages; use solar-hijri or gregorian")]
pub struct UnknownCalendar(pub String);

impl std::str::FromStr for PersianCalendar {
    type Err = UnknownCalendar;

    fn from_str(name: &str) -> Result<PersianCalendar, UnknownCalendar> {
        match name.trim().to_ascii_lowercase().as_str() {
            "solar-hijri" | "persian" | "jalali" => Ok(PersianCalendar::SolarHijri),
            "gregorian" | "gregory" => Ok(PersianCalendar::Gregorian),
            _ => Err(UnknownCalendar(name.to_owned())),
        }
    }
}

/// A formatter could not be built (the compiled data lacks what a locale needs).
#[derive(Debug, thiserror::Error)]
#[error("no {what} for the interface language {language}: {detail}")]
pub struct FormatError {
    language: Language,
    what: &'static str,
    detail: String,
}

struct LanguageFormats {
    decimal: DecimalFormatter,
    date_time: DateTimeFormatter<YMDT>,
}

/// Number and date formatters for every interface language, built once.
pub struct Formats {
    by_language: Vec<(Language, LanguageFormats)>,
}

/// The ICU locale behind an interface language.
pub(crate) fn icu_locale(language: Language, calendar: PersianCalendar) -> &'static str {
    match language {
        Language::English => "en",
        // CLDR's default for bare `ar` is Latin digits, as in the Maghreb; the newsroom's
        // Arabic readers (Iraq, the Levant, the Gulf) read Eastern Arabic digits.
        Language::Arabic => "ar-u-nu-arab",
        Language::Sorani => "ckb",
        // CLDR files Kurmanji under `ku`.
        Language::Kurmanji => "ku",
        Language::Turkish => "tr",
        Language::Persian => match calendar {
            PersianCalendar::SolarHijri => "fa-u-ca-persian",
            PersianCalendar::Gregorian => "fa-u-ca-gregory",
        },
    }
}

impl Formats {
    pub fn new(calendar: PersianCalendar) -> Result<Formats, FormatError> {
        let mut by_language = Vec::new();
        for language in Language::ALL {
            let error = |what: &'static str, detail: String| FormatError {
                language,
                what,
                detail,
            };
            let locale: Locale = icu_locale(language, calendar)
                .parse()
                .map_err(|e| error("locale", format!("{e:?}")))?;
            let decimal = DecimalFormatter::try_new(
                DecimalFormatterPreferences::from(&locale),
                Default::default(),
            )
            .map_err(|e| error("number format", e.to_string()))?;
            let date_time = DateTimeFormatter::try_new(
                DateTimeFormatterPreferences::from(&locale),
                YMDT::medium().with_time_precision(TimePrecision::Minute),
            )
            .map_err(|e| error("date format", e.to_string()))?;
            by_language.push((language, LanguageFormats { decimal, date_time }));
        }
        Ok(Formats { by_language })
    }

    fn of(&self, language: Language) -> &LanguageFormats {
        // Every language was built in `new`, in `Language::ALL`'s order.
        let index = Language::ALL
            .iter()
            .position(|l| *l == language)
            .unwrap_or(0);
        &self.by_language[index].1
    }

    /// An integer with the language's digits and grouping.
    pub fn number(&self, language: Language, n: i64) -> String {
        self.of(language)
            .decimal
            .format(&Decimal::from(n))
            .to_string()
    }

    /// `value` to two decimal places (0.87, ٠٫٨٧, ۰٫۸۷).
    pub fn hundredths(&self, language: Language, value: f64) -> String {
        let hundredths = if value.is_finite() {
            (value * 100.0).round().clamp(-1e12, 1e12) as i64
        } else {
            0
        };
        let mut decimal = Decimal::from(hundredths);
        decimal.absolute.multiply_pow10(-2);
        decimal.absolute.pad_end(-2);
        decimal.absolute.pad_start(1);
        self.of(language).decimal.format(&decimal).to_string()
    }

    /// A moment (Unix milliseconds) as a date and time to the minute, in UTC, in the language's
    /// calendar, digits and order.
    pub fn date_time_utc(&self, language: Language, unix_millis: i64) -> String {
        let zoned =
            ZonedDateTime::from_epoch_milliseconds_and_utc_offset(unix_millis, UtcOffset::zero());
        let moment = DateTime {
            date: zoned.date,
            time: zoned.time,
        };
        self.of(language).date_time.format(&moment).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2 December 2026, 01:05 UTC.
    const MOMENT: i64 = 1_796_173_500_000;

    #[test]
    fn digits_follow_each_language() {
        let formats = Formats::new(PersianCalendar::default()).expect("formats");
        assert_eq!(formats.number(Language::English, 1234567), "1,234,567");
        assert_eq!(formats.number(Language::Arabic, 1234567), "١٬٢٣٤٬٥٦٧");
        assert_eq!(formats.number(Language::Sorani, 1234567), "١٬٢٣٤٬٥٦٧");
        assert_eq!(formats.number(Language::Persian, 1234567), "۱٬۲۳۴٬۵۶۷");
        assert_eq!(formats.number(Language::Turkish, 1234567), "1.234.567");
        assert_eq!(formats.number(Language::Kurmanji, 1234567), "1.234.567");
    }

    #[test]
    fn scores_keep_two_places_in_the_language_s_digits() {
        let formats = Formats::new(PersianCalendar::default()).expect("formats");
        assert_eq!(formats.hundredths(Language::English, 0.5), "0.50");
        assert_eq!(formats.hundredths(Language::Turkish, 0.873), "0,87");
        assert_eq!(formats.hundredths(Language::Arabic, 0.07), "٠٫٠٧");
        assert_eq!(formats.hundredths(Language::Persian, 1.0), "۱٫۰۰");
        assert_eq!(formats.hundredths(Language::English, f64::NAN), "0.00");
    }

    #[test]
    fn persian_dates_are_solar_hijri_unless_the_instance_asks_for_gregorian() {
        let solar = Formats::new(PersianCalendar::SolarHijri).expect("formats");
        let date = solar.date_time_utc(Language::Persian, MOMENT);
        assert!(date.contains("آذر") && date.contains("۱۴۰۵"), "{date}");
        let gregorian = Formats::new(PersianCalendar::Gregorian).expect("formats");
        let date = gregorian.date_time_utc(Language::Persian, MOMENT);
        assert!(date.contains("دسامبر") && date.contains("۲۰۲۶"), "{date}");
    }

    #[test]
    fn dates_use_each_language_s_month_names_and_digits() {
        let formats = Formats::new(PersianCalendar::default()).expect("formats");
        let english = formats.date_time_utc(Language::English, MOMENT);
        assert!(
            english.contains("Dec") && english.contains("2026"),
            "{english}"
        );
        assert!(!english.contains(":00:"), "minutes, no seconds: {english}");
        let turkish = formats.date_time_utc(Language::Turkish, MOMENT);
        assert!(
            turkish.contains("Ara") && turkish.contains("01:05"),
            "{turkish}"
        );
        let sorani = formats.date_time_utc(Language::Sorani, MOMENT);
        assert!(sorani.contains("٢٠٢٦"), "{sorani}");
        let arabic = formats.date_time_utc(Language::Arabic, MOMENT);
        assert!(arabic.contains("٢٠٢٦"), "{arabic}");
    }
}
