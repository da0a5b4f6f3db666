//! What the schema itself guarantees, whatever code talks to it.

use tribune_store::{Actor, DecisionKind, NewArticle, NewComment, NewDecision, Status, Store};

async fn store_with_comment() -> (Store, i64, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_dir(dir.path()).await.expect("open");
    let article = store
        .insert_article(&NewArticle {
            slug: "a".into(),
            title: "A".into(),
            body: "Body".into(),
            lang: "en".into(),
        })
        .await
        .expect("article");
    let comment = store
        .insert_comment(
            &NewComment {
                article_id: article.id,
                parent_id: None,
                author_name: "Reader".into(),
                author_email: None,
                body: "original text".into(),
                token_hash: "hash".into(),
            },
            None,
        )
        .await
        .expect("comment");
    (store, comment.id, dir)
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
        .record_decision(id, &decision(DecisionKind::Reject, Some("profanity")))
        .await
        .expect("reject");
    let rejected = store.comment(id).await.expect("read").expect("exists");
    assert_eq!(
        (rejected.status, rejected.category.as_deref()),
        (Status::Rejected, Some("profanity"))
    );
    store
        .record_decision(id, &decision(DecisionKind::Approve, None))
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
            .record_decision(id, &decision(DecisionKind::Reject, None))
            .await
            .is_err()
    );
    assert!(
        store
            .record_decision(id + 100, &decision(DecisionKind::Approve, None))
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
                &NewComment {
                    article_id: comment.article_id,
                    parent_id: None,
                    author_name: "R".into(),
                    author_email: None,
                    body: "text".into(),
                    token_hash: "h".into(),
                },
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
        ids.push(stored.id);
    }
    let queue: Vec<i64> = store
        .pending_queue(10)
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
