//! How well evidence points at what raters marked: the character F1 of SemEval-2021 Task 5
//! (toxic spans), on Unicode code point offsets.

use std::collections::BTreeSet;
use std::ops::Range;

/// The code point offsets of `text` that byte ranges of it cover (a char counts when its first
/// byte lies in a range), in increasing order, each once. Ranges beyond the text cover nothing
/// there.
pub fn code_points(text: &str, ranges: &[Range<usize>]) -> Vec<usize> {
    text.char_indices()
        .enumerate()
        .filter(|(_, (byte, _))| ranges.iter().any(|r| r.contains(byte)))
        .map(|(k, _)| k)
        .collect()
}

/// The SemEval-2021 Task 5 F1 of one post: `2 |P ∩ G| / (|P| + |G|)` over the predicted and
/// the gold character offsets (repeats count once); 1 when both are empty, 0 when only one is.
pub fn span_f1(predicted: &[usize], gold: &[usize]) -> f64 {
    let predicted: BTreeSet<usize> = predicted.iter().copied().collect();
    let gold: BTreeSet<usize> = gold.iter().copied().collect();
    match (predicted.is_empty(), gold.is_empty()) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        (false, false) => {
            let shared = predicted.intersection(&gold).count();
            2.0 * shared as f64 / (predicted.len() + gold.len()) as f64
        }
    }
}

/// Span F1 averaged over posts (the task's figure), with the counts that explain it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpanScore {
    pub posts: usize,
    f1_sum: f64,
    /// Posts with at least one gold offset, and their F1 sum.
    pub with_gold: usize,
    with_gold_f1_sum: f64,
    /// Posts with at least one predicted offset.
    pub predicted: usize,
}

impl SpanScore {
    /// Adds one post's predicted and gold offsets.
    pub fn add(&mut self, predicted: &[usize], gold: &[usize]) {
        let f1 = span_f1(predicted, gold);
        self.posts += 1;
        self.f1_sum += f1;
        if !gold.is_empty() {
            self.with_gold += 1;
            self.with_gold_f1_sum += f1;
        }
        self.predicted += usize::from(!predicted.is_empty());
    }

    /// Mean F1 over all posts; `None` before any post.
    pub fn f1(&self) -> Option<f64> {
        (self.posts > 0).then(|| self.f1_sum / self.posts as f64)
    }

    /// Mean F1 over the posts with gold offsets.
    pub fn f1_with_gold(&self) -> Option<f64> {
        (self.with_gold > 0).then(|| self.with_gold_f1_sum / self.with_gold as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_become_code_point_offsets() {
        // "ç" takes two bytes: "aptalsın" starts at byte 13 but at code point 12.
        let text = "çok iyi sen aptalsın";
        let start = text.find("aptal").expect("in text");
        let word = start..start + "aptalsın".len();
        assert_eq!(
            code_points(text, std::slice::from_ref(&word)),
            (12..20).collect::<Vec<_>>()
        );
        // Arabic letters take two bytes each; a range may end inside the text's last word.
        let arabic = "انت حمار";
        let start = arabic.find("حمار").expect("in text");
        assert_eq!(
            code_points(arabic, &[0..2, start..arabic.len() - 2]),
            [0, 4, 5, 6]
        );
        // Overlapping and out-of-text ranges count each char once.
        assert_eq!(code_points("abc", &[0..2, 1..3, 5..9]), [0, 1, 2]);
        assert!(code_points("abc", &[]).is_empty());
    }

    #[test]
    fn span_f1_follows_the_task_definition() {
        assert_eq!(span_f1(&[], &[]), 1.0);
        assert_eq!(span_f1(&[3], &[]), 0.0);
        assert_eq!(span_f1(&[], &[3]), 0.0);
        assert_eq!(span_f1(&[1, 2, 3], &[1, 2, 3]), 1.0);
        // Predicted 4..8, gold 6..12: 2 shared, 4 + 6 offsets.
        let p: Vec<usize> = (4..8).collect();
        let g: Vec<usize> = (6..12).collect();
        assert!((span_f1(&p, &g) - 0.4).abs() < 1e-12);
        // Repeats and order do not matter.
        assert!((span_f1(&[7, 6, 6, 5, 4], &g) - 0.4).abs() < 1e-12);
        assert_eq!(span_f1(&[0, 1], &[5, 6]), 0.0);
    }

    #[test]
    fn the_score_averages_over_posts() {
        let mut s = SpanScore::default();
        assert_eq!(s.f1(), None);
        s.add(&[], &[]); // 1
        s.add(&[1], &[]); // 0
        s.add(&[1, 2], &[2, 3]); // 0.5
        s.add(&[], &[4]); // 0
        assert!((s.f1().expect("posts") - 0.375).abs() < 1e-12);
        assert_eq!((s.posts, s.with_gold, s.predicted), (4, 2, 2));
        assert!((s.f1_with_gold().expect("gold posts") - 0.25).abs() < 1e-12);
    }
}
