//! Tribune's HTTP server: the article pages with their comment sections and "Post a comment"
//! forms, the moderators' console, and the JSON API under `/api/v1`.
//!
//! Every comment is read by the moderation engine on arrival; the engine's verdict is stored as
//! the comment's first decision, and anything it cannot decide alone waits in the moderators'
//! queue. This crate is the edge: it validates input once, escapes every user text it renders,
//! checks CSRF tokens on forms and roles on moderator routes, and turns errors into
//! `{error: {code, message}}`. Storage lives in `tribune-store`, judgement in
//! `tribune-moderation`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! let store = tribune_store::Store::open_dir(std::path::Path::new("tribune-data")).await?;
//! let app = tribune_server::App::new(store, tribune_server::ServerConfig::default(), None)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! tribune_server::serve(listener, Arc::new(app)).await?;
//! # Ok(()) }
//! ```

mod api;
mod app;
mod auth;
mod client;
mod console;
pub mod demo;
mod encoder_jobs;
mod error;
mod facts;
mod input;
mod language;
mod login;
mod messages;
mod metrics;
mod moderation;
mod pages;
mod passwords;
mod security;
mod serve;
mod submit;
mod text;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;

pub use app::{App, ServerConfig, create_user};
pub use client::client_address;
pub use encoder_jobs::{EncoderJobsConfig, EncoderWorker, ReadingInput, SecondReading, read_each};
pub use error::{Detail, Details};
pub use serve::{MAX_BODY_BYTES, serve, serve_metrics, serve_until, service};
pub use submit::{CommentInput, MAX_STORED_VERDICT_BYTES, Submitted};
pub use text::{ImportedArticle, parse_article_text, slugify};
pub use tribune_i18n::{Language, PersianCalendar};

/// What went wrong inside the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{message}")]
    Input {
        code: &'static str,
        message: String,
        /// What the catalogue message for `code` shows (a limit, a length).
        details: Details,
    },
    /// One named field of the input is unacceptable.
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        code: &'static str,
        message: String,
        details: Details,
    },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Well-formed but refused as it stands (an idempotency key reused for another comment).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Too many failed log-ins on this account lately from browsers it does not know.
    #[error("log-ins to this account are held back for {retry_after_secs} s")]
    LoginThrottled { retry_after_secs: u64 },
    /// The server is at its limit for this kind of work right now; retrying shortly is fine.
    #[error("the server is busy")]
    Busy,
    #[error("storage: {0}")]
    Store(#[from] tribune_store::StoreError),
    #[error("moderation policy: {0}")]
    Policy(String),
    /// A setting in the database that does not read (edited by hand, say).
    #[error("stored setting: {0}")]
    Setting(String),
    #[error("interface languages: {0}")]
    Languages(String),
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("a blocking task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("rendering a page failed: {0}")]
    Template(#[from] askama::Error),
    #[error("serialising JSON failed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("serving HTTP failed: {0}")]
    Io(#[from] std::io::Error),
}

impl ServerError {
    pub(crate) fn input(code: &'static str, message: impl Into<String>) -> ServerError {
        ServerError::Input {
            code,
            message: message.into(),
            details: Details::new(),
        }
    }

    pub(crate) fn field(
        field: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> ServerError {
        ServerError::Field {
            field,
            code,
            message: message.into(),
            details: Details::new(),
        }
    }

    /// Adds a number that the error's catalogue message shows (input errors only).
    pub(crate) fn with_number(mut self, name: &'static str, value: i64) -> ServerError {
        if let ServerError::Input { details, .. } | ServerError::Field { details, .. } = &mut self {
            details.push((name, Detail::Number(value)));
        }
        self
    }

    /// Adds a piece of Tribune's own text (a code point) that the catalogue message shows.
    pub(crate) fn with_text(mut self, name: &'static str, value: String) -> ServerError {
        if let ServerError::Input { details, .. } | ServerError::Field { details, .. } = &mut self {
            details.push((name, Detail::Text(value)));
        }
        self
    }

    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> ServerError {
        ServerError::NotFound {
            code,
            message: message.into(),
        }
    }

    /// A refusal from the store's rate counter, with the wait it announced.
    pub(crate) fn rate_limited(retry_after_ms: i64) -> ServerError {
        ServerError::RateLimited {
            retry_after_secs: seconds_from_millis(retry_after_ms),
        }
    }
}

/// Whole seconds, rounded up, at least one: what a `Retry-After` header carries.
pub(crate) fn seconds_from_millis(millis: i64) -> u64 {
    u64::try_from(millis.max(1)).unwrap_or(1).div_ceil(1000)
}

/// Every route of Tribune, with its size limit and metrics. [`service`] wraps it in the
/// layers that guard the whole server (security headers, timeouts, load shedding, the request
/// log); `serve` serves that.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/metrics", axum::routing::get(admin_metrics))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(app)
}

/// `/metrics` on the main address, for admins (`--metrics-listen` serves it openly on an
/// address of its own).
async fn admin_metrics(State(app): State<Arc<App>>, _admin: auth::Admin) -> Response {
    serve::metrics_response(&app).await
}
