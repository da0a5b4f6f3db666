//! What the schema itself guarantees, whatever code talks to it.

use tribune_store::testing::{TestDatabase, fresh_store};
use tribune_store::{
    Actor, DecisionKind, NewArticle, NewComment, NewDecision, Status, Store, StoreError,
};

fn new_comment(article_id: i64, body: &str, key: Option<&str>) -> NewComment {
    NewComment {
        article_id,
        parent_id: None,
        author_name: "Reader".into(),
        author_email: None,
        body: body.into(),
        token_hash: format!(
            "hash of a token for {body} {key:?} {}",
            tribune_store::now_millis()
        ),
        idempotency_key: key.map(str::to_owned),
        facts: Default::default(),
    }
}

async fn store_with_comment() -> (Store, i64, TestDatabase) {
    let (store, db) = fresh_store().await.expect("store");
    let article = store
        .insert_article(&NewArticle {
            slug: "a".into(),
            title: "A".into(),
            body: "Body".into(),
            lang: "en".into(),
        })
        .await
        .expect("article");
    let inserted = store
        .insert_comment(&new_comment(article.id, "original text", None), None)
        .await
        .expect("comment");
    (store, inserted.comment.id, db)
}

async fn article_of(store: &Store, comment_id: i64) -> i64 {
    let comment = store.comment(comment_id).await.expect("read");
    comment.expect("the comment exists").article_id
}

fn decision(kind: DecisionKind, category: Option<&str>) -> NewDecision {
    NewDecision {
        decision: kind,
        category: category.map(str::to_owned),
        actor: Actor::User("moderator".into()),
        note: None,
        risk: None,
        verdict: None,
    }
}

#[tokio::test]
async fn the_schema_refuses_any_update_of_a_comment() {
    let (store, id, _dir) = store_with_comment().await;
    let result = store
        .execute_raw(&format!(
            "UPDATE comments SET body = 'edited' WHERE id = {id}"
        ))
        .await;
    let error = result
        .expect_err("updating a comment must fail")
        .to_string();
    assert!(error.contains("comments are immutable"), "{error}");
    let comment = store.comment(id).await.expect("read").expect("exists");
    assert_eq!(comment.body, "original text");
}

