//! The console's queues: the `latest_decisions` index always agrees with the decisions
//! themselves, and a keyset cursor walks a queue in its order without gaps or repeats.

use tribune_store::testing::fresh_store;
use tribune_store::{
    Actor, CommentFacts, DecisionKind, NewArticle, NewComment, NewDecision, QueueCursor,
    QueueFilter, QueueKind, Status, Store,
};

async fn article(store: &Store) -> i64 {
    store
        .insert_article(&NewArticle {
            slug: "a".into(),
            title: "A".into(),
            body: "Body".into(),
            lang: "en".into(),
        })
        .await
        .expect("article")
        .id
}

fn comment(article_id: i64, n: usize, facts: CommentFacts) -> NewComment {
    NewComment {
        article_id,
        parent_id: None,
        author_name: format!("Reader {n}"),
        author_email: None,
        body: format!("comment number {n}"),
        token_hash: format!("token {n}"),
        idempotency_key: None,
        facts,
    }
}

fn decision(kind: DecisionKind, actor: Actor, risk: Option<f64>) -> NewDecision {
    NewDecision {
        decision: kind,
        category: (kind == DecisionKind::Reject).then(|| "profanity".to_owned()),
        actor,
        note: None,
        risk,
        verdict: None,
    }
}

fn engine() -> Actor {
    Actor::Engine("test".into())
}

/// Every comment each queue lists has the status its decisions give it.
async fn index_agrees_with_decisions(store: &Store) {
    for kind in [QueueKind::Pending, QueueKind::Approved, QueueKind::Rejected] {
        let page = store
            .console_queue(kind, &QueueFilter::default(), None, 1000, 0)
            .await
            .expect("queue");
        for item in page.items {
            let want = match kind {
                QueueKind::Pending => Status::Pending,
                QueueKind::Approved => Status::Approved,
                QueueKind::Rejected => Status::Rejected,
            };
            let stored = store
                .comment(item.comment.id)
                .await
                .expect("read")
                .expect("exists");
            assert_eq!(
                stored.status, want,
                "comment {} in the {kind:?} queue",
                item.comment.id
            );
        }
    }
}

#[tokio::test]
async fn the_latest_decisions_index_follows_every_decision_and_overturn() {
    let (store, _db) = fresh_store().await.expect("store");
    let article = article(&store).await;
    let mut ids = Vec::new();
    for n in 0..12 {
        let first = match n % 3 {
            0 => Some(decision(
                DecisionKind::Review,
                engine(),
                Some(n as f64 / 20.0),
            )),
            1 => Some(decision(DecisionKind::Approve, engine(), Some(0.01))),
            _ => None,
        };
        let inserted = store
            .insert_comment(
                &comment(article, n, CommentFacts::default()),
                first.as_ref(),
            )
            .await
            .expect("comment");
        ids.push(inserted.comment.id);
    }
    let moderator = Actor::User("moderator".into());
    store
        .record_decision(
            ids[0],
            &decision(DecisionKind::Reject, moderator.clone(), None),
            true,
        )
        .await
        .expect("reject");
    store
        .record_decision(
            ids[0],
            &decision(DecisionKind::Approve, moderator.clone(), None),
            false,
        )
        .await
        .expect("overturn");
    store
        .record_decision(
            ids[3],
            &decision(DecisionKind::Review, moderator, None),
            false,
        )
        .await
        .expect("back to review");
    index_agrees_with_decisions(&store).await;
    let counts = store.queue_counts().await.expect("counts");
    // 0 approved by overturn, 1/4/7/10 by the engine; 2/5/8/11 undecided and 3/6/9 review.
    assert_eq!(
        (counts.pending, counts.approved, counts.rejected),
        (7, 5, 0)
    );
    assert!(counts.oldest_pending_at.is_some());
}

#[tokio::test]
async fn a_cursor_walks_the_pending_queue_riskiest_then_oldest_without_gaps() {
    let (store, _db) = fresh_store().await.expect("store");
    let article = article(&store).await;
    let mut expected = Vec::new();
    for n in 0..25 {
        let risk = [0.9, 0.5, 0.5, 0.1, 0.0][n % 5];
        let inserted = store
            .insert_comment(
                &comment(article, n, CommentFacts::default()),
                Some(&decision(DecisionKind::Review, engine(), Some(risk))),
            )
            .await
            .expect("comment");
        expected.push((risk, inserted.comment.id));
    }
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seen = Vec::new();
    let mut after: Option<QueueCursor> = None;
    loop {
        let page = store
            .console_queue(QueueKind::Pending, &QueueFilter::default(), after, 7, 0)
            .await
            .expect("page");
        seen.extend(page.items.iter().map(|i| (i.risk, i.comment.id)));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn filters_by_language_and_text_and_an_undo_needs_the_latest_decision() {
    let (store, _db) = fresh_store().await.expect("store");
    let article = article(&store).await;
    let lang = |l: &str| CommentFacts {
        lang: Some(l.into()),
        ..CommentFacts::default()
    };
    let review = decision(DecisionKind::Review, engine(), Some(0.2));
    let en = store
        .insert_comment(&comment(article, 1, lang("en")), Some(&review))
        .await
        .expect("en");
    let ar = store
        .insert_comment(&comment(article, 2, lang("ar")), Some(&review))
        .await
        .expect("ar");
    let filter = QueueFilter {
        lang: Some("ar".into()),
        ..QueueFilter::default()
    };
    let page = store
        .console_queue(QueueKind::Pending, &filter, None, 10, 0)
        .await
        .expect("page");
    let ids: Vec<i64> = page.items.iter().map(|i| i.comment.id).collect();
    assert_eq!(ids, vec![ar.comment.id]);
    let filter = QueueFilter {
        text: Some("NUMBER 1".into()),
        ..QueueFilter::default()
    };
    let page = store
        .console_queue(QueueKind::Pending, &filter, None, 10, 0)
        .await
        .expect("page");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].comment.id, en.comment.id);

    let moderator = Actor::User("moderator".into());
    let approved = store
        .record_decision(
            en.comment.id,
            &decision(DecisionKind::Approve, moderator.clone(), None),
            true,
        )
        .await
        .expect("approve");
    let stale = store
        .record_decision_after(
            en.comment.id,
            &decision(DecisionKind::Review, moderator.clone(), None),
            approved.id - 1,
        )
        .await;
    assert!(
        stale.is_err(),
        "an undo of a decision that is not the latest is refused"
    );
    store
        .record_decision_after(
            en.comment.id,
            &decision(DecisionKind::Review, moderator, None),
            approved.id,
        )
        .await
        .expect("undo");
    let history = store.decisions(en.comment.id).await.expect("history");
    assert_eq!(
        history.len(),
        3,
        "the engine's, the approval and the undo: all kept"
    );
    let page = store
        .console_queue(QueueKind::Pending, &QueueFilter::default(), None, 10, 0)
        .await
        .expect("page");
    let back = page.items.iter().find(|i| i.comment.id == en.comment.id);
    assert!(
        (back.expect("back in the queue").risk - 0.2).abs() < 1e-9,
        "with its risk"
    );
}
