//! A card: one comment with what a moderator needs to decide it: the text with its evidence
//! highlighted and labelled, the scores, the article's title and its paragraph most like the
//! comment, the comment it replies to, the author's history and how many pending comments
//! are alike.

use std::collections::HashMap;

use tribune_moderation::Verdict;
use tribune_store::{AlikeCounts, ConsoleItem, EncoderStep, Status, Store, StoreError};

use tribune_i18n::{Args, Texts};

use super::words::{category_word, status_word};
use crate::app::REJECTION_CATEGORIES;

/// How many of the author's earlier comments a card lists.
const HISTORY_SHOWN: i64 = 10;
/// How many alike comments `s` selects at most.
const ALIKE_SELECTED: i64 = 200;

pub(super) struct Segment {
    pub text: String,
    pub category: Option<String>,
    /// The category's label in the page's words.
    pub label: Option<String>,
}

pub(super) struct ScoreView {
    pub label: String,
    pub value: String,
    pub high: bool,
}

pub(super) struct CategoryOption {
    pub name: &'static str,
    pub label: String,
    pub key: usize,
    pub selected: bool,
}

pub(super) struct ParentView {
    pub author: String,
    pub body: String,
}

pub(super) struct HistoryItem {
    pub id: i64,
    pub when: String,
    pub status_label: String,
    pub excerpt: String,
}

pub(super) struct HistoryView {
    pub total: i64,
    pub approved: i64,
    pub rejected: i64,
    /// Rejected share of the decided ones, in per cent.
    pub rejection_rate: String,
    pub items: Vec<HistoryItem>,
}

pub(super) struct CardView {
    pub id: i64,
    pub article_slug: String,
    pub article_title: String,
    pub author: String,
    pub email: Option<String>,
    pub when: String,
    pub lang: String,
    pub status: &'static str,
    pub status_label: String,
    pub decided_by: Option<String>,
    pub category_label: Option<String>,
    pub claimed_by_other: Option<String>,
    /// Where the encoder stage stands on a pending comment: being checked, or absent.
    pub stage: Option<String>,
    /// Its encoder job has not ended.
    pub checking: bool,
    pub risk: String,
    pub segments: Vec<Segment>,
    /// The evidence's categories: (name, label).
    pub labels: Vec<(String, String)>,
    pub scores: Vec<ScoreView>,
    pub reasons: Vec<String>,
    pub paragraph: Option<String>,
    pub parent: Option<ParentView>,
    pub history: HistoryView,
    /// "Alike pending: 5 near-duplicates · …" split around the near-duplicates' count, which
    /// the page marks.
    pub alike_words: (String, String, String),
    /// The pending comments alike to this one, itself included, space-separated.
    pub alike_ids: String,
    /// The engine's category, which `r` rejects as; none when the engine named none.
    pub suggested: Option<String>,
    pub options: Vec<CategoryOption>,
}

/// Builds cards, reading each article body once.
pub(super) struct CardBuilder<'a> {
    store: &'a Store,
    viewer: &'a str,
    t: Texts<'a>,
    articles: HashMap<i64, Vec<String>>,
}

