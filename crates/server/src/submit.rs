//! Submitting a comment: validate it, turn a flood or a retry away cheaply, let the engine
//! read it off the async workers, and store comment, decision and rate count in one write.

use std::net::IpAddr;

use tribune_moderation::{Category, Decision, Verdict};
use tribune_store::{
    Actor, Article, CommentRecord, DecisionKind, EncoderStep, NewComment, NewDecision, RateLimit,
    StoreError,
};

use crate::security::{random_token, token_hash};
use crate::{App, ServerError, input};

/// The largest engine verdict stored with a decision. The engine bounds its evidence; this is
/// the storage's own guard should a verdict still come out larger.
pub const MAX_STORED_VERDICT_BYTES: usize = 64 * 1024;

/// Comments up to this size are read by the engine on the async worker that received them.
const INLINE_ENGINE_BYTES: usize = 2048;

/// A comment as a reader submits it, before validation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommentInput {
    pub author_name: String,
    #[serde(default)]
    pub author_email: Option<String>,
    pub body: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// A stored comment and the secret token its author can use to follow it.
pub struct Submitted {
    pub comment: CommentRecord,
    pub token: String,
    /// The idempotency key matched an earlier submission: nothing new was stored.
    pub replayed: bool,
    /// The comment waits for the encoder stage's reading.
    pub checking: bool,
}

impl App {
    /// Validates a reader's comment, lets the engine read it, and stores both at once.
    ///
    /// A submission carrying an idempotency key that was already used on this article for the
    /// same comment stores nothing new: the earlier comment comes back with a fresh status
    /// token, so a client retrying after a lost answer or an outage never posts twice. A key
    /// already used for a different comment is refused (422), never answered with it.
    pub async fn submit_comment(
        &self,
        slug: &str,
        input: CommentInput,
        idempotency_key: Option<&str>,
        client: IpAddr,
    ) -> Result<Submitted, ServerError> {
        let slug = input::slug(slug)?;
        let limit = RateLimit::new(
            format!("comment:{client}"),
            self.config.comments_per_minute,
            60_000,
        );
        let context = self
            .store
            .article_for_submission(slug, crate::app::AUTO_APPROVE_SETTING, &limit)
            .await?
            .ok_or_else(|| {
                ServerError::not_found("unknown_article", format!("no article {slug:?}"))
            })?;
        let article = context.article;
        let auto_approve = context.setting.as_deref() == Some("true");
        if !article.comments_open {
            return Err(ServerError::Conflict {
                code: "comments_closed",
                message: format!("comments are closed on {slug:?}"),
            });
        }
        let valid = input::comment(&input, self.config.max_comment_chars)?;
        let idempotency_key = match idempotency_key {
            Some(key) => Some(format!("{}:{}", article.id, input::idempotency_key(key)?)),
            None => None,
        };
        let parent_id = match input.parent_id {
            Some(id) => Some(self.reply_target(&article, id).await?),
            None => None,
        };
        let token = random_token()?;
        let mut new = NewComment {
            article_id: article.id,
            parent_id,
            author_name: valid.author_name,
            author_email: valid.author_email,
            body: valid.body,
            token_hash: token_hash(&token),
            idempotency_key,
            facts: Default::default(),
        };
        let submitted = |inserted: tribune_store::Inserted, token: String| Submitted {
            comment: inserted.comment,
            token,
            replayed: inserted.replayed,
            checking: false,
        };
        if let Some(replayed) = self.store.replay_submission(&new).await.map_err(stored)? {
            let mut answer = submitted(replayed, token);
            // Read again as the author's status reads it (the job, then the comment), so that
            // a reading ending meanwhile shows in the answer.
            (answer.comment, answer.checking) =
                self.author_view(answer.comment.id, &answer.token).await?;
            return Ok(answer);
        }
        // A flood is turned away by the first read, before it costs the engine or a write (the
        // write counts the submission and checks again).
        if !context.room.allowed {
            crate::metrics::rate_limited("comment_address");
            return Err(ServerError::rate_limited(context.room.retry_after_ms));
        }
        let policy = self.policy(auto_approve);
        let verdict = self.moderate(&new.body, &article, policy.clone()).await?;
        let mut decision = engine_decision(&verdict)?;
        let step = match &self.second_reading {
            None => EncoderStep::Absent,
            // A fast rejection is final; anything else the stage wants waits for it.
            Some(reading)
                if verdict.decision != Decision::Reject && reading.wants(&verdict, &policy) =>
            {
                EncoderStep::Queued
            }
            Some(_) => EncoderStep::NotWanted,
        };
        if step == EncoderStep::Queued && decision.decision == DecisionKind::Approve {
            // Nothing is published before the stage has read it.
            decision.decision = DecisionKind::Review;
        }
        new.facts = crate::facts::comment_facts(
            self.fact_key().await?,
            &new.body,
            new.author_email.as_deref(),
            client,
            &verdict,
            step,
        );
        crate::metrics::engine_decision(&verdict);
        let inserted = self
            .store
            .submit_comment(&new, Some(&decision), Some(&limit))
            .await
            .map_err(stored)?;
        if !inserted.replayed {
            crate::metrics::encoder_step(step);
            if step == EncoderStep::Queued {
                self.encoder_wake.notify_one();
            }
        }
        let mut answer = submitted(inserted, token);
        answer.checking = step == EncoderStep::Queued && !answer.replayed;
        Ok(answer)
    }

