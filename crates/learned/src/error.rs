//! The crate's one error type.

/// Everything that can go wrong in this crate: bad settings, bad training input, and model
/// files that are not what they claim to be.
#[derive(Debug, thiserror::Error)]
pub enum LearnedError {
    /// Feature or training settings out of range.
    #[error("invalid settings: {0}")]
    InvalidConfig(String),
    /// No example had a known label for any head.
    #[error("no training example has a known label")]
    NoLabels,
    /// A training example's features do not fit the model's buckets.
    #[error("example {example} has bucket {bucket}, but the model has {buckets} buckets")]
    BucketOutOfRange {
        example: usize,
        bucket: u32,
        buckets: usize,
    },
    /// The bytes do not start with the model file's magic.
    #[error("not a Tribune learned model (bad magic bytes)")]
    BadMagic,
    /// A model file of a format version this build does not read.
    #[error("model format version {found} is not supported (this build reads version {supported})")]
    UnsupportedVersion { found: u16, supported: u16 },
    /// The file ends before a field it announces.
    #[error(
        "model file truncated: {what} needs {needed} bytes at offset {offset}, only {available} left"
    )]
    Truncated {
        what: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// The stored checksum does not match the content: the file was damaged.
    #[error("model file corrupt: checksum {stored:#018x} stored, {computed:#018x} computed")]
    ChecksumMismatch { stored: u64, computed: u64 },
    /// A field holds a value no writer produces.
    #[error("model file corrupt: {what} at offset {offset}: {detail}")]
    Corrupt {
        what: &'static str,
        offset: usize,
        detail: String,
    },
    /// Writing the model failed.
    #[error("writing the model failed: {0}")]
    Write(#[from] std::io::Error),
}
