//! The application: configuration, shared state, and the operations that both the pages and
//! the JSON API perform. Submitting lives in `submit.rs`, logging in in `login.rs`, the
//! moderators' work in `moderation.rs`.

use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use tokio::sync::{Notify, Semaphore};
use tribune_i18n::{Language, Localizer, PersianCalendar};
use tribune_moderation::Policy;
use tribune_store::{Article, CommentRecord, Role, Store, StoreError, User};

use crate::encoder_jobs::{EncoderJobsConfig, SecondReading};
use crate::passwords::Passwords;
use crate::security::token_hash;
use crate::{ServerError, input};

/// The setting that lets the engine approve confidently clean comments without a person.
pub const AUTO_APPROVE_SETTING: &str = "auto_approve";

/// Categories a moderator may give for a rejection: the guidelines, plus `other`.
pub const REJECTION_CATEGORIES: [&str; 8] = [
    "profanity",
    "vulgarity",
    "threat",
    "personal_attack",
    "identity_abuse",
    "promotion",
    "off_topic",
    "other",
];

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Longest comment accepted, in characters.
    pub max_comment_chars: usize,
    /// Comments one address may submit per minute.
    pub comments_per_minute: u32,
    /// Log-in attempts one address may make per minute.
    pub logins_per_minute: u32,
    /// Failed log-ins on one account per 15 minutes before log-ins to it from browsers that
    /// have not logged in to it before are held back (see `login.rs`).
    pub login_failures_per_account: u32,
    /// Mark cookies `Secure` (browsers still send them to http://localhost).
    pub secure_cookies: bool,
    /// How long a moderator stays logged in.
    pub session_hours: i64,
    /// Proxies whose `X-Forwarded-For` names the client (a load balancer's addresses).
    pub trusted_proxies: Vec<IpNet>,
    /// How long a client may take to send a request's headers (also how long an idle
    /// keep-alive connection stays open).
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body, and a handler to answer.
    pub request_timeout: Duration,
    /// Requests handled at once; beyond that the server answers 503 with `Retry-After` at
    /// once instead of queueing.
    pub max_concurrent_requests: usize,
    /// Connections open at once; beyond that new ones wait to be accepted.
    pub max_connections: usize,
    /// Password hashes computed at once (each takes one core and 19 MiB for tens of ms).
    pub password_hashers: usize,
    /// The pages' language when the visitor picked none, the browser names none of ours, and
    /// (on a reader page) the article's language is not one either.
    pub default_language: Language,
    /// The calendar of dates on Persian pages.
    pub persian_calendar: PersianCalendar,
    /// How this node takes and runs encoder jobs (when it has the stage).
    pub encoder_jobs: EncoderJobsConfig,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            max_comment_chars: 5000,
            comments_per_minute: 10,
            logins_per_minute: 10,
            login_failures_per_account: 10,
            secure_cookies: true,
            session_hours: 12,
            trusted_proxies: Vec::new(),
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            max_concurrent_requests: 256,
            max_connections: 1024,
            password_hashers: crate::passwords::default_workers(),
            default_language: Language::English,
            persian_calendar: PersianCalendar::SolarHijri,
            encoder_jobs: EncoderJobsConfig::default(),
        }
    }
}

/// Everything a request handler needs.
pub struct App {
    pub store: Store,
    pub config: ServerConfig,
    /// The policy as configured, with auto-approval off and on: the admin's setting picks one
    /// per comment, so a change applies at once on every node.
    pub(crate) policy_review_clean: Arc<Policy>,
    pub(crate) policy_approve_clean: Arc<Policy>,
    pub(crate) passwords: Passwords,
    /// The engine runs on blocking threads, this many comments at once.
    pub(crate) engine_slots: Arc<Semaphore>,
    /// Every interface language's catalogue and formats.
    pub(crate) localizer: Arc<Localizer>,
    /// The encoder stage, read off the request path; `None` runs the fast stages alone.
    pub(crate) second_reading: Option<Arc<dyn SecondReading>>,
    /// Why the stage is absent, for the log at start.
    pub(crate) stage_absent: String,
    /// Wakes this node's encoder worker when a submission stores a job.
    pub(crate) encoder_wake: Arc<Notify>,
    /// The key of the author hashes, read (or made) once from the database.
    fact_key: tokio::sync::OnceCell<crate::facts::FactKey>,
}

