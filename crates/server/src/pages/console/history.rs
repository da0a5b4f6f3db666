//! `GET /moderation/comments/{id}`: a comment's card and every decision row it has, with the
//! form that overturns its latest decision (with a note).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use tribune_store::Actor;

use super::card::{CardBuilder, CardView};
use super::{ModeratorVisitor, parse_comment_id, words};
use crate::App;
use crate::ServerError;
use crate::pages::{Layout, PageResult};

pub(super) struct DecisionRow {
    pub id: i64,
    pub when: String,
    pub actor: String,
    pub by_engine: bool,
    pub decision: &'static str,
    pub decision_label: String,
    pub category_label: Option<String>,
    pub note: Option<String>,
    pub risk: Option<String>,
    pub latest: bool,
}

#[derive(Template)]
#[template(path = "console_history.html")]
struct HistoryPage<'a> {
    layout: Layout<'a>,
    card: CardView,
    rows: Vec<DecisionRow>,
    /// The guideline categories: (name, label).
    categories: Vec<(&'static str, String)>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct HistoryQuery {
    overturned: Option<String>,
}

pub(super) async fn history_page(
    State(app): State<Arc<App>>,
    ModeratorVisitor { visitor, session }: ModeratorVisitor,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> PageResult {
    let layout = visitor.layout(true);
    let t = layout.t;
    let id = parse_comment_id(&id)?;
    let item = app
        .store
        .console_item(id)
        .await?
        .ok_or_else(|| ServerError::not_found("unknown_comment", words::NO_SUCH_COMMENT))?;
    let card = CardBuilder::new(&app.store, &session.user.username, t)
        .card(item)
        .await?;
    let decisions = app.history(id).await?;
    let last = decisions.last().map(|d| d.id);
    let rows = decisions
        .into_iter()
        .map(|d| DecisionRow {
            id: d.id,
            when: t.when(d.created_at),
            by_engine: matches!(d.actor, Actor::Engine(_)),
            actor: match d.actor {
                Actor::Engine(name) | Actor::User(name) => name,
            },
            decision: d.decision.as_str(),
            decision_label: words::decision_word(t, d.decision.as_str()),
            category_label: d.category.as_deref().map(|c| words::category_word(t, c)),
            note: d.note,
            risk: d.risk.map(|r| t.hundredths(r)),
            latest: Some(d.id) == last,
        })
        .collect();
    let page = HistoryPage {
        layout,
        card,
        rows,
        categories: words::categories(t),
        notice: query.overturned.map(|_| words::overturned(t, id)),
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}