    /// The engine's verdict on a comment under `article`. A short comment is read right here
    /// (tens of microseconds: less than handing it to another thread); a long one on a
    /// blocking thread, so the async workers go on serving meanwhile.
    async fn moderate(
        &self,
        body: &str,
        article: &Article,
        policy: std::sync::Arc<tribune_moderation::Policy>,
    ) -> Result<Verdict, ServerError> {
        let read = |body: &str, title: &str, text: &str, policy: &tribune_moderation::Policy| {
            tribune_moderation::moderate(
                &tribune_moderation::Comment {
                    text: body,
                    lang: None,
                },
                Some(&tribune_moderation::Article { title, body: text }),
                policy,
            )
        };
        if body.len() <= INLINE_ENGINE_BYTES {
            return Ok(read(body, &article.title, &article.body, &policy));
        }
        let _slot = self
            .engine_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ServerError::Busy)?;
        let (body, title, text) = (body.to_owned(), article.title.clone(), article.body.clone());
        let verdict =
            tokio::task::spawn_blocking(move || read(&body, &title, &text, &policy)).await?;
        Ok(verdict)
    }

    /// Replies are threaded one level: a reply to a reply joins its parent's thread.
    async fn reply_target(&self, article: &Article, parent_id: i64) -> Result<i64, ServerError> {
        let parent = self
            .store
            .comment(parent_id)
            .await?
            .filter(|c| c.article_id == article.id && c.status == tribune_store::Status::Approved)
            .ok_or_else(|| {
                ServerError::input(
                    "unknown_parent",
                    format!("comment {parent_id} is not a published comment on this article"),
                )
            })?;
        Ok(parent.parent_id.unwrap_or(parent.id))
    }
}

/// The store's refusals of a submission, as the reader is told them.
fn stored(error: StoreError) -> ServerError {
    match error {
        StoreError::IdempotencyKeyReused => ServerError::Unprocessable {
            code: "idempotency_key_reused",
            message: "this Idempotency-Key was already used for a different comment; send a new key for a new comment".into(),
        },
        StoreError::RateLimited { retry_after_ms } => {
            crate::metrics::rate_limited("comment_address");
            ServerError::rate_limited(retry_after_ms)
        }
        other => other.into(),
    }
}

/// The engine's verdict as a decision row.
pub(crate) fn engine_decision(verdict: &Verdict) -> Result<NewDecision, ServerError> {
    let decision = match verdict.decision {
        Decision::Approve => DecisionKind::Approve,
        Decision::Reject => DecisionKind::Reject,
        Decision::Review => DecisionKind::Review,
    };
    let category = match (decision, verdict.category) {
        (DecisionKind::Approve, _) => None,
        (DecisionKind::Reject, None) => Some("other".to_owned()),
        (_, category) => category.map(|c: Category| c.as_str().to_owned()),
    };
    Ok(NewDecision {
        decision,
        category,
        actor: Actor::Engine(format!("tribune-moderation {}", verdict.engine_version)),
        note: verdict.reasons.first().cloned(),
        risk: Some(f64::from(verdict.risk())),
        verdict: Some(bounded_verdict_json(verdict)?),
    })
}

/// The verdict as stored: whole when it fits in [`MAX_STORED_VERDICT_BYTES`], else with its
/// evidence and reasons cut to the first ones that fit (the decision, category and scores are
/// always kept whole).
fn bounded_verdict_json(verdict: &Verdict) -> Result<String, ServerError> {
    let whole = serde_json::to_string(verdict)?;
    if whole.len() <= MAX_STORED_VERDICT_BYTES {
        return Ok(whole);
    }
    let mut cut = verdict.clone();
    while !cut.evidence.is_empty() || cut.reasons.len() > 1 {
        cut.evidence.truncate(cut.evidence.len() / 2);
        if cut.evidence.is_empty() {
            cut.reasons.truncate((cut.reasons.len() / 2).max(1));
        }
        let json = serde_json::to_string(&cut)?;
        if json.len() <= MAX_STORED_VERDICT_BYTES {
            tracing::warn!(
                bytes = whole.len(),
                kept = json.len(),
                "an engine verdict was larger than the store keeps; its evidence was cut"
            );
            crate::metrics::verdict_cut();
            return Ok(json);
        }
    }
    cut.reasons.iter_mut().for_each(|r| r.truncate(1000));
    Ok(serde_json::to_string(&cut)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use tribune_moderation::Evidence;

    #[test]
    fn a_huge_verdict_is_cut_to_fit_and_keeps_its_decision() {
        let evidence = Evidence {
            category: Category::Profanity,
            start: 0,
            end: 4,
            text: "f u c k ".repeat(50),
            reason: "spelled-out profanity".into(),
        };
        let verdict = Verdict {
            decision: Decision::Reject,
            category: Some(Category::Profanity),
            scores: BTreeMap::from([(Category::Profanity, 0.99)]),
            evidence: vec![evidence; 5000],
            reasons: vec!["profanity".into()],
            language: "en".into(),
            engine_version: "test".into(),
        };
        let json = bounded_verdict_json(&verdict).expect("json");
        assert!(json.len() <= MAX_STORED_VERDICT_BYTES, "{}", json.len());
        let back: Verdict = serde_json::from_str(&json).expect("still a verdict");
        assert_eq!(back.decision, Decision::Reject);
        assert_eq!(back.category, Some(Category::Profanity));
        assert!(!back.evidence.is_empty());
    }
}
