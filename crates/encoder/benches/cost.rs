//! What the encoder costs on one core: milliseconds per comment (p50 and p99) at 10, 40 and
//! 120 tokens, alone and in a batch of six (as the server's worker reads), the model's load
//! time and the process's memory with it loaded, for each precision and vocabulary (full:
//! every piece, as before pruning; pruned: the default).
//! `cargo bench -p tribune-encoder [-- CASE...]` (release; a case runs when its name contains
//! one of the words given, all of them without); the model folder is the one
//! `TRIBUNE_ENCODER_MODEL` names, else `tribune-data/encoder` (`scripts/fetch-encoder.sh`).
//!
//! Each case runs in a process of its own (this binary again), so the memory it prints is its
//! own and not what an earlier case left in the allocator. Percentiles rather than a mean: the
//! stage runs off the request path, but a queue of jobs waits behind its slow comments. Token
//! sequences are cut from real text in the six languages, so word rows and attention are what
//! a comment pays.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tribune_encoder::vocabulary::{KeptPieces, pruned_tokenizer};
use tribune_encoder::{Encoder, EncoderOptions, Precision, Vocabulary};

const LENGTHS: [usize; 3] = [10, 40, 120];
const TEXTS: [&str; 6] = [
    "I have read this article twice and I still do not understand why the council waited three years before fixing the bridge on main street, while the school roof leaked all winter.",
    "شكرا على هذا التقرير المفصل عن ميزانية المياه، أتمنى أن تتابعوا الموضوع بعد تصويت البرلمان الأسبوع القادم لأن الناس في القرى ينتظرون منذ سنوات.",
    "زۆر سوپاس بۆ ئەم ڕاپۆرتە، بەڵام دەبێت شارەوانی وەڵامی ئەو پرسیارانە بداتەوە کە خەڵکی گەڕەکەکە چەند ساڵە دەیکەن دەربارەی ئاو و کارەبا.",
    "Ez spasiya vê nûçeyê dikim, lê şaredarî divê bersiva pirsên gelê taxê bide ku bi salan e li ser av û ceyranê dipirsin û tu bersiv nagirin.",
    "Bu haberi iki kez okudum ve belediyenin köprüyü onarmak için neden üç yıl beklediğini hâlâ anlamıyorum, okulun çatısı da bütün kış aktı.",
    "این گزارش را دو بار خواندم و هنوز نمی‌فهمم چرا شهرداری سه سال صبر کرد تا پل خیابان اصلی را تعمیر کند، در حالی که سقف مدرسه تمام زمستان چکه می‌کرد.",
];

/// What one case loads: the tokenizer alone, or the encoder.
#[derive(Clone, Copy)]
enum Case {
    Tokenizer(Vocabulary),
    Encoder(Precision, Vocabulary, usize),
}

const CASES: [(&str, Case); 7] = [
    ("tokenizer-full", Case::Tokenizer(Vocabulary::Full)),
    ("tokenizer-pruned", Case::Tokenizer(Vocabulary::Pruned)),
    (
        "q4emb-full",
        Case::Encoder(Precision::Q4Embeddings, Vocabulary::Full, 60),
    ),
    (
        "q4emb-pruned",
        Case::Encoder(Precision::Q4Embeddings, Vocabulary::Pruned, 60),
    ),
    (
        "int8-pruned",
        Case::Encoder(Precision::Int8, Vocabulary::Pruned, 60),
    ),
    (
        "q4-pruned",
        Case::Encoder(Precision::Q4, Vocabulary::Pruned, 60),
    ),
    (
        "f32-pruned",
        Case::Encoder(Precision::F32, Vocabulary::Pruned, 30),
    ),
];

/// Set in a case's own process: the case to run.
const CASE_VARIABLE: &str = "TRIBUNE_ENCODER_BENCH_CASE";

fn main() {
    // One core: candle sizes its thread pools from this variable. Set before any candle call,
    // while this is the only thread.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", "1") };
    let dir = std::env::var_os("TRIBUNE_ENCODER_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tribune-data/encoder")
        });
    if !dir.join(tribune_encoder::MODEL_FILE).is_file() {
        eprintln!(
            "no encoder model in {}: run scripts/fetch-encoder.sh first",
            dir.display()
        );
        std::process::exit(1);
    }
    if let Ok(name) = std::env::var(CASE_VARIABLE) {
        match CASES.iter().find(|(n, _)| *n == name) {
            // Inside a pool of one thread, as the server's readings run inside its pool: candle's
            // parallel loops then run on the calling thread instead of waking another one per
            // operation.
            Some(&(name, case)) => match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                Ok(pool) => pool.install(|| run_case(&dir, name, case)),
                Err(error) => {
                    eprintln!("cannot start a thread pool: {error}");
                    std::process::exit(1);
                }
            },
            None => {
                eprintln!("unknown case {name}");
                std::process::exit(1);
            }
        }
        return;
    }
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    println!(
        "one core (RAYON_NUM_THREADS=1); model folder {}; each case in its own process",
        dir.display()
    );
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(error) => {
            eprintln!("cannot find this benchmark's binary: {error}");
            std::process::exit(1);
        }
    };
    for (name, _) in CASES {
        if !words.is_empty() && !words.iter().any(|w| name.contains(w.as_str())) {
            continue;
        }
        let status = Command::new(&exe).env(CASE_VARIABLE, name).status();
        if !status.as_ref().is_ok_and(|s| s.success()) {
            eprintln!("case {name} failed: {status:?}");
            std::process::exit(1);
        }
    }
}

