//! Settings and the rate-limit counters every node shares.
//!
//! A counter is a sliding window estimated from two fixed windows (the current one and the
//! one before, weighted by how much of it still overlaps the sliding window), so a client
//! cannot double its rate by straddling a window boundary. Each fixed window is spread over
//! [`SHARDS`] rows, one picked per event and all summed when read: concurrent requests of one
//! client do not queue on one row's lock on PostgreSQL.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AnyConnection, Row};

use super::{Result, Store, now_millis};
use crate::Backend;

/// Rows one counter window is spread over.
const SHARDS: u64 = 8;
/// The longest window a counter may use; rows older than two of these are swept.
pub const MAX_WINDOW_MS: i64 = 3_600_000;

/// A limit of `limit` events per `window_ms` (sliding) under `key`, shared by every node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub key: String,
    pub limit: i64,
    pub window_ms: i64,
}

/// What counting an event found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub allowed: bool,
    /// When refused: how long until an event would be allowed again.
    pub retry_after_ms: i64,
}

impl Counted {
    /// Allowed, with nothing to wait for.
    pub const ALLOWED: Counted = Counted {
        allowed: true,
        retry_after_ms: 0,
    };
}

impl RateLimit {
    pub fn new(key: impl Into<String>, limit: u32, window_ms: i64) -> RateLimit {
        RateLimit {
            key: key.into(),
            limit: i64::from(limit),
            window_ms: window_ms.min(MAX_WINDOW_MS),
        }
    }

    /// Whether one more event fits, given the events already counted in the previous and the
    /// current fixed window, `elapsed` milliseconds into the current one.
    pub(super) fn judge(&self, previous: i64, current: i64, elapsed: i64) -> Counted {
        let window = self.window_ms as f64;
        let overlap = (self.window_ms - elapsed) as f64 / window;
        let estimate = previous as f64 * overlap + current as f64 + 1.0;
        if estimate <= self.limit as f64 {
            return Counted::ALLOWED;
        }
        let allowed_after = if current + 1 > self.limit {
            // Not in this window: in the next one, this window's count fades in turn.
            let fade = if current > 0 {
                window * (1.0 - (self.limit - 1) as f64 / current as f64)
            } else {
                0.0
            };
            (self.window_ms - elapsed) as f64 + fade.max(0.0)
        } else {
            let room = (self.limit - current - 1) as f64;
            (window * (1.0 - room / previous as f64) - elapsed as f64).max(0.0)
        };
        Counted {
            allowed: false,
            retry_after_ms: (allowed_after.ceil() as i64).max(1),
        }
    }

    /// The starts of the previous and the current fixed window at `now`, and how far into the
    /// current one `now` is; `None` for a limit without a window.
    pub(super) fn windows_at(&self, now: i64) -> Option<(i64, i64, i64)> {
        (self.window_ms > 0).then(|| {
            let (start, elapsed) = self.window_of(now);
            (start - self.window_ms, start, elapsed)
        })
    }

    fn window_of(&self, now: i64) -> (i64, i64) {
        let start = now - now.rem_euclid(self.window_ms);
        (start, now - start)
    }
}

/// The events counted under `key` in the windows starting at `previous` and `current`.
async fn window_counts(
    conn: &mut AnyConnection,
    key: &str,
    previous: i64,
    current: i64,
) -> Result<(i64, i64)> {
    let rows = sqlx::query(
        "SELECT window_start, CAST(SUM(count) AS BIGINT) AS n FROM rate_counters \
         WHERE key = $1 AND window_start IN ($2, $3) GROUP BY window_start",
    )
    .bind(key)
    .bind(previous)
    .bind(current)
    .fetch_all(&mut *conn)
    .await?;
    let mut counts = (0, 0);
    for row in rows {
        let start: i64 = row.try_get("window_start")?;
        let n: i64 = row.try_get("n")?;
        if start == current {
            counts.1 = n;
        } else {
            counts.0 = n;
        }
    }
    Ok(counts)
}

