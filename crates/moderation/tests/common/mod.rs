//! What the integration tests share: the data folder kept outside the repository.

use std::path::PathBuf;

/// `../shared/data` next to the repository, or `None` with the reason printed. Under
/// `CI=true` a missing folder is a failure: CI has it, so its absence means a broken set-up.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    tribune_test_support::shared_data_or_skip(test, ".")
        .map(|_| tribune_test_support::shared_data())
}
