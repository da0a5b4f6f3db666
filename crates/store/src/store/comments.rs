//! Comments, their status tokens, the moderators' queue and claims.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::counters::{RateLimit, count_in};
use super::decisions::insert_decision;
use super::encoder_jobs::enqueue_encoder_job;
use super::{Result, Store, now_millis};
use crate::model::{
    CommentFacts, CommentRecord, DecisionKind, EncoderStep, Inserted, NewComment, NewDecision,
    QueueItem, Status,
};
use crate::{Backend, StoreError};

// Queries are composed only from these constants, never from input: hence `AssertSqlSafe`.
/// Columns of a comment with its latest decision (joined as `d`).
const COMMENT_COLUMNS: &str = "c.id, c.article_id, c.parent_id, c.author_name, c.author_email, \
     c.body, c.created_at, d.decision, d.category, d.risk, d.verdict";
const COMMENT_FROM: &str = "FROM comments c LEFT JOIN decisions d \
     ON d.id = (SELECT MAX(id) FROM decisions WHERE comment_id = c.id)";
/// Comments through the `latest_decisions` index (as `l`), with their latest decision (`d`):
/// the queue's order is the index's, `(rank, comment_id)`.
const PENDING_FROM: &str = "FROM latest_decisions l JOIN comments c ON c.id = l.comment_id \
     LEFT JOIN decisions d ON d.id = l.decision_id";
const QUEUE_COLUMNS: &str = "a.slug AS article_slug, a.title AS article_title, \
     k.user_id AS claimed_by";

/// How many comments wait for a person, and since when the oldest has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingStats {
    pub count: i64,
    /// When the oldest pending comment arrived (Unix milliseconds), if any waits.
    pub oldest_created_at: Option<i64>,
}

impl Store {
    /// Stores a new comment, with the engine's first decision when there is one, in one
    /// transaction: a comment is never visible without the decision taken on arrival.
    ///
    /// When `new.idempotency_key` matches an earlier submission of the same comment (same
    /// author, email, text and reply target) nothing is stored but the new token, and the
    /// earlier comment is returned (`replayed`): a client that retries after a lost answer never
    /// creates a duplicate. A key that names a different comment is refused
    /// (`IdempotencyKeyReused`): a key never hands out someone else's comment.
    pub async fn insert_comment(
        &self,
        new: &NewComment,
        first_decision: Option<&NewDecision>,
    ) -> Result<Inserted> {
        self.submit_comment(new, first_decision, None).await
    }

    /// [`Store::insert_comment`], counting the submission against `limit` in the same
    /// transaction: a refused submission stores nothing and counts nothing
    /// (`StoreError::RateLimited`), and a replayed one is not counted again.
    pub async fn submit_comment(
        &self,
        new: &NewComment,
        first_decision: Option<&NewDecision>,
        limit: Option<&RateLimit>,
    ) -> Result<Inserted> {
        if let Some(replayed) = self.replay_submission(new).await? {
            return Ok(replayed);
        }
        let job_new = new.clone();
        let job_decision = first_decision.cloned();
        let job_limit = limit.cloned();
        let backend = self.backend();
        let stored = self
            .write(move |conn| {
                Box::pin(async move {
                    if let Some(limit) = &job_limit {
                        let counted = count_in(conn, backend, limit).await?;
                        if !counted.allowed {
                            return Err(StoreError::RateLimited {
                                retry_after_ms: counted.retry_after_ms,
                            });
                        }
                    }
                    // A key stored since the check above, by a write earlier in this batch: on
                    // SQLite looked up here (its schema answers a duplicate key as a replace
                    // attempt); on PostgreSQL the unique index refuses it and the caller replays.
                    if backend == Backend::Sqlite
                        && let Some(existing) = stored_for_key(conn, &job_new).await?
                    {
                        return Ok(Err(existing));
                    }
                    insert_new(conn, backend, &job_new, job_decision.as_ref())
                        .await
                        .map(Ok)
                })
            })
            .await;
        match stored {
            Ok(Ok(inserted)) => Ok(inserted),
            Ok(Err(existing)) => self.replay(new, existing).await,
            // Two submissions with one key raced on PostgreSQL: the other stored it first.
            Err(StoreError::Database(sqlx::Error::Database(db)))
                if db.is_unique_violation() && new.idempotency_key.is_some() =>
            {
                let mut conn = self.pool().acquire().await?;
                let existing = stored_for_key(&mut conn, new).await?.ok_or_else(|| {
                    StoreError::Corrupt("an idempotency key collided but no comment has it".into())
                })?;
                drop(conn);
                self.replay(new, existing).await
            }
            Err(other) => Err(other),
        }
    }

