//! Calibration (Platt scaling), metrics and threshold selection on held-out data.

use crate::model::{Calibration, HEAD_COUNT, Head, Model, Thresholds};
use crate::train::Example;

/// What the auto-decision thresholds must achieve on dev.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdTargets {
    /// Precision an auto-reject and an auto-approve threshold must reach (e.g. 0.99).
    pub precision: f64,
    /// Fewest dev texts a threshold must decide, so that a handful of lucky texts at the
    /// extreme does not pass for a measured precision.
    pub min_support: usize,
}

impl Default for ThresholdTargets {
    fn default() -> Self {
        ThresholdTargets {
            precision: 0.99,
            min_support: 20,
        }
    }
}

/// Binary classification figures at one threshold (score ≥ threshold is positive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryMetrics {
    pub support: usize,
    pub true_pos: usize,
    pub false_pos: usize,
    pub true_neg: usize,
    pub false_neg: usize,
    /// Precision of the positive class (0 when nothing is predicted positive).
    pub precision: f64,
    /// Recall of the positive class.
    pub recall: f64,
    /// F1 of the positive class.
    pub f1: f64,
    /// Mean of the F1 of the positive and of the negative class.
    pub macro_f1: f64,
    /// Area under the ROC curve; `None` when one class is absent.
    pub roc_auc: Option<f64>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn f1(tp: usize, fp: usize, fn_: usize) -> f64 {
    ratio(2 * tp, 2 * tp + fp + fn_)
}

/// Figures for `(score, label)` pairs at `threshold`.
pub fn binary_metrics(scored: &[(f32, bool)], threshold: f32) -> BinaryMetrics {
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    for &(s, y) in scored {
        match (s >= threshold, y) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fn_ += 1,
        }
    }
    BinaryMetrics {
        support: scored.len(),
        true_pos: tp,
        false_pos: fp,
        true_neg: tn,
        false_neg: fn_,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn_),
        f1: f1(tp, fp, fn_),
        macro_f1: (f1(tp, fp, fn_) + f1(tn, fn_, fp)) / 2.0,
        roc_auc: roc_auc(scored),
    }
}

