//! Which language a page is shown in. The order, first match wins:
//!
//! 1. the language the visitor picked: `?lang=` on this request, else the one remembered in
//!    the visitor's cookie from an earlier `?lang=`;
//! 2. the most preferred interface language of the browser's `Accept-Language`;
//! 3. on a reader page, the article's language;
//! 4. the instance's default language.
//!
//! This module only decides; reading the query, the cookie and the header is the server's.

use crate::Language;

/// What a request says about its visitor's language, before the page adds an article's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageChoice {
    /// Picked by the visitor (`?lang=` or the cookie).
    pub picked: Option<Language>,
    /// The browser's preference.
    pub accepted: Option<Language>,
    /// The instance default.
    pub default: Language,
}

impl LanguageChoice {
    /// The page's language where no article has a say (the front page, the queue, errors).
    pub fn language(&self) -> Language {
        self.picked.or(self.accepted).unwrap_or(self.default)
    }

    /// The language of a page about an article written in `article_lang` (any tag).
    pub fn language_for_article(&self, article_lang: &str) -> Language {
        self.picked
            .or(self.accepted)
            .or_else(|| Language::from_tag(article_lang))
            .unwrap_or(self.default)
    }
}

/// The most preferred interface language in an `Accept-Language` header: entries are taken by
/// their quality (`q=`, 1 when absent; ties keep the header's order), `q=0` and unknown
/// languages are skipped, and a malformed entry is ignored rather than failing the header.
pub fn accepted_language(header: &str) -> Option<Language> {
    let mut best: Option<(u16, Language)> = None;
    for entry in header.split(',').take(32) {
        let mut parts = entry.split(';');
        let Some(tag) = parts.next().map(str::trim).filter(|t| !t.is_empty()) else {
            continue;
        };
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(quality_in_thousandths))
            .unwrap_or(Some(1000));
        let Some(quality) = quality.filter(|q| *q > 0) else {
            continue;
        };
        let Some(language) = Language::from_tag(tag) else {
            continue;
        };
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, language));
        }
    }
    best.map(|(_, language)| language)
}

/// `q` values are 0 to 1 with at most three decimals; anything else makes the entry invalid.
fn quality_in_thousandths(raw: &str) -> Option<u16> {
    let value: f32 = raw.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_takes_the_best_quality_interface_language() {
        assert_eq!(accepted_language("fa"), Some(Language::Persian));
        assert_eq!(
            accepted_language("de-DE,de;q=0.9,tr;q=0.8,en;q=0.7"),
            Some(Language::Turkish)
        );
        assert_eq!(
            accepted_language("en;q=0.5, ckb;q=0.9"),
            Some(Language::Sorani)
        );
        assert_eq!(accepted_language("ar;q=0, en-GB"), Some(Language::English));
        assert_eq!(accepted_language("de, fr;q=0.8"), None);
        assert_eq!(
            accepted_language("ar;q=banana, fa;q=0.3"),
            Some(Language::Persian)
        );
        assert_eq!(accepted_language(""), None);
    }

    #[test]
    fn a_pick_beats_the_browser_which_beats_the_article_which_beats_the_default() {
        let choice = |picked, accepted| LanguageChoice {
            picked,
            accepted,
            default: Language::Turkish,
        };
        assert_eq!(
            choice(Some(Language::Arabic), Some(Language::Persian)).language_for_article("ckb"),
            Language::Arabic
        );
        assert_eq!(
            choice(None, Some(Language::Persian)).language_for_article("ckb"),
            Language::Persian
        );
        assert_eq!(
            choice(None, None).language_for_article("ckb"),
            Language::Sorani
        );
        assert_eq!(
            choice(None, None).language_for_article("de"),
            Language::Turkish
        );
        assert_eq!(choice(None, None).language(), Language::Turkish);
    }
}
