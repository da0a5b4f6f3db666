//! The six interface languages, their tags and their direction.

use std::fmt;
use std::str::FromStr;

/// An interface language of Tribune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    English,
    Arabic,
    /// Central Kurdish, in Arabic script.
    Sorani,
    /// Northern Kurdish, in Latin script.
    Kurmanji,
    Turkish,
    Persian,
}

/// Which way a language's lines run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

impl Direction {
    /// The value of an HTML `dir` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::LeftToRight => "ltr",
            Direction::RightToLeft => "rtl",
        }
    }
}

impl Language {
    /// Every interface language, in the order the language switcher lists them.
    pub const ALL: [Language; 6] = [
        Language::English,
        Language::Arabic,
        Language::Sorani,
        Language::Kurmanji,
        Language::Turkish,
        Language::Persian,
    ];

    /// The language's tag as Tribune writes it (in `lang=`, `?lang=` and the cookie).
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Arabic => "ar",
            Language::Sorani => "ckb",
            Language::Kurmanji => "kmr",
            Language::Turkish => "tr",
            Language::Persian => "fa",
        }
    }

    /// The language's name in itself, as the switcher shows it whatever the page's language.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Arabic => "العربية",
            Language::Sorani => "کوردی",
            Language::Kurmanji => "Kurmancî",
            Language::Turkish => "Türkçe",
            Language::Persian => "فارسی",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Language::Arabic | Language::Sorani | Language::Persian => Direction::RightToLeft,
            Language::English | Language::Kurmanji | Language::Turkish => Direction::LeftToRight,
        }
    }

    /// Reads a BCP 47 tag, case-insensitively, by its primary subtag: `ar-IQ` is Arabic,
    /// `fa-IR` Persian. Kurdish needs care: `ckb` (and `ku-Arab`, `ku-IQ`, `ku-IR`) is Sorani,
    /// `kmr` (and `ku`, `ku-Latn`, `ku-TR`) Kurmanji, since a bare `ku` most often means the
    /// Latin-script variety. Anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut subtags = tag.split('-');
        let primary = subtags.next()?;
        Some(match primary {
            "en" => Language::English,
            "ar" => Language::Arabic,
            "ckb" => Language::Sorani,
            "kmr" => Language::Kurmanji,
            "tr" => Language::Turkish,
            "fa" | "pes" | "prs" => Language::Persian,
            "ku" => {
                if subtags.any(|s| matches!(s, "arab" | "iq" | "ir")) {
                    Language::Sorani
                } else {
                    Language::Kurmanji
                }
            }
            _ => return None,
        })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A tag that names none of Tribune's interface languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an interface language; use one of en, ar, ckb, kmr, tr, fa")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(tag: &str) -> Result<Language, UnknownLanguage> {
        Language::from_tag(tag).ok_or_else(|| UnknownLanguage(tag.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_regional_tags_resolve_to_their_language() {
        for language in Language::ALL {
            assert_eq!(Language::from_tag(language.tag()), Some(language));
        }
        assert_eq!(Language::from_tag("ar-IQ"), Some(Language::Arabic));
        assert_eq!(Language::from_tag("FA_ir"), Some(Language::Persian));
        assert_eq!(Language::from_tag("ku-Arab-IQ"), Some(Language::Sorani));
        assert_eq!(Language::from_tag("ku"), Some(Language::Kurmanji));
        assert_eq!(Language::from_tag("ku-Latn-TR"), Some(Language::Kurmanji));
        assert_eq!(Language::from_tag("de"), None);
        assert_eq!(Language::from_tag(""), None);
    }

    #[test]
    fn arabic_script_languages_run_right_to_left() {
        let rtl: Vec<&str> = Language::ALL
            .iter()
            .filter(|l| l.direction() == Direction::RightToLeft)
            .map(|l| l.tag())
            .collect();
        assert_eq!(rtl, ["ar", "ckb", "fa"]);
    }
}
