//! A cheap hash for the engine's word lookups (stopwords, cue words, article stems): every word
//! of every comment is looked up, and SipHash would cost more than the rest of the lookup. The
//! tables are built from our own constants and from articles, never from comments, so a
//! comment cannot choose colliding keys that grow them.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The multiplicative hash used by rustc (FxHash).
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        // The last bytes (most words are shorter than 8) read with fixed-size loads: a copy of
        // a variable length would be a call.
        let rest = chunks.remainder();
        let n = rest.len();
        let word = if n >= 4 {
            let first = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            let last = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
            u64::from(first) | (u64::from(last) << 32)
        } else if n > 0 {
            u64::from(rest[0]) | (u64::from(rest[n / 2]) << 8) | (u64::from(rest[n - 1]) << 16)
        } else {
            return;
        };
        self.add(word);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FastSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A set of the given words.
pub fn word_set(words: &[&'static str]) -> FastSet<&'static str> {
    words.iter().copied().collect()
}
