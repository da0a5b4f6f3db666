//! The moderation queue and the moderators' decisions from it.

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use tribune_store::Role;

use super::{Layout, PageError, PageResult, Visitor, when};
use crate::app::REJECTION_CATEGORIES;
use crate::{App, ServerError};

struct Segment {
    text: String,
    category: Option<String>,
}

struct ScoreView {
    category: String,
    value: String,
    high: bool,
}

struct CategoryOption {
    name: &'static str,
    selected: bool,
}

struct QueueView {
    id: i64,
    article_slug: String,
    article_title: String,
    author: String,
    email: Option<String>,
    when: String,
    is_reply: bool,
    segments: Vec<Segment>,
    scores: Vec<ScoreView>,
    reasons: Vec<String>,
    options: Vec<CategoryOption>,
}

/// Splits a comment into plain and highlighted runs from the engine's evidence spans; spans that
/// do not fall on character boundaries of this text are ignored rather than trusted.
fn highlight(body: &str, evidence: &[tribune_moderation::Evidence]) -> Vec<Segment> {
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

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<QueueView>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct QueueQuery {
    decided: Option<String>,
}

pub(super) async fn queue_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<QueueQuery>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Some(session) = &visitor.session else {
        return Ok(Redirect::to("/login").into_response());
    };
    if !matches!(session.user.role, Role::Moderator | Role::Admin) {
        return Err(PageError(ServerError::Forbidden {
            code: "forbidden",
            message: "This page is for moderators.".into(),
        }));
    }
    let items = app.store.pending_queue(200, Some(session.user.id)).await?;
    let items = items
        .into_iter()
        .map(|item| {
            let verdict: Option<tribune_moderation::Verdict> = item
                .verdict
                .as_deref()
                .and_then(|v| serde_json::from_str(v).ok());
            let c = &item.comment;
            let (segments, scores, reasons, suggested) = match &verdict {
                Some(v) => (
                    highlight(&c.body, &v.evidence),
                    v.scores
                        .iter()
                        .filter(|(_, s)| **s >= 0.05)
                        .map(|(category, s)| ScoreView {
                            category: category.as_str().to_owned(),
                            value: format!("{s:.2}"),
                            high: *s >= 0.5,
                        })
                        .collect(),
                    v.reasons.clone(),
                    v.category.map(|c| c.as_str()),
                ),
                None => (highlight(&c.body, &[]), Vec::new(), Vec::new(), None),
            };
            QueueView {
                id: c.id,
                article_slug: item.article_slug.clone(),
                article_title: item.article_title.clone(),
                author: c.author_name.clone(),
                email: c.author_email.clone(),
                when: when(c.created_at),
                is_reply: c.parent_id.is_some(),
                segments,
                scores,
                reasons,
                options: REJECTION_CATEGORIES
                    .iter()
                    .map(|name| CategoryOption {
                        name,
                        selected: suggested == Some(*name),
                    })
                    .collect(),
            }
        })
        .collect();
    let notice = query.decided.map(|d| format!("Comment {d} decided."));
    let page = QueuePage {
        layout: visitor.layout(true),
        items,
        notice,
        error: None,
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    category: Option<String>,
    note: Option<String>,
}

pub(super) async fn decide(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> PageResult {
    let visitor = Visitor::of(&app, &headers).await?;
    let Some(session) = &visitor.session else {
        return Ok(Redirect::to("/login").into_response());
    };
    let Ok(Form(form)) = form else {
        return Err(ServerError::input("malformed_form", "the form could not be read").into());
    };
    if !visitor.csrf_matches(&form.csrf) {
        return Err(PageError(ServerError::Forbidden {
            code: "bad_csrf",
            message: "This form has expired. Reload the queue and decide again.".into(),
        }));
    }
    let id: i64 = id
        .parse()
        .map_err(|_| ServerError::not_found("unknown_comment", "there is no such comment"))?;
    app.decide(
        &session.user,
        id,
        &form.decision,
        form.category.as_deref(),
        form.note.as_deref(),
        false,
    )
    .await?;
    Ok(Redirect::to(&format!("/moderation?decided={id}")).into_response())
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
