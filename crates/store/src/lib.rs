//! Tribune's storage: articles, comments, the decisions taken on them, accounts, sessions and
//! settings.
//!
//! What it guarantees, whatever calls it:
//! - a comment's text is written once and never changed: there is no update method, and the
//!   schema itself refuses `UPDATE` on comments;
//! - every decision is an appended row, never changed or removed; a comment's status is its
//!   latest decision.
//!
//! It knows nothing of HTTP or of the moderation engine: verdicts arrive as JSON text.
//! One code path serves every backend through sqlx's `Any` driver (plain integers, floats and
//! text; times as Unix milliseconds), so a backend is a URL scheme plus its migrations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tribune_store::StoreError> {
//! let store = tribune_store::Store::open_dir(std::path::Path::new("tribune-data")).await?;
//! let articles = store.articles().await?;
//! # Ok(()) }
//! ```

mod copy;
mod migrations;
mod model;
mod store;
#[doc(hidden)]
pub mod testing;

pub use copy::TableCount;
pub use model::{
    Actor, Article, CommentRecord, DecisionKind, DecisionRecord, Inserted, NewArticle, NewComment,
    NewDecision, QueueItem, Role, Session, Status, User,
};
pub use store::{Store, now_millis};

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded, one machine: the default.
    Sqlite,
    /// Shared by several Tribune nodes.
    Postgres,
}

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot be reached right now (restarting, network); retrying later is safe.
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("unsupported database URL {0:?}: expected sqlite:PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("comment {id} is already {status}; overturning a decision must be explicit")]
    AlreadyDecided { id: i64, status: &'static str },
    #[error("the target database is not empty ({0}); migrate into an empty database")]
    TargetNotEmpty(String),
    #[error("an article with the slug {0:?} already exists")]
    DuplicateSlug(String),
    #[error("a user named {0:?} already exists")]
    DuplicateUser(String),
    #[error("comment {0} does not exist")]
    UnknownComment(i64),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        let unavailable = match &error {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // PostgreSQL's "operator intervention" (57P: shutting down, starting up) and
            // "connection exception" (08) classes.
            sqlx::Error::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")),
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable(error)
        } else {
            StoreError::Database(error)
        }
    }
}
