//! The console's address: which queue, its filters and the cursor, parsed once from the query
//! string (an empty field filters nothing) and written back into links.

use serde::Deserialize;
use tribune_store::{EngineFilter, QueueCursor, QueueFilter, QueueKind};

use super::words;
use crate::ServerError;
use crate::app::REJECTION_CATEGORIES;

/// The query string as sent.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawQuery {
    queue: Option<String>,
    article: Option<String>,
    lang: Option<String>,
    category: Option<String>,
    engine: Option<String>,
    min: Option<String>,
    max: Option<String>,
    author: Option<String>,
    q: Option<String>,
    after: Option<String>,
    pub(super) decided: Option<String>,
}

/// Which list the console shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum View {
    Queue(QueueKind),
    Log,
}

impl View {
    pub(super) fn name(self) -> &'static str {
        match self {
            View::Queue(QueueKind::Pending) => "pending",
            View::Queue(QueueKind::Approved) => "approved",
            View::Queue(QueueKind::Rejected) => "rejected",
            View::Log => "log",
        }
    }
}

/// The console's address, checked.
#[derive(Debug, Clone)]
pub(super) struct ConsoleQuery {
    pub view: View,
    pub article_slug: Option<String>,
    pub filter: QueueFilter,
    pub after: Option<QueueCursor>,
    /// For the decision log: before this decision id.
    pub before_decision: Option<i64>,
}

/// The publisher's languages, as the engine names them.
pub(super) const LANGUAGES: [&str; 6] = ["en", "ar", "ckb", "kmr", "tr", "fa"];

fn present(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn risk(value: &Option<String>, field: &'static str) -> Result<Option<f64>, ServerError> {
    match present(value) {
        None => Ok(None),
        Some(text) => match text.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Ok(Some(v)),
            _ => Err(ServerError::field(field, "bad_score", words::BAD_SCORE)),
        },
    }
}

/// The filter form's fields as sent, to show them again.
pub(super) struct FilterValues {
    pub article: String,
    pub lang: String,
    pub category: String,
    pub engine: String,
    pub min: String,
    pub max: String,
    pub author: String,
    pub q: String,
}

impl RawQuery {
    pub(super) fn values(&self) -> FilterValues {
        let text = |v: &Option<String>| present(v).unwrap_or_default();
        FilterValues {
            article: text(&self.article),
            lang: text(&self.lang),
            category: text(&self.category),
            engine: text(&self.engine),
            min: text(&self.min),
            max: text(&self.max),
            author: text(&self.author),
            q: text(&self.q),
        }
    }
}

impl ConsoleQuery {
    /// `key` hashes an e-mail filter as the author's e-mail was hashed.
    pub(super) fn parse(
        raw: &RawQuery,
        key: &crate::facts::FactKey,
    ) -> Result<ConsoleQuery, ServerError> {
        let view = match present(&raw.queue).as_deref() {
            None | Some("pending") => View::Queue(QueueKind::Pending),
            Some("approved") => View::Queue(QueueKind::Approved),
            Some("rejected") => View::Queue(QueueKind::Rejected),
            Some("log") => View::Log,
            Some(_) => {
                return Err(ServerError::field("queue", "bad_queue", words::BAD_QUEUE));
            }
        };
        let lang = present(&raw.lang);
        if lang.as_deref().is_some_and(|l| !LANGUAGES.contains(&l)) {
            return Err(ServerError::field("lang", "bad_lang", words::BAD_LANG));
        }
        let category = present(&raw.category);
        if category
            .as_deref()
            .is_some_and(|c| !REJECTION_CATEGORIES.contains(&c))
        {
            return Err(ServerError::field(
                "category",
                "bad_category",
                words::BAD_CATEGORY,
            ));
        }
        let engine = match present(&raw.engine).as_deref() {
            None => None,
            Some("review") => Some(EngineFilter::Review),
            Some("auto") => Some(EngineFilter::Auto),
            Some(_) => {
                return Err(ServerError::field(
                    "engine",
                    "bad_engine",
                    words::BAD_ENGINE,
                ));
            }
        };
        let author = present(&raw.author);
        let author_email_hash = author
            .as_deref()
            .filter(|a| a.contains('@'))
            .map(|email| key.email_hash(email));
        let text = present(&raw.q).map(|q| q.chars().take(200).collect());
        let (after, before_decision) = match (present(&raw.after), view) {
            (None, _) => (None, None),
            (Some(cursor), View::Log) => (None, Some(decision_cursor(&cursor)?)),
            (Some(cursor), _) => (Some(parse_cursor(&cursor)?), None),
        };
        Ok(ConsoleQuery {
            view,
            article_slug: present(&raw.article),
            filter: QueueFilter {
                article_id: None,
                lang,
                category,
                engine,
                min_risk: risk(&raw.min, "min")?,
                max_risk: risk(&raw.max, "max")?,
                author_name: author.filter(|a| !a.contains('@')),
                author_email_hash,
                text,
            },
            after,
            before_decision,
        })
    }
}

