//! Tribune's interface languages: English, Arabic, Sorani and Kurmanji Kurdish, Turkish and
//! Persian, with right-to-left as the normal case rather than an edge.
//!
//! - [`Language`]: the six languages, their tags (`en`, `ar`, `ckb`, `kmr`, `tr`, `fa`) and
//!   their [`Direction`];
//! - [`LanguageChoice`] and [`accepted_language`]: which language a page is shown in (the
//!   visitor's pick, else `Accept-Language`, else the article's language, else the instance
//!   default);
//! - [`Catalogues`]: the Fluent messages (`locales/<lang>/*.ftl`, embedded), with plural rules,
//!   placeholders, numbers in the language's digits and user text isolated;
//! - [`Formats`]: numbers and dates by ICU4X's compiled CLDR data (the Solar Hijri calendar for
//!   Persian unless the instance chooses the Gregorian one).
//!
//! It knows nothing of HTTP: the server reads the query, cookie and headers and asks here.
//!
//! ```
//! use tribune_i18n::{Args, Language, Localizer, PersianCalendar};
//! let localizer = Localizer::new(PersianCalendar::SolarHijri)?;
//! let texts = localizer.texts(Language::Persian);
//! assert_eq!(texts.direction(), "rtl");
//! let heading = texts.with("article-comments-heading", Args::new().number("count", 3));
//! assert!(heading.contains('۳'), "{heading}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod catalogue;
mod format;
mod language;
mod negotiate;

pub use catalogue::{Args, CatalogueError, Catalogues, isolate};
pub use format::{FormatError, Formats, PersianCalendar, UnknownCalendar};
pub use language::{Direction, Language, UnknownLanguage};
pub use negotiate::{LanguageChoice, accepted_language};

/// The catalogues and formatters of every language, built once at start.
pub struct Localizer {
    pub catalogues: Catalogues,
    pub formats: Formats,
}

/// Setting up the languages failed: a catalogue or the formatting data.
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("message catalogue {0}")]
    Catalogue(#[from] CatalogueError),
    #[error("{0}")]
    Format(#[from] FormatError),
}

impl Localizer {
    pub fn new(calendar: PersianCalendar) -> Result<Localizer, I18nError> {
        Ok(Localizer {
            catalogues: Catalogues::load()?,
            formats: Formats::new(calendar)?,
        })
    }

    /// The messages and formats of one language, as a page uses them.
    pub fn texts(&self, language: Language) -> Texts<'_> {
        Texts {
            localizer: self,
            language,
        }
    }
}

/// One language's words for one page: what templates call.
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    localizer: &'a Localizer,
    language: Language,
}

impl<'a> Texts<'a> {
    pub fn language(&self) -> Language {
        self.language
    }

    /// The `lang` attribute's value.
    pub fn lang(&self) -> &'static str {
        self.language.tag()
    }

    /// The `dir` attribute's value.
    pub fn direction(&self) -> &'static str {
        self.language.direction().as_str()
    }

    /// Whether this language's catalogue has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.localizer.catalogues.has(self.language, id)
    }

    /// A message without arguments.
    pub fn get(&self, id: &str) -> String {
        self.with(id, Args::new())
    }

    /// A message with one count (by value or by reference, as templates hold it).
    pub fn count(&self, id: &str, name: &str, value: impl std::borrow::Borrow<usize>) -> String {
        let value = i64::try_from(*value.borrow()).unwrap_or(i64::MAX);
        self.with(id, Args::new().number(name, value))
    }

    /// A message with one piece of user text (isolated).
    pub fn user(&self, id: &str, name: &str, value: &str) -> String {
        self.with(id, Args::new().user_text(name, value))
    }

    /// A message with any arguments.
    pub fn with(&self, id: &str, args: Args) -> String {
        self.localizer.catalogues.text(self.language, id, &args)
    }

    /// A number in this language's digits (by value or by reference, as templates hold it).
    pub fn number(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.localizer.formats.number(self.language, *n.borrow())
    }

    /// A fraction to two decimal places (a score) in this language's digits and separator.
    pub fn hundredths(&self, value: f64) -> String {
        self.localizer.formats.hundredths(self.language, value)
    }

    /// A moment (Unix milliseconds) as this language writes a date and time, in UTC.
    pub fn when(&self, unix_millis: i64) -> String {
        let moment = self
            .localizer
            .formats
            .date_time_utc(self.language, unix_millis);
        self.with("time-utc", Args::new().text("time", moment))
    }
}
