//! The E5S1 model file: a header of sizes, a SentencePiece vocabulary and normaliser map (which
//! this crate skips: `tokenizer.json` tokenises), then a directory of named tensors, each fp32 or
//! Q4_0, at byte offsets into the same file. Everything is little-endian.
//!
//! Parsing checks every length against the file before reading it and every tensor the
//! network needs against the sizes the header states, so a damaged file fails here with the
//! field named, never later inside a matrix product.

use std::collections::HashMap;
use std::ops::Range;

/// What the file says the network is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Width of every hidden state (384 for multilingual-e5-small).
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    /// Width of the feed-forward layer (1536).
    pub feed_forward: usize,
    /// Rows of the word-embedding matrix (250,037).
    pub vocabulary: usize,
    /// Positions the position-embedding matrix holds (512).
    pub max_positions: usize,
    /// Token-type rows stored; only row 0 is used.
    pub token_types: usize,
    pub layer_norm_eps: f64,
}

/// Weights per Q4_0 block, as the header's block-size field must say.
pub const Q4_BLOCK: usize = 32;
/// Bytes per Q4_0 block: an fp16 scale and 16 bytes of two nibbles each.
pub const Q4_BLOCK_BYTES: usize = 18;
const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;
/// No real model comes near these; they keep a damaged header from asking for absurd sizes.
const MAX_DIMENSION: usize = 1 << 16;
const MAX_VOCABULARY: usize = 1 << 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32,
    Q4_0,
}

impl TensorType {
    fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::F32),
            1 => Some(Self::Q4_0),
            _ => None,
        }
    }

    fn bytes_for(self, values: usize) -> usize {
        match self {
            Self::F32 => values * 4,
            Self::Q4_0 => values / Q4_BLOCK * Q4_BLOCK_BYTES,
        }
    }
}

/// One tensor of the directory: its type, number of values and where its bytes lie.
#[derive(Debug, Clone)]
pub struct TensorEntry {
    pub kind: TensorType,
    pub values: usize,
    pub bytes: Range<usize>,
}

/// A parsed, validated file: the network's sizes and every tensor it needs, by name.
#[derive(Debug)]
pub struct Layout {
    pub config: Config,
    tensors: HashMap<String, TensorEntry>,
}

impl Layout {
    /// The entry of a tensor the layout was validated to hold.
    pub fn tensor(&self, name: &str) -> &TensorEntry {
        // `parse` refuses a file that lacks any name of `expected_tensors`, the only names the
        // model asks for.
        &self.tensors[name]
    }
}

/// The tensors the network needs, with their type and number of values, in file order.
pub fn expected_tensors(config: &Config) -> Vec<(String, TensorType, usize)> {
    let (h, ff) = (config.hidden, config.feed_forward);
    let mut expected = vec![
        (
            "emb.word".to_owned(),
            TensorType::Q4_0,
            config.vocabulary * h,
        ),
        (
            "emb.pos".to_owned(),
            TensorType::F32,
            config.max_positions * h,
        ),
        (
            "emb.type".to_owned(),
            TensorType::F32,
            config.token_types * h,
        ),
        ("emb.ln.w".to_owned(), TensorType::F32, h),
        ("emb.ln.b".to_owned(), TensorType::F32, h),
    ];
    for layer in 0..config.layers {
        let mut add = |suffix: &str, kind, values| {
            expected.push((format!("l{layer}.{suffix}"), kind, values));
        };
        for projection in ["q", "k", "v", "ao"] {
            add(&format!("{projection}.w"), TensorType::Q4_0, h * h);
            add(&format!("{projection}.b"), TensorType::F32, h);
        }
        add("aln.w", TensorType::F32, h);
        add("aln.b", TensorType::F32, h);
        add("fi.w", TensorType::Q4_0, ff * h);
        add("fi.b", TensorType::F32, ff);
        add("fo.w", TensorType::Q4_0, h * ff);
        add("fo.b", TensorType::F32, h);
        add("oln.w", TensorType::F32, h);
        add("oln.b", TensorType::F32, h);
    }
    expected
}

