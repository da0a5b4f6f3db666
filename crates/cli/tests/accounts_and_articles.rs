//! The `tribune` binary's account and article commands, run as a user would.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn tribune(args: &[&str], data: &Path, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tribune");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn user_add_creates_an_account_once_and_refuses_bad_input() {
    let data = tempfile::tempdir().expect("temp dir");
    let args = [
        "user",
        "add",
        "dana",
        "--role",
        "moderator",
        "--password-stdin",
    ];
    let created = tribune(&args, data.path(), "a-good-long-password\n");
    assert!(created.status.success(), "{}", text(&created.stderr));
    assert!(text(&created.stdout).contains("Created dana (moderator)"));

    let again = tribune(&args, data.path(), "a-good-long-password\n");
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );

    let weak = tribune(
        &["user", "add", "eve", "--role", "admin", "--password-stdin"],
        data.path(),
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(text(&weak.stderr).contains("at least 10 characters"));

    let role = tribune(
        &["user", "add", "eve", "--role", "king", "--password-stdin"],
        data.path(),
        "",
    );
    assert!(!role.status.success());
    assert!(text(&role.stderr).contains("unknown role"));
}

#[test]
fn article_import_reports_bad_files_and_keeps_importing_the_rest() {
    let data = tempfile::tempdir().expect("temp dir");
    let good = data.path().join("good.txt");
    std::fs::write(
        &good,
        "Bridge reopens\n\nThe bridge reopened today.\n\nTraffic is light.\n",
    )
    .expect("write");
    let empty = data.path().join("empty.txt");
    std::fs::write(&empty, "").expect("write");
    let output = tribune(
        &[
            "article",
            "import",
            good.to_str().expect("path"),
            empty.to_str().expect("path"),
        ],
        data.path(),
        "",
    );
    assert!(!output.status.success());
    assert!(
        text(&output.stdout).contains("as /articles/bridge-reopens (2 paragraphs"),
        "{}",
        text(&output.stdout)
    );
    assert!(
        text(&output.stderr).contains("empty.txt: not imported"),
        "{}",
        text(&output.stderr)
    );

    // Importing the same title again gets a new slug instead of overwriting.
    let again = tribune(
        &["article", "import", good.to_str().expect("path")],
        data.path(),
        "",
    );
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("/articles/bridge-reopens-2"));
}

#[test]
fn importing_a_scraped_article_collapses_repeats_and_drops_the_comment_section() {
    let Some(article) = tribune_test_support::shared_data_or_skip(
        "importing the scraped seed article",
        "newsroom/seed-article.txt",
    ) else {
        return;
    };
    let data = tempfile::tempdir().expect("temp dir");
    let output = tribune(
        &["article", "import", article.to_str().expect("path")],
        data.path(),
        "",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report = text(&output.stdout);
    assert!(report.contains("(5 paragraphs, language en)"), "{report}");
    assert_eq!(
        report.matches("repeats an earlier paragraph").count(),
        5,
        "{report}"
    );
    assert!(report.contains("the website's comment section"), "{report}");
}
