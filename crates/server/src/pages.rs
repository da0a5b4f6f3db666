//! The server-rendered pages: articles with their comment sections, the reader's status page,
//! log in, and the moderation queue. Every user text goes through askama's HTML escaping.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tribune_store::{CommentRecord, Role, Session};

use crate::app::{CommentInput, REJECTION_CATEGORIES};
use crate::auth::session_token;
use crate::security::{
    CSRF_COOKIE, SESSION_COOKIE, constant_time_eq, cookie, random_token, set_cookie,
};
use crate::{App, ServerError};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(index))
        .route("/static/tribune.css", get(stylesheet))
        .route("/articles/{slug}", get(article_page))
        .route("/articles/{slug}/comments", post(post_comment))
        .route("/comments/{id}", get(comment_status_page))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/moderation", get(queue_page))
        .route("/moderation/comments/{id}/decision", post(decide))
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
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
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
        let (status, heading, message) = match &self.0 {
            ServerError::NotFound { message, .. } => {
                (StatusCode::NOT_FOUND, "Not found", message.clone())
            }
            ServerError::Input { message, .. } => (
                StatusCode::BAD_REQUEST,
                "Something is wrong with the request",
                message.clone(),
            ),
            ServerError::Forbidden { message, .. } => {
                (StatusCode::FORBIDDEN, "Not allowed", message.clone())
            }
            ServerError::Conflict { message, .. } => {
                (StatusCode::CONFLICT, "Not possible now", message.clone())
            }
            ServerError::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "Slow down",
                "Too many requests from your address; wait a minute and try again.".to_owned(),
            ),
            ServerError::Store(tribune_store::StoreError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Back in a moment",
                "The comments database is unavailable for a moment. Please try again shortly."
                    .to_owned(),
            ),
            other => {
                tracing::error!(error = %other, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server failed to show this page; the error has been logged.".to_owned(),
                )
            }
        };
        message_page(status, heading, &message)
    }
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
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/tribune.css"),
    )
}

/// Right-to-left for the publisher's Arabic-script languages.
fn direction(lang: &str) -> &'static str {
    match lang {
        "ar" | "ckb" | "fa" => "rtl",
        _ => "ltr",
    }
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

struct ArticleLink {
    slug: String,
    title: String,
    lang: String,
    comment_count: usize,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    layout: Layout,
    articles: Vec<ArticleLink>,
}

async fn index(State(app): State<Arc<App>>, headers: HeaderMap) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let mut articles = Vec::new();
    for article in app.store.articles().await? {
        let comment_count = app.store.approved_comments(article.id).await?.len();
        articles.push(ArticleLink {
            slug: article.slug,
            title: article.title,
            lang: article.lang,
            comment_count,
        });
    }
    let page = IndexPage {
        layout: visitor.layout(false),
        articles,
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}

struct CommentView {
    id: i64,
    author: String,
    body: String,
    when: String,
}

impl From<&CommentRecord> for CommentView {
    fn from(c: &CommentRecord) -> CommentView {
        CommentView {
            id: c.id,
            author: c.author_name.clone(),
            body: c.body.clone(),
            when: when(c.created_at),
        }
    }
}

struct Thread {
    comment: CommentView,
    replies: Vec<CommentView>,
}

#[derive(Default, Deserialize)]
struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    author_name: String,
    #[serde(default)]
    author_email: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent_id: String,
    /// A key minted with the form, so that posting it twice (a double click, a reload, a retry
    /// after an outage) stores one comment.
    #[serde(default)]
    submission: String,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    layout: Layout,
    slug: String,
    title: String,
    article_lang: String,
    article_dir: &'static str,
    paragraphs: Vec<String>,
    threads: Vec<Thread>,
    comment_count: usize,
    comments_open: bool,
    reply_to: Option<CommentView>,
    form: CommentForm,
    submission: String,
    error: Option<String>,
    max_chars: usize,
}

#[derive(Deserialize)]
struct ArticleQuery {
    reply_to: Option<String>,
}

