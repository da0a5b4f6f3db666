//! The application: configuration, shared state, and the operations that both the pages and
//! the JSON API perform (submit a comment, read its status, log in, decide).

use std::net::IpAddr;

use tribune_moderation::{Category, Decision, Policy, Verdict};
use tribune_store::{
    Actor, Article, CommentRecord, DecisionKind, DecisionRecord, NewComment, NewDecision, Role,
    Session, Store, StoreError, User, now_millis,
};

use crate::ServerError;
use crate::security::{hash_password, random_token, token_hash, verify_password};

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
    /// Login attempts one address may make per minute.
    pub logins_per_minute: u32,
    /// Mark cookies `Secure` (browsers still send them to http://localhost).
    pub secure_cookies: bool,
    /// How long a moderator stays logged in.
    pub session_hours: i64,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            max_comment_chars: 5000,
            comments_per_minute: 10,
            logins_per_minute: 10,
            secure_cookies: true,
            session_hours: 12,
        }
    }
}

/// Everything a request handler needs.
pub struct App {
    pub store: Store,
    pub config: ServerConfig,
    /// The policy as configured, with auto-approval off and on: the admin's setting picks one
    /// per comment, so a change applies at once on every node.
    policy_review_clean: Policy,
    policy_approve_clean: Policy,
}

/// How long a moderator's claim on queued comments lasts unless renewed.
pub const CLAIM_MINUTES_DEFAULT: i64 = 15;

/// A comment as a reader submits it, before validation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommentInput {
    pub author_name: String,
    #[serde(default)]
    pub author_email: Option<String>,
    pub body: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// A stored comment and the secret token its author can use to follow it.
pub struct Submitted {
    pub comment: CommentRecord,
    pub token: String,
    /// The idempotency key matched an earlier submission: nothing new was stored.
    pub replayed: bool,
}

impl App {
    /// Builds the application; `policy_toml` overrides the engine's default policy.
    pub fn new(
        store: Store,
        config: ServerConfig,
        policy_toml: Option<&str>,
    ) -> Result<App, ServerError> {
        let load = |auto_approve: bool| -> Result<Policy, ServerError> {
            let mut policy = match policy_toml {
                Some(text) => {
                    Policy::from_toml_str(text).map_err(|e| ServerError::Policy(e.to_string()))?
                }
                None => Policy::default(),
            };
            policy.set_auto_approve(auto_approve);
            Ok(policy)
        };
        Ok(App {
            store,
            policy_review_clean: load(false)?,
            policy_approve_clean: load(true)?,
            config,
        })
    }

    pub async fn article(&self, slug: &str) -> Result<Article, ServerError> {
        self.store.article_by_slug(slug).await?.ok_or_else(|| {
            ServerError::not_found("unknown_article", format!("no article {slug:?}"))
        })
    }

    pub async fn auto_approve(&self) -> Result<bool, ServerError> {
        Ok(self.store.setting(AUTO_APPROVE_SETTING).await?.as_deref() == Some("true"))
    }

    pub async fn set_auto_approve(&self, on: bool) -> Result<(), ServerError> {
        let value = if on { "true" } else { "false" };
        Ok(self.store.set_setting(AUTO_APPROVE_SETTING, value).await?)
    }

    /// Counts one request of `action` from `client` against a per-minute limit shared by every
    /// node (the counter lives in the database).
    async fn rate_limit(
        &self,
        action: &str,
        client: IpAddr,
        per_minute: u32,
    ) -> Result<(), ServerError> {
        let key = format!("{action}:{client}");
        if self
            .store
            .count_event(&key, i64::from(per_minute), 60_000)
            .await?
        {
            Ok(())
        } else {
            Err(ServerError::RateLimited)
        }
    }

    /// Validates a reader's comment, lets the engine read it, and stores both at once.
    ///
    /// A submission carrying an idempotency key that was already used on this article stores
    /// nothing new: the earlier comment comes back with a fresh status token, so a client
    /// retrying after a lost answer or an outage never posts twice.
    pub async fn submit_comment(
        &self,
        slug: &str,
        input: CommentInput,
        idempotency_key: Option<&str>,
        client: IpAddr,
    ) -> Result<Submitted, ServerError> {
        let article = self.article(slug).await?;
        if !article.comments_open {
            return Err(ServerError::Conflict {
                code: "comments_closed",
                message: format!("comments are closed on {slug:?}"),
            });
        }
        let valid = validate_comment(&input, self.config.max_comment_chars)?;
        let idempotency_key = match idempotency_key {
            Some(key) => Some(format!("{}:{}", article.id, validate_idempotency_key(key)?)),
            None => None,
        };
        let parent_id = match input.parent_id {
            Some(id) => Some(self.reply_target(&article, id).await?),
            None => None,
        };
        self.rate_limit("comment", client, self.config.comments_per_minute)
            .await?;
        let policy = if self.auto_approve().await? {
            &self.policy_approve_clean
        } else {
            &self.policy_review_clean
        };
        let verdict = tribune_moderation::moderate(
            &tribune_moderation::Comment {
                text: &valid.body,
                lang: None,
            },
            Some(&tribune_moderation::Article {
                title: &article.title,
                body: &article.body,
            }),
            policy,
        );
        let token = random_token()?;
        let inserted = self
            .store
            .insert_comment(
                &NewComment {
                    article_id: article.id,
                    parent_id,
                    author_name: valid.author_name,
                    author_email: valid.author_email,
                    body: valid.body,
                    token_hash: token_hash(&token),
                    idempotency_key,
                },
                Some(&engine_decision(&verdict)?),
            )
            .await?;
        Ok(Submitted {
            comment: inserted.comment,
            token,
            replayed: inserted.replayed,
        })
    }

