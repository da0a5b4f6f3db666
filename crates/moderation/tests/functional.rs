//! The functional suite (`functional/*.txt`, six languages, 43 functions) with auto-approval on:
//! at least 90 % right overall and 80 % in every language. `tribune eval
//! crates/moderation/functional` prints the table per language × function.

use tribune_moderation::eval::functional::{FunctionalReport, parse_suite};
use tribune_moderation::{Comment, Policy, moderate};

const SUITE: [(&str, &str); 6] = [
    ("en", include_str!("../functional/en.txt")),
    ("ar", include_str!("../functional/ar.txt")),
    ("ckb", include_str!("../functional/ckb.txt")),
    ("kmr", include_str!("../functional/kmr.txt")),
    ("tr", include_str!("../functional/tr.txt")),
    ("fa", include_str!("../functional/fa.txt")),
];

#[test]
fn the_functional_suite_is_decided_as_a_newsroom_moderator_expects() {
    let mut policy = Policy::default();
    policy.set_auto_approve(true);
    let mut report = FunctionalReport::default();
    let mut failures = Vec::new();
    for (lang, text) in SUITE {
        let cases =
            parse_suite(&format!("{lang}.txt"), lang, text).unwrap_or_else(|e| panic!("{e}"));
        assert!(cases.len() >= 150, "{lang}: only {} cases", cases.len());
        for case in &cases {
            let v = moderate(
                &Comment {
                    text: &case.text,
                    lang: Some(lang),
                },
                None,
                &policy,
            );
            let right = report.add(case, &v);
            if !right {
                failures.push(format!(
                    "{lang}:{} {} {:?} -> {} {:?}",
                    case.line,
                    case.function,
                    case.text,
                    v.decision.as_str(),
                    v.category
                ));
            }
        }
    }
    let mut summary = Vec::new();
    for lang in report.languages() {
        summary.push(format!("{lang} {:.3}", report.accuracy(Some(lang), None)));
    }
    let overall = report.accuracy(None, None);
    let detail = format!(
        "overall {overall:.3}; {}\n{}",
        summary.join(", "),
        failures.join("\n")
    );
    assert!(overall >= 0.90, "{detail}");
    for lang in report.languages() {
        assert!(report.accuracy(Some(lang), None) >= 0.80, "{detail}");
    }
}
