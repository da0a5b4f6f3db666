//! The store itself: one pool, one set of queries for every backend.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Executor, Row};

use crate::model::{
    Actor, Article, CommentRecord, DecisionKind, DecisionRecord, Inserted, NewArticle, NewComment,
    NewDecision, QueueItem, Role, Session, Status, User,
};
use crate::{Backend, StoreError, migrations};

type Result<T> = std::result::Result<T, StoreError>;

/// The current time as Unix milliseconds, the unit of every stored time.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A handle on Tribune's database; cheap to clone (it is a connection pool).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

// Queries are composed only from these constants, never from input: hence `AssertSqlSafe`.
/// Columns of a comment with its latest decision (joined as `d`).
const COMMENT_COLUMNS: &str = "c.id, c.article_id, c.parent_id, c.author_name, c.author_email, \
     c.body, c.created_at, d.decision, d.category, d.risk, d.verdict";
const COMMENT_FROM: &str = "FROM comments c LEFT JOIN decisions d \
     ON d.id = (SELECT MAX(id) FROM decisions WHERE comment_id = c.id)";
const ARTICLE_SELECT: &str =
    "SELECT id, slug, title, body, lang, comments_open, created_at FROM articles";
/// A comment waits for a person while it has no decision or the latest says `review`.
const IS_PENDING: &str = "(d.decision IS NULL OR d.decision = 'review')";

