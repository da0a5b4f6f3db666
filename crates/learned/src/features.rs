//! Hashed sparse features: character n-grams, word uni/bigrams and signal tokens.
//!
//! One pass over the text ([`Featurizer::visit`]) yields every feature occurrence as a bucket
//! of one of three blocks (character n-grams, words and word pairs, signals). Training
//! collects them into a [`SparseVector`]; inference ([`crate::Model::score_in`]) adds up their
//! weights without building it, so both see the same features by construction.
//!
//! Hashes work on Unicode scalar values, so a feature lands in the same bucket on every
//! platform and in every build. An n-gram's hash extends the hash of the n-gram a char shorter
//! that ends one char earlier (`h' = (h ^ c) · K`, one multiplication per n-gram); each family
//! starts from its own basis; a bucket is the top `bits` bits of a final multiplicative mix.
//! A language copy of a feature mixes its hash with a seed derived from the language code
//! instead of hashing the text again.
//!
//! Values: each block counts its occurrences `N` and gives each occurrence `w / sqrt(N)`
//! (`w` the block's weight), so a repeated feature counts once per occurrence; the whole vector
//! is then divided by `sqrt(Σ w²)` over the non-empty blocks. Both need no sorting or
//! de-duplication, which is what keeps inference at a few microseconds per comment.

use std::ops::Range;

use crate::error::LearnedError;

/// Zero-width non-joiner: part of Persian and Sorani words, never a separator.
const ZWNJ: char = '\u{200C}';

/// Fewest and most hash bits a model may use.
pub const MIN_BITS: u8 = 10;
/// See [`MIN_BITS`].
pub const MAX_BITS: u8 = 24;

/// Multiplier of the per-char hash step (odd, dense: every input bit reaches the top bits).
const STEP: u64 = 0x9e37_79b9_7f4a_7c15;
/// Multiplier of the final mix that picks the bucket.
const MIX: u64 = 0xd6e8_feb8_6659_fd93;
/// Start of each family's hashes (arbitrary distinct odd constants).
const CHAR_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const WORD_BASIS: u64 = 0x8422_2325_cbf2_9ce4;
const PAIR_BASIS: u64 = 0x2545_f491_4f6c_dd1d;
const SIGNAL_BASIS: u64 = 0x94d0_49bb_1331_11eb;
/// The padding char around each word.
const PAD: u64 = ' ' as u64;
/// Longest character n-gram a configuration may ask for.
const MAX_CHAR_N: u8 = 8;
/// Most chars a configuration may read per text.
pub const MAX_CHARS: u32 = 2000;
/// Most signal tokens read per text.
const MAX_SIGNALS: usize = 256;

/// Index of the character n-gram block in [`Featurizer::visit`]'s output.
pub(crate) const CHAR_BLOCK: usize = 0;
/// Index of the word and word-pair block.
pub(crate) const WORD_BLOCK: usize = 1;
/// Index of the signal block.
pub(crate) const SIGNAL_BLOCK: usize = 2;
/// Number of blocks.
pub(crate) const BLOCKS: usize = 3;

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
    /// Weight of the character n-gram block.
    pub char_weight: f32,
    /// Weight of the word uni/bigram block.
    pub word_weight: f32,
    /// Weight of the signal block.
    pub signal_weight: f32,
    /// Whether each word and word pair is also hashed together with the text's language, so
    /// a model can learn what a word means in one language without it meaning the same in
    /// another (Turkish and English share a script).
    pub language_copies: bool,
    /// The same for character n-grams. It doubles the features read per text, so it is off
    /// unless it pays for itself on dev.
    pub char_language_copies: bool,
    /// The same for signal tokens, and the language itself is a signal of every text in it:
    /// each language gets its own weight for a lexicon hit and its own bias per head, so that
    /// a collection labelled to its own standard in one language does not move the others.
    /// A few more features per text.
    pub signal_language_copies: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            bits: 20,
            char_min: 3,
            char_max: 5,
            word_bigrams: true,
            max_chars: 2000,
            char_weight: 1.0,
            word_weight: 0.3,
            signal_weight: 0.8,
            language_copies: true,
            char_language_copies: false,
            signal_language_copies: true,
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
        if self.char_min == 0 || self.char_min > self.char_max || self.char_max > MAX_CHAR_N {
            return invalid(format!(
                "character n-gram range {}..={} must satisfy 1 <= min <= max <= {MAX_CHAR_N}",
                self.char_min, self.char_max
            ));
        }
        // With these bounds a block has fewer than 100 000 occurrences, so the model can sum
        // their codes as 32-bit integers.
        if self.max_chars == 0 || self.max_chars > MAX_CHARS {
            return invalid(format!(
                "max_chars is {}, expected 1..={MAX_CHARS}",
                self.max_chars
            ));
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

    fn weights(&self) -> [f32; BLOCKS] {
        [self.char_weight, self.word_weight, self.signal_weight]
    }
}

