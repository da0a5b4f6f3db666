//! The encoder stage: calibrated logistic heads over a multilingual sentence embedding (made
//! by the caller: this crate does no I/O and runs no model), stacked per language with the
//! learned stage's margins and fed the rule evidence, so that each abuse category's final
//! score is one calibrated probability. It runs after the fast stages and may only make their
//! verdict stricter, except that it may approve alone what they left to a human unflagged.

use std::sync::LazyLock;

use tribune_learned::{DenseHeads, HEAD_COUNT, Head, LearnedError};

use crate::engine::{ENCODER_EXTRAS, EncoderInputs, encoder_inputs};
use crate::explain::{MAX_EVIDENCE, MAX_EVIDENCE_TEXT, MAX_REASONS, shorten};
use crate::learned;
use crate::policy::{Cascade, Policy};
use crate::{Category, Comment, Decision, Evidence, Verdict};

/// The committed heads file (written by `tribune train --encoder-heads`).
static HEADS_BYTES: &[u8] = include_bytes!("../../../models/tribune-encoder-heads.bin");

static HEADS: LazyLock<EncoderHeads> = LazyLock::new(|| {
    // The committed file is checked by the test suite; an error is a build bug.
    EncoderHeads::from_bytes(HEADS_BYTES).expect("the committed encoder heads file is valid")
});

/// At most this many texts with a word left out are embedded for the evidence of a flag.
pub const MAX_OCCLUSIONS: usize = 8;

/// A heads file that cannot serve the engine.
#[derive(Debug, thiserror::Error)]
pub enum EncoderHeadsError {
    /// The file is damaged, truncated or of another format (the error says what and where).
    #[error("encoder heads file: {0}")]
    File(#[from] LearnedError),
    /// A valid file whose inputs are not what this engine computes.
    #[error("encoder heads file: {0}")]
    Inputs(String),
}

/// The encoder stage's heads: calibrated logistic heads over the 384-d sentence embedding.
#[derive(Debug, Clone)]
pub struct EncoderHeads {
    heads: DenseHeads,
    version: String,
}

impl EncoderHeads {
    /// Reads a heads file, refusing a damaged one and one whose extra inputs are not the
    /// fast-stage figures this engine computes ([`ENCODER_EXTRAS`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<EncoderHeads, EncoderHeadsError> {
        let heads = DenseHeads::from_bytes(bytes)?;
        if heads.extras() != ENCODER_EXTRAS {
            return Err(EncoderHeadsError::Inputs(format!(
                "extra inputs {:?}, this engine computes {:?}",
                heads.extras(),
                ENCODER_EXTRAS
            )));
        }
        if heads.dimension() == 0 || heads.max_tokens() == 0 {
            return Err(EncoderHeadsError::Inputs(
                "no embedding dimension or token cap".to_owned(),
            ));
        }
        // The file's checksum (its last 8 bytes) tells one training run from another.
        let tail = bytes.get(bytes.len().saturating_sub(4)..).unwrap_or(&[]);
        let short: String = tail.iter().map(|b| format!("{b:02x}")).collect();
        let version = format!("{}.{}", heads.name(), short);
        Ok(EncoderHeads { heads, version })
    }

    /// The committed heads (models/tribune-encoder-heads.bin, embedded at compile time).
    pub fn embedded() -> &'static EncoderHeads {
        &HEADS
    }

    /// Width of the embedding the heads read (384).
    pub fn dimension(&self) -> usize {
        self.heads.dimension()
    }

    /// What the heads were trained at (128 tokens).
    pub fn max_tokens(&self) -> usize {
        self.heads.max_tokens()
    }

    /// For the decision's actor name: the heads' name and a short fingerprint of the file.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The heads themselves, for tools that report on them.
    pub fn dense(&self) -> &DenseHeads {
        &self.heads
    }

    /// Every head's combined, calibrated probability for an embedding and the fast stages'
    /// inputs, and whether the head has a calibration of its own in the inputs' language;
    /// `None` when the embedding has the wrong width.
    pub fn scores(
        &self,
        embedding: &[f32],
        inputs: &EncoderInputs,
    ) -> Option<[(f32, bool); HEAD_COUNT]> {
        let margins = self.heads.margins(embedding, &inputs.extras).ok()?;
        Some(std::array::from_fn(|h| {
            let (stack, _, own) = self.heads.stack_in(Head::ALL[h], &inputs.language);
            (stack.apply(margins[h], inputs.learned[h]), own)
        }))
    }
}

/// Whether the fast stages' verdict must wait for the encoder (policy `[encoder]` table:
/// enabled, and the cascade rule chosen from measurements). False when disabled.
pub fn wants_encoder(first: &Verdict, policy: &Policy) -> bool {
    let settings = policy.encoder();
    if !settings.enabled || first.decision == Decision::Reject {
        return false;
    }
    cascade_wants(first, settings.cascade)
}