impl Store {
    /// Opens (creating and migrating on first use) the embedded SQLite database in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
        let url = format!("sqlite://{}?mode=rwc", dir.join("tribune.db").display());
        Store::connect(&url).await
    }

    /// Connects to a database by URL (`sqlite:PATH` or `postgres://...`) and brings its schema
    /// up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        sqlx::any::install_default_drivers();
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // Fail fast while the database is away, so callers answer 503 instead of hanging.
            .acquire_timeout(Duration::from_secs(3));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the one writer; the busy timeout makes a
                    // second writer wait instead of failing.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(url).await?;
        migrations::migrator(backend).run(&pool).await?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    // Articles

    pub async fn insert_article(&self, new: &NewArticle) -> Result<Article> {
        let created_at = now_millis();
        let row = sqlx::query(
            "INSERT INTO articles (slug, title, body, lang, comments_open, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(&new.slug)
        .bind(&new.title)
        .bind(&new.body)
        .bind(&new.lang)
        .bind(created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::DuplicateSlug(new.slug.clone())
            }
            other => other.into(),
        })?;
        Ok(Article {
            id: row.try_get("id")?,
            slug: new.slug.clone(),
            title: new.title.clone(),
            body: new.body.clone(),
            lang: new.lang.clone(),
            comments_open: true,
            created_at,
        })
    }

    /// Every article, newest first.
    pub async fn articles(&self) -> Result<Vec<Article>> {
        let sql = format!("{ARTICLE_SELECT} ORDER BY created_at DESC, id DESC");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(article_from_row).collect()
    }

    pub async fn article_by_slug(&self, slug: &str) -> Result<Option<Article>> {
        let sql = format!("{ARTICLE_SELECT} WHERE slug = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    pub async fn article_by_id(&self, id: i64) -> Result<Option<Article>> {
        let sql = format!("{ARTICLE_SELECT} WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    pub async fn set_comments_open(&self, article_id: i64, open: bool) -> Result<()> {
        sqlx::query("UPDATE articles SET comments_open = $1 WHERE id = $2")
            .bind(i64::from(open))
            .bind(article_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // Comments and decisions

    /// Stores a new comment, with the engine's first decision when there is one, in one
    /// transaction: a comment is never visible without the decision taken on arrival.
    ///
    /// When `new.idempotency_key` matches an earlier submission nothing is stored but the new
    /// token, and the earlier comment is returned (`replayed`): a client that retries after a
    /// lost answer never creates a duplicate.
    pub async fn insert_comment(
        &self,
        new: &NewComment,
        first_decision: Option<&NewDecision>,
    ) -> Result<Inserted> {
        if let Some(existing) = self.replay(new).await? {
            return Ok(existing);
        }
        match self.insert_new_comment(new, first_decision).await {
            // Two submissions with one key raced: the other stored it first.
            Err(StoreError::Database(sqlx::Error::Database(db)))
                if db.is_unique_violation() && new.idempotency_key.is_some() =>
            {
                self.replay(new).await?.ok_or_else(|| {
                    StoreError::Corrupt("an idempotency key collided but no comment has it".into())
                })
            }
            other => other,
        }
    }

    async fn replay(&self, new: &NewComment) -> Result<Option<Inserted>> {
        let Some(key) = &new.idempotency_key else {
            return Ok(None);
        };
        let row = sqlx::query("SELECT id FROM comments WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        sqlx::query("INSERT INTO comment_tokens (token_hash, comment_id) VALUES ($1, $2)")
            .bind(&new.token_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        let comment = self
            .comment(id)
            .await?
            .ok_or(StoreError::UnknownComment(id))?;
        Ok(Some(Inserted {
            comment,
            replayed: true,
        }))
    }

    async fn insert_new_comment(
        &self,
        new: &NewComment,
        first_decision: Option<&NewDecision>,
    ) -> Result<Inserted> {
        let created_at = now_millis();
        let mut tx = self.pool.begin().await?;
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
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        sqlx::query("INSERT INTO comment_tokens (token_hash, comment_id) VALUES ($1, $2)")
            .bind(&new.token_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(decision) = first_decision {
            insert_decision(&mut tx, id, decision, created_at).await?;
        }
        tx.commit().await?;
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

    pub async fn comment(&self, id: i64) -> Result<Option<CommentRecord>> {
        let sql = format!("SELECT {COMMENT_COLUMNS} {COMMENT_FROM} WHERE c.id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(comment_from_row).transpose()
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
            .fetch_optional(&self.pool)
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
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(comment_from_row).collect()
    }

    /// Comments waiting for a person, the riskiest first, then the oldest. Comments another
    /// moderator holds a live claim on are left out when `for_user` is given.
    pub async fn pending_queue(&self, limit: i64, for_user: Option<i64>) -> Result<Vec<QueueItem>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS}, a.slug AS article_slug, a.title AS article_title, \
             k.user_id AS claimed_by \
             {COMMENT_FROM} JOIN articles a ON a.id = c.article_id \
             LEFT JOIN claims k ON k.comment_id = c.id AND k.expires_at > $2 \
             WHERE {IS_PENDING} AND ($3 < 0 OR k.user_id IS NULL OR k.user_id = $3) \
             ORDER BY COALESCE(d.risk, 0) DESC, c.id ASC LIMIT $1"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(limit)
            .bind(now_millis())
            .bind(for_user.unwrap_or(-1))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(queue_item_from_row).collect()
    }

    /// Claims up to `limit` pending comments for `user_id` for `ttl_ms`: the riskiest and
    /// oldest that no other moderator holds. Two moderators claiming at once never get the
    /// same comment (rows are locked with `SKIP LOCKED` on PostgreSQL; SQLite has one writer).
    pub async fn claim(&self, user_id: i64, limit: i64, ttl_ms: i64) -> Result<Vec<QueueItem>> {
        let now = now_millis();
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE OF c SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT c.id {COMMENT_FROM} \
             LEFT JOIN claims k ON k.comment_id = c.id AND k.expires_at > $1 \
             WHERE {IS_PENDING} AND (k.user_id IS NULL OR k.user_id = $2) \
             ORDER BY COALESCE(d.risk, 0) DESC, c.id ASC LIMIT $3{lock}"
        );
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(now)
            .bind(user_id)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            sqlx::query(
                "INSERT INTO claims (comment_id, user_id, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (comment_id) DO UPDATE SET user_id = excluded.user_id, \
                 expires_at = excluded.expires_at",
            )
            .bind(id)
            .bind(user_id)
            .bind(now + ttl_ms)
            .execute(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        let mut items = Vec::with_capacity(ids.len());
        for item in self.pending_queue(i64::MAX, Some(user_id)).await? {
            if ids.contains(&item.comment.id) {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once, so
    /// that what the transaction reads cannot change before it writes.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.backend {
            Backend::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => Ok(self.pool.begin().await?),
        }
    }

    /// Appends a decision on a comment; the comment's status becomes this decision.
    ///
    /// With `only_if_pending`, the decision is taken only while the comment still waits for
    /// one: of two moderators deciding at once, exactly one wins and the other gets
    /// `AlreadyDecided`. Without it, the decision overturns whatever came before.
    pub async fn record_decision(
        &self,
        comment_id: i64,
        decision: &NewDecision,
        only_if_pending: bool,
    ) -> Result<DecisionRecord> {
        let mut tx = self.begin_write().await?;
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let sql = format!("SELECT id FROM comments WHERE id = $1{lock}");
        let exists = sqlx::query(AssertSqlSafe(sql))
            .bind(comment_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::UnknownComment(comment_id));
        }
        if only_if_pending {
            let latest = sqlx::query(
                "SELECT decision FROM decisions WHERE comment_id = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(comment_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = latest {
                let status = row
                    .try_get::<String, _>("decision")?
                    .parse::<DecisionKind>()?
                    .status();
                if status != Status::Pending {
                    return Err(StoreError::AlreadyDecided {
                        id: comment_id,
                        status: status.as_str(),
                    });
                }
            }
        }
        let record = insert_decision(&mut tx, comment_id, decision, now_millis()).await?;
        sqlx::query("DELETE FROM claims WHERE comment_id = $1")
            .bind(comment_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Every decision on a comment, oldest first: the comment's full history.
    pub async fn decisions(&self, comment_id: i64) -> Result<Vec<DecisionRecord>> {
        let rows = sqlx::query(
            "SELECT id, comment_id, decision, category, actor_kind, actor, note, risk, verdict, \
             created_at FROM decisions WHERE comment_id = $1 ORDER BY id",
        )
        .bind(comment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decision_from_row).collect()
    }

    // Accounts and sessions

    pub async fn insert_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User> {
        let created_at = now_millis();
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, role, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::DuplicateUser(username.to_owned())
            }
            other => other.into(),
        })?;
        Ok(User {
            id: row.try_get("id")?,
            username: username.to_owned(),
            password_hash: password_hash.to_owned(),
            role,
            created_at,
        })
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, created_at FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(|r| user_from_row(r, "")).transpose()
    }

    pub async fn count_users(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now_millis())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this token hash, if any (expired sessions are not returned).
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id AS u_id, u.username AS u_username, u.password_hash AS u_password_hash, \
             u.role AS u_role, u.created_at AS u_created_at, s.csrf_token, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Session {
                user: user_from_row(&r, "u_")?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends a session (and sweeps expired ones).
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // Settings and shared counters

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts one event under `key` in a fixed window of `window_ms`; false when the window
    /// already holds `limit` events. One atomic statement, so every node shares the count.
    pub async fn count_event(&self, key: &str, limit: i64, window_ms: i64) -> Result<bool> {
        let now = now_millis();
        let row = sqlx::query(
            "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
             count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
             window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 \
             ELSE rate_limits.window_start END \
             RETURNING count",
        )
        .bind(key)
        .bind(now)
        .bind(now - window_ms)
        .fetch_one(&self.pool)
        .await?;
        let count: i64 = row.try_get("count")?;
        Ok(count <= limit)
    }

    /// Runs raw SQL; for tests that prove what the schema itself refuses.
    #[doc(hidden)]
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        Ok(sqlx::query(AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

/// Writes a decision row. A missing risk travels as a flag beside a plain float: sqlx's `Any`
/// driver sends a NULL float to PostgreSQL as single precision, which then breaks the
/// statement for the double-precision values that follow on the same connection.
async fn insert_decision(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
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
    .fetch_one(&mut **tx)
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

/// Only a rejection carries its category to readers; a review's flag is for moderators.
fn rejection_category(status: Status, category: Option<String>) -> Option<String> {
    if status == Status::Rejected {
        category
    } else {
        None
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

fn comment_from_row(row: &AnyRow) -> Result<CommentRecord> {
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

fn decision_from_row(row: &AnyRow) -> Result<DecisionRecord> {
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

fn user_from_row(row: &AnyRow, prefix: &str) -> Result<User> {
    let role: String = row.try_get(format!("{prefix}role").as_str())?;
    Ok(User {
        id: row.try_get(format!("{prefix}id").as_str())?,
        username: row.try_get(format!("{prefix}username").as_str())?,
        password_hash: row.try_get(format!("{prefix}password_hash").as_str())?,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_at: row.try_get(format!("{prefix}created_at").as_str())?,
    })
}
