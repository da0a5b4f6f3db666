//! The attacks of "hold under abuse" (issue 10), each as a probe against the real server on a
//! loopback port, bounded in count and time. They run on SQLite and again on PostgreSQL
//! (scripts/test.sh). Speed goals live in `scripts/load-*.sh`, not here: these assert what
//! the server answers and stores.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{ADMIN_PASSWORD, TestServer, cookie_set, csrf_field, error_code};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, LOCATION, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};
use tribune_server::ServerConfig;

const CLEAN: &str = "Protected lanes along the river would help the school run a lot.";
const COMMENTS: &str = "/api/v1/articles/cycle-lanes/comments";

fn behind_proxy(config: ServerConfig) -> ServerConfig {
    ServerConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")],
        ..config
    }
}

/// A POST of JSON from `client_addr` (through the trusted loopback proxy).
async fn post_as(
    server: &TestServer,
    path: &str,
    body: &Value,
    client_addr: &str,
) -> reqwest::Response {
    server
        .client
        .post(server.url(path))
        .header("x-forwarded-for", client_addr)
        .json(body)
        .send()
        .await
        .expect("POST")
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn stored_comments(server: &TestServer) -> i64 {
    let counts = server.store.table_counts().await.expect("counts");
    counts
        .iter()
        .find(|(table, _)| *table == "comments")
        .map(|(_, n)| *n)
        .unwrap_or(-1)
}

// Finding 2: NUL and other control characters.

#[tokio::test]
async fn control_characters_are_refused_at_the_edge_naming_the_field() {
    let server = TestServer::start().await;
    let cases = [
        (
            json!({ "author_name": "A", "body": "nul \u{0} inside" }),
            "body",
        ),
        (
            json!({ "author_name": "A", "body": "escape \u{1b}[31m" }),
            "body",
        ),
        (
            json!({ "author_name": "A\u{0}", "body": CLEAN }),
            "author_name",
        ),
        (
            json!({ "author_name": "A", "author_email": "a\u{0}@example.org", "body": CLEAN }),
            "author_email",
        ),
    ];
    for (body, field) in &cases {
        let (status, answer) = server.post_json(COMMENTS, body, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(error_code(&answer), "control_character", "{answer}");
        assert_eq!(answer["error"]["field"], *field, "{answer}");
    }
    for path in [
        "/api/v1/articles/cycle%00lanes/comments",
        "/articles/cycle%00lanes",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            response.text().await.expect("body").contains("slug"),
            "{path}"
        );
    }
    let (status, answer) = server
        .post_json(
            "/api/v1/articles/cycle%00lanes/comments",
            &json!({ "author_name": "A", "body": CLEAN }),
            None,
        )
        .await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("slug"))
    );
    let (status, answer) = server
        .post_json(
            "/api/v1/session",
            &json!({ "username": "admin\u{0}", "password": "x" }),
            None,
        )
        .await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("username"))
    );

    // The form, and the log-in form.
    let (cookie, csrf) = server.form_token("/articles/cycle-lanes").await;
    let response = server
        .post_form(
            "/articles/cycle-lanes/comments",
            &cookie,
            &[
                ("csrf", csrf.as_str()),
                ("author_name", "Dana"),
                ("body", "a form with a \u{0} in it"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("body: contains the control character")
    );
    let (cookie, csrf) = server.form_token("/login").await;
    let response = server
        .post_form(
            "/login",
            &cookie,
            &[
                ("csrf", csrf.as_str()),
                ("username", "ad\u{0}min"),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // A moderator's note too.
    let posted = server.comment("cycle-lanes", CLEAN).await;
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, answer) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{}/decision", posted["id"]),
            &json!({ "decision": "reject", "category": "other", "note": "see \u{0}" }),
            Some(&admin),
        )
        .await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("note"))
    );
    assert_eq!(
        stored_comments(&server).await,
        1,
        "only the clean comment is stored"
    );
}

