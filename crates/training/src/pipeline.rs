//! From corpus files to a calibrated model, its manifest and its evaluation report.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tribune_learned::{
    Example, FeatureConfig, Featurizer, Head, Labels, Model, Progress, ThresholdTargets,
    TrainConfig, calibrate, calibrate_head, calibrate_languages, train,
};

use crate::corpus::{Record, parse_jsonl};
use crate::error::TrainingError;
use crate::report::{Report, SliceReport, evaluate, head_figures, selected_sources};

/// What the engine's deterministic stages give the learned stage for one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The normalised text.
    pub text: String,
    /// Signal tokens (`lex:profanity:block`, `promo:url`, ...).
    pub signals: Vec<String>,
    /// The language the engine detected (`en`, `ar`, `ckb`, `kmr`, `tr`, `fa`, `other`).
    pub language: String,
}

impl Prepared {
    /// The signal tokens as the model's functions take them.
    pub fn signal_refs(&self) -> Vec<&str> {
        self.signals.iter().map(String::as_str).collect()
    }
}

/// Turns a raw text and its declared language into what the engine gives the model, exactly
/// as the engine does before calling it.
pub type Prepare = dyn Fn(&str, Option<&str>) -> Prepared + Sync;

/// The training and dev rows, with the fingerprints of the files they came from.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub train: Vec<Record>,
    pub dev: Vec<Record>,
    pub files: Vec<DataFile>,
}

/// A corpus file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataFile {
    /// `FOLDER/FILE`, the folder by its own name (`corpus/train.jsonl`).
    pub name: String,
    pub sha256: String,
    pub rows: usize,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn load_file(dir: &Path, name: &str) -> Result<(Vec<Record>, DataFile), TrainingError> {
    let path = dir.join(name);
    let folder = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(&path).map_err(|source| TrainingError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let rows = parse_jsonl(bytes.as_slice(), name)?;
    if rows.is_empty() {
        return Err(TrainingError::Empty {
            file: path.display().to_string(),
        });
    }
    let file = DataFile {
        name: format!("{folder}/{name}"),
        sha256: hex(&Sha256::digest(&bytes)),
        rows: rows.len(),
    };
    Ok((rows, file))
}

/// Reads `train.jsonl` and `dev.jsonl` from `dir`.
pub fn load_corpus(dir: &Path) -> Result<Corpus, TrainingError> {
    load_corpora(&[dir])
}

/// Reads `train.jsonl` and `dev.jsonl` from each folder and joins them, in the order given
/// (other files in a folder, such as corpus-extra's `spans_train.jsonl`, are not read).
pub fn load_corpora(dirs: &[impl AsRef<Path>]) -> Result<Corpus, TrainingError> {
    let mut corpus = Corpus {
        train: Vec::new(),
        dev: Vec::new(),
        files: Vec::new(),
    };
    for dir in dirs {
        let dir = dir.as_ref();
        let (train, train_file) = load_file(dir, "train.jsonl")?;
        let (dev, dev_file) = load_file(dir, "dev.jsonl")?;
        corpus.train.extend(train);
        corpus.dev.extend(dev);
        corpus.files.extend([train_file, dev_file]);
    }
    Ok(corpus)
}

/// One source's labels of one head that training leaves out: the source's rows still train
/// the other heads and are still evaluated. Written `SOURCE:HEAD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mask {
    pub source: String,
    pub head: Head,
}

impl FromStr for Mask {
    type Err = String;

    fn from_str(s: &str) -> Result<Mask, String> {
        let (source, head) = s
            .split_once(':')
            .ok_or_else(|| format!("{s:?} is not SOURCE:HEAD"))?;
        let head = Head::from_name(head).ok_or_else(|| {
            format!(
                "{head:?} is not a head (expected one of {})",
                Head::ALL.map(Head::as_str).join(", ")
            )
        })?;
        if source.is_empty() {
            return Err(format!("{s:?} names no source"));
        }
        Ok(Mask {
            source: source.to_owned(),
            head,
        })
    }
}

impl fmt::Display for Mask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.head)
    }
}

/// Within which rows each head's positives and negatives are balanced in training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassBalance {
    /// Over all rows at once.
    Corpus,
    /// Within each language.
    Language,
    /// Within each source: a collection's share of abuse is an artefact of how it was
    /// gathered, and should not make its language or its style look abusive to the others.
    Source,
}