#[tokio::test]
async fn decisions_are_append_only_and_the_latest_one_is_the_status() {
    let (store, id, _dir) = store_with_comment().await;
    assert_eq!(
        store
            .comment(id)
            .await
            .expect("read")
            .expect("exists")
            .status,
        Status::Pending
    );
    store
        .record_decision(id, &decision(DecisionKind::Reject, Some("profanity")), true)
        .await
        .expect("reject");
    let rejected = store.comment(id).await.expect("read").expect("exists");
    assert_eq!(
        (rejected.status, rejected.category.as_deref()),
        (Status::Rejected, Some("profanity"))
    );
    store
        .record_decision(id, &decision(DecisionKind::Approve, None), false)
        .await
        .expect("approve");
    assert_eq!(
        store
            .comment(id)
            .await
            .expect("read")
            .expect("exists")
            .status,
        Status::Approved
    );
    assert_eq!(store.decisions(id).await.expect("history").len(), 2);

    for sql in [
        "UPDATE decisions SET decision = 'approve'",
        "DELETE FROM decisions",
    ] {
        let error = store.execute_raw(sql).await.expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    assert_eq!(store.decisions(id).await.expect("history").len(), 2);
}

#[tokio::test]
async fn a_rejection_without_a_category_cannot_be_stored() {
    let (store, id, _dir) = store_with_comment().await;
    assert!(
        store
            .record_decision(id, &decision(DecisionKind::Reject, None), true)
            .await
            .is_err()
    );
    assert!(
        store
            .record_decision(id + 100, &decision(DecisionKind::Approve, None), true)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_queue_puts_the_riskiest_first_then_the_oldest() {
    let (store, first, _dir) = store_with_comment().await;
    let comment = store.comment(first).await.expect("read").expect("exists");
    let mut ids = Vec::new();
    for risk in [0.2, 0.9, 0.2] {
        let stored = store
            .insert_comment(
                &new_comment(
                    comment.article_id,
                    &format!("risk {risk} {}", ids.len()),
                    None,
                ),
                Some(&NewDecision {
                    decision: DecisionKind::Review,
                    category: None,
                    actor: Actor::Engine("test".into()),
                    note: None,
                    risk: Some(risk),
                    verdict: None,
                }),
            )
            .await
            .expect("insert");
        ids.push(stored.comment.id);
    }
    let queue: Vec<i64> = store
        .pending_queue(10, None)
        .await
        .expect("queue")
        .iter()
        .map(|q| q.comment.id)
        .collect();
    assert_eq!(queue, vec![ids[1], ids[0], ids[2], first]);
}

#[tokio::test]
async fn duplicate_slugs_and_user_names_are_named_errors() {
    let (store, _, _dir) = store_with_comment().await;
    let again = store
        .insert_article(&NewArticle {
            slug: "a".into(),
            title: "Again".into(),
            body: "B".into(),
            lang: "en".into(),
        })
        .await;
    assert!(matches!(again, Err(tribune_store::StoreError::DuplicateSlug(s)) if s == "a"));
    store
        .insert_user("u", "hash", tribune_store::Role::Moderator)
        .await
        .expect("user");
    let twice = store
        .insert_user("u", "hash", tribune_store::Role::Admin)
        .await;
    assert!(matches!(
        twice,
        Err(tribune_store::StoreError::DuplicateUser(_))
    ));
}

#[tokio::test]
async fn a_retried_submission_with_the_same_key_is_stored_once() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let once = store
        .insert_comment(&new_comment(article_id, "retried", Some("key-1")), None)
        .await
        .expect("first");
    let again = store
        .insert_comment(&new_comment(article_id, "retried", Some("key-1")), None)
        .await
        .expect("retry");
    assert!(!once.replayed);
    assert!(again.replayed);
    assert_eq!(once.comment.id, again.comment.id);
    let counts = store.table_counts().await.expect("counts");
    assert!(counts.contains(&("comments", 2)), "{counts:?}");
    assert!(
        counts.contains(&("comment_tokens", 3)),
        "both tokens work: {counts:?}"
    );
}

#[tokio::test]
async fn of_two_decisions_on_a_pending_comment_exactly_one_wins() {
    let (store, id, _db) = store_with_comment().await;
    let approve = decision(DecisionKind::Approve, None);
    let reject = decision(DecisionKind::Reject, Some("threat"));
    let (a, b) = tokio::join!(
        store.record_decision(id, &approve, true),
        store.record_decision(id, &reject, true)
    );
    let wins = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
    assert_eq!(wins, 1, "{a:?} {b:?}");
    let loser = if a.is_err() { a } else { b };
    assert!(
        matches!(loser, Err(StoreError::AlreadyDecided { .. })),
        "{loser:?}"
    );
    assert_eq!(store.decisions(id).await.expect("history").len(), 1);
}

#[tokio::test]
async fn two_moderators_claiming_at_once_never_get_the_same_comment() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    for n in 0..9 {
        store
            .insert_comment(
                &new_comment(article_id, &format!("comment {n}"), None),
                None,
            )
            .await
            .expect("insert");
    }
    let alice = store
        .insert_user("alice", "h", tribune_store::Role::Moderator)
        .await
        .expect("user");
    let bob = store
        .insert_user("bob", "h", tribune_store::Role::Moderator)
        .await
        .expect("user");
    let (a, b) = tokio::join!(
        store.claim(alice.id, 4, 60_000),
        store.claim(bob.id, 4, 60_000)
    );
    let a: Vec<i64> = a
        .expect("alice claims")
        .iter()
        .map(|q| q.comment.id)
        .collect();
    let b: Vec<i64> = b
        .expect("bob claims")
        .iter()
        .map(|q| q.comment.id)
        .collect();
    assert_eq!((a.len(), b.len()), (4, 4));
    assert!(a.iter().all(|id| !b.contains(id)), "{a:?} {b:?}");
    // Each sees their own claims and unclaimed comments, never the other's.
    let alice_queue: Vec<i64> = store
        .pending_queue(100, Some(alice.id))
        .await
        .expect("queue")
        .iter()
        .map(|q| q.comment.id)
        .collect();
    assert_eq!(alice_queue.len(), 6);
    assert!(b.iter().all(|id| !alice_queue.contains(id)));
}

#[tokio::test]
async fn rate_limit_counters_are_shared_through_the_database() {
    let (store, _, _db) = store_with_comment().await;
    assert!(
        store
            .count_event("comment:127.0.0.1", 2, 60_000)
            .await
            .expect("count")
    );
    assert!(
        store
            .count_event("comment:127.0.0.1", 2, 60_000)
            .await
            .expect("count")
    );
    assert!(
        !store
            .count_event("comment:127.0.0.1", 2, 60_000)
            .await
            .expect("count")
    );
    assert!(
        store
            .count_event("comment:127.0.0.2", 2, 60_000)
            .await
            .expect("count")
    );
    // A window that has passed starts again.
    assert!(
        store
            .count_event("comment:127.0.0.1", 2, 0)
            .await
            .expect("count")
    );
}

#[tokio::test]
async fn replies_store_their_parent() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let mut reply = new_comment(article_id, "a reply", None);
    reply.parent_id = Some(first);
    let stored = store.insert_comment(&reply, None).await.expect("reply");
    assert_eq!(stored.comment.parent_id, Some(first));
}