// Finding 3: log-in floods.

#[tokio::test]
async fn a_log_in_flood_is_answered_busy_beyond_the_hashing_cap_while_pages_are_served() {
    let server = TestServer::with_config(behind_proxy(ServerConfig {
        logins_per_minute: 1000,
        login_failures_per_account: 1000,
        password_hashers: 1,
        ..ServerConfig::default()
    }))
    .await;
    let attempts = 48;
    let mut flood = tokio::task::JoinSet::new();
    for n in 0..attempts {
        let request = server
            .client
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .json(&json!({ "username": format!("guess{n}"), "password": "not-the-password" }));
        flood.spawn(async move {
            let response = request.send().await.expect("POST");
            let retry = response.headers().get(RETRY_AFTER).is_some();
            let (status, body) = json_of(response).await;
            (status, error_code(&body).to_owned(), retry)
        });
    }
    // Public pages answer meanwhile (hashing runs off the async workers).
    let page = server.get("/articles/cycle-lanes").await;
    assert_eq!(page.status(), StatusCode::OK);
    let results = flood.join_all().await;
    let busy = results
        .iter()
        .filter(|(status, code, retry)| {
            *status == StatusCode::SERVICE_UNAVAILABLE && code == "busy" && *retry
        })
        .count();
    let refused = results
        .iter()
        .filter(|(status, _, _)| *status == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(busy + refused, attempts, "{results:?}");
    assert!(
        busy > 0,
        "one hasher and a short queue must turn some away: {results:?}"
    );
    assert!(refused > 0, "{results:?}");
}

// Finding 4: idempotency keys.

#[tokio::test]
async fn an_idempotency_key_reused_by_another_client_never_returns_the_first_comment() {
    let server = TestServer::start().await;
    let send = |name: &'static str, body: &'static str| {
        server
            .client
            .post(server.url(COMMENTS))
            .header("idempotency-key", "guessable-key-1")
            .json(&json!({ "author_name": name, "body": body }))
            .send()
    };
    let (status, first) = json_of(
        send("Victim", "The victim's private words.")
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, second) = json_of(
        send("Mallory", "Someone else entirely.")
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(
        (status, error_code(&second)),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
        "{second}"
    );
    assert!(
        second.get("token").is_none() && second.get("id").is_none(),
        "{second}"
    );
    assert!(!second.to_string().contains("private words"));
    // The same text under another name is still another client's comment.
    let (status, _) = json_of(
        send("Mallory", "The victim's private words.")
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The victim's own retry is still answered with the victim's comment.
    let (status, retry) = json_of(
        send("Victim", "The victim's private words.")
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!((status, &retry["id"]), (StatusCode::ACCEPTED, &first["id"]));
    assert_eq!(stored_comments(&server).await, 1);
}

// Finding 6: slow requests; the request log's ids.

#[tokio::test]
async fn slow_headers_and_slow_bodies_are_cut_off() {
    let server = TestServer::with_config(ServerConfig {
        header_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    })
    .await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let probe = move |bytes: &'static [u8]| {
        let addr = addr.clone();
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            stream.write_all(bytes).expect("write");
            let mut answer = Vec::new();
            // Returns when the server closes the connection; errors if it is still open
            // after ten seconds.
            stream.read_to_end(&mut answer).map(|_| answer)
        })
    };
    let half_headers = probe(b"GET /api/v1/articles HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    let half_body = probe(
        b"POST /api/v1/articles/cycle-lanes/comments HTTP/1.1\r\nHost: x\r\n\
          Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"author_name\":",
    );
    let headers = half_headers.await.expect("probe");
    assert!(
        headers.is_ok(),
        "a connection sending half its headers stays open: {headers:?}"
    );
    let body = half_body
        .await
        .expect("probe")
        .expect("a connection sending half its body stays open");
    let body = String::from_utf8_lossy(&body);
    assert!(body.starts_with("HTTP/1.1 408"), "{body}");
    assert!(body.contains("request_timeout"), "{body}");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let server = TestServer::start().await;
    let response = server.get("/api/v1/articles").await;
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    assert_eq!(id.len(), 36, "{id}");
    let echoed = server
        .client
        .get(server.url("/no-such-page"))
        .header("x-request-id", "from-the-load-balancer-42")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        echoed.headers()["x-request-id"],
        "from-the-load-balancer-42"
    );
}

