//! The encoder stage off the request path, with a test reading in place of the encoder: a
//! comment waits "being checked" and gets its final decision; a moderator deciding first
//! wins; a failing reading is retried, then ends in review; without the stage the queue says
//! it was absent. On SQLite by default, on PostgreSQL with `TRIBUNE_TEST_POSTGRES`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{ADMIN_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::Value;
use tribune_moderation::{Article, Category, Comment, Decision, Policy, Verdict};
use tribune_server::{EncoderJobsConfig, ReadingInput, SecondReading, ServerConfig};
use tribune_store::{Actor, DecisionKind, NewDecision};

/// Reads every comment the fast stages did not reject: "menacing" ones are threats, ones
/// saying "broken" fail, the rest are clean. Readings wait while the test holds `gate`.
#[derive(Default)]
struct TestReading {
    gate: tokio::sync::Mutex<()>,
    reads: AtomicUsize,
    /// The name and scheduling policy of the thread each reading ran on, and the size of its pool.
    threads: std::sync::Mutex<Vec<(Option<String>, String, usize)>>,
    /// The size of each batch the worker handed over.
    batches: std::sync::Mutex<Vec<usize>>,
}

impl SecondReading for TestReading {
    fn wants(&self, first: &Verdict, _policy: &Policy) -> bool {
        first.decision != Decision::Reject
    }

    fn read(
        &self,
        comment: &Comment<'_>,
        _article: Option<&Article<'_>>,
        first: &Verdict,
        _policy: &Policy,
    ) -> Result<Verdict, String> {
        // The worker reads on a blocking thread, where waiting for the test's gate is fine.
        drop(self.gate.blocking_lock());
        self.reads.fetch_add(1, Ordering::SeqCst);
        let policy = scheduling_policy();
        let name = std::thread::current().name().map(str::to_owned);
        self.threads
            .lock()
            .map_err(|_| "a reading panicked")?
            .push((name, policy, rayon::current_num_threads()));
        if comment.text.contains("broken") {
            return Err("the test reading fails on purpose".into());
        }
        let mut verdict = first.clone();
        if comment.text.contains("menacing") {
            verdict.decision = Decision::Reject;
            verdict.category = Some(Category::Threat);
            verdict.scores.insert(Category::Threat, 0.97);
        } else {
            verdict.decision = Decision::Approve;
            verdict.category = None;
        }
        Ok(verdict)
    }

