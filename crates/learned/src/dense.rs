//! Dense heads: multi-label logistic regressions over a fixed-width input (a sentence
//! embedding and a few numbers beside it), or over a hidden layer of rectified units they
//! share, stacked per language with another scorer's margin into one calibrated
//! probability, and their compact file.
//!
//! Heads straight over the input train with [`train`](crate::train) (masked labels, class
//! balance per group, AdaGrad, seeded shuffling) on standardised inputs; heads over a hidden
//! layer train with it by Adam ([`HiddenConfig`]), the same labels and class weights.
//! Calibration reuses Platt's smoothed targets and the thresholds of
//! [`language_thresholds`](crate::language_thresholds).
//!
//! File layout (little-endian):
//!
//! | field | bytes |
//! |---|---|
//! | magic `TDH1` | 4 |
//! | format version (`u16`) | 2 |
//! | name length (`u8`), name (UTF-8) | 1 + n |
//! | embedding dimension (`u16`), max tokens (`u16`) | 4 |
//! | extra inputs (`u8`), each: name length (`u8`), name | 1 + … |
//! | per input: mean (`f32`), scale (`f32`) | 8 × inputs |
//! | hidden units (`u16`, 0 for none), each: bias (`f32`), weights (`f32` × inputs) | 2 + … |
//! | heads (`u8`, = 7), each: name length, name, bias (`f32`), weights (`f32` × units, or × inputs without a hidden layer), stack (3 × `f32`), thresholds | … |
//! | languages (`u8`), each: code length, code, head mask (`u8`), per set head: stack, thresholds | … |
//! | FNV-1a 64 checksum of all preceding bytes (`u64`) | 8 |
//!
//! Thresholds are written as in the learned model file: best (`f32`), then reject and
//! approve, each a presence byte and an `f32`.

use crate::calibrate::{MIN_LANGUAGE_CLASS, ThresholdTargets, language_thresholds};
use crate::error::LearnedError;
use crate::features::{FeatureConfig, MIN_BITS, SparseVector};
use crate::hidden::{HiddenConfig, HiddenLayer, MAX_UNITS, dot, train_network};
use crate::model::{
    HEAD_COUNT, Head, Reader, Thresholds, open_sealed, seal, sigmoid, valid_language,
    write_thresholds,
};
use crate::train::{Example, Labels, Progress, TrainConfig, class_weights_of, train};

const MAGIC: &[u8; 4] = b"TDH1";
/// The dense heads file format this build reads and writes (2: the hidden layer).
pub const DENSE_VERSION: u16 = 2;
/// Widest input a file may hold (embedding and extras together).
const MAX_INPUTS: usize = 4096;

/// The final probability of a head: `sigmoid(encoder · m_e + learned · m_l + bias)`, where
/// `m_e` is the dense head's margin and `m_l` the other scorer's (the n-gram stage's) margin
/// for the same head. Fitted on held-out rows, so it both combines and calibrates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stack {
    pub encoder: f32,
    pub learned: f32,
    pub bias: f32,
}

impl Stack {
    /// The dense margin alone, uncalibrated.
    pub const IDENTITY: Stack = Stack {
        encoder: 1.0,
        learned: 0.0,
        bias: 0.0,
    };

    /// The combined, calibrated probability.
    pub fn apply(&self, encoder: f32, learned: f32) -> f32 {
        sigmoid(self.encoder * encoder + self.learned * learned + self.bias)
    }
}

/// Fits a [`Stack`] to `(dense margin, other margin, label)` rows by Newton's method on the
/// log loss with Platt's smoothed targets (and a whisper of ridge, so that two collinear
/// margins still give a finite answer). The identity when a class is absent.
pub fn fit_stack(rows: &[(f32, f32, bool)]) -> Stack {
    let pos = rows.iter().filter(|r| r.2).count();
    let neg = rows.len() - pos;
    if pos == 0 || neg == 0 {
        return Stack::IDENTITY;
    }
    let hi = (pos as f64 + 1.0) / (pos as f64 + 2.0);
    let lo = 1.0 / (neg as f64 + 2.0);
    const RIDGE: f64 = 1e-4;
    let loss = |w: [f64; 3]| -> f64 {
        let data: f64 = rows
            .iter()
            .map(|&(a, b, y)| {
                let t = if y { hi } else { lo };
                let z = w[0] * f64::from(a) + w[1] * f64::from(b) + w[2];
                let softplus = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                softplus - t * z
            })
            .sum();
        data + RIDGE * (w[0] * w[0] + w[1] * w[1])
    };
    let mut w = [1.0f64, 0.0, 0.0];
    let mut current = loss(w);
    for _ in 0..100 {
        let mut g = [0.0f64; 3];
        let mut h = [[0.0f64; 3]; 3];
        for &(a, b, y) in rows {
            let x = [f64::from(a), f64::from(b), 1.0];
            let t = if y { hi } else { lo };
            let p = 1.0 / (1.0 + (-(w[0] * x[0] + w[1] * x[1] + w[2])).exp());
            let d = p - t;
            let v = p * (1.0 - p);
            for i in 0..3 {
                g[i] += d * x[i];
                for j in 0..3 {
                    h[i][j] += v * x[i] * x[j];
                }
            }
        }
        for i in 0..2 {
            g[i] += 2.0 * RIDGE * w[i];
            h[i][i] += 2.0 * RIDGE;
        }
        h[2][2] += 1e-9;
        let Some(step) = solve3(h, g) else { break };
        let mut scale = 1.0;
        let mut improved = false;
        while scale > 1e-8 {
            let next = [
                w[0] - scale * step[0],
                w[1] - scale * step[1],
                w[2] - scale * step[2],
            ];
            let l = loss(next);
            if l < current - 1e-12 {
                (w, current) = (next, l);
                improved = true;
                break;
            }
            scale /= 2.0;
        }
        if !improved || step.iter().map(|s| (scale * s).abs()).sum::<f64>() < 1e-9 {
            break;
        }
    }
    Stack {
        encoder: w[0] as f32,
        learned: w[1] as f32,
        bias: w[2] as f32,
    }
}

