//! The moderator's cost, printed as figures (never asserted on time): keys and wall time per
//! decision in a scripted browser session, and the console's page time with 10 and with
//! 100,000 pending comments, on the backend the run asks for (SQLite, or PostgreSQL with
//! TRIBUNE_TEST_POSTGRES). Run by `scripts/bench-console.sh`:
//!
//!     cargo test -p tribune-server --test console_bench -- --ignored --nocapture

mod common;

use std::time::Instant;

use common::console::{WAIT, clean_comments, log_in, open_console, post_comments, ready};
use common::{ADMIN_PASSWORD, TestServer};
use tribune_browser::Browser;
use tribune_store::Backend;

fn summary(label: &str, mut millis: Vec<f64>) {
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((millis.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label}: n={} median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        millis.len(),
        at(0.5),
        at(0.9),
        at(1.0)
    );
}

fn backend_name(server: &TestServer) -> &'static str {
    match server.store.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    }
}

#[tokio::test]
#[ignore = "a benchmark: prints figures; run by scripts/bench-console.sh"]
async fn keys_and_time_per_decision_in_a_scripted_session() {
    let Some(browser) = Browser::launch_for_test("console_bench").await else {
        return;
    };
    let server = TestServer::start().await;
    // 15 clean comments to approve, 10 the engine flags as promotion to reject with `r`.
    let mut bodies = clean_comments(15);
    bodies.extend((0..10).map(|i| {
        format!("Cheap parking passes for sale, number {i}, ask at the kiosk by the lanes")
    }));
    post_comments(&server, &bodies).await;
    let page = browser.new_page().await.expect("page");
    log_in(&page, &server, "admin", ADMIN_PASSWORD).await;
    open_console(&page, &server, "").await;
    let mut keys = 0;
    let mut wall = Vec::new();
    let (mut approvals, mut rejections) = (0, 0);
    for _ in 0..24 {
        ready(&page).await;
        let focused = page
            .eval("document.querySelector('.card.focused').dataset.id + ' ' + document.querySelector('.card.focused').dataset.suggested")
            .await
            .expect("focused");
        let focused = focused.as_str().unwrap_or_default().to_owned();
        let (id, suggested) = focused.split_once(' ').unwrap_or((&focused, ""));
        let key = if suggested.is_empty() { "a" } else { "r" };
        if key == "a" {
            approvals += 1;
        } else {
            rejections += 1;
        }
        let started = Instant::now();
        page.press(key).await.expect("key");
        keys += 1;
        page.wait_until(
            &format!(
                "document.querySelector('.card.focused') && document.querySelector('.card.focused').dataset.id !== '{id}'"
            ),
            WAIT,
        )
        .await
        .expect("the next card takes focus");
        wall.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let in_page: Vec<f64> = page
        .eval("window.tribuneTimings")
        .await
        .expect("timings")
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default();
    println!(
        "\n[{}] scripted session: {approvals} approvals and {rejections} rejections in {keys} keys ({:.2} keys per decision)",
        backend_name(&server),
        keys as f64 / (approvals + rejections) as f64
    );
    summary(
        "  key to next card, in the page (keydown to focus)",
        in_page,
    );
    summary(
        "  key to next card, seen from the test (CDP round trips included)",
        wall,
    );
}

/// Fills the queue with `n` pending comments by SQL (the schema's triggers index them).
async fn seed_pending(server: &TestServer, n: i64) {
    let article = server
        .store
        .article_by_slug("cycle-lanes")
        .await
        .expect("read")
        .expect("demo article")
        .id;
    let now = tribune_store::now_millis();
    // The numbers 1..=n as rows `n(i)`, in each backend's way.
    let (with, from) = match server.store.backend() {
        Backend::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) "
            ),
            "FROM n".to_owned(),
        ),
        Backend::Postgres => (
            String::new(),
            format!("FROM generate_series(1, {n}) AS n(i)"),
        ),
    };
    server
        .store
        .execute_raw(&format!(
            "{with}INSERT INTO comments (article_id, author_name, body, created_at) \
             SELECT {article}, 'Bench reader ' || i, 'Benchmark comment number ' || i || ' on the cycle lanes', {now} - i {from}"
        ))
        .await
        .expect("comments");
    server
        .store
        .execute_raw(
            "INSERT INTO decisions (comment_id, decision, actor_kind, actor, risk, created_at) \
             SELECT id, 'review', 'engine', 'bench', (id % 997) / 997.0, created_at FROM comments \
             WHERE author_name LIKE 'Bench reader %'",
        )
        .await
        .expect("decisions");
    if server.store.backend() == Backend::Postgres {
        // What autovacuum would do within the minute after such a bulk load.
        server.store.execute_raw("ANALYZE").await.expect("analyze");
    }
}

async fn page_times(server: &TestServer, session: &str, label: &str) {
    let get = |path: String| {
        let request = server
            .client
            .get(server.url(&path))
            .header("cookie", session);
        async move {
            let started = Instant::now();
            let html = request
                .send()
                .await
                .expect("GET")
                .text()
                .await
                .expect("html");
            (started.elapsed().as_secs_f64() * 1000.0, html)
        }
    };
    let mut first = Vec::new();
    let mut deeper = Vec::new();
    let mut next = "/moderation".to_owned();
    for round in 0..12 {
        let (ms, html) = get(next.clone()).await;
        if round > 1 {
            // The first rounds warm the caches.
            if next == "/moderation" {
                first.push(ms);
            } else {
                deeper.push(ms);
            }
        }
        let marker = "id=\"next-page\" href=\"";
        next = match html.find(marker) {
            Some(at) if round % 3 != 2 => html[at + marker.len()..]
                .split('"')
                .next()
                .unwrap_or("/moderation")
                .replace("&#38;", "&"),
            _ => "/moderation".to_owned(),
        };
    }
    summary(&format!("  {label}: first page"), first);
    if !deeper.is_empty() {
        summary(&format!("  {label}: next pages by cursor"), deeper);
    }
    let mut api = Vec::new();
    for round in 0..6 {
        let started = Instant::now();
        let response = server
            .client
            .get(server.url("/api/v1/moderation/queue?limit=25"))
            .header("cookie", session)
            .send()
            .await
            .expect("GET");
        response.bytes().await.expect("body");
        if round > 0 {
            api.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    summary(
        &format!("  {label}: GET /api/v1/moderation/queue?limit=25"),
        api,
    );
    let started = Instant::now();
    let counts = server.store.queue_counts().await.expect("counts");
    println!(
        "  {label}: counts alone {:.1} ms ({} pending)",
        started.elapsed().as_secs_f64() * 1000.0,
        counts.pending
    );
}

#[tokio::test]
#[ignore = "a benchmark: prints figures; run by scripts/bench-console.sh"]
async fn queue_page_time_with_10_and_with_100000_pending() {
    let server = TestServer::start().await;
    post_comments(&server, &clean_comments(10)).await;
    let session = server.form_login("admin", ADMIN_PASSWORD).await;
    println!(
        "\n[{}] console page (25 cards, debug build unless run --release)",
        backend_name(&server)
    );
    page_times(&server, &session, "10 pending").await;
    let started = Instant::now();
    seed_pending(&server, 100_000).await;
    println!(
        "  seeded 100,000 pending comments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    page_times(&server, &session, "100,010 pending").await;
}
