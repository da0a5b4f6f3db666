//! The encoder stage's combination with the fast stages, on tiny heads trained here over a
//! stand-in embedding (the word "zorg", which no lexicon knows, is what it sees as a threat):
//! the engine only ever sees embeddings through the closure it is given.

use std::cell::Cell;

use tribune_learned::{
    DenseExample, DenseHeads, Head, Labels, StackRow, ThresholdTargets, calibrate_dense,
    dense_train_config,
};
use tribune_moderation::{
    Category, Comment, Decision, ENCODER_EXTRAS, EncoderHeads, Policy, encoder_inputs, moderate,
    read_with_encoder, wants_encoder,
};

const DIM: usize = 4;

/// A stand-in for the sentence encoder: how much of the text is "zorg", and a few plain
/// features of its length.
fn embed(text: &str) -> Vec<f32> {
    let words = text.split_whitespace().count().max(1) as f32;
    let zorg = text.matches("zorg").count() as f32;
    vec![zorg / words, 1.0 - zorg / words, words / 20.0, 0.5]
}

fn texts(n: usize, offset: usize) -> Vec<(String, bool)> {
    let threats = [
        "I will zorg you tomorrow",
        "we are going to zorg your family",
        "someone should zorg this writer",
        "you will be zorged zorg soon",
    ];
    let clean = [
        "thank you for this careful report",
        "the minister spoke about the water budget",
        "I disagree with the council on the new road",
        "a clear and useful article about schools",
    ];
    (0..n)
        .map(|k| {
            let i = k + offset;
            if i.is_multiple_of(2) {
                (format!("{} {i}", threats[i / 2 % 4]), true)
            } else {
                (format!("{} {i}", clean[i / 2 % 4]), false)
            }
        })
        .collect()
}

fn labels(y: bool) -> Labels {
    Labels::unknown()
        .with(Head::Threat, y)
        .with(Head::Offensive, y)
        .with(Head::IdentityAbuse, false)
        .with(Head::Vulgarity, false)
        .with(Head::PersonalAttack, false)
        .with(Head::Profanity, false)
}

fn tiny_heads() -> EncoderHeads {
    let policy = Policy::default();
    let train: Vec<DenseExample> = texts(200, 0)
        .into_iter()
        .map(|(t, y)| {
            let mut input = embed(&t);
            input.extend(encoder_inputs(&t, Some("en"), &policy).extras);
            DenseExample {
                input,
                labels: labels(y),
                group: 0,
            }
        })
        .collect();
    let mut heads = DenseHeads::train(
        "tiny-heads",
        DIM,
        128,
        &ENCODER_EXTRAS,
        &train,
        &dense_train_config(),
        |_| {},
    )
    .expect("trains");
    let rows: Vec<StackRow> = texts(200, 1000)
        .into_iter()
        .map(|(t, y)| {
            let inputs = encoder_inputs(&t, Some("en"), &policy);
            StackRow {
                encoder: heads.margins(&embed(&t), &inputs.extras).expect("fits"),
                learned: inputs.learned,
                labels: labels(y),
                language: inputs.language,
                source: "tiny".to_owned(),
                sets_thresholds: true,
            }
        })
        .collect();
    calibrate_dense(&mut heads, &rows, &ThresholdTargets::default());
    EncoderHeads::from_bytes(&heads.to_bytes()).expect("reads its own file")
}

fn approving(extra: &str) -> Policy {
    let mut p = Policy::from_toml_str(&format!(
        "[encoder]\nauto_reject = [\"threat\", \"offensive\"]\n{extra}"
    ))
    .expect("valid policy");
    p.set_auto_approve(true);
    p
}

fn comment(text: &str) -> Comment<'_> {
    Comment {
        text,
        lang: Some("en"),
    }
}

#[test]
fn a_threat_without_a_bad_word_is_rejected_with_the_encoders_evidence() {
    let heads = tiny_heads();
    let policy = approving("");
    let text = "Tonight I will zorg you, writer.";
    let first = moderate(&comment(text), None, &policy);
    assert_ne!(first.decision, Decision::Reject, "{:?}", first.reasons);
    assert!(wants_encoder(&first, &policy));
    let calls = Cell::new(0);
    let v = read_with_encoder(&comment(text), &first, &heads, &policy, |t| {
        calls.set(calls.get() + 1);
        Ok::<_, ()>(embed(t))
    })
    .expect("embeds");
    assert_eq!(v.decision, Decision::Reject, "{:?}", v.reasons);
    assert_eq!(v.category, Some(Category::Threat));
    assert!(v.scores[&Category::Threat] > 0.9, "{:?}", v.scores);
    let evidence: Vec<_> = v
        .evidence
        .iter()
        .filter(|e| e.reason.starts_with("encoder:"))
        .collect();
    assert_eq!(evidence.len(), 1, "{:?}", v.evidence);
    assert_eq!(evidence[0].text, "zorg");
    assert_eq!(&text[evidence[0].start..evidence[0].end], "zorg");
    assert!(v.engine_version.ends_with(heads.version()));
    // The comment, then one variant per word (six words, under the cap).
    assert_eq!(calls.get(), 1 + 6);
}

#[test]
fn a_fast_rejection_stands_and_the_encoder_is_not_asked() {
    let heads = tiny_heads();
    let policy = approving("");
    let text = "What a load of sh1t, zorg.";
    let first = moderate(&comment(text), None, &policy);
    assert_eq!(first.decision, Decision::Reject);
    assert!(!wants_encoder(&first, &policy));
    let v = read_with_encoder(&comment(text), &first, &heads, &policy, |_| {
        Err::<Vec<f32>, _>("the encoder must not be asked")
    })
    .expect("not asked");
    assert_eq!(v, first);
}

