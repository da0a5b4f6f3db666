//! The encoder stage's jobs with the real binary and the real model (built with `--features
//! encoder`; the model folder from `TRIBUNE_ENCODER_MODEL`, which `scripts/test.sh` sets):
//! a node killed with SIGKILL while jobs wait loses none, and after a restart every waiting
//! comment gets its final decision exactly once; two nodes on one PostgreSQL run each job
//! once. Without the model the tests say why they skip, and fail under `CI=true`.
#![cfg(feature = "encoder")]

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Node, model_dir};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tribune_store::testing::{POSTGRES_ENV, fresh_database};
use tribune_store::{Actor, Store};

/// A node with the stage, its killed leases free again after 3 s so a restarted node takes
/// them over.
async fn start_node(database: &str, model: &Path, client: &Client) -> Node {
    let args: [&OsStr; 6] = [
        "--comments-per-minute".as_ref(),
        "1000000".as_ref(),
        "--encoder-model".as_ref(),
        model.as_os_str(),
        "--encoder-lease-secs".as_ref(),
        "3".as_ref(),
    ];
    Node::start(database, args, client).await
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
    let node = start_node(&database.url, &model, &client).await;
    let ids = post(&client, &[&node], 24, "before the kill").await;
    node.kill_9();
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
