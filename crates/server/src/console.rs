//! The console's operations beyond one decision: bulk decisions answered per comment, undo
//! within a few seconds (recorded as an overturn), claiming what a console shows and giving
//! it back.

use tribune_store::{Actor, DecisionKind, DecisionRecord, QueueItem, StoreError, User};

use crate::moderation::{
    check_claim_minutes, decision_refused, moderator_decision, parse_decision,
};
use crate::{App, ServerError, input};

/// The most comments one bulk decision may name.
pub const MAX_BULK_IDS: usize = 500;
/// How long after a decision its moderator may undo it with one key.
pub const UNDO_WINDOW_MS: i64 = 10_000;

/// What became of one comment of a bulk decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    Decided,
    AlreadyDecided,
    NotFound,
    ClaimedByOther,
}

impl App {
    /// Decides each comment in its own row, as if one by one: a comment decided meanwhile,
    /// unknown, or claimed by another moderator is answered so, and does not stop the rest.
    pub async fn decide_many(
        &self,
        moderator: &User,
        ids: &[i64],
        decision: &str,
        category: Option<&str>,
        note: Option<&str>,
    ) -> Result<Vec<(i64, BulkOutcome)>, ServerError> {
        if ids.is_empty() || ids.len() > MAX_BULK_IDS {
            return Err(ServerError::input(
                "bad_ids",
                format!("name between 1 and {MAX_BULK_IDS} comments"),
            ));
        }
        let (decision, category) = parse_decision(decision, category)?;
        let note = input::decision_note(note)?;
        let new = moderator_decision(moderator, decision, category, note);
        let mut outcomes = Vec::with_capacity(ids.len());
        for &id in ids {
            let outcome = match self.store.record_decision(id, &new, true).await {
                Ok(_) => BulkOutcome::Decided,
                Err(StoreError::AlreadyDecided { .. }) => BulkOutcome::AlreadyDecided,
                Err(StoreError::UnknownComment(_)) => BulkOutcome::NotFound,
                Err(StoreError::ClaimedByOther { .. }) => BulkOutcome::ClaimedByOther,
                Err(other) => return Err(other.into()),
            };
            outcomes.push((id, outcome));
        }
        Ok(outcomes)
    }

    /// Takes back this moderator's latest decision on a comment, within [`UNDO_WINDOW_MS`]:
    /// a new row returns the comment to the queue (an overturn; both rows stay). Refused when
    /// the latest decision is someone else's, too old, or not a decision at all.
    pub async fn undo(
        &self,
        moderator: &User,
        comment_id: i64,
    ) -> Result<DecisionRecord, ServerError> {
        let history = self.history(comment_id).await?;
        let mine = history.last().filter(|d| {
            d.decision != DecisionKind::Review && d.actor == Actor::User(moderator.username.clone())
        });
        let Some(latest) = mine else {
            return Err(ServerError::Conflict {
                code: "nothing_to_undo",
                message: format!(
                    "the latest decision on comment {comment_id} is not yours to undo"
                ),
            });
        };
        if tribune_store::now_millis() - latest.created_at > UNDO_WINDOW_MS {
            return Err(ServerError::Conflict {
                code: "undo_expired",
                message: format!(
                    "a decision can be undone for {} s; overturn it from its history instead",
                    UNDO_WINDOW_MS / 1000
                ),
            });
        }
        let undo = moderator_decision(
            moderator,
            DecisionKind::Review,
            None,
            Some(format!("undo of decision {}", latest.id)),
        );
        self.store
            .record_decision_after(comment_id, &undo, latest.id)
            .await
            .map_err(decision_refused)
    }

    /// Claims the comments a console shows, those still pending that no other moderator holds.
    pub async fn claim_shown(
        &self,
        moderator: &User,
        ids: &[i64],
        minutes: i64,
    ) -> Result<Vec<QueueItem>, ServerError> {
        if ids.len() > MAX_BULK_IDS {
            return Err(ServerError::input(
                "bad_ids",
                format!("claim at most {MAX_BULK_IDS} comments at once"),
            ));
        }
        check_claim_minutes(minutes)?;
        Ok(self
            .store
            .claim_comments(moderator.id, ids, minutes * 60_000)
            .await?)
    }

    /// Gives back this moderator's claims (on `ids`, or all).
    pub async fn release(&self, moderator: &User, ids: Option<&[i64]>) -> Result<u64, ServerError> {
        if ids.is_some_and(|ids| ids.len() > MAX_BULK_IDS) {
            return Err(ServerError::input(
                "bad_ids",
                format!("release at most {MAX_BULK_IDS} comments at once"),
            ));
        }
        Ok(self.store.release_claims(moderator.id, ids).await?)
    }
}
