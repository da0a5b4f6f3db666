//! A hidden layer under the dense heads: `relu(W·x + b)`, shared by every head, trained
//! together with the heads above it by minibatch Adam with dropout on the hidden units.
//!
//! A logistic head over a sentence embedding can only cut the embedding space with one plane
//! per head; what makes a comment harmful (a threat without a harm word, a group named beside
//! an insinuation) lies along curved regions a layer of rectified units can follow. Labels are
//! masked as in [`train`](crate::train): an unknown label moves nothing, and each known one
//! weighs its class weight.

use crate::error::LearnedError;
use crate::model::{HEAD_COUNT, Head, sigmoid};
use crate::train::{DEFAULT_SEED, Labels, Progress, SplitMix64};

/// Most hidden units a file may hold.
pub(crate) const MAX_UNITS: usize = 4096;

/// Settings of a hidden layer's training. The defaults are the shipped heads'.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HiddenConfig {
    /// Rectified units in the layer.
    pub units: usize,
    /// Passes over the data.
    pub epochs: u32,
    /// Adam's step size.
    pub learning_rate: f32,
    /// L2 penalty on both layers' weights (not on biases).
    pub l2: f32,
    /// Share of hidden units dropped from each training example's forward pass.
    pub dropout: f32,
    /// Examples per Adam step.
    pub batch: usize,
    /// Networks trained from consecutive seeds and averaged: merged into one layer of
    /// `units × networks` units whose heads weigh each network's units by `1 / networks`, so
    /// the file and the scoring stay those of one network while the seed's luck averages out.
    pub networks: usize,
    /// Seed of the first network's initial weights, shuffles and dropout.
    pub seed: u64,
}

impl Default for HiddenConfig {
    fn default() -> Self {
        HiddenConfig {
            units: 256,
            epochs: 10,
            learning_rate: 1e-3,
            l2: 1e-4,
            dropout: 0.2,
            batch: 256,
            networks: 3,
            seed: DEFAULT_SEED,
        }
    }
}

impl HiddenConfig {
    fn validate(&self) -> Result<(), LearnedError> {
        let bad = |s: String| Err(LearnedError::InvalidConfig(s));
        if self.units == 0 || self.units > MAX_UNITS {
            return bad(format!(
                "{} hidden units, expected 1..={MAX_UNITS}",
                self.units
            ));
        }
        if self.networks == 0
            || self
                .units
                .checked_mul(self.networks)
                .is_none_or(|n| n > MAX_UNITS)
        {
            return bad(format!(
                "{} networks of {} units, expected 1 or more and at most {MAX_UNITS} units in all",
                self.networks, self.units
            ));
        }
        if self.epochs == 0 {
            return bad("epochs is 0".to_owned());
        }
        if self.batch == 0 {
            return bad("batch is 0".to_owned());
        }
        if !self.learning_rate.is_finite() || self.learning_rate <= 0.0 {
            return bad(format!(
                "learning_rate is {}, expected a finite value > 0",
                self.learning_rate
            ));
        }
        if !self.l2.is_finite() || self.l2 < 0.0 {
            return bad(format!("l2 is {}, expected a finite value >= 0", self.l2));
        }
        if !(0.0..0.95).contains(&self.dropout) {
            return bad(format!("dropout is {}, expected 0 to 0.95", self.dropout));
        }
        Ok(())
    }
}

/// The layer itself: unit-major weights over standardised inputs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HiddenLayer {
    pub(crate) inputs: usize,
    /// Unit `u`'s weights are `weights[u * inputs..][..inputs]`.
    pub(crate) weights: Vec<f32>,
    pub(crate) biases: Vec<f32>,
}

impl HiddenLayer {
    pub(crate) fn units(&self) -> usize {
        self.biases.len()
    }

    /// The rectified activations for one standardised input.
    pub(crate) fn forward(&self, x: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; self.units()];
        self.pre_activations(x, &mut out);
        for a in &mut out {
            *a = a.max(0.0);
        }
        out
    }

    fn pre_activations(&self, x: &[f32], out: &mut [f32]) {
        for (u, o) in out.iter_mut().enumerate() {
            *o = self.biases[u] + dot(&self.weights[u * self.inputs..][..self.inputs], x);
        }
    }
}

