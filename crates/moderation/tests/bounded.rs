//! A verdict stays small and cheap whatever the comment: long comments built to multiply
//! matches (spelled-out swearing repeated to the length limit, behind text of another script)
//! give a rejection with a bounded explanation (issue: a 4,999-character comment once stored a
//! 4.8 MB verdict).

use tribune_moderation::{
    Category, Comment, Decision, MAX_EVIDENCE, MAX_REASONS, Policy, Verdict, moderate,
};

/// The largest serialized verdict the store may be asked to keep.
const MAX_VERDICT_BYTES: usize = 64 * 1024;

fn repeated(piece: &str, chars: usize) -> String {
    piece.chars().cycle().take(chars).collect()
}

fn check(text: &str, lang: Option<&str>) -> Verdict {
    let v = moderate(&Comment { text, lang }, None, &Policy::default());
    let bytes = serde_json::to_vec(&v).expect("a verdict serializes").len();
    assert!(
        bytes <= MAX_VERDICT_BYTES,
        "{} chars gave a {bytes}-byte verdict",
        text.chars().count()
    );
    assert!(
        v.evidence.len() <= MAX_EVIDENCE,
        "{} evidence spans",
        v.evidence.len()
    );
    assert!(
        v.reasons.len() <= MAX_REASONS,
        "{} reasons",
        v.reasons.len()
    );
    v
}

#[test]
fn spelled_out_swearing_to_the_length_limit_is_rejected_with_a_small_verdict() {
    for piece in ["f u c k ", "s.h.i.t.", "fuck ", "f*ck f u c k i n g sh1t "] {
        let text = repeated(piece, 4_999);
        let v = check(&text, None);
        assert_eq!(v.decision, Decision::Reject, "{piece:?}: {:?}", v.reasons);
        assert_eq!(v.category, Some(Category::Profanity));
    }
}

#[test]
fn english_swearing_behind_text_of_another_script_is_still_rejected() {
    let swearing = repeated("f u c k ", 2_400);
    for prefix in [
        "مرحبا بالعالم هذا اختبار ",
        "Привет мир это тест ",
        "这是一个测试 ",
        "ئەمە تاقیکردنەوەیەکە ",
    ] {
        let text = repeated(prefix, 2_500) + &swearing;
        let v = check(&text, None);
        assert_eq!(v.decision, Decision::Reject, "{prefix:?}: {:?}", v.reasons);
        assert_eq!(v.category, Some(Category::Profanity));
    }
    // Also in a comment that says which language it is in.
    let v = check(&format!("هذا المقال {swearing}"), Some("ar"));
    assert_eq!(v.decision, Decision::Reject);
}

#[test]
fn many_different_matches_are_bounded_too() {
    let text = repeated(
        "idiot moron \"vermin\" refugees are rats, I know where you live, visit cashfast dot com ",
        60_000,
    );
    let v = check(&text, Some("en"));
    assert_ne!(v.decision, Decision::Approve);
}
