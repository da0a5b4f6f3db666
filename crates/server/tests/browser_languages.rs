//! The six languages in a real browser (headless Chromium, the real server): the article page,
//! the author's status page, the moderators' console (the queue with a card, a comment's
//! history) in each language carry its `lang` and
//! direction, show none of the English catalogue's messages, and lay out a comment or a name in
//! the other direction on its own. Screenshots of the Sorani article page, the Arabic queue
//! and the Arabic history go to the screenshot folder (`target/browser-screenshots` unless
//! `TRIBUNE_SCREENSHOT_DIR` says otherwise).

mod common;
mod english_left;

use std::time::Duration;

use common::{ADMIN_PASSWORD, TestServer};
use english_left::{english_left, tribune_words};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tribune_browser::{Browser, Page};
use tribune_i18n::{Catalogues, Direction, Language};
use tribune_server::ServerConfig;

const WAIT: Duration = Duration::from_secs(10);

/// A comment whose first strong letter is Latin, with Sorani inside.
const LATIN_FIRST: &str = "I agree: کتێبخانەکە دەبێت هەموو ڕۆژێک بکرێتەوە, even on Fridays.";
/// A comment whose first strong letter is Arabic script, with Latin inside.
const ARABIC_FIRST: &str = "کتێبخانەی Central Library لە هەولێر زۆر باشە 2026";

