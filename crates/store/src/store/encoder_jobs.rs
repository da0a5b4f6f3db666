//! The encoder stage's job queue: comments waiting for their second reading, claimed by any
//! node with a lease, ended exactly once with the stage's final decision.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::decisions::insert_decision;
use super::{Result, Store, now_millis};
use crate::Backend;
use crate::model::{DecisionRecord, NewDecision};

/// One claim on a job: `attempt` grows at every claim, so a holder whose lease was taken over
/// (and a node that claims the same job again later) never passes for the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncoderLease {
    pub comment_id: i64,
    pub attempt: i64,
    pub holder: String,
}

/// A claimed job with what the reading needs.
#[derive(Debug, Clone)]
pub struct EncoderJob {
    pub lease: EncoderLease,
    /// When the job was stored (the comment's arrival), Unix milliseconds.
    pub queued_at: i64,
    pub body: String,
    pub article_title: String,
    pub article_body: String,
    /// The fast stages' verdict as stored with the first decision (JSON text).
    pub first_verdict: Option<String>,
    /// A moderator has decided the comment already: the reading is not needed.
    pub decided_by_moderator: bool,
    /// Why the previous attempt failed, if one did.
    pub last_error: Option<String>,
}

/// How a job ended.
#[derive(Debug, Clone)]
pub enum JobEnd {
    /// The stage's decision was appended.
    Decided(DecisionRecord),
    /// A moderator decided the comment first: the job ended without a row.
    ModeratorFirst,
    /// This lease no longer holds the job (it expired and another claim took it over, or the
    /// job has ended): nothing was written.
    LeaseLost,
}

/// The queue's depth and age, for the operator's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderJobStats {
    /// Jobs not yet ended (waiting or being read).
    pub waiting: i64,
    /// When the oldest of them was stored (Unix milliseconds).
    pub oldest_created_at: Option<i64>,
}

