//! The encoder stage's job queue: stored with its comment, claimed by one holder at a time,
//! ended exactly once; on SQLite by default, on PostgreSQL with `TRIBUNE_TEST_POSTGRES`.

use std::collections::HashSet;

use tribune_store::testing::{TestDatabase, fresh_store};
use tribune_store::{
    Actor, Backend, CommentFacts, DecisionKind, EncoderStep, JobEnd, NewArticle, NewComment,
    NewDecision, RateLimit, Store, StoreError,
};

fn queued_comment(article_id: i64, body: &str) -> NewComment {
    NewComment {
        article_id,
        parent_id: None,
        author_name: "Reader".into(),
        author_email: None,
        body: body.into(),
        token_hash: format!("token hash of {body}"),
        idempotency_key: None,
        facts: CommentFacts {
            encoder: Some(EncoderStep::Queued),
            ..CommentFacts::default()
        },
    }
}

fn engine(kind: DecisionKind, category: Option<&str>) -> NewDecision {
    NewDecision {
        decision: kind,
        category: category.map(str::to_owned),
        actor: Actor::Engine("test engine".into()),
        note: None,
        risk: Some(0.4),
        verdict: Some("{\"first\": true}".into()),
    }
}

fn moderator(kind: DecisionKind) -> NewDecision {
    NewDecision {
        decision: kind,
        category: None,
        actor: Actor::User("moderator".into()),
        note: None,
        risk: None,
        verdict: None,
    }
}

async fn store_with_article() -> (Store, i64, TestDatabase) {
    let (store, db) = fresh_store().await.expect("store");
    let article = store
        .insert_article(&NewArticle {
            slug: "a".into(),
            title: "The bridge".into(),
            body: "The bridge reopens.".into(),
            lang: "en".into(),
        })
        .await
        .expect("article");
    (store, article.id, db)
}

async fn submit_queued(store: &Store, article_id: i64, body: &str) -> i64 {
    store
        .insert_comment(
            &queued_comment(article_id, body),
            Some(&engine(DecisionKind::Review, None)),
        )
        .await
        .expect("submit")
        .comment
        .id
}

#[tokio::test]
async fn a_job_is_stored_in_the_submissions_own_transaction() {
    let (store, article_id, _db) = store_with_article().await;
    let id = submit_queued(&store, article_id, "first").await;
    assert!(store.encoder_job_waiting(id).await.expect("read"));
    let stats = store.encoder_job_stats().await.expect("stats");
    assert_eq!(stats.waiting, 1);
    assert!(stats.oldest_created_at.is_some());

    // A submission the rate limit refuses stores neither the comment nor its job.
    let limit = RateLimit::new("comment:test", 1, 60_000);
    store
        .submit_comment(
            &queued_comment(article_id, "second"),
            Some(&engine(DecisionKind::Review, None)),
            Some(&limit),
        )
        .await
        .expect("the first under the limit");
    let refused = store
        .submit_comment(
            &queued_comment(article_id, "third"),
            Some(&engine(DecisionKind::Review, None)),
            Some(&limit),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::RateLimited { .. })),
        "{refused:?}"
    );
    assert_eq!(store.encoder_job_stats().await.expect("stats").waiting, 2);

    // A comment the server does not send to the stage has no job.
    let mut alone = queued_comment(article_id, "fourth");
    alone.facts.encoder = Some(EncoderStep::NotWanted);
    let alone = store
        .insert_comment(&alone, Some(&engine(DecisionKind::Approve, None)))
        .await
        .expect("submit")
        .comment
        .id;
    assert!(!store.encoder_job_waiting(alone).await.expect("read"));

    // The job's comment carries what the reading needs.
    let jobs = store
        .claim_encoder_jobs("node-a", 10, 60_000)
        .await
        .expect("claim");
    let first = jobs.iter().find(|j| j.lease.comment_id == id).expect("job");
    assert_eq!(
        (
            first.body.as_str(),
            first.article_title.as_str(),
            first.lease.attempt
        ),
        ("first", "The bridge", 1)
    );
    assert_eq!(first.first_verdict.as_deref(), Some("{\"first\": true}"));
    assert!(!first.decided_by_moderator);
}

