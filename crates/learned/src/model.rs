//! The shipped model: quantised weights, calibration and thresholds per head, and its file
//! format.
//!
//! # File format (version 1, all integers and floats little-endian)
//!
//! | field | size |
//! |---|---|
//! | magic `TRIBLRN` + `0x1A` | 8 |
//! | format version (`u16`) | 2 |
//! | feature settings: bits, char_min, char_max, flags (bit 0 word bigrams, bit 1 language copies) (`u8` each), max_chars (`u32`), char/word/signal weights (`f32` each) | 20 |
//! | quantisation exponent γ (`f32`) | 4 |
//! | head count (`u8`), then per head: name length (`u8`), name (UTF-8), bias, scale, calibration a, calibration b, best-F1 threshold (`f32` each), reject and approve thresholds (flag `u8` + `f32` each) | variable |
//! | non-zero bucket count (`u32`), bitmap of non-zero buckets (`2^bits / 8` bytes) | variable |
//! | per non-zero bucket, in bucket order: one `i8` per head | variable |
//! | FNV-1a 64 checksum of all preceding bytes (`u64`) | 8 |
//!
//! A weight `q` of head `h` stands for `scale_h · sign(q) · (|q| / 127)^γ`: the power law
//! spends the 255 levels where most weights are, near zero.

use std::io::Write;

use crate::error::LearnedError;
use crate::features::{FeatureConfig, Featurizer, Fnv1a, MAX_BITS, MIN_BITS, SparseVector};

/// Number of heads (categories) a model scores.
pub const HEAD_COUNT: usize = 7;

const MAGIC: &[u8; 8] = b"TRIBLRN\x1a";
const VERSION: u16 = 1;
/// Exponent of the quantisation code book.
const GAMMA: f32 = 2.0;

/// A category the model scores: the corpus categories, with `offensive` as the umbrella of
/// profanity, vulgarity, threat, personal attack and identity abuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Head {
    Offensive,
    Profanity,
    Vulgarity,
    Threat,
    PersonalAttack,
    IdentityAbuse,
    Promotion,
}

impl Head {
    /// Every head, in the order of [`Scores`] and of the model file.
    pub const ALL: [Head; HEAD_COUNT] = [
        Head::Offensive,
        Head::Profanity,
        Head::Vulgarity,
        Head::Threat,
        Head::PersonalAttack,
        Head::IdentityAbuse,
        Head::Promotion,
    ];

    /// The corpus label name (`personal_attack`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Head::Offensive => "offensive",
            Head::Profanity => "profanity",
            Head::Vulgarity => "vulgarity",
            Head::Threat => "threat",
            Head::PersonalAttack => "personal_attack",
            Head::IdentityAbuse => "identity_abuse",
            Head::Promotion => "promotion",
        }
    }

    /// The head with this corpus label name.
    pub fn from_name(name: &str) -> Option<Head> {
        Head::ALL.into_iter().find(|h| h.as_str() == name)
    }

    /// Position in [`Head::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Calibrated probabilities, one per head.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores([f32; HEAD_COUNT]);

impl Scores {
    /// The probability that the text belongs to `head`.
    pub fn get(&self, head: Head) -> f32 {
        self.0[head.index()]
    }

    /// `(head, probability)` for every head.
    pub fn iter(&self) -> impl Iterator<Item = (Head, f32)> + '_ {
        Head::ALL.into_iter().zip(self.0.iter().copied())
    }
}

/// Platt scaling: probability = `1 / (1 + exp(-(a · margin + b)))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub a: f32,
    pub b: f32,
}

impl Calibration {
    /// The plain logistic function of the margin.
    pub const IDENTITY: Calibration = Calibration { a: 1.0, b: 0.0 };

    /// The calibrated probability of a raw margin.
    pub fn apply(&self, margin: f32) -> f32 {
        sigmoid(self.a * margin + self.b)
    }
}

/// Decision thresholds of one head, on calibrated probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Score ≥ this is positive, chosen to maximise F1 on dev.
    pub best_f1: f32,
    /// Score ≥ this is positive at the target precision on dev (auto-reject); `None` when no
    /// threshold reaches it.
    pub reject: Option<f32>,
    /// Score ≤ this is negative at the target precision on dev (auto-approve); `None` when no
    /// threshold reaches it.
    pub approve: Option<f32>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            best_f1: 0.5,
            reject: None,
            approve: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct HeadParams {
    bias: f32,
    scale: f32,
    calibration: Calibration,
    thresholds: Thresholds,
}

