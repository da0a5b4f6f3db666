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

mod model;
mod store;

pub use model::{
    Actor, Article, CommentRecord, DecisionKind, DecisionRecord, NewArticle, NewComment,
    NewDecision, QueueItem, Role, Session, Status, User,
};
pub use store::{Store, now_millis};

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("unsupported database URL {0:?}: expected sqlite:PATH")]
    UnsupportedUrl(String),
    #[error("an article with the slug {0:?} already exists")]
    DuplicateSlug(String),
    #[error("a user named {0:?} already exists")]
    DuplicateUser(String),
    #[error("comment {0} does not exist")]
    UnknownComment(i64),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}
