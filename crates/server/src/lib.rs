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
pub mod demo;
mod error;
mod pages;
mod security;
mod text;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

pub use app::{App, ServerConfig, create_user};
pub use text::{ImportedArticle, parse_article_text, slugify};

/// What went wrong inside the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{message}")]
    Input { code: &'static str, message: String },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("too many requests")]
    RateLimited,
    #[error("storage: {0}")]
    Store(#[from] tribune_store::StoreError),
    #[error("moderation policy: {0}")]
    Policy(String),
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
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
        }
    }

    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> ServerError {
        ServerError::NotFound {
            code,
            message: message.into(),
        }
    }
}

/// Every route of Tribune, with its size limit and security headers.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(app)
}

/// Serves Tribune on `listener` until the process is stopped (Ctrl-C).
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> Result<(), ServerError> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        // If the signal handler cannot be installed, serve until killed instead.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await?;
    Ok(())
}
