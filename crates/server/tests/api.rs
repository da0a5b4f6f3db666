//! The JSON API over real HTTP: the whole path of a comment, and every error case.

mod common;

use common::{ADMIN_PASSWORD, TestServer, error_code};
use reqwest::StatusCode;
use serde_json::json;
use tribune_server::ServerConfig;

const CLEAN: &str = "Protected lanes along the river would help the school run a lot.";

#[tokio::test]
async fn articles_are_listed_with_the_demo_content() {
    let server = TestServer::start().await;
    let (status, body) = server.get_json("/api/v1/articles", None).await;
    assert_eq!(status, StatusCode::OK);
    let slugs: Vec<&str> = body["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .filter_map(|a| a["slug"].as_str())
        .collect();
    assert!(slugs.contains(&"cycle-lanes"), "{body}");
    assert!(slugs.contains(&"erbil-library"), "{body}");
}

#[tokio::test]
async fn a_comment_goes_from_pending_to_published_when_a_moderator_approves() {
    let server = TestServer::start().await;
    let posted = server.comment("cycle-lanes", CLEAN).await;
    assert_eq!(posted["status"], "pending");
    let id = posted["id"].as_i64().expect("id");
    let token = posted["token"].as_str().expect("token");

    let (_, status) = server
        .get_json(&format!("/api/v1/comments/{id}?token={token}"), None)
        .await;
    assert_eq!(status["status"], "pending");
    let (_, published) = server
        .get_json("/api/v1/articles/cycle-lanes/comments", None)
        .await;
    assert_eq!(published["comments"].as_array().map(Vec::len), Some(0));

    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, queue) = server
        .get_json("/api/v1/moderation/queue", Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    let entry = queue["comments"]
        .as_array()
        .and_then(|q| q.iter().find(|c| c["id"] == id))
        .expect("the comment waits in the queue");
    assert_eq!(
        entry["article"]["title"],
        "City council approves a network of protected cycle lanes"
    );
    assert_eq!(entry["author_name"], "Reader");
    assert!(
        entry["verdict"]["scores"].is_object(),
        "the engine's verdict is shown: {entry}"
    );

    let (status, decided) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{id}/decision"),
            &json!({ "decision": "approve" }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"], "approved");

    let (_, published) = server
        .get_json("/api/v1/articles/cycle-lanes/comments", None)
        .await;
    assert_eq!(published["comments"][0]["body"], CLEAN);
    let (_, status) = server
        .get_json(&format!("/api/v1/comments/{id}?token={token}"), None)
        .await;
    assert_eq!(status["status"], "approved");
    let (_, queue) = server
        .get_json("/api/v1/moderation/queue", Some(&admin))
        .await;
    assert!(
        queue["comments"]
            .as_array()
            .expect("queue")
            .iter()
            .all(|c| c["id"] != id)
    );
}

#[tokio::test]
async fn a_rejection_names_its_guideline_and_the_history_keeps_every_decision() {
    let server = TestServer::start().await;
    let posted = server.comment("cycle-lanes", CLEAN).await;
    let id = posted["id"].as_i64().expect("id");
    let token = posted["token"].as_str().expect("token");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let path = format!("/api/v1/moderation/comments/{id}/decision");

    let (status, body) = server
        .post_json(&path, &json!({ "decision": "reject" }), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "category_required");
    let (status, body) = server
        .post_json(
            &path,
            &json!({ "decision": "reject", "category": "rudeness" }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "bad_category");

    let (status, _) = server
        .post_json(
            &path,
            &json!({ "decision": "reject", "category": "off_topic", "note": "about another story" }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, status_body) = server
        .get_json(&format!("/api/v1/comments/{id}?token={token}"), None)
        .await;
    assert_eq!(status_body["status"], "rejected");
    assert_eq!(status_body["category"], "off_topic");

    // Changing a decision must be explicit; then the later decision overturns the earlier one
    // and the history keeps both.
    let (status, body) = server
        .post_json(&path, &json!({ "decision": "approve" }), Some(&admin))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "already_decided")
    );
    let (status, _) = server
        .post_json(
            &path,
            &json!({ "decision": "approve", "overturn": true }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, history) = server
        .get_json(
            &format!("/api/v1/moderation/comments/{id}/decisions"),
            Some(&admin),
        )
        .await;
    let decisions: Vec<&str> = history["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .filter_map(|d| d["decision"].as_str())
        .collect();
    assert_eq!(decisions, vec!["review", "reject", "approve"], "{history}");
    assert_eq!(history["decisions"][0]["actor"]["kind"], "engine");
    assert_eq!(history["decisions"][1]["actor"]["name"], "admin");
    assert_eq!(history["decisions"][1]["note"], "about another story");
}

#[tokio::test]
async fn the_engine_rejects_confident_violations_on_arrival() {
    let server = TestServer::start().await;
    let posted = server
        .comment("cycle-lanes", "This council is fucking useless.")
        .await;
    assert_eq!(posted["status"], "rejected", "{posted}");
    assert_eq!(posted["category"], "profanity");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (_, queue) = server
        .get_json("/api/v1/moderation/queue", Some(&admin))
        .await;
    assert!(
        queue["comments"]
            .as_array()
            .expect("queue")
            .iter()
            .all(|c| c["id"] != posted["id"])
    );
}

#[tokio::test]
async fn auto_approval_is_an_admin_setting() {
    let server = TestServer::start().await;
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let before = server.comment("cycle-lanes", CLEAN).await;
    assert_eq!(before["status"], "pending");

    let response = server
        .client
        .put(server.url("/api/v1/admin/settings"))
        .bearer_auth(&admin)
        .json(&json!({ "auto_approve": true }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), StatusCode::OK);
    let after = server.comment("cycle-lanes", CLEAN).await;
    assert_eq!(after["status"], "approved", "{after}");
}

#[tokio::test]
async fn bad_input_gets_a_clear_json_error_never_a_500() {
    let server = TestServer::with_config(ServerConfig {
        max_comment_chars: 20,
        comments_per_minute: 1000,
        ..ServerConfig::default()
    })
    .await;
    let path = "/api/v1/articles/cycle-lanes/comments";
    let cases = [
        (
            json!({ "author_name": "A", "body": "   " }),
            StatusCode::BAD_REQUEST,
            "empty_body",
        ),
        (
            json!({ "author_name": "A", "body": "x".repeat(21) }),
            StatusCode::BAD_REQUEST,
            "body_too_long",
        ),
        (
            json!({ "author_name": "", "body": "hello" }),
            StatusCode::BAD_REQUEST,
            "name_required",
        ),
        (
            json!({ "author_name": "A", "body": "hello", "author_email": "nope" }),
            StatusCode::BAD_REQUEST,
            "bad_email",
        ),
        (
            json!({ "author_name": "A", "body": "hello", "parent_id": 999 }),
            StatusCode::BAD_REQUEST,
            "unknown_parent",
        ),
        (
            json!({ "author_name": "A" }),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            json!({ "author_name": 5, "body": "hello" }),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
    ];
    for (body, status, code) in cases {
        let (got_status, got) = server.post_json(path, &body, None).await;
        assert_eq!(
            (got_status, error_code(&got)),
            (status, code),
            "for {body}: {got}"
        );
        assert!(
            got["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }

    let (status, body) = server
        .post_json(
            "/api/v1/articles/no-such-article/comments",
            &json!({ "author_name": "A", "body": "hi" }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::NOT_FOUND, "unknown_article")
    );

    let response = server
        .client
        .post(server.url(path))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.expect("JSON error");
    assert_eq!(error_code(&body), "malformed_json");

    let response = server
        .client
        .post(server.url(path))
        .body("author_name=A")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn comments_closed_bad_tokens_and_roles_are_refused() {
    let server = TestServer::start().await;
    let posted = server.comment("cycle-lanes", CLEAN).await;
    let id = posted["id"].as_i64().expect("id");

    let (status, body) = server
        .get_json(&format!("/api/v1/comments/{id}?token=wrong"), None)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "bad_token")
    );
    let (status, body) = server
        .get_json(&format!("/api/v1/comments/{id}"), None)
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "bad_token")
    );

    let (status, body) = server.get_json("/api/v1/moderation/queue", None).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let (status, _) = server
        .get_json("/api/v1/moderation/queue", Some("forged-token"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .post_json(
            "/api/v1/session",
            &json!({ "username": "admin", "password": "wrong" }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "bad_credentials")
    );

    tribune_server::create_user(
        &server.store,
        "mod",
        tribune_store::Role::Moderator,
        "moderator-password",
    )
    .await
    .expect("create moderator");
    let moderator = server.login("mod", "moderator-password").await;
    let (status, _) = server
        .get_json("/api/v1/moderation/queue", Some(&moderator))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = server
        .get_json("/api/v1/admin/settings", Some(&moderator))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let response = server
        .client
        .put(server.url("/api/v1/articles/cycle-lanes/comments-open"))
        .bearer_auth(&admin)
        .json(&json!({ "open": false }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) = server
        .post_json(
            "/api/v1/articles/cycle-lanes/comments",
            &json!({ "author_name": "A", "body": "hi" }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::CONFLICT, "comments_closed")
    );
}

#[tokio::test]
async fn no_route_can_change_a_comments_text() {
    let server = TestServer::start().await;
    let posted = server.comment("cycle-lanes", CLEAN).await;
    let id = posted["id"].as_i64().expect("id");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        for path in [
            format!("/api/v1/comments/{id}"),
            format!("/api/v1/comments/{id}/body"),
        ] {
            let response = server
                .client
                .request(method.clone(), server.url(&path))
                .bearer_auth(&admin)
                .json(&json!({ "body": "edited" }))
                .send()
                .await
                .expect("request");
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
        }
    }
    let comment = server
        .store
        .comment(id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(comment.body, CLEAN);
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_to_change_state() {
    let server = TestServer::start().await;
    let posted = server.comment("cycle-lanes", CLEAN).await;
    let id = posted["id"].as_i64().expect("id");
    let (_, login) = server
        .post_json(
            "/api/v1/session",
            &json!({ "username": "admin", "password": ADMIN_PASSWORD }),
            None,
        )
        .await;
    let cookie = format!(
        "tribune_session={}",
        login["token"].as_str().expect("token")
    );
    let path = server.url(&format!("/api/v1/moderation/comments/{id}/decision"));

    let response = server
        .client
        .post(&path)
        .header("cookie", &cookie)
        .json(&json!({ "decision": "approve" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let response = server
        .client
        .post(&path)
        .header("cookie", &cookie)
        .header("x-csrf-token", login["csrf_token"].as_str().expect("csrf"))
        .json(&json!({ "decision": "approve" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn replies_are_threaded_one_level() {
    let server = TestServer::start().await;
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let approve = |id: i64| {
        let server = &server;
        let admin = admin.clone();
        async move {
            server
                .post_json(
                    &format!("/api/v1/moderation/comments/{id}/decision"),
                    &json!({ "decision": "approve" }),
                    Some(&admin),
                )
                .await
        }
    };
    let top = server.comment("cycle-lanes", CLEAN).await["id"]
        .as_i64()
        .expect("id");
    approve(top).await;
    let (status, reply) = server
        .post_json(
            "/api/v1/articles/cycle-lanes/comments",
            &json!({ "author_name": "B", "body": "I agree about the school run.", "parent_id": top }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{reply}");
    let reply_id = reply["id"].as_i64().expect("id");
    approve(reply_id).await;
    let (_, nested) = server
        .post_json(
            "/api/v1/articles/cycle-lanes/comments",
            &json!({ "author_name": "C", "body": "Same here, the school run matters.", "parent_id": reply_id }),
            None,
        )
        .await;
    let nested_id = nested["id"].as_i64().expect("id");
    approve(nested_id).await;
    let (_, published) = server
        .get_json("/api/v1/articles/cycle-lanes/comments", None)
        .await;
    let parents: Vec<(i64, Option<i64>)> = published["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| (c["id"].as_i64().unwrap_or(0), c["parent_id"].as_i64()))
        .collect();
    assert_eq!(
        parents,
        vec![(top, None), (reply_id, Some(top)), (nested_id, Some(top))]
    );

    let (status, body) = server
        .post_json(
            "/api/v1/articles/erbil-library/comments",
            &json!({ "author_name": "D", "body": "wrong article", "parent_id": top }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "unknown_parent")
    );
}

#[tokio::test]
async fn submissions_are_rate_limited_per_address() {
    let server = TestServer::with_config(ServerConfig {
        comments_per_minute: 2,
        ..ServerConfig::default()
    })
    .await;
    server.comment("cycle-lanes", CLEAN).await;
    server.comment("cycle-lanes", CLEAN).await;
    let (status, body) = server
        .post_json(
            "/api/v1/articles/cycle-lanes/comments",
            &json!({ "author_name": "A", "body": CLEAN }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
}

#[tokio::test]
async fn a_retried_submission_with_the_same_idempotency_key_is_stored_once() {
    let server = TestServer::start().await;
    let send = || async {
        let response = server
            .client
            .post(server.url("/api/v1/articles/cycle-lanes/comments"))
            .header("idempotency-key", "6f1c2a4e-retry-test")
            .json(&json!({ "author_name": "Reader", "body": CLEAN }))
            .send()
            .await
            .expect("POST");
        let replayed = response.headers()["idempotent-replayed"]
            .to_str()
            .unwrap_or("")
            .to_owned();
        (
            response.status(),
            replayed,
            response.json::<serde_json::Value>().await.expect("JSON"),
        )
    };
    let (status, replayed, first) = send().await;
    assert_eq!((status, replayed.as_str()), (StatusCode::ACCEPTED, "false"));
    let (status, replayed, again) = send().await;
    assert_eq!((status, replayed.as_str()), (StatusCode::ACCEPTED, "true"));
    assert_eq!(first["id"], again["id"]);
    // Both tokens follow the one comment.
    for body in [&first, &again] {
        let path = format!(
            "/api/v1/comments/{}?token={}",
            body["id"],
            body["token"].as_str().expect("token")
        );
        assert_eq!(server.get_json(&path, None).await.0, StatusCode::OK);
    }
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (_, queue) = server
        .get_json("/api/v1/moderation/queue", Some(&admin))
        .await;
    assert_eq!(queue["comments"].as_array().map(Vec::len), Some(1));

    let (status, body) = server
        .post_json(
            "/api/v1/articles/cycle-lanes/comments",
            &json!({ "author_name": "R", "body": "x" }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let response = server
        .client
        .post(server.url("/api/v1/articles/cycle-lanes/comments"))
        .header("idempotency-key", "not a valid key!")
        .json(&json!({ "author_name": "Reader", "body": CLEAN }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn moderators_claim_disjoint_work_and_a_decided_comment_cannot_be_decided_twice() {
    let server = TestServer::start().await;
    for n in 0..6 {
        server
            .comment("cycle-lanes", &format!("{CLEAN} ({n})"))
            .await;
    }
    for name in ["ana", "ben"] {
        tribune_server::create_user(
            &server.store,
            name,
            tribune_store::Role::Moderator,
            "moderator-password",
        )
        .await
        .expect("moderator");
    }
    let ana = server.login("ana", "moderator-password").await;
    let ben = server.login("ben", "moderator-password").await;
    let (status, ana_claim) = server
        .post_json(
            "/api/v1/moderation/claim",
            &json!({ "limit": 4 }),
            Some(&ana),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ana_claim}");
    let (_, ben_claim) = server
        .post_json(
            "/api/v1/moderation/claim",
            &json!({ "limit": 4 }),
            Some(&ben),
        )
        .await;
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["comments"]
            .as_array()
            .expect("comments")
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .collect()
    };
    let (ana_ids, ben_ids) = (ids(&ana_claim), ids(&ben_claim));
    assert_eq!((ana_ids.len(), ben_ids.len()), (4, 2));
    assert!(ana_ids.iter().all(|id| !ben_ids.contains(id)));
    let (_, ben_queue) = server
        .get_json("/api/v1/moderation/queue", Some(&ben))
        .await;
    assert!(
        ids(&ben_queue).iter().all(|id| !ana_ids.contains(id)),
        "ana's claims are hidden from ben"
    );

    let (status, body) = server
        .post_json(
            "/api/v1/moderation/claim",
            &json!({ "limit": 0 }),
            Some(&ana),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "bad_limit")
    );

    let path = format!("/api/v1/moderation/comments/{}/decision", ana_ids[0]);
    let approve = json!({ "decision": "approve" });
    let reject = json!({ "decision": "reject", "category": "promotion" });
    let (first, second) = tokio::join!(
        server.post_json(&path, &approve, Some(&ana)),
        server.post_json(&path, &reject, Some(&ben)),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{first:?} {second:?}"
    );
}
