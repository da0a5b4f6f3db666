use std::path::PathBuf;

/// Everything that can go wrong loading or running the encoder; each says what and where.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {what}", path.display())]
    Format { path: PathBuf, what: String },
    #[error("{}: not a usable tokenizer: {message}", path.display())]
    Tokenizer { path: PathBuf, message: String },
    #[error(
        "{}: the tokenizer has {pieces} pieces but the model's word embeddings only {rows} rows: \
         the tokenizer and the model file do not belong together",
        path.display()
    )]
    VocabularyMismatch {
        path: PathBuf,
        pieces: usize,
        rows: usize,
    },
    #[error("{}: cannot prune its vocabulary: {what}", path.display())]
    PrunedVocabulary { path: PathBuf, what: String },
    #[error(
        "max_tokens {requested} is out of range: at least 3 and at most the model's {positions} positions"
    )]
    MaxTokens { requested: usize, positions: usize },
    #[error("cannot tokenize the text: {0}")]
    Tokenize(String),
    #[error("token sequence refused: {0}")]
    Tokens(String),
    #[error("encoder computation failed: {0}")]
    Compute(#[from] candle_core::Error),
}
