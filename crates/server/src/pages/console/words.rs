//! The console's words that handlers compose, from the catalogue (`console.ftl`); the rest
//! stand in its templates. The constants are the English developer text of the console's
//! error codes: a page shows an error in the words of its code (`messages.rs`).

use tribune_i18n::{Args, Texts};

use crate::app::REJECTION_CATEGORIES;
use crate::console::BulkOutcome;

pub(super) const NOTE_REQUIRED: &str = "An overturn needs a note saying why.";
pub(super) const NO_SELECTION: &str = "Select at least one comment first.";
pub(super) const MALFORMED_FORM: &str = "The form could not be read.";
pub(super) const BAD_IDS: &str = "Comment ids are whole numbers.";
pub(super) const NO_SUCH_COMMENT: &str = "There is no such comment.";
pub(super) const BAD_SCORE: &str = "A score is a number from 0 to 1.";
pub(super) const BAD_QUEUE: &str = "The queue is pending, approved, rejected or log.";
pub(super) const BAD_LANG: &str = "Unknown language.";
pub(super) const BAD_CATEGORY: &str = "Unknown category.";
pub(super) const BAD_ENGINE: &str = "The engine filter is review or auto.";
pub(super) const BAD_CURSOR: &str = "This page's address is not valid; start again from the queue.";

/// The queues' tabs, in order: (query name, message id).
pub(super) const TABS: [(&str, &str); 4] = [
    ("pending", "console-tab-pending"),
    ("approved", "console-tab-approved"),
    ("rejected", "console-tab-rejected"),
    ("log", "console-tab-log"),
];

pub(super) fn decided(t: Texts, id: i64) -> String {
    t.with("console-decided", Args::new().number("id", id))
}

pub(super) fn undone(t: Texts, id: i64) -> String {
    t.with("console-undone", Args::new().number("id", id))
}

pub(super) fn overturned(t: Texts, id: i64) -> String {
    t.with("console-overturned", Args::new().number("id", id))
}

/// "12 decided, 2 already decided meanwhile, 1 not found."
pub(super) fn bulk_summary(t: Texts, outcomes: &[(i64, BulkOutcome)]) -> String {
    let count = |wanted: BulkOutcome| outcomes.iter().filter(|(_, o)| *o == wanted).count();
    let part = |id: &str, n: usize| t.count(id, "count", n);
    let mut parts = vec![part("console-bulk-decided", count(BulkOutcome::Decided))];
    for (id, outcome) in [
        ("console-bulk-already", BulkOutcome::AlreadyDecided),
        ("console-bulk-claimed", BulkOutcome::ClaimedByOther),
        ("console-bulk-missing", BulkOutcome::NotFound),
    ] {
        let n = count(outcome);
        if n > 0 {
            parts.push(part(id, n));
        }
    }
    t.with(
        "console-bulk-summary",
        Args::new().text("parts", parts.join(&t.get("console-list-separator"))),
    )
}

/// How long the oldest pending comment has waited, for people.
pub(super) fn waiting_for(t: Texts, millis: i64) -> String {
    let minutes = millis.max(0) / 60_000;
    match minutes {
        0 => t.get("console-wait-under-minute"),
        1..=59 => t.with(
            "console-wait-minutes",
            Args::new().number("minutes", minutes),
        ),
        60..=1439 => t.with(
            "console-wait-hours",
            Args::new()
                .number("hours", minutes / 60)
                .number("minutes", minutes % 60),
        ),
        _ => t.with(
            "console-wait-days",
            Args::new().number("days", minutes / 1440),
        ),
    }
}

/// A comment's status (pending, approved, rejected) in the page's words.
pub(super) fn status_word(t: Texts, status: &str) -> String {
    t.get(match status {
        "approved" => "console-status-approved",
        "rejected" => "console-status-rejected",
        _ => "console-status-pending",
    })
}

/// A decision (approve, reject, review) in the page's words.
pub(super) fn decision_word(t: Texts, decision: &str) -> String {
    t.get(match decision {
        "approve" => "console-decision-approve",
        "reject" => "console-decision-reject",
        _ => "console-decision-review",
    })
}

/// A guideline category's label in the page's words.
pub(super) fn category_word(t: Texts, category: &str) -> String {
    t.get(&format!("category-{category}"))
}

/// The guideline categories a moderator rejects as: (name, label).
pub(super) fn categories(t: Texts) -> Vec<(&'static str, String)> {
    REJECTION_CATEGORIES
        .iter()
        .map(|c| (*c, category_word(t, c)))
        .collect()
}