/// Solves `h x = g` for a 3 × 3 system by Gaussian elimination with partial pivoting.
fn solve3(mut h: [[f64; 3]; 3], mut g: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let pivot = (col..3).max_by(|&a, &b| h[a][col].abs().total_cmp(&h[b][col].abs()))?;
        if h[pivot][col].abs() < 1e-15 {
            return None;
        }
        h.swap(col, pivot);
        g.swap(col, pivot);
        let (top, rest) = h.split_at_mut(col + 1);
        let pivot_row = top[col];
        for (k, row) in rest.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            for (x, p) in row.iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            g[col + 1 + k] -= f * g[col];
        }
    }
    let mut x = [0.0f64; 3];
    for row in (0..3).rev() {
        let rest: f64 = (row + 1..3).map(|k| h[row][k] * x[k]).sum();
        x[row] = (g[row] - rest) / h[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// One training text for dense heads: its input (embedding, then the extras), its labels and
/// the group its class balance counts in (as [`Example::group`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DenseExample {
    pub input: Vec<f32>,
    pub labels: Labels,
    pub group: u32,
}

/// One held-out text for stacking: both scorers' margins per head, its labels, its language
/// (as the engine detects it), its collection, and whether it takes part in choosing the
/// thresholds as well as in fitting the stack (cases written to teach the stack, repeated,
/// would make a threshold's precision look better than it is).
#[derive(Debug, Clone, PartialEq)]
pub struct StackRow {
    pub encoder: [f32; HEAD_COUNT],
    pub learned: [f32; HEAD_COUNT],
    pub labels: Labels,
    pub language: String,
    pub source: String,
    pub sets_thresholds: bool,
}

/// The training settings of the shipped dense heads (inputs standardised, so one rate fits
/// every dimension).
pub fn dense_train_config() -> TrainConfig {
    TrainConfig {
        epochs: 8,
        learning_rate: 0.05,
        rate_decay: 0.5,
        l2: 1e-4,
        ..TrainConfig::default()
    }
}

/// Calibrated logistic heads over a dense input: see the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseHeads {
    name: String,
    dimension: usize,
    max_tokens: usize,
    extras: Vec<String>,
    mean: Vec<f32>,
    scale: Vec<f32>,
    /// The layer the heads read instead of the input, where there is one.
    hidden: Option<HiddenLayer>,
    /// Head-major: head `h`'s weights are `weights[h * width..][..width]`, `width` being the
    /// hidden layer's units or else the inputs.
    weights: Vec<f32>,
    biases: [f32; HEAD_COUNT],
    global: [(Stack, Thresholds); HEAD_COUNT],
    languages: Vec<(String, LanguageStacks)>,
}

/// The heads that have a stack of their own in one language.
type LanguageStacks = [Option<(Stack, Thresholds)>; HEAD_COUNT];

