//! `GET /moderation`: a queue (pending, approved, rejected) or the decision log, with its
//! filters, the counts of every queue, the oldest pending comment's age, and a cursor link to
//! the next page.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use tribune_store::LogEntry;

use super::card::{CardBuilder, CardView, excerpt};
use super::query::{ConsoleQuery, FilterValues, LANGUAGES, RawQuery, View, cursor_text, link};
use super::{ModeratorVisitor, words};
use crate::App;
use crate::pages::{Layout, PageResult};
use tribune_i18n::{Args, Texts};

/// Cards per page: a screen or two, decided by keyboard; the next page is one cursor away.
pub(super) const PAGE_SIZE: i64 = 25;

pub(super) struct Tab {
    pub label: String,
    pub count: Option<i64>,
    pub href: String,
    pub current: bool,
}

pub(super) struct LogRow {
    pub decision_id: i64,
    pub comment_id: i64,
    pub when: String,
    pub actor: String,
    pub decision: &'static str,
    pub decision_label: String,
    pub category_label: Option<String>,
    pub note: Option<String>,
    pub author: String,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage<'a> {
    layout: Layout<'a>,
    view: &'static str,
    oldest: Option<String>,
    tabs: Vec<Tab>,
    cards: Vec<CardView>,
    log: Vec<LogRow>,
    next_link: Option<String>,
    values: FilterValues,
    languages: &'static [&'static str],
    /// The guideline categories: (name, label).
    categories: Vec<(&'static str, String)>,
    articles: Vec<(String, String)>,
    notice: Option<String>,
    undo_id: Option<i64>,
    latest_decision: i64,
    viewer: String,
    script_messages: ScriptMessages,
    /// "{count} selected" around the count the script keeps up to date.
    selected_count_words: (String, String),
}

/// The script's messages with placeholders of its own, which it fills in.
struct ScriptMessages {
    decided_meanwhile: String,
    new_comments: String,
    bulk_done: String,
}

impl ScriptMessages {
    fn new(t: Texts) -> ScriptMessages {
        let with = |id: &str, names: &[&'static str]| {
            let args = names.iter().fold(Args::new(), |args, name| {
                args.text(name, format!("{{{name}}}"))
            });
            t.with(id, args)
        };
        ScriptMessages {
            decided_meanwhile: with("console-msg-decided-meanwhile", &["actor", "decision"]),
            new_comments: with("console-msg-new-comments", &["n"]),
            bulk_done: with("console-msg-bulk-done", &["decided", "refused"]),
        }
    }
}

/// A message with one count split where the count stands, for the script to fill in.
fn around_count(t: Texts, id: &str) -> (String, String) {
    const MARK: &str = "\u{E000}";
    let text = t.with(id, Args::new().text("count", MARK));
    match text.split_once(MARK) {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (String::new(), text),
    }
}

fn log_row(t: Texts, entry: LogEntry) -> LogRow {
    let d = entry.decision;
    LogRow {
        decision_id: d.id,
        comment_id: d.comment_id,
        when: t.when(d.created_at),
        actor: match &d.actor {
            tribune_store::Actor::Engine(name) | tribune_store::Actor::User(name) => name.clone(),
        },
        decision: d.decision.as_str(),
        decision_label: words::decision_word(t, d.decision.as_str()),
        category_label: d.category.as_deref().map(|c| words::category_word(t, c)),
        note: d.note,
        author: entry.author_name,
        excerpt: excerpt(&entry.body, 160),
    }
}

pub(super) async fn console_page(
    State(app): State<Arc<App>>,
    ModeratorVisitor { visitor, session }: ModeratorVisitor,
    Query(raw): Query<RawQuery>,
) -> PageResult {
    let layout = visitor.layout(true);
    let t = layout.t;
    let mut query = ConsoleQuery::parse(&raw, app.fact_key().await?)?;
    if let Some(slug) = &query.article_slug {
        // An unknown article filters everything out rather than nothing.
        query.filter.article_id = Some(app.store.article_by_slug(slug).await?.map_or(-1, |a| a.id));
    }
    let latest_decision = app.store.latest_decision_id().await?;
    let counts = app.store.queue_counts().await?;
    let mut cards = Vec::new();
    let mut log = Vec::new();
    let mut next_link = None;
    match query.view {
        View::Queue(kind) => {
            let page = app
                .store
                .console_queue(kind, &query.filter, query.after, PAGE_SIZE, session.user.id)
                .await?;
            let mut builder = CardBuilder::new(&app.store, &session.user.username, t);
            for item in page.items {
                cards.push(builder.card(item).await?);
            }
            next_link = page
                .next
                .map(|cursor| link(&raw, query.view.name(), Some(&cursor_text(cursor))));
        }
        View::Log => {
            let entries = app
                .store
                .decision_log(query.before_decision, PAGE_SIZE + 1)
                .await?;
            let more = entries.len() as i64 > PAGE_SIZE;
            log = entries
                .into_iter()
                .take(PAGE_SIZE as usize)
                .map(|entry| log_row(t, entry))
                .collect();
            if more && let Some(last) = log.last() {
                next_link = Some(link(&raw, "log", Some(&format!("d{}", last.decision_id))));
            }
        }
    }
    let count = |name: &str| match name {
        "pending" => Some(counts.pending),
        "approved" => Some(counts.approved),
        "rejected" => Some(counts.rejected),
        _ => None,
    };
    let tabs = words::TABS
        .iter()
        .map(|(name, label)| Tab {
            label: t.get(label),
            count: count(name),
            href: link(&raw, name, None),
            current: query.view.name() == *name,
        })
        .collect();
    let decided = raw.decided.as_deref().and_then(|d| d.parse::<i64>().ok());
    let articles = app
        .store
        .articles()
        .await?
        .into_iter()
        .map(|a| (a.slug, a.title))
        .collect();
    let page = ConsolePage {
        layout,
        view: query.view.name(),
        oldest: counts
            .oldest_pending_at
            .map(|at| words::waiting_for(t, tribune_store::now_millis() - at)),
        tabs,
        cards,
        log,
        next_link,
        values: raw.values(),
        languages: &LANGUAGES,
        categories: words::categories(t),
        articles,
        notice: decided.map(|id| words::decided(t, id)),
        undo_id: decided,
        latest_decision,
        viewer: session.user.username.clone(),
        script_messages: ScriptMessages::new(t),
        selected_count_words: around_count(t, "console-selected"),
    };
    Ok(visitor.respond(&app, StatusCode::OK, page.render()?))
}
