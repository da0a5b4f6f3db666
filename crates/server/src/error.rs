//! Errors at the HTTP edge: every failure becomes `{error: {code, message}}` with its status on
//! the API, and a page on the site, whichever layer produced it.

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::ServerError;

/// A value an error's catalogue message shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    Number(i64),
    Text(String),
}

/// The named values of an error's catalogue message.
pub type Details = Vec<(&'static str, Detail)>;

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// What went wrong, in English for developers; people read the catalogue's words
    /// (`messages.rs`).
    pub message: String,
    /// The input field at fault, when one is.
    pub field: Option<&'static str>,
    pub details: Details,
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        let retry_after = (status == StatusCode::SERVICE_UNAVAILABLE).then_some(2);
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            details: Details::new(),
            retry_after,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "log in first: send the session cookie or an Authorization: Bearer token",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "the database is unavailable for a moment; retry shortly (a comment sent with an Idempotency-Key is never stored twice)",
        )
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to complete the request; it has been logged",
        )
    }

    fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }
}

impl From<ServerError> for ApiError {
    fn from(error: ServerError) -> ApiError {
        match error {
            ServerError::Input {
                code,
                message,
                details,
            } => ApiError {
                details,
                ..ApiError::bad_request(code, message)
            },
            ServerError::Field {
                field,
                code,
                message,
                details,
            } => ApiError {
                field: Some(field),
                details,
                ..ApiError::bad_request(code, format!("{field}: {message}"))
            },
            ServerError::NotFound { code, message } => ApiError::not_found(code, message),
            ServerError::Forbidden { code, message } => {
                ApiError::new(StatusCode::FORBIDDEN, code, message)
            }
            ServerError::Conflict { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            ServerError::Unprocessable { code, message } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            ServerError::RateLimited { retry_after_secs } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests from your address; try again in {retry_after_secs} s"),
            )
            .retry_after(retry_after_secs),
            ServerError::LoginThrottled { retry_after_secs } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "login_throttled",
                format!(
                    "too many failed log-ins on this account lately; from a browser that has logged in to it before you can log in now, otherwise try again in {retry_after_secs} s"
                ),
            )
            .retry_after(retry_after_secs),
            ServerError::Busy => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the server is busy; retry in a moment",
            )
            .retry_after(1),
            ServerError::Store(error) if error.is_unavailable() => {
                tracing::warn!(error = %error, "database unavailable");
                ApiError::unavailable()
            }
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // A client that asked for another language gets the catalogue's words; English keeps
        // the detailed developer message that clients already read.
        let message = match crate::language::current() {
            Some(language) if language.choice.language() != tribune_i18n::Language::English => {
                crate::messages::error_text(&language.texts(), &self)
            }
            _ => self.message.clone(),
        };
        let mut error = Map::new();
        error.insert("code".into(), Value::from(self.code));
        error.insert("message".into(), Value::from(message));
        if let Some(field) = self.field {
            error.insert("field".into(), Value::from(field));
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The code an error status gets when a layer (not a handler) produced it.
fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "unknown_route",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "overloaded",
        status if status.is_server_error() => "internal",
        _ => "bad_request",
    }
}

/// What a plain-text error body said, kept as the message when it is short and readable.
async fn plain_message(response: Response) -> (axum::http::response::Parts, Option<String>) {
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    (parts, text)
}

/// Gives every error the shape of its side of the site, whatever produced it (an extractor's
/// rejection, the router's 405, a timeout or the load shedder): JSON under `/api/`, a page
/// elsewhere. Errors already in shape pass unchanged.
pub async fn consistent_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let in_shape = if api {
        content_type.starts_with("application/json")
    } else {
        content_type.starts_with("text/html")
    };
    if in_shape {
        return response;
    }
    let (parts, text) = plain_message(response).await;
    let message = text.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_lowercase()
    });
    let error = ApiError::new(status, code_for(status), message);
    let mut shaped = if api {
        error.into_response()
    } else {
        crate::pages::error_page(&error)
    };
    // Keep what the layer said about the error (Allow, Retry-After).
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            shaped.headers_mut().insert(name, value.clone());
        }
    }
    if status == StatusCode::SERVICE_UNAVAILABLE
        && !shaped.headers().contains_key(header::RETRY_AFTER)
    {
        shaped
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    shaped
}

/// The body of a shed request: quick and small.
pub fn overloaded() -> Response {
    crate::metrics::shed();
    let mut response = Response::new(Body::from(
        "the server is at its limit of requests in progress; retry in a moment",
    ));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
