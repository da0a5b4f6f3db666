//! The one error type of the harness.

/// What went wrong while driving the browser.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("chromium could not be started: {0}")]
    Launch(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("DevTools connection: {0}")]
    WebSocket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("DevTools connection closed")]
    Closed,
    #[error("DevTools {method} failed: {message}")]
    Protocol { method: String, message: String },
    #[error("timed out after {seconds:.1} s waiting for {what}")]
    Timeout { what: String, seconds: f64 },
    #[error("script threw: {0}")]
    Script(String),
    #[error("unexpected DevTools answer to {0}")]
    Answer(String),
}
