//! Hashed sparse features: character n-grams, word uni/bigrams and signal tokens.
//!
//! Every feature is a byte string hashed with 64-bit FNV-1a (offset basis
//! `0xcbf29ce484222325`, prime `0x100000001b3`), preceded by one byte naming its family
//! (`c` character n-gram, `w` word, `b` word bigram, `s` signal). The 64-bit hash is folded
//! (`h ^ (h >> 32)`) and masked to `bits` bits. The hash works on bytes only, so a feature
//! lands in the same bucket on every platform and in every build.

use crate::error::LearnedError;

/// Zero-width non-joiner: part of Persian and Sorani words, never a separator.
const ZWNJ: char = '\u{200C}';

/// Fewest and most hash bits a model may use.
pub const MIN_BITS: u8 = 10;
/// See [`MIN_BITS`].
pub const MAX_BITS: u8 = 24;

/// How text becomes features. Stored in every model file, so inference uses the settings the
/// model was trained with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureConfig {
    /// Features are hashed into `2^bits` buckets.
    pub bits: u8,
    /// Shortest character n-gram (in chars, counting the padding space around each word).
    pub char_min: u8,
    /// Longest character n-gram.
    pub char_max: u8,
    /// Whether adjacent word pairs are features.
    pub word_bigrams: bool,
    /// Only the first `max_chars` chars of a text are read, bounding the cost of one text.
    pub max_chars: u32,
    /// Weight of the character n-gram block (each block is L2-normalised before weighting).
    pub char_weight: f32,
    /// Weight of the word uni/bigram block.
    pub word_weight: f32,
    /// Weight of the signal block.
    pub signal_weight: f32,
    /// Whether each character and word feature is also hashed together with the text's
    /// language, so a model can learn what a string means in one language without it
    /// meaning the same in another (Turkish and English share a script).
    pub language_copies: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bits: 20,
            char_min: 2,
            char_max: 5,
            word_bigrams: true,
            max_chars: 2000,
            char_weight: 1.0,
            word_weight: 0.5,
            signal_weight: 0.5,
            language_copies: true,
        }
    }
}

impl FeatureConfig {
    /// Checks the settings; every constructor of a [`Featurizer`] goes through it.
    pub fn validate(&self) -> Result<(), LearnedError> {
        let invalid = |detail: String| Err(LearnedError::InvalidConfig(detail));
        if !(MIN_BITS..=MAX_BITS).contains(&self.bits) {
            return invalid(format!(
                "bits is {}, expected {MIN_BITS}..={MAX_BITS}",
                self.bits
            ));
        }
        if self.char_min == 0 || self.char_min > self.char_max || self.char_max > 16 {
            return invalid(format!(
                "character n-gram range {}..={} must satisfy 1 <= min <= max <= 16",
                self.char_min, self.char_max
            ));
        }
        if self.max_chars == 0 {
            return invalid("max_chars is 0".to_owned());
        }
        for (name, w) in [
            ("char_weight", self.char_weight),
            ("word_weight", self.word_weight),
            ("signal_weight", self.signal_weight),
        ] {
            if !w.is_finite() || w < 0.0 {
                return invalid(format!("{name} is {w}, expected a finite value >= 0"));
            }
        }
        Ok(())
    }

    /// Number of hash buckets, `2^bits`.
    pub fn buckets(&self) -> usize {
        1usize << self.bits
    }
}

/// A sparse, L2-normalised feature vector: bucket indices in increasing order, each once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVector {
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl SparseVector {
    /// Builds a vector from `(bucket, value)` pairs, summing repeated buckets and dropping zeros.
    /// Not normalised: use it for hand-made vectors and tests.
    pub fn from_pairs(mut pairs: Vec<(u32, f32)>) -> SparseVector {
        pairs.sort_unstable_by_key(|&(i, _)| i);
        let mut v = SparseVector::default();
        for (i, x) in pairs {
            match v.indices.last() {
                Some(&last) if last == i => {
                    if let Some(acc) = v.values.last_mut() {
                        *acc += x;
                    }
                }
                _ => {
                    v.indices.push(i);
                    v.values.push(x);
                }
            }
        }
        v.retain_nonzero();
        v
    }

    /// Bucket indices, strictly increasing.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// Values, one per index.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Number of non-zero entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Pairs of `(bucket, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.indices.iter().copied().zip(self.values.iter().copied())
    }

    fn retain_nonzero(&mut self) {
        let mut keep = 0;
        for k in 0..self.indices.len() {
            if self.values[k] != 0.0 {
                self.indices[keep] = self.indices[k];
                self.values[keep] = self.values[k];
                keep += 1;
            }
        }
        self.indices.truncate(keep);
        self.values.truncate(keep);
    }

    fn normalize(&mut self) {
        let norm = self
            .values
            .iter()
            .map(|&x| f64::from(x) * f64::from(x))
            .sum::<f64>()
            .sqrt();
        if norm > 0.0 {
            for x in &mut self.values {
                *x = (f64::from(*x) / norm) as f32;
            }
        }
    }
}

