//! The committed model: it loads, and scores known cases in each language in the right
//! direction. Figures themselves are in the manifest, not asserted here.

use std::path::Path;

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
