//! The crate's one error type.

use tribune_learned::LearnedError;

/// What can go wrong while reading a corpus, training, or writing a model.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// A line of a JSON Lines file is not a valid record.
    #[error("{file}, line {line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    /// A corpus file holds no record.
    #[error("{file} holds no record")]
    Empty { file: String },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    /// Training, calibration or the model file failed.
    #[error(transparent)]
    Learned(#[from] LearnedError),
}
