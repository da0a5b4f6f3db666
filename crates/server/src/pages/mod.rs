//! The server-rendered pages: articles with their comment sections (`articles.rs`), the
//! author's status page (`status.rs`), log in and out (`login.rs`) and the moderators'
//! console (`console/`). Every user text goes through askama's HTML escaping; every page is sent with
//! `Cache-Control: no-store` (they carry CSRF tokens, and some a status token).

mod articles;
mod console;
mod login;
mod status;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tribune_store::Session;

use crate::auth::session_token;
use crate::error::ApiError;
use crate::security::{CSRF_COOKIE, constant_time_eq, cookie, random_token, set_cookie};
use crate::{App, ServerError};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(articles::index))
        .route("/static/tribune.css", get(stylesheet))
        .route("/static/status.js", get(status_script))
        .route("/articles/{slug}", get(articles::article_page))
        .route("/articles/{slug}/comments", post(articles::post_comment))
        .route(
            "/comments/{id}",
            get(status::comment_status_page).post(status::open_status_page),
        )
        .route("/login", get(login::login_page).post(login::login_submit))
        .route("/logout", post(login::logout))
        .merge(console::routes())
        .fallback(not_found)
}

/// What every page's frame needs.
struct Layout {
    lang: &'static str,
    dir: &'static str,
    viewer: Option<String>,
    /// The token this page's forms carry: the session's for moderators, else the visitor's
    /// CSRF cookie.
    csrf: String,
    wide: bool,
}

/// Who is looking at a page, and the CSRF token their forms must carry.
struct Visitor {
    session: Option<Session>,
    csrf: String,
    /// Set when the visitor had no CSRF cookie yet.
    new_cookie: Option<String>,
}

impl Visitor {
    async fn of(app: &App, headers: &HeaderMap) -> Result<Visitor, ServerError> {
        let session = match session_token(headers) {
            Some((token, _)) => app.session(&token).await?,
            None => None,
        };
        let (csrf, new_cookie) = match (&session, cookie(headers, CSRF_COOKIE)) {
            (Some(s), _) => (s.csrf_token.clone(), None),
            (None, Some(existing)) if existing.len() == 64 => (existing, None),
            (None, _) => {
                let fresh = random_token()?;
                (fresh.clone(), Some(fresh))
            }
        };
        Ok(Visitor {
            session,
            csrf,
            new_cookie,
        })
    }

    fn layout(&self, wide: bool) -> Layout {
        Layout {
            lang: "en",
            dir: "ltr",
            viewer: self.session.as_ref().map(|s| s.user.username.clone()),
            csrf: self.csrf.clone(),
            wide,
        }
    }

    /// Checks a submitted form's CSRF field against what this visitor's page carried.
    fn csrf_matches(&self, sent: &str) -> bool {
        self.new_cookie.is_none() && constant_time_eq(sent, &self.csrf)
    }

    fn respond(&self, app: &App, status: StatusCode, html: String) -> Response {
        let mut response = (status, Html(html)).into_response();
        if let Some(token) = &self.new_cookie {
            let value = set_cookie(CSRF_COOKIE, token, 86_400 * 30, app.config.secure_cookies);
            append_cookie(&mut response, &value);
        }
        response
    }
}

fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// An error shown as a page.
struct PageError(ServerError);

impl From<ServerError> for PageError {
    fn from(e: ServerError) -> PageError {
        PageError(e)
    }
}

impl From<tribune_store::StoreError> for PageError {
    fn from(e: tribune_store::StoreError) -> PageError {
        PageError(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        // The same status, message and Retry-After as the API would give.
        let error = ApiError::from(self.0);
        let mut response = error_page(error.status, &error.message);
        if let Some(seconds) = error.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A page for an error status, in words for readers.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::CONFLICT => "Not possible now",
        StatusCode::TOO_MANY_REQUESTS => "Slow down",
        StatusCode::SERVICE_UNAVAILABLE => "Back in a moment",
        StatusCode::REQUEST_TIMEOUT => "The request took too long",
        status if status.is_server_error() => "Something went wrong",
        _ => "Something is wrong with the request",
    };
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        "The server failed to show this page; the error has been logged."
    } else {
        message
    };
    message_page(status, heading, message)
}

fn message_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = MessagePage {
        layout: Layout {
            lang: "en",
            dir: "ltr",
            viewer: None,
            csrf: String::new(),
            wide: false,
        },
        heading,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_owned()).into_response(),
    }
}

type PageResult = Result<Response, PageError>;

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    layout: Layout,
    heading: &'a str,
    message: &'a str,
}

async fn not_found() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address.",
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/tribune.css"),
    )
}

async fn status_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/status.js"),
    )
}

/// A time for people: UTC, to the minute.
fn when(millis: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(millis / 1000)
        .map(|t| {
            format!(
                "{}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// Right-to-left for the publisher's Arabic-script languages.
fn direction(lang: &str) -> &'static str {
    match lang {
        "ar" | "ckb" | "fa" => "rtl",
        _ => "ltr",
    }
}