/// A sparse feature vector: bucket indices in increasing order, each once.
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
        self.indices
            .iter()
            .copied()
            .zip(self.values.iter().copied())
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
}

/// 64-bit FNV-1a, written out so the model file's checksum is fixed by this crate alone.
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

#[inline(always)]
fn step(h: u64, c: u64) -> u64 {
    (h ^ c).wrapping_mul(STEP)
}

/// The seed that turns a feature into its copy for one language.
fn language_seed(language: &str) -> u64 {
    let h = language
        .bytes()
        .fold(0x5851_f42d_4c95_7f2d, |h, b| step(h, u64::from(b)));
    step(h, PAD)
}

/// Turns normalised text and signal tokens into features. Cheap to copy; thread-safe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Featurizer {
    config: FeatureConfig,
    shift: u32,
}

/// Receives the feature occurrences of one pass over a text ([`Featurizer::walk`]), one
/// method per kind, so that an implementation knows the block of each without looking it up.
/// Within each block, occurrences come in text order.
pub(crate) trait Sink {
    /// Whether the character n-grams of each word must have arrived when its
    /// [`Sink::word_end`] comes; otherwise they come in larger batches, which is faster.
    const BY_WORD: bool = false;

    /// Character n-grams, or their language copies.
    fn char_grams(&mut self, buckets: &[u32]);

    /// The bucket of a character n-gram that [`Sink::char_grams`] will bring: a sink that
    /// reads memory for each may start loading it now, while the pass goes on.
    #[inline(always)]
    fn prefetch(&self, _bucket: u32) {}

    /// A word, or its language copy.
    fn word(&mut self, bucket: u32);

    /// A pair of adjacent words, or its language copy: part of the word block.
    #[inline(always)]
    fn pair(&mut self, bucket: u32) {
        self.word(bucket);
    }

    /// A signal token.
    fn signal(&mut self, bucket: u32);

    /// The word at this byte range of the text has ended: the word itself came since the
    /// previous word ended, after its character n-grams where [`Sink::BY_WORD`] asks for
    /// them; its pair with the previous word comes next.
    #[inline(always)]
    fn word_end(&mut self, _range: Range<usize>) {}
}

/// Adapts `emit(block, bucket)` to a [`Sink`].
struct Blocks<F>(F);

impl<F: FnMut(usize, u32)> Sink for Blocks<F> {
    #[inline(always)]
    fn char_grams(&mut self, buckets: &[u32]) {
        for &b in buckets {
            (self.0)(CHAR_BLOCK, b);
        }
    }

    #[inline(always)]
    fn word(&mut self, bucket: u32) {
        (self.0)(WORD_BLOCK, bucket);
    }

    #[inline(always)]
    fn signal(&mut self, bucket: u32) {
        (self.0)(SIGNAL_BLOCK, bucket);
    }
}

/// The bucket of a hash among `2^(64 - shift)`.
#[inline(always)]
fn bucket(h: u64, shift: u32) -> u32 {
    // `shift` is at least 40, so the value fits in u32.
    ((h ^ (h >> 31)).wrapping_mul(MIX) >> shift) as u32
}

/// Buckets of character n-grams queued before they go to the sink.
const GRAM_BATCH: usize = 128;

/// Letters of a word read before their character n-grams are made.
const LETTER_CHUNK: usize = 64;

/// The character n-grams of a text, for n-grams of at most `N` chars, queued in batches.
#[derive(Clone, Copy)]
struct Grams<const N: usize> {
    /// `ring[n]`: hash of the `n + 1`-gram ending at the last char; meaningful for `n < len`.
    ring: [u64; N],
    /// Chars of the current padded word read so far.
    len: usize,
    /// `char_min - 1`: the index in `ring` of the shortest n-gram.
    shortest: usize,
    shift: u32,
    seed: Option<u64>,
    /// Buckets in the queue, always fewer than [`GRAM_BATCH`].
    queued: usize,
}

