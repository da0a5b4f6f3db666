//! A node's single writer with group commit.
//!
//! A commit is durable once its log is synced, and a sync costs milliseconds on real disks:
//! one commit per write makes every submission wait for its own sync (and on SQLite, which
//! lets one connection write at a time, pooled writers taking turns wait in its busy handler,
//! which sleeps in steps of up to 100 ms). Here one task owns the node's writing connection:
//! it takes every write waiting in its queue, runs each in a savepoint of one transaction,
//! commits them together with one sync, and only then answers each caller. A write that fails
//! is rolled back to its savepoint alone; a failed commit fails the whole batch, and nothing in
//! it was stored. On PostgreSQL several nodes each have their own writer; the database
//! orders them as it orders any transactions.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::{Backend, StoreError};

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

type Value = Box<dyn Any + Send>;
type Run = Box<
    dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Value, StoreError>> + Send,
>;

struct Job {
    run: Run,
    done: oneshot::Sender<Result<Value, StoreError>>,
}

/// Writes waiting beyond this many make callers wait to queue (backpressure, not loss).
const QUEUE: usize = 4096;
/// The most writes committed together.
const BATCH: usize = 256;

/// A handle on the writer task; cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Job>,
    pool: AnyPool,
}

/// How a batch's transaction begins: on SQLite taking the write lock at once, so that what a
/// write reads cannot change before it writes. A batch of several writes opens its first
/// write's savepoint in the same round trip.
fn begin(backend: Backend, alone: bool) -> &'static str {
    match (backend, alone) {
        (Backend::Sqlite, true) => "BEGIN IMMEDIATE",
        (Backend::Sqlite, false) => "BEGIN IMMEDIATE; SAVEPOINT tribune_write",
        (Backend::Postgres, true) => "BEGIN",
        (Backend::Postgres, false) => "BEGIN; SAVEPOINT tribune_write",
    }
}

/// Between two writes of a batch: keeps the last one's work and opens the next one's savepoint,
/// in one round trip. (A write that failed was rolled back to its savepoint, which then stays
/// open, empty, for the next; the last write's savepoint ends with the commit.)
const NEXT_SAVEPOINT: &str = "RELEASE tribune_write; SAVEPOINT tribune_write";

impl Writer {
    /// Starts the writer over `pool`, a pool of one connection that nothing else uses.
    pub(crate) fn start(pool: AnyPool, backend: Backend) -> Writer {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(work(pool.clone(), backend, queue));
        Writer { jobs, pool }
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Writes waiting for the writer right now.
    pub(crate) fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }

    /// Runs `job` in the next batch and returns its result once the batch is committed.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        let (done, answer) = oneshot::channel();
        let run: Run = Box::new(move |conn| {
            Box::pin(async move { job(conn).await.map(|value| Box::new(value) as Value) })
        });
        self.jobs
            .send(Job { run, done })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        let value = answer.await.map_err(|_| StoreError::WriterStopped)??;
        value.downcast::<T>().map(|boxed| *boxed).map_err(|_| {
            StoreError::Corrupt("the writer answered with a value of another type".into())
        })
    }
}

async fn work(pool: AnyPool, backend: Backend, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(first) = queue.recv().await {
        batch.push(first);
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&pool, backend, &mut batch).await;
    }
}

/// Why a whole batch was not stored, told to each of its writes.
fn batch_failed(what: &str, error: &sqlx::Error) -> StoreError {
    StoreError::BatchFailed(format!("{what}: {error}"))
}

