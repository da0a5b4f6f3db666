//! Durability of acknowledged comments: `tribune serve` killed with SIGKILL in the middle of a
//! stream of submissions, then every comment it answered 202 for must be in the database, once.
//! On SQLite (WAL, synchronous = FULL, group commit) by default; on PostgreSQL when
//! `TRIBUNE_TEST_POSTGRES` is set (scripts/test.sh).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tribune_store::Store;
use tribune_store::testing::{POSTGRES_ENV, fresh_database};

/// Kills the node even when an assertion fails.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(database: &str, port: u16) -> Node {
    Node(
        Command::new(env!("CARGO_BIN_EXE_tribune"))
            .args(["serve", "--database", database])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--comments-per-minute", "1000000"])
            .env("TRIBUNE_ADMIN_PASSWORD", "admin-password-for-tests")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tribune serve"),
    )
}

async fn wait_until_up(client: &Client, base: &str) {
    let started = Instant::now();
    while client
        .get(format!("{base}/api/v1/articles"))
        .send()
        .await
        .map_or(true, |r| r.status() != StatusCode::OK)
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the node did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An acknowledged submission: its key, its text and the id the server gave it.
struct Acknowledged {
    key: String,
    body: String,
    id: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_comment_survives_a_kill_9_mid_stream() {
    let backend = if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let database = fresh_database().await.expect("database");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut node = start(&database.url, port);
    wait_until_up(&client, &base).await;

    // Sixteen writers submit as fast as they can until the node dies under them.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let dead = Arc::new(AtomicBool::new(false));
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..16 {
        let (client, base) = (client.clone(), base.clone());
        let (acknowledged, dead) = (acknowledged.clone(), dead.clone());
        writers.spawn(async move {
            let mut mine = Vec::new();
            for n in 0.. {
                if dead.load(Ordering::SeqCst) && n > 0 {
                    break;
                }
                let key = format!("durable-{writer}-{n}");
                let body = format!("Comment {n} of writer {writer} about the river lanes.");
                let response = client
                    .post(format!("{base}/api/v1/articles/cycle-lanes/comments"))
                    .header("idempotency-key", &key)
                    .json(&json!({ "author_name": format!("Writer {writer}"), "body": body }))
                    .send()
                    .await;
                let Ok(response) = response else { break };
                if response.status() != StatusCode::ACCEPTED {
                    break;
                }
                let Ok(answer) = response.json::<Value>().await else {
                    break;
                };
                let Some(id) = answer["id"].as_i64() else {
                    break;
                };
                mine.push(Acknowledged { key, body, id });
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            (writer, mine)
        });
    }
    let streaming = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < 300 {
        assert!(
            streaming.elapsed() < Duration::from_secs(60),
            "only {} acknowledged",
            acknowledged.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL: no shutdown, no flush, whatever was in flight.
    node.0.kill().expect("kill -9");
    node.0.wait().expect("wait");
    dead.store(true, Ordering::SeqCst);
    let mut all = Vec::new();
    for (writer, mine) in writers.join_all().await {
        all.extend(mine.into_iter().map(|a| (writer, a)));
    }
    assert!(all.len() >= 300);

    let store = Store::connect(&database.url).await.expect("reopen");
    let mut missing = Vec::new();
    for (writer, ack) in &all {
        match store.comment(ack.id).await.expect("read") {
            Some(comment)
                if comment.body == ack.body
                    && comment.author_name == format!("Writer {writer}") => {}
            other => missing.push((ack.id, other.map(|c| c.body))),
        }
    }
    assert!(
        missing.is_empty(),
        "{backend}: {} of {} acknowledged comments lost or changed: {missing:?}",
        missing.len(),
        all.len()
    );

    // After a restart, retrying acknowledged submissions stores nothing twice.
    store.close().await;
    let _node = start(&database.url, port);
    wait_until_up(&client, &base).await;
    let store = Store::connect(&database.url).await.expect("reopen");
    let before = store.table_counts().await.expect("counts");
    for (writer, ack) in all.iter().step_by(25) {
        let response = client
            .post(format!("{base}/api/v1/articles/cycle-lanes/comments"))
            .header("idempotency-key", &ack.key)
            .json(&json!({ "author_name": format!("Writer {writer}"), "body": ack.body }))
            .send()
            .await
            .expect("retry");
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let answer: Value = response.json().await.expect("JSON");
        assert_eq!(answer["id"].as_i64(), Some(ack.id));
    }
    let after = store.table_counts().await.expect("counts");
    let comments = |counts: &[(&str, i64)]| {
        counts
            .iter()
            .find(|(t, _)| *t == "comments")
            .map(|(_, n)| *n)
    };
    assert_eq!(comments(&before), comments(&after));
    eprintln!(
        "{backend}: {} acknowledged before kill -9, all present; {} stored in all",
        all.len(),
        comments(&after).unwrap_or(0)
    );
}