#[tokio::test]
async fn copy_into_moves_every_row_and_keeps_ids() {
    let (source, first, _db) = store_with_comment().await;
    let article_id = article_of(&source, first).await;
    let mut reply = new_comment(article_id, "a reply", Some("key"));
    reply.parent_id = Some(first);
    let reply = source
        .insert_comment(&reply, None)
        .await
        .expect("reply")
        .comment
        .id;
    source
        .record_decision(first, &decision(DecisionKind::Reject, Some("threat")), true)
        .await
        .expect("decide");
    source
        .set_setting("auto_approve", "true")
        .await
        .expect("setting");

    let (target, _target_db) = fresh_store().await.expect("target");
    let counts = source.copy_into(&target, |_, _, _| {}).await.expect("copy");
    assert!(counts.iter().all(|c| c.source == c.target), "{counts:?}");
    assert!(
        counts
            .iter()
            .any(|c| c.table == "decisions" && c.target == 1)
    );
    let moved = target.comment(first).await.expect("read").expect("moved");
    assert_eq!(
        (moved.status, moved.category.as_deref()),
        (Status::Rejected, Some("threat"))
    );
    assert_eq!(
        target
            .comment(reply)
            .await
            .expect("read")
            .expect("moved")
            .parent_id,
        Some(first)
    );
    assert_eq!(
        target
            .setting("auto_approve")
            .await
            .expect("read")
            .as_deref(),
        Some("true")
    );

    // New rows in the target continue after the copied ids.
    let next = target
        .insert_comment(&new_comment(article_id, "after the move", None), None)
        .await
        .expect("insert");
    assert!(next.comment.id > reply);

    let again = source.copy_into(&target, |_, _, _| {}).await;
    assert!(
        matches!(again, Err(StoreError::TargetNotEmpty(_))),
        "{again:?}"
    );
}

/// Each statement that would change or remove a stored comment or decision, on this backend.
fn tampering_statements(store: &Store, comment: i64, article: i64, decision: i64) -> Vec<String> {
    let mut statements = vec![
        format!("DELETE FROM comments WHERE id = {comment}"),
        "DELETE FROM comments".to_owned(),
        format!(
            "INSERT INTO comments (id, article_id, author_name, body, created_at) \
             VALUES ({comment}, {article}, 'Mallory', 'rewritten', 0) \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body"
        ),
        format!(
            "INSERT INTO decisions (id, comment_id, decision, actor_kind, actor, created_at) \
             VALUES ({decision}, {comment}, 'approve', 'user', 'mallory', 0) \
             ON CONFLICT (id) DO UPDATE SET decision = excluded.decision"
        ),
        format!("DELETE FROM decisions WHERE id = {decision}"),
        format!("UPDATE comment_facts SET lang = 'xx' WHERE comment_id = {comment}"),
        "DELETE FROM comment_facts".to_owned(),
        "DELETE FROM latest_decisions".to_owned(),
    ];
    match store.backend() {
        tribune_store::Backend::Sqlite => statements.extend([
            format!(
                "INSERT OR REPLACE INTO comments (id, article_id, author_name, body, created_at) \
                 VALUES ({comment}, {article}, 'Mallory', 'rewritten', 0)"
            ),
            format!(
                "REPLACE INTO comments (id, article_id, author_name, body, created_at) \
                 VALUES ({comment}, {article}, 'Mallory', 'rewritten', 0)"
            ),
            // Replacing through the other unique column removes the row that holds the key.
            format!(
                "INSERT OR REPLACE INTO comments (article_id, author_name, body, \
                 idempotency_key, created_at) VALUES ({article}, 'Mallory', 'rewritten', 'kept', 0)"
            ),
            "UPDATE OR REPLACE comments SET body = 'rewritten'".to_owned(),
            format!(
                "INSERT OR REPLACE INTO decisions (id, comment_id, decision, actor_kind, actor, \
                 created_at) VALUES ({decision}, {comment}, 'approve', 'user', 'mallory', 0)"
            ),
            format!(
                "REPLACE INTO decisions (id, comment_id, decision, actor_kind, actor, \
                 created_at) VALUES ({decision}, {comment}, 'approve', 'user', 'mallory', 0)"
            ),
        ]),
        tribune_store::Backend::Postgres => statements.extend([
            "TRUNCATE decisions".to_owned(),
            "TRUNCATE comments CASCADE".to_owned(),
            "TRUNCATE latest_decisions".to_owned(),
            "TRUNCATE comment_facts".to_owned(),
            "TRUNCATE comments, decisions, comment_tokens, claims, latest_decisions, comment_facts, \
             encoder_jobs"
                .to_owned(),
        ]),
    }
    statements
}

