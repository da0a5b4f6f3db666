//! `tribune check`, `tribune moderate` and `tribune eval`: thin wrappers around the moderation
//! engine (all logic, metrics included, lives in `tribune-moderation`; the learned model's own
//! report in `tribune-training`).

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tribune_moderation::eval::{DecisionReport, LabelReport, LabelledRecord, calibration_error};
use tribune_moderation::{Article, Category, Comment, Evidence, Policy, Verdict};

/// Check one comment and print the engine's verdict.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The comment text.
    text: String,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
    /// Language hint (en, ar, ckb, kmr, tr, fa); detected when absent.
    #[arg(long)]
    lang: Option<String>,
    /// Policy file (TOML); the default policy when absent.
    #[arg(long)]
    policy: Option<PathBuf>,
    #[command(flatten)]
    encoder: crate::encoder_commands::EncoderArgs,
}

/// Moderate JSON Lines from stdin (`{id, text, lang?, article?: {title, body}}`), one verdict
/// per line on stdout.
#[derive(Debug, clap::Args)]
pub struct ModerateArgs {
    /// Policy file (TOML); the default policy when absent.
    #[arg(long)]
    policy: Option<PathBuf>,
    #[command(flatten)]
    encoder: crate::encoder_commands::EncoderArgs,
}

/// Score the engine on a labelled JSON Lines file (`expect` or `labels` records), its
/// evidence on a toxic-spans file (`{id, text, lang, spans}` records, spans as code point
/// offsets), or the functional suite (its folder, or one `LANG.txt` file of it).
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The labelled file, or the functional suite.
    file: PathBuf,
    /// With the functional suite: also print every case the engine got wrong.
    #[arg(long)]
    failures: bool,
    /// A model file to set beside the embedded one in the learned model's report: macro-F1 per
    /// source and head and calibration error per language, side by side.
    #[arg(long, value_name = "FILE")]
    baseline_model: Option<PathBuf>,
    /// Policy file (TOML); the default policy when absent.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Folder of articles, `<name>.txt` (first line title, rest body); default: the file's
    /// folder.
    #[arg(long)]
    articles: Option<PathBuf>,
    /// Embeddings of the file's records to reuse (`tribune embed` output); repeatable. The
    /// others are embedded with the encoder.
    #[arg(long = "embedding-cache", value_name = "FILE")]
    embedding_caches: Vec<PathBuf>,
    #[command(flatten)]
    encoder: crate::encoder_commands::EncoderArgs,
}

fn load_policy(path: Option<&Path>) -> anyhow::Result<Policy> {
    match path {
        None => Ok(Policy::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading policy {}", p.display()))?;
            Policy::from_toml_str(&text).with_context(|| format!("in policy {}", p.display()))
        }
    }
}

pub fn check(args: CheckArgs) -> anyhow::Result<()> {
    let policy = load_policy(args.policy.as_deref())?;
    let comment = Comment {
        text: &args.text,
        lang: args.lang.as_deref(),
    };
    let first = tribune_moderation::moderate(&comment, None, &policy);
    let verdict = match crate::encoder_commands::load_stage(&args.encoder) {
        Some(stage) => stage.read(&comment, first, &policy)?,
        None => first,
    };
    let encoder = crate::encoder_commands::status(&args.encoder, &args.text);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &verdict)?;
        writeln!(out)?;
        // The JSON is the verdict's documented shape; the encoder's status goes beside it.
        eprintln!("{encoder}");
        return Ok(());
    }
    match verdict.category {
        Some(c) => writeln!(out, "decision: {} ({c})", verdict.decision.as_str())?,
        None => writeln!(out, "decision: {}", verdict.decision.as_str())?,
    }
    writeln!(out, "language: {}", verdict.language)?;
    for (c, s) in &verdict.scores {
        writeln!(out, "  {c:<16} {s:.2}")?;
    }
    for e in &verdict.evidence {
        writeln!(
            out,
            "evidence: {} [{}..{}] {:?}: {}",
            e.category, e.start, e.end, e.text, e.reason
        )?;
    }
    for r in &verdict.reasons {
        writeln!(out, "reason: {r}")?;
    }
    writeln!(out, "{encoder}")?;
    Ok(())
}