/// A trained multi-label classifier, ready to score. Immutable once built; `predict` is cheap
/// and thread-safe.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    featurizer: Featurizer,
    /// Bucket-major: the weights of bucket `i` are `weights[i * HEAD_COUNT..][..HEAD_COUNT]`,
    /// so one feature reads one cache line.
    weights: Vec<i8>,
    heads: [HeadParams; HEAD_COUNT],
    /// Per head, the value of each code (indexed by `code as u8`).
    lut: Vec<[f32; 256]>,
}

pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn code_book(scale: f32) -> [f32; 256] {
    let mut lut = [0.0f32; 256];
    for (code, v) in lut.iter_mut().enumerate() {
        let q = code as u8 as i8;
        let mag = (f32::from(q).abs() / 127.0).powf(GAMMA);
        *v = scale * mag * f32::from(q).signum();
    }
    lut
}

impl Model {
    /// Quantises trained float weights (bucket-major, `HEAD_COUNT` per bucket) into a model with
    /// identity calibration and default thresholds.
    pub fn quantize(
        config: FeatureConfig,
        weights: &[f32],
        biases: [f32; HEAD_COUNT],
    ) -> Result<Model, LearnedError> {
        let featurizer = Featurizer::new(config)?;
        let expected = config.buckets() * HEAD_COUNT;
        if weights.len() != expected {
            return Err(LearnedError::InvalidConfig(format!(
                "{} weights given, {expected} expected for {} buckets",
                weights.len(),
                config.buckets()
            )));
        }
        let mut scales = [0.0f32; HEAD_COUNT];
        for row in weights.chunks_exact(HEAD_COUNT) {
            for (s, w) in scales.iter_mut().zip(row) {
                *s = s.max(w.abs());
            }
        }
        let mut q = Vec::with_capacity(weights.len());
        for row in weights.chunks_exact(HEAD_COUNT) {
            for (h, &w) in row.iter().enumerate() {
                let code = if scales[h] > 0.0 && w.is_finite() {
                    let r = (w.abs() / scales[h]).powf(1.0 / GAMMA) * 127.0;
                    (r.round().min(127.0) * w.signum()) as i8
                } else {
                    0
                };
                q.push(code);
            }
        }
        let heads = std::array::from_fn(|h| HeadParams {
            bias: biases[h],
            scale: scales[h],
            calibration: Calibration::IDENTITY,
            thresholds: Thresholds::default(),
        });
        Ok(Model {
            featurizer,
            weights: q,
            lut: scales.iter().map(|&s| code_book(s)).collect(),
            heads,
        })
    }

    /// The featurizer with the settings this model was trained with.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Features of a normalised text and its signal tokens, as the model expects them.
    pub fn features(&self, text: &str, signals: &[String]) -> SparseVector {
        self.featurizer.features(text, signals)
    }

    /// Raw (uncalibrated) margins per head. Buckets beyond the model's range are ignored.
    pub fn margins(&self, x: &SparseVector) -> [f32; HEAD_COUNT] {
        let mut acc = [0.0f32; HEAD_COUNT];
        let buckets = self.featurizer.config().buckets();
        for (i, v) in x.iter() {
            let i = i as usize;
            if i >= buckets {
                continue;
            }
            let row = &self.weights[i * HEAD_COUNT..(i + 1) * HEAD_COUNT];
            for h in 0..HEAD_COUNT {
                acc[h] += self.lut[h][row[h] as u8 as usize] * v;
            }
        }
        for (a, p) in acc.iter_mut().zip(&self.heads) {
            *a += p.bias;
        }
        acc
    }

    /// Calibrated probabilities per head.
    pub fn predict(&self, x: &SparseVector) -> Scores {
        let m = self.margins(x);
        Scores(std::array::from_fn(|h| {
            self.heads[h].calibration.apply(m[h])
        }))
    }

    /// Features of a normalised text in `language` (see [`Featurizer::features_in`]).
    pub fn features_in(
        &self,
        text: &str,
        signals: &[String],
        language: Option<&str>,
    ) -> SparseVector {
        self.featurizer.features_in(text, signals, language)
    }

    /// Features and prediction in one call.
    pub fn score(&self, text: &str, signals: &[String]) -> Scores {
        self.predict(&self.features(text, signals))
    }

    /// Features and prediction in one call, for a text in `language`.
    pub fn score_in(&self, text: &str, signals: &[String], language: Option<&str>) -> Scores {
        self.predict(&self.features_in(text, signals, language))
    }

    /// The calibration of a head.
    pub fn calibration(&self, head: Head) -> Calibration {
        self.heads[head.index()].calibration
    }

    /// Replaces the calibration of a head.
    pub fn set_calibration(&mut self, head: Head, calibration: Calibration) {
        self.heads[head.index()].calibration = calibration;
    }

