//! Throughput of the whole engine (all categories, article relevance) against `rustrict` on the
//! same comments, in one run: `cargo bench -p tribune-moderation`. Divan reports items/s on one
//! thread, i.e. comments per second per core; the last lines give the engine (whole, and its
//! deterministic stages alone: the learned stage off) against rustrict, with their ratios.
//!
//! The corpus is the texts of the shared dev corpus when present next to the repository
//! (`../shared/data/corpus/dev.jsonl`), else the sentences of `tests/cases.txt`.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use divan::counter::ItemsCount;
use tribune_moderation::{Article, ArticleIndex, Comment, Policy, moderate, moderate_with_index};

fn main() {
    let corpus = corpus();
    eprintln!(
        "corpus: {} comments ({})",
        corpus.texts.len(),
        corpus.origin
    );
    divan::main();
    ratio(corpus);
}

/// Passes over the corpus per side for the ratio line.
const RATIO_ROUNDS: usize = 20;

/// Prints the engine's throughput against rustrict's: the fastest of several passes each,
/// alternating, so that both sides see the same machine (the machine is shared, and the
/// fastest pass is the least disturbed one).
fn ratio(c: &Corpus) {
    let whole = Policy::default();
    let deterministic = Policy::from_toml_str("[learned]\nenabled = false\n")
        .expect("the policy that turns the learned stage off parses");
    let article = Article {
        title: &c.article.0,
        body: &c.article.1,
    };
    let pass = |policy: &Policy| {
        let t = Instant::now();
        for text in &c.texts {
            divan::black_box(moderate(
                &Comment { text, lang: None },
                Some(&article),
                policy,
            ));
        }
        t.elapsed()
    };
    let (mut engine, mut rules, mut rustrict) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..RATIO_ROUNDS {
        engine = engine.min(pass(&whole));
        rules = rules.min(pass(&deterministic));
        let t = Instant::now();
        for text in &c.texts {
            divan::black_box(rustrict::Censor::from_str(text).analyze());
        }
        rustrict = rustrict.min(t.elapsed());
    }
    let per_s = |d: Duration| c.texts.len() as f64 / d.as_secs_f64();
    println!(
        "comments/s/core (fastest of {RATIO_ROUNDS} alternating passes): rustrict {:.0}",
        per_s(rustrict)
    );
    for (name, d) in [("engine", engine), ("deterministic stages", rules)] {
        println!(
            "  {name}: {:.0}, ratio {:.2}x",
            per_s(d),
            per_s(d) / per_s(rustrict)
        );
    }
}

struct Corpus {
    texts: Vec<String>,
    article: (String, String),
    origin: &'static str,
}

const FIXTURE_ARTICLE: &str = "Parliament approves the water budget\nMembers of parliament voted on \
Tuesday to fund dams and irrigation canals in the province after a drought ruined the harvest.";

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        let article = std::fs::read_to_string(data.join("newsroom/seed-article.txt"))
            .unwrap_or_else(|_| FIXTURE_ARTICLE.to_owned());
        let (title, body) = article.split_once('\n').unwrap_or((&article, ""));
        let article = (title.to_owned(), body.to_owned());
        let from_dev: Vec<String> = std::fs::read_to_string(data.join("corpus/dev.jsonl"))
            .map(|s| {
                s.lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if !from_dev.is_empty() {
            return Corpus {
                texts: from_dev,
                article,
                origin: "shared dev corpus",
            };
        }
        let texts = include_str!("../tests/cases.txt")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.splitn(4, '|').nth(3).map(|t| t.trim().to_owned()))
            .collect();
        Corpus {
            texts,
            article,
            origin: "tests/cases.txt fixture",
        }
    })
}

#[divan::bench]
fn engine_with_article(bencher: divan::Bencher) {
    let c = corpus();
    let policy = Policy::default();
    let article = Article {
        title: &c.article.0,
        body: &c.article.1,
    };
    bencher.counter(ItemsCount::new(c.texts.len())).bench(|| {
        for t in &c.texts {
            divan::black_box(moderate(
                &Comment {
                    text: t,
                    lang: None,
                },
                Some(&article),
                &policy,
            ));
        }
    });
}

#[divan::bench]
fn engine_with_article_index(bencher: divan::Bencher) {
    let c = corpus();
    let policy = Policy::default();
    let index = ArticleIndex::new(&Article {
        title: &c.article.0,
        body: &c.article.1,
    });
    bencher.counter(ItemsCount::new(c.texts.len())).bench(|| {
        for t in &c.texts {
            divan::black_box(moderate_with_index(
                &Comment {
                    text: t,
                    lang: None,
                },
                Some(&index),
                &policy,
            ));
        }
    });
}

#[divan::bench]
fn rustrict_analyze(bencher: divan::Bencher) {
    let c = corpus();
    bencher.counter(ItemsCount::new(c.texts.len())).bench(|| {
        for t in &c.texts {
            divan::black_box(rustrict::Censor::from_str(t).analyze());
        }
    });
}