/// Reads the file's header and tensor directory and checks them; the error says what is wrong
/// and at which byte.
pub fn parse(file: &[u8]) -> Result<Layout, String> {
    let mut cursor = Cursor { file, at: 0 };
    let magic = cursor.take(4, "magic")?;
    if magic != MAGIC {
        return Err(format!(
            "bad magic {:?}: not an E5S1 model file (expected {:?})",
            String::from_utf8_lossy(magic),
            String::from_utf8_lossy(MAGIC)
        ));
    }
    let version = cursor.u32("version")?;
    if version != VERSION {
        return Err(format!(
            "format version {version}, this reader knows version {VERSION}"
        ));
    }
    let config = read_config(&mut cursor)?;
    skip_vocabulary(&mut cursor)?;

    let count = cursor.count("tensor count", 1 << 16)?;
    let expected = expected_tensors(&config);
    if count != expected.len() {
        return Err(format!(
            "the tensor directory lists {count} tensors; a model of {} layers has {}",
            config.layers,
            expected.len()
        ));
    }
    let mut tensors = HashMap::with_capacity(count);
    for index in 0..count {
        let (name, entry) = read_entry(&mut cursor, index, file.len())?;
        if tensors.insert(name.clone(), entry).is_some() {
            return Err(format!("tensor {name} is listed twice"));
        }
    }
    for (name, kind, values) in expected {
        let Some(entry) = tensors.get(&name) else {
            return Err(format!("tensor {name} is missing from the directory"));
        };
        if entry.kind != kind {
            return Err(format!(
                "tensor {name} is {:?}, expected {kind:?}",
                entry.kind
            ));
        }
        if entry.values != values {
            return Err(format!(
                "tensor {name} holds {} values, expected {values} for the header's sizes",
                entry.values
            ));
        }
    }
    Ok(Layout { config, tensors })
}

fn read_config(cursor: &mut Cursor) -> Result<Config, String> {
    let hidden = cursor.count("hidden size", MAX_DIMENSION)?;
    let layers = cursor.count("layer count", 256)?;
    let heads = cursor.count("head count", MAX_DIMENSION)?;
    let feed_forward = cursor.count("feed-forward size", MAX_DIMENSION)?;
    let vocabulary = cursor.count("vocabulary size", MAX_VOCABULARY)?;
    let max_positions = cursor.count("position count", MAX_DIMENSION)?;
    let token_types = cursor.count("token-type count", MAX_DIMENSION)?;
    let eps = cursor.f32("layer-norm epsilon")?;
    let block = cursor.count("quantisation block size", MAX_DIMENSION)?;
    let config = Config {
        hidden,
        layers,
        heads,
        feed_forward,
        vocabulary,
        max_positions,
        token_types,
        layer_norm_eps: f64::from(eps),
    };
    let positive = [
        ("hidden size", hidden),
        ("layer count", layers),
        ("head count", heads),
        ("feed-forward size", feed_forward),
        ("vocabulary size", vocabulary),
        ("position count", max_positions),
        ("token-type count", token_types),
    ];
    if let Some((what, _)) = positive.iter().find(|(_, value)| *value == 0) {
        return Err(format!("header: {what} is 0"));
    }
    if block != Q4_BLOCK {
        return Err(format!(
            "header: quantisation block size {block}, expected {Q4_BLOCK}"
        ));
    }
    if !hidden.is_multiple_of(heads) || !hidden.is_multiple_of(Q4_BLOCK) {
        return Err(format!(
            "header: hidden size {hidden} must divide into {heads} heads and blocks of {Q4_BLOCK}"
        ));
    }
    if !feed_forward.is_multiple_of(Q4_BLOCK) {
        return Err(format!(
            "header: feed-forward size {feed_forward} is not a multiple of {Q4_BLOCK}"
        ));
    }
    if !(eps.is_finite() && eps > 0.0) {
        return Err(format!("header: layer-norm epsilon {eps} is not positive"));
    }
    Ok(config)
}