async fn render_article(
    app: &App,
    visitor: &Visitor,
    slug: &str,
    reply_to: Option<i64>,
    form: CommentForm,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let article = app.article(slug).await?;
    let comments = app.store.approved_comments(article.id).await?;
    let mut threads: Vec<Thread> = comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| Thread {
            comment: c.into(),
            replies: Vec::new(),
        })
        .collect();
    for reply in comments.iter().filter(|c| c.parent_id.is_some()) {
        if let Some(thread) = threads
            .iter_mut()
            .find(|t| Some(t.comment.id) == reply.parent_id)
        {
            thread.replies.push(reply.into());
        }
    }
    let reply_to =
        reply_to.and_then(|id| comments.iter().find(|c| c.id == id).map(CommentView::from));
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = ArticlePage {
        layout: visitor.layout(false),
        slug: article.slug.clone(),
        title: article.title.clone(),
        article_dir: direction(&article.lang),
        article_lang: article.lang.clone(),
        paragraphs: article.body.split("\n\n").map(str::to_owned).collect(),
        comment_count: comments.len(),
        threads,
        comments_open: article.comments_open,
        reply_to,
        // A form shown again after an error keeps its key: resubmitting it is the same post.
        submission: if form.submission.is_empty() {
            random_token()?
        } else {
            form.submission.clone()
        },
        form,
        error,
        max_chars: app.config.max_comment_chars,
    };
    Ok(visitor.respond(app, status, page.render()?))
}

async fn article_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(query): Query<ArticleQuery>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let reply_to = query.reply_to.and_then(|r| r.parse().ok());
    render_article(
        &app,
        &visitor,
        &slug,
        reply_to,
        CommentForm::default(),
        None,
    )
    .await
}

async fn post_comment(
    State(app): State<Arc<App>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    form: Result<Form<CommentForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    if !visitor.csrf_matches(&form.csrf) {
        return Err(PageError(ServerError::Forbidden {
            code: "bad_csrf",
            message: "This form has expired. Go back, reload the page and post again.".into(),
        }));
    }
    let parent_id = match form.parent_id.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            ServerError::input("unknown_parent", "the comment you reply to does not exist")
        })?),
    };
    let input = CommentInput {
        author_name: form.author_name.clone(),
        author_email: Some(form.author_email.clone()),
        body: form.body.clone(),
        parent_id,
    };
    let submission = Some(form.submission.as_str()).filter(|key| !key.is_empty());
    match app
        .submit_comment(&slug, input, submission, client.ip())
        .await
    {
        Ok(submitted) => Ok(Redirect::to(&format!(
            "/comments/{}?token={}",
            submitted.comment.id, submitted.token
        ))
        .into_response()),
        Err(
            error @ (ServerError::Input { .. }
            | ServerError::Conflict { .. }
            | ServerError::RateLimited),
        ) => {
            let status = crate::error::ApiError::from(error);
            render_article(
                &app,
                &visitor,
                &slug,
                parent_id,
                form,
                Some((status.status, status.message)),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
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
    status_url: String,
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
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

async fn comment_status_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServerError::not_found("unknown_comment", "there is no such comment"))?;
    let token = query.token.unwrap_or_default();
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
        status_url: format!("/comments/{id}?token={token}"),
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    error: Option<String>,
}

async fn login_page(State(app): State<Arc<App>>, headers: HeaderMap) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    if visitor.session.is_some() {
        return Ok(Redirect::to("/moderation").into_response());
    }
    let page = LoginPage {
        layout: visitor.layout(false),
        username: String::new(),
        error: None,
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn login_submit(
    State(app): State<Arc<App>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    let error = if !visitor.csrf_matches(&form.csrf) {
        (
            StatusCode::FORBIDDEN,
            "This form has expired. Please try again.",
        )
    } else {
        match app
            .login(&form.username, &form.password, client.ip())
            .await?
        {
            Some((token, _session)) => {
                let max_age = app.config.session_hours * 3600;
                let cookie = set_cookie(SESSION_COOKIE, &token, max_age, app.config.secure_cookies);
                return Ok((
                    StatusCode::SEE_OTHER,
                    [
                        (header::SET_COOKIE, cookie),
                        (header::LOCATION, "/moderation".to_owned()),
                    ],
                )
                    .into_response());
            }
            None => (
                StatusCode::UNAUTHORIZED,
                "Unknown user name or wrong password.",
            ),
        }
    };
    let page = LoginPage {
        layout: visitor.layout(false),
        username: form.username,
        error: Some(error.1.to_owned()),
    };
    Ok(visitor.respond(&app, error.0, page.render()?))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let sent = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let (Some((token, _)), true) = (session_token(&headers), visitor.csrf_matches(&sent)) {
        app.logout(&token).await?;
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, app.config.secure_cookies);
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, "/".to_owned()),
        ],
    )
        .into_response())
}

struct Segment {
    text: String,
    category: Option<String>,
}

struct ScoreView {
    category: String,
    value: String,
    high: bool,
}

struct CategoryOption {
    name: &'static str,
    selected: bool,
}

struct QueueView {
    id: i64,
    article_slug: String,
    article_title: String,
    author: String,
    email: Option<String>,
    when: String,
    is_reply: bool,
    segments: Vec<Segment>,
    scores: Vec<ScoreView>,
    reasons: Vec<String>,
    options: Vec<CategoryOption>,
}