impl DenseHeads {
    /// Trains heads over `examples` (every input `dimension + extras.len()` wide), with
    /// identity stacks: [`calibrate_dense`] fits them.
    pub fn train(
        name: &str,
        dimension: usize,
        max_tokens: usize,
        extras: &[&str],
        examples: &[DenseExample],
        config: &TrainConfig,
        progress: impl FnMut(Progress),
    ) -> Result<DenseHeads, LearnedError> {
        let inputs = check_examples(dimension, extras, examples)?;
        let (mean, scale) = standardisation(examples, inputs);
        let bits = (usize::BITS - (inputs - 1).leading_zeros()).max(u32::from(MIN_BITS)) as u8;
        let features = FeatureConfig {
            bits,
            ..FeatureConfig::default()
        };
        let sparse: Vec<Example> = examples
            .iter()
            .map(|e| Example {
                features: SparseVector::from_pairs(
                    standardise(&e.input, &mean, &scale)
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (i as u32, v))
                        .collect(),
                ),
                labels: e.labels,
                group: e.group,
            })
            .collect();
        let trained = train(&sparse, features, config, progress)?;
        let mut weights = vec![0.0f32; HEAD_COUNT * inputs];
        for h in Head::ALL {
            for (i, w) in trained.head_weights(h).take(inputs).enumerate() {
                weights[h.index() * inputs + i] = w;
            }
        }
        Ok(DenseHeads {
            name: name.to_owned(),
            dimension,
            max_tokens,
            extras: extras.iter().map(|s| (*s).to_owned()).collect(),
            mean,
            scale,
            hidden: None,
            weights,
            biases: trained.biases,
            global: [(Stack::IDENTITY, Thresholds::default()); HEAD_COUNT],
            languages: Vec::new(),
        })
    }

    /// Trains heads over a hidden layer of `config.units` rectified units, both together,
    /// with class weights of `class_weight_power` per group (as [`TrainConfig`]'s), and
    /// identity stacks: [`calibrate_dense`] fits them.
    #[allow(clippy::too_many_arguments)]
    pub fn train_hidden(
        name: &str,
        dimension: usize,
        max_tokens: usize,
        extras: &[&str],
        examples: &[DenseExample],
        config: &HiddenConfig,
        class_weight_power: f32,
        progress: impl FnMut(Progress),
    ) -> Result<DenseHeads, LearnedError> {
        let inputs = check_examples(dimension, extras, examples)?;
        let (mean, scale) = standardisation(examples, inputs);
        let standardised: Vec<Vec<f32>> = examples
            .iter()
            .map(|e| standardise(&e.input, &mean, &scale))
            .collect();
        let labels: Vec<Labels> = examples.iter().map(|e| e.labels).collect();
        let class_weights = class_weights_of(
            examples.iter().map(|e| (e.labels, e.group)),
            class_weight_power,
        );
        let net = train_network(&standardised, &labels, &class_weights, config, progress)?;
        Ok(DenseHeads {
            name: name.to_owned(),
            dimension,
            max_tokens,
            extras: extras.iter().map(|s| (*s).to_owned()).collect(),
            mean,
            scale,
            hidden: Some(net.hidden),
            weights: net.head_weights,
            biases: net.head_biases,
            global: [(Stack::IDENTITY, Thresholds::default()); HEAD_COUNT],
            languages: Vec::new(),
        })
    }

    /// The name written by training (e.g. `tribune-encoder-heads`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Width of the embedding part of the input.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The token cap of the embeddings the heads were trained on.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Names of the inputs after the embedding, in order.
    pub fn extras(&self) -> &[String] {
        &self.extras
    }

    fn inputs(&self) -> usize {
        self.dimension + self.extras.len()
    }

    /// Units in the hidden layer (0: the heads read the input itself).
    pub fn hidden_units(&self) -> usize {
        self.hidden.as_ref().map_or(0, HiddenLayer::units)
    }

    /// How many values each head weighs: the hidden units, or else the inputs.
    fn head_width(&self) -> usize {
        self.hidden
            .as_ref()
            .map_or(self.inputs(), HiddenLayer::units)
    }

    /// Every head's raw margin for an embedding and the extras beside it.
    pub fn margins(
        &self,
        embedding: &[f32],
        extras: &[f32],
    ) -> Result<[f32; HEAD_COUNT], LearnedError> {
        if embedding.len() != self.dimension || extras.len() != self.extras.len() {
            return Err(LearnedError::InvalidConfig(format!(
                "input of {} + {} values, the heads read {} + {}",
                embedding.len(),
                extras.len(),
                self.dimension,
                self.extras.len()
            )));
        }
        let x = standardise(embedding.iter().chain(extras), &self.mean, &self.scale);
        let read = match &self.hidden {
            Some(layer) => layer.forward(&x),
            None => x,
        };
        let width = read.len();
        Ok(std::array::from_fn(|h| {
            self.biases[h] + dot(&self.weights[h * width..][..width], &read)
        }))
    }

    /// The stack and thresholds of `head` for `language`: its own where dev had enough texts
    /// of it (`true`), else the model-wide ones (`false`).
    pub fn stack_in(&self, head: Head, language: &str) -> (Stack, Thresholds, bool) {
        match self
            .languages
            .iter()
            .find(|(code, _)| code == language)
            .and_then(|(_, heads)| heads[head.index()])
        {
            Some((s, t)) => (s, t, true),
            None => {
                let (s, t) = self.global[head.index()];
                (s, t, false)
            }
        }
    }

    /// The model-wide stack and thresholds of `head`.
    pub fn global(&self, head: Head) -> (Stack, Thresholds) {
        self.global[head.index()]
    }

    /// The languages with a stack of their own for some head.
    pub fn languages(&self) -> impl Iterator<Item = &str> + '_ {
        self.languages.iter().map(|(c, _)| c.as_str())
    }

    /// Sets the model-wide stack and thresholds of `head`.
    pub fn set_global(&mut self, head: Head, stack: Stack, thresholds: Thresholds) {
        self.global[head.index()] = (stack, thresholds);
    }

    /// Gives `head` a stack and thresholds of its own in `language`.
    pub fn set_language(
        &mut self,
        language: &str,
        head: Head,
        stack: Stack,
        thresholds: Thresholds,
    ) -> Result<(), LearnedError> {
        if !valid_language(language.as_bytes()) {
            return Err(LearnedError::InvalidConfig(format!(
                "language code {language:?} is not 1 to 16 ASCII letters, digits, '-' or '_'"
            )));
        }
        let k = match self.languages.iter().position(|(c, _)| c == language) {
            Some(k) => k,
            None if self.languages.len() < usize::from(u8::MAX) => {
                self.languages
                    .push((language.to_owned(), [None; HEAD_COUNT]));
                self.languages.len() - 1
            }
            None => {
                return Err(LearnedError::InvalidConfig(
                    "more than 255 languages".to_owned(),
                ));
            }
        };
        self.languages[k].1[head.index()] = Some((stack, thresholds));
        Ok(())
    }

    /// The file (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&DENSE_VERSION.to_le_bytes());
        write_name(&mut out, &self.name);
        out.extend_from_slice(&(self.dimension as u16).to_le_bytes());
        out.extend_from_slice(&(self.max_tokens as u16).to_le_bytes());
        out.push(self.extras.len() as u8);
        for e in &self.extras {
            write_name(&mut out, e);
        }
        for (m, s) in self.mean.iter().zip(&self.scale) {
            out.extend_from_slice(&m.to_le_bytes());
            out.extend_from_slice(&s.to_le_bytes());
        }
        out.extend_from_slice(&(self.hidden_units() as u16).to_le_bytes());
        if let Some(layer) = &self.hidden {
            for (u, b) in layer.biases.iter().enumerate() {
                out.extend_from_slice(&b.to_le_bytes());
                for w in &layer.weights[u * layer.inputs..][..layer.inputs] {
                    out.extend_from_slice(&w.to_le_bytes());
                }
            }
        }
        out.push(HEAD_COUNT as u8);
        let width = self.head_width();
        for h in Head::ALL {
            write_name(&mut out, h.as_str());
            out.extend_from_slice(&self.biases[h.index()].to_le_bytes());
            for w in &self.weights[h.index() * width..][..width] {
                out.extend_from_slice(&w.to_le_bytes());
            }
            write_stack(&mut out, self.global[h.index()]);
        }
        out.push(self.languages.len() as u8);
        for (code, heads) in &self.languages {
            write_name(&mut out, code);
            let mask = heads
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_some())
                .fold(0u8, |m, (h, _)| m | 1 << h);
            out.push(mask);
            for &p in heads.iter().flatten() {
                write_stack(&mut out, p);
            }
        }
        seal(&mut out);
        out
    }

    /// Reads a file, checking magic, version, checksum and every field.
    pub fn from_bytes(bytes: &[u8]) -> Result<DenseHeads, LearnedError> {
        let mut r = open_sealed(bytes, MAGIC, DENSE_VERSION)?;
        let name = read_name(&mut r, "name")?;
        let dimension = usize::from(r.u16("dimension")?);
        let max_tokens = usize::from(r.u16("max tokens")?);
        let n_extras = usize::from(r.u8("extra input count")?);
        let extras = (0..n_extras)
            .map(|_| read_name(&mut r, "extra input name"))
            .collect::<Result<Vec<_>, _>>()?;
        let inputs = dimension + n_extras;
        if inputs == 0 {
            return Err(r.corrupt("dimension", 6, "no inputs".to_owned()));
        }
        let (mut mean, mut scale) = (Vec::with_capacity(inputs), Vec::with_capacity(inputs));
        for _ in 0..inputs {
            mean.push(r.finite("input mean")?);
            scale.push(r.finite("input scale")?);
        }
        let units_at = r.pos;
        let units = usize::from(r.u16("hidden units")?);
        if units > MAX_UNITS {
            return Err(r.corrupt(
                "hidden units",
                units_at,
                format!("{units}, expected at most {MAX_UNITS}"),
            ));
        }
        let hidden = if units == 0 {
            None
        } else {
            let mut weights = Vec::with_capacity(units * inputs);
            let mut biases = Vec::with_capacity(units);
            for _ in 0..units {
                biases.push(r.finite("hidden bias")?);
                for _ in 0..inputs {
                    weights.push(r.finite("hidden weight")?);
                }
            }
            Some(HiddenLayer {
                inputs,
                weights,
                biases,
            })
        };
        let width = if units == 0 { inputs } else { units };
        let heads_at = r.pos;
        let heads = r.u8("head count")?;
        if usize::from(heads) != HEAD_COUNT {
            return Err(r.corrupt(
                "head count",
                heads_at,
                format!("{heads}, expected {HEAD_COUNT}"),
            ));
        }
        let mut weights = Vec::with_capacity(HEAD_COUNT * width);
        let mut biases = [0.0f32; HEAD_COUNT];
        let mut global = [(Stack::IDENTITY, Thresholds::default()); HEAD_COUNT];
        for h in Head::ALL {
            let at = r.pos;
            let head_name = read_name(&mut r, "head name")?;
            if head_name != h.as_str() {
                return Err(r.corrupt(
                    "head name",
                    at,
                    format!("{head_name:?}, expected {:?}", h.as_str()),
                ));
            }
            biases[h.index()] = r.finite("head bias")?;
            for _ in 0..width {
                weights.push(r.finite("head weight")?);
            }
            global[h.index()] = read_stack(&mut r)?;
        }
        let n_languages = r.u8("language count")?;
        let mut languages = Vec::with_capacity(usize::from(n_languages));
        for _ in 0..n_languages {
            let at = r.pos;
            let code = read_name(&mut r, "language code")?;
            if !valid_language(code.as_bytes()) || languages.iter().any(|(c, _)| *c == code) {
                return Err(r.corrupt("language code", at, format!("{code:?}")));
            }
            let mask_at = r.pos;
            let mask = r.u8("language head mask")?;
            if mask >> HEAD_COUNT != 0 {
                return Err(r.corrupt("language head mask", mask_at, format!("{mask:#04x}")));
            }
            let mut heads = [None; HEAD_COUNT];
            for (h, slot) in heads.iter_mut().enumerate() {
                if mask & (1 << h) != 0 {
                    *slot = Some(read_stack(&mut r)?);
                }
            }
            languages.push((code, heads));
        }
        if r.pos != r.bytes.len() {
            return Err(r.corrupt(
                "end of file",
                r.pos,
                format!("{} unread bytes before the checksum", r.bytes.len() - r.pos),
            ));
        }
        Ok(DenseHeads {
            name,
            dimension,
            max_tokens,
            extras,
            mean,
            scale,
            hidden,
            weights,
            biases,
            global,
            languages,
        })
    }
}

