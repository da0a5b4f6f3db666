//! The server-rendered pages over real HTTP: a reader posting with the form, a moderator
//! deciding in the console, escaping and CSRF.

mod common;

use common::{ADMIN_PASSWORD, TestServer, cookie_set, csrf_field};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

/// Whether a page shows `<script>` as text (escaped either way) rather than as markup.
fn shows_escaped_script(html: &str) -> bool {
    html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;")
}

#[tokio::test]
async fn the_front_page_and_article_pages_show_the_demo_content() {
    let server = TestServer::start().await;
    let front = server.get("/").await.text().await.expect("html");
    assert!(front.contains("/articles/cycle-lanes"), "{front}");

    let article = server.get("/articles/cycle-lanes").await;
    assert_eq!(article.status(), StatusCode::OK);
    let html = article.text().await.expect("html");
    assert!(html.contains("Post a comment"));
    assert!(html.contains("We reject profanity, threats, personal attacks"));
    assert!(html.contains("name=\"csrf\""));

    let sorani = server
        .get("/articles/erbil-library")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        sorani.contains("lang=\"ckb\" dir=\"rtl\""),
        "right-to-left article: {sorani}"
    );

    let missing = server.get("/articles/no-such-article").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reader_posts_with_the_form_and_a_moderator_approves_in_the_console() {
    let server = TestServer::start().await;
    let page = server.get("/articles/cycle-lanes").await;
    let csrf_cookie = cookie_set(&page, "tribune_csrf").expect("cookie set");
    let csrf = csrf_field(&page.text().await.expect("html"));
    let body = "Keep the delivery bays open <script>alert('x')</script> please";

    let posted = server
        .client
        .post(server.url("/articles/cycle-lanes/comments"))
        .header("cookie", &csrf_cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("author_name", "Dana"),
            ("author_email", ""),
            ("body", body),
            ("parent_id", ""),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let status_path = posted.headers()[LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    // The status token travels in a cookie for this comment's page, never in the address.
    assert!(!status_path.contains("token"), "{status_path}");
    let status_cookie = cookie_set(
        &posted,
        &format!(
            "tribune_comment_{}",
            status_path.trim_start_matches("/comments/")
        ),
    )
    .expect("cookie set");
    let status_of = |path: String| {
        let request = server
            .client
            .get(server.url(&path))
            .header("cookie", &status_cookie);
        async move { request.send().await.expect("GET") }
    };
    let status_page = status_of(status_path.clone())
        .await
        .text()
        .await
        .expect("html");
    assert!(status_page.contains("awaits moderation"), "{status_page}");
    assert!(
        !status_page.contains("<script>alert"),
        "user text is escaped"
    );

    // The moderator logs in with the form and sees the comment beside its article.
    let login_page = server.get("/login").await;
    let login_cookie = cookie_set(&login_page, "tribune_csrf").expect("cookie set");
    let login_csrf = csrf_field(&login_page.text().await.expect("html"));
    let logged_in = server
        .client
        .post(server.url("/login"))
        .header("cookie", &login_cookie)
        .form(&[
            ("csrf", login_csrf.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let session = cookie_set(&logged_in, "tribune_session").expect("cookie set");
    let queue = server.page_with_cookie("/moderation", &session).await;
    assert!(queue.contains("City council approves a network of protected cycle lanes"));
    assert!(queue.contains("Dana"));
    assert!(
        shows_escaped_script(&queue),
        "user text is escaped in the console: {queue}"
    );
    assert!(!queue.contains("<script>alert"));
    let id: i64 = status_path
        .trim_start_matches("/comments/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("comment id");
    let session_csrf = csrf_field(&queue);

    let forged = server
        .client
        .post(server.url(&format!("/moderation/comments/{id}/decision")))
        .header("cookie", &session)
        .form(&[("csrf", "forged"), ("decision", "approve")])
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let approved = server
        .client
        .post(server.url(&format!("/moderation/comments/{id}/decision")))
        .header("cookie", &session)
        .form(&[("csrf", session_csrf.as_str()), ("decision", "approve")])
        .send()
        .await
        .expect("POST");
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);

    let article = server
        .get("/articles/cycle-lanes")
        .await
        .text()
        .await
        .expect("html");
    assert!(article.contains("Keep the delivery bays open"), "{article}");
    assert!(shows_escaped_script(&article) && !article.contains("<script>alert"));
    let status_page = status_of(status_path.clone())
        .await
        .text()
        .await
        .expect("html");
    assert!(status_page.contains("was approved"));
}

#[tokio::test]
async fn a_form_post_without_its_csrf_token_is_refused_and_stores_nothing() {
    let server = TestServer::start().await;
    let response = server
        .client
        .post(server.url("/articles/cycle-lanes/comments"))
        .form(&[
            ("csrf", "guess"),
            ("author_name", "Mallory"),
            ("body", "posted from another site"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let queue = server.store.pending_queue(100, None).await.expect("queue");
    assert!(queue.is_empty());
}

#[tokio::test]
async fn a_form_with_bad_input_is_shown_again_with_the_error_and_the_text_kept() {
    let server = TestServer::start().await;
    let page = server.get("/articles/cycle-lanes").await;
    let cookie = cookie_set(&page, "tribune_csrf").expect("cookie set");
    let csrf = csrf_field(&page.text().await.expect("html"));
    let response = server
        .client
        .post(server.url("/articles/cycle-lanes/comments"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("author_name", " "),
            ("body", "my carefully written comment"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.expect("html");
    assert!(html.contains("please give a name"), "{html}");
    assert!(html.contains("my carefully written comment"));
}

#[tokio::test]
async fn the_console_sends_visitors_without_a_session_to_log_in() {
    let server = TestServer::start().await;
    let response = server.get("/moderation").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/login");
}
