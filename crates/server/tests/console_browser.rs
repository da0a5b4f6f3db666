//! The moderators' console in a real browser (Debian's headless Chromium, driven over the
//! DevTools protocol) against a real server: the keyboard clears a queue, bulk decisions,
//! undo, overturn from the history view, filters, and two moderators on one comment.
//! Screenshots land in `target/browser-screenshots/`. Without Chromium each test says so and
//! passes (fails under CI=true). They run one at a time: browsers would fight over the cores.

mod common;

use common::console::{WAIT, clean_comments, log_in, open_console, pending, post_comments, ready};
use common::{ADMIN_PASSWORD, TestServer};
use tribune_browser::{Browser, Page};
use tribune_store::{Actor, DecisionKind, Status};

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn status_of(server: &TestServer, id: i64) -> Status {
    server
        .store
        .comment(id)
        .await
        .expect("read")
        .expect("the comment exists")
        .status
}

async fn text(page: &Page, script: &str) -> String {
    page.eval(script)
        .await
        .expect("script")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Presses `j` until the focused card's text contains `needle`.
async fn focus_card_with(page: &Page, needle: &str) {
    for _ in 0..40 {
        let body = text(
            page,
            "document.querySelector('.card.focused .body').textContent",
        )
        .await;
        if body.contains(needle) {
            return;
        }
        page.press("j").await.expect("j");
    }
    panic!("no card contains {needle:?}");
}

#[tokio::test]
async fn a_moderator_clears_a_queue_of_30_with_the_keyboard_alone() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::launch_for_test("console_browser").await else {
        return;
    };
    let server = TestServer::start().await;
    let ids = post_comments(&server, &clean_comments(30)).await;
    assert_eq!(pending(&server).await, 30);
    let page = browser.new_page().await.expect("page");
    log_in(&page, &server, "admin", ADMIN_PASSWORD).await;
    open_console(&page, &server, "").await;
    let shown = page
        .eval("document.querySelectorAll('.card').length")
        .await
        .expect("cards");
    assert_eq!(shown, 25, "a page of cards");
    page.screenshot("console-queue").await.expect("screenshot");

    // One key per comment: `a` approves and the next card takes focus (the next page loads
    // when the screen is clear).
    for decided in 1..=30 {
        ready(&page).await;
        page.press("a").await.expect("a");
        let want = 30 - decided;
        let mut left = pending(&server).await;
        for _ in 0..200 {
            if left == want {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            left = pending(&server).await;
        }
        assert_eq!(left, want, "after {decided} keys");
    }
    for id in ids {
        assert_eq!(status_of(&server, id).await, Status::Approved);
    }
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

#[tokio::test]
async fn near_duplicates_are_rejected_in_bulk_then_undo_and_overturn_keep_every_row() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::launch_for_test("console_browser").await else {
        return;
    };
    let server = TestServer::start().await;
    let spam: Vec<String> = (0..6)
        .map(|i| {
            format!(
                "Great deals every day on cheap watches, visit the market stall near the station for the best prices{}",
                "!".repeat(i)
            )
        })
        .collect();
    let spam_ids = post_comments(&server, &spam).await;
    let others = post_comments(
        &server,
        &[
            "Will the new cycle lanes reach the old town before winter?".to_owned(),
            "My daughter rides to school on this road; thank you for reporting on it.".to_owned(),
            "The article should say who pays for the maintenance afterwards.".to_owned(),
        ],
    )
    .await;
    for id in spam_ids.iter().chain(&others) {
        assert_eq!(
            status_of(&server, *id).await,
            Status::Pending,
            "comment {id} waits"
        );
    }
    let page = browser.new_page().await.expect("page");
    log_in(&page, &server, "admin", ADMIN_PASSWORD).await;
    open_console(&page, &server, "").await;

    focus_card_with(&page, "market stall").await;
    let near = text(
        &page,
        "document.querySelector('.card.focused .alike .near').textContent",
    )
    .await;
    assert_eq!(near, "5", "the card counts its five near-duplicates");
    page.screenshot("console-card-evidence")
        .await
        .expect("screenshot");
    let labelled = page
        .eval("document.querySelector('.card.focused mark.evidence .ev-label').textContent")
        .await
        .expect("label");
    assert_eq!(
        labelled, "promotion",
        "the evidence is highlighted and labelled"
    );

    // `s` selects all alike, `R` rejects them as the engine's category.
    page.press("s").await.expect("s");
    assert_eq!(
        text(
            &page,
            "document.getElementById('selected-count').textContent"
        )
        .await,
        "6"
    );
    page.press("R").await.expect("R");
    page.wait_until("document.querySelectorAll('.card.done').length === 6", WAIT)
        .await
        .expect("six cards leave the screen");
    for id in &spam_ids {
        let comment = server
            .store
            .comment(*id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(comment.status, Status::Rejected);
        assert_eq!(comment.category.as_deref(), Some("promotion"));
    }
    for id in &others {
        assert_eq!(status_of(&server, *id).await, Status::Pending);
    }

    // `a` then `u`: the approval is taken back, as a new row.
    ready(&page).await;
    let first = page
        .eval("Number(document.querySelector('.card.focused').dataset.id)")
        .await
        .expect("id");
    let first = first.as_i64().expect("an id");
    page.press("a").await.expect("a");
    page.wait_until(
        &format!("document.getElementById('comment-{first}').hidden"),
        WAIT,
    )
    .await
    .expect("approved");
    page.press("u").await.expect("u");
    page.wait_until(
        &format!("!document.getElementById('comment-{first}').hidden"),
        WAIT,
    )
    .await
    .expect("the card is back");
    assert_eq!(status_of(&server, first).await, Status::Pending);
    let rows = server.store.decisions(first).await.expect("history");
    let kinds: Vec<DecisionKind> = rows.iter().map(|d| d.decision).collect();
    assert_eq!(
        kinds,
        [
            DecisionKind::Review,
            DecisionKind::Approve,
            DecisionKind::Review
        ]
    );

    // Overturn one rejection from its history view, with a note.
    let appealed = spam_ids[0];
    page.goto(&server.url(&format!("/moderation/comments/{appealed}")))
        .await
        .expect("history");
    page.wait_for("form.overturn", WAIT)
        .await
        .expect("overturn form");
    let rows_shown = page
        .eval("document.querySelectorAll('table.decisions tbody tr').length")
        .await
        .expect("rows");
    assert_eq!(rows_shown, 2, "the engine's row and the bulk rejection");
    page.screenshot("console-history")
        .await
        .expect("screenshot");
    page.eval(
        "document.querySelector('form.overturn input[value=approve]').checked = true; \
         document.querySelector('form.overturn textarea').value = 'Appeal: a real market stall, not an advert'; true",
    )
    .await
    .expect("fill the form");
    page.click("form.overturn button[type=submit]")
        .await
        .expect("submit");
    page.wait_for("p.notice", WAIT).await.expect("overturned");
    let history = server.store.decisions(appealed).await.expect("history");
    assert_eq!(history.len(), 3, "every row kept");
    assert_eq!(history[2].decision, DecisionKind::Approve);
    assert_eq!(
        history[2].note.as_deref(),
        Some("Appeal: a real market stall, not an advert")
    );
    assert_eq!(
        page.eval("document.querySelectorAll('table.decisions tbody tr').length")
            .await
            .expect("rows"),
        3
    );
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

#[tokio::test]
async fn the_language_filter_shows_only_that_language() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::launch_for_test("console_browser").await else {
        return;
    };
    let server = TestServer::start().await;
    post_comments(
        &server,
        &[
            "هذا القرار جيد للمدينة ونحن ندعمه بقوة".to_owned(),
            "Will the new cycle lanes reach the old town before winter?".to_owned(),
            "نريد المزيد من الممرات الآمنة للدراجات قرب المدارس".to_owned(),
        ],
    )
    .await;
    let page = browser.new_page().await.expect("page");
    log_in(&page, &server, "admin", ADMIN_PASSWORD).await;
    open_console(&page, &server, "").await;
    assert_eq!(
        page.eval("document.querySelectorAll('.card').length")
            .await
            .expect("n"),
        3
    );
    // Choose the language in the filter form and submit it.
    page.eval("document.querySelector('select[name=lang]').value = 'ar'; document.querySelector('form.filters').submit(); true")
        .await
        .expect("filter");
    page.wait_until("location.search.includes('lang=ar')", WAIT)
        .await
        .expect("filtered");
    ready(&page).await;
    let langs = page
        .eval("Array.from(document.querySelectorAll('.card')).map(c => c.dataset.lang).join(' ')")
        .await
        .expect("langs");
    assert_eq!(langs, "ar ar");
}

#[tokio::test]
async fn of_two_moderators_deciding_one_comment_one_wins_and_the_other_is_told() {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(browser) = Browser::launch_for_test("console_browser").await else {
        return;
    };
    let server = TestServer::start().await;
    server.moderators(&["mona", "omar"]).await;
    let ids = post_comments(&server, &clean_comments(1)).await;
    let omar_page = browser.new_page().await.expect("page");
    log_in(&omar_page, &server, "omar", "moderator-password").await;
    open_console(&omar_page, &server, "").await;
    omar_page
        .wait_until(
            "document.getElementById('console').dataset.claimed === 'yes'",
            WAIT,
        )
        .await
        .expect("omar's console claims what it shows");
    // Omar's claim lapses while his console still shows the comment.
    let omar = server
        .store
        .user_by_name("omar")
        .await
        .expect("read")
        .expect("omar");
    server
        .store
        .release_claims(omar.id, None)
        .await
        .expect("release");

    let mona_page = browser.new_page().await.expect("page");
    log_in(&mona_page, &server, "mona", "moderator-password").await;
    open_console(&mona_page, &server, "").await;
    mona_page.press("a").await.expect("a");
    // Her screen is clear then, and reloads; the store says she decided.
    for _ in 0..500 {
        if status_of(&server, ids[0]).await == Status::Approved {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        status_of(&server, ids[0]).await,
        Status::Approved,
        "mona decided"
    );

    // Omar's console heard of it live; his key is refused all the same, and says why.
    omar_page.press("a").await.expect("a");
    let told = omar_page
        .wait_until(
            "document.querySelector('.card.focused .card-message').textContent.includes('nothing was changed')",
            WAIT,
        )
        .await;
    let said = text(
        &omar_page,
        "document.querySelector('.card.focused .card-message').textContent",
    )
    .await;
    assert!(told.is_ok(), "omar is told: {said}");
    assert!(said.contains("decided meanwhile"), "{said}");
    let rows = server.store.decisions(ids[0]).await.expect("history");
    let people: Vec<&Actor> = rows.iter().skip(1).map(|d| &d.actor).collect();
    assert_eq!(
        people,
        [&Actor::User("mona".into())],
        "only mona's decision is recorded"
    );
}
