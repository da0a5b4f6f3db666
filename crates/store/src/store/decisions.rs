//! Decisions: appended, never changed; a comment's status is its latest one.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{Result, Store, now_millis};
use crate::model::{Actor, DecisionKind, DecisionRecord, NewDecision, Status};
use crate::{Backend, StoreError};

impl Store {
    /// Appends a decision on a comment; the comment's status becomes this decision.
    ///
    /// With `only_if_pending`, the decision is taken only while the comment still waits for
    /// one: of two moderators deciding at once, exactly one wins and the other gets
    /// `AlreadyDecided`. Without it, the decision overturns whatever came before. A moderator
    /// cannot decide a comment another moderator holds a live claim on (`ClaimedByOther`).
    pub async fn record_decision(
        &self,
        comment_id: i64,
        decision: &NewDecision,
        only_if_pending: bool,
    ) -> Result<DecisionRecord> {
        let expect = if only_if_pending {
            Expect::Pending
        } else {
            Expect::Anything
        };
        self.append_decision(comment_id, decision, expect).await
    }

    /// Appends a decision only while `latest_id` is still the comment's latest decision
    /// (`AlreadyDecided` otherwise): an undo never overturns a decision it has not seen.
    pub async fn record_decision_after(
        &self,
        comment_id: i64,
        decision: &NewDecision,
        latest_id: i64,
    ) -> Result<DecisionRecord> {
        self.append_decision(comment_id, decision, Expect::Latest(latest_id))
            .await
    }

    async fn append_decision(
        &self,
        comment_id: i64,
        decision: &NewDecision,
        expect: Expect,
    ) -> Result<DecisionRecord> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let decision = decision.clone();
        self.write(move |conn| {
            Box::pin(async move {
                let sql = format!("SELECT id FROM comments WHERE id = $1{lock}");
                let exists = sqlx::query(AssertSqlSafe(sql))
                    .bind(comment_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::UnknownComment(comment_id));
                }
                if let Actor::User(name) = &decision.actor {
                    check_claim(conn, comment_id, name).await?;
                }
                if expect != Expect::Anything {
                    let latest = sqlx::query(
                        "SELECT id, decision FROM decisions WHERE comment_id = $1 \
                         ORDER BY id DESC LIMIT 1",
                    )
                    .bind(comment_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                    if let Some(row) = latest {
                        let id: i64 = row.try_get("id")?;
                        let status = row
                            .try_get::<String, _>("decision")?
                            .parse::<DecisionKind>()?
                            .status();
                        let stale = match expect {
                            Expect::Pending => status != Status::Pending,
                            Expect::Latest(expected) => id != expected,
                            Expect::Anything => false,
                        };
                        if stale {
                            return Err(StoreError::AlreadyDecided {
                                id: comment_id,
                                status: status.as_str(),
                            });
                        }
                    }
                }
                let record = insert_decision(conn, comment_id, &decision, now_millis()).await?;
                sqlx::query("DELETE FROM claims WHERE comment_id = $1")
                    .bind(comment_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(record)
            })
        })
        .await
    }

    /// Every decision on a comment, oldest first: the comment's full history.
    pub async fn decisions(&self, comment_id: i64) -> Result<Vec<DecisionRecord>> {
        let rows = sqlx::query(
            "SELECT id, comment_id, decision, category, actor_kind, actor, note, risk, verdict, \
             created_at FROM decisions WHERE comment_id = $1 ORDER BY id",
        )
        .bind(comment_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decision_from_row).collect()
    }
}

impl Store {
    /// The size in bytes of the largest engine verdict stored; for load reports.
    pub async fn largest_verdict_bytes(&self) -> Result<i64> {
        let size = match self.backend() {
            Backend::Postgres => "octet_length(verdict)",
            Backend::Sqlite => "length(CAST(verdict AS BLOB))",
        };
        let sql = format!("SELECT CAST(COALESCE(MAX({size}), 0) AS BIGINT) AS n FROM decisions");
        let row = sqlx::query(AssertSqlSafe(sql))
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }
}

/// What a decision requires of the comment's history to be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Pending,
    Latest(i64),
    Anything,
}

/// Refuses a decision by `moderator` on a comment someone else holds a live claim on.
async fn check_claim(conn: &mut AnyConnection, comment_id: i64, moderator: &str) -> Result<()> {
    let holder = sqlx::query(
        "SELECT u.username, k.expires_at FROM claims k JOIN users u ON u.id = k.user_id \
         WHERE k.comment_id = $1 AND k.expires_at > $2",
    )
    .bind(comment_id)
    .bind(now_millis())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = holder {
        let holder: String = row.try_get("username")?;
        if holder != moderator {
            return Err(StoreError::ClaimedByOther {
                id: comment_id,
                holder,
                until: row.try_get("expires_at")?,
            });
        }
    }
    Ok(())
}

/// Writes a decision row. A missing risk travels as a flag beside a plain float: sqlx's `Any`
/// driver sends a NULL float to PostgreSQL as single precision, which then breaks the
/// statement for the double-precision values that follow on the same connection.
pub(crate) async fn insert_decision(
    conn: &mut AnyConnection,
    comment_id: i64,
    decision: &NewDecision,
    created_at: i64,
) -> Result<DecisionRecord> {
    let row = sqlx::query(
        "INSERT INTO decisions (comment_id, decision, category, actor_kind, actor, note, risk, \
         verdict, created_at) VALUES ($1, $2, $3, $4, $5, $6, \
         CASE WHEN $10 = 1 THEN $7 END, $8, $9) RETURNING id",
    )
    .bind(comment_id)
    .bind(decision.decision.as_str())
    .bind(&decision.category)
    .bind(decision.actor.kind())
    .bind(decision.actor.name())
    .bind(&decision.note)
    .bind(decision.risk.unwrap_or(0.0))
    .bind(&decision.verdict)
    .bind(created_at)
    .bind(i64::from(decision.risk.is_some()))
    .fetch_one(&mut *conn)
    .await?;
    Ok(DecisionRecord {
        id: row.try_get("id")?,
        comment_id,
        decision: decision.decision,
        category: decision.category.clone(),
        actor: decision.actor.clone(),
        note: decision.note.clone(),
        risk: decision.risk,
        verdict: decision.verdict.clone(),
        created_at,
    })
}

pub(super) fn decision_from_row(row: &AnyRow) -> Result<DecisionRecord> {
    let kind: String = row.try_get("decision")?;
    let actor_kind: String = row.try_get("actor_kind")?;
    Ok(DecisionRecord {
        id: row.try_get("id")?,
        comment_id: row.try_get("comment_id")?,
        decision: kind.parse()?,
        category: row.try_get("category")?,
        actor: Actor::from_parts(&actor_kind, row.try_get("actor")?)?,
        note: row.try_get("note")?,
        risk: row.try_get("risk")?,
        verdict: row.try_get("verdict")?,
        created_at: row.try_get("created_at")?,
    })
}
