//! The moderators' console: queues by keyset cursor over the `latest_decisions` index, their
//! counts, the decision log and the feed of new decisions that live updates poll.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::comments::comment_from_row;
use super::decisions::decision_from_row;
use super::sql::{Bind, Sql};
use super::{Result, Store, now_millis};
use crate::model::{CommentFacts, CommentRecord, DecisionRecord};

/// Which comments a queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    /// Waiting for a person: the riskiest first, then the oldest.
    Pending,
    /// Latest decision an approval, the most recently decided first.
    Approved,
    /// Latest decision a rejection, the most recently decided first.
    Rejected,
}

impl QueueKind {
    fn decision(self) -> &'static str {
        match self {
            QueueKind::Pending => "review",
            QueueKind::Approved => "approve",
            QueueKind::Rejected => "reject",
        }
    }
}

/// Who took a comment's latest decision, for the "engine decision" filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineFilter {
    /// The engine sent it to a person (pending, or decided by a moderator).
    Review,
    /// The engine decided it alone.
    Auto,
}

/// A queue's filters; each one left `None` filters nothing.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub article_id: Option<i64>,
    pub lang: Option<String>,
    /// The engine's category (pending) or the rejection's (rejected).
    pub category: Option<String>,
    pub engine: Option<EngineFilter>,
    pub min_risk: Option<f64>,
    pub max_risk: Option<f64>,
    /// The author's name as written, or their e-mail's hash.
    pub author_name: Option<String>,
    pub author_email_hash: Option<String>,
    /// Case-insensitive text the comment contains.
    pub text: Option<String>,
}

/// Where the next page of a queue starts: the last row of this one, in the queue's order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueCursor {
    /// After (rank, comment id) in the pending order.
    Pending { rank: f64, comment_id: i64 },
    /// Before this decision id in a decided queue.
    Decided { decision_id: i64 },
}

/// One comment as the console lists it.
#[derive(Debug, Clone)]
pub struct ConsoleItem {
    pub comment: CommentRecord,
    pub article_slug: String,
    pub article_title: String,
    pub facts: CommentFacts,
    /// The engine's latest risk (0 when it never read the comment).
    pub risk: f64,
    /// The engine's latest verdict as stored (JSON text).
    pub verdict: Option<String>,
    /// The latest decision's id and who took it, when there is one.
    pub decision_id: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// The moderator holding a live claim on it, if any.
    pub claimed_by: Option<String>,
    /// Its encoder job has not ended yet: the comment is being checked.
    pub checking: bool,
    cursor: QueueCursor,
}

/// One page of a queue and where the next starts (`None`: this is the last).
#[derive(Debug, Clone)]
pub struct ConsolePage {
    pub items: Vec<ConsoleItem>,
    pub next: Option<QueueCursor>,
}

/// How many comments each queue holds, and since when the oldest pending one waits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    pub oldest_pending_at: Option<i64>,
}

/// One row of the decision log, with the comment it decided.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub decision: DecisionRecord,
    pub author_name: String,
    pub body: String,
}

/// A decision appended since some point: what live updates tell the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionEvent {
    pub id: i64,
    pub comment_id: i64,
    pub decision: String,
    pub actor: String,
}

const ITEM_COLUMNS: &str = "c.id, c.article_id, c.parent_id, c.author_name, c.author_email, \
     c.body, c.created_at, l.decision, l.category, l.rank, l.decision_id, l.decided_at, \
     a.slug AS article_slug, a.title AS article_title, \
     f.lang, f.engine_category, f.email_hash, f.address_hash, f.link_host, \
     f.band0, f.band1, f.band2, f.band3, f.encoder, \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM encoder_jobs j WHERE j.comment_id = c.id) \
      THEN 1 ELSE 0 END AS BIGINT) AS checking, \
     u.username AS claimed_by, ld.actor AS decided_by, \
     (SELECT e.verdict FROM decisions e WHERE e.comment_id = c.id AND e.actor_kind = 'engine' \
      ORDER BY e.id DESC LIMIT 1) AS verdict";
const ITEM_FROM: &str = "FROM latest_decisions l JOIN comments c ON c.id = l.comment_id \
     JOIN articles a ON a.id = l.article_id \
     LEFT JOIN comment_facts f ON f.comment_id = l.comment_id \
     LEFT JOIN decisions ld ON ld.id = l.decision_id \
     LEFT JOIN claims k ON k.comment_id = l.comment_id AND k.expires_at > ";
const ITEM_USERS: &str = " LEFT JOIN users u ON u.id = k.user_id";

