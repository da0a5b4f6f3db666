//! The pruned vocabulary: of the tokenizer's 250,002 pieces, only those our six languages use
//! are held in memory (the `tokenizers` crate spends about 1.2 kB per piece on its trie and
//! maps), with a Unigram model of those pieces and the word-embedding rows they name.
//!
//! The list of kept pieces (`vocabulary/kept-pieces.bin`, rebuilt by
//! `cargo run -p tribune-encoder --example prune_vocabulary`) holds every piece the
//! full tokenizer uses on our labelled data (corpus, corpus-extra, the functional suite, the
//! newsroom examples) and this crate's test sentences, every single-character piece, every
//! special token and the lowest-scoring piece.
//!
//! Why it is exact on that data: Unigram tokenisation is a Viterbi search for the
//! highest-scoring segmentation over the lattice of vocabulary pieces. Removing pieces only
//! removes paths; if the best path with the full vocabulary used kept pieces alone, it is still
//! there and nothing better appeared, so it is still the best one — and since the search keeps
//! the first of equal candidates in an order removal does not change, ties resolve the same way.
//! Two things outside the lattice's pieces must not move either: the unknown-character score
//! (the lowest piece score minus 10: the lowest-scoring piece is kept) and where an unknown
//! character is assumed (wherever no single-character piece matches: they are all kept). A text
//! that needs a removed piece falls back to smaller kept pieces, single characters at worst,
//! never to the unknown token where the full vocabulary had none.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use tokenizers::{
    AddedToken, DecoderWrapper, NormalizerWrapper, PostProcessorWrapper, PreTokenizerWrapper,
    Tokenizer, models::unigram::Unigram,
};

use crate::EncoderError;

/// Which pieces of the tokenizer the encoder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vocabulary {
    /// The pieces of the committed list only (the default): exact on our labelled data, about
    /// a tenth of the tokenizer's memory.
    #[default]
    Pruned,
    /// Every piece of `tokenizer.json` and every row of the word embeddings.
    Full,
}

const MAGIC: &[u8; 4] = b"TKP1";
const HEADER: usize = 16;

/// The committed list, made for the model folder's `tokenizer.json`.
const BUILTIN: &[u8] = include_bytes!("../vocabulary/kept-pieces.bin");

/// A list of piece ids to keep, tied to the tokenizer it was made from by that vocabulary's
/// size and fingerprint. Stored as a header (`TKP1`, the piece count as u32, the fingerprint as
/// u64, little-endian) and a bitmap of one bit per piece, lowest id in the lowest bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPieces {
    pieces: usize,
    fingerprint: u64,
    /// Ascending: position `i` is the pruned id `i`, the value its id in the full vocabulary.
    kept: Vec<u32>,
}

/// Why a piece is kept, in the order the rule is applied (a piece counts under the first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeptCounts {
    pub special: usize,
    pub used: usize,
    pub single_character: usize,
    pub lowest_score: usize,
}

impl KeptPieces {
    /// The list committed in this crate.
    pub fn builtin() -> Result<Self, String> {
        Self::parse(BUILTIN).map_err(|what| format!("the committed kept-pieces list: {what}"))
    }