/// Splits a comment into plain and highlighted runs from the engine's evidence spans; spans that
/// do not fall on character boundaries of this text are ignored rather than trusted.
fn highlight(body: &str, evidence: &[tribune_moderation::Evidence]) -> Vec<Segment> {
    let mut spans: Vec<&tribune_moderation::Evidence> = evidence
        .iter()
        .filter(|e| {
            e.start < e.end
                && body.is_char_boundary(e.start)
                && body.is_char_boundary(e.end)
                && e.end <= body.len()
        })
        .collect();
    spans.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut segments = Vec::new();
    let mut at = 0;
    for span in spans {
        if span.start < at {
            continue;
        }
        if span.start > at {
            segments.push(Segment {
                text: body[at..span.start].to_owned(),
                category: None,
            });
        }
        segments.push(Segment {
            text: body[span.start..span.end].to_owned(),
            category: Some(span.category.as_str().to_owned()),
        });
        at = span.end;
    }
    if at < body.len() {
        segments.push(Segment {
            text: body[at..].to_owned(),
            category: None,
        });
    }
    segments
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<QueueView>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct QueueQuery {
    decided: Option<String>,
}

async fn queue_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<QueueQuery>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Some(session) = &visitor.session else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !matches!(session.user.role, Role::Moderator | Role::Admin) {
        return Err(PageError(ServerError::Forbidden {
            code: "forbidden",
            message: "This page is for moderators.".into(),
        }));
    }
    let items = app.store.pending_queue(200, Some(session.user.id)).await?;
    let items = items
        .into_iter()
        .map(|item| {
            let verdict: Option<tribune_moderation::Verdict> = item
                .verdict
                .as_deref()
                .and_then(|v| serde_json::from_str(v).ok());
            let c = &item.comment;
            let (segments, scores, reasons, suggested) = match &verdict {
                Some(v) => (
                    highlight(&c.body, &v.evidence),
                    v.scores
                        .iter()
                        .filter(|(_, s)| **s >= 0.05)
                        .map(|(category, s)| ScoreView {
                            category: category.as_str().to_owned(),
                            value: format!("{s:.2}"),
                            high: *s >= 0.5,
                        })
                        .collect(),
                    v.reasons.clone(),
                    v.category.map(|c| c.as_str()),
                ),
                None => (highlight(&c.body, &[]), Vec::new(), Vec::new(), None),
            };
            QueueView {
                id: c.id,
                article_slug: item.article_slug.clone(),
                article_title: item.article_title.clone(),
                author: c.author_name.clone(),
                email: c.author_email.clone(),
                when: when(c.created_at),
                is_reply: c.parent_id.is_some(),
                segments,
                scores,
                reasons,
                options: REJECTION_CATEGORIES
                    .iter()
                    .map(|name| CategoryOption {
                        name,
                        selected: suggested == Some(*name),
                    })
                    .collect(),
            }
        })
        .collect();
    let notice = query.decided.map(|d| format!("Comment {d} decided."));
    let page = QueuePage {
        layout: visitor.layout(true),
        items,
        notice,
        error: None,
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    category: Option<String>,
    note: Option<String>,
}

async fn decide(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Some(session) = &visitor.session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    if !visitor.csrf_matches(&form.csrf) {
        return Err(PageError(ServerError::Forbidden {
            code: "bad_csrf",
            message: "This form has expired. Reload the queue and decide again.".into(),
        }));
    }
    let id: i64 = id
        .parse()
        .map_err(|_| ServerError::not_found("unknown_comment", "there is no such comment"))?;
    app.decide(
        &session.user,
        id,
        &form.decision,
        form.category.as_deref(),
        form.note.as_deref(),
        false,
    )
    .await?;
    Ok(Redirect::to(&format!("/moderation?decided={id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tribune_moderation::{Category, Evidence};

    fn evidence(start: usize, end: usize) -> Evidence {
        Evidence {
            category: Category::Profanity,
            start,
            end,
            text: String::new(),
            reason: String::new(),
        }
    }

    #[test]
    fn highlight_marks_spans_and_skips_overlaps_and_bad_offsets() {
        let body = "ab cd ef";
        let segments = highlight(body, &[evidence(3, 5), evidence(4, 6), evidence(7, 99)]);
        let rendered: Vec<(&str, bool)> = segments
            .iter()
            .map(|s| (s.text.as_str(), s.category.is_some()))
            .collect();
        assert_eq!(rendered, vec![("ab ", false), ("cd", true), (" ef", false)]);
    }

    #[test]
    fn highlight_ignores_spans_inside_a_character() {
        let body = "سلام";
        let segments = highlight(body, &[evidence(1, 3)]);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].text, body);
    }
}