impl Store {
    /// One page of a queue, from `after` (the first page without it), at most `limit` rows.
    /// The order is an index's (`latest_decisions`), and a cursor resumes it by range, so a
    /// page costs the same whatever the queue's length. Comments another moderator holds a
    /// live claim on are left out of the pending queue for `viewer`.
    pub async fn console_queue(
        &self,
        kind: QueueKind,
        filter: &QueueFilter,
        after: Option<QueueCursor>,
        limit: i64,
        viewer: i64,
    ) -> Result<ConsolePage> {
        let mut sql = Sql::new(format!("SELECT {ITEM_COLUMNS} {ITEM_FROM}"));
        sql.bind(Bind::Int(now_millis()));
        sql.push(ITEM_USERS);
        sql.push(" WHERE l.decision = ");
        sql.bind(Bind::Text(kind.decision().into()));
        if kind == QueueKind::Pending {
            sql.push(" AND (k.user_id IS NULL OR k.user_id = ");
            sql.bind(Bind::Int(viewer));
            sql.push(")");
        }
        match after {
            Some(QueueCursor::Pending { rank, comment_id }) if kind == QueueKind::Pending => {
                sql.push(" AND (l.rank, l.comment_id) > (");
                sql.bind(Bind::Real(rank));
                sql.push(", ");
                sql.bind(Bind::Int(comment_id));
                sql.push(")");
            }
            Some(QueueCursor::Decided { decision_id }) if kind != QueueKind::Pending => {
                sql.push(" AND l.decision_id < ");
                sql.bind(Bind::Int(decision_id));
            }
            _ => {}
        }
        push_filters(&mut sql, kind, filter);
        sql.push(match kind {
            QueueKind::Pending => " ORDER BY l.rank, l.comment_id LIMIT ",
            _ => " ORDER BY l.decision_id DESC LIMIT ",
        });
        // One more than asked tells whether a next page exists.
        sql.bind(Bind::Int(limit + 1));
        let rows = sql.fetch_all(self.pool()).await?;
        let mut items = rows
            .iter()
            .map(console_item_from_row)
            .collect::<Result<Vec<_>>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit.max(0) as usize);
            items.last().map(|item| item.cursor)
        } else {
            None
        };
        Ok(ConsolePage { items, next })
    }

    /// One comment as the console shows it, whatever its status.
    pub async fn console_item(&self, comment_id: i64) -> Result<Option<ConsoleItem>> {
        let mut sql = Sql::new(format!("SELECT {ITEM_COLUMNS} {ITEM_FROM}"));
        sql.bind(Bind::Int(now_millis()));
        sql.push(ITEM_USERS);
        sql.push(" WHERE l.comment_id = ");
        sql.bind(Bind::Int(comment_id));
        let rows = sql.fetch_all(self.pool()).await?;
        rows.first().map(console_item_from_row).transpose()
    }

    /// How many comments each queue holds; the age of the oldest pending one.
    pub async fn queue_counts(&self) -> Result<QueueCounts> {
        let rows =
            sqlx::query("SELECT decision, COUNT(*) AS n FROM latest_decisions GROUP BY decision")
                .fetch_all(self.pool())
                .await?;
        let mut counts = QueueCounts::default();
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            match row.try_get::<String, _>("decision")?.as_str() {
                "review" => counts.pending = n,
                "approve" => counts.approved = n,
                "reject" => counts.rejected = n,
                _ => {}
            }
        }
        let oldest = sqlx::query(
            "SELECT MIN(comment_created_at) AS oldest FROM latest_decisions \
             WHERE decision = 'review'",
        )
        .fetch_one(self.pool())
        .await?;
        counts.oldest_pending_at = oldest.try_get("oldest")?;
        Ok(counts)
    }

    /// Decisions by anyone, the newest first, before decision id `before`.
    pub async fn decision_log(&self, before: Option<i64>, limit: i64) -> Result<Vec<LogEntry>> {
        let rows = sqlx::query(
            "SELECT d.id, d.comment_id, d.decision, d.category, d.actor_kind, d.actor, d.note, \
             d.risk, NULL AS verdict, d.created_at, c.author_name, c.body \
             FROM decisions d JOIN comments c ON c.id = d.comment_id \
             WHERE d.id < $1 ORDER BY d.id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LogEntry {
                    decision: decision_from_row(row)?,
                    author_name: row.try_get("author_name")?,
                    body: row.try_get("body")?,
                })
            })
            .collect()
    }

    /// Decisions appended after decision id `after`, oldest first: what every node reads to
    /// tell its consoles about new comments (the engine's first decision) and others'
    /// decisions, so live updates hold across nodes.
    pub async fn decisions_since(&self, after: i64, limit: i64) -> Result<Vec<DecisionEvent>> {
        let rows = sqlx::query(
            "SELECT id, comment_id, decision, actor FROM decisions WHERE id > $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DecisionEvent {
                    id: row.try_get("id")?,
                    comment_id: row.try_get("comment_id")?,
                    decision: row.try_get("decision")?,
                    actor: row.try_get("actor")?,
                })
            })
            .collect()
    }

    /// The newest decision's id (0 when there is none): where live updates start.
    pub async fn latest_decision_id(&self) -> Result<i64> {
        let row = sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM decisions")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }
}

