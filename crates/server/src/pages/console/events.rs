//! `GET /moderation/events`: live updates as server-sent events. Each node polls the
//! decisions table (every new comment arrives with the engine's first decision, every
//! moderator's decision is a row), so a console hears of work done through any node. A
//! stream ends after a few minutes and the browser reconnects from its `Last-Event-ID`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::ModeratorVisitor;
use crate::App;
use crate::pages::PageError;

/// How often a stream looks for new decisions.
const POLL: Duration = Duration::from_millis(500);
/// How long one stream lasts before the browser reconnects.
const STREAM_FOR: Duration = Duration::from_secs(300);
/// The most decisions one event carries.
const BATCH: i64 = 200;

#[derive(Deserialize)]
pub(super) struct EventsQuery {
    after: Option<i64>,
}

/// One decision as a console hears of it.
#[derive(Serialize)]
struct Decided {
    id: i64,
    comment_id: i64,
    decision: String,
    actor: String,
}

pub(super) async fn events(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    _moderator: ModeratorVisitor,
    Query(query): Query<EventsQuery>,
) -> Result<Response, PageError> {
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let after = match resumed.or(query.after) {
        Some(after) => after,
        None => app.store.latest_decision_id().await?,
    };
    let until = Instant::now() + STREAM_FOR;
    let stream = futures_util::stream::unfold((app, after), move |(app, after)| async move {
        loop {
            if Instant::now() > until {
                return None;
            }
            tokio::time::sleep(POLL).await;
            // A failing database ends the stream; the browser retries on its own.
            let found = app.store.decisions_since(after, BATCH).await.ok()?;
            let Some(last) = found.last().map(|d| d.id) else {
                continue;
            };
            let batch: Vec<Decided> = found
                .into_iter()
                .map(|d| Decided {
                    id: d.id,
                    comment_id: d.comment_id,
                    decision: d.decision,
                    actor: d.actor,
                })
                .collect();
            let event = Event::default()
                .event("decisions")
                .id(last.to_string())
                .json_data(&batch)
                .ok()?;
            return Some((Ok::<Event, std::convert::Infallible>(event), (app, last)));
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