/// ROC-AUC by the rank-sum formula, ties counted as half.
pub fn roc_auc(scored: &[(f32, bool)]) -> Option<f64> {
    let pos = scored.iter().filter(|p| p.1).count();
    let neg = scored.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut sorted: Vec<(f32, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0f64;
    let mut k = 0;
    while k < sorted.len() {
        let mut end = k;
        while end < sorted.len() && sorted[end].0 == sorted[k].0 {
            end += 1;
        }
        // Ranks k+1..=end share their mean.
        let mean_rank = (k + 1 + end) as f64 / 2.0;
        rank_sum += mean_rank * sorted[k..end].iter().filter(|p| p.1).count() as f64;
        k = end;
    }
    let u = rank_sum - (pos * (pos + 1)) as f64 / 2.0;
    Some(u / (pos as f64 * neg as f64))
}

/// Bins of [`expected_calibration_error`] as reports give it.
pub const ECE_BINS: usize = 10;

/// Expected calibration error of `(probability, label)` pairs: the pairs fall into `bins`
/// equal-width bins of [0, 1] by probability, and the error is the mean over pairs of
/// |mean probability − share of positives| in the pair's bin (0 for a calibrated scorer: of
/// the texts scored 0.7, 70 % are positive). `None` when there are no pairs or no bins.
pub fn expected_calibration_error(scored: &[(f32, bool)], bins: usize) -> Option<f64> {
    if scored.is_empty() || bins == 0 {
        return None;
    }
    // Per bin: pairs, sum of probabilities, positives.
    let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
    for &(p, y) in scored {
        let p = f64::from(p).clamp(0.0, 1.0);
        let b = ((p * bins as f64) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += usize::from(y);
    }
    let gap: f64 = sums
        .iter()
        .filter(|b| b.0 > 0)
        .map(|&(_, p, pos)| (p - pos as f64).abs())
        .sum();
    Some(gap / scored.len() as f64)
}

/// Fits Platt scaling to `(margin, label)` pairs by Newton's method on the log loss, with
/// Platt's smoothed targets. Returns the identity when a class is absent.
pub fn fit_platt(scored: &[(f32, bool)]) -> Calibration {
    let pos = scored.iter().filter(|p| p.1).count();
    let neg = scored.len() - pos;
    if pos == 0 || neg == 0 {
        return Calibration::IDENTITY;
    }
    let hi = (pos as f64 + 1.0) / (pos as f64 + 2.0);
    let lo = 1.0 / (neg as f64 + 2.0);
    let loss = |a: f64, b: f64| -> f64 {
        scored
            .iter()
            .map(|&(m, y)| {
                let t = if y { hi } else { lo };
                let z = a * f64::from(m) + b;
                // log(1 + e^z) - t z, written to stay finite for large |z|.
                let softplus = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                softplus - t * z
            })
            .sum()
    };
    let (mut a, mut b) = (1.0f64, 0.0f64);
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for &(m, y) in scored {
            let m = f64::from(m);
            let t = if y { hi } else { lo };
            let p = 1.0 / (1.0 + (-(a * m + b)).exp());
            let d = p - t;
            let w = p * (1.0 - p);
            ga += d * m;
            gb += d;
            haa += w * m * m;
            hab += w * m;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-18 {
            break;
        }
        let da = -(hbb * ga - hab * gb) / det;
        let db = -(haa * gb - hab * ga) / det;
        let mut step = 1.0;
        let mut improved = false;
        while step > 1e-8 {
            let (na, nb) = (a + step * da, b + step * db);
            let l = loss(na, nb);
            if l < current - 1e-12 {
                (a, b, current) = (na, nb, l);
                improved = true;
                break;
            }
            step /= 2.0;
        }
        if !improved || (step * da).abs() + (step * db).abs() < 1e-9 {
            break;
        }
    }
    Calibration {
        a: a as f32,
        b: b as f32,
    }
}

/// Thresholds on `(score, label)` pairs: the one maximising macro-F1 (the mean F1 of the
/// positive and the negative class, the figure the shared tasks rank by), the lowest at which
/// score ≥ t reaches the target precision, and the highest at which score ≤ t reaches it
/// for negatives.
pub fn choose_thresholds(scored: &[(f32, bool)], targets: &ThresholdTargets) -> Thresholds {
    let mut sorted: Vec<(f32, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = sorted.iter().filter(|p| p.1).count();
    let negatives = sorted.len() - positives;

    let mut out = Thresholds::default();
    let mut best_macro = -1.0;
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut k = 0;
    while k < sorted.len() {
        let t = sorted[k].0;
        while k < sorted.len() && sorted[k].0 == t {
            if sorted[k].1 {
                tp += 1;
            } else {
                fp += 1;
            }
            k += 1;
        }
        let (fn_, tn) = (positives - tp, negatives - fp);
        let macro_f1 = (f1(tp, fp, fn_) + f1(tn, fn_, fp)) / 2.0;
        if macro_f1 > best_macro {
            best_macro = macro_f1;
            out.best_f1 = t;
        }
        if tp + fp >= targets.min_support && ratio(tp, tp + fp) >= targets.precision {
            out.reject = Some(t);
        }
    }

    let (mut tn, mut fn_) = (0usize, 0usize);
    let mut k = sorted.len();
    while k > 0 {
        let t = sorted[k - 1].0;
        while k > 0 && sorted[k - 1].0 == t {
            if sorted[k - 1].1 {
                fn_ += 1;
            } else {
                tn += 1;
            }
            k -= 1;
        }
        if tn + fn_ >= targets.min_support && ratio(tn, tn + fn_) >= targets.precision {
            out.approve = Some(t);
        }
    }
    if positives == 0 || negatives == 0 {
        out.best_f1 = Thresholds::default().best_f1;
    }
    out
}

/// What the auto-decision thresholds do to `(score, label)` pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AutoDecisions {
    pub support: usize,
    /// Texts with score ≥ the reject threshold, and how many of them are positive.
    pub rejected: usize,
    pub rejected_correct: usize,
    /// Texts with score ≤ the approve threshold, and how many of them are negative.
    pub approved: usize,
    pub approved_correct: usize,
}

impl AutoDecisions {
    /// Share of texts decided by one of the two thresholds.
    pub fn decided_share(&self) -> f64 {
        ratio(self.rejected + self.approved, self.support)
    }

    /// Precision of the auto-rejections (`None` when there are none).
    pub fn reject_precision(&self) -> Option<f64> {
        (self.rejected > 0).then(|| ratio(self.rejected_correct, self.rejected))
    }

    /// Precision of the auto-approvals (`None` when there are none).
    pub fn approve_precision(&self) -> Option<f64> {
        (self.approved > 0).then(|| ratio(self.approved_correct, self.approved))
    }
}

/// Counts what `thresholds` decide among `(score, label)` pairs.
pub fn auto_decisions(scored: &[(f32, bool)], thresholds: &Thresholds) -> AutoDecisions {
    let mut d = AutoDecisions {
        support: scored.len(),
        ..AutoDecisions::default()
    };
    for &(s, y) in scored {
        if thresholds.reject.is_some_and(|t| s >= t) {
            d.rejected += 1;
            d.rejected_correct += usize::from(y);
        } else if thresholds.approve.is_some_and(|t| s <= t) {
            d.approved += 1;
            d.approved_correct += usize::from(!y);
        }
    }
    d
}

/// Fits one head's calibration to `(margin, label)` pairs and sets its thresholds on the
/// calibrated scores. Returns `false` (and leaves the head alone) when a class is absent.
pub fn calibrate_head(
    model: &mut Model,
    head: Head,
    margins: &[(f32, bool)],
    targets: &ThresholdTargets,
) -> bool {
    let pos = margins.iter().filter(|p| p.1).count();
    if pos == 0 || pos == margins.len() {
        return false;
    }
    let calibration = fit_platt(margins);
    let scored: Vec<(f32, bool)> = margins
        .iter()
        .map(|&(m, y)| (calibration.apply(m), y))
        .collect();
    model.set_calibration(head, calibration);
    model.set_thresholds(head, choose_thresholds(&scored, targets));
    true
}

/// Per head, the `(margin, label)` pairs of the examples where the head's label is known.
pub fn margins_by_head(model: &Model, examples: &[Example]) -> [Vec<(f32, bool)>; HEAD_COUNT] {
    let mut out: [Vec<(f32, bool)>; HEAD_COUNT] = std::array::from_fn(|_| Vec::new());
    for e in examples {
        if e.labels.is_unknown() {
            continue;
        }
        let m = model.margins(&e.features);
        for h in Head::ALL {
            if let Some(y) = e.labels.get(h) {
                out[h.index()].push((m[h.index()], y));
            }
        }
    }
    out
}

/// Fewest dev texts of each class a head needs in one language before it gets its own
/// calibration and thresholds there.
pub const MIN_LANGUAGE_CLASS: usize = 40;

/// Gives each head its own calibration and thresholds in each language of `dev`
/// (`languages[k]` is the language of `dev[k]`, as the engine detects it) where dev has at
/// least [`MIN_LANGUAGE_CLASS`] texts of each class; the other languages keep the
/// model-wide ones. Returns the `(language, head)` pairs it set.
///
/// `sources[k]` names the collection `dev[k]` comes from. One language may pool collections
/// annotated to different standards (in English, a tweet set where most texts are offensive
/// beside one where a third are): the best threshold maximises the mean of the collections'
/// macro-F1, so the largest collection does not set it alone; an auto-decision threshold must
/// reach the target precision in each collection on its own.
pub fn calibrate_languages(
    model: &mut Model,
    dev: &[Example],
    languages: &[String],
    sources: &[String],
    targets: &ThresholdTargets,
) -> Vec<(String, Head)> {
    let mut codes: Vec<&String> = languages.iter().collect();
    codes.sort();
    codes.dedup();
    let mut set = Vec::new();
    for code in codes {
        let rows: Vec<(&Example, &str)> = dev
            .iter()
            .zip(languages.iter().zip(sources))
            .filter(|(_, (l, _))| *l == code)
            .map(|(e, (_, s))| (e, s.as_str()))
            .collect();
        let margins: Vec<[f32; HEAD_COUNT]> = rows
            .iter()
            .map(|(e, _)| model.margins(&e.features))
            .collect();
        for h in Head::ALL {
            let (m, groups): (Vec<(f32, bool)>, Vec<&str>) = rows
                .iter()
                .zip(&margins)
                .filter_map(|((e, s), m)| Some(((m[h.index()], e.labels.get(h)?), *s)))
                .unzip();
            let pos = m.iter().filter(|p| p.1).count();
            if pos < MIN_LANGUAGE_CLASS || m.len() - pos < MIN_LANGUAGE_CLASS {
                continue;
            }
            let calibration = fit_platt(&m);
            let scored: Vec<(f32, bool)> =
                m.iter().map(|&(x, y)| (calibration.apply(x), y)).collect();
            let thresholds = language_thresholds(&scored, &groups, targets);
            if model.set_language(code, h, calibration, thresholds).is_ok() {
                set.push((code.clone(), h));
            }
        }
    }
    set
}

/// Thresholds of one head in one language from its calibrated `(score, label)` pairs, where
/// `groups[k]` names the collection of pair `k`: the best threshold maximises the mean of the
/// collections' macro-F1, and an auto-decision threshold must reach the target precision in
/// each collection on its own (see [`calibrate_languages`]).
pub fn language_thresholds(
    scored: &[(f32, bool)],
    groups: &[&str],
    targets: &ThresholdTargets,
) -> Thresholds {
    let mut thresholds = choose_thresholds(scored, targets);
    thresholds.best_f1 = best_mean_macro_f1(scored, groups);
    (thresholds.reject, thresholds.approve) = strictest_by_group(scored, groups, targets);
    thresholds
}

/// Auto-decision thresholds that reach the target precision in every group on its own: the
/// highest of the groups' reject thresholds and the lowest of their approve thresholds, and
/// none when some group has positives (negatives) but no threshold reaches it.
fn strictest_by_group(
    scored: &[(f32, bool)],
    groups: &[&str],
    targets: &ThresholdTargets,
) -> (Option<f32>, Option<f32>) {
    let mut names: Vec<&str> = groups.to_vec();
    names.sort_unstable();
    names.dedup();
    let (mut reject, mut approve) = (Some(f32::MIN), Some(f32::MAX));
    for name in names {
        let own: Vec<(f32, bool)> = scored
            .iter()
            .zip(groups)
            .filter(|(_, g)| **g == name)
            .map(|(p, _)| *p)
            .collect();
        let t = choose_thresholds(&own, targets);
        if own.iter().any(|p| p.1) {
            reject = reject.zip(t.reject).map(|(a, b)| a.max(b));
        }
        if own.iter().any(|p| !p.1) {
            approve = approve.zip(t.approve).map(|(a, b)| a.min(b));
        }
    }
    (
        reject.filter(|&t| t > f32::MIN),
        approve.filter(|&t| t < f32::MAX),
    )
}

/// The threshold that maximises the mean over groups of macro-F1 (among at most 1000
/// candidate thresholds spread over the scores).
fn best_mean_macro_f1(scored: &[(f32, bool)], groups: &[&str]) -> f32 {
    let mut names: Vec<&str> = groups.to_vec();
    names.sort_unstable();
    names.dedup();
    let index: Vec<usize> = groups
        .iter()
        .map(|g| names.binary_search(g).unwrap_or(0))
        .collect();
    let mut candidates: Vec<f32> = scored.iter().map(|p| p.0).collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let stride = candidates.len().div_ceil(1000).max(1);
    let mut best = (-1.0, Thresholds::default().best_f1);
    for &t in candidates.iter().step_by(stride) {
        let mut counts = vec![[0usize; 4]; names.len()];
        for (&(s, y), &g) in scored.iter().zip(&index) {
            counts[g][usize::from(s >= t) * 2 + usize::from(y)] += 1;
        }
        let mean = counts
            .iter()
            .map(|&[tn, fn_, fp, tp]| (f1(tp, fp, fn_) + f1(tn, fn_, fp)) / 2.0)
            .sum::<f64>()
            / names.len() as f64;
        if mean > best.0 {
            best = (mean, t);
        }
    }
    best.1
}

/// Calibrates every head that has both classes among `dev`'s known labels; returns the heads
/// it calibrated.
pub fn calibrate(model: &mut Model, dev: &[Example], targets: &ThresholdTargets) -> Vec<Head> {
    let margins = margins_by_head(model, dev);
    Head::ALL
        .into_iter()
        .filter(|&h| calibrate_head(model, h, &margins[h.index()], targets))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sigmoid;

    #[test]
    fn auc_of_a_perfect_ranking_is_one_and_of_ties_is_half() {
        assert_eq!(roc_auc(&[(0.9, true), (0.1, false)]), Some(1.0));
        assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), Some(0.5));
        assert_eq!(roc_auc(&[(0.5, true)]), None);
    }

    #[test]
    fn metrics_count_the_confusion_matrix() {
        let m = binary_metrics(&[(0.9, true), (0.8, false), (0.2, true), (0.1, false)], 0.5);
        assert_eq!(
            (m.true_pos, m.false_pos, m.true_neg, m.false_neg),
            (1, 1, 1, 1)
        );
        assert!((m.f1 - 0.5).abs() < 1e-12);
        assert!((m.macro_f1 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn calibration_error_is_zero_when_bins_match_their_positive_share_and_grows_with_overconfidence()
     {
        // A quarter of the texts scored 0.25 are positive, three quarters of those at 0.75.
        let calibrated = [
            (0.25, true),
            (0.25, false),
            (0.25, false),
            (0.25, false),
            (0.75, true),
            (0.75, true),
            (0.75, true),
            (0.75, false),
        ];
        let e = expected_calibration_error(&calibrated, ECE_BINS).expect("pairs");
        assert!(e.abs() < 1e-9, "{e}");
        // Scored 0.95, half positive: off by 0.45.
        let overconfident = [(0.95, true), (0.95, false), (0.95, true), (0.95, false)];
        let e = expected_calibration_error(&overconfident, ECE_BINS).expect("pairs");
        assert!((e - 0.45).abs() < 1e-6, "{e}");
        // Bins are weighed by their texts: one text off by 1.0 among four exact ones is 0.2.
        let e = expected_calibration_error(
            &[
                (1.0, false),
                (0.0, false),
                (0.0, false),
                (0.0, false),
                (0.0, false),
            ],
            ECE_BINS,
        )
        .expect("pairs");
        assert!((e - 0.2).abs() < 1e-9, "{e}");
        assert_eq!(expected_calibration_error(&[], ECE_BINS), None);
    }

    #[test]
    fn platt_recovers_a_known_slope_and_offset() {
        // Labels drawn deterministically so that P(y | m) = sigmoid(2m - 1).
        let mut pairs = Vec::new();
        for k in 0..4000 {
            let m = (k as f32 / 4000.0) * 8.0 - 4.0;
            let p = sigmoid(2.0 * m - 1.0);
            let u = ((k as u64 * 2_654_435_761) % 1000) as f32 / 1000.0;
            pairs.push((m, u < p));
        }
        let c = fit_platt(&pairs);
        assert!((c.a - 2.0).abs() < 0.3, "a = {}", c.a);
        assert!((c.b + 1.0).abs() < 0.3, "b = {}", c.b);
    }

    #[test]
    fn thresholds_reach_the_target_precision_or_are_none() {
        let mut scored: Vec<(f32, bool)> = (0..100).map(|k| (k as f32 / 100.0, k >= 50)).collect();
        let t = choose_thresholds(&scored, &ThresholdTargets::default());
        assert_eq!(t.best_f1, 0.5);
        assert_eq!(t.reject, Some(0.5));
        assert_eq!(t.approve, Some(0.49));
        // Interleave the classes: no threshold is 99% precise.
        for (k, p) in scored.iter_mut().enumerate() {
            p.1 = k % 2 == 0;
        }
        let t = choose_thresholds(&scored, &ThresholdTargets::default());
        assert_eq!((t.reject, t.approve), (None, None));
    }

    #[test]
    fn auto_decisions_count_what_the_thresholds_decide() {
        let t = Thresholds {
            best_f1: 0.5,
            reject: Some(0.9),
            approve: Some(0.1),
        };
        let d = auto_decisions(
            &[(0.95, true), (0.05, false), (0.5, true), (0.05, true)],
            &t,
        );
        assert_eq!(
            (
                d.rejected,
                d.rejected_correct,
                d.approved,
                d.approved_correct
            ),
            (1, 1, 2, 1)
        );
        assert_eq!(d.decided_share(), 0.75);
    }
}
