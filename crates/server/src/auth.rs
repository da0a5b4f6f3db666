//! Who is asking: the session from a cookie or a bearer token, and the role checks that every
//! moderator and admin route makes on the server.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use tribune_store::{Role, Session};

use crate::App;
use crate::error::ApiError;
use crate::security::{SESSION_COOKIE, constant_time_eq, cookie};

/// The session token a request carries, and whether it came in a cookie (which a browser sends
/// on its own, so state-changing requests must also prove intent with the CSRF token).
pub fn session_token(headers: &HeaderMap) -> Option<(String, bool)> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| (t.trim().to_owned(), false));
    bearer.or_else(|| cookie(headers, SESSION_COOKIE).map(|t| (t, true)))
}

/// A logged-in moderator or admin, checked on the server for every API request that needs one.
pub struct Moderator(pub Session);

/// Proof that the request comes from a logged-in admin.
pub struct Admin;

async fn authenticated(parts: &Parts, app: &App) -> Result<Session, ApiError> {
    let (token, via_cookie) =
        session_token(&parts.headers).ok_or_else(ApiError::unauthenticated)?;
    let session = app
        .session(&token)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(ApiError::unauthenticated)?;
    let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if via_cookie && changes_state {
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !constant_time_eq(sent, &session.csrf_token) {
            return Err(ApiError::forbidden(
                "a request authenticated by cookie must send the session's X-CSRF-Token header",
            ));
        }
    }
    Ok(session)
}

impl FromRequestParts<Arc<App>> for Moderator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        // Both roles moderate; the check stays explicit so a future role cannot slip through.
        let session = authenticated(parts, app).await?;
        match session.user.role {
            Role::Moderator | Role::Admin => Ok(Moderator(session)),
        }
    }
}

impl FromRequestParts<Arc<App>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let session = authenticated(parts, app).await?;
        if session.user.role == Role::Admin {
            Ok(Admin)
        } else {
            Err(ApiError::forbidden("this needs the admin role"))
        }
    }
}
