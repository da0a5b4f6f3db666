//! Several `tribune serve` processes on one PostgreSQL database, as operators run them behind a
//! load balancer. Needs `TRIBUNE_TEST_POSTGRES` (scripts/test.sh starts a throwaway cluster);
//! skips with a printed reason without it.

mod common;

use std::process::{Command, Stdio};

use common::{ADMIN_PASSWORD, Node};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tribune_store::testing::{POSTGRES_ENV, fresh_database};

const CLEAN: &str = "Protected lanes along the river would help the school run a lot.";

/// A node with the engine's first decision final: what the nodes share is under test here;
/// the encoder stage's jobs across nodes have their own test (encoder_jobs.rs).
async fn start_node(database: &str, client: &Client) -> Node {
    Node::start(
        database,
        ["--comments-per-minute", "4", "--no-encoder"],
        client,
    )
    .await
}

async fn call(
    client: &Client,
    method: reqwest::Method,
    url: String,
    body: Value,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(
    client: &Client,
    node: &Node,
    path: &str,
    body: Value,
    token: Option<&str>,
) -> (StatusCode, Value) {
    call(
        client,
        reqwest::Method::POST,
        format!("{}{path}", node.base),
        body,
        token,
    )
    .await
}

async fn comment(client: &Client, node: &Node, body: &str) -> (StatusCode, Value) {
    post(
        client,
        node,
        "/api/v1/articles/cycle-lanes/comments",
        json!({ "author_name": "Reader", "body": body }),
        None,
    )
    .await
}

async fn login(client: &Client, node: &Node, user: &str, password: &str) -> String {
    let (status, body) = post(
        client,
        node,
        "/api/v1/session",
        json!({ "username": user, "password": password }),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().expect("token").to_owned()
}

fn ids(body: &Value) -> Vec<i64> {
    body["comments"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["id"].as_i64()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn two_nodes_share_sessions_limits_settings_claims_and_decisions() {
    if std::env::var(POSTGRES_ENV).is_err() {
        eprintln!(
            "skipped: {POSTGRES_ENV} is not set (scripts/test.sh starts a PostgreSQL cluster for this)"
        );
        return;
    }
    let database = fresh_database().await.expect("database");
    let client = Client::new();
    let a = start_node(&database.url, &client).await;
    let b = start_node(&database.url, &client).await;

    // A session opened on one node works on the other.
    let admin = login(&client, &a, "admin", ADMIN_PASSWORD).await;
    let (status, _) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/api/v1/moderation/queue", b.base),
        Value::Null,
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // A policy setting changed on one node applies on the other at once.
    let (first_status, first) = comment(&client, &a, CLEAN).await;
    assert_eq!(
        (first_status, first["status"].as_str()),
        (StatusCode::ACCEPTED, Some("pending"))
    );
    let (status, _) = call(
        &client,
        reqwest::Method::PUT,
        format!("{}/api/v1/admin/settings", a.base),
        json!({ "auto_approve": true }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, on_b) = comment(&client, &b, &format!("{CLEAN} Both ends of the bridge.")).await;
    assert_eq!(on_b["status"], "approved", "{on_b}");
    call(
        &client,
        reqwest::Method::PUT,
        format!("{}/api/v1/admin/settings", b.base),
        json!({ "auto_approve": false }),
        Some(&admin),
    )
    .await;

    // The rate limit counts submissions on every node together (4 a minute here).
    assert_eq!(
        comment(&client, &a, &format!("{CLEAN} The market too."))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        comment(&client, &b, &format!("{CLEAN} And the school."))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    let (status, limited) = comment(&client, &a, CLEAN).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{limited}");

    // Two moderators claiming at once on different nodes never get the same comment.
    for name in ["ana", "ben"] {
        let output = Command::new(env!("CARGO_BIN_EXE_tribune"))
            .args([
                "user",
                "add",
                name,
                "--role",
                "moderator",
                "--password-stdin",
                "--database",
                &database.url,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(b"moderator-password\n")?;
                child.wait()
            })
            .expect("user add");
        assert!(output.success());
    }
    let ana = login(&client, &a, "ana", "moderator-password").await;
    let ben = login(&client, &b, "ben", "moderator-password").await;
    let (ana_claim, ben_claim) = tokio::join!(
        post(
            &client,
            &a,
            "/api/v1/moderation/claim",
            json!({ "limit": 2 }),
            Some(&ana)
        ),
        post(
            &client,
            &b,
            "/api/v1/moderation/claim",
            json!({ "limit": 2 }),
            Some(&ben)
        ),
    );
    let (ana_ids, ben_ids) = (ids(&ana_claim.1), ids(&ben_claim.1));
    assert_eq!(
        ana_ids.len() + ben_ids.len(),
        3,
        "three comments wait: {ana_ids:?} {ben_ids:?}"
    );
    assert!(
        ana_ids.iter().all(|id| !ben_ids.contains(id)),
        "{ana_ids:?} {ben_ids:?}"
    );

    // Concurrent decisions on one comment through different nodes: exactly one wins.
    let target = ana_ids
        .first()
        .or(ben_ids.first())
        .copied()
        .expect("a claimed comment");
    let path = format!("/api/v1/moderation/comments/{target}/decision");
    let (x, y) = tokio::join!(
        post(
            &client,
            &a,
            &path,
            json!({ "decision": "approve" }),
            Some(&ana)
        ),
        post(
            &client,
            &b,
            &path,
            json!({ "decision": "reject", "category": "off_topic" }),
            Some(&ben)
        ),
    );
    let mut statuses = [x.0, y.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{x:?} {y:?}"
    );
    let (_, history) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/api/v1/moderation/comments/{target}/decisions", a.base),
        Value::Null,
        Some(&admin),
    )
    .await;
    let people: Vec<&Value> = history["decisions"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|d| d["actor"]["kind"] == "user")
        .collect();
    assert_eq!(people.len(), 1, "{history}");
}

#[tokio::test]
async fn migrate_data_moves_an_embedded_instance_to_postgresql() {
    if std::env::var(POSTGRES_ENV).is_err() {
        eprintln!(
            "skipped: {POSTGRES_ENV} is not set (scripts/test.sh starts a PostgreSQL cluster for this)"
        );
        return;
    }
    let data = tempfile::tempdir().expect("temp dir");
    let article = data.path().join("a.txt");
    std::fs::write(&article, "Bridge reopens\n\nThe bridge reopened today.\n").expect("write");
    let import = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(["article", "import"])
        .arg(&article)
        .arg("--data")
        .arg(data.path())
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let target = fresh_database().await.expect("database");
    let from = format!("sqlite:{}", data.path().join("tribune.db").display());
    let moved = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(["migrate-data", "--from", &from, "--to", &target.url])
        .output()
        .expect("migrate-data");
    let report = String::from_utf8_lossy(&moved.stdout);
    assert!(
        moved.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    assert!(report.contains("Verified"), "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("articles") && l.split_whitespace().skip(1).all(|n| n == "1")),
        "{report}"
    );

    let again = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(["migrate-data", "--from", &from, "--to", &target.url])
        .output()
        .expect("migrate-data");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
