//! A node whose PostgreSQL restarts: it answers 503 meanwhile, recovers on its own, and a
//! client retrying with its idempotency key stores its comment exactly once.
//! Needs `TRIBUNE_TEST_PG_STOP` and `TRIBUNE_TEST_PG_START` (shell commands that stop and start
//! a cluster of its own, set by scripts/test.sh) and `TRIBUNE_TEST_POSTGRES` for that cluster.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tribune_store::testing::fresh_database;

/// Kills the node even when an assertion fails.
struct Node(std::process::Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn shell(variable: &str) -> Option<String> {
    std::env::var(variable).ok().filter(|v| !v.is_empty())
}

fn run(command: &str) {
    let status = Command::new("bash")
        .args(["-c", command])
        .status()
        .expect("run shell command");
    assert!(status.success(), "{command} failed");
}

#[tokio::test]
async fn a_database_restart_answers_503_then_recovers_without_losing_or_doubling_a_comment() {
    let (Some(stop), Some(start)) = (
        shell("TRIBUNE_TEST_PG_STOP"),
        shell("TRIBUNE_TEST_PG_START"),
    ) else {
        eprintln!(
            "skipped: TRIBUNE_TEST_PG_STOP/START are not set (scripts/test.sh runs this with a cluster of its own)"
        );
        return;
    };
    let database = fresh_database().await.expect("database");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let _node = Node(
        Command::new(env!("CARGO_BIN_EXE_tribune"))
            .args([
                "serve",
                "--database",
                &database.url,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("TRIBUNE_ADMIN_PASSWORD", "admin-password-for-tests")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = Client::new();
    let submit = |key: &'static str| {
        let client = client.clone();
        let url = format!("{base}/api/v1/articles/cycle-lanes/comments");
        async move {
            let response = client
                .post(url)
                .header("idempotency-key", key)
                .json(&json!({ "author_name": "Reader", "body": "The bridge plan needs a second look." }))
                .send()
                .await;
            match response {
                Ok(r) => {
                    let status = r.status();
                    (status, r.json::<Value>().await.unwrap_or(Value::Null))
                }
                Err(_) => (StatusCode::BAD_GATEWAY, Value::Null),
            }
        }
    };
    let ready = Instant::now();
    while submit("before-restart").await.0 != StatusCode::ACCEPTED {
        assert!(
            ready.elapsed() < Duration::from_secs(15),
            "node did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    run(&stop);
    let (status, body) = submit("during-restart").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "database_unavailable");
    run(&start);

    // The client retries with the same key until the node answers again.
    let recovering = Instant::now();
    let first = loop {
        let (status, body) = submit("during-restart").await;
        if status == StatusCode::ACCEPTED {
            break body;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(
            recovering.elapsed() < Duration::from_secs(30),
            "no recovery"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let (status, again) = submit("during-restart").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        first["id"], again["id"],
        "a retried submission is stored once"
    );

    let store = tribune_store::Store::connect(&database.url)
        .await
        .expect("connect");
    let counts = store.table_counts().await.expect("counts");
    assert!(counts.contains(&("comments", 2)), "{counts:?}");
}
