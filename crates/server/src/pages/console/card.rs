//! A card: one comment with what a moderator needs to decide it: the text with its evidence
//! highlighted and labelled, the scores, the article's title and its paragraph most like the
//! comment, the comment it replies to, the author's history and how many pending comments
//! are alike.

use std::collections::HashMap;

use tribune_moderation::Verdict;
use tribune_store::{AlikeCounts, ConsoleItem, Status, Store, StoreError};

use super::super::when;
use crate::app::REJECTION_CATEGORIES;

/// How many of the author's earlier comments a card lists.
const HISTORY_SHOWN: i64 = 10;
/// How many alike comments `s` selects at most.
const ALIKE_SELECTED: i64 = 200;

pub(super) struct Segment {
    pub text: String,
    pub category: Option<String>,
}

pub(super) struct ScoreView {
    pub category: String,
    pub value: String,
    pub high: bool,
}

pub(super) struct CategoryOption {
    pub name: &'static str,
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
    pub status: &'static str,
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
    pub decided_by: Option<String>,
    pub category: Option<String>,
    pub claimed_by_other: Option<String>,
    pub risk: String,
    pub segments: Vec<Segment>,
    pub labels: Vec<String>,
    pub scores: Vec<ScoreView>,
    pub reasons: Vec<String>,
    pub paragraph: Option<String>,
    pub parent: Option<ParentView>,
    pub history: HistoryView,
    pub alike: AlikeCounts,
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
    articles: HashMap<i64, Vec<String>>,
}

impl<'a> CardBuilder<'a> {
    pub(super) fn new(store: &'a Store, viewer: &'a str) -> CardBuilder<'a> {
        CardBuilder {
            store,
            viewer,
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
            when: when(c.created_at),
            lang: item.facts.lang.clone().unwrap_or_default(),
            status: c.status.as_str(),
            decided_by: item.decided_by.clone().filter(|_| !pending),
            category: c.category.clone(),
            claimed_by_other: item
                .claimed_by
                .clone()
                .filter(|holder| holder != self.viewer),
            risk: format!("{:.2}", item.risk),
            segments: highlight(&c.body, evidence),
            labels,
            scores: verdict
                .as_ref()
                .map(|v| {
                    v.scores
                        .iter()
                        .filter(|(_, s)| **s >= 0.05)
                        .map(|(category, s)| ScoreView {
                            category: category.as_str().to_owned(),
                            value: format!("{s:.2}"),
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
                    format!("{}", history.rejected * 100 / decided)
                },
                items: history
                    .comments
                    .into_iter()
                    .map(|h| HistoryItem {
                        id: h.id,
                        when: when(h.created_at),
                        status: h.status.as_str(),
                        excerpt: excerpt(&h.body, 140),
                    })
                    .collect(),
            },
            alike,
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
            });
        }
        segments.push(Segment {
            text: body[span.start..span.end].to_owned(),
            category: Some(span.category.as_str().to_owned()),
        });
        at = span.end;
    }
    if at < body.len() {
        segments.push(Segment {
            text: body[at..].to_owned(),
            category: None,
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