/// The width of `examples`' inputs (`dimension + extras`), once every one is that wide and
/// finite.
fn check_examples(
    dimension: usize,
    extras: &[&str],
    examples: &[DenseExample],
) -> Result<usize, LearnedError> {
    let inputs = dimension + extras.len();
    if inputs == 0 || inputs > MAX_INPUTS {
        return Err(LearnedError::InvalidConfig(format!(
            "{inputs} inputs, expected 1..={MAX_INPUTS}"
        )));
    }
    if let Some((k, e)) = examples
        .iter()
        .enumerate()
        .find(|(_, e)| e.input.len() != inputs)
    {
        return Err(LearnedError::InvalidConfig(format!(
            "example {k} has {} inputs, expected {inputs}",
            e.input.len()
        )));
    }
    if let Some(k) = examples
        .iter()
        .position(|e| e.input.iter().any(|v| !v.is_finite()))
    {
        return Err(LearnedError::InvalidConfig(format!(
            "example {k} has an input that is not finite"
        )));
    }
    Ok(inputs)
}

/// One input (its values in order) standardised by `mean` and `scale`.
fn standardise<'a>(
    input: impl IntoIterator<Item = &'a f32>,
    mean: &[f32],
    scale: &[f32],
) -> Vec<f32> {
    input
        .into_iter()
        .zip(mean.iter().zip(scale))
        .map(|(&v, (m, s))| (v - m) * s)
        .collect()
}