/// Stores a comment's encoder job; part of the submission's transaction.
pub(crate) async fn enqueue_encoder_job(
    conn: &mut AnyConnection,
    comment_id: i64,
    created_at: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO encoder_jobs (comment_id, created_at) VALUES ($1, $2)")
        .bind(comment_id)
        .bind(created_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` due jobs (never claimed, released for a retry, or whose lease
    /// expired) for `holder` for `lease_ms`, oldest first. Two claimers never get the same
    /// job: on PostgreSQL the due rows are locked `FOR UPDATE SKIP LOCKED` and the update
    /// re-checks that each is still due; SQLite has one writer per file.
    pub async fn claim_encoder_jobs(
        &self,
        holder: &str,
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<EncoderJob>> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE encoder_jobs SET lease_holder = $1, lease_expires_at = $2, \
             attempts = attempts + 1 \
             WHERE lease_expires_at <= $3 AND comment_id IN (SELECT comment_id FROM encoder_jobs \
             WHERE lease_expires_at <= $3 ORDER BY comment_id LIMIT $4{lock}) \
             RETURNING comment_id, attempts, created_at, last_error"
        );
        let owner = holder.to_owned();
        let claimed: Vec<(EncoderLease, i64, Option<String>)> = self
            .write(move |conn| {
                Box::pin(async move {
                    let now = now_millis();
                    let rows = sqlx::query(AssertSqlSafe(sql))
                        .bind(&owner)
                        .bind(now + lease_ms)
                        .bind(now)
                        .bind(limit)
                        .fetch_all(&mut *conn)
                        .await?;
                    rows.iter()
                        .map(|row| {
                            Ok((
                                EncoderLease {
                                    comment_id: row.try_get("comment_id")?,
                                    attempt: row.try_get("attempts")?,
                                    holder: owner.clone(),
                                },
                                row.try_get("created_at")?,
                                row.try_get("last_error")?,
                            ))
                        })
                        .collect()
                })
            })
            .await?;
        // What the reading needs is read after the claim committed, on the read pool: the
        // node's writer is shared with every submission.
        let mut jobs = Vec::with_capacity(claimed.len());
        for (lease, queued_at, last_error) in claimed {
            let row = sqlx::query(
                "SELECT c.body, a.title, a.body AS article_body, \
                 (SELECT e.verdict FROM decisions e WHERE e.comment_id = c.id \
                  AND e.actor_kind = 'engine' ORDER BY e.id LIMIT 1) AS verdict, \
                 CAST(CASE WHEN EXISTS (SELECT 1 FROM decisions m WHERE m.comment_id = c.id \
                  AND m.actor_kind = 'user') THEN 1 ELSE 0 END AS BIGINT) AS decided \
                 FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = $1",
            )
            .bind(lease.comment_id)
            .fetch_one(self.pool())
            .await?;
            jobs.push(EncoderJob {
                queued_at,
                body: row.try_get("body")?,
                article_title: row.try_get("title")?,
                article_body: row.try_get("article_body")?,
                first_verdict: row.try_get("verdict")?,
                decided_by_moderator: row.try_get::<i64, _>("decided")? == 1,
                last_error,
                lease,
            });
        }
        Ok(jobs)
    }

    /// Ends a job in one transaction: removes it only while `lease` still holds it
    /// (`LeaseLost` otherwise, writing nothing), and appends `decision` only if no moderator
    /// has decided the comment meanwhile (`ModeratorFirst`). So a job ends exactly once, and
    /// the stage never overrides a person.
    pub async fn finish_encoder_job(
        &self,
        lease: &EncoderLease,
        decision: &NewDecision,
    ) -> Result<JobEnd> {
        let lock = match self.backend() {
            // The comment's row lock orders this against a moderator's decision on another
            // node (`append_decision` takes the same lock); SQLite has one writer.
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let lease = lease.clone();
        let decision = decision.clone();
        self.write(move |conn| {
            Box::pin(async move {
                let sql = format!("SELECT id FROM comments WHERE id = $1{lock}");
                sqlx::query(AssertSqlSafe(sql))
                    .bind(lease.comment_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                let removed = sqlx::query(
                    "DELETE FROM encoder_jobs WHERE comment_id = $1 AND lease_holder = $2 \
                     AND attempts = $3",
                )
                .bind(lease.comment_id)
                .bind(&lease.holder)
                .bind(lease.attempt)
                .execute(&mut *conn)
                .await?;
                if removed.rows_affected() == 0 {
                    return Ok(JobEnd::LeaseLost);
                }
                let moderated = sqlx::query(
                    "SELECT id FROM decisions WHERE comment_id = $1 AND actor_kind = 'user' \
                     LIMIT 1",
                )
                .bind(lease.comment_id)
                .fetch_optional(&mut *conn)
                .await?;
                if moderated.is_some() {
                    return Ok(JobEnd::ModeratorFirst);
                }
                let record =
                    insert_decision(conn, lease.comment_id, &decision, now_millis()).await?;
                Ok(JobEnd::Decided(record))
            })
        })
        .await
    }

    /// Gives a failed attempt's job back, due again in `delay_ms`, with why it failed; false
    /// when `lease` no longer holds it.
    pub async fn retry_encoder_job(
        &self,
        lease: &EncoderLease,
        error: &str,
        delay_ms: i64,
    ) -> Result<bool> {
        let lease = lease.clone();
        let error: String = error.chars().take(1000).collect();
        self.write(move |conn| {
            Box::pin(async move {
                let done = sqlx::query(
                    "UPDATE encoder_jobs SET lease_holder = NULL, lease_expires_at = $1, \
                     last_error = $2 WHERE comment_id = $3 AND lease_holder = $4 AND attempts = $5",
                )
                .bind(now_millis() + delay_ms)
                .bind(&error)
                .bind(lease.comment_id)
                .bind(&lease.holder)
                .bind(lease.attempt)
                .execute(&mut *conn)
                .await?;
                Ok(done.rows_affected() == 1)
            })
        })
        .await
    }

    /// How many jobs have not ended, and since when the oldest waits.
    pub async fn encoder_job_stats(&self) -> Result<EncoderJobStats> {
        let row = sqlx::query("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM encoder_jobs")
            .fetch_one(self.pool())
            .await?;
        Ok(EncoderJobStats {
            waiting: row.try_get("n")?,
            oldest_created_at: row.try_get("oldest")?,
        })
    }

    /// Whether the comment's encoder job has not ended yet.
    pub async fn encoder_job_waiting(&self, comment_id: i64) -> Result<bool> {
        let row = sqlx::query("SELECT comment_id FROM encoder_jobs WHERE comment_id = $1")
            .bind(comment_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }
}
