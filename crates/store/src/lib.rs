//! Tribune's storage: articles, comments, the decisions taken on them, accounts, sessions and
//! settings.
//!
//! What it guarantees, whatever calls it:
//! - a comment's text is written once and never changed or removed: there is no update or
//!   delete method, and the schema itself refuses `UPDATE`, `DELETE`, `REPLACE` and `TRUNCATE`
//!   on comments;
//! - every decision is an appended row, never changed or removed (the same statements are
//!   refused); a comment's status is its latest decision;
//! - every write is one transaction, durable once the call returns (one writer per node
//!   commits concurrent writes together; on SQLite in WAL mode with `synchronous = FULL`).
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
mod writer;

pub use copy::TableCount;
pub use model::{
    Actor, Article, CommentFacts, CommentRecord, DecisionKind, DecisionRecord, EncoderStep,
    Inserted, NewArticle, NewComment, NewDecision, QueueItem, Role, Session, Status, User,
};
pub use store::{
    AlikeCounts, AuthorHistory, ConsoleItem, ConsolePage, Counted, DecisionEvent, EncoderJob,
    EncoderJobStats, EncoderLease, EngineFilter, JobEnd, LogEntry, PendingStats, PoolStats,
    QueueCounts, QueueCursor, QueueFilter, QueueKind, RateLimit, Store, SubmissionContext,
    now_millis,
};

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
    #[error("comment {id} is claimed by {holder} until {until} (Unix ms)")]
    ClaimedByOther { id: i64, holder: String, until: i64 },
    #[error("that idempotency key was already used for a different comment")]
    IdempotencyKeyReused,
    #[error("too many requests; retry in {retry_after_ms} ms")]
    RateLimited { retry_after_ms: i64 },
    /// A group commit failed as a whole: nothing of the write was stored; retrying is safe.
    #[error("the write was not stored: {0}")]
    BatchFailed(String),
    #[error("the database writer has stopped")]
    WriterStopped,
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// The write or read did not happen for a reason that passes (the database restarting, a
    /// failed commit): answering "retry shortly" is right.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_) | StoreError::BatchFailed(_) | StoreError::WriterStopped
        )
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        let unavailable = match &error {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // PostgreSQL's "operator intervention" (57P: shutting down, starting up),
            // "connection exception" (08) and "transaction rollback" (40: a deadlock between
            // nodes' writers, a serialization failure) classes: retrying is right.
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                code.starts_with("57P") || code.starts_with("08") || code.starts_with("40")
            }),
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable(error)
        } else {
            StoreError::Database(error)
        }
    }
}
