//! From contributions to a decision: category scores, the policy's thresholds, and the learned
//! stage's word where the lexicon stage decided nothing.

use tribune_learned::Head;

use crate::explain::Contribution;
use crate::lang::Language;
use crate::learned::Learned;
use crate::policy::Policy;
use crate::{Category, Decision};

/// Independent pieces of evidence add up: 1 - (1 - a)(1 - b)...
fn noisy_or(weights: impl Iterator<Item = f32>) -> f32 {
    1.0 - weights.fold(1.0, |acc, w| acc * (1.0 - w.clamp(0.0, 1.0)))
}

/// Every category's score from its contributions, rounded to three decimals. Contributions in
/// protected context add up among themselves to at most their cap, so that several quoted
/// matches still only ask for a human.
pub(crate) fn scores(contributions: &[Contribution]) -> [(Category, f32); Category::ALL.len()] {
    Category::ALL.map(|c| {
        let of = || contributions.iter().filter(move |k| k.category == c);
        let free = noisy_or(of().filter(|k| k.cap.is_none()).map(|k| k.weight));
        let cap = of().filter_map(|k| k.cap).fold(0.0, f32::max);
        let capped = noisy_or(of().filter(|k| k.cap.is_some()).map(|k| k.weight)).min(cap);
        let s = noisy_or([free, capped].into_iter());
        (c, (s * 1000.0).round() / 1000.0)
    })
}

/// Which of two categories a decision names when both pass their thresholds: the graver
/// guideline (a threat that also insults is a threat), then the higher score.
fn severity(c: Category) -> u8 {
    match c {
        Category::Threat => 6,
        Category::IdentityAbuse => 5,
        Category::PersonalAttack => 4,
        Category::Vulgarity => 3,
        Category::Profanity => 2,
        Category::Promotion => 1,
        Category::OffTopic => 0,
    }
}

fn graver(a: (Category, f32), best: Option<(Category, f32)>) -> bool {
    best.is_none_or(|b| (severity(a.0), a.1) > (severity(b.0), b.1))
}

/// What the thresholds say of the scores.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags {
    /// The highest-scoring category at or above its reject threshold (never `off_topic`).
    pub reject: Option<(Category, f32)>,
    /// The highest-scoring category at or above its review threshold.
    pub review: Option<(Category, f32)>,
    /// The highest score of any category.
    pub max: f32,
}

/// Compares each category's score with its thresholds in `lang`; the score of the portable
/// contributions alone (English swearing) also with the default thresholds.
pub(crate) fn flags(
    scores: &[(Category, f32)],
    contributions: &[Contribution],
    lang: Language,
    policy: &Policy,
) -> Flags {
    let mut f = Flags {
        reject: None,
        review: None,
        max: scores.iter().map(|&(_, s)| s).fold(0.0, f32::max),
    };
    let portable = |c: Category| {
        noisy_or(
            contributions
                .iter()
                .filter(|k| k.portable && k.category == c)
                .map(|k| k.weight),
        )
    };
    for &(c, s) in scores {
        let t = policy.thresholds_for(c, Some(lang));
        let rejects = t.reject.is_some_and(|r| s >= r)
            || policy
                .thresholds_for(c, None)
                .reject
                .is_some_and(|r| portable(c) >= r);
        if rejects && c != Category::OffTopic && graver((c, s), f.reject) {
            f.reject = Some((c, s));
        }
        if s >= t.review && graver((c, s), f.review) {
            f.review = Some((c, s));
        }
    }
    f
}

/// A learned head behind a decision the lexicon stage did not take: head, score and what the
/// reason adds about the threshold.
pub(crate) struct Trigger {
    pub head: Head,
    pub score: f32,
    pub note: String,
}

/// The engine's decision.
pub(crate) struct Outcome {
    pub decision: Decision,
    pub category: Option<Category>,
    pub trigger: Option<Trigger>,
    /// What a moderator reads about why no decision was taken alone.
    pub notes: Vec<String>,
}

/// Decides, in order: a lexicon rejection; a learned rejection (review when the comment
/// quotes or reports speech); a lexicon review; a learned flag; a truncated comment; approval
/// when everything is confidently clean and auto-approval is on; otherwise review.
pub(crate) fn decide(
    flags: &Flags,
    learned: Option<&Learned>,
    policy: &Policy,
    truncated_at: Option<usize>,
) -> Outcome {
    let outcome = |decision, category, trigger, notes| Outcome {
        decision,
        category,
        trigger,
        notes,
    };
    if let Some((c, _)) = flags.reject {
        return outcome(Decision::Reject, Some(c), None, Vec::new());
    }
    if let Some((head, score, t)) = learned.and_then(|l| l.reject) {
        let protected = learned.is_some_and(|l| l.protected);
        let (decision, note) = if protected {
            (
                Decision::Review,
                format!(
                    ", confident (rejects at {t:.2}), but the comment quotes or reports speech: a human decides"
                ),
            )
        } else {
            (
                Decision::Reject,
                format!(" (rejects at {t:.2}: 99% precise on dev)"),
            )
        };
        let trigger = Trigger { head, score, note };
        return outcome(decision, None, Some(trigger), Vec::new());
    }
    if let Some((c, _)) = flags.review {
        return outcome(Decision::Review, Some(c), None, Vec::new());
    }
    if let Some((head, score)) = learned.and_then(|l| l.flag) {
        let note = format!(" (review at {:.2})", policy.learned().review_at);
        let trigger = Trigger { head, score, note };
        return outcome(Decision::Review, None, Some(trigger), Vec::new());
    }
    if let Some(bytes) = truncated_at {
        let note = format!("only the first {bytes} bytes were read; a human must look");
        return outcome(Decision::Review, None, None, vec![note]);
    }
    let learned_clean = learned.is_none_or(|l| l.clean);
    if flags.max < policy.approve_below() && policy.auto_approve() && learned_clean {
        return outcome(Decision::Approve, None, None, Vec::new());
    }
    let note = if flags.max >= policy.approve_below() {
        "not confidently clean: a human decides"
    } else if !learned_clean {
        "the learned model is not confident the comment is clean: a human decides"
    } else {
        "clean, but auto-approval is off: a human decides"
    };
    outcome(Decision::Review, None, None, vec![note.to_owned()])
}