async fn commit_batch(pool: &AnyPool, backend: Backend, batch: &mut Vec<Job>) {
    // One write alone needs no savepoint: its own transaction is enough (two statements fewer
    // on the path of a lone submission).
    let alone = batch.len() == 1;
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(error) => {
            for job in batch.drain(..) {
                let _ = job.done.send(Err(batch_failed("no connection", &error)));
            }
            return;
        }
    };
    if let Err(error) = conn.execute(begin(backend, alone)).await {
        // Most likely the connection died with the database: do not hand it out again.
        conn.close_on_drop();
        for job in batch.drain(..) {
            let _ = job.done.send(Err(batch_failed("cannot begin", &error)));
        }
        return;
    }
    let mut finished: Vec<(oneshot::Sender<_>, Result<Value, StoreError>)> =
        Vec::with_capacity(batch.len());
    let mut broken: Option<String> = None;
    // Whether the open savepoint holds a write that succeeded (and must be kept).
    let mut savepoint_kept = false;
    for job in batch.drain(..) {
        if let Some(reason) = &broken {
            let _ = job.done.send(Err(StoreError::BatchFailed(reason.clone())));
            continue;
        }
        if savepoint_kept && let Err(error) = conn.execute(NEXT_SAVEPOINT).await {
            // SQLite rolled the whole transaction back (I/O error, disk full), or the
            // connection is gone: nothing of this batch is stored.
            broken = Some(format!("the transaction was lost: {error}"));
            let _ = job
                .done
                .send(Err(batch_failed("cannot open a savepoint", &error)));
            continue;
        }
        let result = (job.run)(&mut conn).await;
        savepoint_kept = result.is_ok();
        if result.is_err() {
            if alone {
                // Nothing of it may be kept: end the transaction without it.
                broken = Some("the write failed".into());
            } else if let Err(error) = conn.execute("ROLLBACK TO tribune_write").await {
                broken = Some(format!("the transaction was lost: {error}"));
            }
        }
        finished.push((job.done, result));
    }
    let (committed, clean) = match &broken {
        Some(reason) => (Err(reason.clone()), conn.execute("ROLLBACK").await.is_ok()),
        None => match conn.execute("COMMIT").await {
            Ok(_) => (Ok(()), true),
            Err(error) => (
                Err(format!("commit failed: {error}")),
                conn.execute("ROLLBACK").await.is_ok(),
            ),
        },
    };
    if !clean {
        // A connection whose transaction state is unknown is not reused.
        conn.close_on_drop();
    }
    for (done, result) in finished {
        let answer = match (&committed, result) {
            (Ok(()), result) => result,
            // A write that failed on its own reports its own error.
            (Err(_), Err(own)) => Err(own),
            (Err(reason), Ok(_)) => Err(StoreError::BatchFailed(reason.clone())),
        };
        let _ = done.send(answer);
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row;
    use tokio::sync::oneshot;

    use crate::testing::fresh_store;
    use crate::{Store, StoreError};

    /// A write of one setting that then succeeds, fails on its own, or fails in the database.
    async fn write_setting(store: Store, key: String, outcome: u8) -> Result<(), StoreError> {
        store
            .write(move |conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'x')")
                        .bind(&key)
                        .execute(&mut *conn)
                        .await?;
                    match outcome {
                        0 => Ok(()),
                        1 => Err(StoreError::Corrupt(format!("{key} gives up"))),
                        // A statement the database refuses (on PostgreSQL it aborts the
                        // transaction until the savepoint is rolled back to).
                        _ => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'y')")
                            .bind(&key)
                            .execute(&mut *conn)
                            .await
                            .map(drop)
                            .map_err(StoreError::from),
                    }
                })
            })
            .await
    }

    #[tokio::test]
    async fn a_failed_write_in_a_batch_takes_only_its_own_work_back() {
        let (store, _db) = match fresh_store().await {
            Ok(fresh) => fresh,
            Err(error) => panic!("no test database: {error}"),
        };
        // Hold the writer in a write of its own until every write below waits in its queue,
        // so that they are committed as one batch.
        let (release, held) = oneshot::channel::<()>();
        let (holding, started) = oneshot::channel::<()>();
        let holder = tokio::spawn({
            let store = store.clone();
            async move {
                store
                    .write(move |_conn| {
                        Box::pin(async move {
                            let _ = holding.send(());
                            let _ = held.await;
                            Ok(())
                        })
                    })
                    .await
            }
        });
        started.await.expect("the holding write started");
        let writes: Vec<_> = (0..30u8)
            .map(|i| tokio::spawn(write_setting(store.clone(), format!("k{i}"), i % 3)))
            .collect();
        while store.pool_stats().queued_writes < writes.len() {
            tokio::task::yield_now().await;
        }
        let _ = release.send(());
        holder.await.expect("holder").expect("the holding write");
        for (i, write) in writes.into_iter().enumerate() {
            let result = write.await.expect("a write");
            assert_eq!(result.is_ok(), i % 3 == 0, "write {i}: {result:?}");
        }
        let rows = sqlx::query("SELECT key FROM settings WHERE key LIKE 'k%'")
            .fetch_all(store.pool())
            .await
            .expect("settings");
        let mut kept: Vec<String> = rows.iter().map(|r| r.get("key")).collect();
        kept.sort();
        let mut expected: Vec<String> = (0..30).step_by(3).map(|i| format!("k{i}")).collect();
        expected.sort();
        assert_eq!(kept, expected);
    }
}