    /// The rule: every special token, every piece `used` names, every single-character piece
    /// and the lowest-scoring piece (its score sets the unknown-character penalty).
    pub fn select(
        vocabulary: &[(String, f64)],
        special: &[u32],
        used: impl IntoIterator<Item = u32>,
    ) -> Result<(Self, KeptCounts), String> {
        let pieces = vocabulary.len();
        let mut kept = BTreeSet::new();
        let mut counts = KeptCounts::default();
        let mut add = |id: u32, count: &mut usize| -> Result<(), String> {
            if id as usize >= pieces {
                return Err(format!("piece id {id} is not below the {pieces} pieces"));
            }
            if kept.insert(id) {
                *count += 1;
            }
            Ok(())
        };
        for &id in special {
            add(id, &mut counts.special)?;
        }
        for id in used {
            add(id, &mut counts.used)?;
        }
        for (id, (piece, _)) in vocabulary.iter().enumerate() {
            if piece.chars().count() == 1 {
                add(id as u32, &mut counts.single_character)?;
            }
        }
        let lowest = vocabulary
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .map(|(id, _)| id as u32)
            .ok_or("the vocabulary is empty")?;
        add(lowest, &mut counts.lowest_score)?;
        Ok((
            Self {
                pieces,
                fingerprint: fingerprint(vocabulary),
                kept: kept.into_iter().collect(),
            },
            counts,
        ))
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let header = bytes
            .get(..HEADER)
            .ok_or_else(|| format!("{} bytes, shorter than the header", bytes.len()))?;
        if &header[..4] != MAGIC {
            return Err("bad magic: not a kept-pieces list".to_owned());
        }
        let pieces = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let mut print = [0u8; 8];
        print.copy_from_slice(&header[8..16]);
        let bitmap = &bytes[HEADER..];
        if bitmap.len() != pieces.div_ceil(8) {
            return Err(format!(
                "a bitmap of {} bytes for {pieces} pieces (expected {})",
                bitmap.len(),
                pieces.div_ceil(8)
            ));
        }
        let kept: Vec<u32> = (0..pieces)
            .filter(|&id| bitmap[id / 8] >> (id % 8) & 1 == 1)
            .map(|id| id as u32)
            .collect();
        if kept.is_empty() {
            return Err("it keeps no piece".to_owned());
        }
        Ok(Self {
            pieces,
            fingerprint: u64::from_le_bytes(print),
            kept,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend((self.pieces as u32).to_le_bytes());
        out.extend(self.fingerprint.to_le_bytes());
        let mut bitmap = vec![0u8; self.pieces.div_ceil(8)];
        for &id in &self.kept {
            bitmap[id as usize / 8] |= 1 << (id % 8);
        }
        out.extend(bitmap);
        out
    }

    /// The kept ids of the full vocabulary, ascending (the pruned id is the index).
    pub fn ids(&self) -> &[u32] {
        &self.kept
    }

    /// Pieces of the vocabulary the list was made from.
    pub fn pieces(&self) -> usize {
        self.pieces
    }

    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

/// FNV-1a (64-bit) over every piece's bytes, a 0xFF separator (never in UTF-8) and its score's
/// bits: a list made for one tokenizer is refused for another.
pub fn fingerprint(vocabulary: &[(String, f64)]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (piece, score) in vocabulary {
        feed(piece.as_bytes());
        feed(&[0xFF]);
        feed(&score.to_bits().to_le_bytes());
    }
    hash
}

/// The parts of `tokenizer.json` a pruned tokenizer is assembled from.
#[derive(Deserialize)]
struct TokenizerFile {
    #[serde(default)]
    added_tokens: Vec<AddedEntry>,
    normalizer: Option<NormalizerWrapper>,
    pre_tokenizer: Option<PreTokenizerWrapper>,
    post_processor: Option<serde_json::Value>,
    decoder: Option<DecoderWrapper>,
    model: ModelFile,
}

#[derive(Deserialize)]
struct AddedEntry {
    id: u32,
    #[serde(flatten)]
    token: AddedToken,
}

#[derive(Deserialize)]
struct ModelFile {
    #[serde(rename = "type")]
    kind: String,
    unk_id: Option<usize>,
    vocab: Vec<(String, f64)>,
    #[serde(default)]
    byte_fallback: bool,
}

/// Builds, from the full `tokenizer.json` bytes, a tokenizer of the kept pieces only: the
/// pruned Unigram (ids renumbered to the list's order) with the file's normaliser,
/// pre-tokeniser, post-processor (its special ids renumbered), decoder and added tokens.
/// Never builds the full Unigram.
pub fn pruned_tokenizer(
    path: &Path,
    bytes: &[u8],
    list: &KeptPieces,
) -> Result<Tokenizer, EncoderError> {
    let failed = |message: String| EncoderError::Tokenizer {
        path: path.to_owned(),
        message,
    };
    let file: TokenizerFile =
        serde_json::from_slice(bytes).map_err(|e| failed(format!("cannot read it: {e}")))?;
    let model = file.model;
    if model.kind != "Unigram" {
        return Err(failed(format!(
            "a {} model; only a Unigram vocabulary can be pruned",
            model.kind
        )));
    }
    let print = fingerprint(&model.vocab);
    if model.vocab.len() != list.pieces || print != list.fingerprint {
        return Err(EncoderError::PrunedVocabulary {
            path: path.to_owned(),
            what: format!(
                "the kept-pieces list was made for a tokenizer of {} pieces (fingerprint \
                 {:016x}), this one has {} (fingerprint {print:016x}): rebuild the list or load \
                 the full vocabulary",
                list.pieces,
                list.fingerprint,
                model.vocab.len()
            ),
        });
    }
    let pruned_id = |id: u32, what: &str| -> Result<u32, EncoderError> {
        list.kept
            .binary_search(&id)
            .map(|at| at as u32)
            .map_err(|_| EncoderError::PrunedVocabulary {
                path: path.to_owned(),
                what: format!("{what} (piece {id}) is not in the kept-pieces list"),
            })
    };
    let unk = model
        .unk_id
        .map(|id| pruned_id(id as u32, "the unknown token"))
        .transpose()?;
    let mut vocab = model.vocab;
    let kept: Vec<(String, f64)> = list
        .kept
        .iter()
        .map(|&id| std::mem::take(&mut vocab[id as usize]))
        .collect();
    drop(vocab);
    let mut added = Vec::with_capacity(file.added_tokens.len());
    for entry in file.added_tokens {
        let at = pruned_id(entry.id, &format!("added token {:?}", entry.token.content))?;
        if kept[at as usize].0 != entry.token.content {
            return Err(failed(format!(
                "added token {:?} has id {}, which is the piece {:?}",
                entry.token.content, entry.id, kept[at as usize].0
            )));
        }
        added.push(entry.token);
    }
    let post_processor = file
        .post_processor
        .map(|mut value| {
            renumber_special_ids(&mut value, |id| pruned_id(id, "a post-processor token"))?;
            serde_json::from_value::<PostProcessorWrapper>(value)
                .map_err(|e| failed(format!("its post-processor: {e}")))
        })
        .transpose()?;
    let unigram = Unigram::from(kept, unk.map(|id| id as usize), model.byte_fallback)
        .map_err(|e| failed(e.to_string()))?;
    let mut tokenizer = Tokenizer::new(unigram);
    tokenizer
        .with_normalizer(file.normalizer)
        .map_err(|e| failed(e.to_string()))?
        .with_pre_tokenizer(file.pre_tokenizer)
        .with_post_processor(post_processor)
        .with_decoder(file.decoder);
    tokenizer
        .add_tokens(added)
        .map_err(|e| failed(e.to_string()))?;
    Ok(tokenizer)
}

/// A `TemplateProcessing` post-processor names its special tokens' ids
/// (`special_tokens.NAME.ids`); the pruned model numbers them differently.
fn renumber_special_ids(
    value: &mut serde_json::Value,
    mut renumber: impl FnMut(u32) -> Result<u32, EncoderError>,
) -> Result<(), EncoderError> {
    let Some(tokens) = value
        .get_mut("special_tokens")
        .and_then(|t| t.as_object_mut())
    else {
        return Ok(());
    };
    for token in tokens.values_mut() {
        let Some(ids) = token.get_mut("ids").and_then(|ids| ids.as_array_mut()) else {
            continue;
        };
        for id in ids {
            if let Some(old) = id.as_u64().and_then(|v| u32::try_from(v).ok()) {
                *id = renumber(old)?.into();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vec<(String, f64)> {
        [
            ("<s>", 0.0),
            ("<unk>", 0.0),
            ("▁ab", -1.0),
            ("a", -2.0),
            ("b", -2.5),
            ("▁", -3.0),
            ("ab", -4.0),
            ("é", -9.0),
        ]
        .iter()
        .map(|&(p, s)| (p.to_owned(), s))
        .collect()
    }

    #[test]
    fn the_rule_keeps_specials_used_pieces_single_characters_and_the_lowest_score() {
        let (list, counts) = KeptPieces::select(&vocabulary(), &[0, 1], [2, 5]).expect("selects");
        // "ab" (6) alone is dropped: neither used, special nor one character.
        assert_eq!(list.ids(), &[0, 1, 2, 3, 4, 5, 7]);
        assert_eq!(
            counts,
            KeptCounts {
                special: 2,
                used: 2,
                single_character: 3,
                lowest_score: 0,
            }
        );
        assert!(KeptPieces::select(&vocabulary(), &[0], [8]).is_err());
    }

    #[test]
    fn a_list_survives_its_bytes_and_damaged_bytes_are_refused() {
        let (list, _) = KeptPieces::select(&vocabulary(), &[0, 1], [2]).expect("selects");
        let bytes = list.to_bytes();
        assert_eq!(bytes.len(), HEADER + 1);
        assert_eq!(KeptPieces::parse(&bytes), Ok(list.clone()));
        assert_eq!(list.fingerprint(), fingerprint(&vocabulary()));
        let mut other = vocabulary();
        other[3].1 = -2.1;
        assert_ne!(fingerprint(&other), list.fingerprint());

        assert!(KeptPieces::parse(&bytes[..10]).is_err());
        let mut wrong = bytes.clone();
        wrong[0] = b'X';
        assert_eq!(
            KeptPieces::parse(&wrong),
            Err("bad magic: not a kept-pieces list".to_owned())
        );
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(
            KeptPieces::parse(&long),
            Err("a bitmap of 2 bytes for 8 pieces (expected 1)".to_owned())
        );
    }

    #[test]
    fn the_committed_list_parses() {
        let list = KeptPieces::builtin().expect("the committed list parses");
        assert_eq!(list.pieces(), 250_002);
        assert_eq!(&list.ids()[..4], &[0, 1, 2, 3]);
    }
}