// Finding 7 and the trusted proxy.

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let limit = |trusted: bool| {
        let config = ServerConfig {
            comments_per_minute: 2,
            ..ServerConfig::default()
        };
        if trusted {
            behind_proxy(config)
        } else {
            config
        }
    };
    let direct = TestServer::with_config(limit(false)).await;
    let body = json!({ "author_name": "A", "body": CLEAN });
    let mut statuses = Vec::new();
    for n in 0..3 {
        statuses.push(
            post_as(&direct, COMMENTS, &body, &format!("203.0.113.{n}"))
                .await
                .status(),
        );
    }
    // Without a trusted proxy the header is the client's own claim: all three are 127.0.0.1.
    assert_eq!(
        statuses,
        [
            StatusCode::ACCEPTED,
            StatusCode::ACCEPTED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let proxied = TestServer::with_config(limit(true)).await;
    for n in 0..3 {
        let status = post_as(&proxied, COMMENTS, &body, &format!("203.0.113.{n}"))
            .await
            .status();
        assert_eq!(status, StatusCode::ACCEPTED, "client {n} has its own limit");
    }
    // A client cannot pick its address: the proxy's entry is the rightmost.
    for _ in 0..2 {
        post_as(&proxied, COMMENTS, &body, "203.0.113.50").await;
    }
    let forged = post_as(&proxied, COMMENTS, &body, "10.9.9.9, 203.0.113.50").await;
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn password_guessing_is_limited_per_account_while_the_moderator_still_gets_in() {
    let server = TestServer::with_config(behind_proxy(ServerConfig {
        logins_per_minute: 3,
        login_failures_per_account: 5,
        ..ServerConfig::default()
    }))
    .await;
    let login = |addr: String, password: &'static str, device: Option<String>| {
        let mut request = server
            .client
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", addr)
            .json(&json!({ "username": "admin", "password": password }));
        if let Some(device) = device {
            request = request.header("cookie", device);
        }
        request.send()
    };
    // The moderator has logged in from their browser before.
    let first = login("192.0.2.1".into(), ADMIN_PASSWORD, None)
        .await
        .expect("POST");
    assert_eq!(first.status(), StatusCode::OK);
    let device = cookie_set(&first, "tribune_device").expect("the browser is remembered");

    // Twenty addresses guess, one guess each.
    let mut answers = Vec::new();
    for n in 0..20 {
        let response = login(format!("198.51.100.{n}"), "guess-123456", None)
            .await
            .expect("POST");
        let retry = response.headers().get(RETRY_AFTER).cloned();
        let (status, body) = json_of(response).await;
        answers.push((status, error_code(&body).to_owned(), retry));
    }
    let wrong = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(wrong, 5, "five guesses are checked, then none: {answers:?}");
    assert!(
        answers[5..].iter().all(
            |(status, code, retry)| *status == StatusCode::TOO_MANY_REQUESTS
                && code == "login_throttled"
                && retry.is_some()
        ),
        "{answers:?}"
    );
    // The right password from a browser the account does not know waits like the guesses...
    let stranger = login("192.0.2.77".into(), ADMIN_PASSWORD, None)
        .await
        .expect("POST");
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...but the moderator's own browser gets in at once, from any address.
    let moderator = login("192.0.2.99".into(), ADMIN_PASSWORD, Some(device.clone()))
        .await
        .expect("POST");
    assert_eq!(moderator.status(), StatusCode::OK);
    assert!(
        cookie_set(&moderator, "tribune_device").is_none(),
        "already known"
    );

    // One address is limited on its own as well.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            login("192.0.2.200".into(), "x", Some(device.clone()))
                .await
                .expect("POST")
                .status(),
        );
    }
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

