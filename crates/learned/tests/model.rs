//! Behaviour of training, prediction and the model file on a tiny fixture of our own sentences.

use tribune_learned::{
    Example, FeatureConfig, Featurizer, Head, Labels, LearnedError, Model, TrainConfig,
    TrainedWeights, calibrate, train,
};

const OFFENSIVE: &[&str] = &[
    "you are a stupid idiot",
    "shut up you pathetic moron",
    "what a worthless idiot you are",
    "only a moron would write this garbage",
    "you stupid clown",
    "go away idiot",
];

const CLEAN: &[&str] = &[
    "thank you for this clear article",
    "the minister spoke about the budget today",
    "I disagree with the editorial on taxes",
    "the match was played in the rain",
    "interesting point about the elections",
    "your coverage of the summit was one-sided",
];

fn features() -> FeatureConfig {
    FeatureConfig {
        bits: 14,
        ..FeatureConfig::default()
    }
}

fn examples(threat_labels: bool) -> Vec<Example> {
    let f = Featurizer::new(features()).expect("valid settings");
    let mut out = Vec::new();
    for (texts, y) in [(OFFENSIVE, true), (CLEAN, false)] {
        for (k, t) in texts.iter().enumerate() {
            let mut labels = Labels::unknown().with(Head::Offensive, y);
            if threat_labels && k % 2 == 0 {
                labels = labels.with(Head::Threat, false);
            }
            out.push(Example {
                features: f.features(t, &[]),
                labels,
                group: 0,
            });
        }
    }
    out
}

fn config() -> TrainConfig {
    TrainConfig {
        epochs: 30,
        ..TrainConfig::default()
    }
}

fn trained(threat_labels: bool) -> TrainedWeights {
    train(&examples(threat_labels), features(), &config(), |_| {}).expect("training succeeds")
}

#[test]
fn a_tiny_fixture_is_learned() {
    let mut model = trained(false).quantize().expect("quantises");
    for t in OFFENSIVE {
        assert!(model.score(t, &[]).get(Head::Offensive) > 0.5, "{t}");
    }
    for t in CLEAN {
        assert!(model.score(t, &[]).get(Head::Offensive) < 0.5, "{t}");
    }
    // Unseen sentences built from the same vocabulary go the right way.
    let bad = model.score("you pathetic idiot", &[]).get(Head::Offensive);
    let good = model
        .score("a clear article about the budget", &[])
        .get(Head::Offensive);
    assert!(bad > good, "{bad} <= {good}");

    let calibrated = calibrate(&mut model, &examples(false), &Default::default());
    assert_eq!(calibrated, vec![Head::Offensive]);
    let p = model.score("you stupid moron", &[]).get(Head::Offensive);
    assert!((0.0..=1.0).contains(&p));
}

#[test]
fn progress_reports_every_epoch_up_to_the_total() {
    let mut last = None;
    let mut epochs = Vec::new();
    train(&examples(false), features(), &config(), |p| {
        epochs.push(p.epoch);
        last = Some(p);
    })
    .expect("training succeeds");
    let last = last.expect("progress was reported");
    assert_eq!(last.done, last.total);
    assert_eq!(epochs.last(), Some(&30));
    assert!(last.loss.is_finite());
}

#[test]
fn a_head_whose_labels_are_all_unknown_keeps_zero_weights() {
    let w = trained(false);
    for head in [Head::Threat, Head::Promotion, Head::Vulgarity] {
        assert!(w.head_weights(head).all(|x| x == 0.0), "{head} moved");
        assert_eq!(w.biases[head.index()], 0.0);
    }
    assert!(w.head_weights(Head::Offensive).any(|x| x != 0.0));
}

#[test]
fn labels_of_one_head_do_not_move_another_head() {
    let without = trained(false);
    let with = trained(true);
    let a: Vec<f32> = without.head_weights(Head::Offensive).collect();
    let b: Vec<f32> = with.head_weights(Head::Offensive).collect();
    assert_eq!(a, b);
    assert!(with.head_weights(Head::Threat).any(|x| x != 0.0));
}

#[test]
fn the_same_seed_gives_identical_model_bytes() {
    let a = trained(false).quantize().expect("quantises").to_bytes();
    let b = trained(false).quantize().expect("quantises").to_bytes();
    assert_eq!(a, b);
    let other = TrainConfig {
        seed: 99,
        ..config()
    };
    let c = train(&examples(false), features(), &other, |_| {})
        .expect("training succeeds")
        .quantize()
        .expect("quantises")
        .to_bytes();
    assert_ne!(a, c);
}

#[test]
fn save_and_load_give_the_same_predictions() {
    let mut model = trained(true).quantize().expect("quantises");
    calibrate(&mut model, &examples(true), &Default::default());
    let mut file = Vec::new();
    model.write_to(&mut file).expect("writes to a Vec");
    let loaded = Model::from_bytes(&file).expect("loads");
    assert_eq!(loaded, model);
    for t in OFFENSIVE.iter().chain(CLEAN) {
        assert_eq!(loaded.score(t, &[]), model.score(t, &[]));
    }
    assert_eq!(
        loaded.thresholds(Head::Offensive),
        model.thresholds(Head::Offensive)
    );
}

#[test]
fn corrupt_or_truncated_bytes_are_errors_not_panics() {
    let bytes = trained(false).quantize().expect("quantises").to_bytes();

    assert!(matches!(
        Model::from_bytes(b"not a model at all"),
        Err(LearnedError::BadMagic)
    ));
    assert!(matches!(
        Model::from_bytes(&bytes[..5]),
        Err(LearnedError::Truncated { .. })
    ));
    let mut version = bytes.clone();
    version[8] = 9;
    assert!(matches!(
        Model::from_bytes(&version),
        Err(LearnedError::UnsupportedVersion { found: 9, .. })
    ));
    // Every truncation and every single flipped byte is caught.
    for len in 0..bytes.len() {
        assert!(Model::from_bytes(&bytes[..len]).is_err(), "length {len}");
    }
    for pos in (0..bytes.len()).step_by(97) {
        let mut damaged = bytes.clone();
        damaged[pos] ^= 0x5a;
        assert!(Model::from_bytes(&damaged).is_err(), "byte {pos}");
    }
    let err = Model::from_bytes(&bytes[..bytes.len() - 1]).expect_err("truncated");
    assert!(err.to_string().contains("corrupt"), "{err}");
}
