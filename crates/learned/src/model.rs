//! The shipped model: quantised weights, calibration and thresholds per head (and per
//! language where dev had enough rows of it), and its file format.
//!
//! # File format (version 2, all integers and floats little-endian)
//!
//! | field | size |
//! |---|---|
//! | magic `TRIBLRN` + `0x1A` | 8 |
//! | format version (`u16`) | 2 |
//! | feature settings: bits, char_min, char_max, flags (bit 0 word bigrams, bit 1 language copies of words, bit 2 of character n-grams, bit 3 of signals) (`u8` each), max_chars (`u32`), char/word/signal weights (`f32` each) | 20 |
//! | quantisation exponent γ (`f32`) | 4 |
//! | head count (`u8`), then per head: name length (`u8`), name (UTF-8), bias, scale, and its [head parameters](#head-parameters) | variable |
//! | language count (`u8`), then per language: code length (`u8`), code (ASCII), a `u8` with bit `h` set when head `h` has its own parameters for the language, then those [head parameters](#head-parameters) in head order | variable |
//! | non-zero bucket count (`u32`), bitmap of non-zero buckets (`2^bits / 8` bytes) | variable |
//! | per non-zero bucket, in bucket order: one `i8` per head | variable |
//! | FNV-1a 64 checksum of all preceding bytes (`u64`) | 8 |
//!
//! # Head parameters
//!
//! Calibration a, calibration b, best threshold (`f32` each), then the reject and the approve
//! thresholds (presence flag `u8` + `f32` each).
//!
//! A weight `q` of head `h` stands for `scale_h · q · |q| / 127²` (a power law with γ = 2):
//! the 255 levels are spent where most weights are, near zero, and a text's weights can be
//! added up as integers before one multiplication per head.

use std::io::Write;
use std::ops::Range;

use crate::error::LearnedError;
use crate::features::{
    BLOCKS, CHAR_BLOCK, FeatureConfig, Featurizer, Fnv1a, MAX_BITS, MIN_BITS, SIGNAL_BLOCK, Sink,
    SparseVector, WORD_BLOCK,
};

/// Number of heads (categories) a model scores.
pub const HEAD_COUNT: usize = 7;

const MAGIC: &[u8; 8] = b"TRIBLRN\x1a";
const VERSION: u16 = 2;
/// Exponent of the quantisation code book.
const GAMMA: f32 = 2.0;
/// Weights per bucket in memory: the heads, padded to 8 so a row is one aligned load.
const ROW: usize = 8;
/// Longest language code a model file may hold.
const MAX_LANGUAGE_LEN: usize = 16;

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
    /// Score ≥ this is positive, chosen to maximise macro-F1 (the mean F1 of the positive and
    /// the negative class) on dev.
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

/// Calibration and thresholds of the heads that have their own for one language.
#[derive(Debug, Clone, PartialEq)]
struct LanguageParams {
    code: String,
    heads: [Option<(Calibration, Thresholds)>; HEAD_COUNT],
}

/// A model's calibration and thresholds for texts in one language: [`Model::in_language`].
#[derive(Debug, Clone, Copy)]
pub struct InLanguage<'m> {
    model: &'m Model,
    own: Option<&'m LanguageParams>,
}

impl InLanguage<'_> {
    fn own(&self, head: Head) -> Option<(Calibration, Thresholds)> {
        self.own?.heads[head.index()]
    }

    /// The calibration a head uses: the language's own, else the model-wide one.
    pub fn calibration(&self, head: Head) -> Calibration {
        self.own(head)
            .map_or(self.model.calibration(head), |(c, _)| c)
    }

    /// The thresholds of a head: the language's own, else the model-wide ones.
    pub fn thresholds(&self, head: Head) -> Thresholds {
        self.own(head)
            .map_or(self.model.thresholds(head), |(_, t)| t)
    }

    /// Whether the head has its own calibration and thresholds for the language.
    pub fn has_own(&self, head: Head) -> bool {
        self.own(head).is_some()
    }
}

/// A trained multi-label classifier, ready to score. Immutable once built; scoring is cheap
/// and thread-safe.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    featurizer: Featurizer,
    /// The weights of bucket `i` are `rows[i][..HEAD_COUNT]`: one feature reads one 8-byte row.
    rows: Vec<[i8; ROW]>,
    heads: [HeadParams; HEAD_COUNT],
    languages: Vec<LanguageParams>,
    /// Per head, the value of each code (indexed by `code as u8`).
    lut: Vec<[f32; 256]>,
}

pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// `127²`: a code `q` stands for `scale · q · |q| / CODE_UNIT`.
const CODE_UNIT: f32 = 127.0 * 127.0;

