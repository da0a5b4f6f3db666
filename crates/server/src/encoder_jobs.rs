//! The encoder stage, off the request path. A submission the stage wants is stored pending
//! with the fast stages' verdict and a job (one transaction); each node's worker claims due
//! jobs in batches with a lease, reads them on its own low-priority threads, and ends each
//! with the stage's final decision. A moderator may decide first; then the job ends without a row.
//! A reading that fails is retried a bounded number of times, then the comment stays for a
//! person with a `review` row saying the encoder failed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tribune_moderation::{Article, Comment, Policy, Verdict};
use tribune_store::{Actor, DecisionKind, EncoderJob, JobEnd, NewDecision};

use crate::App;
use crate::submit::engine_decision;

/// A slow second reading of the comments the fast stages could not settle alone (the
/// multilingual encoder). Pure and blocking: the worker calls it on its low-priority threads.
pub trait SecondReading: Send + Sync + 'static {
    /// Whether the fast stages' verdict must wait for this reading.
    fn wants(&self, first: &Verdict, policy: &Policy) -> bool;
    /// The final verdict, from the comment and the fast stages' verdict.
    fn read(
        &self,
        comment: &Comment<'_>,
        article: Option<&Article<'_>>,
        first: &Verdict,
        policy: &Policy,
    ) -> Result<Verdict, String>;
    /// The final verdicts of the comments a worker claimed together, in order. By default
    /// one [`SecondReading::read`] each; an encoder that reads a batch in one pass (less
    /// time per comment) does so here.
    fn read_batch(
        &self,
        batch: &[ReadingInput<'_>],
        policy: &Policy,
    ) -> Vec<Result<Verdict, String>> {
        read_each(self, batch, policy)
    }
    /// What the final decision's actor is called beside the engine's version.
    fn name(&self) -> String;
}

/// A batch read one [`SecondReading::read`] at a time: the trait's default, and where an
/// implementation's one-pass reading cannot serve.
pub fn read_each<R: SecondReading + ?Sized>(
    reading: &R,
    batch: &[ReadingInput<'_>],
    policy: &Policy,
) -> Vec<Result<Verdict, String>> {
    batch
        .iter()
        .map(|input| reading.read(&input.comment, Some(&input.article), input.first, policy))
        .collect()
}

/// One comment of a batch the worker reads together.
pub struct ReadingInput<'a> {
    pub comment: Comment<'a>,
    pub article: Article<'a>,
    /// The fast stages' verdict, stored with the comment.
    pub first: &'a Verdict,
}

/// How a node's worker takes and runs encoder jobs.
#[derive(Debug, Clone)]
pub struct EncoderJobsConfig {
    /// The most jobs claimed and read together.
    pub batch: usize,
    /// How long a claim lasts; a node that dies holding jobs gives them up after it.
    pub lease: Duration,
    /// How often an idle worker looks for jobs it was not woken for (other nodes' jobs,
    /// expired leases, retries coming due).
    pub poll: Duration,
    /// Readings tried per job before it ends in review.
    pub attempts: i64,
    /// How long a failed reading waits before its next attempt.
    pub retry_delay: Duration,
    /// The threads readings run on. By default one fewer than the cores (at least one): the
    /// encoder's operations on a comment are small, so a second thread per reading mostly
    /// hands work back and forth (a million involuntary context switches in nine seconds on
    /// two cores, for a fifth less time), and one core left to the request path stays free.
    pub threads: usize,
}

/// One fewer than the cores this process may use, at least one.
fn default_reading_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get().saturating_sub(1))
        .max(1)
}

impl Default for EncoderJobsConfig {
    fn default() -> EncoderJobsConfig {
        EncoderJobsConfig {
            batch: 16,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            attempts: 3,
            retry_delay: Duration::from_secs(5),
            threads: default_reading_threads(),
        }
    }
}

/// A node's running worker; [`EncoderWorker::stop`] ends it after its current batch.
pub struct EncoderWorker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl EncoderWorker {
    /// Starts the worker when the app has the stage; `None` without it.
    pub fn spawn(app: Arc<App>) -> Option<EncoderWorker> {
        let reading = app.second_reading.clone()?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(work(app, reading, stopped));
        Some(EncoderWorker { stop, task })
    }

    /// Stops claiming and waits for the batch being read to end (its jobs are completed, or
    /// their leases run out if this is cut short).
    pub async fn stop(self, within: Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(within, self.task).await.is_err() {
            tracing::warn!("the encoder worker did not finish its batch in time");
        }
    }
}

