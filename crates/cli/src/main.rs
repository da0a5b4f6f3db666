//! `tribune`: one binary for the whole comment platform. It parses arguments and calls into the
//! crates that do the work; nothing here is Tribune's logic.

mod encoder_commands;
mod engine_commands;
mod functional_eval;
mod train_command;

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ipnet::IpNet;
use tribune_server::{App, Language, PersianCalendar, ServerConfig, parse_article_text, slugify};
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

/// Where the data lives: the embedded database in a folder, or a database server.
#[derive(clap::Args)]
struct DataArgs {
    /// Folder of the embedded (SQLite) database.
    #[arg(long, env = "TRIBUNE_DATA", default_value = "tribune-data")]
    data: PathBuf,
    /// A database URL instead (`postgres://user@host/db` or `sqlite:PATH`); several Tribune
    /// nodes may share one PostgreSQL database.
    #[arg(long, env = "TRIBUNE_DATABASE_URL")]
    database: Option<String>,
}

impl DataArgs {
    /// Opens the store, creating and migrating it on first use.
    async fn open(&self) -> anyhow::Result<Store> {
        match &self.database {
            Some(url) => Store::connect(url)
                .await
                .with_context(|| format!("cannot open the database {}", redact(url))),
            None => Store::open_dir(&self.data)
                .await
                .with_context(|| format!("cannot open the database in {}", self.data.display())),
        }
    }
}

/// A database URL as it may be printed: without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
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
    /// Write the encoder's embedding of each record of a JSON Lines file (`encoder` feature).
    #[cfg(feature = "encoder")]
    Embed(encoder_commands::EmbedArgs),
    /// Create or bring the database schema up to date, then exit (`serve` also does this).
    Migrate {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Move a whole instance to another database (SQLite to PostgreSQL), keeping every id.
    MigrateData {
        /// Source database URL, e.g. `sqlite:tribune-data/tribune.db`.
        #[arg(long)]
        from: String,
        /// Target database URL, e.g. `postgres://tribune@db/tribune`; must be empty.
        #[arg(long)]
        to: String,
    },
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
    /// Log-in attempts one address may make per minute.
    #[arg(long, default_value_t = 10)]
    logins_per_minute: u32,
    /// Failed log-ins on one account per 15 minutes before it accepts log-ins only from
    /// browsers that have logged in to it before.
    #[arg(long, default_value_t = 10)]
    login_failures_per_account: u32,
    /// A proxy or load balancer (address or CIDR, repeatable) whose X-Forwarded-For names the
    /// client; from any other peer the header is ignored.
    #[arg(long = "trusted-proxy", value_name = "CIDR", value_parser = parse_net)]
    trusted_proxies: Vec<IpNet>,
    /// Also serve GET /metrics (Prometheus text format) without authentication on this
    /// address, for a scraper on a private network; on the main address it needs an admin.
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// Requests handled at once; beyond that the server answers 503 with Retry-After at once.
    #[arg(long, default_value_t = 256)]
    max_concurrent_requests: usize,
    /// Seconds a client may take to send a request's headers (and an idle connection stays).
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a client may take to send a request's body, and a request to be answered.
    #[arg(long, default_value_t = 20)]
    request_timeout: u64,
    /// Send cookies without the Secure flag (only for plain-HTTP hosts other than localhost).
    #[arg(long)]
    insecure_cookies: bool,
    /// The pages' language when the visitor picked none (`?lang=`), the browser asks for none
    /// of ours, and (on a reader page) the article's language is none either: en, ar, ckb,
    /// kmr, tr or fa.
    #[arg(long, env = "TRIBUNE_DEFAULT_LANGUAGE", default_value = "en")]
    default_language: Language,
    /// The calendar of dates on Persian pages: solar-hijri or gregorian.
    #[arg(long, default_value = "solar-hijri")]
    persian_calendar: PersianCalendar,
    #[command(flatten)]
    encoder: encoder_commands::EncoderArgs,
    /// Seconds a node holds the encoder jobs it claimed; those of a node that died are read
    /// again by another (or by it, restarted) after this.
    #[arg(long, default_value_t = 60)]
    encoder_lease_secs: u64,
    /// Threads the encoder's readings run on, at the lowest priority; by default one fewer
    /// than the cores (at least one), so a core is left to the request path.
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    encoder_threads: Option<usize>,
}

