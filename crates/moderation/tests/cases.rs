//! Table-driven cases from `cases.txt`, readable by a moderator: one comment per line with the
//! decisions it may get (auto-approval on) and the categories a rejection or review may name.

use tribune_moderation::eval::functional::unescape;
use tribune_moderation::{Category, Comment, Decision, Policy, moderate};

fn parse_decision(s: &str) -> Decision {
    match s.trim() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        "review" => Decision::Review,
        other => panic!("unknown decision {other:?} in cases.txt"),
    }
}

#[test]
fn moderation_cases_in_all_six_languages() {
    let mut policy = Policy::default();
    policy.set_auto_approve(true);
    let mut failures = Vec::new();
    let mut count = 0;
    for (n, line) in include_str!("cases.txt").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        assert_eq!(
            parts.len(),
            4,
            "cases.txt line {}: expected 4 fields",
            n + 1
        );
        let decisions: Vec<Decision> = parts[1].split('/').map(parse_decision).collect();
        let categories: Vec<Category> = match parts[2] {
            "-" => Vec::new(),
            list => list
                .split('/')
                .map(|c| c.parse().expect("known category"))
                .collect(),
        };
        let text = unescape(parts[3]);
        let v = moderate(
            &Comment {
                text: &text,
                lang: Some(parts[0]),
            },
            None,
            &policy,
        );
        count += 1;
        let category_ok = match v.decision {
            Decision::Approve => true,
            Decision::Reject => v.category.is_some_and(|c| categories.contains(&c)),
            Decision::Review => {
                categories.is_empty() || v.category.is_some_and(|c| categories.contains(&c))
            }
        };
        if !decisions.contains(&v.decision) || !category_ok {
            failures.push(format!(
                "line {}: {:?} -> {:?} {:?} (expected {:?} {:?}) evidence {:?}",
                n + 1,
                text,
                v.decision,
                v.category,
                decisions,
                categories,
                v.evidence.iter().map(|e| &e.text).collect::<Vec<_>>()
            ));
        }
    }
    assert!(count >= 60, "only {count} cases read");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
