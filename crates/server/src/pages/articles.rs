//! The front page, article pages with their published comments, and the "Post a comment" form.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tribune_store::CommentRecord;

use tribune_i18n::{Args, Language, Texts};

use super::{Layout, PageError, PageResult, Visitor, append_cookie};
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::security::random_token;
use crate::submit::CommentInput;
use crate::{App, ServerError};

struct ArticleLink {
    slug: String,
    title: String,
    lang: String,
    comment_count: usize,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    layout: Layout<'a>,
    articles: Vec<ArticleLink>,
    empty_message: String,
}

pub(super) async fn index(State(app): State<Arc<App>>, headers: HeaderMap) -> PageResult {
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
    let layout = visitor.layout(false);
    let empty_message = layout.t.with(
        "index-empty",
        Args::new().text("command", "tribune article import FILE"),
    );
    let page = IndexPage {
        layout,
        articles,
        empty_message,
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}

struct CommentView {
    id: i64,
    author: String,
    body: String,
    when: String,
}

impl CommentView {
    fn new(c: &CommentRecord, t: &Texts) -> CommentView {
        CommentView {
            id: c.id,
            author: c.author_name.clone(),
            body: c.body.clone(),
            when: t.when(c.created_at),
        }
    }
}

struct Thread {
    comment: CommentView,
    replies: Vec<CommentView>,
}

#[derive(Default, Deserialize)]
pub(super) struct CommentForm {
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
struct ArticlePage<'a> {
    layout: Layout<'a>,
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
pub(super) struct ArticleQuery {
    reply_to: Option<String>,
}

async fn render_article(
    app: &App,
    visitor: &Visitor,
    slug: &str,
    reply_to: Option<i64>,
    form: CommentForm,
    error: Option<ApiError>,
) -> PageResult {
    let article = app.article(slug).await?;
    let layout = visitor.layout_for_article(
        &article.lang,
        &format!("/articles/{}", urlencode_path(&article.slug)),
    );
    let t = layout.t;
    let comments = app.store.approved_comments(article.id).await?;
    let mut threads: Vec<Thread> = comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| Thread {
            comment: CommentView::new(c, &t),
            replies: Vec::new(),
        })
        .collect();
    for reply in comments.iter().filter(|c| c.parent_id.is_some()) {
        if let Some(thread) = threads
            .iter_mut()
            .find(|t| Some(t.comment.id) == reply.parent_id)
        {
            thread.replies.push(CommentView::new(reply, &t));
        }
    }
    let reply_to = reply_to.and_then(|id| {
        comments
            .iter()
            .find(|c| c.id == id)
            .map(|c| CommentView::new(c, &t))
    });
    let (status, retry_after, error) = match error {
        Some(error) => (
            error.status,
            error.retry_after,
            Some(crate::messages::error_text(&t, &error)),
        ),
        None => (StatusCode::OK, None, None),
    };
    let page = ArticlePage {
        layout,
        slug: article.slug.clone(),
        title: article.title.clone(),
        article_dir: Language::from_tag(&article.lang).map_or("auto", |l| l.direction().as_str()),
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
    let mut response = visitor.respond(app, status, page.render()?);
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

pub(super) async fn article_page(
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

pub(super) async fn post_comment(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(slug): Path<String>,
    form: Result<Form<CommentForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    if !visitor.csrf_matches(&form.csrf) {
        return Err(PageError::Message {
            status: StatusCode::FORBIDDEN,
            id: "article-form-expired",
        });
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
    match app.submit_comment(&slug, input, submission, client).await {
        Ok(submitted) => {
            // The status token travels in a cookie for this comment's page alone, never in
            // the address (which browsers keep in history and send on as Referer).
            let id = submitted.comment.id;
            let mut response = Redirect::to(&format!("/comments/{id}")).into_response();
            append_cookie(
                &mut response,
                &super::status::status_cookie(&app, id, &submitted.token),
            );
            Ok(response)
        }
        Err(
            error @ (ServerError::Input { .. }
            | ServerError::Field { .. }
            | ServerError::Conflict { .. }
            | ServerError::Unprocessable { .. }
            | ServerError::RateLimited { .. }),
        ) => {
            render_article(
                &app,
                &visitor,
                &slug,
                parent_id,
                form,
                Some(ApiError::from(error)),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// A slug as it stands in a path, encoded as the templates' `urlencode` does.
fn urlencode_path(slug: &str) -> String {
    match askama::filters::urlencode(slug) {
        Ok(encoded) => encoded.to_string(),
        Err(never) => match never {},
    }
}