#[tokio::test]
async fn two_claimers_never_get_the_same_job() {
    let (store, article_id, db) = store_with_article().await;
    let mut ids = HashSet::new();
    for n in 0..60 {
        ids.insert(submit_queued(&store, article_id, &format!("comment {n}")).await);
    }
    // Two nodes on PostgreSQL; SQLite has one node per file, whose claims race in its writer.
    let other = match store.backend() {
        Backend::Postgres => Store::connect(&db.url).await.expect("second node"),
        Backend::Sqlite => store.clone(),
    };
    let mut seen: HashSet<i64> = HashSet::new();
    loop {
        let (a, b) = tokio::join!(
            store.claim_encoder_jobs("node-a", 7, 60_000),
            other.claim_encoder_jobs("node-b", 7, 60_000)
        );
        let (a, b) = (a.expect("claim a"), b.expect("claim b"));
        if a.is_empty() && b.is_empty() {
            break;
        }
        for job in a.iter().chain(&b) {
            assert!(
                seen.insert(job.lease.comment_id),
                "job {} handed out twice",
                job.lease.comment_id
            );
        }
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_the_old_holders_completion_is_refused() {
    let (store, article_id, _db) = store_with_article().await;
    let id = submit_queued(&store, article_id, "slow").await;
    let old = store
        .claim_encoder_jobs("node-a", 10, 1)
        .await
        .expect("claim");
    assert_eq!(old.len(), 1);
    // While a lease lasts nobody else gets the job.
    let held = store
        .claim_encoder_jobs("node-b", 10, 60_000)
        .await
        .expect("claim");
    let new = if held.is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        store
            .claim_encoder_jobs("node-b", 10, 60_000)
            .await
            .expect("claim after expiry")
    } else {
        held
    };
    assert_eq!(new.len(), 1, "the expired lease is claimed again");
    assert_eq!(new[0].lease.attempt, 2);

    let stale = store
        .finish_encoder_job(&old[0].lease, &engine(DecisionKind::Approve, None))
        .await
        .expect("finish");
    assert!(matches!(stale, JobEnd::LeaseLost), "{stale:?}");
    assert!(
        !store
            .retry_encoder_job(&old[0].lease, "late", 0)
            .await
            .expect("retry")
    );
    let done = store
        .finish_encoder_job(&new[0].lease, &engine(DecisionKind::Reject, Some("threat")))
        .await
        .expect("finish");
    assert!(matches!(done, JobEnd::Decided(_)), "{done:?}");
    let again = store
        .finish_encoder_job(&new[0].lease, &engine(DecisionKind::Approve, None))
        .await
        .expect("finish twice");
    assert!(matches!(again, JobEnd::LeaseLost), "{again:?}");

    let decisions = store.decisions(id).await.expect("history");
    let kinds: Vec<DecisionKind> = decisions.iter().map(|d| d.decision).collect();
    assert_eq!(kinds, [DecisionKind::Review, DecisionKind::Reject]);
    assert!(!store.encoder_job_waiting(id).await.expect("read"));
    assert_eq!(store.encoder_job_stats().await.expect("stats").waiting, 0);
}

#[tokio::test]
async fn a_moderator_deciding_first_ends_the_job_without_a_row() {
    let (store, article_id, _db) = store_with_article().await;
    let id = submit_queued(&store, article_id, "decided by a person").await;
    let jobs = store
        .claim_encoder_jobs("node-a", 10, 60_000)
        .await
        .expect("claim");
    store
        .record_decision(id, &moderator(DecisionKind::Approve), true)
        .await
        .expect("the moderator decides");
    let end = store
        .finish_encoder_job(
            &jobs[0].lease,
            &engine(DecisionKind::Reject, Some("threat")),
        )
        .await
        .expect("finish");
    assert!(matches!(end, JobEnd::ModeratorFirst), "{end:?}");
    let decisions = store.decisions(id).await.expect("history");
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[1].decision, DecisionKind::Approve);
    assert!(!store.encoder_job_waiting(id).await.expect("read"));

    // A job claimed after the moderator decided says so, so the reading can be skipped.
    let later = submit_queued(&store, article_id, "decided before the claim").await;
    store
        .record_decision(later, &moderator(DecisionKind::Approve), true)
        .await
        .expect("decide");
    let jobs = store
        .claim_encoder_jobs("node-a", 10, 60_000)
        .await
        .expect("claim");
    assert!(jobs[0].decided_by_moderator);
}

#[tokio::test]
async fn a_failed_attempt_is_due_again_after_its_delay_with_its_error() {
    let (store, article_id, _db) = store_with_article().await;
    let id = submit_queued(&store, article_id, "fails once").await;
    let first = store
        .claim_encoder_jobs("node-a", 10, 60_000)
        .await
        .expect("claim");
    assert!(
        store
            .retry_encoder_job(&first[0].lease, "the model broke", 60_000)
            .await
            .expect("retry")
    );
    assert!(
        !store
            .retry_encoder_job(&first[0].lease, "again", 0)
            .await
            .expect("retry of a released lease"),
        "a released lease cannot move its job"
    );
    let early = store
        .claim_encoder_jobs("node-a", 10, 60_000)
        .await
        .expect("claim");
    assert!(early.is_empty(), "not due before its delay");
    assert!(store.encoder_job_waiting(id).await.expect("read"));

    let other = submit_queued(&store, article_id, "fails briefly").await;
    let jobs = store
        .claim_encoder_jobs("node-a", 10, 60_000)
        .await
        .expect("claim");
    assert_eq!(jobs.len(), 1);
    store
        .retry_encoder_job(&jobs[0].lease, "a short failure", 1)
        .await
        .expect("retry");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = store
        .claim_encoder_jobs("node-b", 10, 60_000)
        .await
        .expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].lease.comment_id, other);
    assert_eq!(again[0].lease.attempt, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("a short failure"));
}
