//! The JSON API under `/api/v1`: the contract other clients rely on.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tribune_store::{CommentRecord, QueueItem};

use crate::App;
use crate::auth::{Admin, Moderator, session_token};
use crate::client::ClientAddr;
use crate::console::BulkOutcome;
use crate::error::ApiError;
use crate::login::DEVICE_DAYS;
use crate::security::{DEVICE_COOKIE, SESSION_COOKIE, cookie, set_cookie};
use crate::submit::CommentInput;

type ApiResult<T> = Result<T, ApiError>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/articles", get(list_articles))
        .route(
            "/articles/{slug}/comments",
            get(article_comments).post(submit_comment),
        )
        .route("/articles/{slug}/comments-open", put(set_comments_open))
        .route(
            "/comments/{id}",
            get(comment_status)
                .put(comments_are_immutable)
                .patch(comments_are_immutable)
                .delete(comments_are_immutable),
        )
        .route(
            "/comments/{id}/body",
            put(comments_are_immutable).patch(comments_are_immutable),
        )
        .route("/session", post(login).delete(logout))
        .route("/moderation/queue", get(queue))
        .route("/moderation/claim", post(claim))
        .route("/moderation/release", post(release))
        .route("/moderation/decisions", post(decide_many))
        .route("/moderation/comments/{id}/undo", post(undo))
        .route("/moderation/comments/{id}/decision", post(decide))
        .route("/moderation/comments/{id}/decisions", get(history))
        .route("/admin/settings", get(settings).put(update_settings))
        .fallback(unknown_route)
}

/// `Json` whose failures answer in Tribune's error shape instead of plain text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            )),
            Err(JsonRejection::BytesRejection(e)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the request body could not be read: {e}"),
            )),
            Err(e) => Err(ApiError::bad_request("malformed_json", e.body_text())),
        }
    }
}

fn parse_id(raw: &str) -> ApiResult<i64> {
    raw.parse()
        .map_err(|_| ApiError::not_found("unknown_comment", format!("no comment {raw:?}")))
}

async fn unknown_route() -> ApiError {
    ApiError::not_found("unknown_route", "no such API route")
}

async fn comments_are_immutable() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "comments_immutable",
        "comments are never edited or removed through the API: a moderator approves or rejects them whole",
    )
}

async fn list_articles(State(app): State<Arc<App>>) -> ApiResult<Json<Value>> {
    let articles = app
        .store
        .articles()
        .await
        .map_err(crate::ServerError::from)?;
    let articles: Vec<Value> = articles
        .iter()
        .map(|a| {
            json!({
                "slug": a.slug,
                "title": a.title,
                "lang": a.lang,
                "comments_open": a.comments_open,
                "created_at": a.created_at,
                "url": format!("/articles/{}", a.slug),
            })
        })
        .collect();
    Ok(Json(json!({ "articles": articles })))
}

fn public_comment(c: &CommentRecord) -> Value {
    json!({
        "id": c.id,
        "parent_id": c.parent_id,
        "author_name": c.author_name,
        "body": c.body,
        "created_at": c.created_at,
    })
}

async fn article_comments(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
) -> ApiResult<Json<Value>> {
    let article = app.article(&slug).await?;
    let comments = app
        .store
        .approved_comments(article.id)
        .await
        .map_err(crate::ServerError::from)?;
    let comments: Vec<Value> = comments.iter().map(public_comment).collect();
    Ok(Json(json!({ "article": slug, "comments": comments })))
}

