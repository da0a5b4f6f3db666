//! Training end to end on tiny fixtures (one folder, and two folders shaped like the main
//! corpus and its supplement), and the corpus loader on the real corpus when present.

use std::path::{Path, PathBuf};

use tribune_learned::{FeatureConfig, Head, Model, TrainConfig};
use tribune_training::{
    ClassBalance, Corpus, NORMALISER, Outcome, TrainOptions, engine_input, load_corpora,
    load_corpus, read_jsonl, selected_sources, train_model, write_outputs,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A folder of the shared data beside the repository, or `None` with the reason printed; under
/// `CI=true` a missing folder fails the test instead.
fn shared(folder: &str) -> Option<PathBuf> {
    tribune_test_support::shared_data_or_skip("training", &format!("{folder}/train.jsonl"))
        .map(|_| tribune_test_support::shared_data().join(folder))
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

fn train_two_folders(options: &TrainOptions) -> Outcome {
    let corpus = load_corpora(&[fixture("two-folders/tweets"), fixture("two-folders/extra")])
        .expect("fixtures parse");
    train_model(
        &corpus,
        options,
        &engine_input,
        NORMALISER,
        "2026-12-01T00:00:00Z".to_owned(),
        &mut |_| {},
    )
    .expect("trains")
}

fn score(outcome: &Outcome, text: &str, lang: &str, head: Head) -> f32 {
    let p = engine_input(text, Some(lang));
    outcome
        .model
        .score_in(&p.text, &p.signal_refs(), Some(&p.language))
        .get(head)
}

#[test]
fn training_on_two_folders_learns_the_fine_labels_of_the_second_and_reports_each_source() {
    let options = TrainOptions {
        class_balance: ClassBalance::Source,
        masks: vec!["toxic_en:offensive".parse().expect("a mask")],
        ..options()
    };
    let outcome = train_two_folders(&options);
    let names: Vec<&str> = outcome
        .manifest
        .data
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "tweets/train.jsonl",
            "tweets/dev.jsonl",
            "extra/train.jsonl",
            "extra/dev.jsonl"
        ]
    );
    // Turkish fine labels exist only in the second folder.
    let insult = score(&outcome, "salak herif sus", "tr", Head::PersonalAttack);
    let clean = score(&outcome, "yeni park çok güzel", "tr", Head::PersonalAttack);
    assert!(insult > clean, "{insult} <= {clean}");
    let sexist = score(
        &outcome,
        "kadınlar oy kullanamaz",
        "tr",
        Head::IdentityAbuse,
    );
    let news = score(&outcome, "seçim sonuçları yarın", "tr", Head::IdentityAbuse);
    assert!(sexist > news, "{sexist} <= {news}");
    let threat = score(&outcome, "i will hurt you", "en", Head::Threat);
    let thanks = score(&outcome, "thank you for the article", "en", Head::Threat);
    assert!(threat > thanks, "{threat} <= {thanks}");

    // The all-toxic source is reported, but neither calibrates nor counts in calibration.
    let report = &outcome.report;
    assert!(
        report.by_source["forum_tr"]
            .heads
            .iter()
            .any(|h| h.head == "personal_attack")
    );
    assert!(report.by_source.contains_key("toxic_en"));
    assert_eq!(report.calibration_left_out, ["toxic_en"]);
    let training = &outcome.manifest.training;
    assert_eq!(training.calibration_left_out, ["toxic_en"]);
    assert_eq!(training.masks, ["toxic_en:offensive"]);
    assert_eq!(training.class_balance, "source");
    let en_offensive = report.calibration["en"]
        .iter()
        .find(|c| c.head == "offensive")
        .expect("English offensive is calibrated");
    // Only the first folder's English rows: 6 offensive, 6 clean.
    assert_eq!((en_offensive.rows, en_offensive.positives), (12, 6));
    assert!((0.0..=1.0).contains(&en_offensive.ece));
}

#[test]
fn the_same_data_and_settings_rebuild_the_same_model_bytes() {
    let options = TrainOptions {
        command: "tribune train --data a --data b".to_owned(),
        ..options()
    };
    let a = train_two_folders(&options);
    let b = train_two_folders(&options);
    assert_eq!(a.model.to_bytes(), b.model.to_bytes());
    assert_eq!(a.manifest.command, "tribune train --data a --data b");
    let other_seed = TrainOptions {
        train: TrainConfig {
            seed: 7,
            ..options.train
        },
        ..options
    };
    assert_ne!(
        train_two_folders(&other_seed).model.to_bytes(),
        a.model.to_bytes()
    );
}

#[test]
fn the_shared_corpus_loads_when_present() {
    let Some(dir) = shared("corpus") else { return };
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

#[test]
fn the_shared_corpora_load_together_and_only_toxicspans_is_a_selected_sample() {
    let (Some(main), Some(extra)) = (shared("corpus"), shared("corpus-extra")) else {
        return;
    };
    let corpus = load_corpora(&[main, extra]).expect("both folders parse");
    // The supplement's span file is not a training file.
    assert_eq!(corpus.files.len(), 4);
    assert!(corpus.files.iter().all(|f| !f.name.contains("spans")));
    let sources: std::collections::BTreeSet<&str> =
        corpus.train.iter().map(|r| r.source.as_str()).collect();
    for s in [
        "olid",
        "offenseval_tr",
        "teknofest_tr",
        "osact2022_ar",
        "toxicspans_en",
    ] {
        assert!(sources.contains(s), "{s} missing");
    }
    let selected = selected_sources(corpus.train.iter().chain(&corpus.dev));
    assert_eq!(selected.into_iter().collect::<Vec<_>>(), ["toxicspans_en"]);
}