/// Appends each set filter as a bound condition.
fn push_filters(sql: &mut Sql, kind: QueueKind, filter: &QueueFilter) {
    if let Some(article) = filter.article_id {
        sql.push(" AND l.article_id = ");
        sql.bind(Bind::Int(article));
    }
    if let Some(lang) = &filter.lang {
        sql.push(" AND f.lang = ");
        sql.bind(Bind::Text(lang.clone()));
    }
    if let Some(category) = &filter.category {
        sql.push(match kind {
            QueueKind::Rejected => " AND l.category = ",
            _ => " AND f.engine_category = ",
        });
        sql.bind(Bind::Text(category.clone()));
    }
    match filter.engine {
        Some(EngineFilter::Auto) => sql.push(" AND l.actor_kind = 'engine'"),
        Some(EngineFilter::Review) => sql
            .push(" AND (l.actor_kind IS NULL OR l.actor_kind = 'user' OR l.decision = 'review')"),
        None => {}
    }
    // rank is minus the risk.
    if let Some(min) = filter.min_risk {
        sql.push(" AND l.rank <= ");
        sql.bind(Bind::Real(-min));
    }
    if let Some(max) = filter.max_risk {
        sql.push(" AND l.rank >= ");
        sql.bind(Bind::Real(-max));
    }
    match (&filter.author_name, &filter.author_email_hash) {
        (Some(name), Some(hash)) => {
            sql.push(" AND (c.author_name = ");
            sql.bind(Bind::Text(name.clone()));
            sql.push(" OR f.email_hash = ");
            sql.bind(Bind::Text(hash.clone()));
            sql.push(")");
        }
        (Some(name), None) => {
            sql.push(" AND c.author_name = ");
            sql.bind(Bind::Text(name.clone()));
        }
        (None, Some(hash)) => {
            sql.push(" AND f.email_hash = ");
            sql.bind(Bind::Text(hash.clone()));
        }
        (None, None) => {}
    }
    if let Some(text) = &filter.text {
        sql.push(" AND LOWER(c.body) LIKE ");
        sql.bind(Bind::Text(like_pattern(text)));
        sql.push(" ESCAPE '\\'");
    }
}

/// `%text%` in lower case, with LIKE's own wildcards taken literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub(super) fn facts_from_row(row: &AnyRow) -> Result<CommentFacts> {
    let bands: [Option<i64>; 4] = [
        row.try_get("band0")?,
        row.try_get("band1")?,
        row.try_get("band2")?,
        row.try_get("band3")?,
    ];
    Ok(CommentFacts {
        lang: row.try_get("lang")?,
        engine_category: row.try_get("engine_category")?,
        email_hash: row.try_get("email_hash")?,
        address_hash: row.try_get("address_hash")?,
        link_host: row.try_get("link_host")?,
        bands: match bands {
            [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
            _ => None,
        },
        encoder: row
            .try_get::<Option<String>, _>("encoder")?
            .map(|step| step.parse())
            .transpose()?,
    })
}

fn console_item_from_row(row: &AnyRow) -> Result<ConsoleItem> {
    let comment = comment_from_row(row)?;
    let rank: f64 = row.try_get("rank")?;
    let decision_id: Option<i64> = row.try_get("decision_id")?;
    let cursor = match (comment.status, decision_id) {
        (crate::Status::Pending, _) | (_, None) => QueueCursor::Pending {
            rank,
            comment_id: comment.id,
        },
        (_, Some(decision_id)) => QueueCursor::Decided { decision_id },
    };
    Ok(ConsoleItem {
        article_slug: row.try_get("article_slug")?,
        article_title: row.try_get("article_title")?,
        facts: facts_from_row(row)?,
        risk: 0.0 - rank,
        verdict: row.try_get("verdict")?,
        decision_id,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
        claimed_by: row.try_get("claimed_by")?,
        checking: row.try_get::<i64, _>("checking")? == 1,
        cursor,
        comment,
    })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(like_pattern("ÉTÉ"), "%été%");
    }
}
