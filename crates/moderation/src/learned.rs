//! The learned stage: the classifier `tribune train` builds (crate `tribune-learned`), embedded
//! in the binary and parsed once, scoring the normalised text, signals and language the
//! deterministic stages computed.

use std::ops::Range;
use std::sync::LazyLock;

use tribune_learned::{HEAD_COUNT, Head, InLanguage, Model};

use crate::Category;

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
/// `n`, each with a positive contribution.
pub(crate) fn top_words(
    model: &Model,
    text: &str,
    signals: &[&str],
    language: &str,
    head: Head,
    n: usize,
) -> Vec<Range<usize>> {
    model
        .word_contributions(text, signals, Some(language), head)
        .into_iter()
        .filter(|(_, c)| *c > 0.0)
        .take(n)
        .map(|(r, _)| r)
        .collect()
}
