//! Training end to end on a tiny fixture, and the corpus loader on the real corpus when present.

use std::path::{Path, PathBuf};

use tribune_learned::{FeatureConfig, Head, Model, TrainConfig};
use tribune_training::{
    Corpus, NORMALISER, TrainOptions, engine_input, load_corpus, read_jsonl, train_model,
    write_outputs,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn options() -> TrainOptions {
    TrainOptions {
        name: "tiny".to_owned(),
        features: FeatureConfig {
            bits: 14,
            ..FeatureConfig::default()
        },
        train: TrainConfig {
            epochs: 30,
            ..TrainConfig::default()
        },
        ..TrainOptions::default()
    }
}

#[test]
fn training_learns_a_tiny_fixture_and_writes_model_and_manifest() {
    let rows = read_jsonl(&fixture("tiny.jsonl")).expect("fixture parses");
    let corpus = Corpus {
        train: rows.clone(),
        dev: rows,
        files: Vec::new(),
    };
    let mut stages = 0;
    let outcome = train_model(
        &corpus,
        &options(),
        &engine_input,
        NORMALISER,
        "2026-11-29T00:00:00Z".to_owned(),
        &mut |_| stages += 1,
    )
    .expect("trains");
    assert!(stages > 3);

    let score = |text: &str, head: Head| {
        let p = engine_input(text, Some("en"));
        outcome
            .model
            .score_in(&p.text, &p.signal_refs(), Some(&p.language))
            .get(head)
    };
    for bad in ["You are a stupid idiot.", "Shut up, you pathetic moron!"] {
        for good in [
            "Thank you for this clear article.",
            "I disagree with the editorial on taxes.",
        ] {
            assert!(
                score(bad, Head::Offensive) > score(good, Head::Offensive),
                "{bad} vs {good}"
            );
        }
    }
    assert!(
        score("Subscribe to my channel for free money", Head::Promotion)
            > score("Great song, I love the chorus", Head::Promotion)
    );
    let promotion = outcome
        .promotion
        .as_ref()
        .expect("two videos give a tuning");
    assert_eq!(promotion.videos, ["a", "b"]);
    assert_eq!(outcome.report.overall.rows, 12);

    let dir = std::env::temp_dir().join(format!("tribune-training-test-{}", std::process::id()));
    let (bin, json) = write_outputs(&outcome, &dir.join("tiny.bin")).expect("writes");
    let loaded = Model::from_bytes(&std::fs::read(&bin).expect("reads back")).expect("loads");
    assert_eq!(loaded, outcome.model);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("reads back")).expect("is JSON");
    assert_eq!(manifest["name"], "tiny");
    assert_eq!(manifest["training"]["seed"], TrainConfig::default().seed);
    assert!(manifest["dev"]["by_language"]["en"].is_object());
    std::fs::remove_dir_all(&dir).expect("cleans up");
}

#[test]
fn a_missing_corpus_is_an_error_naming_the_file() {
    let err = load_corpus(Path::new("no/such/folder")).expect_err("missing");
    assert!(err.to_string().contains("train.jsonl"), "{err}");
}

#[test]
fn the_shared_corpus_loads_when_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/corpus");
    if !dir.join("train.jsonl").exists() {
        eprintln!(
            "skipped: no corpus at ../../../shared/data/corpus (read-only data kept outside the repository)"
        );
        return;
    }
    let corpus: Corpus = load_corpus(&dir).expect("corpus parses");
    assert!(corpus.train.len() > 1000 && corpus.dev.len() > 1000);
    assert!(corpus.files.iter().all(|f| f.sha256.len() == 64));
    // The dev set decides no promotion label (the corpus README says so): it stays unknown.
    assert!(
        corpus
            .dev
            .iter()
            .all(|r| r.labels.get(Head::Promotion).is_none())
    );
}