#[tokio::test]
async fn the_schema_refuses_replacing_deleting_and_truncating_comments_and_decisions() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let keyed = store
        .insert_comment(&new_comment(article_id, "kept text", Some("kept")), None)
        .await
        .expect("comment with a key")
        .comment
        .id;
    let decision = store
        .record_decision(keyed, &decision(DecisionKind::Reject, Some("threat")), true)
        .await
        .expect("decide")
        .id;
    let before = store.table_counts().await.expect("counts");
    for sql in tampering_statements(&store, keyed, article_id, decision) {
        let error = store
            .execute_raw(&sql)
            .await
            .expect_err(&format!("the schema must refuse: {sql}"))
            .to_string();
        assert!(
            error.contains("immutable") || error.contains("append-only"),
            "{sql}: refused for the wrong reason: {error}"
        );
    }
    assert_eq!(store.table_counts().await.expect("counts"), before);
    let comment = store.comment(keyed).await.expect("read").expect("exists");
    assert_eq!(comment.body, "kept text");
    assert_eq!(comment.author_name, "Reader");
    let history = store.decisions(keyed).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].category.as_deref(), Some("threat"));
    assert_eq!(
        store
            .comment(first)
            .await
            .expect("read")
            .expect("exists")
            .body,
        "original text"
    );
}

#[tokio::test]
async fn a_submission_and_its_rate_count_are_one_transaction() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let limit = tribune_store::RateLimit::new("comment:203.0.113.7", 1, 60_000);
    // A submission that fails to store (no such article) leaves the count untouched.
    let failed = store
        .submit_comment(
            &new_comment(article_id + 1000, "lost", None),
            None,
            Some(&limit),
        )
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert!(store.peek(&limit).await.expect("peek").allowed);
    store
        .submit_comment(&new_comment(article_id, "first", None), None, Some(&limit))
        .await
        .expect("within the limit");
    let refused = store
        .submit_comment(&new_comment(article_id, "second", None), None, Some(&limit))
        .await;
    assert!(
        matches!(refused, Err(StoreError::RateLimited { retry_after_ms }) if retry_after_ms > 0),
        "{refused:?}"
    );
    let counts = store.table_counts().await.expect("counts");
    assert!(counts.contains(&("comments", 2)), "{counts:?}");
    assert!(!store.peek(&limit).await.expect("peek").allowed);
}