    /// Replies are threaded one level: a reply to a reply joins its parent's thread.
    async fn reply_target(&self, article: &Article, parent_id: i64) -> Result<i64, ServerError> {
        let parent = self
            .store
            .comment(parent_id)
            .await?
            .filter(|c| c.article_id == article.id && c.status == tribune_store::Status::Approved)
            .ok_or_else(|| {
                ServerError::input(
                    "unknown_parent",
                    format!("comment {parent_id} is not a published comment on this article"),
                )
            })?;
        Ok(parent.parent_id.unwrap_or(parent.id))
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

    /// Checks a password and opens a session; returns the session token.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: IpAddr,
    ) -> Result<Option<(String, Session)>, ServerError> {
        self.rate_limit("login", client, self.config.logins_per_minute)
            .await?;
        let Some(user) = self.store.user_by_name(username).await? else {
            // Hash anyway so that unknown names take as long as wrong passwords.
            let _ = hash_password(password);
            return Ok(None);
        };
        if !verify_password(password, &user.password_hash) {
            return Ok(None);
        }
        let token = random_token()?;
        let csrf_token = random_token()?;
        let expires_at = now_millis() + self.config.session_hours * 3_600_000;
        self.store
            .insert_session(&token_hash(&token), user.id, &csrf_token, expires_at)
            .await?;
        Ok(Some((
            token,
            Session {
                user,
                csrf_token,
                expires_at,
            },
        )))
    }

    pub async fn session(&self, token: &str) -> Result<Option<Session>, ServerError> {
        Ok(self.store.session(&token_hash(token)).await?)
    }

    pub async fn logout(&self, token: &str) -> Result<(), ServerError> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// Claims up to `limit` pending comments for a moderator, so that no other moderator gets
    /// them while the claim lasts.
    pub async fn claim(
        &self,
        moderator: &User,
        limit: i64,
        minutes: i64,
    ) -> Result<Vec<tribune_store::QueueItem>, ServerError> {
        if !(1..=100).contains(&limit) {
            return Err(ServerError::input(
                "bad_limit",
                "claim between 1 and 100 comments at once",
            ));
        }
        if !(1..=240).contains(&minutes) {
            return Err(ServerError::input(
                "bad_minutes",
                "a claim lasts between 1 and 240 minutes",
            ));
        }
        Ok(self
            .store
            .claim(moderator.id, limit, minutes * 60_000)
            .await?)
    }

    /// A moderator's decision on a comment, appended to its history. Unless `overturn` is set,
    /// it is taken only while the comment is still pending: of two moderators deciding at
    /// once, one wins and the other is told the comment was already decided.
    pub async fn decide(
        &self,
        moderator: &User,
        comment_id: i64,
        decision: &str,
        category: Option<&str>,
        note: Option<&str>,
        overturn: bool,
    ) -> Result<DecisionRecord, ServerError> {
        let decision = match decision {
            "approve" => DecisionKind::Approve,
            "reject" => DecisionKind::Reject,
            other => {
                return Err(ServerError::input(
                    "bad_decision",
                    format!("decision must be \"approve\" or \"reject\", not {other:?}"),
                ));
            }
        };
        let category = match (decision, category.filter(|c| !c.is_empty())) {
            (DecisionKind::Reject, None) => {
                return Err(ServerError::input(
                    "category_required",
                    format!(
                        "a rejection needs the guideline it broke: one of {}",
                        REJECTION_CATEGORIES.join(", ")
                    ),
                ));
            }
            (DecisionKind::Reject, Some(c)) if !REJECTION_CATEGORIES.contains(&c) => {
                return Err(ServerError::input(
                    "bad_category",
                    format!(
                        "unknown category {c:?}: expected one of {}",
                        REJECTION_CATEGORIES.join(", ")
                    ),
                ));
            }
            (DecisionKind::Reject, Some(c)) => Some(c.to_owned()),
            _ => None,
        };
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 1000) {
            return Err(ServerError::input(
                "note_too_long",
                "a note may have at most 1000 characters",
            ));
        }
        self.store
            .record_decision(
                comment_id,
                &NewDecision {
                    decision,
                    category,
                    actor: Actor::User(moderator.username.clone()),
                    note: note.map(str::to_owned),
                    risk: None,
                    verdict: None,
                },
                !overturn,
            )
            .await
            .map_err(|e| match e {
                StoreError::UnknownComment(id) => {
                    ServerError::not_found("unknown_comment", format!("no comment {id}"))
                }
                StoreError::AlreadyDecided { id, status } => ServerError::Conflict {
                    code: "already_decided",
                    message: format!(
                        "comment {id} was already {status} meanwhile; send overturn: true to change that decision"
                    ),
                },
                other => other.into(),
            })
    }
}