// Load shedding.

#[tokio::test]
async fn past_its_concurrency_limit_the_server_sheds_at_once_with_retry_after() {
    let server = TestServer::with_config(behind_proxy(ServerConfig {
        max_concurrent_requests: 2,
        logins_per_minute: 1000,
        login_failures_per_account: 1000,
        password_hashers: 1,
        ..ServerConfig::default()
    }))
    .await;
    let mut burst = tokio::task::JoinSet::new();
    for n in 0..30 {
        let request = server
            .client
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .json(&json!({ "username": "admin", "password": format!("wrong-{n}") }));
        burst.spawn(async move {
            let response = request.send().await.expect("POST");
            let retry = response.headers().get(RETRY_AFTER).is_some();
            let (status, body) = json_of(response).await;
            (status, error_code(&body).to_owned(), retry)
        });
    }
    let results = burst.join_all().await;
    let shed = results
        .iter()
        .filter(|(status, code, retry)| {
            *status == StatusCode::SERVICE_UNAVAILABLE && code == "overloaded" && *retry
        })
        .count();
    assert!(shed > 0, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(status, code, _)| *status == StatusCode::UNAUTHORIZED
                || (*status == StatusCode::SERVICE_UNAVAILABLE
                    && (code == "overloaded" || code == "busy"))),
        "{results:?}"
    );
}

// Metrics.