/// The queue of [`Grams`], apart so that the compiler keeps the rest in registers.
type Queue = [u32; GRAM_BATCH];

impl<const N: usize> Grams<N> {
    /// Reads one more char of the current padded word and queues the n-grams ending at it.
    /// `WHOLE`: the word has at least `N` chars with this one, so every n-gram is kept.
    #[inline(always)]
    fn push<const WHOLE: bool, S: Sink>(&mut self, c: u64, queue: &mut Queue, sink: &mut S) {
        for n in (1..N).rev() {
            self.ring[n] = step(self.ring[n - 1], c);
        }
        self.ring[0] = step(CHAR_BASIS, c);
        self.len += 1;
        // A constant trip count keeps the ring in registers. The mask only spares the bounds
        // check.
        for n in 0..N {
            if n >= self.shortest && (WHOLE || n < self.len) {
                let b = bucket(self.ring[n], self.shift);
                sink.prefetch(b);
                queue[self.queued % GRAM_BATCH] = b;
                self.queued += 1;
                if let Some(s) = self.seed {
                    queue[self.queued % GRAM_BATCH] = bucket(self.ring[n] ^ s, self.shift);
                    self.queued += 1;
                }
            }
        }
        // Room for the next char's n-grams, copies included.
        if self.queued > GRAM_BATCH - 2 * N {
            self.flush(queue, sink);
        }
    }

    /// [`Grams::push`], choosing whether all its n-grams fit in the word so far.
    #[inline(always)]
    fn push_any<S: Sink>(&mut self, c: u64, queue: &mut Queue, sink: &mut S) {
        if self.len + 1 >= N {
            self.push::<true, S>(c, queue, sink);
        } else {
            self.push::<false, S>(c, queue, sink);
        }
    }

    /// Queues the n-grams of a piece of the current padded word: those ending at the opening
    /// pad (which starts a word) if `open`, at each of `letters`, at the closing pad if
    /// `close`. Not inlined, so that the ring and the queue's state stay in registers.
    #[inline(never)]
    fn piece<S: Sink>(
        &mut self,
        letters: &[u32],
        open: bool,
        close: bool,
        queue: &mut Queue,
        sink: &mut S,
    ) {
        if N == 0 {
            return;
        }
        let mut g = *self;
        if open {
            g.len = 0;
            g.push_any(PAD, queue, sink);
        }
        // The first letters, while the word is shorter than the longest n-gram, then the rest.
        let warm = letters.len().min((N - 1).saturating_sub(g.len));
        let (first, rest) = letters.split_at(warm);
        for &c in first {
            g.push::<false, S>(u64::from(c), queue, sink);
        }
        for &c in rest {
            g.push::<true, S>(u64::from(c), queue, sink);
        }
        if close {
            g.push_any(PAD, queue, sink);
        }
        *self = g;
    }

    #[inline(always)]
    fn flush<S: Sink>(&mut self, queue: &Queue, sink: &mut S) {
        sink.char_grams(&queue[..self.queued]);
        self.queued = 0;
    }
}