/// The engine's own tokenizer data: piece offsets, scores and bytes, then the normaliser map.
fn skip_vocabulary(cursor: &mut Cursor) -> Result<(), String> {
    let pieces = cursor.count("vocabulary piece count", MAX_VOCABULARY)?;
    cursor.take(16, "special token ids")?;
    let blob = cursor.u64("vocabulary byte length")?;
    cursor.take((pieces + 1) * 4, "vocabulary piece offsets")?;
    cursor.take(pieces * 4, "vocabulary scores")?;
    cursor.take_u64(blob, "vocabulary pieces")?;
    cursor.u32("normaliser entry count")?;
    let map = cursor.u32("normaliser map byte length")?;
    cursor.take_u64(u64::from(map), "normaliser map")?;
    Ok(())
}

fn read_entry(
    cursor: &mut Cursor,
    index: usize,
    file_len: usize,
) -> Result<(String, TensorEntry), String> {
    let name_len = usize::from(cursor.u16("tensor name length")?);
    let name_bytes = cursor.take(name_len, "tensor name")?;
    let name = std::str::from_utf8(name_bytes)
        .map_err(|_| format!("tensor {index}: name is not UTF-8"))?
        .to_owned();
    let code = cursor.take(1, "tensor type")?[0];
    let kind = TensorType::from_code(code)
        .ok_or_else(|| format!("tensor {name}: unknown type code {code}"))?;
    let values = cursor.u32("tensor value count")? as usize;
    let offset = cursor.u64("tensor offset")?;
    let stored = cursor.u64("tensor byte length")?;
    if kind == TensorType::Q4_0 && !values.is_multiple_of(Q4_BLOCK) {
        return Err(format!(
            "tensor {name}: {values} values is not whole Q4_0 blocks of {Q4_BLOCK}"
        ));
    }
    let len = kind.bytes_for(values);
    if stored != len as u64 {
        return Err(format!(
            "tensor {name}: directory says {stored} bytes, {values} {kind:?} values take {len}"
        ));
    }
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    // A Q4_0 block starts with its fp16 scale: blocks are read in place, 2-byte aligned.
    if kind == TensorType::Q4_0 && !start.is_multiple_of(2) {
        return Err(format!(
            "tensor {name}: Q4_0 data at odd offset {start} (must be 2-byte aligned)"
        ));
    }
    let end = start.saturating_add(len);
    if end > file_len {
        return Err(format!(
            "truncated: tensor {name} needs bytes {start}..{end}, the file has {file_len}"
        ));
    }
    Ok((
        name,
        TensorEntry {
            kind,
            values,
            bytes: start..end,
        },
    ))
}