#[derive(Deserialize)]
struct InputArticle {
    title: String,
    body: String,
}

#[derive(Deserialize)]
struct InputLine {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    article: Option<InputArticle>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    category: Category,
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct OutputLine<'a> {
    id: &'a serde_json::Value,
    decision: &'static str,
    category: Option<Category>,
    scores: &'a std::collections::BTreeMap<Category, f32>,
    evidence: Vec<EvidenceOut<'a>>,
}

#[derive(Serialize)]
struct ErrorLine {
    line: usize,
    error: String,
}

fn output_line<'a>(id: &'a serde_json::Value, v: &'a Verdict) -> OutputLine<'a> {
    OutputLine {
        id,
        decision: v.decision.as_str(),
        category: v.category,
        scores: &v.scores,
        evidence: v
            .evidence
            .iter()
            .map(|e: &Evidence| EvidenceOut {
                category: e.category,
                start: e.start,
                end: e.end,
                text: &e.text,
            })
            .collect(),
    }
}

/// `tribune moderate`: a bad line gets `{line, error}` and processing continues.
pub fn moderate(args: ModerateArgs) -> anyhow::Result<()> {
    moderate_lines(args)
}

fn moderate_lines(args: ModerateArgs) -> anyhow::Result<()> {
    let policy = load_policy(args.policy.as_deref())?;
    let stage = crate::encoder_commands::load_stage(&args.encoder);
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<InputLine>(&line) {
            Ok(input) => {
                let article = input.article.as_ref().map(|a| Article {
                    title: &a.title,
                    body: &a.body,
                });
                let comment = Comment {
                    text: &input.text,
                    lang: input.lang.as_deref(),
                };
                let first = tribune_moderation::moderate(&comment, article.as_ref(), &policy);
                let v = match &stage {
                    Some(stage) => stage.read(&comment, first, &policy)?,
                    None => first,
                };
                serde_json::to_writer(&mut out, &output_line(&input.id, &v))?;
            }
            Err(e) => serde_json::to_writer(
                &mut out,
                &ErrorLine {
                    line: n + 1,
                    error: format!("not a comment record ({{id, text, lang?, article?}}): {e}"),
                },
            )?,
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

fn read_article(dir: &Path, name: &str) -> anyhow::Result<(String, String)> {
    // Names are plain file stems; anything that could leave the folder is refused.
    anyhow::ensure!(
        !name.is_empty() && !name.contains(['/', '\\']) && name != ".." && name != ".",
        "article name {name:?} is not a plain name"
    );
    let path = dir.join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading article {}", path.display()))?;
    let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
    Ok((title.to_owned(), body.to_owned()))
}

/// The records of a JSON Lines text, blank lines skipped, and how many lines were not a record
/// (each named on stderr).
pub(crate) fn json_lines<T: serde::de::DeserializeOwned>(text: &str) -> (Vec<T>, usize) {
    let mut bad = 0usize;
    let records = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .filter_map(|(n, line)| match serde_json::from_str(line) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("line {}: skipped: {e}", n + 1);
                bad += 1;
                None
            }
        })
        .collect();
    (records, bad)
}

/// The with-encoder side of an evaluation: the stage, the embeddings it reuses, and the
/// records' embeddings by id (for the heads' own report).
struct EncoderSide<'s> {
    stage: &'s crate::encoder_commands::Stage,
    cache: tribune_training::EmbeddingCache,
    /// Per cascade rule (the policy's first): the decisions, and how many comments with
    /// expectations reached the encoder.
    decisions: Vec<(tribune_moderation::Cascade, DecisionReport, usize)>,
    labels: LabelReport,
    /// The heads' stacked scores of each labelled record.
    head_scores: HashMap<String, [f32; tribune_learned::HEAD_COUNT]>,
}

impl EncoderSide<'_> {
    fn embedding(&self, id: &str, text: &str) -> anyhow::Result<Vec<f32>> {
        match self.cache.embeddings.get(id) {
            Some(e) => Ok(e.clone()),
            None => self.stage.embed(text),
        }
    }
}