    /// When `new` carries an idempotency key that was used before: the comment stored under it
    /// with `new`'s token added (`replayed`) if it is the same comment, `IdempotencyKeyReused`
    /// if it is another; `None` for a key not used yet. A retry is answered without the
    /// engine or the rate limit.
    pub async fn replay_submission(&self, new: &NewComment) -> Result<Option<Inserted>> {
        if new.idempotency_key.is_none() {
            return Ok(None);
        }
        let mut conn = self.pool().acquire().await?;
        let Some(existing) = stored_for_key(&mut conn, new).await? else {
            return Ok(None);
        };
        drop(conn);
        self.replay(new, existing).await.map(Some)
    }

    /// Hands out a new token for the comment stored earlier under the same key, if it is the
    /// same comment.
    async fn replay(&self, new: &NewComment, existing: StoredUnderKey) -> Result<Inserted> {
        if !existing.same_comment_as(new) {
            return Err(StoreError::IdempotencyKeyReused);
        }
        let token_hash = new.token_hash.clone();
        let id = existing.id;
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO comment_tokens (token_hash, comment_id) VALUES ($1, $2)")
                    .bind(&token_hash)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                let comment = comment_in(conn, id)
                    .await?
                    .ok_or(StoreError::UnknownComment(id))?;
                Ok(Inserted {
                    comment,
                    replayed: true,
                })
            })
        })
        .await
    }

    pub async fn comment(&self, id: i64) -> Result<Option<CommentRecord>> {
        let mut conn = self.pool().acquire().await?;
        comment_in(&mut conn, id).await
    }

    /// The comment, if `token_hash` is one of the tokens handed to its author.
    pub async fn comment_for_token(
        &self,
        id: i64,
        token_hash: &str,
    ) -> Result<Option<CommentRecord>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} {COMMENT_FROM} \
             JOIN comment_tokens t ON t.comment_id = c.id \
             WHERE c.id = $1 AND t.token_hash = $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(comment_from_row).transpose()
    }

    /// The approved comments under an article, oldest first.
    pub async fn approved_comments(&self, article_id: i64) -> Result<Vec<CommentRecord>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} {COMMENT_FROM} \
             WHERE c.article_id = $1 AND d.decision = 'approve' ORDER BY c.id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(article_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// Comments waiting for a person, the riskiest first, then the oldest. Comments another
    /// moderator holds a live claim on are left out when `for_user` is given. The order is the
    /// `latest_decisions` index's, so the page costs the same whatever the queue's length.
    pub async fn pending_queue(&self, limit: i64, for_user: Option<i64>) -> Result<Vec<QueueItem>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS}, {QUEUE_COLUMNS} {PENDING_FROM} \
             JOIN articles a ON a.id = c.article_id \
             LEFT JOIN claims k ON k.comment_id = c.id AND k.expires_at > $2 \
             WHERE l.decision = 'review' AND ($3 < 0 OR k.user_id IS NULL OR k.user_id = $3) \
             ORDER BY l.rank, l.comment_id LIMIT $1"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(limit)
            .bind(now_millis())
            .bind(for_user.unwrap_or(-1))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(queue_item_from_row).collect()
    }

    /// How many comments wait for a person and the oldest one's arrival.
    pub async fn pending_stats(&self) -> Result<PendingStats> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(comment_created_at) AS oldest FROM latest_decisions \
             WHERE decision = 'review'",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(PendingStats {
            count: row.try_get("n")?,
            oldest_created_at: row.try_get("oldest")?,
        })
    }

    /// Claims up to `limit` pending comments for `user_id` for `ttl_ms`: the riskiest and
    /// oldest that no other moderator holds. Two moderators claiming at once never get the
    /// same comment (rows are locked with `SKIP LOCKED` on PostgreSQL; SQLite has one writer).
    pub async fn claim(&self, user_id: i64, limit: i64, ttl_ms: i64) -> Result<Vec<QueueItem>> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE OF c SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT c.id {PENDING_FROM} \
             LEFT JOIN claims k ON k.comment_id = c.id AND k.expires_at > $1 \
             WHERE l.decision = 'review' AND (k.user_id IS NULL OR k.user_id = $2) \
             ORDER BY l.rank, l.comment_id LIMIT $3{lock}"
        );
        let ids: Vec<i64> = self
            .write(move |conn| {
                Box::pin(async move {
                    let now = now_millis();
                    let wanted = usize::try_from(limit).unwrap_or(0);
                    let mut ids: Vec<i64> = Vec::with_capacity(wanted);
                    // On PostgreSQL another node's claim committed after a statement's snapshot
                    // is invisible to its SELECT (whose row lock was released by then), so
                    // `hold_claim` refuses what someone else holds, and a SELECT run again (a
                    // new snapshot) finds the comments still free. SQLite has one writer: one
                    // round. The rounds are bounded; a claim may come back short, never shared.
                    for _round in 0..3 {
                        let rows = sqlx::query(AssertSqlSafe(sql.clone()))
                            .bind(now)
                            .bind(user_id)
                            .bind(limit)
                            .fetch_all(&mut *conn)
                            .await?;
                        let mut refused = false;
                        for row in &rows {
                            let id: i64 = row.try_get("id")?;
                            if ids.contains(&id) || ids.len() >= wanted {
                                continue;
                            }
                            if hold_claim(conn, id, user_id, now, now + ttl_ms).await? {
                                ids.push(id);
                            } else {
                                refused = true;
                            }
                        }
                        if !refused || ids.len() >= wanted {
                            break;
                        }
                    }
                    Ok(ids)
                })
            })
            .await?;
        self.queue_items(&ids, user_id).await
    }

    /// Claims these comments for `user_id` for `ttl_ms`, those still pending and not held by
    /// another moderator; returns the ids claimed. The console claims what it shows.
    pub async fn claim_comments(
        &self,
        user_id: i64,
        ids: &[i64],
        ttl_ms: i64,
    ) -> Result<Vec<QueueItem>> {
        let wanted = ids.to_vec();
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE OF l SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT l.comment_id FROM latest_decisions l \
             LEFT JOIN claims k ON k.comment_id = l.comment_id AND k.expires_at > $1 \
             WHERE l.comment_id = $2 AND l.decision = 'review' \
             AND (k.user_id IS NULL OR k.user_id = $3){lock}"
        );
        let claimed = self
            .write(move |conn| {
                Box::pin(async move {
                    let now = now_millis();
                    let mut claimed = Vec::with_capacity(wanted.len());
                    for id in wanted {
                        let free = sqlx::query(AssertSqlSafe(sql.clone()))
                            .bind(now)
                            .bind(id)
                            .bind(user_id)
                            .fetch_optional(&mut *conn)
                            .await?;
                        if free.is_none() {
                            continue;
                        }
                        // Refused when another node's claim committed since the SELECT.
                        if hold_claim(conn, id, user_id, now, now + ttl_ms).await? {
                            claimed.push(id);
                        }
                    }
                    Ok(claimed)
                })
            })
            .await?;
        self.queue_items(&claimed, user_id).await
    }

    /// Gives up `user_id`'s claims: on these comments, or on all when `ids` is `None`.
    pub async fn release_claims(&self, user_id: i64, ids: Option<&[i64]>) -> Result<u64> {
        let ids = ids.map(<[i64]>::to_vec);
        self.write(move |conn| {
            Box::pin(async move {
                let Some(ids) = ids else {
                    let done = sqlx::query("DELETE FROM claims WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *conn)
                        .await?;
                    return Ok(done.rows_affected());
                };
                let mut released = 0;
                for id in ids {
                    let done =
                        sqlx::query("DELETE FROM claims WHERE user_id = $1 AND comment_id = $2")
                            .bind(user_id)
                            .bind(id)
                            .execute(&mut *conn)
                            .await?;
                    released += done.rows_affected();
                }
                Ok(released)
            })
        })
        .await
    }

    /// The queue entries of these comments, in queue order.
    async fn queue_items(&self, ids: &[i64], user_id: i64) -> Result<Vec<QueueItem>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Placeholders only: the ids themselves are bound.
        let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT {COMMENT_COLUMNS}, {QUEUE_COLUMNS} \
             {PENDING_FROM} JOIN articles a ON a.id = c.article_id \
             LEFT JOIN claims k ON k.comment_id = c.id AND k.expires_at > $1 AND k.user_id = $2 \
             WHERE c.id IN ({}) ORDER BY l.rank, l.comment_id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(now_millis())
            .bind(user_id);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(queue_item_from_row).collect()
    }
}