/// Whether `cascade` sends a fast verdict other than a rejection to the encoder (for tools
/// that measure one cascade rule against another).
pub fn cascade_wants(first: &Verdict, cascade: Cascade) -> bool {
    first.decision != Decision::Reject
        && match cascade {
            Cascade::All => true,
            Cascade::Unflagged => first.decision == Decision::Approve || first.category.is_none(),
            Cascade::Approved => first.decision == Decision::Approve,
        }
}

/// The abuse category a head names; for the umbrella, the likeliest abuse head's.
fn named_category(head: Head, scores: &[(f32, bool); HEAD_COUNT]) -> Category {
    learned::category(head)
        .filter(|_| head != Head::Promotion)
        .unwrap_or_else(|| {
            let abuse = [
                Head::Profanity,
                Head::Vulgarity,
                Head::Threat,
                Head::PersonalAttack,
                Head::IdentityAbuse,
            ];
            let best = abuse.into_iter().fold(Head::PersonalAttack, |best, h| {
                if scores[h.index()].0 > scores[best.index()].0 {
                    h
                } else {
                    best
                }
            });
            learned::category(best).unwrap_or(Category::PersonalAttack)
        })
}

/// The words of `text` as byte ranges (split at whitespace, punctuation trimmed).
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let w = &text[s..i];
                let trimmed = w.trim_matches(|c: char| !c.is_alphanumeric());
                if !trimmed.is_empty() {
                    let lead = w.len() - w.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
                    out.push((s + lead, s + lead + trimmed.len()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The final verdict: the fast verdict combined with the heads' calibrated scores, encoder
/// evidence included (marked as the encoder's). `embed` computes an embedding of a text
/// (the comment, and variants with words removed, for evidence); the engine does no I/O.
pub fn read_with_encoder<E>(
    comment: &Comment<'_>,
    first: &Verdict,
    heads: &EncoderHeads,
    policy: &Policy,
    mut embed: impl FnMut(&str) -> Result<Vec<f32>, E>,
) -> Result<Verdict, E> {
    read_with_encoder_batched(comment, first, heads, policy, |texts| {
        texts.iter().map(|text| embed(text)).collect()
    })
}

/// [`read_with_encoder`] with `embed` computing the embeddings of several texts at once (in
/// order): first the comment alone, then, for evidence, all its variants with a word removed
/// together, so an encoder that reads a batch in one pass does so.
pub fn read_with_encoder_batched<E>(
    comment: &Comment<'_>,
    first: &Verdict,
    heads: &EncoderHeads,
    policy: &Policy,
    mut embed: impl FnMut(&[&str]) -> Result<Vec<Vec<f32>>, E>,
) -> Result<Verdict, E> {
    let settings = policy.encoder();
    // A rejection by the fast stages (a `block` entry among them) stands: nothing to ask.
    if !settings.enabled || first.decision == Decision::Reject {
        return Ok(first.clone());
    }
    let inputs = encoder_inputs(comment.text, comment.lang, policy);
    let embedding = embed(&[comment.text])?.pop().unwrap_or_default();
    let mut out = first.clone();
    out.engine_version = format!("{}+{}", first.engine_version, heads.version());
    let Some(scores) = heads.scores(&embedding, &inputs) else {
        push_reason(
            &mut out,
            format!(
                "encoder: an embedding of {} values, the heads read {}: the fast verdict stands",
                embedding.len(),
                heads.dimension()
            ),
        );
        return Ok(out);
    };
    let lang = inputs.language.as_str();
    let protected = inputs.extras.last().is_some_and(|&p| p > 0.5);
    let score = |h: Head| scores[h.index()].0;

    // Every abuse category's score is now the heads' combined probability.
    for (c, s) in out.scores.iter_mut() {
        if let Some(h) = learned::head(*c) {
            *s = (score(h) * 1000.0).round() / 1000.0;
        }
    }

    let strongest = |hs: &mut dyn Iterator<Item = (Head, f32, f32)>| {
        hs.fold(None::<(Head, f32, f32)>, |best, x| {
            if best.is_none_or(|b| x.1 > b.1) {
                Some(x)
            } else {
                best
            }
        })
    };
    let reject = strongest(&mut settings.auto_reject_in(lang).iter().filter_map(|&h| {
        let (_, t, own) = heads.dense().stack_in(h, lang);
        let t = t.reject.filter(|_| own)?;
        (score(h) >= t).then_some((h, score(h), t))
    }));
    let flag = strongest(&mut settings.heads.iter().filter_map(|&h| {
        let at = if scores[h.index()].1 {
            settings.review_at
        } else {
            settings.review_at_unmeasured
        };
        (score(h) >= at).then_some((h, score(h), at))
    }));

    let raised = if let Some((h, s, t)) = reject {
        let c = named_category(h, &scores);
        out.category = Some(c);
        if protected {
            out.decision = Decision::Review;
            push_reason(
                &mut out,
                format!(
                    "encoder: {h} {s:.2}, confident (rejects at {t:.2}), but the comment quotes or reports speech: a human decides"
                ),
            );
        } else {
            out.decision = Decision::Reject;
            drop_waiting_notes(&mut out);
            push_reason(
                &mut out,
                format!("encoder: {h} {s:.2} (rejects at {t:.2}: 99% precise on dev)"),
            );
        }
        Some((h, c))
    } else if let Some((h, s, t)) = flag {
        let c = named_category(h, &scores);
        out.decision = Decision::Review;
        if out.category.is_none() {
            out.category = Some(c);
        }
        push_reason(&mut out, format!("encoder: {h} {s:.2} (review at {t:.2})"));
        Some((h, c))
    } else {
        let approve = settings.approve_in(lang);
        let doubt = approve
            .iter()
            .map(|&h| (h, score(h)))
            .filter(|&(_, s)| s >= settings.approve_below)
            .fold(None::<(Head, f32)>, |best, x| {
                if best.is_none_or(|b| x.1 > b.1) {
                    Some(x)
                } else {
                    best
                }
            });
        let clean = !approve.is_empty() && doubt.is_none();
        if let (Decision::Approve, Some((h, s))) = (first.decision, doubt) {
            // The same bar holds for an approval by the fast stages: one bar, on calibrated
            // probabilities, for every approval without a human.
            out.decision = Decision::Review;
            push_reason(
                &mut out,
                format!(
                    "encoder: {h} {s:.2}, not under {:.2}: not confidently clean, a human decides",
                    settings.approve_below
                ),
            );
        } else if first.decision == Decision::Review
            && first.category.is_none()
            && !inputs.truncated
            && policy.auto_approve()
            && clean
        {
            out.decision = Decision::Approve;
            drop_waiting_notes(&mut out);
            push_reason(
                &mut out,
                format!(
                    "encoder: every head it may approve on scores under {:.2}: approved",
                    settings.approve_below
                ),
            );
        }
        None
    };

    if let Some((h, c)) = raised.filter(|_| !protected) {
        let base = score(h);
        occlusion_evidence(
            comment.text,
            &inputs,
            heads,
            (h, base, c),
            &mut out,
            &mut embed,
        )?;
    }
    Ok(out)
}

/// The notes that say why a human must look, which an encoder decision answers.
fn drop_waiting_notes(v: &mut Verdict) {
    v.reasons.retain(|r| !r.ends_with("a human decides"));
}

fn push_reason(v: &mut Verdict, reason: String) {
    if v.reasons.len() >= MAX_REASONS {
        v.reasons.truncate(MAX_REASONS - 1);
    }
    v.reasons.push(reason);
}

/// Evidence for a flag on `head`: the words whose removal most lowers its score (at most
/// [`MAX_OCCLUSIONS`] variants, the longest words when there are more), each lowering it by
/// at least half the largest drop; or a reason saying no single word carries it.
fn occlusion_evidence<E>(
    text: &str,
    inputs: &EncoderInputs,
    heads: &EncoderHeads,
    (head, base, category): (Head, f32, Category),
    out: &mut Verdict,
    embed: &mut impl FnMut(&[&str]) -> Result<Vec<Vec<f32>>, E>,
) -> Result<(), E> {
    let mut candidates = words(text);
    if candidates.len() > MAX_OCCLUSIONS {
        // The longest words, ties to the earlier; then back in text order.
        candidates.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        candidates.truncate(MAX_OCCLUSIONS);
        candidates.sort_unstable();
    }
    let variants: Vec<String> = candidates
        .iter()
        .map(|&(s, e)| [&text[..s], &text[e..]].concat())
        .collect();
    let variants: Vec<&str> = variants.iter().map(String::as_str).collect();
    let mut drops = Vec::new();
    for (&(s, e), embedding) in candidates.iter().zip(embed(&variants)?) {
        if let Some(v) = heads.scores(&embedding, inputs) {
            drops.push((s, e, base - v[head.index()].0, v[head.index()].0));
        }
    }
    let best = drops.iter().map(|d| d.2).fold(0.0f32, f32::max);
    let mut kept: Vec<&(usize, usize, f32, f32)> = drops
        .iter()
        .filter(|d| d.2 >= 0.02 && d.2 >= best / 2.0)
        .collect();
    kept.sort_by(|a, b| b.2.total_cmp(&a.2));
    kept.truncate(3);
    if kept.is_empty() {
        push_reason(
            out,
            format!("encoder: {head} {base:.2}: no single word carries it, the whole comment does"),
        );
        return Ok(());
    }
    for &&(s, e, _, without) in &kept {
        if out.evidence.len() >= MAX_EVIDENCE {
            break;
        }
        out.evidence.push(Evidence {
            category,
            start: s,
            end: e,
            text: shorten(&text[s..e], MAX_EVIDENCE_TEXT),
            reason: format!("encoder: {head} {base:.2}, {without:.2} without this word"),
        });
    }
    Ok(())
}
