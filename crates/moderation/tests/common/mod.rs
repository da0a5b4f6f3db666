//! What the integration tests share: the data folder kept outside the repository.

use std::path::PathBuf;

/// `../shared/data` next to the repository, or `None` with the reason printed. Under
/// `CI=true` a missing folder is a failure: CI has it, so its absence means a broken set-up.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    let reason = format!("{test}: the shared data folder is not present next to the repository");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{reason} (CI=true: it must be)"
    );
    println!("skipped: {reason}");
    None
}
