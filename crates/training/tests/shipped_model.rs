//! The committed model: it loads, scores known cases in each language in the right
//! direction, and its manifest says how to rebuild it and that its scores are calibrated.
//! Figures themselves are in the manifest, not asserted here.

use std::path::Path;

use sha2::{Digest, Sha256};

use tribune_learned::{Head, Model};
use tribune_training::{engine_input, read_jsonl, read_model};

fn shipped() -> Option<Model> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/tribune-learned.bin");
    if !path.exists() {
        eprintln!("skipped: models/tribune-learned.bin is not built (run `tribune train`)");
        return None;
    }
    Some(read_model(&path).expect("the shipped model loads"))
}

fn offensive(model: &Model, text: &str, lang: &str) -> f32 {
    let p = engine_input(text, Some(lang));
    model
        .score_in(&p.text, &p.signal_refs(), Some(&p.language))
        .get(Head::Offensive)
}

#[test]
fn the_shipped_model_scores_known_cases_in_each_language_the_right_way() {
    let Some(model) = shipped() else { return };
    let cases = [
        (
            "en",
            "you are a stupid idiot and a disgrace",
            "thank you for the detailed report on the budget",
        ),
        (
            "en",
            "shut up you worthless piece of garbage",
            "I disagree with the minister, the plan will cost too much",
        ),
        (
            "ar",
            "انت حمار وغبي ولا تفهم شيئا",
            "شكرا على هذا المقال المفيد عن الاقتصاد",
        ),
        (
            "tr",
            "sen tam bir aptalsın, kes sesini gerizekalı",
            "bu haber için teşekkürler, çok faydalı oldu",
        ),
        (
            "fa",
            "خفه شو احمق بی‌شعور",
            "ممنون از گزارش خوبتان درباره انتخابات",
        ),
    ];
    for (lang, bad, good) in cases {
        let (b, g) = (offensive(&model, bad, lang), offensive(&model, good, lang));
        assert!(b > g, "{lang}: {bad:?} scored {b}, {good:?} scored {g}");
        assert!(b > 0.5 && g < 0.5, "{lang}: {b} / {g}");
    }
}

#[test]
fn the_shipped_model_on_the_kurdish_fixture() {
    let Some(model) = shipped() else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kurdish.jsonl");
    let rows = read_jsonl(&path).expect("fixture parses");
    let (mut bad, mut good) = (Vec::new(), Vec::new());
    for r in &rows {
        let s = offensive(&model, &r.text, &r.lang);
        println!("{:<12} offensive {s:.3}  {}", r.id, r.text);
        match r.labels.get(Head::Offensive) {
            Some(true) => bad.push(s),
            Some(false) => good.push(s),
            None => {}
        }
    }
    // No Kurdish training data exists: only the ordering on average is expected to hold.
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(
        mean(&bad) > mean(&good),
        "violating {} <= clean {}",
        mean(&bad),
        mean(&good)
    );
}

fn manifest() -> Option<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/tribune-learned.json");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipped: models/tribune-learned.json is not built (run `tribune train`)");
        return None;
    };
    Some(serde_json::from_slice(&bytes).expect("the manifest is JSON"))
}

#[test]
fn the_shipped_manifest_names_its_command_and_every_data_file_it_read() {
    let Some(m) = manifest() else { return };
    let command = m["command"].as_str().expect("the command is recorded");
    assert!(command.starts_with("tribune train"), "{command}");
    let files = m["data"].as_array().expect("data files");
    for f in files {
        let name = f["name"].as_str().expect("a file name");
        assert!(
            command.contains(name.split('/').next().unwrap_or(name)),
            "{name} not in {command}"
        );
        // The shared data beside the repository, when there, is the data the model was built on.
        let Some(path) =
            tribune_test_support::shared_data_or_skip(&format!("the hash of {name}"), name)
        else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            f["sha256"], sha,
            "{name} changed since the model was trained"
        );
    }
}

#[test]
fn the_shipped_scores_are_calibrated_in_every_language_with_labelled_dev_rows() {
    let Some(m) = manifest() else { return };
    let languages = m["dev"]["calibration"]
        .as_object()
        .expect("calibration per language");
    for lang in ["ar", "en", "fa", "tr"] {
        let heads = languages[lang].as_array().expect("heads");
        for h in heads.iter().filter(|h| h["positives"].as_u64() > Some(0)) {
            let ece = h["ece"].as_f64().expect("an ECE");
            assert!(ece < 0.05, "{lang} {}: ECE {ece}", h["head"]);
        }
    }
}