fn code_book(scale: f32) -> [f32; 256] {
    let mut lut = [0.0f32; 256];
    for (code, v) in lut.iter_mut().enumerate() {
        let q = f32::from(code as u8 as i8);
        *v = scale * q * q.abs() / CODE_UNIT;
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
                if w.is_finite() {
                    *s = s.max(w.abs());
                }
            }
        }
        let mut q = vec![[0i8; ROW]; config.buckets()];
        for (row, out) in weights.chunks_exact(HEAD_COUNT).zip(q.iter_mut()) {
            for (h, &w) in row.iter().enumerate() {
                if scales[h] > 0.0 && w.is_finite() {
                    let r = (w.abs() / scales[h]).powf(1.0 / GAMMA) * 127.0;
                    out[h] = (r.round().min(127.0) * w.signum()) as i8;
                }
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
            rows: q,
            lut: scales.iter().map(|&s| code_book(s)).collect(),
            heads,
            languages: Vec::new(),
        })
    }

    /// The featurizer with the settings this model was trained with.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Features of a normalised text and its signal tokens, as the model expects them.
    pub fn features(&self, text: &str, signals: &[&str]) -> SparseVector {
        self.featurizer.features(text, signals)
    }

    /// Features of a normalised text in `language` (see [`Featurizer::features_in`]).
    pub fn features_in(
        &self,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
    ) -> SparseVector {
        self.featurizer.features_in(text, signals, language)
    }

    /// Raw (uncalibrated) margins per head of a feature vector. Buckets beyond the model's
    /// range are ignored.
    pub fn margins(&self, x: &SparseVector) -> [f32; HEAD_COUNT] {
        let mut acc = [0.0f32; HEAD_COUNT];
        for (i, v) in x.iter() {
            let Some(row) = self.rows.get(i as usize) else {
                continue;
            };
            for h in 0..HEAD_COUNT {
                acc[h] += self.lut[h][row[h] as u8 as usize] * v;
            }
        }
        for (a, p) in acc.iter_mut().zip(&self.heads) {
            *a += p.bias;
        }
        acc
    }

    /// Raw margins per head of a normalised text, computed as its features come: the same
    /// figures as `margins(&features_in(..))` up to float rounding, without building the
    /// vector. Each block's codes are summed as integers (`q · |q|`), then scaled once.
    pub fn margins_in(
        &self,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
    ) -> [f32; HEAD_COUNT] {
        let (sums, counts) = self
            .featurizer
            .walk(text, signals, language, CodeSums::new(&self.rows))
            .finish();
        let coef = self.featurizer.coefficients(counts);
        std::array::from_fn(|h| {
            let sum: f32 = (0..BLOCKS).map(|b| coef[b] * sums[b][h] as f32).sum();
            self.heads[h].bias + self.heads[h].scale * sum / CODE_UNIT
        })
    }

    /// How much each word of a normalised text adds to the raw margin of `head`: its
    /// character n-grams and the word itself, weighed as in the whole text (word pairs and
    /// signals belong to no single word). Byte ranges of `text`, largest contribution first.
    /// For evidence: the words that pushed a learned score up.
    pub fn word_contributions(
        &self,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
        head: Head,
    ) -> Vec<(Range<usize>, f32)> {
        let WordSums { counts, words, .. } = self.featurizer.walk(
            text,
            signals,
            language,
            WordSums {
                rows: &self.rows,
                head: head.index(),
                counts: [0; BLOCKS],
                word: [0; 2],
                words: Vec::new(),
            },
        );
        let coef = self.featurizer.coefficients(counts);
        let unit = self.heads[head.index()].scale / CODE_UNIT;
        let mut out: Vec<(Range<usize>, f32)> = words
            .into_iter()
            .map(|(range, [chars, word])| {
                let c = coef[CHAR_BLOCK] * chars as f32 + coef[WORD_BLOCK] * word as f32;
                (range, c * unit)
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    fn language(&self, language: Option<&str>) -> Option<&LanguageParams> {
        let code = language?;
        self.languages.iter().find(|l| l.code == code)
    }

    fn calibrate_margins(&self, m: [f32; HEAD_COUNT], language: Option<&str>) -> Scores {
        let own = self.language(language);
        Scores(std::array::from_fn(|h| {
            let c = own
                .and_then(|l| l.heads[h])
                .map_or(self.heads[h].calibration, |(c, _)| c);
            c.apply(m[h])
        }))
    }

    /// Calibrated probabilities per head, under the model-wide calibration.
    pub fn predict(&self, x: &SparseVector) -> Scores {
        self.predict_in(x, None)
    }

    /// Calibrated probabilities per head for a text in `language`: the language's own
    /// calibration where the model has one, else the model-wide one.
    pub fn predict_in(&self, x: &SparseVector, language: Option<&str>) -> Scores {
        self.calibrate_margins(self.margins(x), language)
    }

    /// Features and prediction in one call, with no language.
    pub fn score(&self, text: &str, signals: &[&str]) -> Scores {
        self.score_in(text, signals, None)
    }

    /// Calibrated probabilities per head of a normalised text in `language`: what the engine
    /// calls for every comment. Allocates nothing.
    pub fn score_in(&self, text: &str, signals: &[&str], language: Option<&str>) -> Scores {
        self.calibrate_margins(self.margins_in(text, signals, language), language)
    }

    /// The model-wide calibration of a head.
    pub fn calibration(&self, head: Head) -> Calibration {
        self.heads[head.index()].calibration
    }

    /// Replaces the model-wide calibration of a head.
    pub fn set_calibration(&mut self, head: Head, calibration: Calibration) {
        self.heads[head.index()].calibration = calibration;
    }

    /// The model-wide thresholds of a head.
    pub fn thresholds(&self, head: Head) -> Thresholds {
        self.heads[head.index()].thresholds
    }

    /// Replaces the model-wide thresholds of a head.
    pub fn set_thresholds(&mut self, head: Head, thresholds: Thresholds) {
        self.heads[head.index()].thresholds = thresholds;
    }

    /// The calibration a head uses for a text in `language`.
    pub fn calibration_in(&self, head: Head, language: Option<&str>) -> Calibration {
        self.in_language(language).calibration(head)
    }

    /// The thresholds of a head for a text in `language` (on [`Model::score_in`]'s scores):
    /// the language's own where the model has them, else the model-wide ones.
    pub fn thresholds_in(&self, head: Head, language: Option<&str>) -> Thresholds {
        self.in_language(language).thresholds(head)
    }

    /// Whether a head has its own calibration and thresholds for `language`.
    pub fn has_own(&self, head: Head, language: &str) -> bool {
        self.in_language(Some(language)).has_own(head)
    }

    /// The model's parameters for texts in `language`, the language looked up once (the
    /// engine asks for several heads' per comment).
    pub fn in_language(&self, language: Option<&str>) -> InLanguage<'_> {
        InLanguage {
            model: self,
            own: self.language(language),
        }
    }

    /// Gives a head its own calibration and thresholds for texts in `language` (an ASCII code
    /// of 1 to 16 chars, as the engine names languages).
    pub fn set_language(
        &mut self,
        language: &str,
        head: Head,
        calibration: Calibration,
        thresholds: Thresholds,
    ) -> Result<(), LearnedError> {
        if !valid_language(language.as_bytes()) {
            return Err(LearnedError::InvalidConfig(format!(
                "language code {language:?} is not 1 to {MAX_LANGUAGE_LEN} ASCII letters, digits, '-' or '_'"
            )));
        }
        let k = match self.languages.iter().position(|l| l.code == language) {
            Some(k) => k,
            None if self.languages.len() < usize::from(u8::MAX) => {
                self.languages.push(LanguageParams {
                    code: language.to_owned(),
                    heads: [None; HEAD_COUNT],
                });
                self.languages.len() - 1
            }
            None => {
                return Err(LearnedError::InvalidConfig(
                    "a model holds at most 255 languages".to_owned(),
                ));
            }
        };
        self.languages[k].heads[head.index()] = Some((calibration, thresholds));
        Ok(())
    }

    /// The languages with their own parameters for some head, in the order they were added.
    pub fn languages(&self) -> impl Iterator<Item = &str> + '_ {
        self.languages.iter().map(|l| l.code.as_str())
    }

    /// Number of buckets with a non-zero weight in some head.
    pub fn nonzero_buckets(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.iter().any(|&q| q != 0))
            .count()
    }

    /// The model file (see the module documentation for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let c = self.featurizer.config();
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        let flags = u8::from(c.word_bigrams)
            | (u8::from(c.language_copies) << 1)
            | (u8::from(c.char_language_copies) << 2)
            | (u8::from(c.signal_language_copies) << 3);
        out.extend_from_slice(&[c.bits, c.char_min, c.char_max, flags]);
        out.extend_from_slice(&c.max_chars.to_le_bytes());
        for f in [c.char_weight, c.word_weight, c.signal_weight, GAMMA] {
            out.extend_from_slice(&f.to_le_bytes());
        }
        out.push(HEAD_COUNT as u8);
        for (head, p) in Head::ALL.iter().zip(&self.heads) {
            out.push(head.as_str().len() as u8);
            out.extend_from_slice(head.as_str().as_bytes());
            out.extend_from_slice(&p.bias.to_le_bytes());
            out.extend_from_slice(&p.scale.to_le_bytes());
            write_head_params(&mut out, p.calibration, p.thresholds);
        }
        // `set_language` keeps at most 255 languages of at most 16 bytes each.
        out.push(self.languages.len() as u8);
        for l in &self.languages {
            out.push(l.code.len() as u8);
            out.extend_from_slice(l.code.as_bytes());
            let mask = l
                .heads
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_some())
                .fold(0u8, |m, (h, _)| m | 1 << h);
            out.push(mask);
            for &(c, t) in l.heads.iter().flatten() {
                write_head_params(&mut out, c, t);
            }
        }
        let rows = &self.rows;
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
            out.extend(r[..HEAD_COUNT].iter().map(|&q| q as u8));
        }
        seal(&mut out);
        out
    }

    /// Writes the model file to `w`.
    pub fn write_to(&self, mut w: impl Write) -> Result<(), LearnedError> {
        w.write_all(&self.to_bytes())?;
        Ok(())
    }

    /// Reads a model file, checking magic, version, checksum and every field.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, LearnedError> {
        let mut r = open_sealed(bytes, MAGIC, VERSION)?;

        let bits_at = r.pos;
        let bits = r.u8("bits")?;
        if !(MIN_BITS..=MAX_BITS).contains(&bits) {
            return Err(r.corrupt("bits", bits_at, format!("{bits} is out of range")));
        }
        let char_min = r.u8("char_min")?;
        let char_max = r.u8("char_max")?;
        let flags_at = r.pos;
        let flags = r.u8("feature flags")?;
        if flags > 15 {
            return Err(r.corrupt("feature flags", flags_at, format!("{flags:#04x}")));
        }
        let config = FeatureConfig {
            bits,
            char_min,
            char_max,
            word_bigrams: flags & 1 != 0,
            language_copies: flags & 2 != 0,
            char_language_copies: flags & 4 != 0,
            signal_language_copies: flags & 8 != 0,
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
            let (calibration, thresholds) = r.head_params()?;
            heads.push(HeadParams {
                bias,
                scale,
                calibration,
                thresholds,
            });
        }
        let language_count = r.u8("language count")?;
        let mut languages: Vec<LanguageParams> = Vec::with_capacity(usize::from(language_count));
        for _ in 0..language_count {
            let code_at = r.pos;
            let len = r.u8("language code length")?;
            let code = r.take("language code", usize::from(len))?;
            if !valid_language(code) {
                return Err(r.corrupt(
                    "language code",
                    code_at,
                    format!("{:?} is not a language code", String::from_utf8_lossy(code)),
                ));
            }
            let code = String::from_utf8_lossy(code).into_owned();
            if languages.iter().any(|l| l.code == code) {
                return Err(r.corrupt("language code", code_at, format!("{code} repeated")));
            }
            let mask_at = r.pos;
            let mask = r.u8("language head mask")?;
            if mask >> HEAD_COUNT != 0 {
                return Err(r.corrupt("language head mask", mask_at, format!("{mask:#04x}")));
            }
            let mut own = [None; HEAD_COUNT];
            for (h, slot) in own.iter_mut().enumerate() {
                if mask & (1 << h) != 0 {
                    *slot = Some(r.head_params()?);
                }
            }
            languages.push(LanguageParams { code, heads: own });
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
        if r.pos != r.bytes.len() {
            return Err(r.corrupt(
                "end of weights",
                r.pos,
                format!("{} unexpected bytes", r.bytes.len() - r.pos),
            ));
        }
        let mut weights = vec![[0i8; ROW]; buckets];
        let mut rows = packed.chunks_exact(HEAD_COUNT);
        for (i, out) in weights.iter_mut().enumerate() {
            if bitmap[i / 8] & (1 << (i % 8)) != 0
                && let Some(row) = rows.next()
            {
                for (w, &b) in out.iter_mut().zip(row) {
                    *w = b as i8;
                }
            }
        }
        let heads: [HeadParams; HEAD_COUNT] =
            heads.try_into().map_err(|_| LearnedError::Corrupt {
                what: "heads",
                offset: count_at,
                detail: "wrong number of heads".to_owned(),
            })?;
        Ok(Model {
            featurizer,
            rows: weights,
            lut: heads.iter().map(|p| code_book(p.scale)).collect(),
            heads,
            languages,
        })
    }
}