/// The engine's verdict as the comment's first decision row.
fn engine_decision(verdict: &Verdict) -> Result<NewDecision, ServerError> {
    let decision = match verdict.decision {
        Decision::Approve => DecisionKind::Approve,
        Decision::Reject => DecisionKind::Reject,
        Decision::Review => DecisionKind::Review,
    };
    let category = match (decision, verdict.category) {
        (DecisionKind::Approve, _) => None,
        (DecisionKind::Reject, None) => Some("other".to_owned()),
        (_, category) => category.map(|c: Category| c.as_str().to_owned()),
    };
    Ok(NewDecision {
        decision,
        category,
        actor: Actor::Engine(format!("tribune-moderation {}", verdict.engine_version)),
        note: verdict.reasons.first().cloned(),
        risk: Some(f64::from(verdict.risk())),
        verdict: Some(serde_json::to_string(verdict)?),
    })
}

/// Accepts a client's idempotency key: 1 to 128 letters, digits, '-' or '_' (a UUID fits).
fn validate_idempotency_key(key: &str) -> Result<&str, ServerError> {
    let valid = (1..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(key)
    } else {
        Err(ServerError::input(
            "bad_idempotency_key",
            "an idempotency key has 1 to 128 letters, digits, '-' or '_'",
        ))
    }
}

/// A comment that passed validation: fields trimmed and within limits.
struct ValidComment {
    author_name: String,
    author_email: Option<String>,
    body: String,
}

fn validate_comment(input: &CommentInput, max_chars: usize) -> Result<ValidComment, ServerError> {
    let author_name = input.author_name.trim();
    if author_name.is_empty() {
        return Err(ServerError::input(
            "name_required",
            "please give a name to post under",
        ));
    }
    if author_name.chars().count() > 80 {
        return Err(ServerError::input(
            "name_too_long",
            "a name may have at most 80 characters",
        ));
    }
    let author_email = input
        .author_email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(email) = author_email {
        let plausible = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !plausible {
            return Err(ServerError::input(
                "bad_email",
                format!("{email:?} does not look like an email address"),
            ));
        }
    }
    let body = input.body.trim();
    if body.is_empty() {
        return Err(ServerError::input("empty_body", "the comment is empty"));
    }
    let length = body.chars().count();
    if length > max_chars {
        return Err(ServerError::input(
            "body_too_long",
            format!("the comment has {length} characters; the limit is {max_chars}"),
        ));
    }
    Ok(ValidComment {
        author_name: author_name.to_owned(),
        author_email: author_email.map(str::to_owned),
        body: body.to_owned(),
    })
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
    let hash = hash_password(password)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: &str) -> CommentInput {
        CommentInput {
            author_name: "Reader".into(),
            body: body.into(),
            ..CommentInput::default()
        }
    }

    #[test]
    fn validation_trims_and_enforces_limits() {
        assert!(matches!(
            validate_comment(&input("   "), 10),
            Err(ServerError::Input {
                code: "empty_body",
                ..
            })
        ));
        assert!(matches!(
            validate_comment(&input("12345678901"), 10),
            Err(ServerError::Input {
                code: "body_too_long",
                ..
            })
        ));
        // The limit counts characters, not bytes: ten Arabic letters fit in ten.
        assert!(validate_comment(&input(&"س".repeat(10)), 10).is_ok());
        let valid = validate_comment(&input("  fine  "), 10).expect("valid");
        assert_eq!(valid.body, "fine");
    }

    #[test]
    fn validation_checks_name_and_email() {
        let mut no_name = input("hello");
        no_name.author_name = " ".into();
        assert!(validate_comment(&no_name, 100).is_err());
        let mut bad_email = input("hello");
        bad_email.author_email = Some("not-an-email".into());
        assert!(matches!(
            validate_comment(&bad_email, 100),
            Err(ServerError::Input {
                code: "bad_email",
                ..
            })
        ));
        let mut blank_email = input("hello");
        blank_email.author_email = Some("  ".into());
        assert_eq!(
            validate_comment(&blank_email, 100)
                .expect("valid")
                .author_email,
            None
        );
    }
}
