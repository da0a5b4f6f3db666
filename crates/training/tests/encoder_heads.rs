//! The encoder heads trained end to end from an embedding cache file: synthetic embeddings
//! that carry the `offensive` label in one value (the real encoder is not needed to train
//! heads), on comments whose words say nothing of it, so only the embedding can.

use std::path::PathBuf;

use tribune_learned::{DenseHeads, Head, HiddenConfig, Labels};
use tribune_moderation::{Policy, encoder_inputs};
use tribune_training::{
    Corpus, DataFile, EmbeddingCache, FunctionalTrain, HeadsOptions, HeadsOutcome, Record,
    TrainingError, train_heads,
};

const DIMENSION: usize = 12;

/// Plain council-meeting comments, the `offensive` label of each drawn at random.
fn corpus() -> Corpus {
    let records = |split: &str, n: usize, seed: u64| -> Vec<Record> {
        let mut state = seed;
        (0..n)
            .map(|k| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                Record {
                    id: format!("synthetic_en:{split}-{k}"),
                    text: format!("The council discussed item {k} of the budget on Tuesday."),
                    lang: "en".to_owned(),
                    source: "synthetic_en".to_owned(),
                    labels: Labels::unknown().with(Head::Offensive, state >> 63 == 1),
                    video: None,
                }
            })
            .collect()
    };
    let file = |split: &str, rows: usize| DataFile {
        name: format!("synthetic/{split}.jsonl"),
        sha256: String::new(),
        rows,
    };
    Corpus {
        train: records("train", 120, 1),
        dev: records("dev", 60, 2),
        files: vec![file("train", 120), file("dev", 60)],
    }
}

/// Value 0 is the sign of the `offensive` label (0 where unknown); the rest is noise fixed by
/// the record's id.
fn embedding(record: &Record) -> Vec<f32> {
    let mut state = record.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut noise = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.6
    };
    let signal = match record.labels.get(Head::Offensive) {
        Some(true) => 1.0,
        Some(false) => -1.0,
        None => 0.0,
    };
    std::iter::once(signal + noise())
        .chain((1..DIMENSION).map(|_| noise()))
        .collect()
}

/// A cache file as `tribune embed` writes it, for every train and dev record, in a folder of
/// its own; `extra` is appended as written.
fn cache_file(corpus: &Corpus, name: &str, extra: &str) -> PathBuf {
    let dir = cache_dir(name);
    std::fs::create_dir_all(&dir).expect("temp folder");
    let mut text = String::new();
    for r in corpus.train.iter().chain(&corpus.dev) {
        let line = serde_json::json!({"id": r.id, "tokens": 5, "embedding": embedding(r)});
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text.push_str(extra);
    let path = dir.join("cache.jsonl");
    std::fs::write(&path, text).expect("cache written");
    path
}

/// A temporary folder of this test process's own.
fn cache_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "tribune-encoder-heads-{}-{name}",
        std::process::id()
    ))
}

fn small(hidden: Option<HiddenConfig>) -> HeadsOptions {
    HeadsOptions {
        name: "test-heads".to_owned(),
        hidden,
        ..HeadsOptions::default()
    }
}

fn train(
    corpus: &Corpus,
    cache: &EmbeddingCache,
    options: &HeadsOptions,
) -> Result<HeadsOutcome, TrainingError> {
    train_heads(
        corpus,
        &FunctionalTrain::default(),
        cache,
        options,
        "2026-12-04T00:00:00Z".to_owned(),
        &mut |_| {},
    )
}

/// Dev rows whose `offensive` label the heads' raw margin gets right by its sign.
fn right_by_sign(heads: &DenseHeads, corpus: &Corpus) -> usize {
    let policy = Policy::default();
    corpus
        .dev
        .iter()
        .filter(|r| {
            let extras = encoder_inputs(&r.text, Some(&r.lang), &policy).extras;
            let margins = heads.margins(&embedding(r), &extras).expect("widths fit");
            Some(margins[Head::Offensive.index()] > 0.0) == r.labels.get(Head::Offensive)
        })
        .count()
}

#[test]
fn heads_over_a_hidden_layer_train_from_a_cache_file_and_record_their_settings() {
    let corpus = corpus();
    // A last line cut short (a cache still being written) is skipped, not an error.
    let path = cache_file(
        &corpus,
        "hidden",
        "{\"id\": \"synthetic_en:train-0\", \"embe",
    );
    let mut cache = EmbeddingCache::default();
    let rows = cache.read(&path).expect("cache reads");
    assert_eq!(rows, corpus.train.len() + corpus.dev.len());
    assert_eq!(cache.files[0].rows, rows);

    let hidden = HiddenConfig {
        units: 8,
        epochs: 40,
        batch: 8,
        learning_rate: 1e-2,
        dropout: 0.0,
        networks: 2,
        ..HiddenConfig::default()
    };
    let outcome = train(&corpus, &cache, &small(Some(hidden))).expect("trains");
    assert_eq!(outcome.heads.hidden_units(), 16);
    assert_eq!(outcome.heads.dimension(), DIMENSION);
    let settings = outcome.manifest.hidden.as_ref().expect("hidden settings");
    assert_eq!(
        (settings.units, settings.epochs, settings.networks),
        (8, 40, 2)
    );
    assert!(outcome.manifest.logistic.is_none());
    assert_eq!(outcome.manifest.train_rows, corpus.train.len());

    let right = right_by_sign(&outcome.heads, &corpus);
    assert!(right >= 54, "{right} of 60 dev rows right");

    let back = DenseHeads::from_bytes(&outcome.heads.to_bytes()).expect("reads back");
    assert_eq!(back, outcome.heads);
    std::fs::remove_dir_all(cache_dir("hidden")).ok();
}

#[test]
fn logistic_heads_still_train_and_say_so() {
    let corpus = corpus();
    let path = cache_file(&corpus, "logistic", "");
    let mut cache = EmbeddingCache::default();
    cache.read(&path).expect("cache reads");
    let outcome = train(&corpus, &cache, &small(None)).expect("trains");
    assert_eq!(outcome.heads.hidden_units(), 0);
    assert!(outcome.manifest.hidden.is_none());
    assert!(outcome.manifest.logistic.is_some());
    let right = right_by_sign(&outcome.heads, &corpus);
    assert!(right >= 54, "{right} of 60 dev rows right");
    std::fs::remove_dir_all(cache_dir("logistic")).ok();
}

#[test]
fn a_row_without_an_embedding_and_a_bad_cache_line_are_named() {
    let corpus = corpus();
    let path = cache_file(&corpus, "missing", "");
    let mut cache = EmbeddingCache::default();
    cache.read(&path).expect("cache reads");
    let gone = corpus.train[3].id.clone();
    cache.embeddings.remove(&gone);
    let e = train(&corpus, &cache, &small(Some(HiddenConfig::default()))).expect_err("missing");
    assert!(e.to_string().contains(&gone), "{e}");

    // A bad line before the last is an error with its line number, not skipped.
    let lines = corpus.train.len() + corpus.dev.len();
    let path = cache_file(&corpus, "bad", "{\"id\": 1, \"embedding\": [1.0, \"x\"]}\n");
    let e = EmbeddingCache::default().read(&path).expect_err("bad line");
    let TrainingError::Parse { line, .. } = e else {
        panic!("not a parse error: {e}");
    };
    assert_eq!(line, lines + 1);
    for name in ["missing", "bad"] {
        std::fs::remove_dir_all(cache_dir(name)).ok();
    }
}