struct Cursor<'a> {
    file: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self.at.saturating_add(len);
        let Some(bytes) = self.file.get(self.at..end) else {
            return Err(format!(
                "truncated: the {what} needs bytes {}..{end}, the file has {}",
                self.at,
                self.file.len()
            ));
        };
        self.at = end;
        Ok(bytes)
    }

    fn take_u64(&mut self, len: u64, what: &str) -> Result<&'a [u8], String> {
        self.take(usize::try_from(len).unwrap_or(usize::MAX), what)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let bytes = self.take(N, what)?;
        let mut array = [0; N];
        array.copy_from_slice(bytes);
        Ok(array)
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        self.array(what).map(u16::from_le_bytes)
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        self.array(what).map(u32::from_le_bytes)
    }

    fn u64(&mut self, what: &str) -> Result<u64, String> {
        self.array(what).map(u64::from_le_bytes)
    }

    fn f32(&mut self, what: &str) -> Result<f32, String> {
        self.array(what).map(f32::from_le_bytes)
    }

    /// A non-negative i32 of the header, at most `max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize, String> {
        let at = self.at;
        let value = self.array(what).map(i32::from_le_bytes)?;
        match usize::try_from(value) {
            Ok(count) if count <= max => Ok(count),
            _ => Err(format!(
                "{what} {value} at byte {at} is out of range (0..={max})"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TinyModel, tiny_config};

    fn error_of(bytes: &[u8]) -> String {
        parse(bytes).expect_err("the file is damaged")
    }

    #[test]
    fn the_tiny_model_parses_with_its_header_and_every_tensor() {
        let model = TinyModel::random(tiny_config(), 1);
        let bytes = model.to_bytes();
        let layout = parse(&bytes).expect("a valid file");
        assert_eq!(layout.config, tiny_config());
        for tensor in &model.tensors {
            let entry = layout.tensor(&tensor.name);
            assert_eq!(
                &bytes[entry.bytes.clone()],
                &tensor.data[..],
                "{}",
                tensor.name
            );
        }
    }

    #[test]
    fn bad_magic_is_refused_as_not_a_model_file() {
        let mut bytes = TinyModel::random(tiny_config(), 1).to_bytes();
        bytes[..4].copy_from_slice(b"GGUF");
        let error = error_of(&bytes);
        assert!(error.contains("bad magic \"GGUF\""), "{error}");
        assert!(error_of(b"{\"model\": 1}").contains("bad magic"));
    }

    #[test]
    fn a_file_cut_anywhere_is_refused_as_truncated_naming_the_part() {
        let bytes = TinyModel::random(tiny_config(), 1).to_bytes();
        let cases = [
            (2, "the magic"),
            (10, "the hidden size"),
            (70, "the vocabulary byte length"),
            (120, "tensor"),
            (bytes.len() - 1, "truncated: tensor l1.oln.b needs bytes"),
        ];
        for (len, part) in cases {
            let error = error_of(&bytes[..len]);
            assert!(error.starts_with("truncated"), "cut at {len}: {error}");
            assert!(error.contains(part), "cut at {len}: {error}");
        }
        assert!(error_of(&[]).starts_with("truncated: the magic"));
    }

    #[test]
    fn a_wrong_tensor_count_is_refused_with_both_counts() {
        let mut model = TinyModel::random(tiny_config(), 1);
        model.tensors.pop();
        let error = error_of(&model.to_bytes());
        assert_eq!(
            error,
            "the tensor directory lists 36 tensors; a model of 2 layers has 37"
        );
    }

    #[test]
    fn a_missing_or_misshapen_tensor_is_named() {
        let mut model = TinyModel::random(tiny_config(), 1);
        model.tensor_mut("l1.fo.w").name = "l1.fo.x".to_owned();
        assert_eq!(
            error_of(&model.to_bytes()),
            "tensor l1.fo.w is missing from the directory"
        );

        let mut model = TinyModel::random(tiny_config(), 1);
        let pos = model.tensor_mut("emb.pos");
        pos.values -= 64;
        pos.data.truncate(pos.values * 4);
        assert_eq!(
            error_of(&model.to_bytes()),
            "tensor emb.pos holds 3008 values, expected 3072 for the header's sizes"
        );

        let mut model = TinyModel::random(tiny_config(), 1);
        let bias = model.tensor_mut("l0.q.b");
        bias.kind = TensorType::Q4_0;
        bias.data.truncate(bias.values / Q4_BLOCK * Q4_BLOCK_BYTES);
        assert_eq!(
            error_of(&model.to_bytes()),
            "tensor l0.q.b is Q4_0, expected F32"
        );
    }

    #[test]
    fn a_header_with_impossible_sizes_is_refused() {
        let mut model = TinyModel::random(tiny_config(), 1);
        model.config.heads = 5;
        assert!(error_of(&model.to_bytes()).contains("must divide into 5 heads"));

        let mut model = TinyModel::random(tiny_config(), 1);
        model.version = 2;
        assert_eq!(
            error_of(&model.to_bytes()),
            "format version 2, this reader knows version 1"
        );

        let mut bytes = TinyModel::random(tiny_config(), 1).to_bytes();
        bytes[8..12].copy_from_slice(&(-1i32).to_le_bytes());
        assert_eq!(
            error_of(&bytes),
            "hidden size -1 at byte 8 is out of range (0..=65536)"
        );
    }
}
