//! The author's page for one comment: pending, approved, or rejected with the guideline broken.
//!
//! The status token never sits in a page's address, where browsers keep it in history, send it
//! on as `Referer` and proxies log it. After posting, it travels in a cookie scoped to this
//! comment's page. The private link to keep carries it in the fragment (`#token=`), which
//! browsers never send: a small script moves it into a POST that sets the cookie, and without
//! scripts the reader can paste it into the same form. Old links with `?token=` still work:
//! they set the cookie and redirect to the clean address at once.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use tribune_i18n::{Args, Texts};

use super::{Layout, PageError, PageResult, Visitor, append_cookie};
use crate::security::{cookie, set_cookie_at};
use crate::{App, ServerError};

/// How long the browser keeps a comment's status cookie.
const STATUS_COOKIE_DAYS: i64 = 180;

fn cookie_name(id: i64) -> String {
    format!("tribune_comment_{id}")
}

/// The `Set-Cookie` value that lets this browser follow comment `id`.
pub(super) fn status_cookie(app: &App, id: i64, token: &str) -> String {
    set_cookie_at(
        &cookie_name(id),
        token,
        &format!("/comments/{id}"),
        STATUS_COOKIE_DAYS * 86_400,
        app.config.secure_cookies,
    )
}

/// Pages that hold or receive a status token send no `Referer` onwards.
fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

#[derive(Template)]
#[template(path = "comment_status.html")]
struct CommentStatusPage<'a> {
    layout: Layout<'a>,
    slug: String,
    article_title: String,
    article_lang: String,
    status: &'static str,
    /// Pending while the encoder stage reads it.
    checking: bool,
    /// What a rejected author reads: the rejection and the guideline broken.
    rejection: String,
    body: String,
    private_link: String,
}

#[derive(Template)]
#[template(path = "open_status.html")]
struct OpenStatusPage<'a> {
    layout: Layout<'a>,
    id: i64,
    explained: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

/// A rejection in the guidelines' words: the category's reason (`reason-<category>`), or
/// the guidelines as a whole for a category the catalogue does not know.
fn rejection(t: &Texts, category: Option<&str>) -> String {
    match category {
        Some(category) => {
            let id = format!("reason-{category}");
            let reason = t.get(if t.has(&id) { &id } else { "reason-other" });
            t.with("status-rejected", Args::new().text("reason", reason))
        }
        None => t.get("status-rejected-no-reason"),
    }
}

fn comment_id(raw: &str) -> Result<i64, ServerError> {
    raw.parse()
        .map_err(|_| ServerError::not_found("unknown_comment", "there is no such comment"))
}

/// A status token as it can be: 64 hex digits. Anything else is not looked up.
fn plausible_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(super) async fn comment_status_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let id = comment_id(&id)?;
    if let Some(token) = query.token.filter(|t| !t.is_empty()) {
        // An old link: check it, keep it in the cookie, and leave the address clean.
        app.comment_for_author(id, &token).await?;
        let mut response = Redirect::to(&format!("/comments/{id}")).into_response();
        append_cookie(&mut response, &status_cookie(&app, id, &token));
        return Ok(no_referrer(response));
    }
    let Some(token) = cookie(&headers, &cookie_name(id)) else {
        return open_form(&app, &visitor, id, StatusCode::OK, None);
    };
    let (comment, checking) = app.author_view(id, &token).await?;
    let article = app
        .store
        .article_by_id(comment.article_id)
        .await?
        .ok_or_else(|| ServerError::not_found("unknown_article", "the article is gone"))?;
    let layout = visitor.layout(false);
    let rejection = rejection(&layout.t, comment.category.as_deref());
    let page = CommentStatusPage {
        layout,
        slug: article.slug,
        article_title: article.title,
        article_lang: article.lang,
        status: comment.status.as_str(),
        checking,
        rejection,
        body: comment.body,
        private_link: format!("/comments/{id}#token={token}"),
    };
    Ok(no_referrer(visitor.respond(
        &app,
        StatusCode::OK,
        page.render()?,
    )))
}

/// The form that turns a private link (or a pasted token) into this browser's cookie.
fn open_form(
    app: &App,
    visitor: &Visitor,
    id: i64,
    status: StatusCode,
    error: Option<&str>,
) -> PageResult {
    let layout = visitor.layout(false);
    let explained = layout.t.with(
        "status-open-explained",
        Args::new().text("marker", "#token="),
    );
    let error = error.map(|id| layout.t.get(id));
    let page = OpenStatusPage {
        layout,
        id,
        explained,
        error,
    };
    Ok(no_referrer(visitor.respond(app, status, page.render()?)))
}

pub(super) async fn open_status_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let id = comment_id(&id)?;
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    if !visitor.csrf_matches(&form.csrf) {
        return open_form(
            &app,
            &visitor,
            id,
            StatusCode::FORBIDDEN,
            Some("status-form-expired"),
        );
    }
    let token = form.token.trim();
    if !plausible_token(token) {
        return open_form(
            &app,
            &visitor,
            id,
            StatusCode::FORBIDDEN,
            Some("status-wrong-token"),
        );
    }
    match app.comment_for_author(id, token).await {
        Ok(_) => {
            let mut response = Redirect::to(&format!("/comments/{id}")).into_response();
            append_cookie(&mut response, &status_cookie(&app, id, token));
            Ok(no_referrer(response))
        }
        Err(ServerError::Forbidden { .. }) => open_form(
            &app,
            &visitor,
            id,
            StatusCode::FORBIDDEN,
            Some("status-wrong-token"),
        ),
        Err(other) => Err(PageError::Server(other)),
    }
}
