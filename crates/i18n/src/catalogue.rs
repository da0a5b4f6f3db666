//! The message catalogues: one Fluent bundle per language from the `.ftl` files under
//! `locales/<lang>/`, embedded at compile time and parsed once at start.
//!
//! Fluent does the grammar (plural categories of each language, placeholders); this module
//! adds two things: numbers in placeholders come out in the language's digits (ICU4X, through
//! Fluent's formatter hook), and text a user wrote is isolated with U+2068/U+2069 so that a
//! Latin name in an Arabic sentence (or the reverse) cannot reorder the words around it.
//! Tribune's own words in placeholders are not isolated, so that a sentence reads as one run.

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast::{Expression, Pattern, PatternElement};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use intl_memoizer::Memoizable;
use unic_langid::LanguageIdentifier;

use crate::Language;
use crate::format::{PersianCalendar, icu_locale};

/// The `.ftl` files of one language, as embedded.
fn sources(language: Language) -> &'static [(&'static str, &'static str)] {
    macro_rules! files {
        ($lang:literal) => {
            &[
                (
                    concat!("locales/", $lang, "/pages.ftl"),
                    include_str!(concat!("../locales/", $lang, "/pages.ftl")),
                ),
                (
                    concat!("locales/", $lang, "/policy.ftl"),
                    include_str!(concat!("../locales/", $lang, "/policy.ftl")),
                ),
                (
                    concat!("locales/", $lang, "/errors.ftl"),
                    include_str!(concat!("../locales/", $lang, "/errors.ftl")),
                ),
                (
                    concat!("locales/", $lang, "/console.ftl"),
                    include_str!(concat!("../locales/", $lang, "/console.ftl")),
                ),
            ]
        };
    }
    match language {
        Language::English => files!("en"),
        Language::Arabic => files!("ar"),
        Language::Sorani => files!("ckb"),
        Language::Kurmanji => files!("kmr"),
        Language::Turkish => files!("tr"),
        Language::Persian => files!("fa"),
    }
}

/// A catalogue file that does not parse, or defines a message twice.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {detail}")]
pub struct CatalogueError {
    pub file: &'static str,
    pub detail: String,
}

/// Every language's messages.
pub struct Catalogues {
    bundles: Vec<(Language, FluentBundle<FluentResource>)>,
}

/// The arguments of one message.
#[derive(Default)]
pub struct Args<'a>(FluentArgs<'a>);

/// First strong isolate and pop directional isolate: the text between them is laid out on its
/// own, in its own direction.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
}

impl<'a> Args<'a> {
    pub fn new() -> Args<'a> {
        Args(FluentArgs::new())
    }

    /// A count: it selects the plural form and shows in the language's digits.
    /// By value or by reference, as templates hold it.
    pub fn number(mut self, name: &'a str, value: impl std::borrow::Borrow<i64>) -> Args<'a> {
        self.0.set(name, *value.borrow());
        self
    }

    /// Text a person wrote (a name, a title): isolated from the sentence around it.
    pub fn user_text(mut self, name: &'a str, value: &str) -> Args<'a> {
        self.0.set(name, isolate(value));
        self
    }

    /// Tribune's own words or an already formatted value (a date): shown as given.
    pub fn text(mut self, name: &'a str, value: impl Into<Cow<'a, str>>) -> Args<'a> {
        self.0.set(name, FluentValue::String(value.into()));
        self
    }
}

/// ICU's decimal formatter as Fluent's memoizer keeps it, one per bundle.
struct NumberFormat(DecimalFormatter);

impl Memoizable for NumberFormat {
    type Args = ();
    type Error = String;

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<NumberFormat, String> {
        let language = Language::from_tag(lang.language.as_str())
            .ok_or_else(|| format!("{lang} is not an interface language"))?;
        let locale: icu_locale_core::Locale = icu_locale(language, PersianCalendar::default())
            .parse()
            .map_err(|e| format!("{e:?}"))?;
        DecimalFormatter::try_new((&locale).into(), Default::default())
            .map(NumberFormat)
            .map_err(|e| e.to_string())
    }
}

/// Fluent's hook for placeholders: integers in the bundle language's digits and grouping.
fn format_number(
    value: &FluentValue,
    memoizer: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    if number.value.fract() != 0.0 || number.value.abs() > 1e15 {
        return None;
    }
    let integer = number.value as i64;
    memoizer
        .with_try_get::<NumberFormat, _, _>((), |format| {
            format.0.format(&Decimal::from(integer)).to_string()
        })
        .ok()
}

impl Catalogues {
    /// Parses every embedded catalogue.
    pub fn load() -> Result<Catalogues, CatalogueError> {
        let mut bundles = Vec::new();
        for language in Language::ALL {
            let lang: LanguageIdentifier = language.tag().parse().map_err(|e| CatalogueError {
                file: "locales",
                detail: format!("{language}: {e}"),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // Isolation is chosen per argument (see `Args`), not for every placeholder.
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(format_number));
            for (file, text) in sources(language) {
                let resource =
                    FluentResource::try_new((*text).to_owned()).map_err(|(_, errors)| {
                        CatalogueError {
                            file,
                            detail: format!("{errors:?}"),
                        }
                    })?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| CatalogueError {
                        file,
                        detail: format!("{errors:?}"),
                    })?;
            }
            bundles.push((language, bundle));
        }
        Ok(Catalogues { bundles })
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        let index = Language::ALL
            .iter()
            .position(|l| *l == language)
            .unwrap_or(0);
        &self.bundles[index].1
    }

    /// Whether `language`'s catalogue has message `id`.
    pub fn has(&self, language: Language, id: &str) -> bool {
        self.bundle(language).has_message(id)
    }

    /// The ids of every message in `language`'s catalogue, sorted.
    pub fn ids(&self, language: Language) -> Vec<String> {
        let mut ids: Vec<String> = sources(language)
            .iter()
            .filter_map(|(_, text)| FluentResource::try_new((*text).to_owned()).ok())
            .flat_map(|resource| {
                resource
                    .entries()
                    .filter_map(|entry| match entry {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        ids.sort();
        ids
    }

    /// The literal text of message `id` in `language`, every variant's, without placeholders:
    /// what a page shows of the message whatever its arguments (tests look for it).
    pub fn literal_parts(&self, language: Language, id: &str) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(pattern) = self
            .bundle(language)
            .get_message(id)
            .and_then(|m| m.value())
        {
            literal_text(pattern, &mut parts);
        }
        parts
    }

    /// Message `id` in `language` with `args`; a message missing there comes in English, and
    /// one missing everywhere shows its id (the catalogue tests keep both from happening).
    pub fn text(&self, language: Language, id: &str, args: &Args) -> String {
        let found = self
            .bundle(language)
            .get_message(id)
            .and_then(|m| m.value())
            .map(|pattern| (self.bundle(language), pattern))
            .or_else(|| {
                let english = self.bundle(Language::English);
                english
                    .get_message(id)
                    .and_then(|m| m.value())
                    .map(|pattern| (english, pattern))
            });
        match found {
            Some((bundle, pattern)) => {
                let mut errors = Vec::new();
                bundle
                    .format_pattern(pattern, Some(&args.0), &mut errors)
                    .into_owned()
            }
            None => id.to_owned(),
        }
    }
}

fn literal_text(pattern: &Pattern<&str>, into: &mut Vec<String>) {
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => into.push((*value).to_owned()),
            PatternElement::Placeable {
                expression: Expression::Select { variants, .. },
            } => {
                for variant in variants {
                    literal_text(&variant.value, into);
                }
            }
            PatternElement::Placeable { .. } => {}
        }
    }
}