/// Counts one event against `limit` inside a write transaction. A refused event is not
/// counted: the caller rolls back.
pub(crate) async fn count_in(
    conn: &mut AnyConnection,
    backend: Backend,
    limit: &RateLimit,
) -> Result<Counted> {
    if limit.window_ms <= 0 {
        return Ok(Counted::ALLOWED);
    }
    static NEXT_SHARD: AtomicU64 = AtomicU64::new(0);
    let shard = i64::try_from(NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS).unwrap_or(0);
    let now = now_millis();
    let (start, elapsed) = limit.window_of(now);
    let (previous, current) = match backend {
        // One statement: the writer's round trips are what a node's writes queue on. The
        // statement's snapshot does not see its own upsert, hence the bumped row added apart.
        Backend::Postgres => {
            let row = sqlx::query(
                "WITH bumped AS (INSERT INTO rate_counters (key, window_start, shard, count) \
                 VALUES ($1, $2, $3, 1) ON CONFLICT (key, window_start, shard) \
                 DO UPDATE SET count = rate_counters.count + 1 RETURNING count) \
                 SELECT CAST(COALESCE((SELECT SUM(count) FROM rate_counters \
                 WHERE key = $1 AND window_start = $4), 0) AS BIGINT) AS previous, \
                 CAST((SELECT count FROM bumped) + COALESCE((SELECT SUM(count) \
                 FROM rate_counters WHERE key = $1 AND window_start = $2 AND shard <> $3), 0) \
                 AS BIGINT) AS current",
            )
            .bind(&limit.key)
            .bind(start)
            .bind(shard)
            .bind(start - limit.window_ms)
            .fetch_one(&mut *conn)
            .await?;
            (row.try_get("previous")?, row.try_get("current")?)
        }
        Backend::Sqlite => {
            sqlx::query(
                "INSERT INTO rate_counters (key, window_start, shard, count) \
                 VALUES ($1, $2, $3, 1) ON CONFLICT (key, window_start, shard) \
                 DO UPDATE SET count = rate_counters.count + 1",
            )
            .bind(&limit.key)
            .bind(start)
            .bind(shard)
            .execute(&mut *conn)
            .await?;
            window_counts(conn, &limit.key, start - limit.window_ms, start).await?
        }
    };
    // `current` includes this event; judge asks whether one more than the others fits.
    Ok(limit.judge(previous, current - 1, elapsed))
}

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    /// The setting's value, storing `value` first if it has none: every node that asks gets
    /// the one value the first stored.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO NOTHING",
                )
                .bind(&key)
                .bind(&value)
                .execute(&mut *conn)
                .await?;
                let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
                    .bind(&key)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(row.try_get("value")?)
            })
        })
        .await
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(&key)
                .bind(&value)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// Counts one event under `key` in a sliding window of `window_ms`; false when the window
    /// already holds `limit` events. Every node shares the count.
    pub async fn count_event(&self, key: &str, limit: i64, window_ms: i64) -> Result<bool> {
        let limit = RateLimit {
            key: key.to_owned(),
            limit,
            window_ms: window_ms.min(MAX_WINDOW_MS),
        };
        Ok(self.count(&limit).await?.allowed)
    }

    /// Counts one event against `limit`; a refused event is not counted.
    pub async fn count(&self, limit: &RateLimit) -> Result<Counted> {
        let limit = limit.clone();
        let backend = self.backend();
        let counted = self
            .write(move |conn| {
                Box::pin(async move {
                    match count_in(conn, backend, &limit).await? {
                        counted if counted.allowed => Ok(counted),
                        refused => Err(crate::StoreError::RateLimited {
                            retry_after_ms: refused.retry_after_ms,
                        }),
                    }
                })
            })
            .await;
        match counted {
            Ok(counted) => Ok(counted),
            Err(crate::StoreError::RateLimited { retry_after_ms }) => Ok(Counted {
                allowed: false,
                retry_after_ms,
            }),
            Err(other) => Err(other),
        }
    }

    /// Whether one more event would fit under `limit`, without counting it: a read, so that a
    /// flood is turned away before it costs a write (or the engine's time).
    pub async fn peek(&self, limit: &RateLimit) -> Result<Counted> {
        let Some((previous_start, start, elapsed)) = limit.windows_at(now_millis()) else {
            return Ok(Counted::ALLOWED);
        };
        let mut conn = self.pool().acquire().await?;
        let (previous, current) =
            window_counts(&mut conn, &limit.key, previous_start, start).await?;
        Ok(limit.judge(previous, current, elapsed))
    }

    /// Removes what has expired: counters of past windows, sessions, claims and remembered
    /// browsers. Any node may run it at any time.
    pub async fn sweep(&self) -> Result<u64> {
        let now = now_millis();
        self.write(move |conn| {
            Box::pin(async move {
                let mut removed = 0;
                for (sql, before) in [
                    (
                        "DELETE FROM rate_counters WHERE window_start < $1",
                        now - 2 * MAX_WINDOW_MS,
                    ),
                    ("DELETE FROM sessions WHERE expires_at <= $1", now),
                    ("DELETE FROM claims WHERE expires_at <= $1", now),
                    ("DELETE FROM login_devices WHERE expires_at <= $1", now),
                ] {
                    removed += sqlx::query(sql)
                        .bind(before)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected();
                }
                Ok(removed)
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(n: u32) -> RateLimit {
        RateLimit::new("k", n, 60_000)
    }

    #[test]
    fn a_window_fills_up_to_its_limit() {
        let ten = limit(10);
        assert!(ten.judge(0, 9, 30_000).allowed);
        let refused = ten.judge(0, 10, 30_000);
        assert!(!refused.allowed);
        // Not before the window ends, and then until enough of this window has faded.
        assert!(refused.retry_after_ms >= 30_000, "{refused:?}");
    }

    #[test]
    fn the_previous_window_counts_while_it_overlaps() {
        let ten = limit(10);
        // Ten events just before the boundary still fill the sliding window just after it.
        assert!(!ten.judge(10, 0, 1_000).allowed);
        // Half-way through, half of them still count.
        assert!(ten.judge(10, 4, 30_000).allowed);
        assert!(!ten.judge(10, 5, 30_000).allowed);
        let wait = ten.judge(10, 0, 0);
        assert!(!wait.allowed && (5_900..=6_100).contains(&wait.retry_after_ms));
        assert!(ten.judge(10, 0, wait.retry_after_ms).allowed);
    }

    #[test]
    fn the_wait_it_announces_is_enough() {
        for limit_n in [1u32, 3, 10] {
            let l = limit(limit_n);
            for (previous, current, elapsed) in [(0, 10, 5_000), (7, 2, 20_000), (3, 3, 59_000)] {
                let verdict = l.judge(previous, current, elapsed);
                if verdict.allowed {
                    continue;
                }
                let later = elapsed + verdict.retry_after_ms;
                let again = if later >= 60_000 {
                    l.judge(current, 0, later - 60_000)
                } else {
                    l.judge(previous, current, later)
                };
                assert!(again.allowed, "{limit_n} {previous} {current} {elapsed}");
            }
        }
    }
}