#[tokio::test]
async fn the_submission_read_brings_the_article_its_setting_and_the_rate_limits_room() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let limit = tribune_store::RateLimit::new("comment:203.0.113.9", 2, 60_000);
    let unlimited = tribune_store::RateLimit::new("comment:203.0.113.9", 0, 0);
    let read = |limit: tribune_store::RateLimit| {
        let store = store.clone();
        async move {
            store
                .article_for_submission("a", "some_setting", &limit)
                .await
                .expect("read")
                .expect("the article exists")
        }
    };
    let fresh = read(limit.clone()).await;
    assert_eq!(fresh.article.id, article_id);
    assert_eq!(fresh.setting, None);
    assert!(fresh.room.allowed);
    store
        .set_setting("some_setting", "on")
        .await
        .expect("setting");
    for body in ["one", "two"] {
        store
            .submit_comment(&new_comment(article_id, body, None), None, Some(&limit))
            .await
            .expect("within the limit");
    }
    let full = read(limit.clone()).await;
    assert_eq!(full.setting.as_deref(), Some("on"));
    assert!(!full.room.allowed, "{:?}", full.room);
    assert!(full.room.retry_after_ms > 0);
    assert!(!store.peek(&limit).await.expect("peek").allowed);
    // Another client's room is its own; a limit without a window has room always.
    let other = tribune_store::RateLimit::new("comment:203.0.113.10", 2, 60_000);
    assert!(read(other).await.room.allowed);
    assert!(read(unlimited).await.room.allowed);
    let missing = store
        .article_for_submission("no-such-article", "some_setting", &limit)
        .await
        .expect("read");
    assert!(missing.is_none());
}

#[tokio::test]
async fn concurrent_submissions_of_one_client_respect_its_limit() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let limit = tribune_store::RateLimit::new("comment:198.51.100.1", 10, 60_000);
    let attempts = 30;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..attempts {
        let store = store.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            store
                .submit_comment(
                    &new_comment(article_id, &format!("concurrent {n}"), None),
                    None,
                    Some(&limit),
                )
                .await
        });
    }
    let results = tasks.join_all().await;
    let stored = results.iter().filter(|r| r.is_ok()).count();
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || matches!(r, Err(StoreError::RateLimited { .. }))),
        "{results:?}"
    );
    // One writer per node: the count is exact. (Nodes sharing PostgreSQL may overshoot by at
    // most the requests in flight together on different nodes: the count is spread over shard
    // rows so that they do not queue on one lock.)
    assert_eq!(stored, 10);
}

#[tokio::test]
async fn an_idempotency_key_never_hands_out_another_comment() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let victim = store
        .insert_comment(
            &new_comment(article_id, "the victim's text", Some("shared-key")),
            None,
        )
        .await
        .expect("victim");
    let before = store.table_counts().await.expect("counts");
    let mut other = new_comment(article_id, "someone else's text", Some("shared-key"));
    other.author_name = "Mallory".into();
    let reused = store.insert_comment(&other, None).await;
    assert!(
        matches!(reused, Err(StoreError::IdempotencyKeyReused)),
        "{reused:?}"
    );
    // Not even the same text under another name gets the victim's comment.
    let mut same_text = new_comment(article_id, "the victim's text", Some("shared-key"));
    same_text.author_name = "Mallory".into();
    assert!(matches!(
        store.insert_comment(&same_text, None).await,
        Err(StoreError::IdempotencyKeyReused)
    ));
    assert_eq!(store.table_counts().await.expect("counts"), before);
    // The real retry still works.
    let retry = store
        .insert_comment(
            &new_comment(article_id, "the victim's text", Some("shared-key")),
            None,
        )
        .await
        .expect("retry");
    assert!(retry.replayed);
    assert_eq!(retry.comment.id, victim.comment.id);
}

#[tokio::test]
async fn a_claimed_comment_is_decided_only_by_the_moderator_holding_it() {
    let (store, id, _db) = store_with_comment().await;
    let ana = store
        .insert_user("ana", "h", tribune_store::Role::Moderator)
        .await
        .expect("user");
    store
        .insert_user("ben", "h", tribune_store::Role::Moderator)
        .await
        .expect("user");
    let claimed = store.claim(ana.id, 1, 60_000).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    let ben_decides = NewDecision {
        actor: Actor::User("ben".into()),
        ..decision(DecisionKind::Approve, None)
    };
    let refused = store.record_decision(id, &ben_decides, true).await;
    assert!(
        matches!(&refused, Err(StoreError::ClaimedByOther { holder, .. }) if holder == "ana"),
        "{refused:?}"
    );
    let ana_decides = NewDecision {
        actor: Actor::User("ana".into()),
        ..decision(DecisionKind::Approve, None)
    };
    store
        .record_decision(id, &ana_decides, true)
        .await
        .expect("the holder decides");
    // An expired claim holds nobody back.
    let (store, id, _db) = store_with_comment().await;
    let carl = store
        .insert_user("carl", "h", tribune_store::Role::Moderator)
        .await
        .expect("user");
    store.claim(carl.id, 1, -1).await.expect("claim");
    store
        .record_decision(id, &ben_decides, true)
        .await
        .expect("an expired claim does not hold");
}

