//! The console's forms, for browsers without script and for the buttons: one decision (and
//! overturn, from the history view), bulk decisions, undo, and giving claims back on leave.
//! Each checks the session's CSRF token.

use std::sync::Arc;

use axum::extract::{Form, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tribune_store::Session;

use super::{ModeratorVisitor, parse_comment_id, words};
use crate::pages::{PageError, PageResult};
use crate::{App, ServerError};

fn malformed() -> PageError {
    ServerError::input("malformed_form", words::MALFORMED_FORM).into()
}

/// A form that carries the session's CSRF token.
pub(super) trait WithCsrf {
    fn csrf(&self) -> &str;
}

/// A console form and the moderator's session behind it: extracting it checks the session,
/// its CSRF token and its role, answering instead with a redirect to log in, or an error for
/// an unreadable form or a bad token.
pub(super) struct ModeratorForm<T> {
    form: T,
    session: Session,
}

impl<T> FromRequest<Arc<App>> for ModeratorForm<T>
where
    T: WithCsrf + DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let Ok(Form(form)) = Form::<T>::from_request(request, app).await else {
            return Err(malformed().into_response());
        };
        let ModeratorVisitor { visitor, session } = ModeratorVisitor::of(app, &headers).await?;
        if !visitor.csrf_matches(form.csrf()) {
            return Err(PageError::Message {
                status: StatusCode::FORBIDDEN,
                id: "console-form-expired",
            }
            .into_response());
        }
        Ok(Self { form, session })
    }
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
    Path(id): Path<String>,
    ModeratorForm { form, session }: ModeratorForm<DecisionForm>,
) -> PageResult {
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

/// The bulk form's fields in order: one checkbox per comment sends `ids` once per selected
/// comment.
#[derive(Deserialize)]
#[serde(transparent)]
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl WithCsrf for Fields {
    fn csrf(&self) -> &str {
        self.get("csrf").unwrap_or_default()
    }
}

pub(super) async fn decide_many(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ModeratorForm { form, session }: ModeratorForm<Fields>,
) -> PageResult {
    let mut ids = Vec::new();
    for (_, value) in form.0.iter().filter(|(key, _)| key == "ids") {
        ids.extend(parse_ids(value)?);
    }
    if ids.is_empty() {
        return Err(ServerError::field("ids", "no_selection", words::NO_SELECTION).into());
    }
    let outcomes = app
        .decide_many(
            &session.user,
            &ids,
            form.get("decision").unwrap_or_default(),
            form.get("category").filter(|c| !c.is_empty()),
            form.get("note").filter(|n| !n.trim().is_empty()),
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
    ModeratorForm { session, .. }: ModeratorForm<TokenForm>,
) -> PageResult {
    let id = parse_comment_id(&id)?;
    app.undo(&session.user, id).await?;
    super::message_page(&app, &headers, |t| words::undone(t, id)).await
}

/// Gives back the claims of a console that is being left (sent with `navigator.sendBeacon`,
/// which cannot set headers: hence a form with the token).
pub(super) async fn release(
    State(app): State<Arc<App>>,
    ModeratorForm { form, session }: ModeratorForm<TokenForm>,
) -> PageResult {
    let ids = parse_ids(&form.ids)?;
    let ids = (!ids.is_empty()).then_some(ids);
    app.release(&session.user, ids.as_deref()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
