//! What the encoder costs on one core: milliseconds per comment (p50 and p99) at 10, 40 and
//! 120 tokens for each precision, the model's load time and the process's memory with it
//! loaded. `cargo bench -p tribune-encoder` (release); the model folder is the one
//! `TRIBUNE_ENCODER_MODEL` names, else `tribune-data/encoder` (`scripts/fetch-encoder.sh`).
//!
//! Percentiles rather than a mean: the stage runs off the request path, but a queue of jobs
//! waits behind its slow comments. Token sequences are cut from real text in the six
//! languages, so word rows and attention are what a comment pays.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tribune_encoder::{Encoder, EncoderOptions, Precision};

const LENGTHS: [usize; 3] = [10, 40, 120];
const TEXTS: [&str; 6] = [
    "I have read this article twice and I still do not understand why the council waited three years before fixing the bridge on main street, while the school roof leaked all winter.",
    "شكرا على هذا التقرير المفصل عن ميزانية المياه، أتمنى أن تتابعوا الموضوع بعد تصويت البرلمان الأسبوع القادم لأن الناس في القرى ينتظرون منذ سنوات.",
    "زۆر سوپاس بۆ ئەم ڕاپۆرتە، بەڵام دەبێت شارەوانی وەڵامی ئەو پرسیارانە بداتەوە کە خەڵکی گەڕەکەکە چەند ساڵە دەیکەن دەربارەی ئاو و کارەبا.",
    "Ez spasiya vê nûçeyê dikim, lê şaredarî divê bersiva pirsên gelê taxê bide ku bi salan e li ser av û ceyranê dipirsin û tu bersiv nagirin.",
    "Bu haberi iki kez okudum ve belediyenin köprüyü onarmak için neden üç yıl beklediğini hâlâ anlamıyorum, okulun çatısı da bütün kış aktı.",
    "این گزارش را دو بار خواندم و هنوز نمی‌فهمم چرا شهرداری سه سال صبر کرد تا پل خیابان اصلی را تعمیر کند، در حالی که سقف مدرسه تمام زمستان چکه می‌کرد.",
];

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
    println!(
        "one core (RAYON_NUM_THREADS=1); model folder {}",
        dir.display()
    );
    println!("before loading: {}", memory());
    // Where the memory goes: the tokenizer alone (its 250,002 pieces and their trie).
    let tokenizer = tokenizers::Tokenizer::from_file(dir.join(tribune_encoder::TOKENIZER_FILE));
    println!(
        "the tokenizer alone loaded: {} ({})",
        memory(),
        if tokenizer.is_ok() { "ok" } else { "failed" }
    );
    drop(tokenizer);
    println!("the tokenizer dropped: {}", memory());
    // The smallest first, so the memory printed after each load is (nearly) its own.
    for (precision, runs) in [
        (Precision::Q4, 60),
        (Precision::Q4Embeddings, 60),
        (Precision::F32, 30),
    ] {
        let options = EncoderOptions {
            precision,
            ..EncoderOptions::default()
        };
        let start = Instant::now();
        let encoder = match Encoder::load(&dir, options) {
            Ok(encoder) => encoder,
            Err(error) => {
                eprintln!("{error}");
                std::process::exit(1);
            }
        };
        println!(
            "{precision:?}: load {:.0} ms; {} with it loaded",
            ms(start.elapsed()),
            memory()
        );
        let tokenized: Vec<Vec<u32>> = TEXTS
            .iter()
            .map(|text| encoder.tokenize(&text.repeat(4)).expect("tokenizes"))
            .collect();
        let tokenize = time(runs, |i| {
            encoder.tokenize(TEXTS[i % TEXTS.len()]).expect("tokenizes");
        });
        println!(
            "{precision:?}: tokenize one comment p50 {:.3} ms",
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
                "{precision:?}: {length:>3} tokens  p50 {:7.2} ms  p99 {:7.2} ms  ({runs} runs)",
                percentile(&times, 50),
                percentile(&times, 99)
            );
        }
        drop(encoder);
    }
    println!("peak rss of the whole run: {}", peak_memory());
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