/// A dot product in eight lanes, so the compiler may vectorise it (a single running sum
/// fixes the order of the additions and forbids that).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Both layers' parameters (or their gradients, or Adam's moments: the same shapes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Network {
    pub(crate) hidden: HiddenLayer,
    /// Head `h`'s weights over the units are `head_weights[h * units..][..units]`.
    pub(crate) head_weights: Vec<f32>,
    pub(crate) head_biases: [f32; HEAD_COUNT],
}

impl Network {
    fn zeros(inputs: usize, units: usize) -> Network {
        Network {
            hidden: HiddenLayer {
                inputs,
                weights: vec![0.0; units * inputs],
                biases: vec![0.0; units],
            },
            head_weights: vec![0.0; HEAD_COUNT * units],
            head_biases: [0.0; HEAD_COUNT],
        }
    }

    /// He-uniform weights for the rectified layer, Glorot-uniform for the heads, zero biases.
    fn initial(inputs: usize, units: usize, rng: &mut SplitMix64) -> Network {
        let mut net = Network::zeros(inputs, units);
        let a = (6.0 / inputs as f32).sqrt();
        for w in &mut net.hidden.weights {
            *w = a * rng.symmetric();
        }
        let a = (6.0 / (units + 1) as f32).sqrt();
        for w in &mut net.head_weights {
            *w = a * rng.symmetric();
        }
        net
    }

    /// Every parameter with the matching one of `other`, weights then biases, for the update.
    fn params_mut(&mut self) -> [&mut [f32]; 4] {
        [
            &mut self.hidden.weights,
            &mut self.hidden.biases,
            &mut self.head_weights,
            &mut self.head_biases,
        ]
    }

    fn clear(&mut self) {
        for p in self.params_mut() {
            p.fill(0.0);
        }
    }

    #[cfg(test)]
    fn margins(&self, x: &[f32]) -> [f32; HEAD_COUNT] {
        let a = self.hidden.forward(x);
        let units = a.len();
        std::array::from_fn(|h| {
            self.head_biases[h] + dot(&self.head_weights[h * units..][..units], &a)
        })
    }
}

/// One example's part in a batch: its standardised input, labels and class weights.
pub(crate) struct Row<'a> {
    pub(crate) input: &'a [f32],
    pub(crate) labels: Labels,
    pub(crate) weights: [f32; HEAD_COUNT],
}

