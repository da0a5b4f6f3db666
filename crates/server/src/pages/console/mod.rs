//! The moderators' console: the queues and the decision log (`queue.rs`), a comment's card
//! (`card.rs`), its history with the overturn form (`history.rs`), the forms behind every
//! button (`forms.rs`) and live updates (`events.rs`). The keyboard lives in
//! `static/console.js`, which talks to the JSON API with the session's CSRF token.

mod card;
mod events;
mod forms;
mod history;
mod query;
mod queue;
mod words;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tribune_i18n::Texts;
use tribune_store::{Role, Session};

use super::{Layout, PageError, Visitor};
use crate::{App, ServerError};

pub(super) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/moderation", get(queue::console_page))
        .route("/moderation/events", get(events::events))
        .route("/moderation/decisions", post(forms::decide_many))
        .route("/moderation/release", post(forms::release))
        .route("/moderation/comments/{id}", get(history::history_page))
        .route("/moderation/comments/{id}/decision", post(forms::decide))
        .route("/moderation/comments/{id}/undo", post(forms::undo))
        .route("/static/console.js", get(console_script))
}

/// The role check every console route makes on the server. Both roles moderate; the match
/// stays exhaustive so that a future role cannot slip through.
fn moderator(session: &Session) -> Result<(), PageError> {
    match session.user.role {
        Role::Moderator | Role::Admin => Ok(()),
    }
}

/// A console visitor signed in as a moderator, as every console route needs one: extracting
/// it answers a visitor without a session with a redirect to log in, and one without the
/// role with an error page.
pub(super) struct ModeratorVisitor {
    visitor: Visitor,
    session: Session,
}

impl ModeratorVisitor {
    /// The moderator behind `headers`, or the answer to give instead.
    async fn of(app: &App, headers: &HeaderMap) -> Result<Self, Response> {
        let visitor = Visitor::of(app, headers)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let Some(session) = visitor.session.clone() else {
            return Err(Redirect::to("/login").into_response());
        };
        moderator(&session).map_err(IntoResponse::into_response)?;
        Ok(Self { visitor, session })
    }
}

impl FromRequestParts<Arc<App>> for ModeratorVisitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        Self::of(app, &parts.headers).await
    }
}

fn parse_comment_id(raw: &str) -> Result<i64, ServerError> {
    raw.parse()
        .map_err(|_| ServerError::not_found("unknown_comment", words::NO_SUCH_COMMENT))
}

#[derive(Template)]
#[template(path = "console_message.html")]
struct MessagePage<'a> {
    layout: Layout<'a>,
    message: &'a str,
}

/// The outcome of a form (bulk decision, undo), with the way back to the queue.
async fn message_page(
    app: &App,
    headers: &HeaderMap,
    message: impl FnOnce(Texts) -> String,
) -> Result<Response, PageError> {
    let visitor = Visitor::of(app, headers).await?;
    let layout = visitor.layout(true);
    let message = message(layout.t);
    let page = MessagePage {
        layout,
        message: &message,
    };
    Ok(visitor.respond(app, StatusCode::OK, page.render()?))
}

async fn console_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/console.js"),
    )
}
