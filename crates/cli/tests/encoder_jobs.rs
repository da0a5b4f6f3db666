//! The encoder stage's jobs with the real binary and the real model (built with `--features
//! encoder`; the model folder from `TRIBUNE_ENCODER_MODEL`, which `scripts/test.sh` sets):
//! a node killed with SIGKILL while jobs wait loses none, and after a restart every waiting
//! comment gets its final decision exactly once; two nodes on one PostgreSQL run each job
//! once. Without the model the tests say why they skip, and fail under `CI=true`.
#![cfg(feature = "encoder")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tribune_store::testing::{POSTGRES_ENV, fresh_database};
use tribune_store::{Actor, Store};

fn model_dir() -> Option<PathBuf> {
    match std::env::var_os("TRIBUNE_ENCODER_MODEL").map(PathBuf::from) {
        Some(dir) if dir.join("e5-small-q4.bin").is_file() => Some(dir),
        named => {
            let reason = format!(
                "TRIBUNE_ENCODER_MODEL ({named:?}) names no model folder: run scripts/fetch-encoder.sh DIR"
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true: {reason}"
            );
            eprintln!("skipped: {reason}");
            None
        }
    }
}

/// A running node; killed when dropped.
struct Node {
    child: Child,
    base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_node(database: &str, model: &Path, client: &Client) -> Node {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(["serve", "--database", database])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--comments-per-minute", "1000000"])
        .arg("--encoder-model")
        .arg(model)
        // A killed node's leases come free quickly, so the restarted one takes them over.
        .args(["--encoder-lease-secs", "3"])
        .env("TRIBUNE_ADMIN_PASSWORD", "admin-password-for-tests")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tribune serve");
    let node = Node {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    loop {
        let response = client
            .get(format!("{}/api/v1/articles", node.base))
            .send()
            .await;
        if response.is_ok_and(|r| r.status() == StatusCode::OK) {
            return node;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the node on port {port} did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const TEXTS: [&str; 6] = [
    "The new cycle lanes made my commute safer.",
    "Köprü sonunda onarıldı, teşekkürler.",
    "هذا المقال مفيد جدا للجميع.",
    "این تصمیم شورا را نمی‌فهمم.",
    "The council should publish the whole budget before the vote.",
    "Ev biryar ji bo bajêr baş e.",
];

/// Posts `n` comments to `node` (in turn to each node given) and returns their ids.
async fn post(client: &Client, nodes: &[&Node], n: usize, tag: &str) -> Vec<i64> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let node = nodes[i % nodes.len()];
        let body = format!("{} ({tag} {i})", TEXTS[i % TEXTS.len()]);
        let response = client
            .post(format!(
                "{}/api/v1/articles/cycle-lanes/comments",
                node.base
            ))
            .json(&json!({ "author_name": "Reader", "body": body }))
            .send()
            .await
            .expect("submit");
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let answer: Value = response.json().await.expect("JSON");
        assert_eq!(answer["checking"], true, "{answer}");
        ids.push(answer["id"].as_i64().expect("id"));
    }
    ids
}

async fn wait_for_no_jobs(store: &Store, within: Duration) {
    let started = Instant::now();
    loop {
        let stats = store.encoder_job_stats().await.expect("stats");
        if stats.waiting == 0 {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{} encoder jobs still wait after {within:?}",
            stats.waiting
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every comment has its first decision and exactly one final decision by the stage.
async fn each_decided_once_by_the_stage(store: &Store, ids: &[i64]) {
    for &id in ids {
        let decisions = store.decisions(id).await.expect("history");
        assert_eq!(decisions.len(), 2, "comment {id}: {decisions:?}");
        match &decisions[1].actor {
            Actor::Engine(name) => {
                assert!(
                    name.contains("multilingual-e5-small"),
                    "comment {id}: {name}"
                )
            }
            other => panic!("comment {id} was decided by {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_kill_9_while_jobs_wait_every_comment_gets_its_final_decision_once() {
    let Some(model) = model_dir() else { return };
    let database = fresh_database().await.expect("database");
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut node = start_node(&database.url, &model, &client).await;
    let ids = post(&client, &[&node], 24, "before the kill").await;
    node.child.kill().expect("SIGKILL");
    node.child.wait().expect("reaped");
    let store = Store::connect(&database.url).await.expect("store");
    let waiting = store.encoder_job_stats().await.expect("stats").waiting;
    assert!(waiting > 0, "the node read every job before it was killed");
    let _restarted = start_node(&database.url, &model, &client).await;
    wait_for_no_jobs(&store, Duration::from_secs(240)).await;
    each_decided_once_by_the_stage(&store, &ids).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgresql_run_each_job_once() {
    if std::env::var(POSTGRES_ENV).map_or(true, |v| v.is_empty()) {
        // The PostgreSQL pass of scripts/test.sh runs this binary again with a cluster.
        let reason = format!(
            "{POSTGRES_ENV} is not set: no PostgreSQL to share (scripts/test.sh runs this again on its cluster)"
        );
        eprintln!("skipped: {reason}");
        return;
    }
    let Some(model) = model_dir() else { return };
    let database = fresh_database().await.expect("database");
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let a = start_node(&database.url, &model, &client).await;
    let b = start_node(&database.url, &model, &client).await;
    let ids = post(&client, &[&a, &b], 30, "shared").await;
    let store = Store::connect(&database.url).await.expect("store");
    wait_for_no_jobs(&store, Duration::from_secs(240)).await;
    each_decided_once_by_the_stage(&store, &ids).await;
}
