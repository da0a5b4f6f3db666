//! The encoder stage's heads: from embeddings of the corpus (computed by the caller, who runs
//! the encoder; this crate stays free of it) to a calibrated heads file, its manifest and its
//! dev figures beside the learned stage's.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tribune_learned::{
    DenseExample, DenseHeads, HEAD_COUNT, Head, HiddenConfig, Labels, Progress, StackRow,
    ThresholdTargets, TrainConfig, calibrate_dense, dense_train_config,
};
use tribune_moderation::{ENCODER_EXTRAS, EncoderInputs, Policy, encoder_inputs};

use crate::corpus::Record;
use crate::error::TrainingError;
use crate::functional::FunctionalTrain;
use crate::pipeline::{ClassBalance, Corpus, DataFile, Mask, training_labels};
use crate::report::{Report, evaluate_scores, selected_sources};

/// One line of an embedding cache (what `tribune embed` writes).
#[derive(Debug, Deserialize)]
struct CacheLine {
    id: serde_json::Value,
    embedding: Vec<f32>,
}

/// Embeddings by record id, and the files they came from.
#[derive(Debug, Default)]
pub struct EmbeddingCache {
    pub embeddings: HashMap<String, Vec<f32>>,
    pub files: Vec<DataFile>,
}

/// A record id as the cache writes it: the string itself, or the JSON of any other value.
fn id_key(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl EmbeddingCache {
    /// Adds the lines of a cache file (`{id, tokens, embedding}` per line). A line cut short
    /// at the end (a file still being written) is skipped; any other bad line is an error.
    pub fn read(&mut self, path: &Path) -> Result<usize, TrainingError> {
        let bytes = std::fs::read(path).map_err(|source| TrainingError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let name = path.display().to_string();
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        let mut added = 0;
        for (n, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<CacheLine>(line) {
                Ok(l) => {
                    if l.embedding.iter().any(|v| !v.is_finite()) {
                        return Err(TrainingError::Parse {
                            file: name,
                            line: n + 1,
                            message: "an embedding value is not finite".to_owned(),
                        });
                    }
                    self.embeddings.insert(id_key(&l.id), l.embedding);
                    added += 1;
                }
                Err(_) if n + 1 == lines.len() && !text.ends_with('\n') => {}
                Err(e) => {
                    return Err(TrainingError::Parse {
                        file: name,
                        line: n + 1,
                        message: e.to_string(),
                    });
                }
            }
        }
        self.files.push(DataFile {
            name: path
                .file_name()
                .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned()),
            sha256: Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            rows: added,
        });
        Ok(added)
    }
}

/// A corpus folder whose train split the heads read one row in `every` of (the rows at
/// 0-based index `i` with `i % every == 0`), written `FOLDER=N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowsEvery {
    pub folder: String,
    pub every: usize,
}

impl std::str::FromStr for RowsEvery {
    type Err = String;

    fn from_str(s: &str) -> Result<RowsEvery, String> {
        let (folder, every) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?} is not FOLDER=N"))?;
        let every: usize = every
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{s:?}: N must be a whole number above 0"))?;
        Ok(RowsEvery {
            folder: folder.to_owned(),
            every,
        })
    }
}

/// The indices of the train rows the heads read: every row, except in the folders of
/// `every`, one in N by position in the folder's `train.jsonl`.
pub fn encoder_train_rows(corpus: &Corpus, every: &[RowsEvery]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for file in corpus
        .files
        .iter()
        .filter(|f| f.name.ends_with("/train.jsonl"))
    {
        let folder = file.name.trim_end_matches("/train.jsonl");
        let n = every
            .iter()
            .find(|e| e.folder == folder)
            .map_or(1, |e| e.every);
        out.extend(
            (0..file.rows)
                .filter(|i| i.is_multiple_of(n))
                .map(|i| offset + i),
        );
        offset += file.rows;
    }
    out
}

/// Settings of a heads training run.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadsOptions {
    pub name: String,
    /// The command that rebuilds the file, for the manifest.
    pub command: String,
    /// The logistic heads' settings; with `hidden`, only its class weight power is read.
    pub train: TrainConfig,
    /// Heads over a hidden layer trained with these settings, instead of straight over the
    /// input.
    pub hidden: Option<HiddenConfig>,
    pub targets: ThresholdTargets,
    pub masks: Vec<Mask>,
    pub class_balance: ClassBalance,
    pub rows_every: Vec<RowsEvery>,
    /// How many times each case of the functional suite's training part is trained on (a few
    /// hundred cases beside tens of thousands of corpus rows).
    pub functional_repeat: usize,
    /// The token cap of the embeddings (recorded in the file).
    pub max_tokens: usize,
    /// What made the embeddings, for the manifest.
    pub encoder: String,
}

