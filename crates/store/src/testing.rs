//! Fresh databases for tests, on the backend the test run asks for: SQLite in a temporary
//! folder by default, or a new PostgreSQL database on the server named by
//! `TRIBUNE_TEST_POSTGRES` (an admin URL such as `postgres://postgres@127.0.0.1:55432/postgres`).

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AssertSqlSafe, Connection};

use crate::{Store, StoreError, now_millis};

/// The environment variable that switches tests to PostgreSQL.
pub const POSTGRES_ENV: &str = "TRIBUNE_TEST_POSTGRES";

/// Keeps a test database alive: the temporary folder of a SQLite one.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// A new, empty database URL on the backend of this test run.
pub async fn fresh_database() -> Result<TestDatabase, StoreError> {
    match std::env::var(POSTGRES_ENV) {
        Ok(admin_url) if !admin_url.is_empty() => {
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            let name = format!(
                "tribune_test_{}_{}_{}",
                std::process::id(),
                now_millis(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            sqlx::any::install_default_drivers();
            let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            let base = admin_url
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin_url);
            Ok(TestDatabase {
                url: format!("{base}/{name}"),
                _dir: None,
            })
        }
        _ => {
            let dir = tempfile::tempdir().map_err(|source| StoreError::DataDir {
                path: "a temporary folder".into(),
                source,
            })?;
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("tribune.db").display()
            );
            Ok(TestDatabase {
                url,
                _dir: Some(dir),
            })
        }
    }
}

/// A migrated store on a fresh database of this test run's backend.
pub async fn fresh_store() -> Result<(Store, TestDatabase), StoreError> {
    let database = fresh_database().await?;
    let store = Store::connect(&database.url).await?;
    Ok((store, database))
}
