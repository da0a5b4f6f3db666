//! The types that cross the engine's boundary: what goes in (a comment, its article) and what
//! comes out (a verdict with scores and evidence).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A guideline category from the publisher's policy (the vocabulary of the whole system).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Profanity,
    Vulgarity,
    Threat,
    PersonalAttack,
    IdentityAbuse,
    Promotion,
    OffTopic,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Profanity,
        Category::Vulgarity,
        Category::Threat,
        Category::PersonalAttack,
        Category::IdentityAbuse,
        Category::Promotion,
        Category::OffTopic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Profanity => "profanity",
            Category::Vulgarity => "vulgarity",
            Category::Threat => "threat",
            Category::PersonalAttack => "personal_attack",
            Category::IdentityAbuse => "identity_abuse",
            Category::Promotion => "promotion",
            Category::OffTopic => "off_topic",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown guideline category {0:?} (expected one of profanity, vulgarity, threat, personal_attack, identity_abuse, promotion, off_topic)"
)]
pub struct ParseCategoryError(pub String);

impl FromStr for Category {
    type Err = ParseCategoryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| ParseCategoryError(s.to_owned()))
    }
}

/// What the engine recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Confidently clean.
    Approve,
    /// Confidently violating; `Verdict::category` says which guideline.
    Reject,
    /// A human must look.
    Review,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Review => "review",
        }
    }
}

/// A comment as the engine sees it.
#[derive(Debug, Clone, Copy)]
pub struct Comment<'a> {
    pub text: &'a str,
    /// A language hint (`en`, `ar`, `ckb`, `kmr`, `tr`, `fa`); detected when absent.
    pub lang: Option<&'a str>,
}

/// The article a comment was posted under, for relevance.
#[derive(Debug, Clone, Copy)]
pub struct Article<'a> {
    pub title: &'a str,
    pub body: &'a str,
}

/// One piece of evidence: a span of the ORIGINAL comment text (byte offsets on char
/// boundaries) and why it counts towards a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub category: Category,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub reason: String,
}

/// The engine's answer for one comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub decision: Decision,
    /// The guideline a rejection (or the strongest flag of a review) is about.
    pub category: Option<Category>,
    /// Every category's score in 0..=1.
    pub scores: BTreeMap<Category, f32>,
    pub evidence: Vec<Evidence>,
    /// Sentences a moderator can read.
    pub reasons: Vec<String>,
    /// Detected (or hinted) language code.
    pub language: String,
    pub engine_version: String,
}

impl Verdict {
    /// The highest score of any category: how risky the comment looks, for sorting the queue.
    pub fn risk(&self) -> f32 {
        self.scores.values().copied().fold(0.0, f32::max)
    }
}