/// 64-bit FNV-1a, written out so the bucket of a feature is fixed by this file alone.
#[derive(Clone, Copy)]
pub(crate) struct Fnv1a(u64);

impl Fnv1a {
    pub(crate) fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// Turns normalised text and signal tokens into [`SparseVector`]s. Cheap to copy; thread-safe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Featurizer {
    config: FeatureConfig,
    mask: u64,
}

impl Featurizer {
    /// A featurizer with checked settings.
    pub fn new(config: FeatureConfig) -> Result<Featurizer, LearnedError> {
        config.validate()?;
        Ok(Featurizer {
            config,
            mask: (1u64 << config.bits) - 1,
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    fn bucket(&self, family: u8, parts: &[&[u8]]) -> u32 {
        self.bucket_from(Fnv1a::new(), family, parts)
    }

    fn bucket_from(&self, mut h: Fnv1a, family: u8, parts: &[&[u8]]) -> u32 {
        h.write(&[family]);
        for (k, p) in parts.iter().enumerate() {
            if k > 0 {
                h.write(b" ");
            }
            h.write(p);
        }
        let h = h.finish();
        // The mask keeps at most MAX_BITS (24) bits, so the value fits in u32.
        ((h ^ (h >> 32)) & self.mask) as u32
    }

    /// The feature vector of an already-normalised text plus the engine's signal tokens
    /// (e.g. `lex:profanity:block`, `promo:url`).
    ///
    /// Words are maximal runs of letters, digits, combining marks and ZWNJ; any other
    /// non-space, non-punctuation character (an emoji, a symbol) is a word of its own.
    /// Character n-grams are taken inside each word padded with one space on both sides.
    /// Each family gets sublinear term frequency (`1 + ln tf`), is L2-normalised and
    /// weighted, and the whole vector is L2-normalised.
    pub fn features(&self, text: &str, signals: &[String]) -> SparseVector {
        self.features_in(text, signals, None)
    }

    /// Like [`Featurizer::features`], for a text in `language` (the engine's language code).
    /// When the settings ask for language copies, every character and word feature is hashed
    /// a second time, prefixed with the language; a language the model never saw in training
    /// simply adds features with zero weight.
    pub fn features_in(
        &self,
        text: &str,
        signals: &[String],
        language: Option<&str>,
    ) -> SparseVector {
        let words = words(text, self.config.max_chars as usize);
        let copy = language
            .filter(|l| self.config.language_copies && !l.is_empty())
            .map(|l| {
                let mut h = Fnv1a::new();
                h.write(b"L");
                h.write(l.as_bytes());
                h.write(b" ");
                h
            });

        let mut chars: Vec<u32> = Vec::with_capacity(text.len() * 4);
        let mut padded = String::new();
        let mut bounds: Vec<usize> = Vec::new();
        let (lo, hi) = (
            usize::from(self.config.char_min),
            usize::from(self.config.char_max),
        );
        for w in &words {
            padded.clear();
            padded.push(' ');
            padded.push_str(w);
            padded.push(' ');
            bounds.clear();
            bounds.extend(padded.char_indices().map(|(i, _)| i));
            bounds.push(padded.len());
            let n_chars = bounds.len() - 1;
            for n in lo..=hi.min(n_chars) {
                for start in 0..=(n_chars - n) {
                    let gram = &padded.as_bytes()[bounds[start]..bounds[start + n]];
                    chars.push(self.bucket(b'c', &[gram]));
                    if let Some(h) = copy {
                        chars.push(self.bucket_from(h, b'c', &[gram]));
                    }
                }
            }
        }

        let mut word_feats: Vec<u32> = Vec::with_capacity(words.len() * 4);
        let starts = std::iter::once(Fnv1a::new()).chain(copy);
        for h in starts {
            word_feats.extend(
                words
                    .iter()
                    .map(|w| self.bucket_from(h, b'w', &[w.as_bytes()])),
            );
            if self.config.word_bigrams {
                word_feats.extend(
                    words
                        .windows(2)
                        .map(|p| self.bucket_from(h, b'b', &[p[0].as_bytes(), p[1].as_bytes()])),
                );
            }
        }

        let signal_feats: Vec<u32> = signals
            .iter()
            .map(|s| self.bucket(b's', &[s.as_bytes()]))
            .collect();

        let mut pairs = Vec::with_capacity(chars.len() + word_feats.len() + signal_feats.len());
        block(&mut chars, self.config.char_weight, &mut pairs);
        block(&mut word_feats, self.config.word_weight, &mut pairs);
        let mut signal_feats = signal_feats;
        block(&mut signal_feats, self.config.signal_weight, &mut pairs);
        let mut v = SparseVector::from_pairs(pairs);
        v.normalize();
        v
    }
}

/// Appends one family's `(bucket, weight)` pairs: sublinear tf, L2-normalised, scaled.
fn block(buckets: &mut [u32], weight: f32, out: &mut Vec<(u32, f32)>) {
    if buckets.is_empty() || weight == 0.0 {
        return;
    }
    buckets.sort_unstable();
    let start = out.len();
    let mut k = 0;
    while k < buckets.len() {
        let b = buckets[k];
        let mut tf = 0u32;
        while k < buckets.len() && buckets[k] == b {
            tf += 1;
            k += 1;
        }
        out.push((b, 1.0 + (tf as f32).ln()));
    }
    let norm = out[start..].iter().map(|&(_, x)| x * x).sum::<f32>().sqrt();
    for (_, x) in &mut out[start..] {
        *x *= weight / norm;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == ZWNJ || is_combining_mark(c)
}

/// Combining marks that the normaliser may leave in place (Latin accents, Arabic harakat).
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{200D}'
        | '\u{FE00}'..='\u{FE0F}')
}

/// Punctuation that separates words and is not a feature itself.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{00A1}'..='\u{00BF}'
            | '\u{2000}'..='\u{206F}'
            | '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{06D4}'
            | '\u{3000}'..='\u{303F}'
            | '\u{FF01}'..='\u{FF0F}')
}

