//! `tribune train`: trains the learned classifier on labelled corpus folders and writes the
//! model file and its manifest.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tribune_learned::{FeatureConfig, HiddenConfig, TrainConfig};
use tribune_training::{
    ClassBalance, DEFAULT_MASKS, Mask, NORMALISER, Stage, TrainOptions, engine_input, load_corpora,
    train_model, utc_now, write_outputs,
};

/// Arguments of `tribune train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Folder holding train.jsonl and dev.jsonl; repeat it to train on several folders.
    #[arg(long, value_name = "DIR", default_value = "../shared/data/corpus")]
    pub data: Vec<PathBuf>,
    /// A source's labels of one head that training leaves out, as SOURCE:HEAD; repeatable.
    /// Giving any replaces the defaults; `--mask none` leaves nothing out.
    #[arg(long = "mask", value_name = "SOURCE:HEAD", default_values = DEFAULT_MASKS)]
    pub masks: Vec<String>,
    /// Model file to write; the manifest goes beside it with a .json extension.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "models/tribune-learned.bin"
    )]
    pub out: PathBuf,
    /// Seed of the shuffling: the same seed and data give the same model bytes.
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    pub seed: u64,
    /// Passes over the training data.
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    pub epochs: u32,
    /// Features are hashed into 2^bits buckets (the file holds one byte per head per used bucket).
    #[arg(long, default_value_t = FeatureConfig::default().bits)]
    pub bits: u8,
    /// Shortest character n-gram (in chars, counting the padding space around each word).
    #[arg(long, default_value_t = FeatureConfig::default().char_min)]
    pub char_min: u8,
    /// Longest character n-gram.
    #[arg(long, default_value_t = FeatureConfig::default().char_max)]
    pub char_max: u8,
    /// Weight of the character n-gram block.
    #[arg(long, default_value_t = FeatureConfig::default().char_weight)]
    pub char_weight: f32,
    /// Weight of the word uni/bigram block.
    #[arg(long, default_value_t = FeatureConfig::default().word_weight)]
    pub word_weight: f32,
    /// Weight of the signal block.
    #[arg(long, default_value_t = FeatureConfig::default().signal_weight)]
    pub signal_weight: f32,
    /// Words only: adjacent word pairs are not features.
    #[arg(long)]
    pub no_word_bigrams: bool,
    /// Do not hash words and word pairs a second time together with the text's language.
    #[arg(long)]
    pub no_language_copies: bool,
    /// Hash character n-grams a second time together with the text's language too.
    #[arg(long)]
    pub char_language_copies: bool,
    /// Do not hash signal tokens a second time together with the text's language, nor give
    /// each language a bias of its own.
    #[arg(long)]
    pub no_signal_language_copies: bool,
    /// Only the first N chars of a text are read.
    #[arg(long, value_name = "N", default_value_t = FeatureConfig::default().max_chars)]
    pub max_chars: u32,
    /// AdaGrad base rate of the first epoch.
    #[arg(long, default_value_t = TrainConfig::default().learning_rate)]
    pub learning_rate: f32,
    /// The base rate of epoch e (from 0) is learning_rate / (1 + rate_decay * e).
    #[arg(long, default_value_t = TrainConfig::default().rate_decay)]
    pub rate_decay: f32,
    /// L2 penalty.
    #[arg(long, default_value_t = TrainConfig::default().l2)]
    pub l2: f32,
    /// 0 weighs all examples alike, 1 balances each head's classes fully.
    #[arg(long, default_value_t = TrainConfig::default().class_weight_power)]
    pub class_weight_power: f32,
    /// Within which rows each head's classes are balanced: corpus, language or source.
    #[arg(long, value_name = "ROWS", default_value = "source")]
    pub class_balance: ClassBalance,
    /// The model's weights are the mean of those after each of the last N epochs.
    #[arg(long, value_name = "N", default_value_t = TrainConfig::default().average_last)]
    pub average_last: u32,
    /// Train the encoder stage's heads instead, into this file (the manifest beside it):
    /// over the encoder's embeddings of the corpus, stacked and calibrated on dev.
    #[arg(long, value_name = "FILE")]
    pub encoder_heads: Option<PathBuf>,
    /// A file of embeddings (`tribune embed` output, `{id, tokens, embedding}` lines) to
    /// reuse; repeatable. Rows missing from every cache are embedded with the encoder.
    #[arg(long = "embedding-cache", value_name = "FILE")]
    pub embedding_caches: Vec<PathBuf>,
    /// The heads read one train row in N of a folder (rows at 0-based index i with
    /// i % N == 0 of its train.jsonl), written FOLDER=N; repeatable.
    #[arg(long = "encoder-rows-every", value_name = "FOLDER=N")]
    pub encoder_rows_every: Vec<tribune_training::RowsEvery>,
    /// The functional suite's training part (a folder of `LANG.txt` files in the suite's
    /// format, e.g. crates/moderation/functional/train) for the heads to train on as well;
    /// never the suite's test part.
    #[arg(long, value_name = "DIR")]
    pub functional_train: Option<PathBuf>,
    /// How many times the heads train on each case of `--functional-train`.
    #[arg(long, value_name = "N", default_value_t = tribune_training::HeadsOptions::default().functional_repeat)]
    pub functional_repeat: usize,
    /// Token cap of the embeddings.
    #[arg(long, value_name = "N", default_value_t = 128)]
    pub encoder_max_tokens: usize,
    /// Passes over the data for the heads.
    #[arg(long, default_value_t = tribune_learned::dense_train_config().epochs)]
    pub heads_epochs: u32,
    /// AdaGrad base rate of the heads' first epoch.
    #[arg(long, default_value_t = tribune_learned::dense_train_config().learning_rate)]
    pub heads_learning_rate: f32,
    /// L2 penalty of the heads.
    #[arg(long, default_value_t = tribune_learned::dense_train_config().l2)]
    pub heads_l2: f32,
    /// Rectified units of the hidden layer the heads share; 0 trains logistic heads straight
    /// over the input (with --heads-epochs, --heads-learning-rate and --heads-l2).
    #[arg(long, value_name = "N", default_value_t = HiddenConfig::default().units)]
    pub heads_hidden: usize,
    /// Passes over the data for heads over a hidden layer.
    #[arg(long, value_name = "N", default_value_t = HiddenConfig::default().epochs)]
    pub hidden_epochs: u32,
    /// Adam's step size for heads over a hidden layer.
    #[arg(long, default_value_t = HiddenConfig::default().learning_rate)]
    pub hidden_learning_rate: f32,
    /// L2 penalty of the hidden layer and the heads over it.
    #[arg(long, default_value_t = HiddenConfig::default().l2)]
    pub hidden_l2: f32,
    /// Share of hidden units dropped from each training example's pass.
    #[arg(long, default_value_t = HiddenConfig::default().dropout)]
    pub hidden_dropout: f32,
    /// Examples per Adam step.
    #[arg(long, value_name = "N", default_value_t = HiddenConfig::default().batch)]
    pub hidden_batch: usize,
    /// Networks trained from consecutive seeds and averaged into the one layer the heads read
    /// (its units: --heads-hidden × N).
    #[arg(long, value_name = "N", default_value_t = HiddenConfig::default().networks)]
    pub hidden_networks: usize,
    #[command(flatten)]
    pub encoder: crate::encoder_commands::EncoderArgs,
}