/// Gives `user_id` the claim on a comment until `expires_at`, only if no one else holds a live
/// claim on it (taking over an expired one); says whether it was taken.
async fn hold_claim(
    conn: &mut AnyConnection,
    comment_id: i64,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<bool> {
    let taken = sqlx::query(
        "INSERT INTO claims (comment_id, user_id, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (comment_id) DO UPDATE SET \
         user_id = excluded.user_id, expires_at = excluded.expires_at \
         WHERE claims.user_id = excluded.user_id OR claims.expires_at <= $4",
    )
    .bind(comment_id)
    .bind(user_id)
    .bind(expires_at)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(taken > 0)
}

/// What is stored under a submission's idempotency key, to tell a retry of the same comment
/// from another comment that reuses the key.
pub(crate) struct StoredUnderKey {
    id: i64,
    parent_id: Option<i64>,
    author_name: String,
    author_email: Option<String>,
    body: String,
}

impl StoredUnderKey {
    fn same_comment_as(&self, new: &NewComment) -> bool {
        self.parent_id == new.parent_id
            && self.author_name == new.author_name
            && self.author_email == new.author_email
            && self.body == new.body
    }
}

async fn stored_for_key(
    conn: &mut AnyConnection,
    new: &NewComment,
) -> Result<Option<StoredUnderKey>> {
    let Some(key) = &new.idempotency_key else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT id, parent_id, author_name, author_email, body FROM comments \
         WHERE idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(StoredUnderKey {
            id: row.try_get("id")?,
            parent_id: row.try_get("parent_id")?,
            author_name: row.try_get("author_name")?,
            author_email: row.try_get("author_email")?,
            body: row.try_get("body")?,
        })
    })
    .transpose()
}