fn decision_cursor(text: &str) -> Result<i64, ServerError> {
    text.strip_prefix("d")
        .and_then(|id| id.parse().ok())
        .ok_or_else(bad_cursor)
}

fn bad_cursor() -> ServerError {
    ServerError::field("after", "bad_cursor", words::BAD_CURSOR)
}

/// `p<rank>_<id>` for the pending order, `d<decision id>` for the decided ones.
pub(super) fn cursor_text(cursor: QueueCursor) -> String {
    match cursor {
        QueueCursor::Pending { rank, comment_id } => format!("p{rank}_{comment_id}"),
        QueueCursor::Decided { decision_id } => format!("d{decision_id}"),
    }
}

fn parse_cursor(text: &str) -> Result<QueueCursor, ServerError> {
    if let Some(rest) = text.strip_prefix('p') {
        let (rank, id) = rest.split_once('_').ok_or_else(bad_cursor)?;
        let rank: f64 = rank.parse().map_err(|_| bad_cursor())?;
        let comment_id: i64 = id.parse().map_err(|_| bad_cursor())?;
        if !rank.is_finite() {
            return Err(bad_cursor());
        }
        return Ok(QueueCursor::Pending { rank, comment_id });
    }
    decision_cursor(text).map(|decision_id| QueueCursor::Decided { decision_id })
}

/// The query string of the same view and filters, with another queue and cursor.
pub(super) fn link(raw: &RawQuery, queue: &str, after: Option<&str>) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("queue", queue.to_owned())];
    let keep = [
        ("article", &raw.article),
        ("lang", &raw.lang),
        ("category", &raw.category),
        ("engine", &raw.engine),
        ("min", &raw.min),
        ("max", &raw.max),
        ("author", &raw.author),
        ("q", &raw.q),
    ];
    for (name, value) in keep {
        if let Some(value) = present(value) {
            pairs.push((name, value));
        }
    }
    if let Some(after) = after {
        pairs.push(("after", after.to_owned()));
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("/moderation?{}", encoded.join("&"))
}

/// Percent-encodes everything but unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        for cursor in [
            QueueCursor::Pending {
                rank: -0.731_234_567_890_123,
                comment_id: 42,
            },
            QueueCursor::Decided { decision_id: 7 },
        ] {
            assert_eq!(parse_cursor(&cursor_text(cursor)).expect("parses"), cursor);
        }
        for bad in ["", "p", "pNaN_1", "pinf_3", "p1.0", "x3", "d-", "p0.5_x"] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_keep_the_filters_and_encode_them() {
        let raw = RawQuery {
            lang: Some("ar".into()),
            q: Some("a&b c".into()),
            min: Some("".into()),
            ..RawQuery::default()
        };
        assert_eq!(
            link(&raw, "pending", Some("d5")),
            "/moderation?queue=pending&lang=ar&q=a%26b%20c&after=d5"
        );
    }
}
