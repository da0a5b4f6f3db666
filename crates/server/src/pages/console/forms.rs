//! The console's forms, for browsers without script and for the buttons: one decision (and
//! overturn, from the history view), bulk decisions, undo, and giving claims back on leave.
//! Each checks the session's CSRF token.

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tribune_store::Session;

use super::{moderator, parse_comment_id, words};
use crate::pages::{PageError, PageResult, Visitor};
use crate::{App, ServerError};

/// The session behind a cookie-authenticated form, once its CSRF field matches.
async fn form_session(
    app: &App,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Result<Session, axum::response::Response>, PageError> {
    let visitor = Visitor::of(app, headers).await?;
    let Some(session) = visitor.session.clone() else {
        return Ok(Err(Redirect::to("/login").into_response()));
    };
    if !visitor.csrf_matches(csrf) {
        return Err(PageError::Message {
            status: StatusCode::FORBIDDEN,
            id: "console-form-expired",
        });
    }
    moderator(&session)?;
    Ok(Ok(session))
}

fn malformed() -> PageError {
    ServerError::input("malformed_form", words::MALFORMED_FORM).into()
}

/// A form that carries the session's CSRF token.
trait WithCsrf {
    fn csrf(&self) -> &str;
}

/// The form and the moderator's session behind it, or the answer to give instead (a
/// redirect to log in; an error for an unreadable form or a bad token).
async fn checked<T: WithCsrf>(
    app: &App,
    headers: &HeaderMap,
    form: Result<Form<T>, FormRejection>,
) -> Result<Result<(T, Session), axum::response::Response>, PageError> {
    let Ok(Form(form)) = form else {
        return Err(malformed());
    };
    Ok(form_session(app, headers, form.csrf())
        .await?
        .map(|session| (form, session)))
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    category: Option<String>,
    note: Option<String>,
    /// Set by the history view's form: re-decide a decided comment.
    overturn: Option<String>,
}

impl WithCsrf for DecisionForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub(super) async fn decide(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> PageResult {
    let (form, session) = match checked(&app, &headers, form).await? {
        Ok(checked) => checked,
        Err(answer) => return Ok(answer),
    };
    let id = parse_comment_id(&id)?;
    let overturn = form.overturn.is_some();
    let note = form.note.as_deref().filter(|n| !n.trim().is_empty());
    if overturn && note.is_none() {
        return Err(ServerError::field("note", "note_required", words::NOTE_REQUIRED).into());
    }
    app.decide(
        &session.user,
        id,
        &form.decision,
        form.category.as_deref(),
        note,
        overturn,
    )
    .await?;
    let to = if overturn {
        format!("/moderation/comments/{id}?overturned=1")
    } else {
        format!("/moderation?decided={id}")
    };
    Ok(Redirect::to(&to).into_response())
}

pub(super) async fn decide_many(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    // A form with one checkbox per comment sends `ids` once per selected comment.
    let Ok(Form(fields)) = form else {
        return Err(malformed());
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let session = match form_session(&app, &headers, field("csrf").unwrap_or_default()).await? {
        Ok(session) => session,
        Err(redirect) => return Ok(redirect),
    };
    let mut ids = Vec::new();
    for (_, value) in fields.iter().filter(|(key, _)| key == "ids") {
        ids.extend(parse_ids(value)?);
    }
    if ids.is_empty() {
        return Err(ServerError::field("ids", "no_selection", words::NO_SELECTION).into());
    }
    let outcomes = app
        .decide_many(
            &session.user,
            &ids,
            field("decision").unwrap_or_default(),
            field("category").filter(|c| !c.is_empty()),
            field("note").filter(|n| !n.trim().is_empty()),
        )
        .await?;
    super::message_page(&app, &headers, |t| words::bulk_summary(t, &outcomes)).await
}

/// Ids written space- or comma-separated.
fn parse_ids(text: &str) -> Result<Vec<i64>, ServerError> {
    text.split([' ', ','])
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<i64>()
                .map_err(|_| ServerError::field("ids", "bad_ids", words::BAD_IDS))
        })
        .collect()
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ids: String,
}

impl WithCsrf for TokenForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub(super) async fn undo(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> PageResult {
    let (_, session) = match checked(&app, &headers, form).await? {
        Ok(checked) => checked,
        Err(answer) => return Ok(answer),
    };
    let id = parse_comment_id(&id)?;
    app.undo(&session.user, id).await?;
    super::message_page(&app, &headers, |t| words::undone(t, id)).await
}

/// Gives back the claims of a console that is being left (sent with `navigator.sendBeacon`,
/// which cannot set headers: hence a form with the token).
pub(super) async fn release(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> PageResult {
    let (form, session) = match checked(&app, &headers, form).await? {
        Ok(checked) => checked,
        Err(answer) => return Ok(answer),
    };
    let ids = parse_ids(&form.ids)?;
    let ids = (!ids.is_empty()).then_some(ids);
    app.release(&session.user, ids.as_deref()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
