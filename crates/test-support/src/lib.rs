//! What Tribune's tests share: where the data kept outside the repository lives, and the one
//! rule for a test that cannot run without something (data, a model, a browser, a CPU feature).
//! A newcomer's clone has none of these, so such a test says why it skips; under `CI=true`,
//! where everything is installed, the same absence is a broken set-up and fails the test.

use std::path::PathBuf;

/// The environment variable that, set to `true`, turns every skip into a failure.
pub const CI_ENV: &str = "CI";

/// Skips what cannot run, saying why (`reason` names what is missing and how to get it);
/// under `CI=true` it panics with the reason instead.
pub fn skip(reason: &str) {
    assert!(!under_ci(), "CI=true: {reason}");
    eprintln!("skipped: {reason}");
}

/// Whether this run is CI's, where nothing a test needs may be missing.
pub fn under_ci() -> bool {
    std::env::var(CI_ENV).as_deref() == Ok("true")
}

/// `../shared/data` beside the checkout: the public labelled datasets, read from there and
/// never copied into the repository. It may not exist (see [`shared_data_or_skip`]).
pub fn shared_data() -> PathBuf {
    // Every crate of the workspace is `crates/NAME`, as this one is.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// [`shared_data`] joined with `path` when that exists; otherwise [`skip`] for `test`, naming
/// what is missing.
pub fn shared_data_or_skip(test: &str, path: &str) -> Option<PathBuf> {
    let found = shared_data().join(path);
    if found.exists() {
        return Some(found);
    }
    skip(&format!(
        "{test}: no ../shared/data/{path} beside the checkout (the labelled data kept outside the repository)"
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_data_folder_is_beside_the_checkout() {
        let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(repository.join("Cargo.lock").is_file());
        assert_eq!(
            shared_data().parent().and_then(|p| p.file_name()),
            Some(std::ffi::OsStr::new("shared"))
        );
    }
}
