//! Measuring the engine against labelled comments: decision expectations (newsroom examples)
//! and per-category labels (the corpus format), and the functional suite ([`functional`]).
//! Pure: the caller reads the files.

pub mod functional;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::policy::Policy;
use crate::{Category, Decision, Verdict};

/// One labelled record. Either `expect` (acceptable decisions) or `labels` (category → 0/1,
/// absent = unknown) or both.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledRecord {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub lang: Option<String>,
    /// The name of the article the comment was posted under.
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default)]
    pub expect: Option<Vec<Decision>>,
    #[serde(default)]
    pub labels: Option<BTreeMap<String, u8>>,
}

/// The abuse categories the corpus label `offensive` stands for.
pub const ABUSE: [Category; 5] = [
    Category::Profanity,
    Category::Vulgarity,
    Category::Threat,
    Category::PersonalAttack,
    Category::IdentityAbuse,
];

/// How the engine did on records with decision expectations.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DecisionReport {
    pub total: usize,
    /// Records that must not be approved (reject expected) but were approved.
    pub harm_auto_approved: Vec<String>,
    /// Records that may be approved (approve expected) but were rejected.
    pub legitimate_auto_rejected: Vec<String>,
    /// Records decided without a human (approve or reject).
    pub decided_alone: usize,
    /// Records whose decision is not among the expected ones (review included).
    pub unexpected: Vec<String>,
}

impl DecisionReport {
    /// Adds one record's outcome.
    pub fn add(&mut self, id: &str, expect: &[Decision], got: Decision) {
        self.total += 1;
        if got != Decision::Review {
            self.decided_alone += 1;
        }
        let may_approve = expect.contains(&Decision::Approve);
        let must_not_approve = expect.contains(&Decision::Reject) && !may_approve;
        if must_not_approve && got == Decision::Approve {
            self.harm_auto_approved.push(id.to_owned());
        }
        if may_approve && got == Decision::Reject {
            self.legitimate_auto_rejected.push(id.to_owned());
        }
        if !expect.contains(&got) {
            self.unexpected.push(id.to_owned());
        }
    }

    /// Share of records decided without a human, 0..=1.
    pub fn decided_share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.decided_alone as f64 / self.total as f64
        }
    }
}

/// A confusion count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub tn: u64,
}

impl Counts {
    pub fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    pub fn support(&self) -> u64 {
        self.tp + self.fn_
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Per (label, language) counts over records with `labels`, and the engine's score for the
/// label with the truth (for calibration). Language `all` sums the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LabelReport {
    pub counts: BTreeMap<(String, String), Counts>,
    pub scored: BTreeMap<(String, String), Vec<(f32, bool)>>,
}

/// Expected calibration error of scores against the truth over `bins` equal-width bins: the
/// mean gap between a bin's mean score and its share of positives, weighted by its size (0 is
/// perfectly calibrated; `None` without scores).
pub fn calibration_error(scored: &[(f32, bool)], bins: usize) -> Option<f64> {
    if scored.is_empty() || bins == 0 {
        return None;
    }
    let mut sums = vec![(0usize, 0f64, 0usize); bins];
    for &(score, truth) in scored {
        let b = ((score.clamp(0.0, 1.0) * bins as f32) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += f64::from(score);
        sums[b].2 += usize::from(truth);
    }
    let n = scored.len() as f64;
    Some(
        sums.iter()
            .filter(|b| b.0 > 0)
            .map(|&(count, total, positives)| {
                let c = count as f64;
                (c / n) * (total / c - positives as f64 / c).abs()
            })
            .sum(),
    )
}

/// Whether the verdict flags `category` (score at or above its review threshold).
pub fn flags(verdict: &Verdict, category: Category, policy: &Policy) -> bool {
    let score = verdict.scores.get(&category).copied().unwrap_or(0.0);
    score >= policy.thresholds(category, &verdict.language).review
}

impl LabelReport {
    /// Adds one record. `offensive` counts as predicted when any abuse category is flagged or
    /// rejected; other labels map to their category; unknown label names are skipped.
    pub fn add(
        &mut self,
        labels: &BTreeMap<String, u8>,
        lang: &str,
        verdict: &Verdict,
        policy: &Policy,
    ) {
        let score = |c: Category| verdict.scores.get(&c).copied().unwrap_or(0.0);
        for (label, &value) in labels {
            let (predicted, score) = if label == "offensive" {
                (
                    ABUSE.iter().any(|&c| flags(verdict, c, policy)),
                    ABUSE.iter().map(|&c| score(c)).fold(0.0, f32::max),
                )
            } else if let Ok(c) = label.parse::<Category>() {
                (flags(verdict, c, policy), score(c))
            } else {
                continue;
            };
            for l in [lang, "all"] {
                let key = (label.clone(), l.to_owned());
                self.counts
                    .entry(key.clone())
                    .or_default()
                    .add(value != 0, predicted);
                self.scored
                    .entry(key)
                    .or_default()
                    .push((score, value != 0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_report_counts_harm_and_legitimate_errors() {
        let mut r = DecisionReport::default();
        r.add("a", &[Decision::Reject], Decision::Approve);
        r.add("b", &[Decision::Approve], Decision::Reject);
        r.add(
            "c",
            &[Decision::Approve, Decision::Review],
            Decision::Review,
        );
        r.add("d", &[Decision::Reject], Decision::Reject);
        assert_eq!(r.harm_auto_approved, ["a"]);
        assert_eq!(r.legitimate_auto_rejected, ["b"]);
        assert_eq!(r.decided_alone, 3);
        assert_eq!(r.unexpected, ["a", "b"]);
        assert!((r.decided_share() - 0.75).abs() < 1e-9);
    }

    #[test]
    fn calibration_error_is_zero_when_scores_match_the_share_of_positives() {
        let calibrated = [(0.25, true), (0.25, false), (0.25, false), (0.25, false)];
        assert!(calibration_error(&calibrated, 10).is_some_and(|e| e.abs() < 1e-6));
        let overconfident = [(0.95, false), (0.95, false)];
        assert!(calibration_error(&overconfident, 10).is_some_and(|e| (e - 0.95).abs() < 1e-6));
        assert_eq!(calibration_error(&[], 10), None);
    }

    #[test]
    fn precision_recall_f1() {
        let mut c = Counts::default();
        for (t, p) in [
            (true, true),
            (true, true),
            (true, false),
            (false, true),
            (false, false),
        ] {
            c.add(t, p);
        }
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-9);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-9);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(Counts::default().f1(), 0.0);
    }

    #[test]
    fn offensive_maps_to_any_abuse_category_and_unknown_labels_are_masked() {
        let policy = Policy::default();
        let v = crate::moderate(
            &crate::Comment {
                text: "you are an idiot",
                lang: Some("en"),
            },
            None,
            &policy,
        );
        let labels: BTreeMap<String, u8> = [
            ("offensive".to_owned(), 1),
            ("sarcasm".to_owned(), 1),
            ("promotion".to_owned(), 0),
        ]
        .into_iter()
        .collect();
        let mut r = LabelReport::default();
        r.add(&labels, "en", &v, &policy);
        assert_eq!(r.counts[&("offensive".into(), "en".into())].tp, 1);
        assert_eq!(r.counts[&("promotion".into(), "all".into())].tn, 1);
        assert!(!r.counts.keys().any(|(l, _)| l == "sarcasm"));
    }
}