#[test]
fn quoted_speech_is_never_rejected_on_the_encoder_alone() {
    let heads = tiny_heads();
    let policy = approving("");
    let text = "The caller said \"I will zorg you\" and that is a disgrace.";
    let first = moderate(&comment(text), None, &policy);
    let v = read_with_encoder(&comment(text), &first, &heads, &policy, |t| {
        Ok::<_, ()>(embed(t))
    })
    .expect("embeds");
    assert_eq!(v.decision, Decision::Review, "{:?}", v.reasons);
    assert!(
        v.reasons.iter().any(|r| r.contains("quotes or reports")),
        "{:?}",
        v.reasons
    );
}

#[test]
fn clean_comments_stay_approved_and_unflagged_reviews_may_be_approved() {
    let heads = tiny_heads();
    let policy = approving("");
    let text = "Thank you for this careful report on the budget.";
    let first = moderate(&comment(text), None, &policy);
    let v = read_with_encoder(&comment(text), &first, &heads, &policy, |t| {
        Ok::<_, ()>(embed(t))
    })
    .expect("embeds");
    assert_eq!(v.decision, Decision::Approve, "{:?}", v.reasons);
    // Without auto-approval nothing is approved, whatever the heads say.
    let mut off = policy.clone();
    off.set_auto_approve(false);
    let first = moderate(&comment(text), None, &off);
    assert_eq!(first.decision, Decision::Review);
    let v = read_with_encoder(&comment(text), &first, &heads, &off, |t| {
        Ok::<_, ()>(embed(t))
    })
    .expect("embeds");
    assert_eq!(v.decision, Decision::Review);
    // A language whose `approve` list is empty is never approved by the encoder.
    let never = approving("[encoder.languages.en]\napprove = []\n");
    let mut unsure = moderate(&comment(text), None, &never);
    unsure.decision = Decision::Review;
    let v = read_with_encoder(&comment(text), &unsure, &heads, &never, |t| {
        Ok::<_, ()>(embed(t))
    })
    .expect("embeds");
    assert_eq!(v.decision, Decision::Review);
}

#[test]
fn the_cascade_rule_and_the_switch_decide_who_waits() {
    let all = approving("cascade = \"all\"\n");
    let clean = moderate(&comment("Thank you for the report."), None, &all);
    assert_eq!(clean.decision, Decision::Approve);
    assert!(wants_encoder(&clean, &all));
    let off = approving("enabled = false\n");
    assert!(!wants_encoder(&clean, &off));
    let mut flagged = clean.clone();
    flagged.decision = Decision::Review;
    flagged.category = Some(Category::PersonalAttack);
    assert!(wants_encoder(&flagged, &all));
    // The default cascade rule.
    let unflagged = approving("");
    assert_eq!(
        unflagged.encoder().cascade,
        tribune_moderation::Cascade::Unflagged
    );
    assert!(!wants_encoder(&flagged, &unflagged));
    assert!(wants_encoder(&clean, &unflagged));
    let approved = approving("cascade = \"approved\"\n");
    let mut review = clean.clone();
    review.decision = Decision::Review;
    assert!(!wants_encoder(&review, &approved));
    // Disabled, the stage changes nothing and embeds nothing.
    let v = read_with_encoder(&comment("zorg"), &review, &tiny_heads(), &off, |_| {
        Err::<Vec<f32>, _>(())
    })
    .expect("not asked");
    assert_eq!(v, review);
}

#[test]
fn an_embedding_of_the_wrong_width_leaves_the_fast_verdict() {
    let heads = tiny_heads();
    let policy = approving("");
    let first = moderate(&comment("I will zorg you"), None, &policy);
    let v = read_with_encoder(&comment("I will zorg you"), &first, &heads, &policy, |_| {
        Ok::<_, ()>(vec![0.0; DIM + 1])
    })
    .expect("embeds");
    assert_eq!(v.decision, first.decision);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.contains("the fast verdict stands")),
        "{:?}",
        v.reasons
    );
}

#[test]
fn the_committed_heads_load_and_damaged_files_are_refused() {
    let heads = EncoderHeads::embedded();
    assert_eq!(heads.dimension(), 384);
    assert_eq!(heads.max_tokens(), 128);
    assert!(heads.version().starts_with("tribune-encoder-heads."));
    let bytes = tiny_heads().dense().to_bytes();
    let mut damaged = bytes.clone();
    damaged[30] ^= 0x40;
    let e = EncoderHeads::from_bytes(&damaged).expect_err("damaged");
    assert!(e.to_string().contains("checksum"), "{e}");
    let e = EncoderHeads::from_bytes(&bytes[..bytes.len() / 2]).expect_err("cut");
    assert!(
        e.to_string().contains("corrupt") || e.to_string().contains("truncated"),
        "{e}"
    );
    // A valid file whose extra inputs are not the engine's.
    let other = DenseHeads::train(
        "other",
        DIM,
        128,
        &["something else"],
        &[DenseExample {
            input: vec![0.0; DIM + 1],
            labels: labels(true),
            group: 0,
        }],
        &dense_train_config(),
        |_| {},
    )
    .expect("trains");
    let e = EncoderHeads::from_bytes(&other.to_bytes()).expect_err("other inputs");
    assert!(e.to_string().contains("extra inputs"), "{e}");
}