/// Per input, the mean and the inverse standard deviation over `examples` (scale 1 for an
/// input that never varies).
fn standardisation(examples: &[DenseExample], inputs: usize) -> (Vec<f32>, Vec<f32>) {
    let n = examples.len().max(1) as f64;
    let mut sum = vec![0.0f64; inputs];
    for e in examples {
        for (s, &v) in sum.iter_mut().zip(&e.input) {
            *s += f64::from(v);
        }
    }
    let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
    let mut sq = vec![0.0f64; inputs];
    for e in examples {
        for ((s, &v), m) in sq.iter_mut().zip(&e.input).zip(&mean) {
            let d = f64::from(v) - m;
            *s += d * d;
        }
    }
    let scale = sq
        .iter()
        .map(|s| {
            let sd = (s / n).sqrt();
            if sd > 1e-9 { (1.0 / sd) as f32 } else { 1.0 }
        })
        .collect();
    (mean.into_iter().map(|m| m as f32).collect(), scale)
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    // Names are head names, language codes and short labels written by training.
    let bytes = &name.as_bytes()[..name.len().min(255)];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

fn read_name(r: &mut Reader<'_>, what: &'static str) -> Result<String, LearnedError> {
    let len = usize::from(r.u8(what)?);
    let at = r.pos;
    let bytes = r.take(what, len)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| r.corrupt(what, at, "not UTF-8".to_owned()))
}

fn write_stack(out: &mut Vec<u8>, (s, t): (Stack, Thresholds)) {
    for f in [s.encoder, s.learned, s.bias] {
        out.extend_from_slice(&f.to_le_bytes());
    }
    write_thresholds(out, t);
}