impl Default for HeadsOptions {
    fn default() -> Self {
        HeadsOptions {
            name: "tribune-encoder-heads".to_owned(),
            command: "tribune train --encoder-heads models/tribune-encoder-heads.bin".to_owned(),
            train: dense_train_config(),
            hidden: Some(HiddenConfig::default()),
            targets: ThresholdTargets::default(),
            masks: crate::pipeline::DEFAULT_MASKS
                .iter()
                .filter_map(|m| m.parse().ok())
                .collect(),
            class_balance: ClassBalance::Source,
            rows_every: Vec::new(),
            functional_repeat: 1,
            max_tokens: 128,
            encoder: "multilingual-e5-small".to_owned(),
        }
    }
}

/// The manifest beside a heads file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadsManifest {
    pub name: String,
    pub created: String,
    pub command: String,
    pub data: Vec<DataFile>,
    pub embedding_caches: Vec<DataFile>,
    pub encoder: String,
    pub max_tokens: usize,
    pub dimension: usize,
    pub extras: Vec<String>,
    pub rows_every: Vec<RowsEvery>,
    /// The functional suite's training part, and how many times each case was trained on.
    pub functional_train: Vec<DataFile>,
    pub functional_repeat: usize,
    pub train_rows: usize,
    pub dev_rows: usize,
    pub seed: u64,
    pub class_weight_power: f32,
    pub class_balance: &'static str,
    /// How the heads trained: straight over the input (AdaGrad), or over a hidden layer
    /// (Adam); the other is absent.
    pub logistic: Option<LogisticSettings>,
    pub hidden: Option<HiddenSettings>,
    pub masks: Vec<String>,
    pub target_precision: f64,
    pub min_support: usize,
    pub file_bytes: usize,
    /// `(language, head)` pairs with a stack of their own.
    pub languages: Vec<String>,
    /// The learned stage alone on dev, and the heads stacked with it.
    pub dev_learned: Report,
    pub dev_encoder: Report,
}

/// The settings of heads trained straight over the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogisticSettings {
    pub epochs: u32,
    pub learning_rate: f32,
    pub rate_decay: f32,
    pub l2: f32,
    pub average_last: u32,
}

/// The settings of heads trained over a hidden layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HiddenSettings {
    pub units: usize,
    pub epochs: u32,
    pub learning_rate: f32,
    pub l2: f32,
    pub dropout: f32,
    pub batch: usize,
    pub networks: usize,
}

/// What a heads run produces.
#[derive(Debug, Clone)]
pub struct HeadsOutcome {
    pub heads: DenseHeads,
    pub learned: Report,
    pub encoder: Report,
    pub manifest: HeadsManifest,
}

/// What a heads run is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeadsStage {
    /// Reading the fast stages' inputs of each row.
    Inputs {
        done: usize,
        total: usize,
    },
    Training(Progress),
    Calibrating,
}

/// The fast stages' inputs of every record, on two threads.
fn inputs_of(records: &[&Record]) -> Vec<EncoderInputs> {
    let policy = Policy::default();
    let half = records.len().div_ceil(2);
    let (a, b) = records.split_at(half);
    let one = |r: &&Record| {
        let lang = (!r.lang.is_empty()).then_some(r.lang.as_str());
        encoder_inputs(&r.text, lang, &policy)
    };
    std::thread::scope(|s| {
        let second = s.spawn(|| b.iter().map(one).collect::<Vec<_>>());
        let mut out: Vec<EncoderInputs> = a.iter().map(one).collect();
        out.extend(
            second
                .join()
                .unwrap_or_else(|_| b.iter().map(one).collect()),
        );
        out
    })
}

