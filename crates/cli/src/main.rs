//! `tribune`: one binary for the whole comment platform. It parses arguments and calls into the
//! crates that do the work; nothing here is Tribune's logic.

mod engine_commands;
mod train_command;

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use tribune_server::{App, ServerConfig, parse_article_text, slugify};
use tribune_store::{NewArticle, Role, Store, StoreError};

#[derive(Parser)]
#[command(
    name = "tribune",
    version,
    about = "Tribune: a moderation-first comment platform for news publishers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct DataArgs {
    /// Folder of the embedded database.
    #[arg(long, env = "TRIBUNE_DATA", default_value = "tribune-data")]
    data: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (creates, migrates and seeds the database on first start).
    Serve(ServeArgs),
    /// Manage moderator and admin accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage articles.
    Article {
        #[command(subcommand)]
        command: ArticleCommand,
    },
    /// Run the moderation engine on one text and explain its verdict.
    Check(engine_commands::CheckArgs),
    /// Moderate JSON Lines from standard input: one verdict line per input line.
    Moderate(engine_commands::ModerateArgs),
    /// Score the engine on a labelled JSON Lines file.
    Eval(engine_commands::EvalArgs),
    /// Train the learned classifier on the labelled corpus.
    Train(train_command::TrainArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Moderation policy file (TOML); the engine's documented defaults otherwise.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Longest comment accepted, in characters.
    #[arg(long, default_value_t = 5000)]
    max_comment_chars: usize,
    /// Comments one address may submit per minute.
    #[arg(long, default_value_t = 10)]
    comments_per_minute: u32,
    /// Send cookies without the Secure flag (only for plain-HTTP hosts other than localhost).
    #[arg(long)]
    insecure_cookies: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from standard input (required: passwords never go in arguments).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum ArticleCommand {
    /// Import plain-text articles: first line the title, then paragraphs.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Language of the articles (en, ar, ckb, kmr, tr, fa); detected when absent.
        #[arg(long)]
        lang: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The chain of causes names what was wrong and where; a backtrace would not help.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Check(args) => engine_commands::check(args),
        Command::Moderate(args) => engine_commands::moderate(args),
        Command::Eval(args) => engine_commands::eval(args),
        Command::Train(args) => train_command::train(args),
        Command::Serve(args) => runtime()?.block_on(serve(args)),
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    password_stdin: _,
                    data,
                },
        } => runtime()?.block_on(add_user(&data.data, &name, role)),
        Command::Article {
            command: ArticleCommand::Import { files, lang, data },
        } => runtime()?.block_on(import_articles(&data.data, &files, lang.as_deref())),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

async fn open_store(data: &Path) -> anyhow::Result<Store> {
    Store::open_dir(data)
        .await
        .with_context(|| format!("cannot open the database in {}", data.display()))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let policy = match &args.policy {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the policy file {}", path.display()))?,
        ),
        None => None,
    };
    let store = open_store(&args.data.data).await?;
    let admin_password = std::env::var("TRIBUNE_ADMIN_PASSWORD").ok();
    let seeded = tribune_server::demo::seed_if_empty(&store, admin_password.as_deref())
        .await
        .context("cannot seed the demo content")?;
    if seeded.articles > 0 {
        println!("Seeded {} demo articles.", seeded.articles);
    }
    if let Some(password) = seeded.admin_password {
        println!("Created the account 'admin' (role admin) with the password: {password}");
        println!("It is shown only this once. Log in at /login.");
    }
    let config = ServerConfig {
        max_comment_chars: args.max_comment_chars,
        comments_per_minute: args.comments_per_minute,
        secure_cookies: !args.insecure_cookies,
        ..ServerConfig::default()
    };
    let app = App::new(store, config, policy.as_deref()).with_context(|| match &args.policy {
        Some(path) => format!("invalid policy file {}", path.display()),
        None => "invalid default policy".to_owned(),
    })?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("Tribune is listening on http://{}", listener.local_addr()?);
    tribune_server::serve(listener, Arc::new(app)).await?;
    Ok(())
}

async fn add_user(data: &Path, name: &str, role: Role) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let store = open_store(data).await?;
    let user = tribune_server::create_user(&store, name, role, password).await?;
    println!("Created {} ({}).", user.username, user.role);
    Ok(())
}

async fn import_articles(data: &Path, files: &[PathBuf], lang: Option<&str>) -> anyhow::Result<()> {
    let store = open_store(data).await?;
    let progress = if std::io::stderr().is_terminal() && files.len() > 1 {
        ProgressBar::new(files.len() as u64).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let mut failures = 0;
    for path in files {
        progress.set_message(path.display().to_string());
        match import_one(&store, path, lang).await {
            Ok(report) => progress.suspend(|| println!("{report}")),
            Err(e) => {
                failures += 1;
                progress.suspend(|| eprintln!("{}: not imported: {e:#}", path.display()));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if failures > 0 {
        bail!("{failures} of {} files could not be imported", files.len());
    }
    Ok(())
}

async fn import_one(store: &Store, path: &Path, lang: Option<&str>) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))?;
    let article = parse_article_text(&text).map_err(anyhow::Error::msg)?;
    let body = article.body();
    let lang = match lang {
        Some(lang) => lang.to_owned(),
        None => {
            let sample = format!("{}\n{body}", article.title);
            let policy = tribune_moderation::Policy::default();
            tribune_moderation::learning_input(&sample, None, &policy).language
        }
    };
    let base = slugify(&article.title);
    let mut slug = base.clone();
    let mut n = 1;
    let stored = loop {
        let new = NewArticle {
            slug: slug.clone(),
            title: article.title.clone(),
            body: body.clone(),
            lang: lang.clone(),
        };
        match store.insert_article(&new).await {
            Ok(stored) => break stored,
            Err(StoreError::DuplicateSlug(_)) if n < 100 => {
                n += 1;
                slug = format!("{base}-{n}");
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mut report = format!(
        "{}: imported {:?} as /articles/{} ({} paragraphs, language {})",
        path.display(),
        stored.title,
        stored.slug,
        article.paragraphs.len(),
        stored.lang
    );
    for dropped in &article.dropped {
        report.push_str(&format!("\n  dropped {dropped}"));
    }
    Ok(report)
}