impl Featurizer {
    /// A featurizer with checked settings.
    pub fn new(config: FeatureConfig) -> Result<Featurizer, LearnedError> {
        config.validate()?;
        Ok(Featurizer {
            config,
            shift: 64 - u32::from(config.bits),
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// Calls `emit(block, bucket)` for every feature occurrence of a normalised text in
    /// `language` (each block's occurrences in text order), and for every signal token (the
    /// first 256).
    ///
    /// Words are maximal runs of letters, digits, combining marks and ZWNJ; any other
    /// non-space, non-punctuation character (an emoji, a symbol) is a word of its own.
    /// Character n-grams are taken inside each word padded with one space on both sides.
    /// When the settings ask for language copies and a language is given, each such feature
    /// comes a second time as its language copy; a language the model never saw in training
    /// simply adds features with zero weight.
    pub(crate) fn visit(
        &self,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
        emit: impl FnMut(usize, u32),
    ) {
        self.walk(text, signals, language, Blocks(emit));
    }

    /// The pass of [`Featurizer::visit`] into any sink, which it hands back at the end.
    pub(crate) fn walk<S: Sink>(
        &self,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
        sink: S,
    ) -> S {
        let seed = language.filter(|l| !l.is_empty()).map(language_seed);
        // One copy of the pass per longest n-gram, whose ring of hashes then has a fixed size;
        // without character n-grams, the longest is 0.
        let longest = if self.config.char_weight > 0.0 {
            self.config.char_max
        } else {
            0
        };
        let mut sink = match longest {
            0 => self.walk_words::<0, S>(text, seed, sink),
            1 => self.walk_words::<1, S>(text, seed, sink),
            2 => self.walk_words::<2, S>(text, seed, sink),
            3 => self.walk_words::<3, S>(text, seed, sink),
            4 => self.walk_words::<4, S>(text, seed, sink),
            5 => self.walk_words::<5, S>(text, seed, sink),
            6 => self.walk_words::<6, S>(text, seed, sink),
            7 => self.walk_words::<7, S>(text, seed, sink),
            // `validate` keeps `char_max` within 1..=MAX_CHAR_N.
            _ => self.walk_words::<{ MAX_CHAR_N as usize }, S>(text, seed, sink),
        };
        if self.config.signal_weight > 0.0 {
            let signal_seed = seed.filter(|_| self.config.signal_language_copies);
            for s in signals.iter().take(MAX_SIGNALS) {
                let h = s.bytes().fold(SIGNAL_BASIS, |h, b| step(h, u64::from(b)));
                sink.signal(bucket(h, self.shift));
                if let Some(seed) = signal_seed {
                    sink.signal(bucket(h ^ seed, self.shift));
                }
            }
            if let Some(seed) = signal_seed {
                sink.signal(bucket(SIGNAL_BASIS ^ seed, self.shift));
            }
        }
        sink
    }

    /// The words of [`Featurizer::walk`], for character n-grams of at most `N` chars.
    #[inline(always)]
    fn walk_words<const N: usize, S: Sink>(&self, text: &str, seed: Option<u64>, mut sink: S) -> S {
        let c = &self.config;
        let shift = self.shift;
        let words_on = c.word_weight > 0.0;
        let pairs_on = words_on && c.word_bigrams;
        let word_seed = seed.filter(|_| c.language_copies);
        let mut grams = Grams::<N> {
            ring: [0; N],
            len: 0,
            shortest: usize::from(c.char_min) - 1,
            shift,
            seed: seed.filter(|_| c.char_language_copies),
            queued: 0,
        };
        let mut queue = [0; GRAM_BATCH];
        let mut letters = [0u32; LETTER_CHUNK];
        let emit_word = |sink: &mut S, h: u64, pair: bool| {
            for h in [Some(h), word_seed.map(|s| h ^ s)].into_iter().flatten() {
                if pair {
                    sink.pair(bucket(h, shift));
                } else {
                    sink.word(bucket(h, shift));
                }
            }
        };
        let table = class_table();
        let mut chars = text.chars();
        let offset = |rest: &std::str::Chars<'_>| text.len() - rest.as_str().len();
        // Chars that may still be read.
        let mut budget = c.max_chars as usize;
        let mut previous: Option<u64> = None;
        loop {
            // Skip to the first char of the next word.
            let mut first = None;
            while budget > 0 {
                let start = offset(&chars);
                let Some(ch) = chars.next() else {
                    break;
                };
                budget -= 1;
                let kind = class(table, ch);
                if kind != Class::Skip {
                    first = Some((start, ch, kind));
                    break;
                }
            }
            let Some((start, first, kind)) = first else {
                break;
            };
            // The letters are read first and their n-grams made after, in chunks: two tight
            // loops, each with few enough values to keep them all in registers.
            letters[0] = u32::from(first);
            let mut read = 1;
            let mut word = step(WORD_BASIS, u64::from(first));
            let mut open = true;
            // A symbol is a word of its own; letters go on up to the next other char, which is
            // left unread for the next word.
            if kind == Class::Word {
                while budget > 0 {
                    let rest = chars.clone();
                    let Some(ch) = chars.next() else {
                        break;
                    };
                    if class(table, ch) != Class::Word {
                        chars = rest;
                        break;
                    }
                    budget -= 1;
                    word = step(word, u64::from(ch));
                    // `read` stays below LETTER_CHUNK; the mask only spares the bounds check.
                    letters[read % LETTER_CHUNK] = u32::from(ch);
                    read += 1;
                    if read == LETTER_CHUNK {
                        grams.piece(&letters, open, false, &mut queue, &mut sink);
                        open = false;
                        read = 0;
                    }
                }
            }
            grams.piece(&letters[..read], open, true, &mut queue, &mut sink);
            if S::BY_WORD {
                grams.flush(&queue, &mut sink);
            }
            if words_on {
                emit_word(&mut sink, word, false);
            }
            sink.word_end(start..offset(&chars));
            if pairs_on && let Some(p) = previous {
                emit_word(&mut sink, step(step(PAIR_BASIS, p), word), true);
            }
            previous = Some(word);
        }
        grams.flush(&queue, &mut sink);
        sink
    }

    /// The value of each occurrence of a feature of each block, given how many occurrences
    /// each block has (see the module documentation).
    pub(crate) fn coefficients(&self, counts: [u32; BLOCKS]) -> [f32; BLOCKS] {
        let w = self.config.weights();
        let total: f32 = (0..BLOCKS)
            .filter(|&b| counts[b] > 0)
            .map(|b| w[b] * w[b])
            .sum();
        if total <= 0.0 {
            return [0.0; BLOCKS];
        }
        let norm = total.sqrt();
        std::array::from_fn(|b| {
            if counts[b] == 0 {
                0.0
            } else {
                w[b] / ((counts[b] as f32).sqrt() * norm)
            }
        })
    }

    /// The feature vector of an already-normalised text plus the engine's signal tokens
    /// (e.g. `lex:profanity:block`, `promo:url`), with no language.
    pub fn features(&self, text: &str, signals: &[&str]) -> SparseVector {
        self.features_in(text, signals, None)
    }

    /// The feature vector of a normalised text in `language` (the engine's language code),
    /// for training and evaluation; [`crate::Model::score_in`] scores the same features
    /// without building it.
    pub fn features_in(
        &self,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
    ) -> SparseVector {
        let mut blocks: [Vec<u32>; BLOCKS] = Default::default();
        self.visit(text, signals, language, |b, i| blocks[b].push(i));
        let counts = blocks.each_ref().map(|v| v.len() as u32);
        let coef = self.coefficients(counts);
        let pairs = blocks
            .iter()
            .zip(coef)
            .flat_map(|(v, c)| v.iter().map(move |&i| (i, c)))
            .collect();
        SparseVector::from_pairs(pairs)
    }
}

/// How the tokenizer treats a char.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Part of a word.
    Word,
    /// Separates words and is not a feature (space, punctuation).
    Skip,
    /// A word of its own (an emoji, a symbol).
    Symbol,
}

fn class_of(c: char) -> Class {
    if is_word_char(c) {
        Class::Word
    } else if c.is_whitespace() || is_punctuation(c) {
        Class::Skip
    } else {
        Class::Symbol
    }
}

/// Chars below this have their class in a table: Latin, Greek, Cyrillic, Hebrew and Arabic
/// script, where the standard library's Unicode lookups would dominate the cost of a text.
const TABLE_END: u32 = 0x800;

/// The classes of the chars below [`TABLE_END`].
fn class_table() -> &'static [Class; TABLE_END as usize] {
    static TABLE: std::sync::LazyLock<[Class; TABLE_END as usize]> =
        std::sync::LazyLock::new(|| {
            std::array::from_fn(|u| char::from_u32(u as u32).map_or(Class::Skip, class_of))
        });
    &TABLE
}

/// The class of a char, from `table` (the [`class_table`], fetched once per text) when there.
#[inline(always)]
fn class(table: &[Class; TABLE_END as usize], c: char) -> Class {
    match table.get(c as usize) {
        Some(&k) => k,
        None => class_of(c),
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn featurizer() -> Featurizer {
        Featurizer::new(FeatureConfig::default()).expect("default config is valid")
    }

    /// The byte ranges of the words a walk reports.
    fn word_ranges(f: &Featurizer, text: &str) -> Vec<Range<usize>> {
        struct Words(Vec<Range<usize>>);
        impl Sink for Words {
            fn char_grams(&mut self, _: &[u32]) {}
            fn word(&mut self, _: u32) {}
            fn signal(&mut self, _: u32) {}
            fn word_end(&mut self, range: Range<usize>) {
                self.0.push(range);
            }
        }
        f.walk(text, &[], None, Words(Vec::new())).0
    }

    /// The straightforward pass, one char at a time, that [`Featurizer::walk`] must match:
    /// every feature occurrence as `(block, bucket)` in order, and the word ranges.
    pub(crate) fn reference(
        f: &Featurizer,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
    ) -> (Vec<(usize, u32)>, Vec<Range<usize>>) {
        struct Walk<'a> {
            f: &'a Featurizer,
            out: Vec<(usize, u32)>,
            ring: [u64; MAX_CHAR_N as usize],
            len: usize,
            word: u64,
            previous_word: Option<u64>,
            char_seed: Option<u64>,
            word_seed: Option<u64>,
        }
        impl Walk<'_> {
            fn emit(&mut self, block: usize, h: u64, seed: Option<u64>) {
                self.out.push((block, bucket(h, self.f.shift)));
                if let Some(s) = seed {
                    self.out.push((block, bucket(h ^ s, self.f.shift)));
                }
            }
            fn char(&mut self, c: u64) {
                self.len += 1;
                if self.f.config.char_weight <= 0.0 {
                    return;
                }
                let hi = usize::from(self.f.config.char_max);
                let lo = usize::from(self.f.config.char_min);
                let top = self.len.min(hi);
                for n in (1..top).rev() {
                    self.ring[n] = step(self.ring[n - 1], c);
                }
                self.ring[0] = step(CHAR_BASIS, c);
                for n in lo..=top {
                    self.emit(CHAR_BLOCK, self.ring[n - 1], self.char_seed);
                }
            }
            fn letter(&mut self, c: char) {
                if self.len == 0 {
                    self.word = WORD_BASIS;
                    self.char(PAD);
                }
                let c = u64::from(c);
                self.word = step(self.word, c);
                self.char(c);
            }
            fn close(&mut self) {
                if self.len == 0 {
                    return;
                }
                self.char(PAD);
                self.len = 0;
                let word = self.word;
                if self.f.config.word_weight > 0.0 {
                    self.emit(WORD_BLOCK, word, self.word_seed);
                    if self.f.config.word_bigrams
                        && let Some(p) = self.previous_word
                    {
                        self.emit(WORD_BLOCK, step(step(PAIR_BASIS, p), word), self.word_seed);
                    }
                }
                self.previous_word = Some(word);
            }
        }
        let c = &f.config;
        let seed = language.filter(|l| !l.is_empty()).map(language_seed);
        let mut walk = Walk {
            f,
            out: Vec::new(),
            ring: [0; MAX_CHAR_N as usize],
            len: 0,
            word: WORD_BASIS,
            previous_word: None,
            char_seed: seed.filter(|_| c.char_language_copies),
            word_seed: seed.filter(|_| c.language_copies),
        };
        let mut ranges = Vec::new();
        let mut start: Option<usize> = None;
        let all_chars = || text.char_indices().map(Some).chain([None]);
        for (k, item) in all_chars().enumerate() {
            let (i, ch) = item.unwrap_or((text.len(), ' '));
            let read = k < c.max_chars as usize && item.is_some();
            let kind = if read { class_of(ch) } else { Class::Skip };
            if kind != Class::Word
                && let Some(s) = start.take()
            {
                ranges.push(s..i);
            }
            if !read {
                break;
            }
            match kind {
                Class::Word => {
                    start.get_or_insert(i);
                    walk.letter(ch);
                }
                Class::Skip => walk.close(),
                Class::Symbol => {
                    ranges.push(i..i + ch.len_utf8());
                    walk.close();
                    walk.letter(ch);
                    walk.close();
                }
            }
        }
        walk.close();
        if c.signal_weight > 0.0 {
            let signal_seed = seed.filter(|_| c.signal_language_copies);
            for s in signals.iter().take(MAX_SIGNALS) {
                let h = s.bytes().fold(SIGNAL_BASIS, |h, b| step(h, u64::from(b)));
                walk.emit(SIGNAL_BLOCK, h, signal_seed);
            }
            if let Some(seed) = signal_seed {
                walk.out
                    .push((SIGNAL_BLOCK, bucket(SIGNAL_BASIS ^ seed, f.shift)));
            }
        }
        (walk.out, ranges)
    }

