//! `tribune eval` on a labelled corpus file reports the engine and the learned model alone.

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