async fn submit_comment(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CommentInput>,
) -> ApiResult<Response> {
    let idempotency_key = match headers.get("idempotency-key") {
        Some(value) => Some(value.to_str().map_err(|_| {
            ApiError::bad_request(
                "bad_idempotency_key",
                "the Idempotency-Key header is not plain text",
            )
        })?),
        None => None,
    };
    let submitted = app
        .submit_comment(&slug, input, idempotency_key, client)
        .await?;
    let c = &submitted.comment;
    let replayed = if submitted.replayed { "true" } else { "false" };
    Ok((
        StatusCode::ACCEPTED,
        [("idempotent-replayed", replayed)],
        Json(json!({
            "id": c.id,
            "status": c.status,
            "category": c.category,
            "token": submitted.token,
            "checking": submitted.checking,
            // The token rides in the fragment, which browsers never send on (see pages/status.rs).
            "status_url": format!("/comments/{}#token={}", c.id, submitted.token),
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn comment_status(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    let token = query.token.unwrap_or_default();
    let (c, checking) = app.author_view(id, &token).await?;
    Ok(Json(json!({
        "id": c.id,
        "status": c.status,
        "checking": checking,
        "category": c.category,
        "created_at": c.created_at,
        "body": c.body,
    })))
}

#[derive(Deserialize)]
struct CommentsOpen {
    open: bool,
}

async fn set_comments_open(
    State(app): State<Arc<App>>,
    _admin: Admin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<CommentsOpen>,
) -> ApiResult<Json<Value>> {
    let article = app.article(&slug).await?;
    app.store
        .set_comments_open(article.id, body.open)
        .await
        .map_err(crate::ServerError::from)?;
    Ok(Json(json!({ "slug": slug, "comments_open": body.open })))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

async fn login(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiJson(credentials): ApiJson<Credentials>,
) -> ApiResult<Response> {
    let device = cookie(&headers, DEVICE_COOKIE);
    let Some(logged_in) = app
        .login(
            &credentials.username,
            &credentials.password,
            client,
            device.as_deref(),
        )
        .await?
    else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "unknown user name or wrong password",
        ));
    };
    let max_age = app.config.session_hours * 3600;
    let session = &logged_in.session;
    let body = json!({
        "token": logged_in.token,
        "csrf_token": session.csrf_token,
        "username": session.user.username,
        "role": session.user.role,
        "expires_at": session.expires_at,
    });
    let mut response = Json(body).into_response();
    let mut cookies = vec![set_cookie(
        SESSION_COOKIE,
        &logged_in.token,
        max_age,
        app.config.secure_cookies,
    )];
    if let Some(device) = &logged_in.device_token {
        cookies.push(set_cookie(
            DEVICE_COOKIE,
            device,
            DEVICE_DAYS * 86_400,
            app.config.secure_cookies,
        ));
    }
    for cookie in cookies {
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

async fn logout(
    State(app): State<Arc<App>>,
    _moderator: Moderator,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some((token, _)) = session_token(&headers) {
        app.logout(&token).await?;
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, app.config.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

fn queue_entry(item: &QueueItem) -> Value {
    let verdict: Value = item
        .verdict
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or(Value::Null);
    let c = &item.comment;
    json!({
        "id": c.id,
        "article": { "slug": item.article_slug, "title": item.article_title },
        "author_name": c.author_name,
        "author_email": c.author_email,
        "parent_id": c.parent_id,
        "body": c.body,
        "created_at": c.created_at,
        "risk": item.risk,
        "claimed_by_you": item.claimed_by.is_some(),
        "verdict": verdict,
    })
}

#[derive(Deserialize)]
struct QueueQuery {
    limit: Option<i64>,
}

/// The queue as this moderator sees it: comments claimed by other moderators are left out.
async fn queue(
    State(app): State<Arc<App>>,
    Moderator(session): Moderator,
    Query(query): Query<QueueQuery>,
) -> ApiResult<Json<Value>> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let items = app
        .store
        .pending_queue(limit, Some(session.user.id))
        .await
        .map_err(crate::ServerError::from)?;
    let comments: Vec<Value> = items.iter().map(queue_entry).collect();
    Ok(Json(json!({ "comments": comments })))
}

#[derive(Deserialize, Default)]
struct ClaimInput {
    limit: Option<i64>,
    minutes: Option<i64>,
    /// Claim these comments (what a console shows) rather than the next `limit`.
    ids: Option<Vec<i64>>,
}

/// Takes the next comments off the queue for this moderator alone, for a while.
async fn claim(
    State(app): State<Arc<App>>,
    Moderator(session): Moderator,
    ApiJson(input): ApiJson<ClaimInput>,
) -> ApiResult<Json<Value>> {
    let minutes = input
        .minutes
        .unwrap_or(crate::moderation::CLAIM_MINUTES_DEFAULT);
    let items = match &input.ids {
        Some(ids) => app.claim_shown(&session.user, ids, minutes).await?,
        None => {
            app.claim(&session.user, input.limit.unwrap_or(10), minutes)
                .await?
        }
    };
    let comments: Vec<Value> = items.iter().map(queue_entry).collect();
    Ok(Json(json!({ "comments": comments, "minutes": minutes })))
}

#[derive(Deserialize)]
struct DecisionInput {
    decision: String,
    category: Option<String>,
    note: Option<String>,
    /// Change a decision already taken (an appeal, a mistake); without it a decided comment
    /// answers 409.
    #[serde(default)]
    overturn: bool,
}

async fn decide(
    State(app): State<Arc<App>>,
    Moderator(session): Moderator,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    let record = app
        .decide(
            &session.user,
            id,
            &input.decision,
            input.category.as_deref(),
            input.note.as_deref(),
            input.overturn,
        )
        .await?;
    Ok(Json(json!({
        "comment_id": id,
        "status": record.decision.status(),
        "decision": record,
    })))
}

async fn history(
    State(app): State<Arc<App>>,
    _moderator: Moderator,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    let decisions = app.history(id).await?;
    let decisions: Vec<Value> = decisions
        .iter()
        .map(|d| {
            let mut entry = json!(d);
            if let Some(verdict) = d
                .verdict
                .as_deref()
                .and_then(|v| serde_json::from_str::<Value>(v).ok())
            {
                entry["verdict"] = verdict;
            }
            entry
        })
        .collect();
    Ok(Json(json!({ "comment_id": id, "decisions": decisions })))
}

async fn settings(State(app): State<Arc<App>>, _admin: Admin) -> ApiResult<Json<Value>> {
    Ok(Json(json!({ "auto_approve": app.auto_approve().await? })))
}

#[derive(Deserialize)]
struct SettingsInput {
    auto_approve: Option<bool>,
}

async fn update_settings(
    State(app): State<Arc<App>>,
    _admin: Admin,
    ApiJson(input): ApiJson<SettingsInput>,
) -> ApiResult<Json<Value>> {
    if let Some(on) = input.auto_approve {
        app.set_auto_approve(on).await?;
    }
    Ok(Json(json!({ "auto_approve": app.auto_approve().await? })))
}

#[derive(Deserialize, Default)]
struct ReleaseInput {
    /// These comments; all of this moderator's claims when absent.
    ids: Option<Vec<i64>>,
}

#[derive(Serialize)]
struct Released {
    released: u64,
}

/// Gives claims back (a console that closes releases what it claimed).
async fn release(
    State(app): State<Arc<App>>,
    Moderator(session): Moderator,
    ApiJson(input): ApiJson<ReleaseInput>,
) -> ApiResult<Json<Released>> {
    let released = app.release(&session.user, input.ids.as_deref()).await?;
    Ok(Json(Released { released }))
}

#[derive(Deserialize)]
struct BulkInput {
    ids: Vec<i64>,
    decision: String,
    category: Option<String>,
    note: Option<String>,
}

#[derive(Serialize)]
struct BulkResult {
    id: i64,
    outcome: BulkOutcome,
}

#[derive(Serialize)]
struct BulkAnswer {
    results: Vec<BulkResult>,
    decided: usize,
}

/// One decision for many comments, each in its own row and answered on its own.
async fn decide_many(
    State(app): State<Arc<App>>,
    Moderator(session): Moderator,
    ApiJson(input): ApiJson<BulkInput>,
) -> ApiResult<Json<BulkAnswer>> {
    let outcomes = app
        .decide_many(
            &session.user,
            &input.ids,
            &input.decision,
            input.category.as_deref(),
            input.note.as_deref(),
        )
        .await?;
    let decided = outcomes
        .iter()
        .filter(|(_, o)| *o == BulkOutcome::Decided)
        .count();
    let results = outcomes
        .into_iter()
        .map(|(id, outcome)| BulkResult { id, outcome })
        .collect();
    Ok(Json(BulkAnswer { results, decided }))
}

#[derive(Serialize)]
struct Undone {
    comment_id: i64,
    status: tribune_store::Status,
    decision: tribune_store::DecisionRecord,
}

/// Takes back this moderator's decision of the last few seconds (an overturn row).
async fn undo(
    State(app): State<Arc<App>>,
    Moderator(session): Moderator,
    Path(id): Path<String>,
) -> ApiResult<Json<Undone>> {
    let id = parse_id(&id)?;
    let record = app.undo(&session.user, id).await?;
    Ok(Json(Undone {
        comment_id: id,
        status: record.decision.status(),
        decision: record,
    }))
}
