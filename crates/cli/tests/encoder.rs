//! `tribune check` and `tribune embed` with the encoder (built with `--features encoder`). The
//! real model comes from the folder `TRIBUNE_ENCODER_MODEL` names (`scripts/test.sh` sets it);
//! without it the tests that need it say why they skip, and fail under `CI=true`.
#![cfg(feature = "encoder")]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::model_dir;

fn tribune(args: &[&str], model: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(args)
        .env("TRIBUNE_ENCODER_MODEL", model)
        .output()
        .expect("tribune runs")
}

#[test]
fn check_says_the_fast_stages_alone_decide_without_a_model_folder() {
    let empty = tempfile::tempdir().expect("temporary folder");
    let output = tribune(&["check", "the bridge is open"], empty.path());
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("decision: "), "{stdout}");
    let line = stdout.lines().last().unwrap_or_default();
    assert!(line.starts_with("encoder: no model in "), "{line}");
    assert!(line.ends_with("the fast stages only"), "{line}");
}

#[test]
fn check_reports_the_loaded_encoder_and_its_cost() {
    let Some(dir) = model_dir() else { return };
    let output = tribune(&["check", "Köprü sonunda onarıldı."], &dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    assert!(
        line.starts_with("encoder: multilingual-e5-small from "),
        "{line}"
    );
    assert!(line.contains(" tokens, embedded in "), "{line}");
    assert!(
        line.contains(" (Int8 products)") || line.contains(" (Q4Embeddings products)"),
        "{line}"
    );
    // --json keeps the verdict's shape on stdout; the status goes to stderr.
    let output = tribune(&["check", "--json", "Köprü sonunda onarıldı."], &dir);
    let verdict: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the verdict as JSON");
    assert!(verdict["decision"].is_string());
    assert!(String::from_utf8_lossy(&output.stderr).contains("encoder: multilingual-e5-small"));
}

#[test]
fn embed_writes_one_unit_embedding_per_record_with_its_id() {
    let Some(dir) = model_dir() else { return };
    let work = tempfile::tempdir().expect("temporary folder");
    let input = work.path().join("comments.jsonl");
    std::fs::write(
        &input,
        "{\"id\": 7, \"text\": \"The bridge is open.\", \"lang\": \"en\"}\n\n\
         {\"id\": \"b\", \"text\": \"پل باز است.\"}\n",
    )
    .expect("write input");
    let out = work.path().join("embeddings.jsonl");
    let output = tribune(
        &[
            "embed",
            input.to_str().expect("UTF-8 path"),
            "--out",
            out.to_str().expect("UTF-8 path"),
        ],
        &dir,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .expect("read output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["id"].clone(), lines[1]["id"].clone()),
        (7.into(), "b".into())
    );
    for line in &lines {
        let embedding: Vec<f64> = line["embedding"]
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| v.as_f64().expect("a number"))
            .collect();
        assert_eq!(embedding.len(), 384);
        let length: f64 = embedding.iter().map(|v| v * v).sum();
        assert!((length - 1.0).abs() < 1e-3, "length {length}");
        assert!(line["tokens"].as_u64().expect("a count") > 3);
    }
    assert!(String::from_utf8_lossy(&output.stderr).contains("embedded 2 texts"));
}

/// A group compared to animals with no word any list holds: with auto-approval on the fast
/// stages approve it; the encoder stage's heads doubt it (`offensive` between
/// `approve_below` and `review_at`, 0.62 with the shipped heads), so a human decides.
const UNLISTED_COMPARISON: &str = "They breed like rabbits and then ask for our money.";

fn approving_policy(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("policy.toml");
    std::fs::write(&path, "auto_approve = true\n").expect("write policy");
    path
}

#[test]
fn check_holds_back_what_the_encoder_doubts_and_says_why() {
    let Some(dir) = model_dir() else { return };
    let work = tempfile::tempdir().expect("temporary folder");
    let policy = approving_policy(work.path());
    let policy = policy.to_str().expect("UTF-8 path");
    let fast = tribune(
        &[
            "check",
            "--policy",
            policy,
            "--no-encoder",
            UNLISTED_COMPARISON,
        ],
        &dir,
    );
    let fast = String::from_utf8_lossy(&fast.stdout);
    assert!(fast.starts_with("decision: approve"), "{fast}");
    let output = tribune(&["check", "--policy", policy, UNLISTED_COMPARISON], &dir);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("decision: review"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("reason: encoder: ") && l.contains("a human decides")),
        "{stdout}"
    );
    // A clean comment stays approved with the stage.
    let clean = tribune(
        &[
            "check",
            "--policy",
            policy,
            "Thank you for this careful report on the budget.",
        ],
        &dir,
    );
    assert!(String::from_utf8_lossy(&clean.stdout).starts_with("decision: approve"));
}

#[test]
fn moderate_reads_with_the_encoder_stage_and_without_it_on_request() {
    let Some(dir) = model_dir() else { return };
    let work = tempfile::tempdir().expect("temporary folder");
    let policy = approving_policy(work.path());
    let run = |extra: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tribune"))
            .arg("moderate")
            .arg("--policy")
            .arg(&policy)
            .args(extra)
            .env("TRIBUNE_ENCODER_MODEL", &dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("tribune runs");
        let line = serde_json::json!({"id": 1, "text": UNLISTED_COMPARISON, "lang": "en"});
        std::io::Write::write_all(
            child.stdin.as_mut().expect("stdin"),
            format!("{line}\n").as_bytes(),
        )
        .expect("write stdin");
        let output = child.wait_with_output().expect("tribune ends");
        let verdict: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("one verdict line");
        (
            verdict,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (with, _) = run(&[]);
    assert_eq!(with["decision"], "review", "{with}");
    let (without, stderr) = run(&["--no-encoder"]);
    assert_eq!(without["decision"], "approve", "{without}");
    assert!(stderr.contains("encoder: off (--no-encoder)"), "{stderr}");
}
