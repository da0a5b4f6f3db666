//! Every message id the pages use exists in every language's catalogue: the ids written in the
//! templates and the page handlers, the reasons and labels of every guideline category, the
//! labels of the fields an error can name, and the messages of the error codes people meet.

use std::path::{Path, PathBuf};

use tribune_i18n::{Catalogues, Language};
use tribune_moderation::Category;

/// The first words of Tribune's message ids.
const PREFIXES: [&str; 13] = [
    "nav-",
    "time-",
    "index-",
    "article-",
    "status-",
    "login-",
    "logout-",
    "console-",
    "error-",
    "guidelines-",
    "reason-",
    "category-",
    "field-",
];

fn files(dir: &Path, extension: &str, into: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, extension, into);
        } else if path.extension().is_some_and(|e| e == extension) {
            into.push(path);
        }
    }
}

/// The string literals of `text` that look like message ids; in a template only those that
/// are a call's first argument (`t.get("…")`), since markup has quoted class names too.
fn ids_in(text: &str, calls_only: bool) -> Vec<String> {
    let pieces: Vec<&str> = text.split('"').collect();
    pieces
        .iter()
        .enumerate()
        .skip(1)
        .step_by(2)
        .filter(|(at, _)| !calls_only || pieces[at - 1].ends_with('('))
        .map(|(_, literal)| *literal)
        .filter(|literal| {
            PREFIXES.iter().any(|p| literal.starts_with(p))
                && literal.len() > 4
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

fn used_ids() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("templates"), "html", &mut paths);
    files(&root.join("src"), "rs", &mut paths);
    let mut used = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let template = path.extension().is_some_and(|e| e == "html");
        for id in ids_in(&text, template) {
            used.push((path.display().to_string(), id));
        }
    }
    used
}

#[test]
fn every_id_the_templates_and_handlers_use_is_in_every_catalogue() {
    let catalogues = Catalogues::load().expect("catalogues");
    let used = used_ids();
    assert!(
        used.len() > 60,
        "found only {} ids: is the scan broken?",
        used.len()
    );
    let mut missing = Vec::new();
    for (file, id) in &used {
        for language in Language::ALL {
            if !catalogues.has(language, id) {
                missing.push(format!("{file}: {id} not in {language}"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn the_scan_finds_an_id_no_catalogue_has() {
    let catalogues = Catalogues::load().expect("catalogues");
    let ids = ids_in(
        r#"<p class="article-x">{{ layout.t.get("article-no-such-message") }}</p>"#,
        true,
    );
    assert_eq!(ids, ["article-no-such-message"]);
    assert!(!catalogues.has(Language::English, &ids[0]));
}

#[test]
fn every_category_has_a_reason_and_a_label_and_every_field_a_label() {
    let catalogues = Catalogues::load().expect("catalogues");
    let categories = Category::ALL.iter().map(|c| c.as_str()).chain(["other"]);
    for category in categories {
        for id in [format!("reason-{category}"), format!("category-{category}")] {
            for language in Language::ALL {
                assert!(catalogues.has(language, &id), "{id} in {language}");
            }
        }
    }
    for field in [
        "author_name",
        "author_email",
        "body",
        "note",
        "username",
        "slug",
    ] {
        for language in Language::ALL {
            assert!(catalogues.has(language, &format!("field-{field}")));
        }
    }
}

/// The error codes the server's source gives (`code: "…"`, `input("…"`, `not_found("…"`).
fn error_codes() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), "rs", &mut paths);
    let mut codes = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        for marker in [
            "code: \"",
            "::input(",
            "::not_found(",
            "ApiError::not_found(",
        ] {
            for (at, _) in text.match_indices(marker) {
                let rest = text[at + marker.len()..].trim_start();
                let rest = rest.strip_prefix('"').unwrap_or(rest);
                if let Some(end) = rest.find('"') {
                    let code = &rest[..end];
                    if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    {
                        codes.push(code.to_owned());
                    }
                }
            }
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn the_errors_readers_and_moderators_meet_have_messages() {
    let catalogues = Catalogues::load().expect("catalogues");
    // Codes only an API client or an operator meets: pages never show them, and a client
    // asking for another language gets the words for their status.
    let api_only = [
        "bad_demo_article",
        "bad_idempotency_key",
        "bad_limit",
        "bad_minutes",
        "bad_username",
        "comments_immutable",
        "hello",
        "unknown_route",
        "user_exists",
        "weak_password",
    ];
    let codes = error_codes();
    assert!(codes.len() > 15, "{codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|code| !api_only.contains(&code.as_str()))
        .filter(|code| !catalogues.has(Language::English, &format!("error-{code}")))
        .collect();
    assert!(
        missing.is_empty(),
        "no error-<code> message for {missing:?}"
    );
}
