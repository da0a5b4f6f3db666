//! What a card shows about a comment's author and its look-alikes: the author's history (by
//! e-mail hash and by address hash) and the pending comments alike (near duplicates by MinHash
//! band, same author, same link).

use sqlx::Row;

use super::comments::comment_from_row;
use super::sql::{Bind, Sql};
use super::{Result, Store};
use crate::model::{CommentFacts, CommentRecord};

/// An author's earlier comments and how they were decided.
#[derive(Debug, Clone, Default)]
pub struct AuthorHistory {
    /// The newest first, at most the number asked for.
    pub comments: Vec<CommentRecord>,
    pub total: i64,
    pub approved: i64,
    pub rejected: i64,
}

/// How many other pending comments are like this one, in each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlikeCounts {
    pub near_duplicates: i64,
    pub same_author: i64,
    pub same_link: i64,
}

/// How a comment is alike to others: the conditions on `comment_facts` (as `f`).
fn push_near(sql: &mut Sql, bands: [i64; 4]) {
    sql.push("(f.band0 = ");
    sql.bind(Bind::Int(bands[0]));
    sql.push(" OR f.band1 = ");
    sql.bind(Bind::Int(bands[1]));
    sql.push(" OR f.band2 = ");
    sql.bind(Bind::Int(bands[2]));
    sql.push(" OR f.band3 = ");
    sql.bind(Bind::Int(bands[3]));
    sql.push(")");
}

fn push_author(sql: &mut Sql, facts: &CommentFacts) -> bool {
    match (&facts.email_hash, &facts.address_hash) {
        (Some(email), Some(address)) => {
            sql.push("(f.email_hash = ");
            sql.bind(Bind::Text(email.clone()));
            sql.push(" OR f.address_hash = ");
            sql.bind(Bind::Text(address.clone()));
            sql.push(")");
        }
        (Some(email), None) => {
            sql.push("f.email_hash = ");
            sql.bind(Bind::Text(email.clone()));
        }
        (None, Some(address)) => {
            sql.push("f.address_hash = ");
            sql.bind(Bind::Text(address.clone()));
        }
        (None, None) => return false,
    }
    true
}

fn push_link(sql: &mut Sql, facts: &CommentFacts) -> bool {
    let Some(host) = &facts.link_host else {
        return false;
    };
    sql.push("f.link_host = ");
    sql.bind(Bind::Text(host.clone()));
    true
}

/// Pending comments other than `comment_id` (as `f`), followed by ` AND `.
fn pending_others(select: &'static str, comment_id: i64) -> Sql {
    let mut sql = Sql::new(select);
    sql.push(
        " FROM comment_facts f JOIN latest_decisions l ON l.comment_id = f.comment_id \
         WHERE l.decision = 'review' AND f.comment_id <> ",
    );
    sql.bind(Bind::Int(comment_id));
    sql.push(" AND ");
    sql
}

impl Store {
    /// The author's other comments (same e-mail hash or same address hash), newest first.
    pub async fn author_history(
        &self,
        comment_id: i64,
        facts: &CommentFacts,
        limit: i64,
    ) -> Result<AuthorHistory> {
        let mut counts = Sql::new(
            "SELECT COUNT(*) AS n, \
             COALESCE(SUM(CASE WHEN l.decision = 'approve' THEN 1 ELSE 0 END), 0) AS approved, \
             COALESCE(SUM(CASE WHEN l.decision = 'reject' THEN 1 ELSE 0 END), 0) AS rejected \
             FROM comment_facts f JOIN latest_decisions l ON l.comment_id = f.comment_id \
             WHERE f.comment_id <> ",
        );
        counts.bind(Bind::Int(comment_id));
        counts.push(" AND ");
        if !push_author(&mut counts, facts) {
            return Ok(AuthorHistory::default());
        }
        let row = counts.fetch_all(self.pool()).await?;
        let mut history = AuthorHistory::default();
        if let Some(row) = row.first() {
            history.total = row.try_get("n")?;
            history.approved = row.try_get("approved")?;
            history.rejected = row.try_get("rejected")?;
        }
        let mut list = Sql::new(
            "SELECT c.id, c.article_id, c.parent_id, c.author_name, c.author_email, c.body, \
             c.created_at, l.decision, l.category FROM comment_facts f \
             JOIN latest_decisions l ON l.comment_id = f.comment_id \
             JOIN comments c ON c.id = f.comment_id WHERE f.comment_id <> ",
        );
        list.bind(Bind::Int(comment_id));
        list.push(" AND ");
        push_author(&mut list, facts);
        list.push(" ORDER BY f.comment_id DESC LIMIT ");
        list.bind(Bind::Int(limit));
        history.comments = list
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(comment_from_row)
            .collect::<Result<_>>()?;
        Ok(history)
    }

    /// How many other pending comments are near duplicates of this one, by the same author,
    /// or carry the same link.
    pub async fn alike_counts(&self, comment_id: i64, facts: &CommentFacts) -> Result<AlikeCounts> {
        let mut counts = AlikeCounts::default();
        if let Some(bands) = facts.bands {
            let mut sql = pending_others("SELECT COUNT(*) AS n", comment_id);
            push_near(&mut sql, bands);
            counts.near_duplicates = count(self, sql).await?;
        }
        let mut sql = pending_others("SELECT COUNT(*) AS n", comment_id);
        if push_author(&mut sql, facts) {
            counts.same_author = count(self, sql).await?;
        }
        let mut sql = pending_others("SELECT COUNT(*) AS n", comment_id);
        if push_link(&mut sql, facts) {
            counts.same_link = count(self, sql).await?;
        }
        Ok(counts)
    }

    /// The pending comments alike to this one, this one included, in queue order, at most
    /// `limit`: near duplicates, the same link, or the same author by e-mail.
    pub async fn alike_ids(
        &self,
        comment_id: i64,
        facts: &CommentFacts,
        limit: i64,
    ) -> Result<Vec<i64>> {
        let mut sql = pending_others("SELECT f.comment_id AS id", comment_id);
        sql.push("(1 = 0");
        if let Some(bands) = facts.bands {
            sql.push(" OR ");
            push_near(&mut sql, bands);
        }
        // The same e-mail, not the same address: an address is shared by a household, an
        // office or a mobile network, too weak an identity for a decision in bulk.
        sql.push(" OR ");
        match &facts.email_hash {
            Some(email) => {
                sql.push("f.email_hash = ");
                sql.bind(Bind::Text(email.clone()));
            }
            None => sql.push("1 = 0"),
        }
        sql.push(" OR ");
        if !push_link(&mut sql, facts) {
            sql.push("1 = 0");
        }
        sql.push(") ORDER BY l.rank, l.comment_id LIMIT ");
        sql.bind(Bind::Int(limit));
        let mut ids = vec![comment_id];
        for row in sql.fetch_all(self.pool()).await? {
            ids.push(row.try_get("id")?);
        }
        Ok(ids)
    }
}

async fn count(store: &Store, sql: Sql) -> Result<i64> {
    let rows = sql.fetch_all(store.pool()).await?;
    Ok(match rows.first() {
        Some(row) => row.try_get("n")?,
        None => 0,
    })
}