/// Splits text into words (see [`Featurizer::features`]), reading at most `max_chars` chars.
fn words(text: &str, max_chars: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = text.len();
    for (n, (i, c)) in text.char_indices().enumerate() {
        if n == max_chars {
            end = i;
            break;
        }
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
        if !c.is_whitespace() && !is_punctuation(c) {
            out.push(&text[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..end]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn featurizer() -> Featurizer {
        Featurizer::new(FeatureConfig::default()).expect("default config is valid")
    }

    #[test]
    fn fnv1a_matches_published_test_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a::new();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(hash(""), 0xcbf29ce484222325);
        assert_eq!(hash("a"), 0xaf63dc4c8601ec8c);
        assert_eq!(hash("foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn words_keep_zwnj_and_split_emoji_and_punctuation() {
        assert_eq!(
            words("می‌خواهم، سلام!🙂ok", 100),
            vec!["می‌خواهم", "سلام", "🙂", "ok"]
        );
        assert_eq!(words("a b c d", 3), vec!["a", "b"]);
    }

    #[test]
    fn features_are_sorted_unique_and_unit_length() {
        let v = featurizer().features("you are an idiot, you", &["lex:insult:flag".to_owned()]);
        assert!(v.indices().windows(2).all(|p| p[0] < p[1]));
        let norm: f32 = v.values().iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
    }

    #[test]
    fn features_are_deterministic_and_work_in_every_script() {
        let f = featurizer();
        for text in ["hello there", "مرحبا بكم", "سڵاو لە هەمووان", "merhaba dünya", "سلام"] {
            let a = f.features(text, &[]);
            assert!(a.nnz() > 5, "{text} gave {} features", a.nnz());
            assert_eq!(a, f.features(text, &[]));
        }
    }

    #[test]
    fn empty_text_with_no_signals_is_the_zero_vector() {
        assert_eq!(featurizer().features(" ,. ", &[]).nnz(), 0);
    }

    #[test]
    fn language_copies_add_features_only_when_a_language_is_given() {
        let f = featurizer();
        let plain = f.features("merhaba dünya", &[]);
        assert_eq!(f.features_in("merhaba dünya", &[], None), plain);
        let tr = f.features_in("merhaba dünya", &[], Some("tr"));
        assert_eq!(tr.nnz(), 2 * plain.nnz());
        assert_ne!(tr, f.features_in("merhaba dünya", &[], Some("en")));
    }

    #[test]
    fn signals_add_features() {
        let f = featurizer();
        let plain = f.features("buy now", &[]);
        let flagged = f.features("buy now", &["promo:url".to_owned()]);
        assert!(flagged.nnz() > plain.nnz());
    }

    #[test]
    fn invalid_configs_are_rejected() {
        for config in [
            FeatureConfig {
                bits: 30,
                ..FeatureConfig::default()
            },
            FeatureConfig {
                char_min: 4,
                char_max: 3,
                ..FeatureConfig::default()
            },
            FeatureConfig {
                word_weight: f32::NAN,
                ..FeatureConfig::default()
            },
        ] {
            assert!(Featurizer::new(config).is_err());
        }
    }
}