impl App {
    /// Builds the application; `policy_toml` overrides the engine's default policy.
    pub fn new(
        store: Store,
        config: ServerConfig,
        policy_toml: Option<&str>,
    ) -> Result<App, ServerError> {
        let load = |auto_approve: bool| -> Result<Arc<Policy>, ServerError> {
            let mut policy = match policy_toml {
                Some(text) => {
                    Policy::from_toml_str(text).map_err(|e| ServerError::Policy(e.to_string()))?
                }
                None => Policy::default(),
            };
            policy.set_auto_approve(auto_approve);
            Ok(Arc::new(policy))
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(App {
            store,
            policy_review_clean: load(false)?,
            policy_approve_clean: load(true)?,
            passwords: Passwords::new(config.password_hashers, config.password_hashers * 8)?,
            engine_slots: Arc::new(Semaphore::new(cores)),
            localizer: Arc::new(
                Localizer::new(config.persian_calendar)
                    .map_err(|e| ServerError::Languages(e.to_string()))?,
            ),
            second_reading: None,
            stage_absent: "no encoder stage was configured".into(),
            encoder_wake: Arc::new(Notify::new()),
            fact_key: tokio::sync::OnceCell::new(),
            config,
        })
    }

    /// Gives the app its encoder stage, or (`Err`) says why it runs without one.
    pub fn with_encoder_stage(mut self, stage: Result<Arc<dyn SecondReading>, String>) -> App {
        match stage {
            Ok(reading) => self.second_reading = Some(reading),
            Err(why) => {
                self.second_reading = None;
                self.stage_absent = why;
            }
        }
        self
    }

    /// The policy as configured, with auto-approval on or off.
    pub(crate) fn policy(&self, auto_approve: bool) -> Arc<Policy> {
        if auto_approve {
            self.policy_approve_clean.clone()
        } else {
            self.policy_review_clean.clone()
        }
    }

    pub async fn article(&self, slug: &str) -> Result<Article, ServerError> {
        let slug = input::slug(slug)?;
        self.store.article_by_slug(slug).await?.ok_or_else(|| {
            ServerError::not_found("unknown_article", format!("no article {slug:?}"))
        })
    }

    /// The instance's key for author hashes: the stored one, or a new random one that the
    /// first node to ask stores for all.
    pub(crate) async fn fact_key(&self) -> Result<&crate::facts::FactKey, ServerError> {
        self.fact_key
            .get_or_try_init(|| async {
                let fresh = crate::security::random_token()?;
                let stored = self
                    .store
                    .setting_or_insert(crate::facts::FACT_KEY_SETTING, &fresh)
                    .await?;
                crate::facts::FactKey::from_hex(&stored).ok_or_else(|| {
                    ServerError::Setting(format!(
                        "{} is not a key of at least 64 hex digits",
                        crate::facts::FACT_KEY_SETTING
                    ))
                })
            })
            .await
    }

    pub async fn auto_approve(&self) -> Result<bool, ServerError> {
        Ok(self.store.setting(AUTO_APPROVE_SETTING).await?.as_deref() == Some("true"))
    }

    pub async fn set_auto_approve(&self, on: bool) -> Result<(), ServerError> {
        let value = if on { "true" } else { "false" };
        Ok(self.store.set_setting(AUTO_APPROVE_SETTING, value).await?)
    }

    /// A comment's status for the reader holding its token.
    pub async fn comment_for_author(
        &self,
        id: i64,
        token: &str,
    ) -> Result<CommentRecord, ServerError> {
        if let Some(comment) = self.store.comment_for_token(id, &token_hash(token)).await? {
            return Ok(comment);
        }
        if self.store.comment(id).await?.is_none() {
            return Err(ServerError::not_found(
                "unknown_comment",
                format!("no comment {id}"),
            ));
        }
        Err(ServerError::Forbidden {
            code: "bad_token",
            message: format!("that token does not belong to comment {id}"),
        })
    }

    /// The author's comment and whether it still waits for the encoder stage. The job is
    /// looked at before the comment is read: a job ends in the transaction that appends its
    /// decision, so once the job is seen ended the comment read after it has its final
    /// status (read the other way round, a reading finishing in between would show a
    /// pending comment no longer being checked).
    pub async fn author_view(
        &self,
        id: i64,
        token: &str,
    ) -> Result<(CommentRecord, bool), ServerError> {
        // Not skipped on a node without the stage: another node's worker may read the job.
        let waiting = self.store.encoder_job_waiting(id).await?;
        let comment = self.comment_for_author(id, token).await?;
        let checking = waiting && comment.status == tribune_store::Status::Pending;
        Ok((comment, checking))
    }
}

/// Creates an account, checking the name and password first.
pub async fn create_user(
    store: &Store,
    username: &str,
    role: Role,
    password: &str,
) -> Result<User, ServerError> {
    let valid_name = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid_name {
        return Err(ServerError::input(
            "bad_username",
            format!(
                "{username:?} is not a valid user name: use 1 to 64 letters, digits, '_', '-' or '.'"
            ),
        ));
    }
    if password.chars().count() < 10 {
        return Err(ServerError::input(
            "weak_password",
            "a password needs at least 10 characters",
        ));
    }
    let password = password.to_owned();
    let hash =
        tokio::task::spawn_blocking(move || crate::security::hash_password(&password)).await??;
    store
        .insert_user(username, &hash, role)
        .await
        .map_err(|e| match e {
            StoreError::DuplicateUser(name) => ServerError::Conflict {
                code: "user_exists",
                message: format!("a user named {name:?} already exists"),
            },
            other => other.into(),
        })
}
