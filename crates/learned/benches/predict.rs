//! Cost of the learned stage per comment: features and prediction of every head, from the
//! normalised text, its signal tokens and its language, as the engine calls it; and the cost
//! of the evidence for a flagged comment, how much each of its words adds to a head; and the
//! encoder heads' margins for one embedding (the committed heads file).
//! `cargo bench -p tribune-learned --bench predict`; divan reports the time per comment.
//!
//! The model is the committed `models/tribune-learned.bin` when present (so the weight table
//! has its real size and sparsity), else an untrained model of the default size. The texts are
//! our own sentences of 100–200 chars in the six languages, lowercased as the normaliser
//! leaves them, and the shared dev corpus (lowercased) when present beside the repository.

use std::path::Path;
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use tribune_learned::{DenseHeads, FeatureConfig, HEAD_COUNT, Head, Model};

fn main() {
    let m = model();
    eprintln!(
        "model: {} ({} non-zero buckets); dev corpus: {} texts",
        if m.1 {
            "models/tribune-learned.bin"
        } else {
            "untrained, default settings"
        },
        m.0.nonzero_buckets(),
        dev().len()
    );
    divan::main();
}

const TYPICAL: &[(&str, &str)] = &[
    (
        "en",
        "i have read this article twice and i still do not understand why the council waited three years before fixing the bridge on main street.",
    ),
    (
        "en",
        "you are a pathetic liar and everyone in this town knows it, go back to whatever hole you crawled out of before the election",
    ),
    (
        "en",
        "thanks for the clear explanation of the new budget, the part about school funding answered most of my questions.",
    ),
    (
        "ar",
        "شكرا على هذا التقرير المفصل عن ميزانية المياه، أتمنى أن تتابعوا الموضوع بعد تصويت البرلمان الأسبوع القادم",
    ),
    (
        "ar",
        "انت كذاب وحقير ولا تفهم شيئا في السياسة، اسكت أحسن لك قبل أن تفضح نفسك أمام الناس",
    ),
    (
        "tr",
        "bu haberi okudum ama belediyenin neden üç yıl boyunca köprüyü onarmadığını hâlâ anlamış değilim, açıklama bekliyoruz.",
    ),
    (
        "tr",
        "sen tam bir yalancısın ve bu şehirde herkes bunu biliyor, seçimden önce geldiğin yere geri dön artık",
    ),
    (
        "fa",
        "ممنون از گزارش دقیق شما درباره بودجه آب، امیدوارم بعد از رأی‌گیری مجلس هم این موضوع را پیگیری کنید",
    ),
    (
        "ckb",
        "سوپاس بۆ ئەم ڕاپۆرتە وردە لەسەر بودجەی ئاو، هیوادارم دوای دەنگدانی پەرلەمان بەدواداچوونی بۆ بکەن",
    ),
    (
        "kmr",
        "spas ji bo vê nûçeya hûrgilî li ser budceya avê, hêvîdar im hûn piştî dengdana parlamentoyê jî bişopînin",
    ),
];

fn model() -> &'static (Model, bool) {
    static MODEL: OnceLock<(Model, bool)> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/tribune-learned.bin");
        if let Some(m) = std::fs::read(path)
            .ok()
            .and_then(|b| Model::from_bytes(&b).ok())
        {
            return (m, true);
        }
        let config = FeatureConfig::default();
        // A fixed pseudo-random weight per bucket and head, so every lookup touches memory.
        let weights: Vec<f32> = (0..config.buckets() * HEAD_COUNT)
            .map(|k| {
                ((k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as f32 / 16_777_216.0 - 0.5
            })
            .collect();
        let m = Model::quantize(config, &weights, [0.0; HEAD_COUNT])
            .expect("default settings are valid");
        (m, false)
    })
}

fn dev() -> &'static Vec<(String, String)> {
    static DEV: OnceLock<Vec<(String, String)>> = OnceLock::new();
    DEV.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/corpus/dev.jsonl");
        std::fs::read_to_string(path)
            .map(|s| {
                s.lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .filter_map(|v| {
                        let text = v.get("text")?.as_str()?.to_lowercase();
                        let lang = v.get("lang")?.as_str()?.to_owned();
                        Some((text, lang))
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

#[divan::bench]
fn typical_comments(bencher: divan::Bencher) {
    let (m, _) = model();
    let signals = ["lex:insult:flag"];
    bencher.counter(ItemsCount::new(TYPICAL.len())).bench(|| {
        for (lang, text) in TYPICAL {
            divan::black_box(m.score_in(divan::black_box(text), &signals, Some(lang)));
        }
    });
}

#[divan::bench]
fn dev_corpus(bencher: divan::Bencher) {
    let (m, _) = model();
    let texts = dev();
    if texts.is_empty() {
        eprintln!("skipped: no shared dev corpus beside the repository");
        return;
    }
    bencher.counter(ItemsCount::new(texts.len())).bench(|| {
        for (text, lang) in texts {
            divan::black_box(m.score_in(divan::black_box(text), &[], Some(lang)));
        }
    });
}

#[divan::bench]
fn word_contributions(bencher: divan::Bencher) {
    let (m, _) = model();
    let signals = ["lex:insult:flag"];
    bencher.counter(ItemsCount::new(TYPICAL.len())).bench(|| {
        for (lang, text) in TYPICAL {
            divan::black_box(m.word_contributions(
                divan::black_box(text),
                &signals,
                Some(lang),
                Head::Offensive,
            ));
        }
    });
}

/// The encoder heads' margins for one embedding, the part of the encoder stage after the
/// encoder itself: the committed `models/tribune-encoder-heads.bin` (its hidden layer and the
/// seven heads over it) on a fixed unit-length embedding and zero rule evidence.
#[divan::bench]
fn encoder_heads(bencher: divan::Bencher) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/tribune-encoder-heads.bin");
    let heads = std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|b| DenseHeads::from_bytes(&b).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let raw: Vec<f32> = (0..heads.dimension() as u64)
        .map(|k| (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as f32 / 16_777_216.0 - 0.5)
        .collect();
    let length = raw.iter().map(|v| v * v).sum::<f32>().sqrt();
    let embedding: Vec<f32> = raw.iter().map(|v| v / length).collect();
    let extras = vec![0.0; heads.extras().len()];
    eprintln!(
        "encoder heads: {} hidden units over {} + {} inputs",
        heads.hidden_units(),
        heads.dimension(),
        extras.len()
    );
    bencher.bench(|| divan::black_box(heads.margins(divan::black_box(&embedding), &extras)));
}