impl ClassBalance {
    /// The rows a record is balanced with share this key.
    fn key(self, record: &Record) -> &str {
        match self {
            ClassBalance::Corpus => "",
            ClassBalance::Language => &record.lang,
            ClassBalance::Source => &record.source,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClassBalance::Corpus => "corpus",
            ClassBalance::Language => "language",
            ClassBalance::Source => "source",
        }
    }
}

impl FromStr for ClassBalance {
    type Err = String;

    fn from_str(s: &str) -> Result<ClassBalance, String> {
        [
            ClassBalance::Corpus,
            ClassBalance::Language,
            ClassBalance::Source,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
        .ok_or_else(|| format!("{s:?} is not corpus, language or source"))
    }
}

/// The labels `record` trains with under `masks`.
pub(crate) fn training_labels(record: &Record, masks: &[Mask]) -> Labels {
    let mut labels = record.labels;
    for m in masks.iter().filter(|m| m.source == record.source) {
        labels.set(m.head, None);
    }
    labels
}

/// Settings of a training run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// The model's name, recorded in the manifest.
    pub name: String,
    /// The command that asked for this run, recorded in the manifest so it can be rerun.
    pub command: String,
    pub features: FeatureConfig,
    pub train: TrainConfig,
    pub targets: ThresholdTargets,
    /// Labels training leaves out (a mask naming a source absent from the data does nothing).
    pub masks: Vec<Mask>,
    pub class_balance: ClassBalance,
}

/// The masks of the shipped model: ToxicSpans holds only comments already rated toxic, so its
/// `offensive` labels are all 1 and would teach the umbrella head that the style of a
/// news-site comment is abuse. Its fine labels (which kind of abuse) do train.
pub const DEFAULT_MASKS: &[&str] = &["toxicspans_en:offensive"];

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            name: "tribune-learned".to_owned(),
            command: "tribune train".to_owned(),
            features: FeatureConfig::default(),
            train: TrainConfig::default(),
            targets: ThresholdTargets::default(),
            masks: DEFAULT_MASKS
                .iter()
                .filter_map(|m| m.parse().ok())
                .collect(),
            class_balance: ClassBalance::Source,
        }
    }
}

/// What a training run is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Normalising and hashing texts.
    Features { done: usize, total: usize },
    /// The main training run.
    Training(Progress),
    /// Leave-one-video-out runs that tune the promotion head (no dev labels exist for it).
    Promotion { fold: usize, folds: usize },
    /// Fitting calibration and thresholds, then scoring dev.
    Evaluating,
}

/// `f` of every item, computed on two threads; order is kept.
fn on_two_threads<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let half = items.len().div_ceil(2);
    let (a, b) = items.split_at(half);
    std::thread::scope(|s| {
        let second = s.spawn(|| b.iter().map(&f).collect::<Vec<_>>());
        let mut out: Vec<U> = a.iter().map(&f).collect();
        // A panic in the worker is a bug in the normaliser; recompute on this thread then.
        out.extend(second.join().unwrap_or_else(|_| b.iter().map(&f).collect()));
        out
    })
}

/// What the engine gives the model for every record (normalised text, signals, detected
/// language), computed on two threads; order is kept.
pub fn prepare_all(records: &[Record], prepare: &Prepare) -> Vec<Prepared> {
    on_two_threads(records, |r| {
        let lang = (!r.lang.is_empty()).then_some(r.lang.as_str());
        prepare(&r.text, lang)
    })
}

/// Features of prepared texts (in the language the engine detected), with the records'
/// labels; order is kept.
pub fn featurize_prepared(
    records: &[Record],
    prepared: &[Prepared],
    featurizer: &Featurizer,
) -> Vec<Example> {
    let pairs: Vec<(&Record, &Prepared)> = records.iter().zip(prepared).collect();
    on_two_threads(&pairs, |(r, p)| Example {
        features: featurizer.features_in(&p.text, &p.signal_refs(), Some(&p.language)),
        labels: r.labels,
        group: 0,
    })
}