/// The code `q · |q|` of a weight (at most 127² in magnitude).
#[inline(always)]
fn code(q: i8) -> i32 {
    let q = i32::from(q);
    q * q.abs()
}

/// Adds the codes of the rows of `buckets` (those within the table) to `sums`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn add_rows(rows: &[[i8; ROW]], buckets: &[u32], sums: &mut [i32; ROW]) {
    // SAFETY: the build enables SSE2, which `add_rows_sse2` needs (as does every x86-64
    // target); the vector code is several times faster than what the compiler makes of
    // `add_rows_portably`.
    unsafe { add_rows_sse2(rows, buckets, sums) }
}

/// [`add_rows`] with SSE2.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn add_rows_sse2(rows: &[[i8; ROW]], buckets: &[u32], sums: &mut [i32; ROW]) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi32, _mm_cvtsi64_si128, _mm_cvtsi128_si32, _mm_madd_epi16,
        _mm_max_epi16, _mm_set_epi32, _mm_setzero_si128, _mm_shuffle_epi32, _mm_srai_epi16,
        _mm_sub_epi16, _mm_unpackhi_epi8, _mm_unpacklo_epi8,
    };
    // Two rows at a time: with the heads of both interleaved as 16-bit lanes, one
    // multiply-add per half row yields `q·|q|` of a head of one row plus that of the other,
    // as a 32-bit lane.
    let row = |b: u32| {
        let r = rows.get(b as usize).copied().unwrap_or_default();
        _mm_cvtsi64_si128(i64::from_le_bytes(r.map(|q| q as u8)))
    };
    let zero = _mm_setzero_si128();
    let abs = |x: __m128i| _mm_max_epi16(x, _mm_sub_epi16(zero, x));
    let mut lo = _mm_set_epi32(sums[3], sums[2], sums[1], sums[0]);
    let mut hi = _mm_set_epi32(sums[7], sums[6], sums[5], sums[4]);
    let mut pairs = buckets.chunks_exact(2);
    for pair in pairs.by_ref() {
        let ab = _mm_unpacklo_epi8(row(pair[0]), row(pair[1]));
        // Each byte into the high half of a 16-bit lane, then shifted down with its sign.
        let ab_lo = _mm_srai_epi16::<8>(_mm_unpacklo_epi8(ab, ab));
        let ab_hi = _mm_srai_epi16::<8>(_mm_unpackhi_epi8(ab, ab));
        lo = _mm_add_epi32(lo, _mm_madd_epi16(ab_lo, abs(ab_lo)));
        hi = _mm_add_epi32(hi, _mm_madd_epi16(ab_hi, abs(ab_hi)));
    }
    let lanes = |v: __m128i| {
        [
            _mm_cvtsi128_si32(v),
            _mm_cvtsi128_si32(_mm_shuffle_epi32::<1>(v)),
            _mm_cvtsi128_si32(_mm_shuffle_epi32::<2>(v)),
            _mm_cvtsi128_si32(_mm_shuffle_epi32::<3>(v)),
        ]
    };
    let [s0, s1, s2, s3] = lanes(lo);
    let [s4, s5, s6, s7] = lanes(hi);
    *sums = [s0, s1, s2, s3, s4, s5, s6, s7];
    add_rows_portably(rows, pairs.remainder(), sums);
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn add_rows(rows: &[[i8; ROW]], buckets: &[u32], sums: &mut [i32; ROW]) {
    add_rows_portably(rows, buckets, sums);
}

