//! The learned stage: the classifier `tribune train` builds (crate `tribune-learned`), embedded
//! in the binary and parsed once, scoring the normalised text, signals and language the
//! deterministic stages computed.

use std::ops::Range;
use std::sync::LazyLock;

use tribune_learned::{HEAD_COUNT, Head, InLanguage, Model};

use crate::Category;
use crate::policy::{ApproveGate, Policy};

/// The committed model file (`models/tribune-learned.bin`, written by `tribune train`).
static MODEL_BYTES: &[u8] = include_bytes!("../../../models/tribune-learned.bin");

static MODEL: LazyLock<Option<Model>> = LazyLock::new(|| Model::from_bytes(MODEL_BYTES).ok());

/// The bytes of the embedded model, for tools that report on it (`tribune eval`).
pub fn model_bytes() -> &'static [u8] {
    MODEL_BYTES
}

/// The embedded model, parsed on first use; `None` only if the committed file does not parse,
/// which the test suite rules out (the stage is then off rather than the engine down).
pub(crate) fn model() -> Option<&'static Model> {
    MODEL.as_ref()
}

/// The head that scores an abuse category (the model's promotion data is spam of one site
/// only, so promotion is the patterns' alone).
pub(crate) fn head(category: Category) -> Option<Head> {
    ABUSE
        .into_iter()
        .find(|&h| self::category(h) == Some(category))
}

/// The guideline category a head scores; `offensive` is the umbrella and has none.
pub(crate) fn category(head: Head) -> Option<Category> {
    match head {
        Head::Offensive => None,
        Head::Profanity => Some(Category::Profanity),
        Head::Vulgarity => Some(Category::Vulgarity),
        Head::Threat => Some(Category::Threat),
        Head::PersonalAttack => Some(Category::PersonalAttack),
        Head::IdentityAbuse => Some(Category::IdentityAbuse),
        Head::Promotion => Some(Category::Promotion),
    }
}

/// The heads whose categories are abuse (what `offensive` is the umbrella of).
const ABUSE: [Head; 5] = [
    Head::Profanity,
    Head::Vulgarity,
    Head::Threat,
    Head::PersonalAttack,
    Head::IdentityAbuse,
];

/// What the model says about one comment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Assessment {
    /// Calibrated probabilities, under the comment's language's own calibration where the
    /// model has one.
    pub scores: [f32; HEAD_COUNT],
    margins: [f32; HEAD_COUNT],
}

impl Assessment {
    pub(crate) fn get(&self, head: Head) -> f32 {
        self.scores[head.index()]
    }

    /// The abuse category the model finds likeliest, for a rejection or review on the
    /// umbrella head.
    pub(crate) fn likeliest_abuse(&self) -> (Head, f32) {
        ABUSE.into_iter().map(|h| (h, self.get(h))).fold(
            (Head::PersonalAttack, f32::MIN),
            |a, b| {
                if b.1 > a.1 { b } else { a }
            },
        )
    }
}

/// Scores a normalised text with its signals in `language` (whose parameters `params` are).
pub(crate) fn assess(
    model: &Model,
    params: &InLanguage<'_>,
    text: &str,
    signals: &[&str],
    language: &str,
) -> Assessment {
    let margins = model.margins_in(text, signals, Some(language));
    Assessment {
        scores: std::array::from_fn(|h| params.calibration(Head::ALL[h]).apply(margins[h])),
        margins,
    }
}

/// The model's 99%-precision reject threshold of `head` for `language`, only where the
/// model measured it on dev texts of that language (its own thresholds): a language the
/// model has no labelled data for (Kurdish) never rejects on a learned score alone.
pub(crate) fn reject_threshold(params: &InLanguage<'_>, head: Head) -> Option<f32> {
    if !params.has_own(head) {
        return None;
    }
    params.thresholds(head).reject
}

/// Whether `head` scores under the model's 99%-precision approve threshold: the language's
/// own where it has one, else the model-wide one on the model-wide calibration.
pub(crate) fn confidently_clean(
    model: &Model,
    params: &InLanguage<'_>,
    a: &Assessment,
    head: Head,
) -> bool {
    if params.has_own(head)
        && let Some(t) = params.thresholds(head).approve
    {
        return a.get(head) <= t;
    }
    let m = a.margins[head.index()];
    model
        .thresholds(head)
        .approve
        .is_some_and(|t| model.calibration(head).apply(m) <= t)
}