/// Features of every record, as the engine would score it; order is kept.
pub fn featurize(records: &[Record], featurizer: &Featurizer, prepare: &Prepare) -> Vec<Example> {
    featurize_prepared(records, &prepare_all(records, prepare), featurizer)
}

/// Figures of the promotion head from leave-one-video-out runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromotionTuning {
    pub videos: Vec<String>,
    pub figures: SliceReport,
}

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub model: Model,
    pub report: Report,
    pub promotion: Option<PromotionTuning>,
    pub manifest: Manifest,
}

/// Calibration and thresholds of one head, as the manifest shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadManifest {
    pub head: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub calibration_a: f32,
    pub calibration_b: f32,
    pub threshold_best_f1: f32,
    pub threshold_reject: Option<f32>,
    pub threshold_approve: Option<f32>,
}

/// Feature settings, as the manifest shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureManifest {
    pub hash: &'static str,
    pub bits: u8,
    pub char_ngrams: [u8; 2],
    pub word_bigrams: bool,
    pub language_copies: bool,
    pub char_language_copies: bool,
    pub signal_language_copies: bool,
    pub max_chars: u32,
    pub char_weight: f32,
    pub word_weight: f32,
    pub signal_weight: f32,
    pub normaliser: String,
}

/// Training settings, as the manifest shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingManifest {
    pub seed: u64,
    pub epochs: u32,
    pub learning_rate: f32,
    pub rate_decay: f32,
    pub l2: f32,
    pub class_weight_power: f32,
    /// Within which rows classes are balanced: `corpus`, `language` or `source`.
    pub class_balance: &'static str,
    pub average_last: u32,
    pub target_precision: f64,
    pub min_support: usize,
    /// `SOURCE:HEAD` labels left out of training.
    pub masks: Vec<String>,
    /// Sources that neither calibrate nor set thresholds (see `selected_sources`).
    pub calibration_left_out: Vec<String>,
}

/// The small JSON file beside a model: where it came from and how good it is on dev.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    pub name: String,
    pub created: String,
    /// The command that rebuilds this model from the same data.
    pub command: String,
    pub data: Vec<DataFile>,
    pub features: FeatureManifest,
    pub training: TrainingManifest,
    pub model_bytes: usize,
    pub nonzero_buckets: usize,
    /// Model-wide calibration and thresholds.
    pub heads: Vec<HeadManifest>,
    /// The heads with their own calibration and thresholds in a language.
    pub languages: Vec<HeadManifest>,
    pub dev: Report,
    pub promotion_leave_one_video_out: Option<PromotionTuning>,
}