    fn read_batch(
        &self,
        batch: &[ReadingInput<'_>],
        policy: &Policy,
    ) -> Vec<Result<Verdict, String>> {
        if let Ok(mut sizes) = self.batches.lock() {
            sizes.push(batch.len());
        }
        tribune_server::read_each(self, batch, policy)
    }

    fn name(&self) -> String {
        "test-reading 1".into()
    }
}

#[cfg(target_os = "linux")]
fn scheduling_policy() -> String {
    match thread_priority::thread_schedule_policy() {
        Ok(policy) => format!("{policy:?}"),
        Err(error) => format!("unknown: {error:?}"),
    }
}

#[cfg(not(target_os = "linux"))]
fn scheduling_policy() -> String {
    "not Linux".into()
}

fn config() -> ServerConfig {
    ServerConfig {
        comments_per_minute: 1000,
        logins_per_minute: 1000,
        encoder_jobs: EncoderJobsConfig {
            poll: Duration::from_millis(50),
            attempts: 2,
            retry_delay: Duration::from_millis(20),
            ..EncoderJobsConfig::default()
        },
        ..ServerConfig::default()
    }
}

async fn server_with(reading: &Arc<TestReading>) -> TestServer {
    let stage: Arc<dyn SecondReading> = reading.clone();
    TestServer::with_stage(config(), Ok(stage)).await
}

async fn status(server: &TestServer, posted: &Value) -> Value {
    let path = format!(
        "/api/v1/comments/{}?token={}",
        posted["id"],
        posted["token"].as_str().expect("token")
    );
    let (code, body) = server.get_json(&path, None).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body
}

/// Polls the author's status until its check has ended.
async fn checked(server: &TestServer, posted: &Value) -> Value {
    for _ in 0..200 {
        let body = status(server, posted).await;
        if body["checking"] == false {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the comment is still being checked after 5 s");
}

async fn wait_for_job_end(server: &TestServer, id: i64) {
    for _ in 0..200 {
        if !server.store.encoder_job_waiting(id).await.expect("read") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("comment {id}'s encoder job did not end in 5 s");
}

async fn console_page(server: &TestServer) -> String {
    let session = server.form_login("admin", ADMIN_PASSWORD).await;
    server.page_with_cookie("/moderation", &session).await
}

#[tokio::test]
async fn a_comment_waits_being_checked_then_gets_the_stages_final_decision() {
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    let held = reading.gate.lock().await;
    let posted = server
        .comment(
            "cycle-lanes",
            "A quietly menacing remark about the council.",
        )
        .await;
    assert_eq!(
        (posted["status"].as_str(), posted["checking"].as_bool()),
        (Some("pending"), Some(true)),
        "{posted}"
    );
    let id = posted["id"].as_i64().expect("id");
    let waiting = status(&server, &posted).await;
    assert_eq!(waiting["checking"], true, "{waiting}");

    // The author's page and the moderators' card say it is being checked.
    let page = server
        .client
        .get(server.url(&format!("/comments/{id}")))
        .header(
            "cookie",
            format!(
                "tribune_comment_{id}={}",
                posted["token"].as_str().expect("token")
            ),
        )
        .send()
        .await
        .expect("status page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Your comment is being checked"), "{page}");
    let console = console_page(&server).await;
    assert!(
        console.contains("Being checked by the encoder"),
        "the card says it is being checked"
    );

    drop(held);
    let done = checked(&server, &posted).await;
    assert_eq!(
        (done["status"].as_str(), done["category"].as_str()),
        (Some("rejected"), Some("threat")),
        "{done}"
    );
    let decisions = server.store.decisions(id).await.expect("history");
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    assert_eq!(decisions[0].decision, DecisionKind::Review);
    assert_eq!(decisions[1].decision, DecisionKind::Reject);
    match &decisions[1].actor {
        Actor::Engine(name) => assert!(name.ends_with("+ test-reading 1"), "{name}"),
        other => panic!("the final decision is the engine's, not {other:?}"),
    }
    assert_eq!(reading.reads.load(Ordering::SeqCst), 1);
    let console = console_page(&server).await;
    assert!(!console.contains("Being checked by the encoder"));
}

#[tokio::test]
async fn a_clean_comment_is_never_published_before_the_stage_reads_it() {
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    server.app.set_auto_approve(true).await.expect("setting");
    let held = reading.gate.lock().await;
    let posted = server
        .comment("cycle-lanes", "The new cycle lanes made my commute safer.")
        .await;
    assert_eq!(posted["status"], "pending", "{posted}");
    drop(held);
    let done = checked(&server, &posted).await;
    assert_eq!(done["status"], "approved", "{done}");
}

/// The readings take only the CPU the request path leaves: they run on the worker's own
/// threads, scheduled `SCHED_IDLE`, as many as configured.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn readings_run_on_idle_priority_threads() {
    let reading = Arc::new(TestReading::default());
    let mut config = config();
    config.encoder_jobs.threads = 3;
    let stage: Arc<dyn SecondReading> = reading.clone();
    let server = TestServer::with_stage(config, Ok(stage)).await;
    let posted = server
        .comment("cycle-lanes", "Will the lanes be gritted before the frost?")
        .await;
    checked(&server, &posted).await;
    let threads = reading.threads.lock().expect("threads").clone();
    assert_eq!(threads.len(), 1, "{threads:?}");
    let (name, policy, pool) = &threads[0];
    assert!(
        name.as_deref()
            .is_some_and(|n| n.starts_with("tribune-encoder-")),
        "{threads:?}"
    );
    assert_eq!(policy, "Normal(Idle)", "{threads:?}");
    assert_eq!(*pool, 3, "{threads:?}");
}

/// Comments that wait together are handed to the reading together, one batch per claim.
#[tokio::test]
async fn comments_waiting_together_are_read_as_one_batch() {
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    let held = reading.gate.lock().await;
    let mut posted = Vec::new();
    for text in [
        "Will the lanes reach the station?",
        "A menacing note about the lanes.",
        "Who pays for the paint?",
    ] {
        posted.push(server.comment("cycle-lanes", text).await);
    }
    drop(held);
    let mut statuses = Vec::new();
    for comment in &posted {
        statuses.push(checked(&server, comment).await["status"].clone());
    }
    assert_eq!(statuses, ["approved", "rejected", "approved"]);
    let sizes = reading.batches.lock().expect("sizes").clone();
    assert_eq!(sizes.iter().sum::<usize>(), 3, "{sizes:?}");
    // The first claim may come before the others arrive; the ones that waited behind it
    // come together.
    assert!(sizes.len() <= 2, "{sizes:?}");
}

/// A replayed submission (the same `Idempotency-Key` and content) answers as the status does:
/// being checked until its reading ends, then the final decision; never pending and no longer
/// being checked. Replays race the readings' ends here, many times over (before the job was
/// read first, five runs of five failed).
#[tokio::test]
async fn a_replayed_submission_is_never_pending_without_being_checked() {
    const COMMENTS: usize = 24;
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    for round in 0..4 {
        replays_race_the_readings(&server, &reading, round * COMMENTS, COMMENTS).await;
    }
}

async fn replays_race_the_readings(
    server: &TestServer,
    reading: &TestReading,
    first: usize,
    count: usize,
) {
    let send = |i: usize| {
        server
            .client
            .post(format!(
                "{}/api/v1/articles/cycle-lanes/comments",
                server.base
            ))
            .header("Idempotency-Key", format!("replay-race-{i}"))
            .json(&serde_json::json!({
                "author_name": "Reader",
                "body": format!("Question {i}: will the lanes reach the station?"),
            }))
            .send()
    };
    let held = reading.gate.lock().await;
    for i in first..first + count {
        let response = send(i).await.expect("POST");
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["checking"], true, "{body}");
    }
    drop(held);
    // Each comment replayed in a loop of its own, all at once, until its final decision.
    let replays = (first..first + count).map(|i| async move {
        for _ in 0..2000 {
            let body: Value = send(i).await.expect("POST").json().await.expect("JSON");
            match (body["status"].as_str(), body["checking"].as_bool()) {
                (Some("pending"), Some(true)) => {}
                (Some("approved"), Some(false)) => return,
                _ => panic!("replay of comment {i}: {body}"),
            }
        }
        panic!("comment {i} never got its final decision");
    });
    futures_util::future::join_all(replays).await;
}

#[tokio::test]
async fn a_fast_rejection_is_final_and_never_queued() {
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    let posted = server
        .comment("cycle-lanes", "This council is fucking useless.")
        .await;
    assert_eq!(
        (posted["status"].as_str(), posted["checking"].as_bool()),
        (Some("rejected"), Some(false)),
        "{posted}"
    );
    let id = posted["id"].as_i64().expect("id");
    assert!(!server.store.encoder_job_waiting(id).await.expect("read"));
}

#[tokio::test]
async fn a_moderator_deciding_first_wins_and_the_job_ends_without_a_row() {
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    let held = reading.gate.lock().await;
    let posted = server
        .comment(
            "cycle-lanes",
            "Another menacing remark, decided by a person.",
        )
        .await;
    let id = posted["id"].as_i64().expect("id");
    server
        .store
        .record_decision(
            id,
            &NewDecision {
                decision: DecisionKind::Approve,
                category: None,
                actor: Actor::User("admin".into()),
                note: None,
                risk: None,
                verdict: None,
            },
            true,
        )
        .await
        .expect("the moderator decides while the stage reads");
    drop(held);
    wait_for_job_end(&server, id).await;
    let decisions = server.store.decisions(id).await.expect("history");
    let kinds: Vec<DecisionKind> = decisions.iter().map(|d| d.decision).collect();
    assert_eq!(kinds, [DecisionKind::Review, DecisionKind::Approve]);
    assert_eq!(status(&server, &posted).await["status"], "approved");
}

#[tokio::test]
async fn a_failing_reading_is_retried_then_ends_in_review_saying_so() {
    let reading = Arc::new(TestReading::default());
    let server = server_with(&reading).await;
    let posted = server
        .comment("cycle-lanes", "The model is broken on this one.")
        .await;
    let id = posted["id"].as_i64().expect("id");
    wait_for_job_end(&server, id).await;
    assert_eq!(reading.reads.load(Ordering::SeqCst), 2, "two attempts");
    let decisions = server.store.decisions(id).await.expect("history");
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    assert_eq!(decisions[1].decision, DecisionKind::Review);
    let note = decisions[1].note.as_deref().unwrap_or_default();
    assert!(
        note.contains("the encoder failed after 2 attempts"),
        "{note}"
    );
    assert!(note.contains("fails on purpose"), "{note}");
    let done = status(&server, &posted).await;
    assert_eq!(
        (done["status"].as_str(), done["checking"].as_bool()),
        (Some("pending"), Some(false))
    );
}

#[tokio::test]
async fn without_the_stage_the_fast_stages_decide_and_the_card_says_it_was_absent() {
    let server = TestServer::start().await;
    let posted = server
        .comment(
            "cycle-lanes",
            "Will the lanes be cleared of snow in winter?",
        )
        .await;
    assert_eq!(posted["checking"], false, "{posted}");
    assert_eq!(status(&server, &posted).await["checking"], false);
    let console = console_page(&server).await;
    assert!(
        console.contains("The encoder stage was absent"),
        "the card says the stage was absent"
    );
    let (code, metrics) = {
        let token = server.login("admin", ADMIN_PASSWORD).await;
        let response = server
            .client
            .get(server.url("/metrics"))
            .bearer_auth(token)
            .send()
            .await
            .expect("metrics");
        (response.status(), response.text().await.expect("text"))
    };
    assert_eq!(code, StatusCode::OK);
    assert!(
        metrics.contains("tribune_encoder_jobs_waiting 0"),
        "{metrics}"
    );
}
