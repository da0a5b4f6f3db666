//! The console's words that handlers compose (the rest stand in its templates), in one place
//! so that they move to the interface language catalogues together.

use crate::console::BulkOutcome;

pub(super) const FORM_EXPIRED: &str = "This form has expired. Reload the queue and decide again.";
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

/// The queues' tabs, in order: (query name, label).
pub(super) const TABS: [(&str, &str); 4] = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("log", "Decision log"),
];

pub(super) fn decided(id: i64) -> String {
    format!("Comment {id} decided.")
}

pub(super) fn undone(id: i64) -> String {
    format!("Decision on comment {id} undone: it waits in the queue again.")
}

pub(super) fn overturned(id: i64) -> String {
    format!("Comment {id} re-decided; its earlier decisions stay in its history.")
}

/// "12 decided, 2 already decided meanwhile, 1 not found."
pub(super) fn bulk_summary(outcomes: &[(i64, BulkOutcome)]) -> String {
    let count = |wanted: BulkOutcome| outcomes.iter().filter(|(_, o)| *o == wanted).count();
    let mut parts = vec![format!("{} decided", count(BulkOutcome::Decided))];
    let already = count(BulkOutcome::AlreadyDecided);
    if already > 0 {
        parts.push(format!(
            "{already} already decided meanwhile (left as they were)"
        ));
    }
    let claimed = count(BulkOutcome::ClaimedByOther);
    if claimed > 0 {
        parts.push(format!("{claimed} claimed by another moderator"));
    }
    let missing = count(BulkOutcome::NotFound);
    if missing > 0 {
        parts.push(format!("{missing} not found"));
    }
    format!("{}.", parts.join(", "))
}

/// How long the oldest pending comment has waited, for people.
pub(super) fn waiting_for(millis: i64) -> String {
    let minutes = millis.max(0) / 60_000;
    match minutes {
        0 => "under a minute".to_owned(),
        1..=59 => format!("{minutes} min"),
        60..=1439 => format!("{} h {} min", minutes / 60, minutes % 60),
        _ => format!("{} days", minutes / 1440),
    }
}
