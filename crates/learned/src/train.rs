//! Training: a multi-label logistic regression with masked labels, per-head class weighting,
//! AdaGrad with an epoch-decayed base rate and lazy L2.

use std::collections::BTreeMap;

use crate::error::LearnedError;
use crate::features::{FeatureConfig, SparseVector};
use crate::model::{HEAD_COUNT, Head, Model, sigmoid};

/// What is known about one text: per head, positive, negative or unknown (`None`).
/// An unknown label contributes nothing to its head's training.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Labels([Option<bool>; HEAD_COUNT]);

impl Labels {
    /// Every label unknown.
    pub fn unknown() -> Labels {
        Labels::default()
    }

    /// These labels with `head` set to `value`.
    pub fn with(mut self, head: Head, value: bool) -> Labels {
        self.set(head, Some(value));
        self
    }

    /// Sets (or, with `None`, forgets) the label of `head`.
    pub fn set(&mut self, head: Head, value: Option<bool>) {
        self.0[head.index()] = value;
    }

    /// The label of `head`, `None` when unknown.
    pub fn get(&self, head: Head) -> Option<bool> {
        self.0[head.index()]
    }

    /// Whether no head has a known label.
    pub fn is_unknown(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// One training or evaluation text: its features, what is known about it, and the group
/// whose class balance its labels count in.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub features: SparseVector,
    pub labels: Labels,
    /// Class weights are computed per head within each group (see
    /// [`TrainConfig::class_weight_power`]): with one group per collection, a collection
    /// gathered mostly from abuse does not make its language or its style look abusive to
    /// the others. The same group for every example gives one balance over all.
    pub group: u32,
}

/// The seed the shipped models were trained with ("tribune1"), the learned stage's and the
/// encoder heads' alike.
pub(crate) const DEFAULT_SEED: u64 = 0x7472_6962_756e_6531;

/// Training settings. The defaults are the ones the shipped model was trained with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: u32,
    /// Seed of the shuffling; the same seed, data and settings give the same weights.
    pub seed: u64,
    /// AdaGrad base rate in the first epoch.
    pub learning_rate: f32,
    /// The base rate of epoch `e` (from 0) is `learning_rate / (1 + rate_decay * e)`.
    pub rate_decay: f32,
    /// L2 penalty, applied lazily: only to the weights an example touches.
    pub l2: f32,
    /// Class weight of a label is `(n / (2 * n_label))^class_weight_power` within its head and
    /// its example's group: 0 weighs every example alike, 1 balances positives and negatives
    /// fully.
    pub class_weight_power: f32,
    /// The weights returned are the mean of the weights at the end of each of the last
    /// `average_last` epochs (1: the last epoch's weights), which smooths the noise of the
    /// final passes.
    pub average_last: u32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 12,
            seed: DEFAULT_SEED,
            learning_rate: 0.5,
            rate_decay: 0.5,
            l2: 3e-3,
            class_weight_power: 0.5,
            average_last: 2,
        }
    }
}

impl TrainConfig {
    fn validate(&self) -> Result<(), LearnedError> {
        let bad = |s: String| Err(LearnedError::InvalidConfig(s));
        if self.epochs == 0 {
            return bad("epochs is 0".to_owned());
        }
        for (name, v) in [
            ("learning_rate", self.learning_rate),
            ("rate_decay", self.rate_decay),
            ("l2", self.l2),
            ("class_weight_power", self.class_weight_power),
        ] {
            if !v.is_finite() || v < 0.0 {
                return bad(format!("{name} is {v}, expected a finite value >= 0"));
            }
        }
        if self.learning_rate == 0.0 {
            return bad("learning_rate is 0".to_owned());
        }
        if self.average_last == 0 || self.average_last > self.epochs {
            return bad(format!(
                "average_last is {}, expected 1..={}",
                self.average_last, self.epochs
            ));
        }
        Ok(())
    }
}

/// Where training stands, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Current epoch, from 1.
    pub epoch: u32,
    pub epochs: u32,
    /// Examples processed so far over all epochs.
    pub done: u64,
    /// `epochs × examples`.
    pub total: u64,
    /// Mean class-weighted log loss over the labels seen so far in this epoch.
    pub loss: f64,
}

/// Float weights straight out of training, before quantisation.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedWeights {
    pub config: FeatureConfig,
    /// Bucket-major: bucket `i`'s weights are `weights[i * HEAD_COUNT..][..HEAD_COUNT]`.
    pub weights: Vec<f32>,
    pub biases: [f32; HEAD_COUNT],
}

impl TrainedWeights {
    /// The shipped form: quantised, with identity calibration and default thresholds.
    pub fn quantize(&self) -> Result<Model, LearnedError> {
        Model::quantize(self.config, &self.weights, self.biases)
    }