/// Adds to `grad` the gradient of the class-weighted log loss of `rows`, divided by
/// `divisor`, and returns the loss's weighted sum and the weight of the labels in it. `keep`
/// gives each hidden unit's dropout factor for the row (`0` dropped, `1 / (1 - dropout)`
/// kept); `None` keeps every unit.
pub(crate) fn accumulate_gradient(
    net: &Network,
    rows: &[Row<'_>],
    divisor: f32,
    mut keep: Option<&mut dyn FnMut() -> f32>,
    grad: &mut Network,
) -> (f64, f64) {
    let units = net.hidden.units();
    let inputs = net.hidden.inputs;
    let mut pre = vec![0.0f32; units];
    let mut act = vec![0.0f32; units];
    let mut back = vec![0.0f32; units];
    let (mut loss, mut weight) = (0.0f64, 0.0f64);
    for row in rows {
        net.hidden.pre_activations(row.input, &mut pre);
        for (a, &z) in act.iter_mut().zip(&pre) {
            let factor = keep.as_mut().map_or(1.0, |k| k());
            *a = z.max(0.0) * factor;
        }
        back.fill(0.0);
        for h in Head::ALL {
            let Some(y) = row.labels.get(h) else { continue };
            let h = h.index();
            let w = &net.head_weights[h * units..][..units];
            let p = sigmoid(net.head_biases[h] + dot(w, &act));
            let cw = row.weights[h];
            let p_true = if y { p } else { 1.0 - p };
            loss -= f64::from(cw) * f64::from(p_true.max(1e-7)).ln();
            weight += f64::from(cw);
            let g = cw * (p - if y { 1.0 } else { 0.0 }) / divisor;
            grad.head_biases[h] += g;
            for ((gw, &a), (b, &wu)) in grad.head_weights[h * units..][..units]
                .iter_mut()
                .zip(&act)
                .zip(back.iter_mut().zip(w))
            {
                *gw += g * a;
                *b += g * wu;
            }
        }
        for u in 0..units {
            // The unit passed its input on (rectifier open, not dropped) only where its
            // activation is positive; its gradient through the dropout factor is `back · a / z`.
            if act[u] <= 0.0 || back[u] == 0.0 {
                continue;
            }
            let d = back[u] * act[u] / pre[u];
            grad.hidden.biases[u] += d;
            for (g, &x) in grad.hidden.weights[u * inputs..][..inputs]
                .iter_mut()
                .zip(row.input)
            {
                *g += d * x;
            }
        }
    }
    (loss, weight)
}

/// Trains `config.networks` layers with the heads above each over standardised `inputs` (all
/// the same width), with per-example class weights (see
/// [`TrainConfig::class_weight_power`]), and merges them into one network that scores their
/// mean margin.
///
/// [`TrainConfig::class_weight_power`]: crate::TrainConfig::class_weight_power
pub(crate) fn train_network(
    inputs: &[Vec<f32>],
    labels: &[Labels],
    class_weights: &[[f32; HEAD_COUNT]],
    config: &HiddenConfig,
    mut progress: impl FnMut(Progress),
) -> Result<Network, LearnedError> {
    config.validate()?;
    let width = inputs.first().map_or(0, Vec::len);
    if width == 0 || inputs.iter().any(|x| x.len() != width) {
        return Err(LearnedError::InvalidConfig(
            "the hidden layer's inputs are empty or of different widths".to_owned(),
        ));
    }
    if labels.iter().all(Labels::is_unknown) {
        return Err(LearnedError::NoLabels);
    }
    let per_network = u64::from(config.epochs) * inputs.len() as u64;
    let networks: Vec<Network> = (0..config.networks)
        .map(|k| {
            let seed = config.seed.wrapping_add(k as u64);
            train_one(inputs, labels, class_weights, config, seed, |p| {
                // Saturating: an absurd epoch count must not overflow the progress figures.
                progress(Progress {
                    epoch: (k as u32)
                        .saturating_mul(config.epochs)
                        .saturating_add(p.epoch),
                    epochs: (config.networks as u32).saturating_mul(config.epochs),
                    done: (k as u64)
                        .saturating_mul(per_network)
                        .saturating_add(p.done),
                    total: (config.networks as u64).saturating_mul(per_network),
                    loss: p.loss,
                })
            })
        })
        .collect();
    Ok(merge(&networks))
}

/// One network whose margins are the mean of `networks`' (all of the same shape): their
/// units side by side, each head weighing them by `1 / networks.len()`.
fn merge(networks: &[Network]) -> Network {
    let share = 1.0 / networks.len() as f32;
    let units = networks[0].hidden.units();
    let mut merged = Network::zeros(networks[0].hidden.inputs, 0);
    merged.head_weights = Vec::with_capacity(HEAD_COUNT * units * networks.len());
    for net in networks {
        merged.hidden.weights.extend_from_slice(&net.hidden.weights);
        merged.hidden.biases.extend_from_slice(&net.hidden.biases);
    }
    for h in 0..HEAD_COUNT {
        for net in networks {
            merged.head_weights.extend(
                net.head_weights[h * units..][..units]
                    .iter()
                    .map(|w| w * share),
            );
        }
        merged.head_biases[h] = networks.iter().map(|n| n.head_biases[h]).sum::<f32>() * share;
    }
    merged
}

/// One network from `seed`, over inputs [`train_network`] has checked.
fn train_one(
    inputs: &[Vec<f32>],
    labels: &[Labels],
    class_weights: &[[f32; HEAD_COUNT]],
    config: &HiddenConfig,
    seed: u64,
    mut progress: impl FnMut(Progress),
) -> Network {
    let width = inputs[0].len();
    let mut rng = SplitMix64(seed);
    let mut net = Network::initial(width, config.units, &mut rng);
    let mut grad = Network::zeros(width, config.units);
    let mut first = Network::zeros(width, config.units);
    let mut second = Network::zeros(width, config.units);
    let (beta1, beta2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let kept = 1.0 / (1.0 - config.dropout);
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    let total = u64::from(config.epochs) * inputs.len() as u64;
    let (mut done, mut step) = (0u64, 0i32);
    for epoch in 0..config.epochs {
        rng.shuffle(&mut order);
        let (mut loss, mut weight) = (0.0f64, 0.0f64);
        for batch in order.chunks(config.batch) {
            let rows: Vec<Row<'_>> = batch
                .iter()
                .map(|&n| Row {
                    input: &inputs[n],
                    labels: labels[n],
                    weights: class_weights[n],
                })
                .collect();
            grad.clear();
            let dropout = config.dropout;
            let mut keep = || {
                if rng.unit() < f64::from(dropout) {
                    0.0
                } else {
                    kept
                }
            };
            let (l, w) = accumulate_gradient(
                &net,
                &rows,
                batch.len() as f32,
                (dropout > 0.0).then_some(&mut keep as &mut dyn FnMut() -> f32),
                &mut grad,
            );
            loss += l;
            weight += w;
            step += 1;
            let (c1, c2) = (1.0 - beta1.powi(step), 1.0 - beta2.powi(step));
            let rate = config.learning_rate;
            let l2 = config.l2;
            for (k, ((p, g), (m, v))) in net
                .params_mut()
                .into_iter()
                .zip(grad.params_mut())
                .zip(first.params_mut().into_iter().zip(second.params_mut()))
                .enumerate()
            {
                // Parameters 0 and 2 are weights (penalised), 1 and 3 biases.
                let penalty = if k % 2 == 0 { l2 } else { 0.0 };
                for (((p, &g), m), v) in p
                    .iter_mut()
                    .zip(g.iter())
                    .zip(m.iter_mut())
                    .zip(v.iter_mut())
                {
                    let g = g + penalty * *p;
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * g * g;
                    *p -= rate * (*m / c1) / ((*v / c2).sqrt() + eps);
                }
            }
            done += batch.len() as u64;
            progress(Progress {
                epoch: epoch + 1,
                epochs: config.epochs,
                done,
                total,
                loss: if weight > 0.0 { loss / weight } else { 0.0 },
            });
        }
    }
    net
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(seed: u64) -> Network {
        Network::initial(3, 4, &mut SplitMix64(seed))
    }

    #[test]
    fn the_gradient_is_the_losss_slope() {
        let net = tiny(3);
        let inputs = [
            vec![0.5, -1.0, 2.0],
            vec![-0.3, 0.8, 0.1],
            vec![1.5, 0.2, -0.7],
        ];
        let labels = [
            Labels::unknown()
                .with(Head::Offensive, true)
                .with(Head::Threat, false),
            Labels::unknown().with(Head::Offensive, false),
            Labels::unknown()
                .with(Head::Threat, true)
                .with(Head::Profanity, false),
        ];
        let rows: Vec<Row<'_>> = inputs
            .iter()
            .zip(labels)
            .enumerate()
            .map(|(k, (x, labels))| Row {
                input: x,
                labels,
                weights: [1.0 + k as f32 * 0.5; HEAD_COUNT],
            })
            .collect();
        let loss = |net: &Network| {
            let mut g = Network::zeros(3, 4);
            accumulate_gradient(net, &rows, 1.0, None, &mut g).0
        };
        let mut grad = Network::zeros(3, 4);
        accumulate_gradient(&net, &rows, 1.0, None, &mut grad);
        let analytic: Vec<f32> = grad
            .clone()
            .params_mut()
            .iter()
            .flat_map(|p| p.to_vec())
            .collect();
        let mut k = 0;
        for part in 0..4 {
            let len = net.clone().params_mut()[part].len();
            for i in 0..len {
                let h = 1e-3f32;
                let (mut up, mut down) = (net.clone(), net.clone());
                up.params_mut()[part][i] += h;
                down.params_mut()[part][i] -= h;
                let numeric = (loss(&up) - loss(&down)) / (2.0 * f64::from(h));
                assert!(
                    (numeric - f64::from(analytic[k])).abs() < 2e-3,
                    "parameter {part}/{i}: numeric {numeric}, analytic {}",
                    analytic[k]
                );
                k += 1;
            }
        }
    }

    /// The label is whether both inputs share a sign: no plane separates it, a hidden layer does.
    fn xor_data(n: usize) -> (Vec<Vec<f32>>, Vec<Labels>) {
        let mut rng = SplitMix64(11);
        let inputs: Vec<Vec<f32>> = (0..n)
            .map(|_| vec![rng.symmetric() * 2.0, rng.symmetric() * 2.0])
            .collect();
        let labels = inputs
            .iter()
            .map(|x| Labels::unknown().with(Head::Offensive, x[0] * x[1] > 0.0))
            .collect();
        (inputs, labels)
    }

    #[test]
    fn a_hidden_layer_learns_what_no_plane_separates() {
        let (inputs, labels) = xor_data(2000);
        let config = HiddenConfig {
            units: 16,
            epochs: 60,
            learning_rate: 1e-2,
            batch: 32,
            dropout: 0.0,
            ..HiddenConfig::default()
        };
        let weights = vec![[1.0; HEAD_COUNT]; inputs.len()];
        let net = train_network(&inputs, &labels, &weights, &config, |_| {}).unwrap();
        let (test, test_labels) = xor_data(500);
        let right = test
            .iter()
            .zip(&test_labels)
            .filter(|(x, y)| (net.margins(x)[0] > 0.0) == y.get(Head::Offensive).unwrap())
            .count();
        assert!(right > 450, "{right} of 500 right");
    }

    #[test]
    fn the_same_seed_trains_the_same_network() {
        let (inputs, labels) = xor_data(300);
        let weights = vec![[1.0; HEAD_COUNT]; inputs.len()];
        let config = HiddenConfig {
            units: 8,
            epochs: 3,
            batch: 16,
            ..HiddenConfig::default()
        };
        let a = train_network(&inputs, &labels, &weights, &config, |_| {}).unwrap();
        let b = train_network(&inputs, &labels, &weights, &config, |_| {}).unwrap();
        assert_eq!(a, b);
        let c = train_network(
            &inputs,
            &labels,
            &weights,
            &HiddenConfig { seed: 5, ..config },
            |_| {},
        )
        .unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn an_ensemble_scores_the_mean_of_its_networks() {
        let (inputs, labels) = xor_data(200);
        let weights = vec![[1.0; HEAD_COUNT]; inputs.len()];
        let one = HiddenConfig {
            units: 6,
            epochs: 2,
            batch: 16,
            networks: 1,
            ..HiddenConfig::default()
        };
        let train = |config: &HiddenConfig| {
            train_network(&inputs, &labels, &weights, config, |_| {}).unwrap()
        };
        let a = train(&one);
        let b = train(&HiddenConfig {
            seed: one.seed + 1,
            ..one
        });
        let both = train(&HiddenConfig { networks: 2, ..one });
        assert_eq!(both.hidden.units(), 12);
        for x in inputs.iter().take(20) {
            let (ma, mb, m) = (a.margins(x), b.margins(x), both.margins(x));
            for h in 0..HEAD_COUNT {
                let mean = (ma[h] + mb[h]) / 2.0;
                assert!((m[h] - mean).abs() < 1e-5, "head {h}: {} vs {mean}", m[h]);
            }
        }
    }

    #[test]
    fn bad_settings_are_named() {
        let (inputs, labels) = xor_data(10);
        let weights = vec![[1.0; HEAD_COUNT]; inputs.len()];
        for (config, what) in [
            (
                HiddenConfig {
                    units: 0,
                    ..HiddenConfig::default()
                },
                "hidden units",
            ),
            (
                HiddenConfig {
                    units: 2048,
                    networks: 3,
                    ..HiddenConfig::default()
                },
                "networks",
            ),
            (
                HiddenConfig {
                    networks: usize::MAX,
                    ..HiddenConfig::default()
                },
                "networks",
            ),
            (
                HiddenConfig {
                    dropout: 1.0,
                    ..HiddenConfig::default()
                },
                "dropout",
            ),
            (
                HiddenConfig {
                    batch: 0,
                    ..HiddenConfig::default()
                },
                "batch",
            ),
            (
                HiddenConfig {
                    learning_rate: f32::NAN,
                    ..HiddenConfig::default()
                },
                "learning_rate",
            ),
        ] {
            let e = train_network(&inputs, &labels, &weights, &config, |_| {}).unwrap_err();
            assert!(e.to_string().contains(what), "{e}");
        }
        let unknown = vec![Labels::unknown(); inputs.len()];
        assert!(matches!(
            train_network(
                &inputs,
                &unknown,
                &weights,
                &HiddenConfig::default(),
                |_| {}
            ),
            Err(LearnedError::NoLabels)
        ));
    }

    #[test]
    fn dot_equals_the_plain_sum() {
        let a: Vec<f32> = (0..21).map(|i| i as f32 * 0.25 - 2.0).collect();
        let b: Vec<f32> = (0..21).map(|i| 1.0 - i as f32 * 0.125).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-4);
    }
}