    fn occurrences(f: &Featurizer, text: &str, language: Option<&str>) -> [Vec<u32>; BLOCKS] {
        occurrences_with(f, text, &[], language)
    }

    /// Each block's occurrences, in the order [`Featurizer::visit`] gives them.
    fn occurrences_with(
        f: &Featurizer,
        text: &str,
        signals: &[&str],
        language: Option<&str>,
    ) -> [Vec<u32>; BLOCKS] {
        let mut blocks: [Vec<u32>; BLOCKS] = Default::default();
        f.visit(text, signals, language, |b, i| blocks[b].push(i));
        blocks
    }

    /// Texts in every script the engine reads, with the edge cases of the tokenizer.
    pub(crate) fn sample_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            " ,. ",
            "a",
            "ab",
            "abc",
            "you are an idiot, an idiot!",
            "i have read this article twice and i still do not understand why the council waited",
            "انت حمار وغبي",
            "شكرا على هذا التقرير المفصل عن ميزانية المياه، أتمنى أن تتابعوا الموضوع",
            "می‌خواهم، سلام!🙂ok",
            "ممنون از گزارش دقیق شما درباره بودجه آب، امیدوارم بعد از رأی‌گیری مجلس",
            "سوپاس بۆ ئەم ڕاپۆرتە وردە لەسەر بودجەی ئاو، هیوادارم دوای دەنگدانی پەرلەمان",
            "spas ji bo vê nûçeya hûrgilî li ser budceya avê, hêvîdar im hûn piştî",
            "sen tam bir yalancısın ve bu şehirde herkes bunu biliyor, seçimden önce",
            "İstanbul'da ığdır ÇAĞRI",
            "🙂🙂 ok🙂ok 👍🏽 ❤️ a\u{200D}b e\u{0301}te",
            "call 0555 123 45 67 or visit example.com/x?y=1 now!!! 100% free $$$",
            "tab\tnew\nline\u{00A0}nbsp\u{3000}ideographic「引用」",
            "中文字符和日本語のテキスト、한국어 텍스트",
            "\u{200C}\u{200C} \u{200C}x\u{200C}",
        ]
        .map(str::to_owned)
        .to_vec();
        // Long texts, past any `max_chars`, mixing every kind of char at random.
        let alphabet: Vec<char> = "abcçğışöüxyz0189 ,.!?'-\t\nابتثجحخدذرسشصضعغفقكلمنهوىيةءئۆێڵڕەپچژگک\u{200C}\u{064B}\u{0301}🙂👍€©中"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in [5, 40, 300, 1999, 2000, 2001, 2500] {
            let text = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(state >> 33) as usize % alphabet.len()]
                })
                .collect();
            texts.push(text);
        }
        texts.push("word ".repeat(600));
        texts.push("x".repeat(2100));
        texts
    }

    #[test]
    fn signal_language_copies_give_each_language_its_signals_and_a_bias() {
        let plain = Featurizer::new(FeatureConfig {
            signal_language_copies: false,
            ..FeatureConfig::default()
        })
        .expect("valid");
        let copies = Featurizer::new(FeatureConfig::default()).expect("valid");
        let signals = |f: &Featurizer, s: &[&str], l: Option<&str>| {
            occurrences_with(f, "some words", s, l)[SIGNAL_BLOCK].clone()
        };
        let hit = ["lex:insult:flag"];
        assert_eq!(signals(&plain, &hit, Some("tr")).len(), 1);
        // The signal, its Turkish copy, and the Turkish bias.
        let tr = signals(&copies, &hit, Some("tr"));
        let en = signals(&copies, &hit, Some("en"));
        assert_eq!(tr.len(), 3);
        assert_eq!(tr[0], en[0]);
        assert_ne!(tr[1], en[1]);
        assert_ne!(tr[2], en[2]);
        // The bias comes without any signal, and not without a language.
        assert_eq!(signals(&copies, &[], Some("tr")), [tr[2]]);
        assert_eq!(signals(&copies, &hit, None), [tr[0]]);
    }

    #[test]
    fn the_walk_matches_the_reference_pass_in_every_setting() {
        let owned: Vec<String> = (0..300).map(|k| format!("lex:{k}:flag")).collect();
        let signals: Vec<&str> = owned.iter().map(String::as_str).collect();
        let mut configs = vec![
            FeatureConfig::default(),
            FeatureConfig {
                char_language_copies: true,
                signal_language_copies: true,
                word_bigrams: false,
                ..FeatureConfig::default()
            },
            FeatureConfig {
                language_copies: false,
                max_chars: 7,
                bits: 10,
                ..FeatureConfig::default()
            },
            FeatureConfig {
                char_weight: 0.0,
                signal_weight: 0.0,
                ..FeatureConfig::default()
            },
            FeatureConfig {
                word_weight: 0.0,
                max_chars: 1,
                ..FeatureConfig::default()
            },
        ];
        for char_min in 1..=MAX_CHAR_N {
            for char_max in char_min..=MAX_CHAR_N {
                configs.push(FeatureConfig {
                    char_min,
                    char_max,
                    char_language_copies: char_max % 2 == 0,
                    max_chars: 300,
                    ..FeatureConfig::default()
                });
            }
        }
        for config in configs {
            let f = Featurizer::new(config).expect("valid");
            for text in sample_texts() {
                for language in [None, Some(""), Some("en"), Some("ckb")] {
                    for signals in [&[][..], &signals[..2], &signals[..]] {
                        let (expected, ranges) = reference(&f, &text, signals, language);
                        let mut blocks: [Vec<u32>; BLOCKS] = Default::default();
                        for (b, i) in expected {
                            blocks[b].push(i);
                        }
                        let got = occurrences_with(&f, &text, signals, language);
                        assert_eq!(got, blocks, "{config:?} {language:?} {text:?}");
                        assert_eq!(word_ranges(&f, &text), ranges, "{config:?} {text:?}");
                    }
                }
            }
        }
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
        let f = featurizer();
        // Four words ("می‌خواهم", "سلام", "🙂", "ok"): four unigrams and three pairs.
        assert_eq!(
            occurrences(&f, "می‌خواهم، سلام!🙂ok", None)[WORD_BLOCK].len(),
            7
        );
        let short = Featurizer::new(FeatureConfig {
            max_chars: 3,
            ..FeatureConfig::default()
        })
        .expect("valid");
        // Only "a b" is read.
        assert_eq!(occurrences(&short, "a b c d", None)[WORD_BLOCK].len(), 3);
    }

    #[test]
    fn word_ranges_follow_the_tokenizer() {
        let f = featurizer();
        let t = "می‌خواهم، سلام!🙂ok";
        let words: Vec<&str> = word_ranges(&f, t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(words, ["می‌خواهم", "سلام", "🙂", "ok"]);
    }

    #[test]
    fn character_ngrams_are_taken_inside_padded_words() {
        let f = featurizer();
        // " abc " has 3 + 2 + 1 n-grams of 3 to 5 chars.
        assert_eq!(occurrences(&f, "abc", None)[CHAR_BLOCK].len(), 6);
        // The same word gives the same n-grams wherever it stands.
        let two = occurrences(&f, "abc, abc", None);
        assert_eq!(two[CHAR_BLOCK][..6], two[CHAR_BLOCK][6..]);
    }

    #[test]
    fn features_are_sorted_unique_and_unit_length_without_repeats() {
        // No n-gram of "xyz quick" occurs twice.
        let v = featurizer().features("xyz quick", &["lex:insult:flag"]);
        assert!(v.indices().windows(2).all(|p| p[0] < p[1]));
        let norm: f32 = v.values().iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5, "{norm}");
    }

    #[test]
    fn a_repeated_feature_counts_once_per_occurrence() {
        let f = featurizer();
        let v = f.features("ok ok", &[]);
        let word = occurrences(&f, "ok", None)[WORD_BLOCK][0];
        let k = v.indices().binary_search(&word).expect("word present");
        let coef = f.coefficients([6, 3, 0]);
        assert!((v.values()[k] - 2.0 * coef[WORD_BLOCK]).abs() < 1e-6);
    }

    #[test]
    fn features_are_deterministic_and_work_in_every_script() {
        let f = featurizer();
        for text in [
            "hello there",
            "مرحبا بكم",
            "سڵاو لە هەمووان",
            "merhaba dünya",
            "سلام",
        ] {
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
        // Two words and one pair are copied, and the language's bias comes; character n-grams
        // are not copied by default.
        assert_eq!(tr.nnz(), plain.nnz() + 3 + 1);
        assert_ne!(tr, f.features_in("merhaba dünya", &[], Some("en")));

        let all = Featurizer::new(FeatureConfig {
            char_language_copies: true,
            ..FeatureConfig::default()
        })
        .expect("valid");
        let plain = all.features("merhaba dünya", &[]);
        assert_eq!(
            all.features_in("merhaba dünya", &[], Some("tr")).nnz(),
            2 * plain.nnz() + 1
        );
    }

    #[test]
    fn signals_add_features() {
        let f = featurizer();
        let plain = f.features("buy now", &[]);
        let flagged = f.features("buy now", &["promo:url"]);
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
                char_max: 9,
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