/// Trains on `corpus.train`, calibrates and sets thresholds on `corpus.dev` (and the promotion
/// head by leave-one-video-out over the training videos), and evaluates on dev.
/// `normaliser` names `prepare` in the manifest; `created` is the run's date.
pub fn train_model(
    corpus: &Corpus,
    options: &TrainOptions,
    prepare: &Prepare,
    normaliser: &str,
    created: String,
    progress: &mut dyn FnMut(Stage),
) -> Result<Outcome, TrainingError> {
    let featurizer = Featurizer::new(options.features)?;
    let total = corpus.train.len() + corpus.dev.len();
    progress(Stage::Features { done: 0, total });
    let mut train_x = featurize(&corpus.train, &featurizer, prepare);
    progress(Stage::Features {
        done: corpus.train.len(),
        total,
    });
    let dev_prepared = prepare_all(&corpus.dev, prepare);
    let dev_x = featurize_prepared(&corpus.dev, &dev_prepared, &featurizer);
    let dev_languages: Vec<String> = dev_prepared.into_iter().map(|p| p.language).collect();
    progress(Stage::Features { done: total, total });

    let groups: Vec<&str> = corpus
        .train
        .iter()
        .map(|r| options.class_balance.key(r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (e, r) in train_x.iter_mut().zip(&corpus.train) {
        e.labels = training_labels(r, &options.masks);
        e.group = groups
            .binary_search(&options.class_balance.key(r))
            .unwrap_or(0) as u32;
    }
    let weights = train(&train_x, options.features, &options.train, |p| {
        progress(Stage::Training(p))
    })?;
    let mut model = weights.quantize()?;
    drop(weights);

    let promotion = tune_promotion(&corpus.train, &train_x, options, &mut model, progress)?;
    progress(Stage::Evaluating);
    let selected = selected_sources(corpus.train.iter().chain(&corpus.dev));
    let fit: Vec<Example> = dev_x
        .iter()
        .zip(&corpus.dev)
        .map(|(e, r)| Example {
            features: e.features.clone(),
            labels: if selected.contains(&r.source) {
                Labels::unknown()
            } else {
                r.labels
            },
            group: 0,
        })
        .collect();
    calibrate(&mut model, &fit, &options.targets);
    let dev_sources: Vec<String> = corpus.dev.iter().map(|r| r.source.clone()).collect();
    calibrate_languages(
        &mut model,
        &fit,
        &dev_languages,
        &dev_sources,
        &options.targets,
    );
    drop(fit);
    let report = evaluate(&model, &corpus.dev, &dev_x, &dev_languages, &selected);

    let bytes = model.to_bytes();
    let f = options.features;
    let t = options.train;
    let manifest = Manifest {
        name: options.name.clone(),
        created,
        command: options.command.clone(),
        data: corpus.files.clone(),
        features: FeatureManifest {
            hash: "per code point h = (h ^ c) * K from a basis per family; language copies mix in a seed of the language; bucket = top bits of a multiplicative mix",
            bits: f.bits,
            char_ngrams: [f.char_min, f.char_max],
            word_bigrams: f.word_bigrams,
            language_copies: f.language_copies,
            char_language_copies: f.char_language_copies,
            signal_language_copies: f.signal_language_copies,
            max_chars: f.max_chars,
            char_weight: f.char_weight,
            word_weight: f.word_weight,
            signal_weight: f.signal_weight,
            normaliser: normaliser.to_owned(),
        },
        training: TrainingManifest {
            seed: t.seed,
            epochs: t.epochs,
            learning_rate: t.learning_rate,
            rate_decay: t.rate_decay,
            l2: t.l2,
            class_weight_power: t.class_weight_power,
            class_balance: options.class_balance.as_str(),
            average_last: t.average_last,
            target_precision: options.targets.precision,
            min_support: options.targets.min_support,
            masks: options.masks.iter().map(Mask::to_string).collect(),
            calibration_left_out: selected.into_iter().collect(),
        },
        model_bytes: bytes.len(),
        nonzero_buckets: model.nonzero_buckets(),
        heads: Head::ALL
            .into_iter()
            .map(|h| head_manifest(&model, h, None))
            .collect(),
        languages: model
            .languages()
            .flat_map(|l| {
                let model = &model;
                Head::ALL
                    .into_iter()
                    .filter(move |&h| model.has_own(h, l))
                    .map(move |h| head_manifest(model, h, Some(l)))
            })
            .collect(),
        dev: report.clone(),
        promotion_leave_one_video_out: promotion.clone(),
    };
    Ok(Outcome {
        model,
        report,
        promotion,
        manifest,
    })
}

fn head_manifest(model: &Model, head: Head, language: Option<&str>) -> HeadManifest {
    let c = model.calibration_in(head, language);
    let t = model.thresholds_in(head, language);
    HeadManifest {
        head: head.as_str().to_owned(),
        language: language.map(str::to_owned),
        calibration_a: c.a,
        calibration_b: c.b,
        threshold_best_f1: t.best_f1,
        threshold_reject: t.reject,
        threshold_approve: t.approve,
    }
}

/// The dev set has no promotion labels, so the promotion head is calibrated on out-of-fold
/// margins: for each training video, a promotion-only model trained on the other videos
/// scores it. Heads are trained independently, so these runs see what the main run's
/// promotion head saw, minus one video.
fn tune_promotion(
    records: &[Record],
    examples: &[Example],
    options: &TrainOptions,
    model: &mut Model,
    progress: &mut dyn FnMut(Stage),
) -> Result<Option<PromotionTuning>, TrainingError> {
    let labelled: Vec<(&Record, Example)> = records
        .iter()
        .zip(examples)
        .filter_map(|(r, e)| {
            let y = e.labels.get(Head::Promotion)?;
            let labels = Labels::unknown().with(Head::Promotion, y);
            Some((
                r,
                Example {
                    features: e.features.clone(),
                    labels,
                    group: e.group,
                },
            ))
        })
        .collect();
    let videos: Vec<String> = labelled
        .iter()
        .filter_map(|(r, _)| r.video.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if videos.len() < 2 {
        return Ok(None);
    }
    let mut out_of_fold = Vec::new();
    for (fold, video) in videos.iter().enumerate() {
        progress(Stage::Promotion {
            fold: fold + 1,
            folds: videos.len(),
        });
        let (held, rest): (Vec<_>, Vec<_>) = labelled
            .iter()
            .partition(|(r, _)| r.video.as_ref() == Some(video));
        let train_x: Vec<Example> = rest.iter().map(|(_, e)| e.clone()).collect();
        let fold_model = train(&train_x, options.features, &options.train, |_| {})?.quantize()?;
        out_of_fold.extend(held.iter().filter_map(|(_, e)| {
            let y = e.labels.get(Head::Promotion)?;
            Some((fold_model.margins(&e.features)[Head::Promotion.index()], y))
        }));
    }
    if !calibrate_head(model, Head::Promotion, &out_of_fold, &options.targets) {
        return Ok(None);
    }
    let c = model.calibration(Head::Promotion);
    let scored: Vec<(f32, bool)> = out_of_fold.iter().map(|&(m, y)| (c.apply(m), y)).collect();
    Ok(Some(PromotionTuning {
        videos,
        figures: SliceReport {
            rows: scored.len(),
            heads: vec![head_figures(
                Head::Promotion,
                &scored
                    .iter()
                    .map(|&(s, y)| (s, y, model.thresholds(Head::Promotion)))
                    .collect::<Vec<_>>(),
            )],
        },
    }))
}

/// Writes `<out>` (the model file) and the manifest beside it (same name, `.json`), creating
/// the folder. Returns both paths.
pub fn write_outputs(outcome: &Outcome, out: &Path) -> Result<(PathBuf, PathBuf), TrainingError> {
    let manifest_path = write_with_manifest(out, &outcome.model.to_bytes(), &outcome.manifest)?;
    Ok((out.to_path_buf(), manifest_path))
}

/// Writes a model file's bytes to `out` and its manifest beside it (same name, `.json`),
/// creating the folder; returns the manifest's path.
pub(crate) fn write_with_manifest(
    out: &Path,
    bytes: &[u8],
    manifest: &impl serde::Serialize,
) -> Result<PathBuf, TrainingError> {
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|source| TrainingError::Write {
            path: path.display().to_string(),
            source,
        })
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| TrainingError::Write {
            path: dir.display().to_string(),
            source,
        })?;
    }
    write(out, bytes)?;
    let manifest_path = out.with_extension("json");
    let mut json = serde_json::to_vec_pretty(manifest).map_err(|e| TrainingError::Write {
        path: manifest_path.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    json.push(b'\n');
    write(&manifest_path, &json)?;
    Ok(manifest_path)
}

/// Reads a model file.
pub fn read_model(path: &Path) -> Result<Model, TrainingError> {
    let bytes = std::fs::read(path).map_err(|source| TrainingError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Model::from_bytes(&bytes)?)
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc_timestamp(secs)
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian).
pub fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (H. Hinnant): eras of 400 years starting on 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_leaves_out_one_head_of_one_source() {
        let masks: Vec<Mask> = ["spans:offensive", "spans:personal_attack"]
            .iter()
            .map(|m| m.parse().expect("a mask"))
            .collect();
        let labels = Labels::unknown()
            .with(Head::Offensive, true)
            .with(Head::PersonalAttack, true)
            .with(Head::Threat, false);
        let masked = training_labels(&Record::of_source("spans", labels), &masks);
        assert_eq!(masked.get(Head::Offensive), None);
        assert_eq!(masked.get(Head::PersonalAttack), None);
        assert_eq!(masked.get(Head::Threat), Some(false));
        assert_eq!(
            training_labels(&Record::of_source("olid", labels), &masks),
            labels
        );
        assert_eq!(masks[0].to_string(), "spans:offensive");
        for bad in ["spans", "spans:rude", ":threat"] {
            assert!(bad.parse::<Mask>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_follow_the_gregorian_calendar() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(1_795_996_799), "2026-11-29T23:59:59Z");
    }
}
