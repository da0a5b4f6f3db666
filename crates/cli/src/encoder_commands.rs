//! The encoder's place in the CLI: the model folder's flag, its status in `tribune check`, the
//! loaded stage `moderate`, `check` and `eval` read comments with and `serve` reads them with
//! off the request path, and (built with the `encoder` feature) `tribune embed`.

use std::path::PathBuf;

/// Where the encoder's model folder is.
#[derive(Debug, clap::Args)]
pub struct EncoderArgs {
    /// The encoder's model folder (`scripts/fetch-encoder.sh DIR` installs it); read by builds
    /// with the `encoder` feature.
    #[arg(
        long = "encoder-model",
        env = "TRIBUNE_ENCODER_MODEL",
        value_name = "DIR",
        default_value = "tribune-data/encoder"
    )]
    pub dir: PathBuf,
    /// Decide with the fast stages only, even where the encoder is built in and its model
    /// loads (for comparison).
    #[arg(long)]
    pub no_encoder: bool,
    /// Read with this heads file (`tribune train --encoder-heads` output) instead of the
    /// committed one, e.g. to evaluate retrained heads before committing them.
    #[arg(long, env = "TRIBUNE_ENCODER_HEADS", value_name = "FILE")]
    pub heads_file: Option<PathBuf>,
}

/// The encoder stage as the CLI runs it: the encoder, loaded, and its heads (the committed
/// ones unless `--heads-file` names others).
#[cfg(feature = "encoder")]
pub struct Stage {
    encoder: tribune_encoder::Encoder,
    heads: tribune_moderation::EncoderHeads,
}

/// Without the `encoder` feature there is no stage to load.
#[cfg(not(feature = "encoder"))]
pub enum Stage {}

#[cfg(not(feature = "encoder"))]
impl Stage {
    pub fn read(
        &self,
        _comment: &tribune_moderation::Comment<'_>,
        _first: tribune_moderation::Verdict,
        _policy: &tribune_moderation::Policy,
    ) -> anyhow::Result<tribune_moderation::Verdict> {
        match *self {}
    }

    pub fn read_for_figures(
        &self,
        _comment: &tribune_moderation::Comment<'_>,
        _first: tribune_moderation::Verdict,
        _policy: &tribune_moderation::Policy,
        _embedding: &[f32],
    ) -> tribune_moderation::Verdict {
        match *self {}
    }

    pub fn embed(&self, _text: &str) -> anyhow::Result<Vec<f32>> {
        match *self {}
    }

    pub fn heads(&self) -> &tribune_moderation::EncoderHeads {
        match *self {}
    }
}

#[cfg(feature = "encoder")]
impl Stage {
    /// The final verdict for a comment the fast stages judged `first`: the encoder's reading
    /// where the policy wants it, else `first`.
    pub fn read(
        &self,
        comment: &tribune_moderation::Comment<'_>,
        first: tribune_moderation::Verdict,
        policy: &tribune_moderation::Policy,
    ) -> anyhow::Result<tribune_moderation::Verdict> {
        if !tribune_moderation::wants_encoder(&first, policy) {
            return Ok(first);
        }
        tribune_moderation::read_with_encoder_batched(comment, &first, &self.heads, policy, |t| {
            self.embed_batch(t)
        })
    }