/// Starts loading the row of `bucket` into the cache, so that [`add_rows`] finds it there:
/// reading the rows of a text is otherwise a good part of its cost, as the table is larger
/// than the caches.
#[inline(always)]
fn prefetch_row(rows: &[[i8; ROW]], bucket: u32) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let row = rows.as_ptr().wrapping_add(bucket as usize).cast::<i8>();
        // SAFETY: the build enables SSE, which `_mm_prefetch` needs; a prefetch reads no data
        // into the program and never faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(row) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = (rows, bucket);
}

/// [`add_rows`] in plain code.
fn add_rows_portably(rows: &[[i8; ROW]], buckets: &[u32], sums: &mut [i32; ROW]) {
    for &b in buckets {
        if let Some(row) = rows.get(b as usize) {
            for (s, &q) in sums.iter_mut().zip(row) {
                *s += code(q);
            }
        }
    }
}

/// Word-block buckets queued before their rows are read.
const WORD_BATCH: usize = 32;

/// A [`Sink`] that sums, per block, the codes of a text's features and counts them.
/// `Featurizer::walk` bounds the occurrences per block (fewer than 100 000), so the sums fit
/// in i32. Rows are read in batches: a tight loop keeps the sums in vector registers and
/// many reads of the table in flight.
struct CodeSums<'a> {
    rows: &'a [[i8; ROW]],
    sums: [[i32; ROW]; BLOCKS],
    counts: [u32; BLOCKS],
    /// Word-block buckets whose rows are still to be read, `queued` of them.
    words: [u32; WORD_BATCH],
    queued: usize,
}