/// The cascade rules to measure: the policy's, then the others.
pub fn cascades(policy: &Policy) -> Vec<tribune_moderation::Cascade> {
    use tribune_moderation::Cascade;
    let own = policy.encoder().cascade;
    std::iter::once(own)
        .chain(
            [Cascade::All, Cascade::Unflagged, Cascade::Approved]
                .into_iter()
                .filter(|&c| c != own),
        )
        .collect()
}

pub fn eval(args: EvalArgs) -> anyhow::Result<()> {
    let policy = load_policy(args.policy.as_deref())?;
    let stage = crate::encoder_commands::load_stage(&args.encoder);
    if crate::functional_eval::is_suite(&args.file) {
        return crate::functional_eval::run(&args.file, &policy, args.failures, stage.as_ref());
    }
    let mut approving = policy.clone();
    approving.set_auto_approve(true);
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if serde_json::from_str::<SpanLine>(first).is_ok() {
        return span_eval(&text, &policy);
    }
    let articles_dir = args.articles.clone().unwrap_or_else(|| {
        args.file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    });
    let mut with = match stage.as_ref().filter(|_| policy.encoder().enabled) {
        Some(stage) => {
            let mut cache = tribune_training::EmbeddingCache::default();
            for path in &args.embedding_caches {
                cache
                    .read(path)
                    .with_context(|| format!("reading the embedding cache {}", path.display()))?;
            }
            Some(EncoderSide {
                stage,
                cache,
                decisions: cascades(&policy)
                    .into_iter()
                    .map(|c| (c, DecisionReport::default(), 0))
                    .collect(),
                labels: LabelReport::default(),
                head_scores: HashMap::new(),
            })
        }
        None => None,
    };
    let mut articles: HashMap<String, (String, String)> = HashMap::new();
    let mut decisions = DecisionReport::default();
    let mut labels = LabelReport::default();
    let (records, bad) = json_lines::<LabelledRecord>(&text);
    for record in records {
        if let Some(name) = &record.article
            && !articles.contains_key(name)
        {
            let loaded = read_article(&articles_dir, name)?;
            articles.insert(name.clone(), loaded);
        }
        let article = record
            .article
            .as_ref()
            .and_then(|name| articles.get(name))
            .map(|(title, body)| Article { title, body });
        let comment = Comment {
            text: &record.text,
            lang: record.lang.as_deref(),
        };
        let embedding = match &with {
            Some(w) => Some(w.embedding(&record.id, &record.text)?),
            None => None,
        };
        if let Some(expect) = &record.expect {
            // Auto-approval on: the question is what the engine would decide alone.
            let v = tribune_moderation::moderate(&comment, article.as_ref(), &approving);
            decisions.add(&record.id, expect, v.decision);
            if let (Some(w), Some(e)) = (&mut with, &embedding) {
                let read = w.stage.read_for_figures(&comment, v.clone(), &approving, e);
                for (c, report, reached) in &mut w.decisions {
                    let wants = tribune_moderation::cascade_wants(&v, *c);
                    *reached += usize::from(wants);
                    let got = if wants { read.decision } else { v.decision };
                    report.add(&record.id, expect, got);
                }
            }
        }
        if let Some(l) = &record.labels {
            let v = tribune_moderation::moderate(&comment, article.as_ref(), &policy);
            let lang = record.lang.clone().unwrap_or_else(|| v.language.clone());
            labels.add(l, &lang, &v, &policy);
            if let (Some(w), Some(e)) = (&mut with, &embedding) {
                let inputs = tribune_moderation::encoder_inputs(
                    &record.text,
                    record.lang.as_deref(),
                    &policy,
                );
                if let Some(scores) = w.stage.heads().scores(e, &inputs) {
                    w.head_scores
                        .insert(record.id.clone(), scores.map(|(p, _)| p));
                }
                let v = if tribune_moderation::wants_encoder(&v, &policy) {
                    w.stage.read_for_figures(&comment, v, &policy, e)
                } else {
                    v
                };
                w.labels.add(l, &lang, &v, &policy);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    if decisions.total > 0 {
        write_decisions(&mut out, &decisions, with.as_ref())?;
    }
    if !labels.counts.is_empty() {
        write_labels(&mut out, &labels, with.as_ref().map(|w| &w.labels))?;
    }
    if bad > 0 {
        writeln!(out, "{bad} unreadable line(s) skipped")?;
    }
    if !labels.counts.is_empty() {
        drop(out);
        learned_report(
            &args.file,
            args.baseline_model.as_deref(),
            with.as_ref().map(|w| (&w.head_scores, w.stage.heads())),
        )?;
    }
    Ok(())
}

fn write_decisions(
    out: &mut dyn Write,
    fast: &DecisionReport,
    with: Option<&EncoderSide<'_>>,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "decisions (auto-approval on), {} comments:",
        fast.total
    )?;
    let side = |label: &str, d: &DecisionReport, out: &mut dyn Write| -> std::io::Result<()> {
        writeln!(out, "  {label}")?;
        writeln!(
            out,
            "    harm auto-approved:        {} {:?}",
            d.harm_auto_approved.len(),
            d.harm_auto_approved
        )?;
        writeln!(
            out,
            "    legitimate auto-rejected:  {} {:?}",
            d.legitimate_auto_rejected.len(),
            d.legitimate_auto_rejected
        )?;
        writeln!(
            out,
            "    decided without a human:   {} ({:.1}%)",
            d.decided_alone,
            d.decided_share() * 100.0
        )?;
        writeln!(
            out,
            "    outside expectation:       {} {:?}",
            d.unexpected.len(),
            d.unexpected
        )
    };
    side("fast stages alone:", fast, out)?;
    for (c, d, reached) in with.iter().flat_map(|w| &w.decisions) {
        side(
            &format!("with the encoder stage, cascade \"{}\":", c.as_str()),
            d,
            out,
        )?;
        writeln!(
            out,
            "    reaching the encoder:      {reached} ({:.1}%)",
            100.0 * *reached as f64 / fast.total.max(1) as f64
        )?;
    }
    Ok(())
}

fn write_labels(
    out: &mut dyn Write,
    fast: &LabelReport,
    with: Option<&LabelReport>,
) -> anyhow::Result<()> {
    write!(
        out,
        "{:<16} {:<6} {:>8} {:>9} {:>7} {:>6} {:>6}",
        "label", "lang", "support", "precision", "recall", "f1", "ece"
    )?;
    if with.is_some() {
        write!(
            out,
            " | {:>9} {:>7} {:>6} {:>6}",
            "enc prec", "recall", "f1", "ece"
        )?;
    }
    writeln!(out)?;
    let ece = |r: &LabelReport, key: &(String, String)| {
        r.scored
            .get(key)
            .and_then(|s| calibration_error(s, 10))
            .map_or_else(|| "-".to_owned(), |e| format!("{e:.3}"))
    };
    for (key, c) in &fast.counts {
        write!(
            out,
            "{:<16} {:<6} {:>8} {:>9.3} {:>7.3} {:>6.3} {:>6}",
            key.0,
            key.1,
            c.support(),
            c.precision(),
            c.recall(),
            c.f1(),
            ece(fast, key)
        )?;
        if let Some(w) = with
            && let Some(e) = w.counts.get(key)
        {
            write!(
                out,
                " | {:>9.3} {:>7.3} {:>6.3} {:>6}",
                e.precision(),
                e.recall(),
                e.f1(),
                ece(w, key)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A post with the characters raters marked toxic (SemEval-2021 Task 5).
#[derive(Deserialize)]
struct SpanLine {
    text: String,
    #[serde(default)]
    lang: Option<String>,
    /// Code point offsets.
    spans: Vec<usize>,
}

/// The character F1 of the engine's abuse evidence against the marked spans, averaged over
/// posts.
fn span_eval(text: &str, policy: &Policy) -> anyhow::Result<()> {
    let mut score = tribune_training::SpanScore::default();
    let (posts, bad) = json_lines::<SpanLine>(text);
    for post in posts {
        let comment = Comment {
            text: &post.text,
            lang: post.lang.as_deref(),
        };
        let verdict = tribune_moderation::moderate(&comment, None, policy);
        let ranges: Vec<std::ops::Range<usize>> = verdict
            .evidence
            .iter()
            .filter(|e| tribune_moderation::eval::ABUSE.contains(&e.category))
            .map(|e| e.start..e.end)
            .collect();
        let predicted = tribune_training::code_points(&post.text, &ranges);
        score.add(&predicted, &post.spans);
    }
    let fig = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"));
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "evidence spans, {} posts (SemEval-2021 Task 5 character F1 of the abuse evidence, mean over posts):",
        score.posts
    )?;
    writeln!(out, "  span F1:                   {}", fig(score.f1()))?;
    writeln!(
        out,
        "  on the {} posts with marked spans: {}",
        score.with_gold,
        fig(score.f1_with_gold())
    )?;
    writeln!(
        out,
        "  posts with abuse evidence: {} ({:.1}%)",
        score.predicted,
        100.0 * score.predicted as f64 / score.posts.max(1) as f64
    )?;
    if bad > 0 {
        writeln!(out, "{bad} unreadable line(s) skipped")?;
    }
    Ok(())
}

/// The encoder heads' stacked scores of each record, and the heads.
type HeadScores<'a> = (
    &'a HashMap<String, [f32; tribune_learned::HEAD_COUNT]>,
    &'a tribune_moderation::EncoderHeads,
);

/// The embedded learned model alone on a labelled corpus file: precision, recall, F1, ROC-AUC
/// and calibration error per source, language and head, the share it decides alone at 99%
/// precision, and calibration per language; beside a baseline model file when given.
fn learned_report(
    path: &Path,
    baseline: Option<&Path>,
    heads: Option<HeadScores<'_>>,
) -> anyhow::Result<()> {
    let records = tribune_training::read_jsonl(path)
        .context("reading the file as corpus records for the learned model's report")?;
    let model = tribune_learned::Model::from_bytes(tribune_moderation::learned_model_bytes())
        .context("the embedded learned model does not load")?;
    let prepared = tribune_training::prepare_all(&records, &tribune_training::engine_input);
    let languages: Vec<String> = prepared.iter().map(|p| p.language.clone()).collect();
    let selected = tribune_training::selected_sources(&records);
    let report = |model: &tribune_learned::Model| {
        let examples =
            tribune_training::featurize_prepared(&records, &prepared, model.featurizer());
        tribune_training::evaluate(model, &records, &examples, &languages, &selected)
    };
    let embedded = report(&model);
    println!("\nlearned model alone (embedded), by source, language and head:");
    println!("{embedded}");
    if let Some(baseline_path) = baseline {
        let baseline = tribune_training::read_model(baseline_path)
            .with_context(|| format!("reading the baseline model {}", baseline_path.display()))?;
        println!(
            "{}",
            tribune_training::Comparison {
                before: ("baseline", &report(&baseline)),
                after: ("embedded", &embedded),
            }
        );
    }
    if let Some((scores, heads)) = heads {
        let (rows, scored): (
            Vec<tribune_training::Record>,
            Vec<[f32; tribune_learned::HEAD_COUNT]>,
        ) = records
            .iter()
            .zip(&languages)
            .filter_map(|(r, _)| Some((r.clone(), *scores.get(&r.id)?)))
            .unzip();
        let row_languages: Vec<String> = records
            .iter()
            .zip(&languages)
            .filter(|(r, _)| scores.contains_key(&r.id))
            .map(|(_, l)| l.clone())
            .collect();
        let stacked = tribune_training::evaluate_scores(
            &rows,
            &scored,
            &row_languages,
            &selected,
            &|h, l| heads.dense().stack_in(h, l).1,
        );
        println!("\nencoder heads stacked with the learned model, by source, language and head:");
        println!("{stacked}");
        println!(
            "{}",
            tribune_training::Comparison {
                before: ("learned", &embedded),
                after: ("encoder", &stacked),
            }
        );
    }
    Ok(())
}