    /// The weights of one head, one per bucket.
    pub fn head_weights(&self, head: Head) -> impl Iterator<Item = f32> + '_ {
        self.weights
            .iter()
            .skip(head.index())
            .step_by(HEAD_COUNT)
            .copied()
    }
}

/// SplitMix64: a tiny, well-mixed generator, so shuffles are fixed by the seed alone.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so no value is favoured.
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[-1, 1)`.
    pub(crate) fn symmetric(&mut self) -> f32 {
        (self.unit() * 2.0 - 1.0) as f32
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// Per example and head, the class weight of its label (1 where the label is unknown): see
/// [`TrainConfig::class_weight_power`].
fn class_weights(examples: &[Example], power: f32) -> Vec<[f32; HEAD_COUNT]> {
    class_weights_of(examples.iter().map(|e| (e.labels, e.group)), power)
}

/// [`class_weights`] for examples given as their labels and group.
pub(crate) fn class_weights_of(
    examples: impl Iterator<Item = (Labels, u32)> + Clone,
    power: f32,
) -> Vec<[f32; HEAD_COUNT]> {
    let mut counts: BTreeMap<u32, [[u64; 2]; HEAD_COUNT]> = BTreeMap::new();
    for (labels, group) in examples.clone() {
        let c = counts.entry(group).or_default();
        for h in Head::ALL {
            if let Some(y) = labels.get(h) {
                c[h.index()][usize::from(y)] += 1;
            }
        }
    }
    let weights: BTreeMap<u32, [[f32; 2]; HEAD_COUNT]> = counts
        .into_iter()
        .map(|(group, c)| {
            let w = std::array::from_fn(|h| {
                let n = (c[h][0] + c[h][1]) as f64;
                std::array::from_fn(|y| match c[h][y] {
                    0 => 1.0,
                    k => (n / (2.0 * k as f64)).powf(f64::from(power)) as f32,
                })
            });
            (group, w)
        })
        .collect();
    examples
        .map(|(labels, group)| {
            let w = &weights[&group];
            std::array::from_fn(|h| {
                labels
                    .get(Head::ALL[h])
                    .map_or(1.0, |y| w[h][usize::from(y)])
            })
        })
        .collect()
}

/// Trains one logistic regression per head over `examples`.
///
/// Each head learns only from the examples where its label is known, with its own class
/// weights and its own AdaGrad state, so heads do not interfere. `progress` is called every
/// few thousand examples and at the end of each epoch.
pub fn train(
    examples: &[Example],
    features: FeatureConfig,
    config: &TrainConfig,
    mut progress: impl FnMut(Progress),
) -> Result<TrainedWeights, LearnedError> {
    features.validate()?;
    config.validate()?;
    let buckets = features.buckets();
    for (n, e) in examples.iter().enumerate() {
        if let Some(&bucket) = e
            .features
            .indices()
            .iter()
            .find(|&&i| i as usize >= buckets)
        {
            return Err(LearnedError::BucketOutOfRange {
                example: n,
                bucket,
                buckets,
            });
        }
    }

    if examples.iter().all(|e| e.labels.is_unknown()) {
        return Err(LearnedError::NoLabels);
    }
    let class_weights = class_weights(examples, config.class_weight_power);

    let mut weights = vec![0.0f32; buckets * HEAD_COUNT];
    let mut grad_sq = vec![0.0f32; buckets * HEAD_COUNT];
    let mut biases = [0.0f32; HEAD_COUNT];
    let mut bias_grad_sq = [0.0f32; HEAD_COUNT];
    const EPS: f32 = 1e-8;

    let averaged_from = config.epochs - config.average_last;
    let mut sum_weights = if config.average_last > 1 {
        vec![0.0f32; weights.len()]
    } else {
        Vec::new()
    };
    let mut sum_biases = [0.0f32; HEAD_COUNT];
    let mut rng = SplitMix64(config.seed);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let total = u64::from(config.epochs) * examples.len() as u64;
    let mut done = 0u64;
    for epoch in 0..config.epochs {
        rng.shuffle(&mut order);
        let rate = config.learning_rate / (1.0 + config.rate_decay * epoch as f32);
        let (mut loss_sum, mut loss_weight) = (0.0f64, 0.0f64);
        for (k, &n) in order.iter().enumerate() {
            let e = &examples[n];
            let mut grad = [0.0f32; HEAD_COUNT];
            let mut known = [false; HEAD_COUNT];
            let mut z = biases;
            for (i, x) in e.features.iter() {
                let row = &weights[i as usize * HEAD_COUNT..][..HEAD_COUNT];
                for h in 0..HEAD_COUNT {
                    z[h] += row[h] * x;
                }
            }
            for h in Head::ALL {
                let Some(y) = e.labels.get(h) else { continue };
                let h = h.index();
                let p = sigmoid(z[h]);
                let cw = class_weights[n][h];
                let target = if y { 1.0 } else { 0.0 };
                grad[h] = cw * (p - target);
                known[h] = true;
                let p_true = if y { p } else { 1.0 - p };
                loss_sum -= f64::from(cw) * f64::from(p_true.max(1e-7)).ln();
                loss_weight += f64::from(cw);
            }
            for (i, x) in e.features.iter() {
                let base = i as usize * HEAD_COUNT;
                let row = &mut weights[base..base + HEAD_COUNT];
                let acc = &mut grad_sq[base..base + HEAD_COUNT];
                for h in 0..HEAD_COUNT {
                    if !known[h] {
                        continue;
                    }
                    let g = grad[h] * x + config.l2 * row[h];
                    acc[h] += g * g;
                    row[h] -= rate * g / (acc[h].sqrt() + EPS);
                }
            }
            for h in 0..HEAD_COUNT {
                if known[h] {
                    bias_grad_sq[h] += grad[h] * grad[h];
                    biases[h] -= rate * grad[h] / (bias_grad_sq[h].sqrt() + EPS);
                }
            }
            done += 1;
            if (k + 1) % 4096 == 0 || k + 1 == order.len() {
                progress(Progress {
                    epoch: epoch + 1,
                    epochs: config.epochs,
                    done,
                    total,
                    loss: if loss_weight > 0.0 {
                        loss_sum / loss_weight
                    } else {
                        0.0
                    },
                });
            }
        }
        if config.average_last > 1 && epoch >= averaged_from {
            for (s, w) in sum_weights.iter_mut().zip(&weights) {
                *s += w;
            }
            for (s, b) in sum_biases.iter_mut().zip(&biases) {
                *s += b;
            }
        }
    }
    if config.average_last > 1 {
        let n = config.average_last as f32;
        weights = sum_weights;
        for w in &mut weights {
            *w /= n;
        }
        biases = sum_biases.map(|b| b / n);
    }
    Ok(TrainedWeights {
        config: features,
        weights,
        biases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_fixed_by_the_seed() {
        let mut a: Vec<u32> = (0..100).collect();
        let mut b = a.clone();
        SplitMix64(7).shuffle(&mut a);
        SplitMix64(7).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..100).collect::<Vec<_>>());
        b.sort_unstable();
        assert_eq!(b, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn class_weights_balance_each_group_on_its_own() {
        let example = |group: u32, y: bool| Example {
            features: SparseVector::from_pairs(vec![(1, 1.0)]),
            labels: Labels::unknown().with(Head::Offensive, y),
            group,
        };
        // Group 0: 1 positive, 3 negatives; group 1: 3 positives, 1 negative.
        let examples: Vec<Example> = [(0, true), (0, false), (0, false), (0, false)]
            .into_iter()
            .chain([(1, true), (1, true), (1, true), (1, false)])
            .map(|(g, y)| example(g, y))
            .collect();
        let w = class_weights(&examples, 1.0);
        let offensive = |k: usize| w[k][Head::Offensive.index()];
        // Fully balanced (power 1): n / (2 n_label) within the group.
        assert_eq!(offensive(0), 2.0);
        assert!((offensive(1) - 2.0 / 3.0).abs() < 1e-6);
        assert!((offensive(4) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(offensive(7), 2.0);
        // Unknown labels weigh nothing in particular; power 0 weighs all alike.
        assert_eq!(w[0][Head::Threat.index()], 1.0);
        assert!(
            class_weights(&examples, 0.0)
                .iter()
                .flatten()
                .all(|&x| x == 1.0)
        );
        // One group for all: 4 positives and 4 negatives are balanced already.
        let pooled: Vec<Example> = examples
            .iter()
            .map(|e| Example {
                group: 0,
                ..e.clone()
            })
            .collect();
        assert!(class_weights(&pooled, 1.0).iter().all(|w| w[0] == 1.0));
    }

    #[test]
    fn examples_without_any_label_are_an_error() {
        let e = Example {
            features: SparseVector::from_pairs(vec![(1, 1.0)]),
            labels: Labels::unknown(),
            group: 0,
        };
        let r = train(
            &[e],
            FeatureConfig::default(),
            &TrainConfig::default(),
            |_| {},
        );
        assert!(matches!(r, Err(LearnedError::NoLabels)));
    }

    #[test]
    fn buckets_beyond_the_model_are_an_error() {
        let e = Example {
            features: SparseVector::from_pairs(vec![(u32::MAX, 1.0)]),
            labels: Labels::unknown().with(Head::Threat, true),
            group: 0,
        };
        let r = train(
            &[e],
            FeatureConfig::default(),
            &TrainConfig::default(),
            |_| {},
        );
        assert!(matches!(r, Err(LearnedError::BucketOutOfRange { .. })));
    }
}