impl<'a> CodeSums<'a> {
    fn new(rows: &'a [[i8; ROW]]) -> Self {
        CodeSums {
            rows,
            sums: [[0; ROW]; BLOCKS],
            counts: [0; BLOCKS],
            words: [0; WORD_BATCH],
            queued: 0,
        }
    }

    fn add(&mut self, block: usize, buckets: &[u32]) {
        self.counts[block] += buckets.len() as u32;
        add_rows(self.rows, buckets, &mut self.sums[block]);
    }

    fn add_words(&mut self) {
        let words = self.words;
        self.add(WORD_BLOCK, &words[..self.queued]);
        self.queued = 0;
    }

    /// The sums and counts per block.
    fn finish(mut self) -> ([[i32; ROW]; BLOCKS], [u32; BLOCKS]) {
        self.add_words();
        (self.sums, self.counts)
    }
}

impl Sink for CodeSums<'_> {
    #[inline(always)]
    fn char_grams(&mut self, buckets: &[u32]) {
        self.add(CHAR_BLOCK, buckets);
    }

    #[inline(always)]
    fn prefetch(&self, bucket: u32) {
        prefetch_row(self.rows, bucket);
    }

    #[inline(always)]
    fn word(&mut self, bucket: u32) {
        prefetch_row(self.rows, bucket);
        if self.queued == WORD_BATCH {
            self.add_words();
        }
        self.words[self.queued] = bucket;
        self.queued += 1;
    }

    fn signal(&mut self, bucket: u32) {
        self.add(SIGNAL_BLOCK, &[bucket]);
    }
}