#[tokio::test]
async fn sqlite_syncs_every_commit_of_its_write_ahead_log() {
    let (store, _, _db) = store_with_comment().await;
    if store.backend() != tribune_store::Backend::Sqlite {
        eprintln!("not applicable: this run's backend is PostgreSQL");
        return;
    }
    assert_eq!(
        store.sqlite_pragma("journal_mode").await.expect("pragma"),
        "wal"
    );
    // 2 is FULL: the WAL is synced at every commit.
    assert_eq!(
        store.sqlite_pragma("synchronous").await.expect("pragma"),
        "2"
    );
}

#[tokio::test]
async fn sweeping_removes_only_what_has_expired() {
    let (store, _, _db) = store_with_comment().await;
    let user = store
        .insert_user("u", "h", tribune_store::Role::Moderator)
        .await
        .expect("user");
    let now = tribune_store::now_millis();
    store
        .insert_session("live", user.id, "csrf", now + 60_000)
        .await
        .expect("session");
    store
        .insert_session("gone", user.id, "csrf", now - 1)
        .await
        .expect("session");
    assert!(store.sweep().await.expect("sweep") >= 1);
    assert!(store.session("live").await.expect("read").is_some());
    let counts = store.table_counts().await.expect("counts");
    assert!(counts.contains(&("sessions", 1)), "{counts:?}");
}

#[tokio::test]
async fn the_largest_stored_verdict_is_measured_in_bytes() {
    let (store, id, _db) = store_with_comment().await;
    assert_eq!(store.largest_verdict_bytes().await.expect("size"), 0);
    // Two-byte characters: bytes, not characters, are what the store keeps.
    let verdict = format!("{{\"reasons\":[\"{}\"]}}", "ژ".repeat(100));
    store
        .record_decision(
            id,
            &NewDecision {
                verdict: Some(verdict.clone()),
                ..decision(DecisionKind::Approve, None)
            },
            true,
        )
        .await
        .expect("decide");
    assert_eq!(
        store.largest_verdict_bytes().await.expect("size"),
        i64::try_from(verdict.len()).expect("size")
    );
}

#[tokio::test]
async fn concurrent_retries_with_one_key_store_one_comment() {
    let (store, first, _db) = store_with_comment().await;
    let article_id = article_of(&store, first).await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..12 {
        let store = store.clone();
        tasks.spawn(async move {
            let mut retry = new_comment(article_id, "sent twelve times at once", Some("one-key"));
            retry.token_hash = format!("token {n}");
            store.insert_comment(&retry, None).await
        });
    }
    let results = tasks.join_all().await;
    let ids: std::collections::BTreeSet<i64> = results
        .iter()
        .map(|r| r.as_ref().expect("every retry is answered").comment.id)
        .collect();
    assert_eq!(ids.len(), 1, "{results:?}");
    assert_eq!(
        results
            .iter()
            .filter(|r| r.as_ref().is_ok_and(|i| !i.replayed))
            .count(),
        1
    );
    let counts = store.table_counts().await.expect("counts");
    assert!(counts.contains(&("comments", 2)), "{counts:?}");
    assert!(
        counts.contains(&("comment_tokens", 13)),
        "each retry's token works: {counts:?}"
    );
}

/// A setting made at first use (the key of the author hashes) is stored once: every caller,
/// on any node, gets the first value, and a later one never replaces it.
#[tokio::test]
async fn a_setting_made_at_first_use_is_stored_once() {
    let (store, _db) = fresh_store().await.expect("store");
    let asks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .setting_or_insert("made_once", &format!("value {i}"))
                    .await
            })
        })
        .collect();
    let mut values = Vec::new();
    for ask in asks {
        values.push(ask.await.expect("task").expect("setting"));
    }
    assert!(values.iter().all(|v| v == &values[0]), "{values:?}");
    assert_eq!(
        store.setting("made_once").await.expect("read").as_deref(),
        Some(values[0].as_str())
    );
}
