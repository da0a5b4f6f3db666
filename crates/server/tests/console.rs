//! The console over HTTP: bulk decisions answered per comment, undo, claims on what is shown,
//! the forms' CSRF checks, the queue's filters and cursor, and live updates from the database.

mod common;

use common::console::{clean_comments, post_comments};
use common::{ADMIN_PASSWORD, TestServer, csrf_field, error_code};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_bulk_decision_answers_for_each_comment() {
    let server = TestServer::start().await;
    let tokens = server.moderators(&["mona", "omar"]).await;
    let ids = post_comments(&server, &clean_comments(4)).await;
    let (status, _) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{}/decision", ids[0]),
            &json!({"decision": "approve"}),
            Some(&tokens[1]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, claimed) = server
        .post_json(
            "/api/v1/moderation/claim",
            &json!({"ids": [ids[3]]}),
            Some(&tokens[1]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["comments"][0]["id"], ids[3]);

    let (status, body) = server
        .post_json(
            "/api/v1/moderation/decisions",
            &json!({"ids": [ids[0], ids[1], ids[2], ids[3], 999_999], "decision": "reject", "category": "promotion", "note": "flood"}),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let outcomes: Vec<(i64, String)> = body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("id"),
                r["outcome"].as_str().expect("outcome").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (ids[0], "already_decided".to_owned()),
            (ids[1], "decided".to_owned()),
            (ids[2], "decided".to_owned()),
            (ids[3], "claimed_by_other".to_owned()),
            (999_999, "not_found".to_owned()),
        ]
    );
    assert_eq!(body["decided"], 2);
    for id in [ids[1], ids[2]] {
        let rows = server.store.decisions(id).await.expect("history");
        assert_eq!(rows.len(), 2, "each comment its own row");
        assert_eq!(rows[1].category.as_deref(), Some("promotion"));
        assert_eq!(rows[1].note.as_deref(), Some("flood"));
    }

    // A rejection in bulk needs its category too; an empty list is refused.
    let (status, body) = server
        .post_json(
            "/api/v1/moderation/decisions",
            &json!({"ids": [ids[3]], "decision": "reject"}),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "category_required")
    );
    let (status, body) = server
        .post_json(
            "/api/v1/moderation/decisions",
            &json!({"ids": [], "decision": "approve"}),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "bad_ids")
    );

    // Released, omar's claim no longer holds mona back.
    let (status, body) = server
        .post_json("/api/v1/moderation/release", &json!({}), Some(&tokens[1]))
        .await;
    assert_eq!(
        (status, body["released"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let (_, body) = server
        .post_json(
            "/api/v1/moderation/decisions",
            &json!({"ids": [ids[3]], "decision": "approve"}),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(body["results"][0]["outcome"], "decided");
}

#[tokio::test]
async fn only_your_own_latest_decision_can_be_undone_and_the_rows_stay() {
    let server = TestServer::start().await;
    let tokens = server.moderators(&["mona", "omar"]).await;
    let ids = post_comments(&server, &clean_comments(1)).await;
    let path = format!("/api/v1/moderation/comments/{}/undo", ids[0]);
    let (status, body) = server.post_json(&path, &json!({}), Some(&tokens[0])).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "nothing_to_undo")
    );
    server
        .post_json(
            &format!("/api/v1/moderation/comments/{}/decision", ids[0]),
            &json!({"decision": "reject", "category": "off_topic"}),
            Some(&tokens[0]),
        )
        .await;
    let (status, body) = server.post_json(&path, &json!({}), Some(&tokens[1])).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "nothing_to_undo"),
        "not omar's"
    );
    let (status, body) = server.post_json(&path, &json!({}), Some(&tokens[0])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    let (_, history) = server
        .get_json(
            &format!("/api/v1/moderation/comments/{}/decisions", ids[0]),
            Some(&tokens[0]),
        )
        .await;
    let kinds: Vec<&str> = history["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["decision"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, ["review", "reject", "review"]);
}

/// A logged-in browser: its session cookie and the console page's CSRF token.
async fn console_session(server: &TestServer) -> (String, String) {
    let session = server.form_login("admin", ADMIN_PASSWORD).await;
    let page = server.page_with_cookie("/moderation", &session).await;
    (session, csrf_field(&page))
}

/// Every console route, page or form, sends a visitor without a session to log in.
#[tokio::test]
async fn every_console_route_sends_a_visitor_without_a_session_to_log_in() {
    let server = TestServer::start().await;
    let ids = post_comments(&server, &clean_comments(1)).await;
    let id = ids[0];
    let pages = [
        "/moderation".to_owned(),
        "/moderation/events".to_owned(),
        format!("/moderation/comments/{id}"),
    ];
    let forms = [
        "/moderation/decisions".to_owned(),
        "/moderation/release".to_owned(),
        format!("/moderation/comments/{id}/decision"),
        format!("/moderation/comments/{id}/undo"),
    ];
    let fields = [("csrf", "any"), ("decision", "approve"), ("ids", "1")];
    for (path, response) in pages
        .iter()
        .map(|p| (p, server.client.get(server.url(p)).send()))
        .chain(
            forms
                .iter()
                .map(|p| (p, server.client.post(server.url(p)).form(&fields).send())),
        )
    {
        let response = response.await.expect("request");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(
            response.headers()[reqwest::header::LOCATION],
            "/login",
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_consoles_forms_need_the_csrf_token_and_the_bulk_form_answers_in_words() {
    let server = TestServer::start().await;
    let ids = post_comments(&server, &clean_comments(3)).await;
    let (session, csrf) = console_session(&server).await;
    for path in [
        "/moderation/decisions".to_owned(),
        format!("/moderation/comments/{}/undo", ids[0]),
        "/moderation/release".to_owned(),
    ] {
        let response = server
            .post_form(
                &path,
                &session,
                &[("csrf", "forged"), ("decision", "approve"), ("ids", "1")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (one, two) = (ids[0].to_string(), ids[1].to_string());
    let response = server
        .post_form(
            "/moderation/decisions",
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("decision", "approve"),
                ("ids", one.as_str()),
                ("ids", two.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("html");
    assert!(html.contains("2 decided"), "{html}");
    let response = server
        .post_form(
            "/moderation/decisions",
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("decision", "approve"),
                ("ids", one.as_str()),
            ],
        )
        .await;
    let html = response.text().await.expect("html");
    assert!(
        html.contains("0 decided, 1 already decided meanwhile"),
        "{html}"
    );
    // An overturn from the history view needs a note.
    let response = server
        .post_form(
            &format!("/moderation/comments/{one}/decision"),
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("decision", "reject"),
                ("category", "promotion"),
                ("overturn", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = server
        .post_form(
            &format!("/moderation/comments/{one}/decision"),
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("decision", "reject"),
                ("category", "promotion"),
                ("overturn", "1"),
                ("note", "appeal lost"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let history = server.store.decisions(ids[0]).await.expect("history");
    assert_eq!(history.len(), 3);
}

#[tokio::test]
async fn the_console_pages_by_cursor_and_refuses_bad_filters() {
    let server = TestServer::start().await;
    post_comments(&server, &clean_comments(30)).await;
    let (session, _) = console_session(&server).await;
    let get = |path: String| {
        let request = server
            .client
            .get(server.url(&path))
            .header("cookie", &session);
        async move { request.send().await.expect("GET") }
    };
    let first = get("/moderation".into()).await.text().await.expect("html");
    assert_eq!(first.matches("class=\"card ").count(), 25);
    let marker = "id=\"next-page\" href=\"";
    let start = first.find(marker).expect("a next page") + marker.len();
    let next = first[start..]
        .split('"')
        .next()
        .expect("link")
        .replace("&#38;", "&");
    let second = get(next.clone()).await.text().await.expect("html");
    assert_eq!(second.matches("class=\"card ").count(), 5);
    assert!(!second.contains("id=\"next-page\""));
    for bad in [
        "?after=p1_x",
        "?lang=xx",
        "?min=2",
        "?queue=nope",
        "?engine=maybe",
    ] {
        let response = get(format!("/moderation{bad}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    for queue in ["approved", "rejected", "log"] {
        let response = get(format!("/moderation?queue={queue}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{queue}");
    }
}

#[tokio::test]
async fn live_updates_come_from_the_decisions_table() {
    let server = TestServer::start().await;
    let (session, _) = console_session(&server).await;
    let after = server.store.latest_decision_id().await.expect("latest");
    let mut stream = server
        .client
        .get(server.url(&format!("/moderation/events?after={after}")))
        .header("cookie", &session)
        .send()
        .await
        .expect("events");
    assert_eq!(stream.status(), StatusCode::OK);
    // A comment arriving (through any node: it is a row) is heard of.
    let ids = post_comments(&server, &clean_comments(1)).await;
    let mut seen = String::new();
    while !seen.contains("\n\n") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), stream.chunk())
            .await
            .expect("an event within 5 s")
            .expect("read")
            .expect("more");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: decisions"), "{seen}");
    assert!(
        seen.contains(&format!("\"comment_id\":{}", ids[0])),
        "{seen}"
    );
    assert!(seen.contains("\"decision\":\"review\""), "{seen}");
}

/// The author's e-mail and address are kept only as hashes under the instance's own key: a
/// copy of the facts cannot be reversed by hashing every IPv4 address, yet one author's
/// comments still link, and the console's e-mail filter still finds them.
#[tokio::test]
async fn author_hashes_are_keyed_and_still_link_one_authors_comments() {
    use sha2::{Digest, Sha256};
    let plain = |text: &str| -> String {
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let server = TestServer::start().await;
    let mut ids = Vec::new();
    for body in [
        "When will the lanes reach the station?",
        "And who pays for the paint?",
    ] {
        let (status, posted) = server
            .post_json(
                "/api/v1/articles/cycle-lanes/comments",
                &json!({ "author_name": "Dana", "author_email": "Dana@Example.org", "body": body }),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{posted}");
        ids.push(posted["id"].as_i64().expect("id"));
    }
    let mut facts = Vec::new();
    for id in &ids {
        let item = server
            .store
            .console_item(*id)
            .await
            .expect("read")
            .expect("the comment");
        facts.push(item.facts);
    }
    let address = facts[0].address_hash.clone().expect("an address hash");
    let email = facts[0].email_hash.clone().expect("an e-mail hash");
    assert_ne!(address, plain("127.0.0.1"));
    assert_ne!(email, plain("dana@example.org"));
    assert_eq!(address.len(), 64);
    assert_eq!(facts[1].address_hash.as_deref(), Some(address.as_str()));
    assert_eq!(facts[1].email_hash.as_deref(), Some(email.as_str()));

    let (session, _) = console_session(&server).await;
    let page = server
        .client
        .get(server.url("/moderation?author=dana%40example.org"))
        .header("cookie", &session)
        .send()
        .await
        .expect("console")
        .text()
        .await
        .expect("html");
    assert_eq!(
        page.matches("class=\"card ").count(),
        2,
        "the e-mail filter finds both"
    );
}