/// A [`Sink`] that sums one head's codes per word (character n-grams, the word itself) and
/// counts every block's occurrences.
struct WordSums<'a> {
    rows: &'a [[i8; ROW]],
    head: usize,
    counts: [u32; BLOCKS],
    /// The current word's sums: its character n-grams, itself.
    word: [i32; 2],
    words: Vec<(Range<usize>, [i32; 2])>,
}

impl WordSums<'_> {
    #[inline(always)]
    fn code(&self, bucket: u32) -> i32 {
        self.rows
            .get(bucket as usize)
            .map_or(0, |row| code(row[self.head]))
    }
}

impl Sink for WordSums<'_> {
    const BY_WORD: bool = true;

    fn char_grams(&mut self, buckets: &[u32]) {
        self.counts[CHAR_BLOCK] += buckets.len() as u32;
        for &b in buckets {
            self.word[0] += self.code(b);
        }
    }

    fn word(&mut self, bucket: u32) {
        self.counts[WORD_BLOCK] += 1;
        self.word[1] += self.code(bucket);
    }

    fn pair(&mut self, _bucket: u32) {
        self.counts[WORD_BLOCK] += 1;
    }

    fn signal(&mut self, _bucket: u32) {
        self.counts[SIGNAL_BLOCK] += 1;
    }

    fn word_end(&mut self, range: Range<usize>) {
        self.words.push((range, std::mem::take(&mut self.word)));
    }
}

