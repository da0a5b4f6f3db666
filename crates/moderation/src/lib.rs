//! Tribune's moderation engine: reads a comment (and optionally its article) and returns a
//! [`Verdict`]: a score in 0..=1 for each guideline [`Category`], the [`Evidence`] (spans of the
//! original text) and a recommended [`Decision`]: approve, reject or review.
//!
//! It is a pure library: no I/O, no network, no files read at run time (lexicons and the
//! default policy are embedded). Everything it knows is in its lexicons
//! (`lexicons/<lang>/<kind>.txt`) and its [`Policy`]; it explains every score with evidence.
//!
//! Stages: normalisation with a map back to the original text (compatibility forms, case,
//! Turkish i, look-alike letters, leetspeak, spelled-out and repeated letters, invisible and
//! bidi characters, Arabic-script variants and digits); language detection (en, ar, ckb, kmr,
//! tr, fa); one Aho-Corasick automaton over all lexicons with word-boundary rules that hold in
//! every script; promotion patterns (links, phone numbers, e-mails, handles, money) with a
//! citation allowlist; context (quotes, reported speech, counter-speech); relevance to the
//! article (`off_topic`, which only ever sends to review); and the policy's thresholds.
//!
//! What it is not: a learned classifier (that stage plugs in through [`learning_input`]), a
//! store of decisions, or a text rewriter: it never edits a comment.
//!
//! ```
//! use tribune_moderation::{moderate, Comment, Decision, Policy};
//!
//! let policy = Policy::default();
//! let verdict = moderate(&Comment { text: "What a load of sh1t.", lang: None }, None, &policy);
//! assert_eq!(verdict.decision, Decision::Reject);
//! assert_eq!(verdict.evidence[0].text, "sh1t");
//!
//! // Clean comments go to a human unless auto-approval is on.
//! let mut policy = Policy::default();
//! let clean = Comment { text: "Thank you for this report.", lang: Some("en") };
//! assert_eq!(moderate(&clean, None, &policy).decision, Decision::Review);
//! policy.set_auto_approve(true);
//! assert_eq!(moderate(&clean, None, &policy).decision, Decision::Approve);
//! ```

mod chars;
mod context;
mod decide;
mod encoder;
mod engine;
pub mod eval;
mod explain;
mod fasthash;
mod lang;
mod learned;
mod lexical;
mod lexicon;
mod normalize;
mod policy;
mod promotion;
mod relevance;
pub mod similarity;
mod spelling;
mod structure;
mod verdict;

pub use encoder::{
    EncoderHeads, EncoderHeadsError, MAX_OCCLUSIONS, cascade_wants, read_with_encoder,
    read_with_encoder_batched, wants_encoder,
};
pub use engine::{
    ENCODER_EXTRAS, ENGINE_VERSION, EncoderInputs, LearningInput, encoder_inputs, learning_input,
    moderate, moderate_with_index,
};
pub use explain::{MAX_EVIDENCE, MAX_EVIDENCE_TEXT, MAX_REASONS};
pub use lang::{Language, detect as detect_language};
pub use learned::model_bytes as learned_model_bytes;
pub use policy::{
    ApproveGate, Cascade, DEFAULT_POLICY_TOML, EncoderPolicy, LearnedPolicy, Policy, PolicyError,
    Thresholds,
};
pub use relevance::ArticleIndex;
pub use verdict::{Article, Category, Comment, Decision, Evidence, ParseCategoryError, Verdict};

/// Normalises text for matching and returns the folded matching text (for tests and tools;
/// never store or display it).
pub fn normalize_for_matching(text: &str) -> String {
    normalize::normalize(text, false).text
}

/// Normalises text and returns, for each word of the matching text, the span of the original
/// it came from (byte offsets on char boundaries).
pub fn matching_spans(text: &str) -> Vec<(String, usize, usize)> {
    let n = normalize::normalize(text, false);
    let mut out = Vec::new();
    let mut pos = 0;
    for word in normalize::words(&n.text) {
        let (s, e) = n.original_span(pos, pos + word.len());
        out.push((word.to_owned(), s, e));
        pos += word.len() + 1;
    }
    out
}
