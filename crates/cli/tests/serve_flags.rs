//! `tribune serve` refuses flag values it cannot honour before it opens anything, naming the
//! flag.

use std::process::Command;

#[test]
fn serve_refuses_zero_encoder_threads_and_names_the_flag() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_tribune"))
        .args(["serve", "--encoder-threads", "0", "--data"])
        .arg(data.path())
        .output()
        .expect("run tribune");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--encoder-threads"), "{stderr}");
    // Nothing was created: the flag was refused before the database was opened.
    assert_eq!(
        std::fs::read_dir(data.path()).expect("read dir").count(),
        0,
        "{stderr}"
    );
}