pub(crate) fn valid_language(code: &[u8]) -> bool {
    (1..=MAX_LANGUAGE_LEN).contains(&code.len())
        && code
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

fn write_head_params(out: &mut Vec<u8>, c: Calibration, t: Thresholds) {
    for f in [c.a, c.b] {
        out.extend_from_slice(&f.to_le_bytes());
    }
    write_thresholds(out, t);
}

/// Thresholds as model files write them: best, then reject and approve, each a presence byte
/// and a value.
pub(crate) fn write_thresholds(out: &mut Vec<u8>, t: Thresholds) {
    out.extend_from_slice(&t.best_f1.to_le_bytes());
    for t in [t.reject, t.approve] {
        out.push(u8::from(t.is_some()));
        out.extend_from_slice(&t.unwrap_or(0.0).to_le_bytes());
    }
}

/// Ends a model file with the checksum every Tribune model file carries: FNV-1a of all the
/// bytes before it.
pub(crate) fn seal(out: &mut Vec<u8>) {
    let mut h = Fnv1a::new();
    h.write(out);
    out.extend_from_slice(&h.finish().to_le_bytes());
}

/// Checks a model file's magic, format version and closing checksum ([`seal`]), and returns a
/// reader over its body, past the magic and version.
pub(crate) fn open_sealed<'a>(
    bytes: &'a [u8],
    magic: &[u8],
    version: u16,
) -> Result<Reader<'a>, LearnedError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take("magic", magic.len())? != magic {
        return Err(LearnedError::BadMagic);
    }
    let found = r.u16("format version")?;
    if found != version {
        return Err(LearnedError::UnsupportedVersion {
            found,
            supported: version,
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
    Ok(Reader {
        bytes: body,
        pos: r.pos,
    })
}

/// A bounds-checked cursor over model bytes.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, what: &'static str, n: usize) -> Result<&'a [u8], LearnedError> {
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

    pub(crate) fn array<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<[u8; N], LearnedError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(what, N)?);
        Ok(a)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, LearnedError> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, LearnedError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, LearnedError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn f32(&mut self, what: &'static str) -> Result<f32, LearnedError> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn finite(&mut self, what: &'static str) -> Result<f32, LearnedError> {
        let at = self.pos;
        let v = self.f32(what)?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(self.corrupt(what, at, format!("{v} is not finite")))
        }
    }

    pub(crate) fn optional(&mut self, what: &'static str) -> Result<Option<f32>, LearnedError> {
        let at = self.pos;
        let flag = self.u8(what)?;
        let v = self.finite(what)?;
        match flag {
            0 => Ok(None),
            1 => Ok(Some(v)),
            f => Err(self.corrupt(what, at, format!("presence flag {f}, expected 0 or 1"))),
        }
    }

    pub(crate) fn head_params(&mut self) -> Result<(Calibration, Thresholds), LearnedError> {
        let calibration = Calibration {
            a: self.finite("calibration a")?,
            b: self.finite("calibration b")?,
        };
        let thresholds = Thresholds {
            best_f1: self.finite("best threshold")?,
            reject: self.optional("reject threshold")?,
            approve: self.optional("approve threshold")?,
        };
        Ok((calibration, thresholds))
    }

    pub(crate) fn corrupt(
        &self,
        what: &'static str,
        offset: usize,
        detail: String,
    ) -> LearnedError {
        LearnedError::Corrupt {
            what,
            offset,
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_with(config: FeatureConfig) -> Model {
        let weights: Vec<f32> = (0..config.buckets() * HEAD_COUNT)
            .map(|k| ((k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as f32 / 1e7 - 0.8)
            .collect();
        Model::quantize(config, &weights, [0.1, -0.2, 0.3, 0.0, 0.5, -1.0, 2.0]).expect("valid")
    }

    fn model() -> Model {
        model_with(FeatureConfig {
            bits: 12,
            char_language_copies: true,
            signal_language_copies: true,
            ..FeatureConfig::default()
        })
    }

    fn assert_close(got: f32, expected: f32, what: &str) {
        assert!(
            (got - expected).abs() <= 1e-4 * expected.abs().max(1.0),
            "{what}: {got} != {expected}"
        );
    }

    #[test]
    fn scoring_as_features_come_matches_the_feature_vector() {
        let signals = ["lex:insult:flag", "promo:url"];
        let small = FeatureConfig {
            bits: 12,
            ..FeatureConfig::default()
        };
        for config in [
            small,
            FeatureConfig {
                char_language_copies: true,
                ..small
            },
            FeatureConfig {
                char_min: 1,
                char_max: 8,
                word_bigrams: false,
                max_chars: 50,
                ..small
            },
            FeatureConfig {
                char_weight: 0.0,
                ..small
            },
        ] {
            let m = model_with(config);
            for text in crate::features::tests::sample_texts() {
                for language in [None, Some("en"), Some("ckb")] {
                    for signals in [&[][..], &signals[..]] {
                        let fused = m.margins_in(&text, signals, language);
                        let built = m.margins(&m.features_in(&text, signals, language));
                        for h in 0..HEAD_COUNT {
                            assert_close(fused[h], built[h], &format!("{config:?} {text:?}"));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn word_contributions_match_scoring_each_word_alone() {
        let m = model();
        let signals = ["lex:insult:flag"];
        let head = Head::Threat;
        let unit = m.heads[head.index()].scale / CODE_UNIT;
        for text in crate::features::tests::sample_texts() {
            for language in [None, Some("fa")] {
                let got = m.word_contributions(&text, &signals, language, head);
                assert!(got.windows(2).all(|p| p[0].1 >= p[1].1), "{text:?}");
                // Counts of the whole text, then each word's own features on their own.
                let mut counts = [0u32; BLOCKS];
                m.featurizer
                    .visit(&text, &signals, language, |b, _| counts[b] += 1);
                let coef = m.featurizer.coefficients(counts);
                let mut expected: Vec<(Range<usize>, f32)> =
                    crate::features::tests::reference(&m.featurizer, &text, &[], None)
                        .1
                        .into_iter()
                        .map(|range| {
                            let mut sums = [0i32; BLOCKS];
                            m.featurizer
                                .visit(&text[range.clone()], &[], language, |b, i| {
                                    sums[b] += code(m.rows[i as usize][head.index()]);
                                });
                            // A language's bias is a signal: it belongs to no word.
                            let c: f32 = [CHAR_BLOCK, WORD_BLOCK]
                                .into_iter()
                                .map(|b| coef[b] * sums[b] as f32)
                                .sum();
                            (range, c * unit)
                        })
                        .collect();
                let mut got = got;
                got.sort_by_key(|(r, _)| r.start);
                expected.sort_by_key(|(r, _)| r.start);
                assert_eq!(got.len(), expected.len(), "{text:?}");
                for ((r, c), (er, ec)) in got.into_iter().zip(expected) {
                    assert_eq!(r, er, "{text:?}");
                    assert_close(c, ec, &format!("{text:?} {r:?}"));
                }
            }
        }
    }

    #[test]
    fn rows_add_up_the_same_in_vector_and_plain_code() {
        let rows: Vec<[i8; ROW]> = (0..64u8)
            .map(|k| {
                std::array::from_fn(|h| {
                    k.wrapping_mul(37).wrapping_add((h as u8).wrapping_mul(91)) as i8
                })
            })
            .chain([[i8::MIN; ROW], [i8::MAX; ROW], [-127; ROW]])
            .collect();
        for len in 0..40u32 {
            // Some buckets lie beyond the table, which adds nothing.
            let buckets: Vec<u32> = (0..len).map(|i| i * 13 % 70).collect();
            let mut fast = [5; ROW];
            add_rows(&rows, &buckets, &mut fast);
            let mut plain = [5; ROW];
            add_rows_portably(&rows, &buckets, &mut plain);
            assert_eq!(fast, plain, "{buckets:?}");
        }
    }

    #[test]
    fn word_contributions_add_up_to_the_word_features() {
        let m = model();
        let text = "you idiot";
        let parts = m.word_contributions(text, &[], Some("en"), Head::Offensive);
        let mut words: Vec<&str> = parts.iter().map(|(r, _)| &text[r.clone()]).collect();
        words.sort_unstable();
        assert_eq!(words, ["idiot", "you"]);
        // Without word pairs and signals (a language's bias is one), the words' contributions
        // and the head's bias make the margin.
        let no_pairs = Model {
            featurizer: Featurizer::new(FeatureConfig {
                word_bigrams: false,
                signal_language_copies: false,
                ..*m.featurizer.config()
            })
            .expect("valid"),
            ..m.clone()
        };
        let parts = no_pairs.word_contributions(text, &[], Some("en"), Head::Offensive);
        let total: f32 = parts.iter().map(|p| p.1).sum();
        let margin = no_pairs.margins_in(text, &[], Some("en"))[Head::Offensive.index()];
        assert!((total + no_pairs.heads[0].bias - margin).abs() < 1e-4);
    }

    #[test]
    fn a_language_uses_its_own_calibration_and_thresholds_and_others_fall_back() {
        let mut m = model();
        let own = Calibration { a: 2.0, b: -1.0 };
        let t = Thresholds {
            best_f1: 0.3,
            reject: Some(0.9),
            approve: None,
        };
        m.set_language("tr", Head::Offensive, own, t)
            .expect("valid code");
        assert!(
            m.set_language("not a code", Head::Offensive, own, t)
                .is_err()
        );
        assert_eq!(m.thresholds_in(Head::Offensive, Some("tr")), t);
        assert_eq!(m.calibration_in(Head::Offensive, Some("tr")), own);
        assert_eq!(
            m.thresholds_in(Head::Offensive, Some("en")),
            m.thresholds(Head::Offensive)
        );
        assert_eq!(
            m.thresholds_in(Head::Threat, Some("tr")),
            m.thresholds(Head::Threat)
        );
        let x = m.features_in("merhaba", &[], Some("tr"));
        let margin = m.margins(&x)[Head::Offensive.index()];
        let s = m.predict_in(&x, Some("tr")).get(Head::Offensive);
        assert!((s - own.apply(margin)).abs() < 1e-6);
        let loaded = Model::from_bytes(&m.to_bytes()).expect("loads");
        assert_eq!(loaded, m);
        assert_eq!(loaded.languages().collect::<Vec<_>>(), ["tr"]);
    }
}
