//! Logging in, and what holds password guessing back.
//!
//! Three limits, all counted in the database so every node shares them:
//! - per address: `logins_per_minute` attempts, right or wrong;
//! - per account: after `login_failures_per_account` failed attempts in 15 minutes, an account
//!   accepts log-ins only from browsers that have logged in to it before (they carry a
//!   long-lived `tribune_device` cookie) until the failures fade. A guesser spread over any
//!   number of addresses gets that many guesses per 15 minutes, and the moderator, on their own
//!   browser from any address, still gets in at once. Each remembered browser has a failure
//!   budget of its own, so a stolen cookie is no unlimited pass;
//! - globally: hashing runs on a bounded pool (`passwords.rs`); past it, 503 at once.
//!
//! The account limit is checked before the password is hashed, so refused guesses cost a read,
//! and it counts unknown user names too, so that it does not tell which names exist.

use std::net::IpAddr;

use tribune_store::{RateLimit, Session, now_millis};

use crate::security::{random_token, token_hash};
use crate::{App, ServerError, input};

/// How long the per-account failure count remembers a failure.
const FAILURE_WINDOW_MS: i64 = 15 * 60_000;
/// How long a browser that logged in stays known to the account.
pub const DEVICE_DAYS: i64 = 180;

/// A successful log-in.
pub struct LoggedIn {
    pub token: String,
    pub session: Session,
    /// A new `tribune_device` cookie value, when this browser was not known yet.
    pub device_token: Option<String>,
}

impl App {
    /// Checks a password and opens a session. `Ok(None)` is a wrong name or password.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: IpAddr,
        device_token: Option<&str>,
    ) -> Result<Option<LoggedIn>, ServerError> {
        let username = input::login_username(username)?;
        let per_address = RateLimit::new(
            format!("login:address:{client}"),
            self.config.logins_per_minute,
            60_000,
        );
        let counted = self.store.count(&per_address).await?;
        if !counted.allowed {
            crate::metrics::rate_limited("login_address");
            return Err(ServerError::rate_limited(counted.retry_after_ms));
        }
        let user = self.store.user_by_name(username).await?;
        let device_hash = device_token.map(token_hash);
        let known_device = match (&device_hash, &user) {
            (Some(hash), Some(user)) => self.store.login_device_user(hash).await? == Some(user.id),
            _ => false,
        };
        let failures = RateLimit::new(
            match (&device_hash, known_device) {
                (Some(hash), true) => format!("login:failures:device:{hash}"),
                _ => format!("login:failures:account:{username}"),
            },
            self.config.login_failures_per_account,
            FAILURE_WINDOW_MS,
        );
        let room = self.store.peek(&failures).await?;
        if !room.allowed {
            crate::metrics::rate_limited("login_account");
            return Err(ServerError::LoginThrottled {
                retry_after_secs: crate::seconds_from_millis(room.retry_after_ms),
            });
        }
        let matches = self
            .passwords
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await?;
        let Some(user) = user.filter(|_| matches) else {
            self.store.count(&failures).await?;
            return Ok(None);
        };
        let token = random_token()?;
        let csrf_token = random_token()?;
        let expires_at = now_millis() + self.config.session_hours * 3_600_000;
        self.store
            .insert_session(&token_hash(&token), user.id, &csrf_token, expires_at)
            .await?;
        let device_token = if known_device {
            None
        } else {
            let fresh = random_token()?;
            self.store
                .insert_login_device(
                    &token_hash(&fresh),
                    user.id,
                    now_millis() + DEVICE_DAYS * 86_400_000,
                )
                .await?;
            Some(fresh)
        };
        Ok(Some(LoggedIn {
            token,
            session: Session {
                user,
                csrf_token,
                expires_at,
            },
            device_token,
        }))
    }

    pub async fn session(&self, token: &str) -> Result<Option<Session>, ServerError> {
        Ok(self.store.session(&token_hash(token)).await?)
    }

    pub async fn logout(&self, token: &str) -> Result<(), ServerError> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }
}
