//! How alike two texts are, on the engine's own normalisation (so `FREE  M0NEY!!` and
//! `free money` are the same words): MinHash band keys for near-duplicate look-ups, and word
//! overlap for finding the article paragraph a comment is most about.
//!
//! The band keys are stored, so they are a file format: the hash is written here (FNV-1a
//! then a SplitMix64 finaliser per seed), not taken from `std`, whose hasher may change.

use std::collections::HashSet;

use crate::normalize;

/// Hash functions per band and bands: two texts share a band with probability
/// `1 - (1 - J^ROWS)^BANDS` for word-trigram Jaccard similarity J (0.94 at J = 0.8, 0.23 at
/// J = 0.5, 0.03 at J = 0.3).
const ROWS: usize = 4;
pub const BANDS: usize = 4;

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The normalised words of a text.
fn matching_words(text: &str) -> Vec<String> {
    let normalized = normalize::normalize(text, false);
    normalize::words(&normalized.text)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// MinHash band keys of a text's word trigrams (its words, when it has fewer than three);
/// `None` for a text with no words. Texts sharing any key are near duplicates.
pub fn minhash_bands(text: &str) -> Option<[i64; BANDS]> {
    let words = matching_words(text);
    if words.is_empty() {
        return None;
    }
    let shingles: Vec<u64> = if words.len() < 3 {
        words.iter().map(|w| fnv1a(w.as_bytes())).collect()
    } else {
        words
            .windows(3)
            .map(|w| fnv1a(format!("{} {} {}", w[0], w[1], w[2]).as_bytes()))
            .collect()
    };
    let mut minima = [u64::MAX; ROWS * BANDS];
    for shingle in shingles {
        for (seed, minimum) in minima.iter_mut().enumerate() {
            let hashed = mix(shingle ^ mix(seed as u64 + 1));
            *minimum = (*minimum).min(hashed);
        }
    }
    let mut bands = [0i64; BANDS];
    for (band, key) in bands.iter_mut().enumerate() {
        let rows = &minima[band * ROWS..(band + 1) * ROWS];
        let folded = rows
            .iter()
            .fold(mix(band as u64 + 101), |acc, row| mix(acc ^ row));
        *key = i64::from_ne_bytes(folded.to_ne_bytes());
    }
    Some(bands)
}

/// The index of the candidate sharing the largest share of its words with `text` (Jaccard
/// over normalised words longer than two bytes); `None` when none shares a word.
pub fn most_similar(text: &str, candidates: &[&str]) -> Option<usize> {
    let set = |t: &str| -> HashSet<String> {
        matching_words(t)
            .into_iter()
            .filter(|w| w.len() > 2)
            .collect()
    };
    let words = set(text);
    let mut best = None;
    let mut best_score = 0.0;
    for (i, candidate) in candidates.iter().enumerate() {
        let other = set(candidate);
        let shared = words.intersection(&other).count();
        if shared == 0 {
            continue;
        }
        let score = shared as f64 / words.union(&other).count() as f64;
        if score > best_score {
            best = Some(i);
            best_score = score;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares_a_band(a: &str, b: &str) -> bool {
        let (a, b) = (
            minhash_bands(a).expect("words"),
            minhash_bands(b).expect("words"),
        );
        a.iter().zip(&b).any(|(x, y)| x == y)
    }

    #[test]
    fn copies_that_differ_in_case_spacing_or_a_word_share_bands() {
        let spam = "Earn FREE money fast at home, visit my page for the best offers today";
        assert_eq!(
            minhash_bands(spam),
            minhash_bands(
                "earn free   money fast at home visit my page for the best offers today!!"
            )
        );
        assert!(shares_a_band(
            spam,
            "Earn free money fast at home, visit my page for the best offers now"
        ));
    }

    #[test]
    fn unrelated_comments_share_no_band() {
        assert!(!shares_a_band(
            "The council should publish the budget before the vote next week",
            "I disagree with the reporter about the football results this season"
        ));
        assert_eq!(minhash_bands("  !! "), None);
    }

    #[test]
    fn the_most_similar_paragraph_shares_the_most_words() {
        let paragraphs = [
            "The mayor opened a new bridge.",
            "Rain is expected over the weekend in the north.",
        ];
        assert_eq!(
            most_similar("Will the rain stop before the weekend?", &paragraphs),
            Some(1)
        );
        assert_eq!(most_similar("Nothing alike here", &paragraphs), None);
    }
}
