//! The moderators' work: claiming comments off the queue and deciding them.

use tribune_store::{Actor, DecisionKind, DecisionRecord, NewDecision, StoreError, User};

use crate::app::REJECTION_CATEGORIES;
use crate::{App, ServerError, input};

/// How long a moderator's claim on queued comments lasts unless renewed.
pub const CLAIM_MINUTES_DEFAULT: i64 = 15;

impl App {
    /// Claims up to `limit` pending comments for a moderator, so that no other moderator gets
    /// them, or can decide them, while the claim lasts.
    pub async fn claim(
        &self,
        moderator: &User,
        limit: i64,
        minutes: i64,
    ) -> Result<Vec<tribune_store::QueueItem>, ServerError> {
        if !(1..=100).contains(&limit) {
            return Err(ServerError::input(
                "bad_limit",
                "claim between 1 and 100 comments at once",
            ));
        }
        check_claim_minutes(minutes)?;
        Ok(self
            .store
            .claim(moderator.id, limit, minutes * 60_000)
            .await?)
    }

    /// A moderator's decision on a comment, appended to its history. Unless `overturn` is set,
    /// it is taken only while the comment is still pending: of two moderators deciding at
    /// once, one wins and the other is told the comment was already decided. A comment another
    /// moderator has claimed is theirs to decide until the claim expires.
    pub async fn decide(
        &self,
        moderator: &User,
        comment_id: i64,
        decision: &str,
        category: Option<&str>,
        note: Option<&str>,
        overturn: bool,
    ) -> Result<DecisionRecord, ServerError> {
        let (decision, category) = parse_decision(decision, category)?;
        let note = input::decision_note(note)?;
        self.store
            .record_decision(
                comment_id,
                &moderator_decision(moderator, decision, category, note),
                !overturn,
            )
            .await
            .map_err(decision_refused)
    }

    /// A comment's decision history; unknown comments are 404, not an empty history.
    pub async fn history(&self, comment_id: i64) -> Result<Vec<DecisionRecord>, ServerError> {
        if self.store.comment(comment_id).await?.is_none() {
            return Err(ServerError::not_found(
                "unknown_comment",
                format!("no comment {comment_id}"),
            ));
        }
        Ok(self.store.decisions(comment_id).await?)
    }
}

/// A decision row of a moderator's (no risk or verdict: those are the engine's).
pub(crate) fn moderator_decision(
    moderator: &User,
    decision: DecisionKind,
    category: Option<String>,
    note: Option<String>,
) -> NewDecision {
    NewDecision {
        decision,
        category,
        actor: Actor::User(moderator.username.clone()),
        note,
        risk: None,
        verdict: None,
    }
}

/// A claim lasts between 1 and 240 minutes.
pub(crate) fn check_claim_minutes(minutes: i64) -> Result<(), ServerError> {
    if (1..=240).contains(&minutes) {
        Ok(())
    } else {
        Err(ServerError::input(
            "bad_minutes",
            "a claim lasts between 1 and 240 minutes",
        ))
    }
}

/// A moderator's decision and category as sent, checked: approve, or reject with a known
/// guideline.
pub(crate) fn parse_decision(
    decision: &str,
    category: Option<&str>,
) -> Result<(DecisionKind, Option<String>), ServerError> {
    let decision = match decision {
        "approve" => DecisionKind::Approve,
        "reject" => DecisionKind::Reject,
        other => {
            return Err(ServerError::input(
                "bad_decision",
                format!("decision must be \"approve\" or \"reject\", not {other:?}"),
            ));
        }
    };
    let category = match (decision, category.filter(|c| !c.is_empty())) {
        (DecisionKind::Reject, None) => {
            return Err(ServerError::input(
                "category_required",
                format!(
                    "a rejection needs the guideline it broke: one of {}",
                    REJECTION_CATEGORIES.join(", ")
                ),
            ));
        }
        (DecisionKind::Reject, Some(c)) if !REJECTION_CATEGORIES.contains(&c) => {
            return Err(ServerError::input(
                "bad_category",
                format!(
                    "unknown category {c:?}: expected one of {}",
                    REJECTION_CATEGORIES.join(", ")
                ),
            ));
        }
        (DecisionKind::Reject, Some(c)) => Some(c.to_owned()),
        _ => None,
    };
    Ok((decision, category))
}

/// The store's refusals of a moderator's decision, as the moderator is told them.
pub(crate) fn decision_refused(error: StoreError) -> ServerError {
    match error {
        StoreError::UnknownComment(id) => {
            ServerError::not_found("unknown_comment", format!("no comment {id}"))
        }
        StoreError::AlreadyDecided { id, status } => ServerError::Conflict {
            code: "already_decided",
            message: format!(
                "comment {id} was already {status} meanwhile; send overturn: true to change that decision"
            ),
        },
        StoreError::ClaimedByOther { id, holder, until } => ServerError::Conflict {
            code: "claimed_by_other",
            message: format!(
                "comment {id} is claimed by {holder} for another {} s; their claim must expire (or they decide) first",
                crate::seconds_from_millis(until - tribune_store::now_millis())
            ),
        },
        other => other.into(),
    }
}
