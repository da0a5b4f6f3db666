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

use tribune_i18n::{Language, Texts};

use crate::auth::session_token;
use crate::error::ApiError;
use crate::language::RequestLanguage;
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

/// A link of the language switcher.
struct LanguageLink {
    tag: &'static str,
    name: &'static str,
    dir: &'static str,
    href: String,
    current: bool,
}

/// What every page's frame needs.
struct Layout<'a> {
    /// The page's words, in its language.
    t: Texts<'a>,
    languages: Vec<LanguageLink>,
    viewer: Option<String>,
    /// The token this page's forms carry: the session's for moderators, else the visitor's
    /// CSRF cookie.
    csrf: String,
    wide: bool,
}

impl<'a> Layout<'a> {
    /// The frame of a page in `language`, whose switcher links lead back to `path`.
    fn new(language: &'a RequestLanguage, chosen: Language, path: &str) -> Layout<'a> {
        Layout {
            t: language.localizer.texts(chosen),
            languages: Language::ALL
                .iter()
                .map(|l| LanguageLink {
                    tag: l.tag(),
                    name: l.native_name(),
                    dir: l.direction().as_str(),
                    href: format!("{path}?lang={}", l.tag()),
                    current: *l == chosen,
                })
                .collect(),
            viewer: None,
            csrf: String::new(),
            wide: false,
        }
    }
}

/// Who is looking at a page, in which language, and the CSRF token their forms must carry.
struct Visitor {
    session: Option<Session>,
    csrf: String,
    /// Set when the visitor had no CSRF cookie yet.
    new_cookie: Option<String>,
    language: RequestLanguage,
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
        let language = current_language()?;
        Ok(Visitor {
            session,
            csrf,
            new_cookie,
            language,
        })
    }

    fn layout(&self, wide: bool) -> Layout<'_> {
        self.framed(self.language.choice.language(), &self.language.path, wide)
    }

    /// The frame of a page about an article in `article_lang`, at `path`.
    fn layout_for_article(&self, article_lang: &str, path: &str) -> Layout<'_> {
        let language = self.language.choice.language_for_article(article_lang);
        self.framed(language, path, false)
    }

    fn framed(&self, language: Language, path: &str, wide: bool) -> Layout<'_> {
        Layout {
            viewer: self.session.as_ref().map(|s| s.user.username.clone()),
            csrf: self.csrf.clone(),
            wide,
            ..Layout::new(&self.language, language, path)
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

/// The request's language (see `language.rs`).
fn current_language() -> Result<RequestLanguage, ServerError> {
    crate::language::current()
        .ok_or_else(|| ServerError::Languages("the catalogues could not be loaded".into()))
}

fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// An error shown as a page.
enum PageError {
    /// An error of the operations, in the words of its code.
    Server(ServerError),
    /// A refusal with words of its own page (an expired form).
    Message {
        status: StatusCode,
        id: &'static str,
    },
}

impl From<ServerError> for PageError {
    fn from(e: ServerError) -> PageError {
        PageError::Server(e)
    }
}

impl From<tribune_store::StoreError> for PageError {
    fn from(e: tribune_store::StoreError) -> PageError {
        PageError::Server(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> PageError {
        PageError::Server(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Server(error) => {
                // The same status and Retry-After as the API would give.
                let error = ApiError::from(error);
                let mut response = error_page(&error);
                if let Some(seconds) = error.retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                response
            }
            PageError::Message { status, id } => message_page(status, |t| t.get(id)),
        }
    }
}

/// A page for an error, in words for readers in the request's language.
pub(crate) fn error_page(error: &ApiError) -> Response {
    message_page(error.status, |t| {
        if error.status == StatusCode::INTERNAL_SERVER_ERROR {
            t.get("error-page-failed")
        } else {
            crate::messages::error_text(t, error)
        }
    })
}

/// The heading of an error page for `status`.
fn error_heading(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error-page-not-found",
        StatusCode::FORBIDDEN => "error-page-forbidden",
        StatusCode::CONFLICT => "error-page-conflict",
        StatusCode::TOO_MANY_REQUESTS => "error-page-too-many",
        StatusCode::SERVICE_UNAVAILABLE => "error-page-unavailable",
        StatusCode::REQUEST_TIMEOUT => "error-page-timeout",
        status if status.is_server_error() => "error-page-server",
        _ => "error-page-bad-request",
    }
}

fn message_page(status: StatusCode, message: impl FnOnce(&Texts) -> String) -> Response {
    let Some(language) = crate::language::current() else {
        return (status, "the interface languages could not be loaded").into_response();
    };
    let layout = Layout::new(&language, language.choice.language(), &language.path);
    let heading = layout.t.get(error_heading(status));
    let message = message(&layout.t);
    let page = MessagePage {
        layout,
        heading: &heading,
        message: &message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.clone()).into_response(),
    }
}

type PageResult = Result<Response, PageError>;

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    layout: Layout<'a>,
    heading: &'a str,
    message: &'a str,
}

async fn not_found() -> Response {
    message_page(StatusCode::NOT_FOUND, |t| t.get("error-page-no-such-page"))
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