/// This process's name on its leases: unique per start, so a restarted node never passes
/// for the one that died.
fn holder() -> String {
    let nonce = crate::security::random_token()
        .map(|t| t[..12].to_owned())
        .unwrap_or_else(|_| tribune_store::now_millis().to_string());
    format!("node-{}-{nonce}", std::process::id())
}

/// The `count` threads the readings run on, scheduled only when nothing else wants the CPU
/// (`SCHED_IDLE` on Linux), so the encoder takes what the request path leaves. The encoder's
/// own parallel work (candle's matmuls and norms run on rayon) stays on these threads, as it
/// runs inside [`rayon::ThreadPool::install`].
fn reading_threads(count: usize) -> Option<Arc<rayon::ThreadPool>> {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(count.max(1))
        .thread_name(|i| format!("tribune-encoder-{i}"))
        .start_handler(|_| lower_priority())
        .build()
    {
        Ok(pool) => Some(Arc::new(pool)),
        Err(error) => {
            tracing::warn!(%error, "cannot start the encoder's threads; readings compete with requests");
            None
        }
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    use thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    if let Err(error) =
        set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
    {
        tracing::warn!(
            ?error,
            "cannot lower an encoder thread's priority; readings compete with requests"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

async fn work(app: Arc<App>, reading: Arc<dyn SecondReading>, mut stopped: watch::Receiver<bool>) {
    let holder = holder();
    let config = app.config.encoder_jobs.clone();
    let threads = reading_threads(config.threads);
    let lease_ms = i64::try_from(config.lease.as_millis()).unwrap_or(i64::MAX);
    let batch = i64::try_from(config.batch.max(1)).unwrap_or(16);
    tracing::info!(%holder, stage = %reading.name(), threads = config.threads, "the encoder worker is running");
    while !*stopped.borrow() {
        let jobs = match app.store.claim_encoder_jobs(&holder, batch, lease_ms).await {
            Ok(jobs) => jobs,
            Err(error) => {
                tracing::warn!(%error, "cannot claim encoder jobs");
                Vec::new()
            }
        };
        if jobs.is_empty() {
            tokio::select! {
                () = app.encoder_wake.notified() => {}
                () = tokio::time::sleep(config.poll) => {}
                _ = stopped.changed() => {}
            }
            continue;
        }
        run_batch(&app, &reading, threads.as_ref(), &config, jobs).await;
    }
}

/// What became of one job's reading.
enum Outcome {
    Read(Box<Verdict>, Duration),
    Failed(String),
    /// A moderator decided first, or the attempts are spent: nothing to read.
    Skip,
}

async fn run_batch(
    app: &Arc<App>,
    reading: &Arc<dyn SecondReading>,
    threads: Option<&Arc<rayon::ThreadPool>>,
    config: &EncoderJobsConfig,
    jobs: Vec<EncoderJob>,
) {
    let auto_approve = match app.auto_approve().await {
        Ok(on) => on,
        Err(error) => {
            tracing::warn!(%error, "cannot read the auto-approve setting; reading as off");
            false
        }
    };
    let policy = app.policy(auto_approve);
    let attempts = config.attempts.max(1);
    let (reader, jobs_in, threads) = (reading.clone(), jobs.clone(), threads.cloned());
    // A blocking thread waits while the low-priority threads read (a panic comes back here).
    let outcomes = tokio::task::spawn_blocking(move || {
        let read = || read_jobs(reader.as_ref(), &jobs_in, attempts, &policy);
        match threads {
            Some(threads) => threads.install(read),
            None => read(),
        }
    })
    .await;
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(error) => {
            // The reading panicked: every job of the batch counts as failed.
            let message = format!("the reading stopped: {error}");
            jobs.iter()
                .map(|_| Outcome::Failed(message.clone()))
                .collect()
        }
    };
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let ended = match outcome {
            Outcome::Read(verdict, took) => {
                crate::metrics::encoder_reading(took);
                match final_decision(&verdict, reading.as_ref()) {
                    Ok(decision) => app.store.finish_encoder_job(&job.lease, &decision).await,
                    Err(error) => {
                        tracing::warn!(%error, "cannot store the encoder's verdict");
                        continue;
                    }
                }
            }
            Outcome::Skip if job.decided_by_moderator => {
                app.store
                    .finish_encoder_job(&job.lease, &failed_decision(job, reading.as_ref(), ""))
                    .await
            }
            Outcome::Skip => {
                let why = job.last_error.as_deref().unwrap_or("it never finished");
                app.store
                    .finish_encoder_job(&job.lease, &failed_decision(job, reading.as_ref(), why))
                    .await
            }
            Outcome::Failed(error) if job.lease.attempt >= attempts => {
                tracing::warn!(comment = job.lease.comment_id, %error, "the encoder failed; the comment stays for a person");
                app.store
                    .finish_encoder_job(&job.lease, &failed_decision(job, reading.as_ref(), &error))
                    .await
            }
            Outcome::Failed(error) => {
                tracing::info!(comment = job.lease.comment_id, attempt = job.lease.attempt, %error, "an encoder reading failed; retrying later");
                let delay = i64::try_from(config.retry_delay.as_millis()).unwrap_or(i64::MAX);
                match app.store.retry_encoder_job(&job.lease, &error, delay).await {
                    Ok(_) => continue,
                    Err(error) => Err(error),
                }
            }
        };
        match ended {
            Ok(end) => crate::metrics::encoder_job_ended(&end, job.queued_at),
            Err(error) => {
                tracing::warn!(comment = job.lease.comment_id, %error, "cannot end an encoder job; its lease will expire")
            }
        }
    }
}

/// Reads the jobs that need it in one batch; the rest are skipped (a moderator decided, or
/// the attempts are spent) or failed (their stored fast verdict does not read).
fn read_jobs(
    reading: &dyn SecondReading,
    jobs: &[EncoderJob],
    attempts: i64,
    policy: &Policy,
) -> Vec<Outcome> {
    let firsts: Vec<Option<Result<Verdict, String>>> = jobs
        .iter()
        .map(|job| {
            if job.decided_by_moderator || job.lease.attempt > attempts {
                return None;
            }
            let stored = job.first_verdict.as_deref();
            Some(
                stored
                    .ok_or_else(|| "the comment has no stored fast verdict".to_owned())
                    .and_then(|text| {
                        serde_json::from_str(text)
                            .map_err(|e| format!("the stored fast verdict does not read: {e}"))
                    }),
            )
        })
        .collect();
    let batch: Vec<ReadingInput<'_>> = jobs
        .iter()
        .zip(&firsts)
        .filter_map(|(job, first)| match first {
            Some(Ok(first)) => Some(ReadingInput {
                comment: Comment {
                    text: &job.body,
                    lang: None,
                },
                article: Article {
                    title: &job.article_title,
                    body: &job.article_body,
                },
                first,
            }),
            _ => None,
        })
        .collect();
    let started = Instant::now();
    let mut verdicts = reading.read_batch(&batch, policy).into_iter();
    // Each reading's share of the batch's time.
    let took = started.elapsed() / u32::try_from(batch.len().max(1)).unwrap_or(u32::MAX);
    firsts
        .into_iter()
        .map(|first| match first {
            None => Outcome::Skip,
            Some(Err(error)) => Outcome::Failed(error),
            Some(Ok(_)) => match verdicts.next() {
                Some(Ok(verdict)) => Outcome::Read(Box::new(verdict), took),
                Some(Err(error)) => Outcome::Failed(error),
                None => Outcome::Failed("the reading returned fewer verdicts than comments".into()),
            },
        })
        .collect()
}

/// The stage's verdict as the comment's final decision row.
fn final_decision(
    verdict: &Verdict,
    reading: &dyn SecondReading,
) -> Result<NewDecision, crate::ServerError> {
    let mut decision = engine_decision(verdict)?;
    decision.actor = Actor::Engine(format!(
        "tribune-moderation {} + {}",
        verdict.engine_version,
        reading.name()
    ));
    Ok(decision)
}

/// The `review` row that ends a job whose readings failed: the fast verdict stays for a
/// person, with why. (For a comment a moderator decided first it is never written.)
fn failed_decision(job: &EncoderJob, reading: &dyn SecondReading, error: &str) -> NewDecision {
    let first: Option<Verdict> = job
        .first_verdict
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok());
    NewDecision {
        decision: DecisionKind::Review,
        category: first
            .as_ref()
            .and_then(|v| v.category)
            .map(|c| c.as_str().to_owned()),
        actor: Actor::Engine(reading.name()),
        note: Some(format!(
            "the encoder failed after {} attempts: {error}",
            job.lease.attempt
        )),
        risk: first.as_ref().map(|v| f64::from(v.risk())),
        verdict: job.first_verdict.clone(),
    }
}

/// Whether a job's end appended a row (for the metrics' labels).
pub(crate) fn end_label(end: &JobEnd) -> &'static str {
    match end {
        JobEnd::Decided(_) => "decided",
        JobEnd::ModeratorFirst => "moderator_first",
        JobEnd::LeaseLost => "lease_lost",
    }
}