fn run_case(dir: &Path, name: &str, case: Case) {
    let before = memory();
    let start = Instant::now();
    let (precision, vocabulary, runs) = match case {
        Case::Tokenizer(vocabulary) => {
            let path = dir.join(tribune_encoder::TOKENIZER_FILE);
            let loaded = match vocabulary {
                Vocabulary::Full => tokenizers::Tokenizer::from_file(&path).is_ok(),
                Vocabulary::Pruned => {
                    let list = KeptPieces::builtin().expect("the committed list parses");
                    let bytes = std::fs::read(&path).expect("reads the tokenizer");
                    pruned_tokenizer(&path, &bytes, &list).is_ok()
                }
            };
            println!(
                "{name}: the tokenizer alone: load {:.0} ms ({}); {before} before, {} loaded",
                ms(start.elapsed()),
                if loaded { "ok" } else { "failed" },
                memory()
            );
            return;
        }
        Case::Encoder(precision, vocabulary, runs) => (precision, vocabulary, runs),
    };
    let options = EncoderOptions {
        precision,
        ..EncoderOptions::default()
    };
    let encoder = match Encoder::load_with_vocabulary(dir, options, vocabulary) {
        Ok(encoder) => encoder,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(1);
        }
    };
    println!(
        "{name}: load {:.0} ms; {} pieces; {} with it loaded (peak {})",
        ms(start.elapsed()),
        encoder.pieces(),
        memory(),
        peak_memory()
    );
    let tokenized: Vec<Vec<u32>> = TEXTS
        .iter()
        .map(|text| encoder.tokenize(&text.repeat(4)).expect("tokenizes"))
        .collect();
    let tokenize = time(runs, |i| {
        encoder.tokenize(TEXTS[i % TEXTS.len()]).expect("tokenizes");
    });
    println!(
        "{name}: tokenize one comment p50 {:.3} ms",
        percentile(&tokenize, 50)
    );
    for length in LENGTHS {
        // The first length - 1 ids of each text, then the end token.
        let sequences: Vec<Vec<u32>> = tokenized
            .iter()
            .map(|ids| {
                let mut cut = ids[..length - 1].to_vec();
                cut.push(ids[ids.len() - 1]);
                cut
            })
            .collect();
        let _ = time(3, |i| {
            encoder.embed_tokens(&sequences[i % 6]).expect("embeds");
        });
        let times = time(runs, |i| {
            encoder.embed_tokens(&sequences[i % 6]).expect("embeds");
        });
        println!(
            "{name}: {length:>3} tokens  p50 {:7.2} ms  p99 {:7.2} ms  ({runs} runs)",
            percentile(&times, 50),
            percentile(&times, 99)
        );
        // As the server's worker reads waiting comments: the six languages' texts together.
        let batch: Vec<&[u32]> = sequences.iter().map(Vec::as_slice).collect();
        let batches = time(runs.div_ceil(6), |_| {
            encoder.embed_tokens_batch(&batch).expect("embeds");
        });
        println!(
            "{name}: {length:>3} tokens  in a batch of {}: p50 {:7.2} ms per comment",
            batch.len(),
            percentile(&batches, 50) / batch.len() as f64
        );
    }
    println!("{name}: idle after the runs: {}", memory());
}

fn time(runs: usize, mut f: impl FnMut(usize)) -> Vec<f64> {
    let mut times: Vec<f64> = (0..runs)
        .map(|i| {
            let start = Instant::now();
            f(i);
            ms(start.elapsed())
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

/// Nearest-rank percentile of sorted times.
fn percentile(sorted: &[f64], p: usize) -> f64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn memory() -> String {
    status_field("VmRSS:")
}

fn peak_memory() -> String {
    status_field("VmHWM:")
}

/// A field of /proc/self/status (Linux); elsewhere says it is unknown.
fn status_field(name: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
        })
        .map(|kb| format!("rss {kb}"))
        .unwrap_or_else(|| "rss unknown".to_owned())
}
