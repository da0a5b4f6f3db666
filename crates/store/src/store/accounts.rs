//! Accounts, their sessions, and the browsers they log in from.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Result, Store, now_millis};
use crate::StoreError;
use crate::model::{Role, Session, User};

impl Store {
    pub async fn insert_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User> {
        let created_at = now_millis();
        let (username, password_hash) = (username.to_owned(), password_hash.to_owned());
        self.write(move |conn| {
            Box::pin(async move {
                let row = sqlx::query(
                    "INSERT INTO users (username, password_hash, role, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&username)
                .bind(&password_hash)
                .bind(role.as_str())
                .bind(created_at)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        StoreError::DuplicateUser(username.clone())
                    }
                    other => other.into(),
                })?;
                Ok(User {
                    id: row.try_get("id")?,
                    username,
                    password_hash,
                    role,
                    created_at,
                })
            })
        })
        .await
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, created_at FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(|r| user_from_row(r, "")).transpose()
    }

    pub async fn count_users(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    pub async fn insert_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        let (token_hash, csrf_token) = (token_hash.to_owned(), csrf_token.to_owned());
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, \
                     expires_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&token_hash)
                .bind(user_id)
                .bind(&csrf_token)
                .bind(now_millis())
                .bind(expires_at)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// The live session with this token hash, if any (expired sessions are not returned).
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id AS u_id, u.username AS u_username, u.password_hash AS u_password_hash, \
             u.role AS u_role, u.created_at AS u_created_at, s.csrf_token, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Session {
                user: user_from_row(&r, "u_")?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(&token_hash)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await
    }

    /// Remembers a browser that logged in to `user_id` successfully, until `expires_at`.
    pub async fn insert_login_device(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: i64,
    ) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO login_devices (token_hash, user_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&token_hash)
                .bind(user_id)
                .bind(now_millis())
                .bind(expires_at)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// The account a remembered browser logged in to, while the memory lasts.
    pub async fn login_device_user(&self, token_hash: &str) -> Result<Option<i64>> {
        let row = sqlx::query(
            "SELECT user_id FROM login_devices WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get("user_id")).transpose()?)
    }
}

fn user_from_row(row: &AnyRow, prefix: &str) -> Result<User> {
    let role: String = row.try_get(format!("{prefix}role").as_str())?;
    Ok(User {
        id: row.try_get(format!("{prefix}id").as_str())?,
        username: row.try_get(format!("{prefix}username").as_str())?,
        password_hash: row.try_get(format!("{prefix}password_hash").as_str())?,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_at: row.try_get(format!("{prefix}created_at").as_str())?,
    })
}