fn read_stack(r: &mut Reader<'_>) -> Result<(Stack, Thresholds), LearnedError> {
    let stack = Stack {
        encoder: r.finite("stack encoder weight")?,
        learned: r.finite("stack learned weight")?,
        bias: r.finite("stack bias")?,
    };
    let thresholds = Thresholds {
        best_f1: r.finite("best threshold")?,
        reject: r.optional("reject threshold")?,
        approve: r.optional("approve threshold")?,
    };
    Ok((stack, thresholds))
}

/// Whether `labels` hold a positive and a negative: what a fit or a threshold needs.
fn both_classes(labels: impl IntoIterator<Item = bool>) -> bool {
    let (mut positive, mut negative) = (false, false);
    for label in labels {
        positive |= label;
        negative |= !label;
    }
    positive && negative
}

/// Fits every head's model-wide stack on all `rows` with a known label, and its own per
/// language where the rows hold at least [`MIN_LANGUAGE_CLASS`] texts of each class.
/// Thresholds are chosen as [`language_thresholds`] chooses them on the rows that set
/// thresholds, their sources being the collections (the defaults, no auto-decision, where
/// those lack a class). Returns the `(language, head)` pairs given their own.
pub fn calibrate_dense(
    heads: &mut DenseHeads,
    rows: &[StackRow],
    targets: &ThresholdTargets,
) -> Vec<(String, Head)> {
    let fit = |rows: &[&StackRow], h: Head| -> Option<(Stack, Thresholds)> {
        let labelled: Vec<(&StackRow, bool)> = rows
            .iter()
            .filter_map(|r| Some((*r, r.labels.get(h)?)))
            .collect();
        let margins = |r: &StackRow| (r.encoder[h.index()], r.learned[h.index()]);
        let m: Vec<(f32, f32, bool)> = labelled
            .iter()
            .map(|&(r, y)| {
                let (a, b) = margins(r);
                (a, b, y)
            })
            .collect();
        if !both_classes(m.iter().map(|r| r.2)) {
            return None;
        }
        let stack = fit_stack(&m);
        let (scored, groups): (Vec<(f32, bool)>, Vec<&str>) = labelled
            .iter()
            .filter(|(r, _)| r.sets_thresholds)
            .map(|&(r, y)| {
                let (a, b) = margins(r);
                ((stack.apply(a, b), y), r.source.as_str())
            })
            .unzip();
        let thresholds = if both_classes(scored.iter().map(|s| s.1)) {
            language_thresholds(&scored, &groups, targets)
        } else {
            Thresholds::default()
        };
        Some((stack, thresholds))
    };
    let all: Vec<&StackRow> = rows.iter().collect();
    for h in Head::ALL {
        if let Some((s, t)) = fit(&all, h) {
            heads.set_global(h, s, t);
        }
    }
    let mut codes: Vec<&str> = rows.iter().map(|r| r.language.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut set = Vec::new();
    for code in codes {
        let of: Vec<&StackRow> = rows.iter().filter(|r| r.language == code).collect();
        for h in Head::ALL {
            let pos = of.iter().filter(|r| r.labels.get(h) == Some(true)).count();
            let neg = of.iter().filter(|r| r.labels.get(h) == Some(false)).count();
            if pos < MIN_LANGUAGE_CLASS || neg < MIN_LANGUAGE_CLASS {
                continue;
            }
            if let Some((s, t)) = fit(&of, h)
                && heads.set_language(code, h, s, t).is_ok()
            {
                set.push((code.to_owned(), h));
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 values in [-1, 1), for synthetic inputs.
    fn noise(seed: &mut u64) -> f32 {
        *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    /// Texts whose `threat` label is the sign of the first embedding value (plus noise), in
    /// two languages; the other heads unknown except `offensive`, which follows `threat`.
    fn synthetic(n: usize, seed: u64) -> (Vec<DenseExample>, Vec<(String, String)>) {
        let mut s = seed;
        let mut out = Vec::new();
        let mut meta = Vec::new();
        for k in 0..n {
            let mut input: Vec<f32> = (0..8).map(|_| noise(&mut s) * 0.1).collect();
            let y = input[0] + noise(&mut s) * 0.02 > 0.0;
            // An offset the standardisation must remove, and a constant extra.
            input[1] += 5.0;
            input.push(1.0);
            let labels = Labels::unknown()
                .with(Head::Threat, y)
                .with(Head::Offensive, y);
            out.push(DenseExample {
                input,
                labels,
                group: (k % 2) as u32,
            });
            let lang = if k.is_multiple_of(2) { "en" } else { "tr" };
            meta.push((lang.to_owned(), format!("src{}", k % 3)));
        }
        (out, meta)
    }

    /// Synthetic dev examples and their stack rows with `heads`' margins.
    fn dev_rows(heads: &DenseHeads) -> (Vec<DenseExample>, Vec<StackRow>) {
        let (dev_x, meta) = synthetic(400, 2);
        let rows = dev_x
            .iter()
            .zip(meta)
            .map(|(e, (language, source))| StackRow {
                encoder: heads.margins(&e.input[..8], &e.input[8..]).expect("fits"),
                learned: [0.0; HEAD_COUNT],
                labels: e.labels,
                language,
                source,
                sets_thresholds: true,
            })
            .collect();
        (dev_x, rows)
    }

    fn trained() -> (DenseHeads, Vec<StackRow>) {
        let (train_x, _) = synthetic(600, 1);
        let mut heads = DenseHeads::train(
            "test-heads",
            8,
            128,
            &["constant"],
            &train_x,
            &dense_train_config(),
            |_| {},
        )
        .expect("trains");
        let (_, rows) = dev_rows(&heads);
        let set = calibrate_dense(&mut heads, &rows, &ThresholdTargets::default());
        assert!(set.contains(&("en".to_owned(), Head::Threat)), "{set:?}");
        (heads, rows)
    }

    #[test]
    fn a_tiny_head_learns_and_calibrates_on_synthetic_embeddings() {
        let (heads, rows) = trained();
        let scored: Vec<(f32, bool)> = rows
            .iter()
            .map(|r| {
                let (s, _, _) = heads.stack_in(Head::Threat, &r.language);
                let y = r.labels.get(Head::Threat).expect("labelled");
                (s.apply(r.encoder[Head::Threat.index()], 0.0), y)
            })
            .collect();
        let accuracy =
            scored.iter().filter(|(p, y)| (*p >= 0.5) == *y).count() as f64 / scored.len() as f64;
        assert!(accuracy > 0.9, "accuracy {accuracy}");
        let ece = crate::expected_calibration_error(&scored, 10).expect("rows");
        assert!(ece < 0.08, "calibration error {ece}");
        // An unknown label trains nothing: the threat head's weights differ from the
        // untrained vulgarity head's zeros.
        let clean = [0.0f32; 8];
        let m = heads.margins(&clean, &[1.0]).expect("fits");
        assert_eq!(m[Head::Vulgarity.index()], 0.0);
    }

    #[test]
    fn rows_that_do_not_set_thresholds_move_the_stack_but_not_the_thresholds() {
        let (mut heads, rows) = trained();
        let (stack, thresholds, _) = heads.stack_in(Head::Threat, "en");
        // Threat negatives at the highest margins: counted for thresholds, they would take
        // away the reject threshold's precision; counted for the stack only, they flatten it.
        let top = rows
            .iter()
            .map(|r| r.encoder[Head::Threat.index()])
            .fold(f32::MIN, f32::max);
        let mut labels = Labels::unknown();
        labels.set(Head::Threat, Some(false));
        let source = rows
            .iter()
            .find(|r| r.language == "en")
            .map(|r| r.source.clone())
            .expect("English rows");
        let teaching = StackRow {
            encoder: [top; HEAD_COUNT],
            learned: [0.0; HEAD_COUNT],
            labels,
            language: "en".to_owned(),
            source,
            sets_thresholds: false,
        };
        let mut with = rows.clone();
        with.extend(std::iter::repeat_n(teaching, 200));
        calibrate_dense(&mut heads, &with, &ThresholdTargets::default());
        let (moved, kept, _) = heads.stack_in(Head::Threat, "en");
        assert!(moved.encoder < stack.encoder, "{moved:?} against {stack:?}");
        let rescored: Vec<(f32, bool)> = rows
            .iter()
            .filter(|r| r.language == "en")
            .filter_map(|r| {
                let y = r.labels.get(Head::Threat)?;
                Some((moved.apply(r.encoder[Head::Threat.index()], 0.0), y))
            })
            .collect();
        let groups: Vec<&str> = rows
            .iter()
            .filter(|r| r.language == "en" && r.labels.get(Head::Threat).is_some())
            .map(|r| r.source.as_str())
            .collect();
        let expected = language_thresholds(&rescored, &groups, &ThresholdTargets::default());
        assert_eq!(kept, expected);
        assert_ne!(kept, thresholds, "the flattened stack rescores the rows");
    }

    #[test]
    fn training_is_deterministic_for_data_and_seed() {
        let (a, _) = trained();
        let (b, _) = trained();
        assert_eq!(a.to_bytes(), b.to_bytes());
        let (train_x, _) = synthetic(600, 1);
        let other = TrainConfig {
            seed: 7,
            ..dense_train_config()
        };
        let c = DenseHeads::train(
            "test-heads",
            8,
            128,
            &["constant"],
            &train_x,
            &other,
            |_| {},
        )
        .expect("trains");
        assert_ne!(
            DenseHeads::train(
                "test-heads",
                8,
                128,
                &["constant"],
                &train_x,
                &dense_train_config(),
                |_| {}
            )
            .expect("trains")
            .to_bytes(),
            c.to_bytes()
        );
    }

    #[test]
    fn the_file_round_trips_and_refuses_damage() {
        let (heads, _) = trained();
        let bytes = heads.to_bytes();
        assert_eq!(DenseHeads::from_bytes(&bytes).expect("reads"), heads);

        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        assert!(matches!(
            DenseHeads::from_bytes(&flipped),
            Err(LearnedError::ChecksumMismatch { .. })
        ));
        assert!(matches!(
            DenseHeads::from_bytes(b"TDH0\x01\x00"),
            Err(LearnedError::BadMagic)
        ));
        let mut future = bytes.clone();
        future[4] = 9;
        assert!(matches!(
            DenseHeads::from_bytes(&future),
            Err(LearnedError::UnsupportedVersion { found: 9, .. })
        ));
        assert!(matches!(
            DenseHeads::from_bytes(&bytes[..5]),
            Err(LearnedError::Truncated {
                what: "format version",
                ..
            })
        ));
        // A cut body with a valid checksum of what remains: the reader names the field.
        let mut cut = bytes[..bytes.len() - 8 - 40].to_vec();
        seal(&mut cut);
        let e = DenseHeads::from_bytes(&cut).expect_err("truncated");
        assert!(matches!(e, LearnedError::Truncated { .. }), "{e}");
        // A non-finite weight with a valid checksum is refused, naming the field.
        let mut bad = bytes[..bytes.len() - 8].to_vec();
        let at = bad.len() - 60;
        bad[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        seal(&mut bad);
        let e = DenseHeads::from_bytes(&bad).expect_err("not finite");
        assert!(e.to_string().contains("not finite"), "{e}");
    }

    #[test]
    fn heads_over_a_hidden_layer_learn_round_trip_and_refuse_damage() {
        let (train_x, _) = synthetic(600, 1);
        let config = HiddenConfig {
            units: 12,
            epochs: 20,
            batch: 32,
            learning_rate: 1e-2,
            networks: 1,
            ..HiddenConfig::default()
        };
        let mut heads = DenseHeads::train_hidden(
            "test-heads",
            8,
            128,
            &["constant"],
            &train_x,
            &config,
            0.5,
            |_| {},
        )
        .expect("trains");
        assert_eq!(heads.hidden_units(), 12);
        let (dev_x, rows) = dev_rows(&heads);
        let right = rows
            .iter()
            .filter(|r| {
                (r.encoder[Head::Threat.index()] > 0.0) == r.labels.get(Head::Threat).expect("set")
            })
            .count();
        assert!(right > 360, "{right} of 400 right");
        calibrate_dense(&mut heads, &rows, &ThresholdTargets::default());

        let bytes = heads.to_bytes();
        let back = DenseHeads::from_bytes(&bytes).expect("reads");
        assert_eq!(back, heads);
        let e = &dev_x[0];
        assert_eq!(
            back.margins(&e.input[..8], &e.input[8..]).expect("fits"),
            heads.margins(&e.input[..8], &e.input[8..]).expect("fits")
        );
        // The units count sits after the name, the dimensions, the extra's name and the
        // input statistics; more units than a file may hold is refused by name.
        let at = 4 + 2 + 1 + "test-heads".len() + 4 + 1 + 1 + "constant".len() + 8 * 9;
        assert_eq!(&bytes[at..at + 2], &12u16.to_le_bytes());
        let mut body = bytes[..bytes.len() - 8].to_vec();
        body[at..at + 2].copy_from_slice(&u16::MAX.to_le_bytes());
        seal(&mut body);
        let e = DenseHeads::from_bytes(&body).expect_err("too many units");
        assert!(e.to_string().contains("hidden units"), "{e}");
        // A version-1 file (no hidden layer field) is refused, not misread.
        let mut old = bytes.clone();
        old[4..6].copy_from_slice(&1u16.to_le_bytes());
        assert!(matches!(
            DenseHeads::from_bytes(&old),
            Err(LearnedError::UnsupportedVersion { found: 1, .. })
        ));
    }

    #[test]
    fn inputs_of_the_wrong_width_are_refused() {
        let (heads, _) = trained();
        assert!(heads.margins(&[0.0; 7], &[1.0]).is_err());
        assert!(heads.margins(&[0.0; 8], &[]).is_err());
        let bad = vec![DenseExample {
            input: vec![0.0; 3],
            labels: Labels::unknown().with(Head::Threat, true),
            group: 0,
        }];
        assert!(DenseHeads::train("x", 8, 128, &[], &bad, &dense_train_config(), |_| {}).is_err());
    }

    #[test]
    fn a_stack_combines_two_margins_and_calibrates() {
        // The label follows the sum of both margins: both weights come out positive.
        let mut s = 3u64;
        let rows: Vec<(f32, f32, bool)> = (0..2000)
            .map(|_| {
                let (a, b) = (noise(&mut s) * 4.0, noise(&mut s) * 4.0);
                (a, b, a + b + noise(&mut s) > 0.0)
            })
            .collect();
        let stack = fit_stack(&rows);
        assert!(stack.encoder > 1.0 && stack.learned > 1.0, "{stack:?}");
        assert!(
            (stack.encoder / stack.learned - 1.0).abs() < 0.3,
            "{stack:?}"
        );
        assert_eq!(fit_stack(&[(1.0, 0.0, true)]), Stack::IDENTITY);
    }
}