impl<'a> CardBuilder<'a> {
    pub(super) fn new(store: &'a Store, viewer: &'a str, t: Texts<'a>) -> CardBuilder<'a> {
        CardBuilder {
            store,
            viewer,
            t,
            articles: HashMap::new(),
        }
    }

    pub(super) async fn card(&mut self, item: ConsoleItem) -> Result<CardView, StoreError> {
        let verdict: Option<Verdict> = item
            .verdict
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok());
        let c = &item.comment;
        let evidence = verdict
            .as_ref()
            .map(|v| v.evidence.as_slice())
            .unwrap_or(&[]);
        let mut labels: Vec<String> = evidence
            .iter()
            .map(|e| e.category.as_str().to_owned())
            .collect();
        labels.sort();
        labels.dedup();
        let t = self.t;
        let labels = labels
            .into_iter()
            .map(|name| {
                let label = category_word(t, &name);
                (name, label)
            })
            .collect();
        let mut segments = highlight(&c.body, evidence);
        for segment in &mut segments {
            segment.label = segment.category.as_deref().map(|c| category_word(t, c));
        }
        let suggested = verdict
            .as_ref()
            .and_then(|v| v.category)
            .map(|c| c.as_str())
            .filter(|c| REJECTION_CATEGORIES.contains(c));
        let paragraph = self.paragraph(c.article_id, &c.body).await?;
        let parent = match c.parent_id {
            Some(id) => self.store.comment(id).await?.map(|p| ParentView {
                author: p.author_name,
                body: p.body,
            }),
            None => None,
        };
        let history = self
            .store
            .author_history(c.id, &item.facts, HISTORY_SHOWN)
            .await?;
        let pending = c.status == Status::Pending;
        let (alike, alike_ids) = if pending {
            let counts = self.store.alike_counts(c.id, &item.facts).await?;
            let ids = if counts == AlikeCounts::default() {
                vec![c.id]
            } else {
                self.store
                    .alike_ids(c.id, &item.facts, ALIKE_SELECTED)
                    .await?
            };
            (counts, ids)
        } else {
            (AlikeCounts::default(), vec![c.id])
        };
        let decided = history.approved + history.rejected;
        Ok(CardView {
            id: c.id,
            article_slug: item.article_slug.clone(),
            article_title: item.article_title.clone(),
            author: c.author_name.clone(),
            email: c.author_email.clone(),
            when: t.when(c.created_at),
            lang: item.facts.lang.clone().unwrap_or_default(),
            status: c.status.as_str(),
            status_label: status_word(t, c.status.as_str()),
            decided_by: item.decided_by.clone().filter(|_| !pending),
            category_label: c.category.as_deref().map(|c| category_word(t, c)),
            claimed_by_other: item
                .claimed_by
                .clone()
                .filter(|holder| holder != self.viewer),
            stage: if !pending {
                None
            } else if item.checking {
                Some(t.get("console-card-checking"))
            } else if item.facts.encoder == Some(EncoderStep::Absent) {
                Some(t.get("console-card-encoder-absent"))
            } else {
                None
            },
            checking: pending && item.checking,
            risk: t.hundredths(item.risk),
            segments,
            labels,
            scores: verdict
                .as_ref()
                .map(|v| {
                    v.scores
                        .iter()
                        .filter(|(_, s)| **s >= 0.05)
                        .map(|(category, s)| ScoreView {
                            label: category_word(t, category.as_str()),
                            value: t.hundredths(f64::from(*s)),
                            high: *s >= 0.5,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            reasons: verdict
                .as_ref()
                .map(|v| v.reasons.clone())
                .unwrap_or_default(),
            paragraph,
            parent,
            history: HistoryView {
                total: history.total,
                approved: history.approved,
                rejected: history.rejected,
                rejection_rate: if decided == 0 {
                    String::new()
                } else {
                    t.number(history.rejected * 100 / decided)
                },
                items: history
                    .comments
                    .into_iter()
                    .map(|h| HistoryItem {
                        id: h.id,
                        when: t.when(h.created_at),
                        status_label: status_word(t, h.status.as_str()),
                        excerpt: excerpt(&h.body, 140),
                    })
                    .collect(),
            },
            alike_words: alike_words(t, &alike),
            alike_ids: alike_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            suggested: suggested.map(str::to_owned),
            options: REJECTION_CATEGORIES
                .iter()
                .enumerate()
                .map(|(i, name)| CategoryOption {
                    name,
                    label: category_word(t, name),
                    key: i + 1,
                    selected: suggested == Some(*name),
                })
                .collect(),
        })
    }

    /// The article paragraph sharing the most words with the comment.
    async fn paragraph(
        &mut self,
        article_id: i64,
        body: &str,
    ) -> Result<Option<String>, StoreError> {
        if !self.articles.contains_key(&article_id) {
            let paragraphs = match self.store.article_by_id(article_id).await? {
                Some(article) => article
                    .body
                    .split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
                None => Vec::new(),
            };
            self.articles.insert(article_id, paragraphs);
        }
        let paragraphs = &self.articles[&article_id];
        let candidates: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        Ok(
            tribune_moderation::similarity::most_similar(body, &candidates)
                .map(|i| excerpt(paragraphs[i].as_str(), 400)),
        )
    }
}

/// The alike counts in the page's words, split around the near-duplicates' count (the
/// message's first number in every catalogue).
fn alike_words(t: Texts, alike: &AlikeCounts) -> (String, String, String) {
    let text = t.with(
        "console-alike",
        Args::new()
            .number("near", alike.near_duplicates)
            .number("author", alike.same_author)
            .number("link", alike.same_link),
    );
    let near = t.number(alike.near_duplicates);
    match text.split_once(&near) {
        Some((before, after)) => (before.to_owned(), near, after.to_owned()),
        None => (text, String::new(), String::new()),
    }
}

/// The first `chars` characters of a text, with an ellipsis when cut.
pub(super) fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Splits a comment into plain and highlighted runs from the engine's evidence spans; spans that
/// do not fall on character boundaries of this text are ignored rather than trusted.
pub(super) fn highlight(body: &str, evidence: &[tribune_moderation::Evidence]) -> Vec<Segment> {
    let mut spans: Vec<&tribune_moderation::Evidence> = evidence
        .iter()
        .filter(|e| {
            e.start < e.end
                && body.is_char_boundary(e.start)
                && body.is_char_boundary(e.end)
                && e.end <= body.len()
        })
        .collect();
    spans.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut segments = Vec::new();
    let mut at = 0;
    for span in spans {
        if span.start < at {
            continue;
        }
        if span.start > at {
            segments.push(Segment {
                text: body[at..span.start].to_owned(),
                category: None,
                label: None,
            });
        }
        segments.push(Segment {
            text: body[span.start..span.end].to_owned(),
            category: Some(span.category.as_str().to_owned()),
            label: None,
        });
        at = span.end;
    }
    if at < body.len() {
        segments.push(Segment {
            text: body[at..].to_owned(),
            category: None,
            label: None,
        });
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use tribune_moderation::{Category, Evidence};

    fn evidence(start: usize, end: usize) -> Evidence {
        Evidence {
            category: Category::Profanity,
            start,
            end,
            text: String::new(),
            reason: String::new(),
        }
    }

    #[test]
    fn highlight_marks_spans_and_skips_overlaps_and_bad_offsets() {
        let body = "ab cd ef";
        let segments = highlight(body, &[evidence(3, 5), evidence(4, 6), evidence(7, 99)]);
        let rendered: Vec<(&str, bool)> = segments
            .iter()
            .map(|s| (s.text.as_str(), s.category.is_some()))
            .collect();
        assert_eq!(rendered, vec![("ab ", false), ("cd", true), (" ef", false)]);
    }

    #[test]
    fn highlight_ignores_spans_inside_a_character() {
        let body = "سلام";
        let segments = highlight(body, &[evidence(1, 3)]);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].text, body);
    }
}
