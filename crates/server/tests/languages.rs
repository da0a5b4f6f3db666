//! The six interface languages over real HTTP: how a page's language is chosen (`?lang=`, the
//! cookie it leaves, `Accept-Language`, the article's language, the instance default), its
//! direction, and that a page in another language shows none of the English catalogue's
//! messages (the catalogue's ids are the list).

mod common;
mod english_left;

use common::{ADMIN_PASSWORD, TestServer, cookie_set};
use english_left::{english_left, tribune_words};
use reqwest::StatusCode;
use serde_json::json;
use tribune_i18n::{Catalogues, Language};
use tribune_server::ServerConfig;

/// A page fetched with the given headers.
async fn page(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let mut request = server.client.get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("GET");
    (response.status(), response.text().await.expect("html"))
}

/// The `<html>` element's `lang` and `dir`.
fn html_lang_dir(html: &str) -> (String, String) {
    let start = html.find("<html").expect("an html element");
    let tag = &html[start..start + html[start..].find('>').expect("end of tag")];
    let attribute = |name: &str| {
        let marker = format!("{name}=\"");
        tag.find(&marker)
            .map(|at| {
                let rest = &tag[at + marker.len()..];
                rest[..rest.find('"').unwrap_or(0)].to_owned()
            })
            .unwrap_or_default()
    };
    (attribute("lang"), attribute("dir"))
}

#[tokio::test]
async fn lang_in_the_query_picks_the_language_and_direction_and_is_remembered() {
    let server = TestServer::start().await;
    for (tag, dir) in [
        ("ar", "rtl"),
        ("ckb", "rtl"),
        ("fa", "rtl"),
        ("kmr", "ltr"),
        ("tr", "ltr"),
    ] {
        let response = server.get(&format!("/?lang={tag}")).await;
        let remembered = cookie_set(&response, "tribune_lang");
        let html = response.text().await.expect("html");
        assert_eq!(
            html_lang_dir(&html),
            (tag.to_owned(), dir.to_owned()),
            "{html}"
        );
        assert_eq!(remembered, Some(format!("tribune_lang={tag}")));
    }
    let (_, kurmanji) = page(&server, "/?lang=kmr", &[]).await;
    assert!(kurmanji.contains(">Gotar<"), "{kurmanji}");

    // The cookie alone keeps the language on the next page, over the browser's preference.
    let (_, turkish) = page(
        &server,
        "/login",
        &[("cookie", "tribune_lang=tr"), ("accept-language", "fa")],
    )
    .await;
    assert_eq!(html_lang_dir(&turkish), ("tr".into(), "ltr".into()));
    assert!(turkish.contains("Moderatör girişi"), "{turkish}");
    // A new pick replaces it; an unknown one changes nothing.
    let (_, arabic) = page(&server, "/login?lang=ar", &[("cookie", "tribune_lang=tr")]).await;
    assert_eq!(html_lang_dir(&arabic).0, "ar");
    let (_, still) = page(&server, "/login?lang=xx", &[("cookie", "tribune_lang=tr")]).await;
    assert_eq!(html_lang_dir(&still).0, "tr");
}