    /// The thresholds of a head.
    pub fn thresholds(&self, head: Head) -> Thresholds {
        self.heads[head.index()].thresholds
    }

    /// Replaces the thresholds of a head.
    pub fn set_thresholds(&mut self, head: Head, thresholds: Thresholds) {
        self.heads[head.index()].thresholds = thresholds;
    }

    /// Number of buckets with a non-zero weight in some head.
    pub fn nonzero_buckets(&self) -> usize {
        self.weights
            .chunks_exact(HEAD_COUNT)
            .filter(|r| r.iter().any(|&q| q != 0))
            .count()
    }

    /// The model file (see the module documentation for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let c = self.featurizer.config();
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        let flags = u8::from(c.word_bigrams) | (u8::from(c.language_copies) << 1);
        out.extend_from_slice(&[c.bits, c.char_min, c.char_max, flags]);
        out.extend_from_slice(&c.max_chars.to_le_bytes());
        for f in [c.char_weight, c.word_weight, c.signal_weight, GAMMA] {
            out.extend_from_slice(&f.to_le_bytes());
        }
        out.push(HEAD_COUNT as u8);
        for (head, p) in Head::ALL.iter().zip(&self.heads) {
            out.push(head.as_str().len() as u8);
            out.extend_from_slice(head.as_str().as_bytes());
            for f in [
                p.bias,
                p.scale,
                p.calibration.a,
                p.calibration.b,
                p.thresholds.best_f1,
            ] {
                out.extend_from_slice(&f.to_le_bytes());
            }
            for t in [p.thresholds.reject, p.thresholds.approve] {
                out.push(u8::from(t.is_some()));
                out.extend_from_slice(&t.unwrap_or(0.0).to_le_bytes());
            }
        }
        let rows: Vec<&[i8]> = self.weights.chunks_exact(HEAD_COUNT).collect();
        let mut bitmap = vec![0u8; rows.len().div_ceil(8)];
        let mut nonzero = 0u32;
        for (i, r) in rows.iter().enumerate() {
            if r.iter().any(|&q| q != 0) {
                bitmap[i / 8] |= 1 << (i % 8);
                nonzero += 1;
            }
        }
        out.extend_from_slice(&nonzero.to_le_bytes());
        out.extend_from_slice(&bitmap);
        for r in rows.iter().filter(|r| r.iter().any(|&q| q != 0)) {
            out.extend(r.iter().map(|&q| q as u8));
        }
        let mut h = Fnv1a::new();
        h.write(&out);
        out.extend_from_slice(&h.finish().to_le_bytes());
        out
    }

    /// Writes the model file to `w`.
    pub fn write_to(&self, mut w: impl Write) -> Result<(), LearnedError> {
        w.write_all(&self.to_bytes())?;
        Ok(())
    }

    /// Reads a model file, checking magic, version, checksum and every field.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, LearnedError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take("magic", MAGIC.len())? != MAGIC {
            return Err(LearnedError::BadMagic);
        }
        let version = r.u16("format version")?;
        if version != VERSION {
            return Err(LearnedError::UnsupportedVersion {
                found: version,
                supported: VERSION,
            });
        }
        if bytes.len() < r.pos + 8 {
            return Err(LearnedError::Truncated {
                what: "checksum",
                offset: r.pos,
                needed: 8,
                available: bytes.len() - r.pos,
            });
        }
        let (body, tail) = bytes.split_at(bytes.len() - 8);
        let mut stored = [0u8; 8];
        stored.copy_from_slice(tail);
        let stored = u64::from_le_bytes(stored);
        let mut h = Fnv1a::new();
        h.write(body);
        let computed = h.finish();
        if stored != computed {
            return Err(LearnedError::ChecksumMismatch { stored, computed });
        }
        let mut r = Reader {
            bytes: body,
            pos: r.pos,
        };

        let bits_at = r.pos;
        let bits = r.u8("bits")?;
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(r.corrupt("bits", bits_at, format!("{bits} is out of range")));
        }
        let char_min = r.u8("char_min")?;
        let char_max = r.u8("char_max")?;
        let flags_at = r.pos;
        let flags = r.u8("feature flags")?;
        if flags > 3 {
            return Err(r.corrupt("feature flags", flags_at, format!("{flags:#04x}")));
        }
        let config = FeatureConfig {
            bits,
            char_min,
            char_max,
            word_bigrams: flags & 1 != 0,
            language_copies: flags & 2 != 0,
            max_chars: r.u32("max_chars")?,
            char_weight: r.f32("char_weight")?,
            word_weight: r.f32("word_weight")?,
            signal_weight: r.f32("signal_weight")?,
        };
        let featurizer = Featurizer::new(config).map_err(|e| LearnedError::Corrupt {
            what: "feature settings",
            offset: bits_at,
            detail: e.to_string(),
        })?;
        let gamma_at = r.pos;
        let gamma = r.f32("quantisation exponent")?;
        if gamma != GAMMA {
            return Err(r.corrupt(
                "quantisation exponent",
                gamma_at,
                format!("{gamma}, expected {GAMMA}"),
            ));
        }
        let count_at = r.pos;
        let count = r.u8("head count")?;
        if usize::from(count) != HEAD_COUNT {
            return Err(r.corrupt(
                "head count",
                count_at,
                format!("{count}, expected {HEAD_COUNT}"),
            ));
        }
        let mut heads = Vec::with_capacity(HEAD_COUNT);
        for head in Head::ALL {
            let name_at = r.pos;
            let len = r.u8("head name length")?;
            let name = r.take("head name", usize::from(len))?;
            if name != head.as_str().as_bytes() {
                return Err(r.corrupt(
                    "head name",
                    name_at,
                    format!(
                        "{:?}, expected {:?}",
                        String::from_utf8_lossy(name),
                        head.as_str()
                    ),
                ));
            }
            let bias = r.finite("bias")?;
            let scale = r.finite("scale")?;
            let calibration = Calibration {
                a: r.finite("calibration a")?,
                b: r.finite("calibration b")?,
            };
            let best_f1 = r.finite("best-F1 threshold")?;
            let reject = r.optional("reject threshold")?;
            let approve = r.optional("approve threshold")?;
            heads.push(HeadParams {
                bias,
                scale,
                calibration,
                thresholds: Thresholds {
                    best_f1,
                    reject,
                    approve,
                },
            });
        }
        let buckets = config.buckets();
        let nonzero_at = r.pos;
        let nonzero = r.u32("non-zero bucket count")? as usize;
        let bitmap = r.take("bucket bitmap", buckets.div_ceil(8))?;
        let set: usize = bitmap.iter().map(|b| b.count_ones() as usize).sum();
        if set != nonzero {
            return Err(r.corrupt(
                "non-zero bucket count",
                nonzero_at,
                format!("{nonzero}, but the bitmap marks {set}"),
            ));
        }
        let packed = r.take("weights", nonzero * HEAD_COUNT)?;
        if r.pos != body.len() {
            return Err(r.corrupt(
                "end of weights",
                r.pos,
                format!("{} unexpected bytes", body.len() - r.pos),
            ));
        }
        let mut weights = vec![0i8; buckets * HEAD_COUNT];
        let mut rows = packed.chunks_exact(HEAD_COUNT);
        for i in 0..buckets {
            if bitmap[i / 8] & (1 << (i % 8)) != 0 {
                if let Some(row) = rows.next() {
                    for (w, &b) in weights[i * HEAD_COUNT..(i + 1) * HEAD_COUNT]
                        .iter_mut()
                        .zip(row)
                    {
                        *w = b as i8;
                    }
                }
            }
        }
        let heads: [HeadParams; HEAD_COUNT] =
            heads
                .try_into()
                .map_err(|_| LearnedError::Corrupt {
                    what: "heads",
                    offset: count_at,
                    detail: "wrong number of heads".to_owned(),
                })?;
        Ok(Model {
            featurizer,
            weights,
            lut: heads.iter().map(|p| code_book(p.scale)).collect(),
            heads,
        })
    }
}

/// A bounds-checked cursor over model bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, what: &'static str, n: usize) -> Result<&'a [u8], LearnedError> {
        let available = self.bytes.len() - self.pos;
        if n > available {
            return Err(LearnedError::Truncated {
                what,
                offset: self.pos,
                needed: n,
                available,
            });
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], LearnedError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(what, N)?);
        Ok(a)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, LearnedError> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, LearnedError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, LearnedError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &'static str) -> Result<f32, LearnedError> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    fn finite(&mut self, what: &'static str) -> Result<f32, LearnedError> {
        let at = self.pos;
        let v = self.f32(what)?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(self.corrupt(what, at, format!("{v} is not finite")))
        }
    }

    fn optional(&mut self, what: &'static str) -> Result<Option<f32>, LearnedError> {
        let at = self.pos;
        let flag = self.u8(what)?;
        let v = self.finite(what)?;
        match flag {
            0 => Ok(None),
            1 => Ok(Some(v)),
            f => Err(self.corrupt(what, at, format!("presence flag {f}, expected 0 or 1"))),
        }
    }

    fn corrupt(&self, what: &'static str, offset: usize, detail: String) -> LearnedError {
        LearnedError::Corrupt {
            what,
            offset,
            detail,
        }
    }
}
