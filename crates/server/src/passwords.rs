//! Password hashing off the async workers, under a global cap.
//!
//! An argon2id hash costs tens of milliseconds of one core and 19 MiB of memory by design.
//! Run on the async workers it stalls every other request; run without a cap, a log-in flood
//! takes every core and hundreds of MiB. Here `workers` threads of their own do all hashing
//! (so at most that many run at once, and the memory each keeps for the next hash is bounded
//! too), and at most `queue` more hashes wait; beyond that a log-in is answered `503 busy` at
//! once instead of waiting in an unbounded line.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::{Semaphore, oneshot};

use crate::ServerError;
use crate::security::{hash_password, verify_password};

type Job = Box<dyn FnOnce() + Send>;

/// The bounded pool that every password hash and check goes through.
pub struct Passwords {
    jobs: mpsc::Sender<Job>,
    /// Hashes running or waiting: at most `workers + queue`.
    admitted: Arc<Semaphore>,
    running: Arc<AtomicUsize>,
    waiting: Arc<AtomicUsize>,
    /// A hash of nothing anyone knows: checked against when the user name is unknown, so that
    /// unknown names cost as long as wrong passwords.
    decoy_hash: String,
}

/// Hashing work running or waiting now, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingLoad {
    pub running: usize,
    pub waiting: usize,
}

impl Passwords {
    /// `workers` hashing threads (at least one), `queue` more hashes waiting.
    pub fn new(workers: usize, queue: usize) -> Result<Passwords, ServerError> {
        let workers = workers.max(1);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("tribune-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            // The pool was dropped.
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Passwords {
            jobs,
            admitted: Arc::new(Semaphore::new(workers + queue)),
            running: Arc::new(AtomicUsize::new(0)),
            waiting: Arc::new(AtomicUsize::new(0)),
            decoy_hash: hash_password(&crate::security::random_token()?)?,
        })
    }

    /// Runs `work` on a hashing thread once one is free; `Busy` when too many wait.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ServerError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| ServerError::Busy)?;
        let (done, answer) = oneshot::channel();
        let (running, waiting) = (self.running.clone(), self.waiting.clone());
        waiting.fetch_add(1, Ordering::Relaxed);
        let job: Job = Box::new(move || {
            waiting.fetch_sub(1, Ordering::Relaxed);
            running.fetch_add(1, Ordering::Relaxed);
            // A panic fails this hash only; the thread goes on with the next.
            let value = std::panic::catch_unwind(AssertUnwindSafe(work));
            running.fetch_sub(1, Ordering::Relaxed);
            drop(admitted);
            if let Ok(value) = value {
                let _ = done.send(value);
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| ServerError::PasswordHash("the hashing threads have stopped".into()))?;
        answer
            .await
            .map_err(|_| ServerError::PasswordHash("hashing a password panicked".into()))
    }

    /// Whether `password` matches `stored_hash`; with no hash (unknown user) a decoy is
    /// checked so the answer takes as long.
    pub async fn verify(
        &self,
        password: &str,
        stored_hash: Option<&str>,
    ) -> Result<bool, ServerError> {
        let password = password.to_owned();
        let (hash, real) = match stored_hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.decoy_hash.clone(), false),
        };
        let matches = self.run(move || verify_password(&password, &hash)).await?;
        Ok(matches && real)
    }

    pub fn load(&self) -> HashingLoad {
        HashingLoad {
            running: self.running.load(Ordering::Relaxed),
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }
}

/// The default number of hashes at once: half the cores, so that hashing never takes the
/// whole machine from the requests beside it.
pub fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| (n.get() / 2).max(1))
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_cap_run_at_once_and_the_excess_is_refused_quickly() {
        let passwords = Arc::new(Passwords::new(2, 3).expect("pool"));
        let now_running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (passwords, now_running, peak) =
                (passwords.clone(), now_running.clone(), peak.clone());
            tasks.spawn(async move {
                passwords
                    .run(move || {
                        let n = now_running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(n, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(50));
                        now_running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            });
        }
        let results = tasks.join_all().await;
        let done = results.iter().filter(|r| r.is_ok()).count();
        let busy = results
            .iter()
            .filter(|r| matches!(r, Err(ServerError::Busy)))
            .count();
        assert_eq!(peak.load(Ordering::SeqCst), 2, "at most two at once");
        assert_eq!(done + busy, 12);
        assert_eq!(done, 5, "two running and three waiting are admitted");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_async_worker_free() {
        let passwords = Passwords::new(1, 1).expect("pool");
        let hash = hash_password("correct horse battery").expect("hash");
        let ticks = Arc::new(AtomicUsize::new(0));
        let counter = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(1)).await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        // Several checks in a row: tens of milliseconds of argon2 on this one-thread runtime.
        for _ in 0..4 {
            assert!(
                passwords
                    .verify("correct horse battery", Some(&hash))
                    .await
                    .expect("verify")
            );
        }
        ticker.abort();
        assert!(
            ticks.load(Ordering::SeqCst) >= 4,
            "the only async worker kept running other tasks while hashing"
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_matches_even_the_decoy() {
        let passwords = Passwords::new(1, 1).expect("pool");
        assert!(!passwords.verify("anything", None).await.expect("verify"));
    }
}
