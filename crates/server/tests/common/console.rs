//! What the console's browser tests and benchmark share: a moderator logged in through the
//! log-in page of a real browser, comments waiting in the queue, and waits on the page.

use std::time::Duration;

use serde_json::json;
use tribune_browser::Page;

use super::TestServer;

/// How long a page may take to show what a test waits for.
pub const WAIT: Duration = Duration::from_secs(10);

/// Logs in through the log-in form, as a moderator would.
pub async fn log_in(page: &Page, server: &TestServer, username: &str, password: &str) {
    page.goto(&server.url("/login")).await.expect("log-in page");
    let script = format!(
        "document.getElementById('username').value = {}; \
         document.getElementById('password').value = {}; \
         document.getElementById('password').form.submit(); true",
        json!(username),
        json!(password)
    );
    page.eval(&script).await.expect("submit the log-in form");
    page.wait_until(
        "location.pathname !== '/login' && document.readyState === 'complete'",
        WAIT,
    )
    .await
    .expect("logged in");
}

/// Opens the console (with a query string) and waits until its script has focused a card.
pub async fn open_console(page: &Page, server: &TestServer, query: &str) {
    page.goto(&server.url(&format!("/moderation{query}")))
        .await
        .expect("console");
    ready(page).await;
}

/// Waits until the console's script runs, a card has focus and no decision is on its way.
pub async fn ready(page: &Page) {
    page.wait_until(
        "window.tribuneReady && document.querySelector('.card.focused') && !document.querySelector('.card[data-busy]')",
        WAIT,
    )
    .await
    .expect("the console is ready with a focused card");
}

/// Posts comments through the API (the engine reads each) and returns their ids.
pub async fn post_comments(server: &TestServer, bodies: &[String]) -> Vec<i64> {
    let mut ids = Vec::new();
    for body in bodies {
        let answer = server.comment("cycle-lanes", body).await;
        ids.push(answer["id"].as_i64().expect("comment id"));
    }
    ids
}

/// The number of comments waiting.
pub async fn pending(server: &TestServer) -> i64 {
    server.store.queue_counts().await.expect("counts").pending
}

/// Clean comments that the engine sends to a person, each different.
pub fn clean_comments(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "Question {i}: will the protected lanes on street number {} open before the school term starts?",
                i * 7 + 3
            )
        })
        .collect()
}
