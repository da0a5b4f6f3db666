//! Logging in and out with the forms.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, PageResult, Visitor, append_cookie};
use crate::auth::session_token;
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::login::DEVICE_DAYS;
use crate::security::{DEVICE_COOKIE, SESSION_COOKIE, cookie, set_cookie};
use crate::{App, ServerError};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    layout: Layout<'a>,
    username: String,
    error: Option<String>,
}

pub(super) async fn login_page(State(app): State<Arc<App>>, headers: HeaderMap) -> PageResult {
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
pub(super) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn login_submit(
    State(app): State<Arc<App>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    let refusal = if !visitor.csrf_matches(&form.csrf) {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "bad_csrf",
            "This form has expired. Please try again.",
        )
    } else {
        let device = cookie(&headers, DEVICE_COOKIE);
        match app
            .login(&form.username, &form.password, client, device.as_deref())
            .await
        {
            Ok(Some(logged_in)) => {
                let max_age = app.config.session_hours * 3600;
                let mut response = Redirect::to("/moderation").into_response();
                append_cookie(
                    &mut response,
                    &set_cookie(
                        SESSION_COOKIE,
                        &logged_in.token,
                        max_age,
                        app.config.secure_cookies,
                    ),
                );
                if let Some(device) = &logged_in.device_token {
                    append_cookie(
                        &mut response,
                        &set_cookie(
                            DEVICE_COOKIE,
                            device,
                            DEVICE_DAYS * 86_400,
                            app.config.secure_cookies,
                        ),
                    );
                }
                return Ok(response);
            }
            Ok(None) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "Unknown user name or wrong password.",
            ),
            Err(
                error @ (ServerError::RateLimited { .. }
                | ServerError::LoginThrottled { .. }
                | ServerError::Busy
                | ServerError::Field { .. }),
            ) => ApiError::from(error),
            Err(other) => return Err(other.into()),
        }
    };
    let layout = visitor.layout(false);
    // The log-in form's own words for its two refusals; the others in their codes' words.
    let error = match refusal.code {
        "bad_csrf" => layout.t.get("login-form-expired"),
        "bad_credentials" => layout.t.get("login-bad-credentials"),
        _ => crate::messages::error_text(&layout.t, &refusal),
    };
    let page = LoginPage {
        layout,
        username: form.username,
        error: Some(error),
    };
    let mut response = visitor.respond(&app, refusal.status, page.render()?);
    if let Some(seconds) = refusal.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Logs out: the session ends and its cookie is cleared. Without the page's CSRF token the
/// request is refused (403) and changes nothing, so a page that looks logged out never hides
/// a live session, and another site cannot end one.
pub(super) async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, super::PageError> {
    let visitor = Visitor::of(&app, &headers).await?;
    let sent = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Some((token, _)) = session_token(&headers)
        && visitor.session.is_some()
    {
        if !visitor.csrf_matches(&sent) {
            return Err(super::PageError::Message {
                status: StatusCode::FORBIDDEN,
                id: "logout-form-expired",
            });
        }
        app.logout(&token).await?;
    }
    let mut response = Redirect::to("/").into_response();
    append_cookie(
        &mut response,
        &set_cookie(SESSION_COOKIE, "", 0, app.config.secure_cookies),
    );
    Ok(response)
}
