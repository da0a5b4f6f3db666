//! The catalogues agree with each other: the same message ids in every language, each using the
//! same placeholders as the English reference, with each language's plural forms.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use tribune_i18n::{Args, Catalogues, Language, Localizer, PersianCalendar};

fn catalogues() -> Catalogues {
    Catalogues::load().expect("every catalogue parses")
}

#[test]
fn every_language_has_exactly_the_english_message_ids() {
    let catalogues = catalogues();
    let english: BTreeSet<String> = catalogues.ids(Language::English).into_iter().collect();
    assert!(english.len() > 100, "{} ids", english.len());
    for language in Language::ALL {
        let ids: BTreeSet<String> = catalogues.ids(language).into_iter().collect();
        let missing: Vec<&String> = english.difference(&ids).collect();
        let extra: Vec<&String> = ids.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{language}: missing {missing:?}, not in English {extra:?}"
        );
    }
}

/// The variables a pattern refers to, in any variant.
fn variables(pattern: &Pattern<&str>, into: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, into);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, into: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, into);
            for variant in variants {
                variables(&variant.value, into);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, into),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, into: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            into.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, into),
        _ => {}
    }
}

fn placeholders(language: Language) -> BTreeMap<String, BTreeSet<String>> {
    let mut found = BTreeMap::new();
    for file in ["pages", "policy", "errors", "console"] {
        let path = format!(
            "{}/locales/{}/{file}.ftl",
            env!("CARGO_MANIFEST_DIR"),
            language.tag()
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let resource = fluent_syntax::parser::parse(text.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{path}: {errors:?}"));
        for entry in resource.body {
            if let Entry::Message(message) = entry {
                let mut used = BTreeSet::new();
                if let Some(value) = &message.value {
                    variables(value, &mut used);
                }
                found.insert(message.id.name.to_owned(), used);
            }
        }
    }
    found
}

#[test]
fn every_translation_uses_the_placeholders_of_the_english_message() {
    let english = placeholders(Language::English);
    for language in Language::ALL {
        for (id, used) in placeholders(language) {
            assert_eq!(
                Some(&used),
                english.get(&id),
                "{language} {id}: placeholders differ from English"
            );
        }
    }
}

#[test]
fn counts_take_each_language_s_plural_forms_and_digits() {
    let localizer = Localizer::new(PersianCalendar::SolarHijri).expect("localizer");
    let count = |language, n| {
        localizer
            .texts(language)
            .count("index-comment-count", "count", n)
    };
    assert_eq!(count(Language::English, 1), "1 comment");
    assert_eq!(count(Language::English, 2), "2 comments");
    assert_eq!(count(Language::Arabic, 2), "تعليقان");
    assert_eq!(count(Language::Arabic, 3), "٣ تعليقات");
    assert_eq!(count(Language::Arabic, 11), "١١ تعليقًا");
    assert_eq!(count(Language::Arabic, 100), "١٠٠ تعليق");
    assert_eq!(count(Language::Persian, 1_200), "۱٬۲۰۰ دیدگاه");
    assert_eq!(count(Language::Sorani, 5), "٥ لێدوان");
    assert_eq!(count(Language::Turkish, 1_200), "1.200 yorum");
    assert_eq!(count(Language::Kurmanji, 3), "3 şîrove");
}

#[test]
fn user_text_is_isolated_and_tribune_s_words_are_not() {
    let localizer = Localizer::new(PersianCalendar::SolarHijri).expect("localizer");
    let arabic = localizer.texts(Language::Arabic);
    assert_eq!(
        arabic.user("article-replying-to", "author", "Dana"),
        "ردًّا على \u{2068}Dana\u{2069}."
    );
    let reason = arabic.get("reason-threat");
    assert_eq!(
        arabic.with("status-rejected", Args::new().text("reason", reason)),
        "رُفض تعليقك: فيه تهديد."
    );
}
