//! Property tests: normalisation and moderation never panic on arbitrary Unicode, and every
//! evidence span lies on char boundaries of the original text and covers what it matched.

use proptest::prelude::*;
use tribune_moderation::{
    Comment, MAX_EVIDENCE_TEXT, Policy, matching_spans, moderate, normalize_for_matching,
};

/// Text mixing words the lexicons know, obfuscation characters and arbitrary Unicode.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "fuck",
        "f*ck",
        "sh1t",
        "s h i t",
        "idiot",
        "іdіot",
        "\u{200B}",
        "\u{200C}",
        "\u{202E}",
        "\u{0301}",
        "İ",
        "ı",
        "ß",
        "ﬁ",
        "ǅ",
        "ｆ",
        "𝐟",
        "احمق",
        "عرب\u{200C}ها",
        "گەمژە",
        "٠٧٥٠",
        "۱۲۳",
        "www.",
        ".com",
        "@",
        "$",
        "!",
        " ",
        "'",
        "\"",
        "dot com",
        "+964 750 123 4567",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_owned), any::<String>(), "\\PC{0,8}"],
        0..12,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn normalisation_never_panics(s in any::<String>()) {
        let _ = normalize_for_matching(&s);
    }

    #[test]
    fn word_spans_fall_on_char_boundaries(s in tricky_text()) {
        for (_, start, end) in matching_spans(&s) {
            prop_assert!(start <= end && end <= s.len());
            prop_assert!(s.is_char_boundary(start) && s.is_char_boundary(end));
        }
    }

    #[test]
    fn evidence_is_a_slice_of_the_original(s in tricky_text(), lang in prop::sample::select(vec![None, Some("en"), Some("tr"), Some("fa"), Some("xx")])) {
        let policy = Policy::default();
        let v = moderate(&Comment { text: &s, lang }, None, &policy);
        prop_assert_eq!(v.scores.len(), 7);
        for e in &v.evidence {
            prop_assert!(e.start < e.end && e.end <= s.len());
            prop_assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
            // The span's text, or its first MAX_EVIDENCE_TEXT bytes and an ellipsis.
            let span = &s[e.start..e.end];
            if span.len() <= MAX_EVIDENCE_TEXT {
                prop_assert_eq!(span, e.text.as_str());
            } else {
                let shown = e.text.strip_suffix('…');
                prop_assert!(shown.is_some_and(|t| span.starts_with(t) && t.len() <= MAX_EVIDENCE_TEXT));
            }
            // The span covers what it matched: it folds to non-empty matching text.
            prop_assert!(!e.text.trim().is_empty());
        }
        for score in v.scores.values() {
            prop_assert!((0.0..=1.0).contains(score));
        }
    }
}

#[test]
fn evidence_covers_the_matched_characters() {
    let policy = Policy::default();
    for (text, want) in [
        ("total b*llshit, really", "b*llshit"),
        ("what an ıdıot", "ıdıot"),
        (
            "S\u{200B}H\u{200B}I\u{200B}T happens",
            "S\u{200B}H\u{200B}I\u{200B}T",
        ),
        ("ＳＨＩＴ", "ＳＨＩＴ"),
    ] {
        let v = moderate(
            &Comment {
                text,
                lang: Some("en"),
            },
            None,
            &policy,
        );
        assert!(
            v.evidence.iter().any(|e| e.text == want),
            "{text}: {:?}",
            v.evidence
        );
    }
}
