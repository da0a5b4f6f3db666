//! Text to token ids with the model's own `tokenizer.json` (Hugging Face Unigram), prefixed as
//! e5 expects and capped at a token length; its vocabulary whole or pruned to the kept pieces.

use std::path::Path;

use tokenizers::{Tokenizer, TruncationParams};

use crate::EncoderError;
use crate::vocabulary::{KeptPieces, pruned_tokenizer};

/// e5 is trained with one of two prefixes; a comment is read as a query (a short text to
/// compare), as the heads are trained.
pub const QUERY_PREFIX: &str = "query: ";

pub struct TextTokenizer {
    inner: Tokenizer,
    /// With a pruned vocabulary, the full vocabulary's id of each pruned id (ascending).
    full_ids: Option<Vec<u32>>,
}

impl TextTokenizer {
    /// Loads `path`, whole or pruned to `kept`, refusing a tokenizer with more pieces than the
    /// model has rows. `max_tokens` counts the start and end tokens.
    pub fn load(
        path: &Path,
        kept: Option<&KeptPieces>,
        rows: usize,
        max_tokens: usize,
    ) -> Result<Self, EncoderError> {
        let failed = |message: String| EncoderError::Tokenizer {
            path: path.to_owned(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|source| EncoderError::Read {
            path: path.to_owned(),
            source,
        })?;
        let (mut inner, full_ids, pieces) = match kept {
            None => {
                let inner = Tokenizer::from_bytes(&bytes).map_err(|e| failed(e.to_string()))?;
                let pieces = inner.get_vocab_size(true);
                (inner, None, pieces)
            }
            Some(kept) => (
                pruned_tokenizer(path, &bytes, kept)?,
                Some(kept.ids().to_vec()),
                kept.pieces(),
            ),
        };
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
        Ok(Self { inner, full_ids })
    }

    /// The full vocabulary's ids of `"query: " + text`, start and end tokens included, at most
    /// `max_tokens`.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, EncoderError> {
        let encoding = self
            .inner
            .encode(format!("{QUERY_PREFIX}{text}"), true)
            .map_err(|e| EncoderError::Tokenize(e.to_string()))?;
        let ids = encoding.get_ids();
        match &self.full_ids {
            None => Ok(ids.to_vec()),
            Some(full) => ids
                .iter()
                .map(|&id| {
                    full.get(id as usize).copied().ok_or_else(|| {
                        EncoderError::Tokenize(format!("the pruned tokenizer gave id {id}"))
                    })
                })
                .collect(),
        }
    }
}
