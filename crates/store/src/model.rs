//! The records the store reads and writes.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::StoreError;

#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub lang: String,
    pub comments_open: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewArticle {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub lang: String,
}

/// A comment as submitted; validated by the caller before it gets here.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub body: String,
    /// Hash of the reader's status token; the token itself is never stored.
    pub token_hash: String,
    /// A client's key for this submission: a retry with the same key stores nothing new.
    pub idempotency_key: Option<String>,
    /// What the server learnt of it on arrival, for the moderators' console.
    pub facts: CommentFacts,
}

/// What the server learnt of a comment when it arrived: what the console filters and groups
/// by. Stored beside the comment, never changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentFacts {
    /// The engine's detected language.
    pub lang: Option<String>,
    /// The category the engine named (suggested for review, or why it rejected).
    pub engine_category: Option<String>,
    /// SHA-256 (hex) of the author's e-mail, trimmed and in lower case.
    pub email_hash: Option<String>,
    /// SHA-256 (hex) of the client's address.
    pub address_hash: Option<String>,
    /// The host of the first link in the text.
    pub link_host: Option<String>,
    /// MinHash band keys of the normalised text: comments sharing one are near duplicates.
    pub bands: Option<[i64; 4]>,
    /// What became of the encoder stage; `Queued` stores the comment's encoder job in the
    /// submission's transaction. `None` for comments stored before the stage existed.
    pub encoder: Option<EncoderStep>,
}

/// What became of the encoder stage when a comment arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncoderStep {
    /// The node ran without the stage: the fast stages' verdict is all there is.
    Absent,
    /// The fast stages' verdict stood alone (a rejection, or one the stage need not read).
    NotWanted,
    /// The comment waits for the encoder: a job was stored with it.
    Queued,
}

impl EncoderStep {
    pub fn as_str(self) -> &'static str {
        match self {
            EncoderStep::Absent => "absent",
            EncoderStep::NotWanted => "not_wanted",
            EncoderStep::Queued => "queued",
        }
    }
}

impl FromStr for EncoderStep {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "absent" => Ok(EncoderStep::Absent),
            "not_wanted" => Ok(EncoderStep::NotWanted),
            "queued" => Ok(EncoderStep::Queued),
            other => Err(StoreError::Corrupt(format!("encoder step {other:?}"))),
        }
    }
}

/// The outcome of storing a comment.
#[derive(Debug, Clone)]
pub struct Inserted {
    pub comment: CommentRecord,
    /// True when the idempotency key matched an earlier submission: nothing new was stored
    /// but the new token.
    pub replayed: bool,
}

/// Where a comment stands: derived from its latest decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
        }
    }
}

/// What a decision row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionKind {
    Approve,
    Reject,
    /// The engine could not decide alone: a person must look.
    Review,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Approve => "approve",
            DecisionKind::Reject => "reject",
            DecisionKind::Review => "review",
        }
    }

    pub fn status(self) -> Status {
        match self {
            DecisionKind::Approve => Status::Approved,
            DecisionKind::Reject => Status::Rejected,
            DecisionKind::Review => Status::Pending,
        }
    }
}

impl FromStr for DecisionKind {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "approve" => Ok(DecisionKind::Approve),
            "reject" => Ok(DecisionKind::Reject),
            "review" => Ok(DecisionKind::Review),
            other => Err(StoreError::Corrupt(format!("decision {other:?}"))),
        }
    }
}

/// Who took a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Actor {
    /// The moderation engine, named by its version.
    Engine(String),
    /// A person, named by username.
    User(String),
}

impl Actor {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Actor::Engine(_) => "engine",
            Actor::User(_) => "user",
        }
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            Actor::Engine(name) | Actor::User(name) => name,
        }
    }

    pub(crate) fn from_parts(kind: &str, name: String) -> Result<Actor, StoreError> {
        match kind {
            "engine" => Ok(Actor::Engine(name)),
            "user" => Ok(Actor::User(name)),
            other => Err(StoreError::Corrupt(format!("actor kind {other:?}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewDecision {
    pub decision: DecisionKind,
    /// Required for a rejection (the guideline broken); the strongest flag for a review.
    pub category: Option<String>,
    pub actor: Actor,
    pub note: Option<String>,
    /// The engine's risk (its highest category score), used to order the queue.
    pub risk: Option<f64>,
    /// The engine's verdict as JSON: scores, evidence, reasons.
    pub verdict: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionRecord {
    pub id: i64,
    pub comment_id: i64,
    pub decision: DecisionKind,
    pub category: Option<String>,
    pub actor: Actor,
    pub note: Option<String>,
    pub risk: Option<f64>,
    #[serde(skip)]
    pub verdict: Option<String>,
    pub created_at: i64,
}

/// A stored comment with its current status (its latest decision).
#[derive(Debug, Clone, Serialize)]
pub struct CommentRecord {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    #[serde(skip)]
    pub author_email: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub status: Status,
    /// The guideline broken, when rejected.
    pub category: Option<String>,
}

/// A comment waiting for a person, with what the moderator needs beside it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    /// The moderator holding it, while their claim lasts.
    pub claimed_by: Option<i64>,
    pub comment: CommentRecord,
    pub article_slug: String,
    pub article_title: String,
    pub risk: Option<f64>,
    /// The engine's verdict JSON, when the engine looked first.
    pub verdict: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {other:?} (expected moderator or admin)"
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: i64,
}