/// Trains the heads on the selected train rows and the functional suite's training part
/// (each case `functional_repeat` times), stacks and calibrates them on the corpus's dev
/// rows and those cases (as often), and reports dev figures for the learned stage alone and
/// the stacked heads. Every row must have an embedding in `embeddings`.
pub fn train_heads(
    corpus: &Corpus,
    functional: &FunctionalTrain,
    embeddings: &EmbeddingCache,
    options: &HeadsOptions,
    created: String,
    progress: &mut dyn FnMut(HeadsStage),
) -> Result<HeadsOutcome, TrainingError> {
    let rows = encoder_train_rows(corpus, &options.rows_every);
    let corpus_train: Vec<&Record> = rows.iter().map(|&i| &corpus.train[i]).collect();
    let functional_rows: Vec<&Record> = functional.records.iter().collect();
    let train: Vec<&Record> = corpus_train
        .iter()
        .copied()
        .chain(
            functional_rows
                .iter()
                .flat_map(|&r| std::iter::repeat_n(r, options.functional_repeat)),
        )
        .collect();
    let dev: Vec<&Record> = corpus.dev.iter().collect();
    let embedding = |r: &Record| -> Result<&Vec<f32>, TrainingError> {
        embeddings
            .embeddings
            .get(&r.id)
            .ok_or_else(|| TrainingError::Parse {
                file: "embedding caches".to_owned(),
                line: 0,
                message: format!("no embedding for record {}", r.id),
            })
    };
    let dimension = match train.first() {
        Some(r) => embedding(r)?.len(),
        None => {
            return Err(TrainingError::Empty {
                file: "the selected train rows".to_owned(),
            });
        }
    };
    // Each functional case is read once, however often it trains and stacks.
    let total = corpus_train.len() + functional_rows.len() + dev.len();
    progress(HeadsStage::Inputs { done: 0, total });
    let mut train_inputs = inputs_of(&corpus_train);
    let functional_inputs = inputs_of(&functional_rows);
    for inputs in &functional_inputs {
        train_inputs.extend(std::iter::repeat_n(
            inputs.clone(),
            options.functional_repeat,
        ));
    }
    progress(HeadsStage::Inputs {
        done: total - dev.len(),
        total,
    });
    let dev_inputs = inputs_of(&dev);
    progress(HeadsStage::Inputs { done: total, total });

    let groups: Vec<String> = train
        .iter()
        .map(|r| group_key(options.class_balance, r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut examples = Vec::with_capacity(train.len());
    for (r, inputs) in train.iter().zip(&train_inputs) {
        let mut input = embedding(r)?.clone();
        if input.len() != dimension {
            return Err(TrainingError::Parse {
                file: "embedding caches".to_owned(),
                line: 0,
                message: format!(
                    "record {} has {} values, the first had {dimension}",
                    r.id,
                    input.len()
                ),
            });
        }
        input.extend_from_slice(&inputs.extras);
        examples.push(DenseExample {
            input,
            labels: training_labels(r, &options.masks),
            group: groups
                .binary_search(&group_key(options.class_balance, r))
                .unwrap_or(0) as u32,
        });
    }
    let mut heads = match &options.hidden {
        Some(hidden) => DenseHeads::train_hidden(
            &options.name,
            dimension,
            options.max_tokens,
            &ENCODER_EXTRAS,
            &examples,
            hidden,
            options.train.class_weight_power,
            |p| progress(HeadsStage::Training(p)),
        )?,
        None => DenseHeads::train(
            &options.name,
            dimension,
            options.max_tokens,
            &ENCODER_EXTRAS,
            &examples,
            &options.train,
            |p| progress(HeadsStage::Training(p)),
        )?,
    };
    drop(examples);

    progress(HeadsStage::Calibrating);
    let selected = selected_sources(corpus.train.iter().chain(&corpus.dev));
    let mut stack_rows = Vec::with_capacity(dev.len());
    for (r, inputs) in dev.iter().zip(&dev_inputs) {
        stack_rows.push(StackRow {
            encoder: heads.margins(embedding(r)?, &inputs.extras)?,
            learned: inputs.learned,
            labels: if selected.contains(&r.source) {
                Labels::unknown()
            } else {
                r.labels
            },
            language: inputs.language.clone(),
            source: r.source.clone(),
            sets_thresholds: true,
        });
    }
    // The functional cases join the stacking rows too (each `functional_repeat` times): dev
    // holds only the corpus's own collections, where the learned stage was trained on their
    // train halves and so outweighs the encoder; newsroom-style sentences it never saw are
    // where the encoder earns its weight. Thresholds stay chosen on dev alone.
    let mut calibration_rows = stack_rows.clone();
    for (r, inputs) in functional_rows.iter().zip(&functional_inputs) {
        let row = StackRow {
            encoder: heads.margins(embedding(r)?, &inputs.extras)?,
            learned: inputs.learned,
            labels: r.labels,
            language: inputs.language.clone(),
            source: r.source.clone(),
            sets_thresholds: false,
        };
        calibration_rows.extend(std::iter::repeat_n(row, options.functional_repeat));
    }
    let own = calibrate_dense(&mut heads, &calibration_rows, &options.targets);

    // Dev figures: the learned stage alone (its own calibration) and the stacked heads.
    let learned_model =
        tribune_learned::Model::from_bytes(tribune_moderation::learned_model_bytes())?;
    let languages: Vec<String> = dev_inputs.iter().map(|i| i.language.clone()).collect();
    let learned_scores: Vec<[f32; HEAD_COUNT]> = dev_inputs
        .iter()
        .map(|i| {
            let p = learned_model.in_language(Some(&i.language));
            std::array::from_fn(|h| p.calibration(Head::ALL[h]).apply(i.learned[h]))
        })
        .collect();
    let encoder_scores: Vec<[f32; HEAD_COUNT]> = stack_rows
        .iter()
        .map(|row| {
            std::array::from_fn(|h| {
                let (s, _, _) = heads.stack_in(Head::ALL[h], &row.language);
                s.apply(row.encoder[h], row.learned[h])
            })
        })
        .collect();
    let records: Vec<Record> = corpus.dev.clone();
    let learned = evaluate_scores(
        &records,
        &learned_scores,
        &languages,
        &selected,
        &|h: Head, l: &str| learned_model.thresholds_in(h, Some(l)),
    );
    let encoder = evaluate_scores(
        &records,
        &encoder_scores,
        &languages,
        &selected,
        &|h: Head, l: &str| heads.stack_in(h, l).1,
    );

    let bytes = heads.to_bytes();
    let t = options.train;
    let manifest = HeadsManifest {
        name: options.name.clone(),
        created,
        command: options.command.clone(),
        data: corpus.files.clone(),
        embedding_caches: embeddings.files.clone(),
        encoder: options.encoder.clone(),
        max_tokens: options.max_tokens,
        dimension,
        extras: ENCODER_EXTRAS.iter().map(|s| (*s).to_owned()).collect(),
        rows_every: options.rows_every.clone(),
        functional_train: functional.files.clone(),
        functional_repeat: options.functional_repeat,
        train_rows: train.len(),
        dev_rows: dev.len(),
        seed: options.hidden.map_or(t.seed, |h| h.seed),
        class_weight_power: t.class_weight_power,
        class_balance: options.class_balance.as_str(),
        logistic: options.hidden.is_none().then_some(LogisticSettings {
            epochs: t.epochs,
            learning_rate: t.learning_rate,
            rate_decay: t.rate_decay,
            l2: t.l2,
            average_last: t.average_last,
        }),
        hidden: options.hidden.map(|h| HiddenSettings {
            units: h.units,
            epochs: h.epochs,
            learning_rate: h.learning_rate,
            l2: h.l2,
            dropout: h.dropout,
            batch: h.batch,
            networks: h.networks,
        }),
        masks: options.masks.iter().map(Mask::to_string).collect(),
        target_precision: options.targets.precision,
        min_support: options.targets.min_support,
        file_bytes: bytes.len(),
        languages: own.iter().map(|(l, h)| format!("{l}:{h}")).collect(),
        dev_learned: learned.clone(),
        dev_encoder: encoder.clone(),
    };
    Ok(HeadsOutcome {
        heads,
        learned,
        encoder,
        manifest,
    })
}

fn group_key(balance: ClassBalance, r: &Record) -> String {
    match balance {
        ClassBalance::Corpus => String::new(),
        ClassBalance::Language => r.lang.clone(),
        ClassBalance::Source => r.source.clone(),
    }
}

/// Writes the heads file and its manifest (same name, `.json`) beside it.
pub fn write_heads(outcome: &HeadsOutcome, out: &Path) -> Result<(), TrainingError> {
    crate::pipeline::write_with_manifest(out, &outcome.heads.to_bytes(), &outcome.manifest)?;
    Ok(())
}