    /// The encoder's reading of a comment whatever the cascade rule (the caller applies
    /// it), with the comment's embedding given, for figures: a decision and its scores never
    /// depend on the evidence, so the variants with a word left out are not embedded (each
    /// gets the comment's own embedding: no word is named).
    pub fn read_for_figures(
        &self,
        comment: &tribune_moderation::Comment<'_>,
        first: tribune_moderation::Verdict,
        policy: &tribune_moderation::Policy,
        embedding: &[f32],
    ) -> tribune_moderation::Verdict {
        let read =
            tribune_moderation::read_with_encoder(comment, &first, &self.heads, policy, |_| {
                Ok::<_, std::convert::Infallible>(embedding.to_vec())
            });
        match read {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// The embedding of a text, at the heads' token cap.
    pub fn embed(&self, text: &str) -> anyhow::Result<Vec<f32>> {
        Ok(self.encoder.embed(text)?.into_vec())
    }

    /// The embeddings of several texts, read in one pass.
    pub fn embed_batch(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        Ok(self
            .encoder
            .embed_batch(texts)?
            .into_iter()
            .map(tribune_encoder::Embedding::into_vec)
            .collect())
    }

    /// The heads the stage reads with.
    pub fn heads(&self) -> &tribune_moderation::EncoderHeads {
        &self.heads
    }
}

/// `tribune serve`'s encoder stage: its worker reads the comments the policy sends to it.
#[cfg(feature = "encoder")]
impl tribune_server::SecondReading for Stage {
    fn wants(
        &self,
        first: &tribune_moderation::Verdict,
        policy: &tribune_moderation::Policy,
    ) -> bool {
        tribune_moderation::wants_encoder(first, policy)
    }

    fn read(
        &self,
        comment: &tribune_moderation::Comment<'_>,
        _article: Option<&tribune_moderation::Article<'_>>,
        first: &tribune_moderation::Verdict,
        policy: &tribune_moderation::Policy,
    ) -> Result<tribune_moderation::Verdict, String> {
        tribune_moderation::read_with_encoder_batched(comment, first, &self.heads, policy, |t| {
            self.embed_batch(t)
        })
        .map_err(|e| format!("{e:#}"))
    }

    /// The batch's comments embedded in one pass, then each read with its own embedding (the
    /// evidence variants of a flagged one in a pass of their own). Should the batch not embed
    /// (one text the tokenizer refuses), each comment is read alone, so one fails, not all.
    fn read_batch(
        &self,
        batch: &[tribune_server::ReadingInput<'_>],
        policy: &tribune_moderation::Policy,
    ) -> Vec<Result<tribune_moderation::Verdict, String>> {
        let texts: Vec<&str> = batch.iter().map(|input| input.comment.text).collect();
        let Ok(embeddings) = self.embed_batch(&texts) else {
            return tribune_server::read_each(self, batch, policy);
        };
        batch
            .iter()
            .zip(embeddings)
            .map(|(input, embedding)| {
                let mut own = Some(embedding);
                tribune_moderation::read_with_encoder_batched(
                    &input.comment,
                    input.first,
                    &self.heads,
                    policy,
                    |texts| match (own.take(), texts) {
                        // The first call is the comment itself, embedded with the batch.
                        (Some(embedding), [text]) if *text == input.comment.text => {
                            Ok(vec![embedding])
                        }
                        _ => self.embed_batch(texts),
                    },
                )
                .map_err(|e| format!("{e:#}"))
            })
            .collect()
    }

    // The verdict's engine version already names the heads.
    fn name(&self) -> String {
        "multilingual-e5-small".into()
    }
}

/// The encoder stage for `tribune serve`, or why the server runs without it.
pub fn serve_stage(
    args: &EncoderArgs,
) -> Result<std::sync::Arc<dyn tribune_server::SecondReading>, String> {
    if args.no_encoder {
        return Err("--no-encoder".into());
    }
    serve_reading(try_load(args)?)
}

#[cfg(feature = "encoder")]
fn serve_reading(
    stage: Stage,
) -> Result<std::sync::Arc<dyn tribune_server::SecondReading>, String> {
    Ok(std::sync::Arc::new(stage))
}

#[cfg(not(feature = "encoder"))]
fn serve_reading(
    stage: Stage,
) -> Result<std::sync::Arc<dyn tribune_server::SecondReading>, String> {
    match stage {}
}

/// Loads the stage, or says on stderr why the fast stages decide alone.
pub fn load_stage(args: &EncoderArgs) -> Option<Stage> {
    if args.no_encoder {
        eprintln!("encoder: off (--no-encoder): the fast stages decide alone");
        return None;
    }
    match try_load(args) {
        Ok(stage) => Some(stage),
        Err(why) => {
            eprintln!("encoder: {why}: the fast stages decide alone");
            None
        }
    }
}

#[cfg(not(feature = "encoder"))]
fn try_load(args: &EncoderArgs) -> Result<Stage, String> {
    Err(format!(
        "not in this build (cargo feature `encoder`), {} not read",
        args.dir.display()
    ))
}

#[cfg(feature = "encoder")]
fn try_load(args: &EncoderArgs) -> Result<Stage, String> {
    let dir = args.dir.display();
    if !args.dir.join(tribune_encoder::MODEL_FILE).is_file() {
        return Err(format!(
            "no model in {dir} (run scripts/fetch-encoder.sh {dir})"
        ));
    }
    let heads = match &args.heads_file {
        None => tribune_moderation::EncoderHeads::embedded().clone(),
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read the heads file {}: {e}", path.display()))?;
            tribune_moderation::EncoderHeads::from_bytes(&bytes)
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
    };
    let options = tribune_encoder::EncoderOptions {
        max_tokens: heads.max_tokens(),
        ..tribune_encoder::EncoderOptions::default()
    };
    let encoder = tribune_encoder::Encoder::load(&args.dir, options)
        .map_err(|e| format!("the model in {dir} does not load: {e}"))?;
    if encoder.dimensions() != heads.dimension() {
        return Err(format!(
            "the model in {dir} makes {}-value embeddings, the heads read {}",
            encoder.dimensions(),
            heads.dimension()
        ));
    }
    Ok(Stage { encoder, heads })
}

/// One line for `tribune check`: whether the encoder is there and loads, and what it costs.
#[cfg(not(feature = "encoder"))]
pub fn status(args: &EncoderArgs, _text: &str) -> String {
    format!(
        "encoder: not in this build (cargo feature `encoder`), {} not read: the fast stages only",
        args.dir.display()
    )
}

#[cfg(feature = "encoder")]
pub use with_encoder::{EmbedArgs, embed, embed_texts, status};

/// Without the encoder, texts cannot be embedded: says how many wait.
#[cfg(not(feature = "encoder"))]
pub fn embed_texts(
    _args: &EncoderArgs,
    _max_tokens: usize,
    texts: &[(&str, &str)],
) -> anyhow::Result<Vec<(String, Vec<f32>)>> {
    anyhow::bail!(
        "{} texts have no cached embedding and this build has no encoder (cargo feature `encoder`)",
        texts.len()
    )
}

#[cfg(feature = "encoder")]
mod with_encoder {
    use std::io::Write;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    use anyhow::Context;
    use serde::{Deserialize, Serialize};
    use tribune_encoder::{Encoder, EncoderOptions, Precision};

    use super::EncoderArgs;

    pub fn status(args: &EncoderArgs, text: &str) -> String {
        let dir = args.dir.display();
        if !args.dir.join(tribune_encoder::MODEL_FILE).is_file() {
            return format!(
                "encoder: no model in {dir} (run scripts/fetch-encoder.sh {dir}): the fast stages only"
            );
        }
        let start = Instant::now();
        let options = EncoderOptions::default();
        let encoder = match Encoder::load(&args.dir, options) {
            Ok(encoder) => encoder,
            Err(error) => return format!("encoder: does not load: {error}: the fast stages only"),
        };
        let loaded = start.elapsed();
        let start = Instant::now();
        match encoder.tokenize(text).and_then(|ids| {
            let embedded = encoder.embed_tokens(&ids)?;
            Ok((ids.len(), embedded))
        }) {
            Ok((tokens, _)) => format!(
                "encoder: multilingual-e5-small from {dir}, loaded in {} ms ({:?} products); this \
                 text is {tokens} tokens, embedded in {} ms",
                loaded.as_millis(),
                options.precision,
                start.elapsed().as_millis()
            ),
            Err(error) => format!("encoder: loaded from {dir} but failed on this text: {error}"),
        }
    }

    /// The embeddings of `(id, text)` pairs at `max_tokens`, with a progress line on stderr.
    pub fn embed_texts(
        args: &EncoderArgs,
        max_tokens: usize,
        texts: &[(&str, &str)],
    ) -> anyhow::Result<Vec<(String, Vec<f32>)>> {
        let options = EncoderOptions {
            max_tokens,
            ..EncoderOptions::default()
        };
        let encoder = Encoder::load(&args.dir, options)
            .with_context(|| format!("cannot load the encoder from {}", args.dir.display()))?;
        let start = Instant::now();
        let mut out = Vec::with_capacity(texts.len());
        for (n, (id, text)) in texts.iter().enumerate() {
            let e = encoder
                .embed(text)
                .with_context(|| format!("embedding record {id}"))?;
            out.push(((*id).to_owned(), e.into_vec()));
            if (n + 1) % 500 == 0 {
                eprintln!(
                    "embedded {} of {} ({:.0} s)",
                    n + 1,
                    texts.len(),
                    start.elapsed().as_secs_f64()
                );
            }
        }
        Ok(out)
    }

    /// Write the encoder's embedding of every record of a JSON Lines file (`{id, text, ...}`,
    /// other fields ignored): one `{id, tokens, embedding}` line each, for training heads.
    #[derive(Debug, clap::Args)]
    pub struct EmbedArgs {
        /// The JSON Lines file.
        file: PathBuf,
        /// Where to write the embeddings; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// How the weights are held: int8, f32 (the reference), q4-embeddings or q4. By
        /// default, as the stage reads on this CPU: int8 with AVX-512 VNNI, else
        /// q4-embeddings.
        #[arg(long, value_enum)]
        precision: Option<PrecisionArg>,
        /// Longest token sequence read (a longer text is cut), at most 512.
        #[arg(long, default_value_t = 512)]
        max_tokens: usize,
        #[command(flatten)]
        encoder: EncoderArgs,
    }

    #[derive(Debug, Clone, Copy, clap::ValueEnum)]
    enum PrecisionArg {
        Int8,
        F32,
        Q4Embeddings,
        Q4,
    }

    #[derive(Deserialize)]
    struct Record {
        id: serde_json::Value,
        text: String,
    }

    #[derive(Serialize)]
    struct EmbeddingLine<'a> {
        id: &'a serde_json::Value,
        tokens: usize,
        embedding: &'a [f32],
    }

    pub fn embed(args: EmbedArgs) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {} as UTF-8 text", args.file.display()))?;
        let (records, bad) = crate::engine_commands::json_lines::<Record>(&text);
        anyhow::ensure!(
            bad == 0,
            "{bad} lines of {} are not records",
            args.file.display()
        );
        let precision = match args.precision {
            None => Precision::preferred(),
            Some(PrecisionArg::F32) => Precision::F32,
            Some(PrecisionArg::Q4Embeddings) => Precision::Q4Embeddings,
            Some(PrecisionArg::Q4) => Precision::Q4,
            Some(PrecisionArg::Int8) => Precision::Int8,
        };
        let options = EncoderOptions {
            precision,
            max_tokens: args.max_tokens,
        };
        let start = Instant::now();
        let encoder = Encoder::load(&args.encoder.dir, options).with_context(|| {
            format!(
                "cannot load the encoder from {}",
                args.encoder.dir.display()
            )
        })?;
        eprintln!(
            "loaded the encoder ({precision:?} products) in {} ms",
            start.elapsed().as_millis()
        );
        let mut out: Box<dyn Write> = match &args.out {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        let mut times = Vec::with_capacity(records.len());
        let progress = crate::train_command::progress_bar();
        progress.set_length(records.len() as u64);
        progress.set_message(format!("embedding {}", args.file.display()));
        for (n, record) in records.iter().enumerate() {
            progress.inc(1);
            let start = Instant::now();
            let ids = encoder
                .tokenize(&record.text)
                .with_context(|| format!("record {}", n + 1))?;
            let embedding = encoder
                .embed_tokens(&ids)
                .with_context(|| format!("record {}", n + 1))?;
            times.push(start.elapsed());
            let line = EmbeddingLine {
                id: &record.id,
                tokens: ids.len(),
                embedding: embedding.as_slice(),
            };
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
        out.flush()?;
        progress.finish_and_clear();
        times.sort();
        let at = |p: usize| {
            times
                .get((p * times.len()).div_ceil(100).max(1) - 1)
                .copied()
                .unwrap_or(Duration::ZERO)
        };
        eprintln!(
            "embedded {} texts: {:.1} ms p50, {:.1} ms p99 each",
            times.len(),
            at(50).as_secs_f64() * 1000.0,
            at(99).as_secs_f64() * 1000.0
        );
        Ok(())
    }
}
