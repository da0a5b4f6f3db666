//! Measures (never copies) how much of the public word lists next to the repository our own
//! lexicons catch. Those lists mix swearing with ordinary and identity words, so the figure is
//! informational; the test only guards against the lexicons silently going empty.
//! Skips with a reason when the lists are absent.

mod common;

use tribune_moderation::eval::{ABUSE, flags};
use tribune_moderation::{Comment, Policy, moderate};

#[test]
fn measures_recall_on_public_word_lists() {
    let Some(data) = common::shared_data("word list recall") else {
        return;
    };
    let dir = data.join("wordlists");
    let policy = Policy::default();
    for lang in ["en", "ar", "fa", "tr"] {
        let Ok(list) = std::fs::read_to_string(dir.join(format!("ldnoobw-v2/{lang}.txt"))) else {
            println!("{lang}: skipped: list not readable");
            continue;
        };
        let entries: Vec<&str> = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let caught = entries
            .iter()
            .filter(|w| {
                let v = moderate(
                    &Comment {
                        text: w,
                        lang: Some(lang),
                    },
                    None,
                    &policy,
                );
                ABUSE.iter().any(|&c| flags(&v, c, &policy))
            })
            .count();
        let recall = caught as f64 / entries.len().max(1) as f64;
        println!(
            "{lang}: {caught} of {} entries flagged ({:.1}%)",
            entries.len(),
            recall * 100.0
        );
        assert!(caught > 0, "{lang}: no entry of the public list is caught");
    }
}
