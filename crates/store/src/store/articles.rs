//! Articles.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use super::counters::{Counted, RateLimit};
use super::{Result, Store, now_millis};
use crate::StoreError;
use crate::model::{Article, NewArticle};

/// What [`Store::article_for_submission`] read.
#[derive(Debug, Clone)]
pub struct SubmissionContext {
    pub article: Article,
    /// The setting asked for, if it has a value.
    pub setting: Option<String>,
    /// Whether the submission fits under its rate limit (not yet counted).
    pub room: Counted,
}

// Queries are composed only from these constants, never from input: hence `AssertSqlSafe`.
const ARTICLE_SELECT: &str =
    "SELECT id, slug, title, body, lang, comments_open, created_at FROM articles";

impl Store {
    pub async fn insert_article(&self, new: &NewArticle) -> Result<Article> {
        let created_at = now_millis();
        let new = new.clone();
        self.write(move |conn| {
            Box::pin(async move {
                let row = sqlx::query(
                    "INSERT INTO articles (slug, title, body, lang, comments_open, created_at) \
                     VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
                )
                .bind(&new.slug)
                .bind(&new.title)
                .bind(&new.body)
                .bind(&new.lang)
                .bind(created_at)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        StoreError::DuplicateSlug(new.slug.clone())
                    }
                    other => other.into(),
                })?;
                Ok(Article {
                    id: row.try_get("id")?,
                    slug: new.slug,
                    title: new.title,
                    body: new.body,
                    lang: new.lang,
                    comments_open: true,
                    created_at,
                })
            })
        })
        .await
    }

    /// Every article, newest first.
    pub async fn articles(&self) -> Result<Vec<Article>> {
        let sql = format!("{ARTICLE_SELECT} ORDER BY created_at DESC, id DESC");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(article_from_row).collect()
    }

    pub async fn article_by_slug(&self, slug: &str) -> Result<Option<Article>> {
        let sql = format!("{ARTICLE_SELECT} WHERE slug = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(slug)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    /// What a submission to the article with this slug needs before the engine reads it, in
    /// one query: the article, the value of setting `key`, and whether one more event fits
    /// under `limit` ([`Store::peek`]: read, not counted), so a flood is turned away after
    /// one read.
    pub async fn article_for_submission(
        &self,
        slug: &str,
        key: &str,
        limit: &RateLimit,
    ) -> Result<Option<SubmissionContext>> {
        let windows = limit.windows_at(now_millis());
        // A limit without a window counts nothing: its windows are not looked up.
        let (previous, current, _) = windows.unwrap_or_default();
        let sql = "SELECT id, slug, title, body, lang, comments_open, created_at, \
                   (SELECT value FROM settings WHERE key = $2) AS setting, \
                   CAST(COALESCE((SELECT SUM(count) FROM rate_counters \
                   WHERE key = $3 AND window_start = $4), 0) AS BIGINT) AS previous_count, \
                   CAST(COALESCE((SELECT SUM(count) FROM rate_counters \
                   WHERE key = $3 AND window_start = $5), 0) AS BIGINT) AS current_count \
                   FROM articles WHERE slug = $1";
        let row = sqlx::query(sql)
            .bind(slug)
            .bind(key)
            .bind(&limit.key)
            .bind(previous)
            .bind(current)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            let room = match windows {
                Some((_, _, elapsed)) => limit.judge(
                    row.try_get("previous_count")?,
                    row.try_get("current_count")?,
                    elapsed,
                ),
                None => Counted::ALLOWED,
            };
            Ok(SubmissionContext {
                article: article_from_row(&row)?,
                setting: row.try_get("setting")?,
                room,
            })
        })
        .transpose()
    }

    pub async fn article_by_id(&self, id: i64) -> Result<Option<Article>> {
        let sql = format!("{ARTICLE_SELECT} WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    pub async fn set_comments_open(&self, article_id: i64, open: bool) -> Result<()> {
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query("UPDATE articles SET comments_open = $1 WHERE id = $2")
                    .bind(i64::from(open))
                    .bind(article_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await
    }
}

pub(crate) fn article_from_row(row: &AnyRow) -> Result<Article> {
    Ok(Article {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        lang: row.try_get("lang")?,
        comments_open: row.try_get::<i64, _>("comments_open")? != 0,
        created_at: row.try_get("created_at")?,
    })
}
