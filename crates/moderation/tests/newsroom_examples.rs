//! Runs the newsroom's example comments (kept outside the repository) through the default
//! policy with auto-approval on: no harmful comment approved, no legitimate one rejected, and
//! most decided without a human. Skips with a reason when the examples are absent.

mod common;

use tribune_moderation::eval::{DecisionReport, LabelledRecord};
use tribune_moderation::{Article, Comment, Policy, moderate};

#[test]
fn newsroom_examples_are_decided_safely() {
    let Some(data) = common::shared_data("newsroom examples") else {
        return;
    };
    let examples = std::fs::read_to_string(data.join("newsroom/examples.jsonl"))
        .expect("newsroom/examples.jsonl is readable");
    let article_text =
        std::fs::read_to_string(data.join("newsroom/seed-article.txt")).unwrap_or_default();
    let (title, body) = article_text.split_once('\n').unwrap_or((&article_text, ""));
    let article = Article { title, body };
    let mut policy = Policy::default();
    policy.set_auto_approve(true);
    let mut report = DecisionReport::default();
    for line in examples.lines().filter(|l| !l.trim().is_empty()) {
        let r: LabelledRecord = serde_json::from_str(line).expect("example record parses");
        let comment = Comment {
            text: &r.text,
            lang: r.lang.as_deref(),
        };
        let v = moderate(&comment, r.article.as_ref().map(|_| &article), &policy);
        let expect = r.expect.unwrap_or_default();
        println!(
            "{} {:?} -> {:?} {:?} {:?}",
            r.id,
            expect,
            v.decision,
            v.category,
            v.evidence
                .iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>()
        );
        report.add(&r.id, &expect, v.decision);
    }
    println!(
        "total {} decided alone {} ({:.0}%), harm approved {:?}, legitimate rejected {:?}, unexpected {:?}",
        report.total,
        report.decided_alone,
        report.decided_share() * 100.0,
        report.harm_auto_approved,
        report.legitimate_auto_rejected,
        report.unexpected
    );
    assert!(
        report.harm_auto_approved.is_empty(),
        "{:?}",
        report.harm_auto_approved
    );
    assert!(
        report.legitimate_auto_rejected.is_empty(),
        "{:?}",
        report.legitimate_auto_rejected
    );
    assert!(report.decided_share() > 0.5);
}