/// Inserts a comment, its first status token, the engine's decision and the arrival facts. On
/// PostgreSQL that is one statement (one round trip on the writer's connection, which every
/// write of the node shares); SQLite, in process, takes them one by one.
async fn insert_new(
    conn: &mut AnyConnection,
    backend: Backend,
    new: &NewComment,
    first_decision: Option<&NewDecision>,
) -> Result<Inserted> {
    let created_at = now_millis();
    let id: i64 = match (backend, first_decision) {
        (Backend::Postgres, Some(decision)) => {
            let row = sqlx::query(
                "WITH c AS (INSERT INTO comments (article_id, parent_id, author_name, \
                 author_email, body, idempotency_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id), \
                 t AS (INSERT INTO comment_tokens (token_hash, comment_id) SELECT $8, id FROM c), \
                 d AS (INSERT INTO decisions (comment_id, decision, category, actor_kind, actor, \
                 note, risk, verdict, created_at) SELECT id, $9, $10, $11, $12, $13, \
                 CASE WHEN $16 = 1 THEN $14 END, $15, $7 FROM c), \
                 f AS (INSERT INTO comment_facts (comment_id, lang, engine_category, email_hash, \
                 address_hash, link_host, band0, band1, band2, band3, encoder) \
                 SELECT id, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26 FROM c), \
                 j AS (INSERT INTO encoder_jobs (comment_id, created_at) \
                 SELECT id, $7 FROM c WHERE $27 = 1) \
                 SELECT id FROM c",
            )
            .bind(new.article_id)
            .bind(new.parent_id)
            .bind(&new.author_name)
            .bind(&new.author_email)
            .bind(&new.body)
            .bind(&new.idempotency_key)
            .bind(created_at)
            .bind(&new.token_hash)
            .bind(decision.decision.as_str())
            .bind(&decision.category)
            .bind(decision.actor.kind())
            .bind(decision.actor.name())
            .bind(&decision.note)
            .bind(decision.risk.unwrap_or(0.0))
            .bind(&decision.verdict)
            .bind(i64::from(decision.risk.is_some()))
            .bind(&new.facts.lang)
            .bind(&new.facts.engine_category)
            .bind(&new.facts.email_hash)
            .bind(&new.facts.address_hash)
            .bind(&new.facts.link_host)
            .bind(band(&new.facts, 0))
            .bind(band(&new.facts, 1))
            .bind(band(&new.facts, 2))
            .bind(band(&new.facts, 3))
            .bind(new.facts.encoder.map(EncoderStep::as_str))
            .bind(i64::from(new.facts.encoder == Some(EncoderStep::Queued)))
            .fetch_one(&mut *conn)
            .await?;
            row.try_get("id")?
        }
        _ => {
            let row = sqlx::query(
                "INSERT INTO comments (article_id, parent_id, author_name, author_email, body, \
                 idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(new.article_id)
            .bind(new.parent_id)
            .bind(&new.author_name)
            .bind(&new.author_email)
            .bind(&new.body)
            .bind(&new.idempotency_key)
            .bind(created_at)
            .fetch_one(&mut *conn)
            .await?;
            let id: i64 = row.try_get("id")?;
            sqlx::query("INSERT INTO comment_tokens (token_hash, comment_id) VALUES ($1, $2)")
                .bind(&new.token_hash)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            if let Some(decision) = first_decision {
                insert_decision(conn, id, decision, created_at).await?;
            }
            insert_facts(conn, id, &new.facts).await?;
            if new.facts.encoder == Some(EncoderStep::Queued) {
                enqueue_encoder_job(conn, id, created_at).await?;
            }
            id
        }
    };
    let (status, category) = match first_decision {
        Some(d) => (d.decision.status(), d.category.clone()),
        None => (Status::Pending, None),
    };
    Ok(Inserted {
        comment: CommentRecord {
            id,
            article_id: new.article_id,
            parent_id: new.parent_id,
            author_name: new.author_name.clone(),
            author_email: new.author_email.clone(),
            body: new.body.clone(),
            created_at,
            status,
            category: rejection_category(status, category),
        },
        replayed: false,
    })
}

pub(crate) async fn comment_in(conn: &mut AnyConnection, id: i64) -> Result<Option<CommentRecord>> {
    let sql = format!("SELECT {COMMENT_COLUMNS} {COMMENT_FROM} WHERE c.id = $1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(comment_from_row).transpose()
}

/// Only a rejection carries its category to readers; a review's flag is for moderators.
fn rejection_category(status: Status, category: Option<String>) -> Option<String> {
    if status == Status::Rejected {
        category
    } else {
        None
    }
}

pub(super) fn comment_from_row(row: &AnyRow) -> Result<CommentRecord> {
    let decision: Option<String> = row.try_get("decision")?;
    let status = match decision.as_deref() {
        None => Status::Pending,
        Some(d) => d.parse::<DecisionKind>()?.status(),
    };
    Ok(CommentRecord {
        id: row.try_get("id")?,
        article_id: row.try_get("article_id")?,
        parent_id: row.try_get("parent_id")?,
        author_name: row.try_get("author_name")?,
        author_email: row.try_get("author_email")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        status,
        category: rejection_category(status, row.try_get("category")?),
    })
}

fn band(facts: &CommentFacts, i: usize) -> Option<i64> {
    facts.bands.map(|bands| bands[i])
}

/// The comment's arrival facts (see `CommentFacts`), in the submission's transaction (on
/// PostgreSQL within the submission's one statement instead).
async fn insert_facts(conn: &mut AnyConnection, id: i64, facts: &CommentFacts) -> Result<()> {
    sqlx::query(
        "INSERT INTO comment_facts (comment_id, lang, engine_category, email_hash, address_hash, \
         link_host, band0, band1, band2, band3, encoder) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(&facts.lang)
    .bind(&facts.engine_category)
    .bind(&facts.email_hash)
    .bind(&facts.address_hash)
    .bind(&facts.link_host)
    .bind(band(facts, 0))
    .bind(band(facts, 1))
    .bind(band(facts, 2))
    .bind(band(facts, 3))
    .bind(facts.encoder.map(EncoderStep::as_str))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn queue_item_from_row(row: &AnyRow) -> Result<QueueItem> {
    Ok(QueueItem {
        claimed_by: row.try_get("claimed_by")?,
        comment: comment_from_row(row)?,
        article_slug: row.try_get("article_slug")?,
        article_title: row.try_get("article_title")?,
        risk: row.try_get("risk")?,
        verdict: row.try_get("verdict")?,
    })
}
