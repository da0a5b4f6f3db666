//! What an operator watches, in Prometheus' text format: requests by route and status with
//! their latency, the queue's depth and age, the engine's decisions, the encoder jobs (how
//! many wait, the oldest's age, reading and job times), rate-limit refusals,
//! shed requests, database pools and password hashing.
//!
//! Counters and histograms are recorded as things happen (through the `metrics` facade, one
//! recorder per process); the queue and pool gauges are read when `/metrics` is scraped.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tribune_moderation::Verdict;

use crate::App;

const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed on first use.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("tribune_http_request_duration_seconds".into()),
                &LATENCY_BUCKETS,
            )
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Prefix("tribune_encoder_".into()),
                    &LATENCY_BUCKETS,
                )
            })
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (an embedding program's): then Tribune's
        // own figures are rendered empty rather than failing the server.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics shows only gauges");
        }
        handle
    })
}

/// Installs the recorder; call once at start so the first requests are counted.
pub fn install() {
    handle();
}

/// Drains histogram buffers; run every few seconds.
pub fn upkeep() {
    handle().run_upkeep();
}

/// Records each request by route template (never the raw path: ids and slugs would make
/// endless series), method and status, with its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("tribune_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("tribune_http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

pub fn rate_limited(limit: &'static str) {
    metrics::counter!("tribune_rate_limited_total", "limit" => limit).increment(1);
}

pub fn shed() {
    metrics::counter!("tribune_http_shed_total").increment(1);
}

pub fn verdict_cut() {
    metrics::counter!("tribune_verdicts_cut_total").increment(1);
}

pub fn connections(open: usize) {
    metrics::gauge!("tribune_http_connections_open").set(open as f64);
}

/// One engine decision on arrival, by decision, category and language.
pub fn engine_decision(verdict: &Verdict) {
    let language = match verdict.language.as_str() {
        l @ ("en" | "ar" | "ckb" | "kmr" | "tr" | "fa") => l.to_owned(),
        _ => "other".to_owned(),
    };
    let category = verdict.category.map_or("none", |c| c.as_str());
    metrics::counter!(
        "tribune_engine_decisions_total",
        "decision" => verdict.decision.as_str(),
        "category" => category,
        "language" => language
    )
    .increment(1);
}

/// What became of the encoder stage for one stored submission: `queued` ones reach it.
pub fn encoder_step(step: tribune_store::EncoderStep) {
    metrics::counter!("tribune_encoder_submissions_total", "step" => step.as_str()).increment(1);
}

/// One encoder reading's time on its blocking thread.
pub fn encoder_reading(took: std::time::Duration) {
    metrics::histogram!("tribune_encoder_reading_seconds").record(took.as_secs_f64());
}

/// A job's end, by how it ended, with the time from its submission to that end.
pub fn encoder_job_ended(end: &tribune_store::JobEnd, queued_at: i64) {
    let how = crate::encoder_jobs::end_label(end);
    metrics::counter!("tribune_encoder_jobs_ended_total", "end" => how).increment(1);
    let waited = (tribune_store::now_millis() - queued_at).max(0) as f64 / 1000.0;
    metrics::histogram!("tribune_encoder_job_seconds", "end" => how).record(waited);
}

/// The whole exposition: gauges read now, then everything recorded.
pub async fn render(app: &App) -> String {
    match app.store.encoder_job_stats().await {
        Ok(stats) => {
            metrics::gauge!("tribune_encoder_jobs_waiting").set(stats.waiting as f64);
            let age = stats.oldest_created_at.map_or(0.0, |oldest| {
                (tribune_store::now_millis() - oldest).max(0) as f64 / 1000.0
            });
            metrics::gauge!("tribune_encoder_oldest_job_age_seconds").set(age);
        }
        Err(error) => tracing::warn!(%error, "metrics: cannot read the encoder jobs"),
    }
    match app.store.pending_stats().await {
        Ok(stats) => {
            metrics::gauge!("tribune_queue_pending").set(stats.count as f64);
            let age = stats.oldest_created_at.map_or(0.0, |oldest| {
                (tribune_store::now_millis() - oldest).max(0) as f64 / 1000.0
            });
            metrics::gauge!("tribune_queue_oldest_pending_age_seconds").set(age);
            metrics::gauge!("tribune_database_up").set(1.0);
        }
        Err(error) => {
            tracing::warn!(%error, "metrics: cannot read the queue");
            metrics::gauge!("tribune_database_up").set(0.0);
        }
    }
    let pool = app.store.pool_stats();
    metrics::gauge!("tribune_db_pool_connections", "state" => "open").set(f64::from(pool.open));
    metrics::gauge!("tribune_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!("tribune_db_pool_max_connections").set(f64::from(pool.max));
    metrics::gauge!("tribune_db_writes_queued").set(pool.queued_writes as f64);
    let hashing = app.passwords.load();
    metrics::gauge!("tribune_password_hashes", "state" => "running").set(hashing.running as f64);
    metrics::gauge!("tribune_password_hashes", "state" => "waiting").set(hashing.waiting as f64);
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}
