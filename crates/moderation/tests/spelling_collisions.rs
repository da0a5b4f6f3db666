//! Misspelling matches (`fcuk`, `idoit`, run-together words) must be rare in clean text: on the
//! non-offensive texts of the shared dev corpora, at most 1 in 200 gets one. Prints the words
//! that collided, the list to read when choosing `allow` entries. Skips with a reason when the
//! corpora are absent.

mod common;

use tribune_moderation::eval::LabelledRecord;
use tribune_moderation::{Comment, Policy, moderate};

/// How the engine's reasons name a misspelling (`spelling::Edit::describe`).
const MISSPELLED: [&str; 5] = [
    "with two letters swapped",
    "with a letter left out",
    "with a letter doubled",
    "with a letter changed",
    "run together with other words",
];

#[test]
fn misspelling_matches_are_rare_in_clean_text() {
    let Some(data) = common::shared_data("misspelling collisions") else {
        return;
    };
    let policy = Policy::default();
    let (mut clean, mut collided) = (0usize, Vec::new());
    for file in ["corpus/dev.jsonl", "corpus-extra/dev.jsonl"] {
        let text = std::fs::read_to_string(data.join(file)).expect("dev corpus readable");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let r: LabelledRecord = serde_json::from_str(line).expect("corpus record parses");
            if r.labels.as_ref().and_then(|l| l.get("offensive")) != Some(&0) {
                continue;
            }
            clean += 1;
            let v = moderate(
                &Comment {
                    text: &r.text,
                    lang: r.lang.as_deref(),
                },
                None,
                &policy,
            );
            for e in &v.evidence {
                if MISSPELLED.iter().any(|m| e.reason.contains(m)) {
                    collided.push(format!("{} {:?}: {}", v.language, e.text, e.reason));
                }
            }
        }
    }
    collided.sort();
    collided.dedup();
    println!(
        "{} misspelling matches in {clean} clean texts",
        collided.len()
    );
    for c in &collided {
        println!("  {c}");
    }
    assert!(clean > 1000, "only {clean} clean texts read");
    assert!(
        collided.len() * 200 <= clean,
        "{} misspelling matches in {clean} clean texts",
        collided.len()
    );
}