#[tokio::test]
async fn metrics_are_for_admins_and_show_what_an_operator_needs() {
    let server = TestServer::with_config(ServerConfig {
        comments_per_minute: 1,
        ..ServerConfig::default()
    })
    .await;
    server.comment("cycle-lanes", CLEAN).await;
    let (status, _) = server
        .post_json(
            COMMENTS,
            &json!({ "author_name": "A", "body": CLEAN }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let anonymous = server.get("/metrics").await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let response = server
        .client
        .get(server.url("/metrics"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/plain"))
    );
    let text = response.text().await.expect("text");
    for expected in [
        "tribune_http_requests_total{route=\"/api/v1/articles/{slug}/comments\",method=\"POST\",status=\"202\"}",
        "tribune_http_request_duration_seconds_bucket{route=\"/api/v1/articles/{slug}/comments\"",
        "tribune_queue_pending 1",
        "tribune_queue_oldest_pending_age_seconds",
        "tribune_engine_decisions_total{decision=\"review\"",
        "language=\"en\"",
        "tribune_rate_limited_total{limit=\"comment_address\"}",
        "tribune_db_pool_connections{state=\"open\"}",
        "tribune_password_hashes{state=\"running\"}",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }

    // Its own address serves it to a scraper without a session.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(tribune_server::serve_metrics(
        listener,
        server.app.clone(),
        std::future::pending(),
    ));
    let scraped = server
        .client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .expect("GET");
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(
        scraped
            .text()
            .await
            .expect("text")
            .contains("tribune_queue_pending")
    );
}

// Finding 9: the smaller items.

#[tokio::test]
async fn every_api_error_is_json_with_a_code_and_a_message() {
    let server = TestServer::start().await;
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let oversized = json!({ "author_name": "A", "body": "x".repeat(70 * 1024) });
    let requests = [
        server.client.get(server.url("/api/v1/session")),
        server.client.put(server.url("/api/v1/session")),
        server
            .client
            .get(server.url("/api/v1/moderation/queue?limit=many"))
            .bearer_auth(&admin),
        server.client.post(server.url(COMMENTS)).json(&oversized),
        server
            .client
            .post(server.url(COMMENTS))
            .body("author_name=A"),
        server.client.get(server.url("/api/v1/nothing/here")),
        server.client.get(server.url("/api/v1/comments/%FF%FE")),
    ];
    for request in requests {
        let response = request.send().await.expect("request");
        let status = response.status();
        let url = response.url().clone();
        assert!(status.is_client_error(), "{url}: {status}");
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(
            body["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
                && body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
            "{url} {status}: {body}"
        );
    }
    // Pages answer errors as pages.
    let response = server
        .client
        .put(server.url("/login"))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html"))
    );
}

#[tokio::test]
async fn a_rate_limited_answer_says_when_to_retry() {
    let server = TestServer::with_config(ServerConfig {
        comments_per_minute: 1,
        ..ServerConfig::default()
    })
    .await;
    server.comment("cycle-lanes", CLEAN).await;
    let response = server
        .client
        .post(server.url(COMMENTS))
        .json(&json!({ "author_name": "A", "body": CLEAN }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = response.headers()[RETRY_AFTER]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=120).contains(&seconds), "{seconds}");
}

#[tokio::test]
async fn pages_and_answers_that_carry_tokens_are_never_cached() {
    let server = TestServer::start().await;
    let (status, posted) = json_of(
        server
            .client
            .post(server.url(COMMENTS))
            .json(&json!({ "author_name": "A", "body": CLEAN }))
            .send()
            .await
            .expect("POST"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let paths = [
        "/".to_owned(),
        "/articles/cycle-lanes".to_owned(),
        "/login".to_owned(),
        format!(
            "/api/v1/comments/{}?token={}",
            posted["id"],
            posted["token"].as_str().expect("token")
        ),
        "/api/v1/moderation/queue".to_owned(),
    ];
    for path in paths {
        let response = server
            .client
            .get(server.url(&path))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("GET");
        assert_eq!(
            response
                .headers()
                .get(CACHE_CONTROL)
                .map(|v| v.to_str().unwrap_or("")),
            Some("no-store"),
            "{path}"
        );
    }
    let login = server
        .client
        .post(server.url("/api/v1/session"))
        .json(&json!({ "username": "admin", "password": ADMIN_PASSWORD }))
        .send()
        .await
        .expect("POST");
    assert_eq!(login.headers()[CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn the_status_token_never_sits_in_a_page_address() {
    let server = TestServer::start().await;
    let (cookie, csrf) = server.form_token("/articles/cycle-lanes").await;
    let posted = server
        .post_form(
            "/articles/cycle-lanes/comments",
            &cookie,
            &[
                ("csrf", csrf.as_str()),
                ("author_name", "Dana"),
                ("body", CLEAN),
            ],
        )
        .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let location = posted.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        !location.contains('?') && !location.contains("token"),
        "{location}"
    );
    let id: i64 = location
        .trim_start_matches("/comments/")
        .parse()
        .expect("id");
    let set = posted
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("tribune_comment_{id}=")))
        .expect("the token travels in a cookie")
        .to_owned();
    assert!(
        set.contains(&format!("Path=/comments/{id}")) && set.contains("HttpOnly"),
        "{set}"
    );
    let status_cookie = set.split(';').next().expect("pair").to_owned();
    let token = status_cookie.split('=').nth(1).expect("value").to_owned();

    let page = server
        .client
        .get(server.url(&location))
        .header("cookie", &status_cookie)
        .send()
        .await
        .expect("GET");
    assert_eq!(page.headers()[REFERRER_POLICY], "no-referrer");
    let html = page.text().await.expect("html");
    assert!(html.contains("awaits moderation"), "{html}");
    assert!(
        html.contains(&format!("/comments/{id}#token={token}")),
        "the private link keeps it in the fragment"
    );

    // Without the cookie the page asks for the link; the fragment's token opens it by POST.
    let bare = server.get(&location).await;
    assert_eq!(bare.status(), StatusCode::OK);
    let bare_cookie = cookie_set(&bare, "tribune_csrf").expect("csrf cookie");
    let bare_html = bare.text().await.expect("html");
    assert!(!bare_html.contains("awaits moderation"));
    let opened = server
        .client
        .post(server.url(&location))
        .header("cookie", &bare_cookie)
        .form(&[
            ("csrf", csrf_field(&bare_html).as_str()),
            ("token", token.as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()[LOCATION], location.as_str());
    assert!(cookie_set(&opened, &format!("tribune_comment_{id}")).is_some());
    let wrong = server
        .client
        .post(server.url(&location))
        .header("cookie", &bare_cookie)
        .form(&[
            ("csrf", csrf_field(&bare_html).as_str()),
            ("token", "0".repeat(64).as_str()),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);

    // An old link with ?token= still works, and leaves the address at once.
    let old = server.get(&format!("{location}?token={token}")).await;
    assert_eq!(old.status(), StatusCode::SEE_OTHER);
    assert_eq!(old.headers()[LOCATION], location.as_str());
    assert_eq!(old.headers()[REFERRER_POLICY], "no-referrer");

    // The API keeps its token query for clients, and its link keeps the token out of requests.
    let api = server.comment("cycle-lanes", CLEAN).await;
    assert!(
        api["status_url"]
            .as_str()
            .is_some_and(|u| u.contains("#token=")),
        "{api}"
    );
    let (status, _) = server
        .get_json(
            &format!(
                "/api/v1/comments/{}?token={}",
                api["id"],
                api["token"].as_str().expect("token")
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_claim_stops_other_moderators_deciding() {
    let server = TestServer::start().await;
    let posted = server.comment("cycle-lanes", CLEAN).await;
    let [ana, ben] =
        <[String; 2]>::try_from(server.moderators(&["ana", "ben"]).await).expect("two moderators");
    let (status, claimed) = server
        .post_json(
            "/api/v1/moderation/claim",
            &json!({ "limit": 1 }),
            Some(&ana),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(claimed["comments"][0]["id"], posted["id"]);
    let path = format!("/api/v1/moderation/comments/{}/decision", posted["id"]);
    let (status, body) = server
        .post_json(&path, &json!({ "decision": "approve" }), Some(&ben))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "claimed_by_other"),
        "{body}"
    );
    let (status, body) = server
        .post_json(
            &path,
            &json!({ "decision": "reject", "category": "other", "overturn": true }),
            Some(&ben),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "claimed_by_other"),
        "{body}"
    );
    let (status, _) = server
        .post_json(&path, &json!({ "decision": "approve" }), Some(&ana))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn direction_controls_in_names_are_refused_and_names_are_isolated_on_pages() {
    let server = TestServer::start().await;
    let (status, body) = server
        .post_json(
            COMMENTS,
            &json!({ "author_name": "Dana\u{202E}gnp.exe", "body": CLEAN }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body), body["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, "bidi_control", Some("author_name"))
    );
    // A name stored before this rule still cannot reorder what follows it on a page.
    let article = server
        .store
        .article_by_slug("cycle-lanes")
        .await
        .expect("read")
        .expect("article");
    let legacy = server
        .store
        .insert_comment(
            &tribune_store::NewComment {
                article_id: article.id,
                parent_id: None,
                author_name: "Old\u{202E}name".into(),
                author_email: None,
                body: CLEAN.into(),
                token_hash: "legacy".into(),
                idempotency_key: None,
                facts: Default::default(),
            },
            None,
        )
        .await
        .expect("legacy comment");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, _) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{}/decision", legacy.comment.id),
            &json!({ "decision": "approve" }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = server
        .get("/articles/cycle-lanes")
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("<bdi>Old\u{202E}name</bdi>"), "{html}");
}

#[tokio::test]
async fn an_email_with_a_line_break_is_refused() {
    let server = TestServer::start().await;
    for email in [
        "reader@example.org\r\nBcc: all@example.org",
        "reader@example.org\nX-Header: injected",
        "reader@exa\rmple.org",
    ] {
        let (status, body) = server
            .post_json(
                COMMENTS,
                &json!({ "author_name": "A", "author_email": email, "body": CLEAN }),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{email:?}: {body}");
    }
    assert_eq!(stored_comments(&server).await, 0);
}

#[tokio::test]
async fn the_history_of_a_comment_that_does_not_exist_is_404() {
    let server = TestServer::start().await;
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, body) = server
        .get_json("/api/v1/moderation/comments/424242/decisions", Some(&admin))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "unknown_comment")
    );
}

#[tokio::test]
async fn logging_out_without_the_csrf_token_changes_nothing() {
    let server = TestServer::start().await;
    let session = server.form_login("admin", ADMIN_PASSWORD).await;
    let forged = server
        .client
        .post(server.url("/logout"))
        .header("cookie", &session)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        cookie_set(&forged, "tribune_session").is_none(),
        "the cookie is kept"
    );
    let queue = server
        .client
        .get(server.url("/moderation"))
        .header("cookie", &session)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        queue.status(),
        StatusCode::OK,
        "still logged in, and the page says so"
    );
    let session_csrf = csrf_field(&queue.text().await.expect("html"));
    let out = server
        .client
        .post(server.url("/logout"))
        .header("cookie", &session)
        .form(&[("csrf", session_csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        cookie_set(&out, "tribune_session").as_deref(),
        Some("tribune_session=")
    );
    let after = server
        .client
        .get(server.url("/moderation"))
        .header("cookie", &session)
        .send()
        .await
        .expect("GET");
    assert_eq!(after.headers()[LOCATION], "/login", "the session is over");
}

// Finding 1: the engine bounds its verdicts (crates/moderation/tests/bounded.rs); here the same
// comments through HTTP, and what they cost the store, the queue and the console.

#[tokio::test]
async fn spelled_out_swearing_to_the_length_limit_is_rejected_and_stays_small_everywhere() {
    let server = TestServer::start().await;
    let repeated =
        |piece: &str, chars: usize| piece.chars().cycle().take(chars).collect::<String>();
    let comments = [
        repeated("f u c k ", 4_999),
        repeated("s.h.i.t.", 4_999),
        repeated("مرحبا بالعالم هذا اختبار ", 2_500) + &repeated("f u c k ", 2_499),
        repeated("Привет мир это тест ", 2_500) + &repeated("f u c k ", 2_499),
        repeated("ئەمە تاقیکردنەوەیەکە ", 2_500) + &repeated("f u c k ", 2_499),
    ];
    let mut ids = Vec::new();
    for body in &comments {
        assert_eq!(body.chars().count(), 4_999);
        let posted = server.comment("cycle-lanes", body).await;
        assert_eq!(
            (posted["status"].as_str(), posted["category"].as_str()),
            (Some("rejected"), Some("profanity")),
            "{}…: {posted}",
            body.chars().take(30).collect::<String>()
        );
        let id = posted["id"].as_i64().expect("id");
        let history = server.store.decisions(id).await.expect("history");
        let stored = history[0].verdict.as_deref().map_or(0, str::len);
        assert!(
            stored <= tribune_server::MAX_STORED_VERDICT_BYTES,
            "a {stored}-byte verdict was stored"
        );
        ids.push(id);
    }
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let queue = server
        .client
        .get(server.url("/api/v1/moderation/queue"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("queue");
    assert!(queue.len() < 64 * 1024, "a {}-byte queue", queue.len());
    let queue: Value = serde_json::from_str(&queue).expect("JSON");
    assert!(
        queue["comments"]
            .as_array()
            .expect("comments")
            .iter()
            .all(|c| !ids.contains(&c["id"].as_i64().unwrap_or(0))),
        "rejected comments do not wait for a person"
    );
    let console = server
        .client
        .get(server.url("/moderation"))
        .header("cookie", format!("tribune_session={admin}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(console.status(), StatusCode::OK);
    let html = console.text().await.expect("html");
    assert!(html.len() < 64 * 1024, "a {}-byte console page", html.len());
}
