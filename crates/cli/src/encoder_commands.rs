//! The encoder's place in the CLI: the model folder's flag, its status in `tribune check`, and
//! (built with the `encoder` feature) `tribune embed`. The encoder does not decide anything
//! yet: the verdict is the fast stages' alone.

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
pub use with_encoder::{EmbedArgs, embed, status};

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
        let encoder = match Encoder::load(&args.dir, EncoderOptions::default()) {
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
                "encoder: multilingual-e5-small from {dir}, loaded in {} ms; this text is {tokens} \
                 tokens, embedded in {} ms (not yet part of the verdict)",
                loaded.as_millis(),
                start.elapsed().as_millis()
            ),
            Err(error) => format!("encoder: loaded from {dir} but failed on this text: {error}"),
        }
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
        /// How the weights are held: f32 (the reference), q4-embeddings (default) or q4.
        #[arg(long, value_enum, default_value_t = PrecisionArg::Q4Embeddings)]
        precision: PrecisionArg,
        /// Longest token sequence read (a longer text is cut), at most 512.
        #[arg(long, default_value_t = 512)]
        max_tokens: usize,
        #[command(flatten)]
        encoder: EncoderArgs,
    }

    #[derive(Debug, Clone, Copy, clap::ValueEnum)]
    enum PrecisionArg {
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
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::Q4Embeddings => Precision::Q4Embeddings,
            PrecisionArg::Q4 => Precision::Q4,
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
        eprintln!("loaded the encoder in {} ms", start.elapsed().as_millis());
        let mut out: Box<dyn Write> = match &args.out {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        let mut times = Vec::with_capacity(records.len());
        for (n, record) in records.iter().enumerate() {
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
