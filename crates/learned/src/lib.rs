//! Tribune's learned classifier: scores a comment for every guideline category with a
//! multi-label logistic regression over hashed sparse features.
//!
//! **What it is for.** The moderation engine normalises a comment and finds its lexicon and
//! promotion signals; this crate turns that normalised text and those signal tokens into a
//! [`SparseVector`] (character n-grams inside words, word uni- and bigrams, signal tokens,
//! hashed into `2^bits` buckets) and a [`Model`] turns the vector into calibrated
//! probabilities per [`Head`] (per language, where dev had enough texts of it): `offensive` (the umbrella), `profanity`, `vulgarity`, `threat`,
//! `personal_attack`, `identity_abuse` and `promotion`. It also holds what is needed to build
//! such a model: [`train`] (masked labels, per-head class weights balanced within groups of
//! examples, AdaGrad with lazy L2, seeded shuffling), Platt calibration, metrics (calibration
//! error among them) and threshold selection ([`calibrate`], [`calibrate_languages`],
//! [`expected_calibration_error`]), and the
//! compact, versioned, checksummed model file ([`Model::to_bytes`], [`Model::from_bytes`]).
//!
//! **What it is not for.** It does no I/O (models come in as bytes and go out to any
//! [`std::io::Write`]), does no normalisation (give it the engine's normalised text, or scores
//! will not match training) and knows nothing of policies or decisions. Hashed features
//! cannot be traced back to words, but [`Model::word_contributions`] says how much each word
//! added to a head's score, which the engine turns into evidence. Reading corpora and writing
//! reports is the job of the training crate.
//!
//! ```
//! use tribune_learned::{
//!     train, FeatureConfig, Featurizer, Example, Head, Labels, Model, TrainConfig,
//! };
//!
//! let features = FeatureConfig { bits: 16, ..FeatureConfig::default() };
//! let featurizer = Featurizer::new(features)?;
//! let examples: Vec<Example> = [
//!     ("you are a stupid worthless idiot", true),
//!     ("shut up you pathetic idiot", true),
//!     ("thanks for this clear article", false),
//!     ("the minister spoke about the budget", false),
//! ]
//! .iter()
//! .map(|&(text, offensive)| Example {
//!     features: featurizer.features(text, &[]),
//!     labels: Labels::unknown().with(Head::Offensive, offensive),
//!     group: 0,
//! })
//! .collect();
//! let config = TrainConfig { epochs: 20, ..TrainConfig::default() };
//! let model = train(&examples, features, &config, |_| {})?.quantize()?;
//!
//! let bytes = model.to_bytes();
//! let model = Model::from_bytes(&bytes)?;
//! // What the engine calls: no feature vector is built, nothing is allocated.
//! let scores = model.score_in("what an idiot", &[], Some("en"));
//! assert!(scores.get(Head::Offensive) > model.score("a clear article", &[]).get(Head::Offensive));
//! # Ok::<(), tribune_learned::LearnedError>(())
//! ```

mod calibrate;
mod dense;
mod error;
mod features;
mod hidden;
mod model;
mod train;

pub use calibrate::{
    AutoDecisions, BinaryMetrics, ECE_BINS, MIN_LANGUAGE_CLASS, ThresholdTargets, auto_decisions,
    binary_metrics, calibrate, calibrate_head, calibrate_languages, choose_thresholds,
    expected_calibration_error, fit_platt, language_thresholds, margins_by_head, roc_auc,
};
pub use dense::{
    DENSE_VERSION, DenseExample, DenseHeads, Stack, StackRow, calibrate_dense, dense_train_config,
    fit_stack,
};
pub use error::LearnedError;
pub use features::{FeatureConfig, Featurizer, MAX_BITS, MAX_CHARS, MIN_BITS, SparseVector};
pub use hidden::HiddenConfig;
pub use model::{Calibration, HEAD_COUNT, Head, InLanguage, Model, Scores, Thresholds};
pub use train::{Example, Labels, Progress, TrainConfig, TrainedWeights, train};
