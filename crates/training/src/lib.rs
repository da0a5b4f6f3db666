//! Trains and evaluates Tribune's learned classifier ([`tribune_learned`]) on the labelled
//! corpus: the I/O side of the learned stage.
//!
//! **What it is for.** Reading the corpus (JSON Lines with `text`, `lang`, `source` and
//! `labels`, where an absent category is unknown), turning each text into features through
//! the engine's own normaliser ([`engine_input`]) so training sees what inference sees,
//! training with a fixed seed, calibrating and choosing thresholds on dev, and writing the
//! model file with a JSON manifest (data SHA-256, date, settings, dev figures per source,
//! language and head).
//!
//! **What it is not for.** Scoring comments in production: load the model file once and use
//! [`tribune_learned::Model`] through the engine. This crate reads and writes files and
//! spawns a worker thread; the engine must not depend on it.
//!
//! ```no_run
//! use std::path::Path;
//! use tribune_training::{engine_input, load_corpus, train_model, utc_now, write_outputs, TrainOptions, NORMALISER};
//!
//! let corpus = load_corpus(Path::new("data/corpus"))?;
//! let outcome = train_model(&corpus, &TrainOptions::default(), &engine_input, NORMALISER, utc_now(), &mut |_| {})?;
//! println!("{}", outcome.report);
//! write_outputs(&outcome, Path::new("models/tribune-learned.bin"))?;
//! # Ok::<(), tribune_training::TrainingError>(())
//! ```

mod corpus;
mod encoder_heads;
mod error;
mod functional;
mod pipeline;
mod report;
mod spans;

pub use corpus::{Record, parse_jsonl, read_jsonl};
pub use encoder_heads::{
    EmbeddingCache, HeadsManifest, HeadsOptions, HeadsOutcome, HeadsStage, RowsEvery,
    encoder_train_rows, train_heads, write_heads,
};
pub use error::TrainingError;
pub use functional::{FUNCTIONAL_SOURCE, FunctionalTrain, case_labels, read_functional_train};
pub use pipeline::{
    ClassBalance, Corpus, DEFAULT_MASKS, DataFile, FeatureManifest, HeadManifest, Manifest, Mask,
    Outcome, Prepare, Prepared, PromotionTuning, Stage, TrainOptions, TrainingManifest, featurize,
    featurize_prepared, load_corpora, load_corpus, prepare_all, read_model, train_model, utc_now,
    utc_timestamp, write_outputs,
};
pub use report::{
    CalibrationFigures, Comparison, HeadFigures, Judged, Report, SliceReport, ThresholdsOf,
    evaluate, evaluate_scores, head_figures, selected_sources,
};
pub use spans::{SpanScore, code_points, span_f1};

/// Names the normaliser behind [`engine_input`] in manifests.
pub const NORMALISER: &str = "tribune_moderation::learning_input with the default policy";

/// The normalised text and signal tokens of a comment, exactly as the engine computes them
/// for the learned stage (`tribune_moderation::learning_input` under the default policy).
pub fn engine_input(text: &str, lang: Option<&str>) -> Prepared {
    let input =
        tribune_moderation::learning_input(text, lang, &tribune_moderation::Policy::default());
    Prepared {
        text: input.normalized,
        signals: input.signals,
        language: input.language,
    }
}
