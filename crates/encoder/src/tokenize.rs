//! Text to token ids with the model's own `tokenizer.json` (Hugging Face Unigram), prefixed as
//! e5 expects and capped at a token length.

use std::path::Path;

use tokenizers::{Tokenizer, TruncationParams};

use crate::EncoderError;

/// e5 is trained with one of two prefixes; a comment is read as a query (a short text to
/// compare), as the heads are trained.
pub const QUERY_PREFIX: &str = "query: ";

pub struct TextTokenizer {
    inner: Tokenizer,
}

impl TextTokenizer {
    /// Loads `path`, refusing a tokenizer with more pieces than the model has rows.
    /// `max_tokens` counts the start and end tokens.
    pub fn load(path: &Path, rows: usize, max_tokens: usize) -> Result<Self, EncoderError> {
        let failed = |message: String| EncoderError::Tokenizer {
            path: path.to_owned(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|source| EncoderError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut inner = Tokenizer::from_bytes(&bytes).map_err(|e| failed(e.to_string()))?;
        let pieces = inner.get_vocab_size(true);
        if pieces > rows {
            return Err(EncoderError::VocabularyMismatch {
                path: path.to_owned(),
                pieces,
                rows,
            });
        }
        // The file sets neither; padding would cost a forward over pad tokens.
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                max_length: max_tokens,
                ..TruncationParams::default()
            }))
            .map_err(|e| failed(e.to_string()))?;
        Ok(Self { inner })
    }

    /// The ids of `"query: " + text`, start and end tokens included, at most `max_tokens`.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, EncoderError> {
        let encoding = self
            .inner
            .encode(format!("{QUERY_PREFIX}{text}"), true)
            .map_err(|e| EncoderError::Tokenize(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }
}