async fn post(server: &TestServer, slug: &str, author: &str, body: &str) -> Value {
    let (status, answer) = server
        .post_json(
            &format!("/api/v1/articles/{slug}/comments"),
            &json!({ "author_name": author, "body": body }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    answer
}

async fn approve(server: &TestServer, admin: &str, id: i64) {
    let (status, answer) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{id}/decision"),
            &json!({ "decision": "approve" }),
            Some(admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// The page's `lang`, `dir` and the direction the browser computed for its body.
async fn frame(page: &Page) -> (String, String, String) {
    let value = page
        .eval("[document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction]")
        .await
        .expect("frame");
    let part = |i: usize| value[i].as_str().unwrap_or_default().to_owned();
    (part(0), part(1), part(2))
}

/// Checks the page is in `language` and carries no English catalogue message.
async fn check_page(page: &Page, language: Language, catalogues: &Catalogues, what: &str) {
    let dir = language.direction().as_str();
    assert_eq!(
        frame(page).await,
        (language.tag().to_owned(), dir.to_owned(), dir.to_owned()),
        "{language} {what}"
    );
    let html = page
        .eval("document.documentElement.outerHTML")
        .await
        .expect("html");
    let words = tribune_words(html.as_str().unwrap_or_default());
    let left = english_left(catalogues, language, &words);
    if language != Language::English {
        assert!(left.is_empty(), "{language} {what}: English left: {left:?}");
    } else {
        assert!(!left.is_empty(), "the check finds English on English pages");
    }
    assert!(
        page.exceptions().is_empty(),
        "{what}: {:?}",
        page.exceptions()
    );
}

/// How the comment `text` and its author's name lay out: the direction computed for the
/// comment, and whether the name starts its line at the page's start edge (a name of the
/// other direction that was not isolated would pull the text after it to its side).
async fn comment_layout(page: &Page, text: &str) -> (String, bool) {
    let script = format!(
        r#"(() => {{
            const body = [...document.querySelectorAll('.comment .body')].find(b => b.textContent === {text});
            const comment = body.closest('.comment');
            const meta = comment.querySelector('.meta');
            const name = meta.querySelector('bdi').getBoundingClientRect();
            const line = meta.getBoundingClientRect();
            const rtl = getComputedStyle(document.body).direction === 'rtl';
            const atStart = rtl ? Math.abs(line.right - name.right) < 2 : Math.abs(name.left - line.left) < 2;
            return [getComputedStyle(body).direction, atStart];
        }})()"#,
        text = Value::from(text)
    );
    let value = page.eval(&script).await.expect("layout");
    (
        value[0].as_str().unwrap_or_default().to_owned(),
        value[1].as_bool().unwrap_or(false),
    )
}

async fn log_in(page: &Page, server: &TestServer) {
    page.goto(&server.url("/login")).await.expect("login page");
    page.click("#username").await.expect("user name");
    page.type_text("admin").await.expect("type");
    page.click("#password").await.expect("password");
    page.type_text(ADMIN_PASSWORD).await.expect("type");
    page.click("form.login button[type=submit]")
        .await
        .expect("submit");
    page.wait_until("location.pathname === '/moderation'", WAIT)
        .await
        .expect("logged in");
}

#[tokio::test]
async fn article_status_and_queue_pages_in_every_language_in_a_real_browser() {
    let Some(browser) = Browser::launch_for_test("browser_languages").await else {
        return;
    };
    let server = TestServer::with_config(ServerConfig {
        comments_per_minute: 1000,
        logins_per_minute: 1000,
        secure_cookies: false,
        ..ServerConfig::default()
    })
    .await;
    let catalogues = Catalogues::load().expect("catalogues");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    for (author, body) in [("Dana Smith", LATIN_FIRST), ("ئاراس", ARABIC_FIRST)] {
        let posted = post(&server, "erbil-library", author, body).await;
        approve(&server, &admin, posted["id"].as_i64().expect("id")).await;
    }
    let pending = post(
        &server,
        "erbil-library",
        "Dana Smith",
        "Who pays for the new شەممە opening hours?",
    )
    .await;
    let pending_id = pending["id"].as_i64().expect("id");
    let token = pending["token"].as_str().expect("token").to_owned();

    for language in Language::ALL {
        let tag = language.tag();
        let page = browser.new_page().await.expect("page");

        page.goto(&server.url(&format!("/articles/erbil-library?lang={tag}")))
            .await
            .expect("article");
        check_page(&page, language, &catalogues, "article").await;
        assert_eq!(
            comment_layout(&page, LATIN_FIRST).await,
            ("ltr".to_owned(), true),
            "{language}: a Latin-first comment runs left to right, its name isolated"
        );
        assert_eq!(
            comment_layout(&page, ARABIC_FIRST).await,
            ("rtl".to_owned(), true),
            "{language}: an Arabic-script comment runs right to left"
        );
        if language == Language::Sorani {
            page.screenshot("ckb-article").await.expect("screenshot");
        }

        // The private link opens the status page; the language cookie from `?lang=` holds.
        page.goto(&server.url(&format!("/comments/{pending_id}#token={token}")))
            .await
            .expect("status");
        page.wait_for(".notice.status", WAIT)
            .await
            .expect("the status shows");
        check_page(&page, language, &catalogues, "status page").await;

        log_in(&page, &server).await;
        page.wait_for(".card", WAIT)
            .await
            .expect("the console's queue shows");
        check_page(&page, language, &catalogues, "console queue").await;
        if language == Language::Arabic {
            page.screenshot("ar-queue").await.expect("screenshot");
        }
        if language.direction() == Direction::RightToLeft {
            // The mirrored layout: the approve button comes before (right of) the reject form.
            let mirrored = page
                .eval("(() => { const a = document.querySelector('.actions button').getBoundingClientRect(); const r = document.querySelector('.actions button.reject').getBoundingClientRect(); return a.left > r.right; })()")
                .await
                .expect("layout");
            assert_eq!(mirrored, Value::Bool(true), "{language}: the queue mirrors");
        }

        // A comment's history with the overturn form; the keyboard map opened from the queue.
        page.goto(&server.url(&format!("/moderation/comments/{pending_id}")))
            .await
            .expect("history");
        page.wait_for("form.overturn", WAIT)
            .await
            .expect("the history shows");
        check_page(&page, language, &catalogues, "console history").await;
        if language == Language::Arabic {
            page.screenshot("ar-history").await.expect("screenshot");
        }
    }
}
