//! The functional suite (`functional/*.txt`, six languages, 43 functions) with auto-approval on:
//! at least 90 % right overall and 80 % in every language. `tribune eval
//! crates/moderation/functional` prints the table per language × function. The suite's
//! training part (`functional/train/`, for the encoder heads) covers every function and
//! shares no case with it.

use std::collections::BTreeSet;

use tribune_moderation::eval::functional::{FUNCTIONS, FunctionalReport, parse_suite};
use tribune_moderation::{Comment, Policy, moderate};

const SUITE: [(&str, &str); 6] = [
    ("en", include_str!("../functional/en.txt")),
    ("ar", include_str!("../functional/ar.txt")),
    ("ckb", include_str!("../functional/ckb.txt")),
    ("kmr", include_str!("../functional/kmr.txt")),
    ("tr", include_str!("../functional/tr.txt")),
    ("fa", include_str!("../functional/fa.txt")),
];

const TRAINING_PART: [(&str, &str); 6] = [
    ("en", include_str!("../functional/train/en.txt")),
    ("ar", include_str!("../functional/train/ar.txt")),
    ("ckb", include_str!("../functional/train/ckb.txt")),
    ("kmr", include_str!("../functional/train/kmr.txt")),
    ("tr", include_str!("../functional/train/tr.txt")),
    ("fa", include_str!("../functional/train/fa.txt")),
];

/// A case's words, lower-cased, letters and digits only.
fn words(text: &str) -> BTreeSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

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

#[test]
fn the_training_part_covers_every_function_and_shares_no_case_with_the_test_part() {
    let test_cases: Vec<(String, BTreeSet<String>)> = SUITE
        .iter()
        .flat_map(|(lang, text)| {
            parse_suite(&format!("{lang}.txt"), lang, text).unwrap_or_else(|e| panic!("{e}"))
        })
        .map(|c| (c.text.clone(), words(&c.text)))
        .collect();
    let mut problems = Vec::new();
    for (lang, text) in TRAINING_PART {
        let cases =
            parse_suite(&format!("train/{lang}.txt"), lang, text).unwrap_or_else(|e| panic!("{e}"));
        for function in FUNCTIONS {
            let n = cases.iter().filter(|c| c.function == function).count();
            if n < 3 {
                problems.push(format!("train/{lang}.txt: {function} has {n} cases"));
            }
        }
        for case in &cases {
            let own = words(&case.text);
            // The same words, or nearly (a name or a number swapped), is the same case.
            let near = test_cases.iter().find(|(_, theirs)| {
                let shared = own.intersection(theirs).count();
                let all = own.union(theirs).count();
                all > 0 && (shared == all || (all >= 5 && shared * 10 >= all * 7))
            });
            if let Some((text, _)) = near {
                problems.push(format!(
                    "train/{lang}.txt:{} {:?} is a case of the test part: {text:?}",
                    case.line, case.text
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