/// This run's command line as typed (after the program name), for the manifest.
fn command_line() -> String {
    let words = std::env::args().skip(1).map(|a| {
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=,".contains(c))
        {
            a
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    });
    std::iter::once("tribune".to_owned())
        .chain(words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A bar on a terminal's stderr; hidden when stderr is piped.
pub(crate) fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    let style =
        ProgressStyle::with_template("{msg:<28} [{bar:40}] {percent:>3}% {elapsed_precise}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Runs `tribune train`.
pub fn train(args: TrainArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let masks: Vec<Mask> = args
        .masks
        .iter()
        .filter(|m| *m != "none")
        .map(|m| m.parse().map_err(|e| anyhow::anyhow!("--mask {m}: {e}")))
        .collect::<anyhow::Result<_>>()?;
    let corpus = load_corpora(&args.data).with_context(|| {
        let dirs: Vec<String> = args.data.iter().map(|d| d.display().to_string()).collect();
        format!("reading the corpus in {}", dirs.join(", "))
    })?;
    if let Some(out) = &args.encoder_heads {
        return train_heads(&args, &corpus, masks, out, started);
    }
    let name = args
        .out
        .file_stem()
        .map_or_else(|| "model".to_owned(), |s| s.to_string_lossy().into_owned());
    let options = TrainOptions {
        name,
        command: command_line(),
        masks,
        class_balance: args.class_balance,
        features: FeatureConfig {
            bits: args.bits,
            char_min: args.char_min,
            char_max: args.char_max,
            char_weight: args.char_weight,
            word_weight: args.word_weight,
            signal_weight: args.signal_weight,
            word_bigrams: !args.no_word_bigrams,
            max_chars: args.max_chars,
            language_copies: !args.no_language_copies,
            char_language_copies: args.char_language_copies,
            signal_language_copies: !args.no_signal_language_copies,
        },
        train: TrainConfig {
            seed: args.seed,
            epochs: args.epochs,
            learning_rate: args.learning_rate,
            rate_decay: args.rate_decay,
            l2: args.l2,
            class_weight_power: args.class_weight_power,
            average_last: args.average_last,
        },
        targets: TrainOptions::default().targets,
    };

    let bar = progress_bar();
    let mut on_stage = |stage: Stage| match stage {
        Stage::Features { done, total } => {
            bar.set_message("building features");
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        Stage::Training(p) => {
            bar.set_message(format!("epoch {}/{} loss {:.4}", p.epoch, p.epochs, p.loss));
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
        Stage::Promotion { fold, folds } => {
            bar.set_message(format!("promotion fold {fold}/{folds}"));
            bar.set_length(folds as u64);
            bar.set_position(fold as u64);
        }
        Stage::Evaluating => bar.set_message("calibrating and evaluating"),
    };
    let outcome = train_model(
        &corpus,
        &options,
        &engine_input,
        NORMALISER,
        utc_now(),
        &mut on_stage,
    )
    .context("training the learned classifier")?;
    bar.finish_and_clear();

    let (model_path, manifest_path) = write_outputs(&outcome, &args.out)?;
    println!("dev figures (thresholds chosen on dev):");
    print!("{}", outcome.report);
    if let Some(p) = &outcome.promotion {
        println!(
            "promotion, leave one video out over {}:",
            p.videos.join(", ")
        );
        print!("{}", p.figures);
    }
    println!(
        "wrote {} ({} bytes, {} non-zero buckets) and {} in {:.1} s",
        model_path.display(),
        outcome.manifest.model_bytes,
        outcome.manifest.nonzero_buckets,
        manifest_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `tribune train --encoder-heads FILE`: the encoder stage's heads.
fn train_heads(
    args: &TrainArgs,
    corpus: &tribune_training::Corpus,
    masks: Vec<Mask>,
    out: &std::path::Path,
    started: Instant,
) -> anyhow::Result<()> {
    let mut cache = tribune_training::EmbeddingCache::default();
    for path in &args.embedding_caches {
        let n = cache
            .read(path)
            .with_context(|| format!("reading the embedding cache {}", path.display()))?;
        eprintln!("{}: {n} embeddings", path.display());
    }
    let functional = match &args.functional_train {
        Some(dir) => tribune_training::read_functional_train(dir).with_context(|| {
            format!(
                "reading the functional suite's training part in {}",
                dir.display()
            )
        })?,
        None => tribune_training::FunctionalTrain::default(),
    };
    anyhow::ensure!(
        args.functional_repeat > 0 || functional.records.is_empty(),
        "--functional-repeat must be at least 1"
    );
    let rows = tribune_training::encoder_train_rows(corpus, &args.encoder_rows_every);
    let missing: Vec<(&str, &str)> = rows
        .iter()
        .map(|&i| &corpus.train[i])
        .chain(&corpus.dev)
        .chain(&functional.records)
        .filter(|r| !cache.embeddings.contains_key(&r.id))
        .map(|r| (r.id.as_str(), r.text.as_str()))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "{} of {} rows have no cached embedding: embedding them",
            missing.len(),
            rows.len() + corpus.dev.len() + functional.records.len()
        );
        for (id, embedding) in
            crate::encoder_commands::embed_texts(&args.encoder, args.encoder_max_tokens, &missing)?
        {
            cache.embeddings.insert(id, embedding);
        }
    }
    let name = out
        .file_stem()
        .map_or_else(|| "heads".to_owned(), |s| s.to_string_lossy().into_owned());
    let options = tribune_training::HeadsOptions {
        name,
        command: command_line(),
        train: TrainConfig {
            seed: args.seed,
            epochs: args.heads_epochs,
            learning_rate: args.heads_learning_rate,
            l2: args.heads_l2,
            class_weight_power: args.class_weight_power,
            ..tribune_learned::dense_train_config()
        },
        hidden: (args.heads_hidden > 0).then_some(HiddenConfig {
            units: args.heads_hidden,
            epochs: args.hidden_epochs,
            learning_rate: args.hidden_learning_rate,
            l2: args.hidden_l2,
            dropout: args.hidden_dropout,
            batch: args.hidden_batch,
            networks: args.hidden_networks,
            seed: args.seed,
        }),
        masks,
        class_balance: args.class_balance,
        rows_every: args.encoder_rows_every.clone(),
        functional_repeat: args.functional_repeat,
        max_tokens: args.encoder_max_tokens,
        ..tribune_training::HeadsOptions::default()
    };
    let bar = progress_bar();
    let mut on_stage = |stage: tribune_training::HeadsStage| match stage {
        tribune_training::HeadsStage::Inputs { done, total } => {
            bar.set_message("reading the fast stages");
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        tribune_training::HeadsStage::Training(p) => {
            bar.set_message(format!("epoch {}/{} loss {:.4}", p.epoch, p.epochs, p.loss));
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
        tribune_training::HeadsStage::Calibrating => bar.set_message("stacking and calibrating"),
    };
    let outcome = tribune_training::train_heads(
        corpus,
        &functional,
        &cache,
        &options,
        utc_now(),
        &mut on_stage,
    )
    .context("training the encoder heads")?;
    bar.finish_and_clear();
    tribune_training::write_heads(&outcome, out)?;
    println!("dev figures, the encoder heads stacked with the learned stage:");
    print!("{}", outcome.encoder);
    println!(
        "{}",
        tribune_training::Comparison {
            before: ("learned", &outcome.learned),
            after: ("encoder", &outcome.encoder),
        }
    );
    println!(
        "wrote {} ({} bytes, {} train rows, {} dev rows) and its manifest in {:.1} s",
        out.display(),
        outcome.manifest.file_bytes,
        outcome.manifest.train_rows,
        outcome.manifest.dev_rows,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