/// A trusted proxy: a network in CIDR notation, or one address.
fn parse_net(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?} is neither an address nor a network like 10.0.0.0/8"))
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
        #[cfg(feature = "encoder")]
        Command::Embed(args) => encoder_commands::embed(args),
        Command::Serve(args) => runtime()?.block_on(serve(args)),
        Command::Migrate { data } => runtime()?.block_on(async {
            let store = data.open().await?;
            println!("The database schema is up to date ({:?}).", store.backend());
            Ok(())
        }),
        Command::MigrateData { from, to } => runtime()?.block_on(migrate_data(&from, &to)),
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    password_stdin: _,
                    data,
                },
        } => runtime()?.block_on(add_user(&data, &name, role)),
        Command::Article {
            command: ArticleCommand::Import { files, lang, data },
        } => runtime()?.block_on(import_articles(&data, &files, lang.as_deref())),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_ansi(std::io::stdout().is_terminal())
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
    let store = args.data.open().await?;
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
        logins_per_minute: args.logins_per_minute,
        login_failures_per_account: args.login_failures_per_account,
        secure_cookies: !args.insecure_cookies,
        trusted_proxies: args.trusted_proxies.clone(),
        max_concurrent_requests: args.max_concurrent_requests,
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
        default_language: args.default_language,
        persian_calendar: args.persian_calendar,
        encoder_jobs: {
            let defaults = tribune_server::EncoderJobsConfig::default();
            tribune_server::EncoderJobsConfig {
                lease: std::time::Duration::from_secs(args.encoder_lease_secs.max(1)),
                threads: args.encoder_threads.unwrap_or(defaults.threads),
                ..defaults
            }
        },
        ..ServerConfig::default()
    };
    let stage = encoder_commands::serve_stage(&args.encoder);
    if let Err(why) = &stage {
        println!("The encoder stage is absent ({why}): the fast stages alone decide.");
    }
    let app = App::new(store, config, policy.as_deref()).with_context(|| match &args.policy {
        Some(path) => format!("invalid policy file {}", path.display()),
        None => "invalid default policy".to_owned(),
    })?;
    let app = Arc::new(app.with_encoder_stage(stage));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let stop = stop_signal();
    if let Some(addr) = args.metrics_listen {
        let metrics = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for metrics"))?;
        println!("Metrics at http://{}/metrics", metrics.local_addr()?);
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            if let Err(error) = tribune_server::serve_metrics(metrics, app, stopped(stop)).await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    println!("Tribune is listening on http://{}", listener.local_addr()?);
    tribune_server::serve_until(listener, app, stopped(stop)).await?;
    Ok(())
}

/// Becomes true on Ctrl-C or SIGTERM; if no handler can be installed, never.
fn stop_signal() -> tokio::sync::watch::Receiver<bool> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let interrupt = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            result = interrupt => {
                if result.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            () = terminate => {}
        }
        let _ = stop.send(true);
        // Keep the sender alive so the receivers never see it dropped.
        std::future::pending::<()>().await;
    });
    stopped
}

async fn stopped(mut stop: tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

async fn add_user(data: &DataArgs, name: &str, role: Role) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let store = data.open().await?;
    let user = tribune_server::create_user(&store, name, role, password).await?;
    println!("Created {} ({}).", user.username, user.role);
    Ok(())
}

async fn import_articles(
    data: &DataArgs,
    files: &[PathBuf],
    lang: Option<&str>,
) -> anyhow::Result<()> {
    let store = data.open().await?;
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

async fn migrate_data(from: &str, to: &str) -> anyhow::Result<()> {
    let source = Store::connect(from)
        .await
        .with_context(|| format!("cannot open the source database {}", redact(from)))?;
    let target = Store::connect(to)
        .await
        .with_context(|| format!("cannot open the target database {}", redact(to)))?;
    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} rows {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let counts = source
        .copy_into(&target, |table, done, total| {
            progress.set_length(total);
            progress.set_position(done);
            progress.set_message(table.to_owned());
        })
        .await
        .context(
            "the copy stopped; the target may hold part of the data: empty it before trying again",
        )?;
    progress.finish_and_clear();
    let mut mismatched = 0;
    println!("{:<16} {:>10} {:>10}", "table", "source", "target");
    for count in &counts {
        let mark = if count.source == count.target {
            ""
        } else {
            "  MISMATCH"
        };
        if !mark.is_empty() {
            mismatched += 1;
        }
        println!(
            "{:<16} {:>10} {:>10}{mark}",
            count.table, count.source, count.target
        );
    }
    if mismatched > 0 {
        bail!("{mismatched} tables differ between source and target");
    }
    println!("Verified: every table holds the same number of rows in both databases.");
    Ok(())
}
