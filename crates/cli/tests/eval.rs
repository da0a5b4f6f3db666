//! `tribune eval` on a labelled corpus file reports the engine and the learned model alone, on a
//! toxic-spans file the character F1 of the engine's evidence; `tribune train` trains on
//! several folders.

use std::path::Path;
use std::process::Command;

#[test]
fn eval_on_labelled_records_reports_the_engine_and_the_learned_model_by_source() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../training/tests/fixtures/tiny.jsonl");
    let output = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .arg("eval")
        .arg(&fixture)
        .output()
        .expect("run tribune eval");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("precision"), "{report}");
    assert!(report.contains("learned model alone"), "{report}");
    assert!(report.contains("AUC"), "{report}");
    assert!(report.lines().any(|l| l.starts_with("source=")), "{report}");
}

fn training_fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../training/tests/fixtures")
        .join(name)
}

fn run(args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(args)
        .output()
        .expect("run tribune");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn eval_on_a_spans_file_reports_the_character_f1_of_the_evidence() {
    let fixture = training_fixture("spans.jsonl");
    let report = run(&["eval".as_ref(), fixture.as_os_str()]);
    assert!(report.contains("4 posts"), "{report}");
    let f1: f64 = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("span F1:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no span F1 in {report}"));
    // The clean post scores 1 when it has no evidence, and "idiot" is in the English lexicon.
    assert!(f1 > 0.25 && f1 <= 1.0, "{report}");
    assert!(
        report.contains("on the 3 posts with marked spans"),
        "{report}"
    );
}

#[test]
fn train_reads_every_data_folder_and_records_its_command() {
    let out = tempfile::tempdir().expect("temp dir");
    let model = out.path().join("two.bin");
    let (tweets, extra) = (
        training_fixture("two-folders/tweets"),
        training_fixture("two-folders/extra"),
    );
    let report = run(&[
        "train".as_ref(),
        "--data".as_ref(),
        tweets.as_os_str(),
        "--data".as_ref(),
        extra.as_os_str(),
        "--bits".as_ref(),
        "12".as_ref(),
        "--out".as_ref(),
        model.as_os_str(),
    ]);
    assert!(report.contains("source=forum_tr"), "{report}");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(model.with_extension("json")).expect("manifest written"),
    )
    .expect("manifest is JSON");
    let files: Vec<&str> = manifest["data"]
        .as_array()
        .expect("data files")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(
        files,
        [
            "tweets/train.jsonl",
            "tweets/dev.jsonl",
            "extra/train.jsonl",
            "extra/dev.jsonl"
        ]
    );
    let command = manifest["command"].as_str().expect("command recorded");
    assert!(command.starts_with("tribune train --data "), "{command}");
    assert!(command.contains("--bits 12"), "{command}");
    assert_eq!(manifest["training"]["masks"][0], "toxicspans_en:offensive");
}