#[tokio::test]
async fn accept_language_then_the_article_then_the_instance_default_choose_the_language() {
    let server = TestServer::start().await;
    let (_, persian) = page(
        &server,
        "/",
        &[("accept-language", "fa-IR,fa;q=0.9,en;q=0.5")],
    )
    .await;
    assert_eq!(html_lang_dir(&persian), ("fa".into(), "rtl".into()));
    assert!(persian.contains("مطالب"), "{persian}");

    // A browser that names none of ours: the Sorani article's page is in Sorani, and the
    // English article's in English.
    let (_, sorani) = page(
        &server,
        "/articles/erbil-library",
        &[("accept-language", "de")],
    )
    .await;
    assert_eq!(html_lang_dir(&sorani), ("ckb".into(), "rtl".into()));
    assert!(sorani.contains("لێدوانێک بنووسە"), "{sorani}");
    let (_, english) = page(&server, "/articles/cycle-lanes", &[]).await;
    assert_eq!(html_lang_dir(&english), ("en".into(), "ltr".into()));
    // The browser's language beats the article's; the article keeps its own lang and dir.
    let (_, english_frame) = page(
        &server,
        "/articles/erbil-library",
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(html_lang_dir(&english_frame).0, "en");
    assert!(
        english_frame.contains("lang=\"ckb\" dir=\"rtl\""),
        "{english_frame}"
    );

    let turkish_instance = TestServer::with_config(ServerConfig {
        default_language: Language::Turkish,
        comments_per_minute: 1000,
        ..ServerConfig::default()
    })
    .await;
    let (_, front) = page(&turkish_instance, "/", &[]).await;
    assert_eq!(html_lang_dir(&front).0, "tr");
    let (_, asked) = page(&turkish_instance, "/", &[("accept-language", "ar")]).await;
    assert_eq!(html_lang_dir(&asked).0, "ar");
}

#[tokio::test]
async fn every_page_has_a_switcher_to_every_language_in_its_own_name() {
    let server = TestServer::start().await;
    let (_, html) = page(&server, "/articles/cycle-lanes?lang=fa", &[]).await;
    for language in Language::ALL {
        let link = format!(
            "href=\"/articles/cycle-lanes?lang={tag}\" lang=\"{tag}\" hreflang=\"{tag}\" dir=\"{dir}\"",
            tag = language.tag(),
            dir = language.direction().as_str()
        );
        assert!(html.contains(&link), "{link} in {html}");
        assert!(html.contains(language.native_name()));
    }
    assert!(html.contains("hreflang=\"fa\" dir=\"rtl\" aria-current=\"true\""));
    // Error pages too, linking back to a path of this site only.
    let (status, missing) = page(&server, "//elsewhere.example/x?lang=ar", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("href=\"/?lang=kmr\""), "{missing}");
    assert!(!missing.contains("elsewhere.example"));
}

/// Logs the seeded admin in with the form; returns the session cookie.
async fn log_in(server: &TestServer) -> String {
    let (cookie, csrf) = server.form_token("/login").await;
    let response = server
        .post_form(
            "/login",
            &cookie,
            &[
                ("csrf", &csrf),
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    cookie_set(&response, "tribune_session").expect("session cookie")
}

#[tokio::test]
async fn no_english_catalogue_message_remains_on_a_page_in_another_language() {
    let server = TestServer::start().await;
    let catalogues = Catalogues::load().expect("catalogues");
    let pending = server
        .comment("cycle-lanes", "Dana wrote: الطريق مغلق today")
        .await;
    let id = pending["id"].as_i64().expect("id");
    let token = pending["token"].as_str().expect("token");
    let status_cookie = format!("tribune_comment_{id}={token}");
    let session = log_in(&server).await;
    let rejected = server
        .comment("erbil-library", "ئەم کتێبخانەیە زۆر باشە")
        .await;
    let rejected_id = rejected["id"].as_i64().expect("id");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, _) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{rejected_id}/decision"),
            &json!({ "decision": "reject", "category": "promotion" }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rejected_cookie = format!(
        "tribune_comment_{rejected_id}={}",
        rejected["token"].as_str().expect("token")
    );

    let pages: Vec<(String, String)> = vec![
        ("/".into(), String::new()),
        ("/articles/cycle-lanes".into(), String::new()),
        ("/articles/erbil-library?reply_to=1".into(), String::new()),
        ("/login".into(), String::new()),
        (format!("/comments/{id}"), status_cookie.clone()),
        (format!("/comments/{rejected_id}"), rejected_cookie.clone()),
        (format!("/comments/{id}"), String::new()),
        ("/no-such-page".into(), String::new()),
        // The console: the pending queue with its cards, a decided queue, the decision log,
        // a comment's history with the overturn form, and a bulk decision's outcome.
        ("/moderation".into(), session.clone()),
        ("/moderation?queue=rejected".into(), session.clone()),
        ("/moderation?queue=log".into(), session.clone()),
        (format!("/moderation/comments/{id}"), session.clone()),
        (
            format!("/moderation/comments/{rejected_id}"),
            session.clone(),
        ),
    ];
    let mut english_seen = 0;
    for language in Language::ALL {
        for (path, cookie) in &pages {
            let cookie = format!("{cookie}; tribune_lang={}", language.tag());
            let (_, html) = page(&server, path, &[("cookie", &cookie)]).await;
            assert_eq!(html_lang_dir(&html).0, language.tag(), "{path}");
            let words = tribune_words(&html);
            let left = english_left(&catalogues, language, &words);
            if language == Language::English {
                english_seen += left.len();
            } else {
                assert!(
                    left.is_empty(),
                    "{language} {path}: English left: {left:?}\n{words}"
                );
            }
        }
    }
    // The check can fail: on the English pages it finds the English messages.
    assert!(english_seen > 40, "{english_seen}");
}

#[tokio::test]
async fn form_errors_come_in_the_page_s_language_and_the_api_s_message_in_the_asked_one() {
    let server = TestServer::start().await;
    let (cookie, csrf) = server.form_token("/articles/erbil-library").await;
    let response = server
        .client
        .post(server.url("/articles/erbil-library/comments"))
        .header("cookie", format!("{cookie}; tribune_lang=ckb"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("author_name", ""),
            ("body", "سڵاو"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.expect("html");
    assert!(html.contains("تکایە ناوێک بنووسە"), "{html}");
    assert!(!html.contains("please give a name"));

    let too_long = "x".repeat(5001);
    let persian = server
        .client
        .post(server.url("/api/v1/articles/cycle-lanes/comments"))
        .header("accept-language", "fa")
        .json(&json!({ "author_name": "A", "body": too_long }))
        .send()
        .await
        .expect("POST");
    let body: serde_json::Value = persian.json().await.expect("json");
    assert_eq!(body["error"]["code"], "body_too_long");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("۵٬۰۰۱") && message.contains("۵٬۰۰۰"),
        "{message}"
    );
    // Without a language asked for, the API keeps its English developer message.
    let (_, english) = server
        .post_json(
            "/api/v1/articles/cycle-lanes/comments",
            &json!({ "author_name": "A", "body": "x".repeat(5001) }),
            None,
        )
        .await;
    assert_eq!(
        english["error"]["message"],
        "the comment has 5001 characters; the limit is 5000"
    );
}

#[tokio::test]
async fn comments_and_names_are_isolated_from_the_page_s_direction() {
    let server = TestServer::start().await;
    let posted = server
        .comment("erbil-library", "Great news: کتێبخانەکە دەکرێتەوە!")
        .await;
    let id = posted["id"].as_i64().expect("id");
    let admin = server.login("admin", ADMIN_PASSWORD).await;
    let (status, _) = server
        .post_json(
            &format!("/api/v1/moderation/comments/{id}/decision"),
            &json!({ "decision": "approve" }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = page(&server, "/articles/erbil-library?lang=ar", &[]).await;
    assert!(
        html.contains("<strong><bdi>Reader</bdi></strong>"),
        "{html}"
    );
    assert!(
        html.contains("<div class=\"body\" dir=\"auto\">Great news: کتێبخانەکە دەکرێتەوە!</div>"),
        "{html}"
    );
    // Dates in the page's digits.
    assert!(
        html.contains("بالتوقيت العالمي") && html.contains('٢'),
        "{html}"
    );
}

#[tokio::test]
async fn the_stylesheet_mirrors_by_logical_properties_and_fetches_no_fonts() {
    let server = TestServer::start().await;
    let css = server
        .get("/static/tribune.css")
        .await
        .text()
        .await
        .expect("css");
    let mut rules = String::new();
    let mut rest = css.as_str();
    while let Some(start) = rest.find("/*") {
        rules.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    rules.push_str(rest);
    for physical in [
        "left",
        "right",
        "margin-top",
        "margin-bottom",
        "padding-top",
        "padding-bottom",
        "border-top",
        "border-bottom",
    ] {
        assert!(!rules.contains(physical), "{physical} in the stylesheet");
    }
    assert!(!rules.contains("url(") && !rules.contains("@import") && !rules.contains("@font-face"));
    for font in [
        "Noto Naskh Arabic",
        "Segoe UI",
        "Tahoma",
        "Geeza Pro",
        "DejaVu Sans",
    ] {
        assert!(rules.contains(font), "{font}");
    }
    assert!(rules.contains("[lang|=\"ckb\"]"));
}