/// The words (byte ranges of the normalised text) that added most to `head`'s score: at most
/// `n`, each adding at least half as much as the strongest.
pub(crate) fn top_words(
    model: &Model,
    text: &str,
    signals: &[&str],
    language: &str,
    head: Head,
    n: usize,
) -> Vec<Range<usize>> {
    let words = model.word_contributions(text, signals, Some(language), head);
    // Words that added at least half as much as the strongest: a word that barely counted is
    // no evidence (measured on the toxic-spans set: a little closer to what raters marked).
    let strongest = words.first().map_or(0.0, |w| w.1);
    words
        .into_iter()
        .filter(|(_, c)| *c > 0.0 && *c >= strongest / 2.0)
        .take(n)
        .map(|(r, _)| r)
        .collect()
}

/// What the learned stage concluded for one comment.
pub(crate) struct Learned {
    pub assessment: Assessment,
    signals: Vec<&'static str>,
    language: &'static str,
    /// A trusted head at or above its reject threshold: head, score, threshold.
    pub reject: Option<(Head, f32, f32)>,
    /// The strongest head of the policy's `learned.heads` at or above `learned.review_at`.
    pub flag: Option<(Head, f32)>,
    /// Whether the comment passes the policy's approval gate.
    pub clean: bool,
    /// Whether the comment quotes or reports speech, condemns abuse, or denies a demeaning
    /// word of a group: context the lexicon stage reads and the model cannot, so the model
    /// never rejects or flags alone then.
    pub protected: bool,
}

impl Learned {
    /// The words of the normalised text that added most to `head`'s score.
    pub fn top_words(&self, normalized: &str, head: Head) -> Vec<Range<usize>> {
        let Some(model) = model() else {
            return Vec::new();
        };
        top_words(model, normalized, &self.signals, self.language, head, 3)
    }
}

/// The strongest of some (head, score, ...) candidates.
fn strongest<T: Copy>(items: impl Iterator<Item = T>, score: impl Fn(&T) -> f32) -> Option<T> {
    items.fold(None, |best, x| {
        if best.as_ref().is_none_or(|b| score(&x) > score(b)) {
            Some(x)
        } else {
            best
        }
    })
}

/// Runs the learned classifier on the normalised text, signals and language the deterministic
/// stages computed; `None` when the policy turns it off. `protected` says whether the
/// deterministic stages saw protected context (asked only when the model would act).
pub(crate) fn stage(
    normalized: &str,
    signals: Vec<&'static str>,
    language: &'static str,
    policy: &Policy,
    protected: impl FnOnce() -> bool,
) -> Option<Learned> {
    let settings = policy.learned();
    if !settings.enabled {
        return None;
    }
    let model = model()?;
    let params = model.in_language(Some(language));
    let assessment = assess(model, &params, normalized, &signals, language);
    let reject = strongest(
        settings.auto_reject.iter().filter_map(|&h| {
            let t = reject_threshold(&params, h)?;
            let s = assessment.get(h);
            (s >= t).then_some((h, s, t))
        }),
        |x| x.1,
    );
    let review_at = |h: Head| {
        if params.has_own(h) {
            settings.review_at
        } else {
            settings.review_at_unmeasured
        }
    };
    let flag = strongest(
        settings
            .heads
            .iter()
            .map(|&h| (h, assessment.get(h)))
            .filter(|&(h, s)| s >= review_at(h)),
        |x| x.1,
    );
    let is_protected = (reject.is_some() || flag.is_some()) && protected();
    let clean = match settings.approve_gate {
        ApproveGate::NotFlagged => flag.is_none() || is_protected,
        ApproveGate::Confident => [Head::Offensive, Head::IdentityAbuse]
            .into_iter()
            .all(|h| confidently_clean(model, &params, &assessment, h)),
        ApproveGate::Below => {
            is_protected
                || std::iter::once(Head::Offensive)
                    .chain(ABUSE)
                    .all(|h| assessment.get(h) < policy.approve_below())
        }
    };
    Some(Learned {
        assessment,
        signals,
        language,
        reject,
        // In protected context the lexicon stage's reading of quotes and condemnation stands.
        flag: flag.filter(|_| !is_protected),
        clean,
        protected: is_protected,
    })
}
