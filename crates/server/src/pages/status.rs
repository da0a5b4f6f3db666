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
struct CommentStatusPage {
    layout: Layout,
    slug: String,
    article_title: String,
    status: &'static str,
    reason: Option<String>,
    body: String,
    private_link: String,
}

#[derive(Template)]
#[template(path = "open_status.html")]
struct OpenStatusPage {
    layout: Layout,
    id: i64,
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

/// What a rejection category means, in the words of the guidelines.
fn rejection_reason(category: &str) -> &'static str {
    match category {
        "profanity" => "it contains profanity",
        "vulgarity" => "it contains vulgarity",
        "threat" => "it contains a threat",
        "personal_attack" => "it attacks a person",
        "identity_abuse" => {
            "it abuses people for who they are (such as sexism, racism, homophobia or xenophobia)"
        }
        "promotion" => "it is commercial or personal promotion",
        "off_topic" => "it is not about the article",
        _ => "it does not meet the community guidelines",
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
    let comment = app.comment_for_author(id, &token).await?;
    let article = app
        .store
        .article_by_id(comment.article_id)
        .await?
        .ok_or_else(|| ServerError::not_found("unknown_article", "the article is gone"))?;
    let page = CommentStatusPage {
        layout: visitor.layout(false),
        slug: article.slug,
        article_title: article.title,
        status: comment.status.as_str(),
        reason: comment
            .category
            .as_deref()
            .map(|c| rejection_reason(c).to_owned()),
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
    error: Option<String>,
) -> PageResult {
    let page = OpenStatusPage {
        layout: visitor.layout(false),
        id,
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
            Some("This form has expired. Open your private link again.".into()),
        );
    }
    let token = form.token.trim();
    if !plausible_token(token) {
        return open_form(
            &app,
            &visitor,
            id,
            StatusCode::FORBIDDEN,
            Some("That is not the private link of this comment.".into()),
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
            Some("That is not the private link of this comment.".into()),
        ),
        Err(other) => Err(PageError(other)),
    }
}
