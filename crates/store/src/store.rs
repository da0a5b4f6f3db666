//! The store itself: the pools, the one way every write is made, and one file per group of
//! tables beside this one.

mod accounts;
mod alike;
mod articles;
mod comments;
mod console;
mod counters;
mod decisions;
mod encoder_jobs;
mod sql;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, Executor};

use crate::writer::{BoxFuture, Writer};
use crate::{Backend, StoreError, migrations};

pub use alike::{AlikeCounts, AuthorHistory};
pub use articles::SubmissionContext;
pub use comments::PendingStats;
pub use console::{
    ConsoleItem, ConsolePage, DecisionEvent, EngineFilter, LogEntry, QueueCounts, QueueCursor,
    QueueFilter, QueueKind,
};
pub use counters::{Counted, RateLimit};
pub use encoder_jobs::{EncoderJob, EncoderJobStats, EncoderLease, JobEnd};

pub(crate) type Result<T> = std::result::Result<T, StoreError>;

/// The current time as Unix milliseconds, the unit of every stored time.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A handle on Tribune's database; cheap to clone (it is a connection pool).
#[derive(Clone)]
pub struct Store {
    /// Reads.
    pool: AnyPool,
    /// The node's one writing connection, behind the group-commit task.
    writer: Writer,
    backend: Backend,
}

/// How busy the store's connections are, for the operator's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open in the pool that serves reads.
    pub open: u32,
    /// Of those, the ones waiting for work.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
    /// Writes queued for the node's writer.
    pub queued_writes: usize,
}

/// How long a caller waits for a connection before the store reports the database unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

impl Store {
    /// Opens (creating and migrating on first use) the embedded SQLite database in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
        let url = format!("sqlite://{}?mode=rwc", dir.join("tribune.db").display());
        Store::connect(&url).await
    }

    /// Connects to a database by URL (`sqlite:PATH` or `postgres://...`) and brings its schema
    /// up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        sqlx::any::install_default_drivers();
        let (reads, writes) = match backend {
            Backend::Postgres => {
                let pool = |connections| {
                    AnyPoolOptions::new()
                        .max_connections(connections)
                        // Fail fast while the database is away, so callers answer 503 instead
                        // of hanging.
                        .acquire_timeout(ACQUIRE_TIMEOUT)
                        // No ping before each use (a round trip per query): a connection that
                        // died with the server fails its query, is dropped, and the caller
                        // answers 503.
                        .test_before_acquire(false)
                };
                (pool(16).connect(url).await?, pool(1).connect(url).await?)
            }
            Backend::Sqlite => {
                let writes = sqlite_pool(1).connect(url).await?;
                migrations::migrator(backend).run(&writes).await?;
                (sqlite_pool(8).connect(url).await?, writes)
            }
        };
        if backend == Backend::Postgres {
            migrations::migrator(backend).run(&reads).await?;
        }
        Ok(Store {
            pool: reads,
            writer: Writer::start(writes, backend),
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.pool().close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn pool_stats(&self) -> PoolStats {
        PoolStats {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.pool.options().get_max_connections(),
            queued_writes: self.writer.queued(),
        }
    }

    /// Runs `job` as one write transaction: a savepoint inside the writer's next group
    /// commit. The job's writes are stored together or not at all, and only once they are
    /// durable does this return.
    pub(crate) async fn write<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.writer.run(job).await
    }

    /// Runs raw SQL; for tests that prove what the schema itself refuses.
    #[doc(hidden)]
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        let sql = sql.to_owned();
        self.write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query(AssertSqlSafe(sql))
                    .execute(&mut *conn)
                    .await?
                    .rows_affected())
            })
        })
        .await
    }

    /// A pragma's value on the connection that writes; for tests of the durability settings.
    #[doc(hidden)]
    pub async fn sqlite_pragma(&self, name: &'static str) -> Result<String> {
        self.write(move |conn| {
            Box::pin(async move {
                let row = sqlx::query(AssertSqlSafe(format!("PRAGMA {name}")))
                    .fetch_one(&mut *conn)
                    .await?;
                let value: std::result::Result<String, _> = sqlx::Row::try_get(&row, 0);
                match value {
                    Ok(text) => Ok(text),
                    Err(_) => Ok(sqlx::Row::try_get::<i64, _>(&row, 0)?.to_string()),
                }
            })
        })
        .await
    }
}

/// SQLite's connection settings. WAL lets readers run beside the writer. `synchronous = FULL`
/// syncs the WAL at every commit: an acknowledged write survives the process being killed and
/// the machine losing power (group commit pays one sync for many writes). The busy timeout only
/// matters when another process (a `tribune` command) writes to the same file.
fn sqlite_pool(connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // A connection to a local file does not drop away; pinging it before every use would
        // double the hops to SQLite's worker thread per query.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA busy_timeout = 5000").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                Ok(())
            })
        })
}
