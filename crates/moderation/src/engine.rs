//! The pipeline (ARCHITECTURE.md, "The path of a comment", step 3): normalise and detect the
//! language, match lexicons and promotion patterns, weigh context, score relevance, ask the
//! learned stage where the lexicons decided nothing, decide, explain.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use tribune_learned::{HEAD_COUNT, Head};

use crate::context::Context;
use crate::decide::{self, Trigger};
use crate::explain::{self, Contribution};
use crate::lang::Language;
use crate::learned;
use crate::lexical::{self, Lexical};
use crate::lexicon::{Action, Cue, Hit, Kind};
use crate::normalize::{self, Normalized, normalize};
use crate::policy::Policy;
use crate::promotion::PromoSignal;
use crate::relevance::{self, ArticleIndex};
use crate::structure;
use crate::{Article, Category, Comment, Decision, Verdict};

/// The engine's version, recorded in every verdict: rules revision and learned model format.
pub const ENGINE_VERSION: &str = concat!(
    "tribune-moderation/",
    env!("CARGO_PKG_VERSION"),
    "+rules.2+learned.2"
);

/// How likely the learned model must find a comment offensive for its words to be shown as
/// evidence when nothing else points at any (measured on the toxic-spans set: span F1 0.53
/// without, 0.58 with 0.3).
const EVIDENCE_AT: f32 = 0.3;

/// Only this much of a comment is analysed; a longer one always goes to a human.
const MAX_BYTES: usize = 64 * 1024;

/// What the learned classifier (next stage) gets from the deterministic stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningInput {
    /// The folded matching text.
    pub normalized: String,
    /// Stable names of lexicon and promotion signals that fired, e.g. `lex:profanity:block`,
    /// `promo:url`, `norm:bidi_override`; sorted, without duplicates.
    pub signals: Vec<String>,
    /// The language used (hinted or detected).
    pub language: String,
}

/// What the deterministic stages found in a comment.
struct Analysis<'t> {
    /// The analysed text: the comment, or its first `MAX_BYTES`.
    text: &'t str,
    truncated: bool,
    lang: Language,
    norm: Normalized,
    context: Context,
    /// Lexicon hits with the action that applies in this comment's language.
    hits: Vec<(Hit, Action)>,
    promo: Vec<PromoSignal>,
}

impl Analysis<'_> {
    fn lexical<'a>(&'a self, policy: &'a Policy) -> Lexical<'a> {
        Lexical {
            text: self.text,
            lang: self.lang,
            norm: &self.norm,
            context: &self.context,
            hits: &self.hits,
            lexicon: policy.lexicon(),
        }
    }
}

fn analyse<'t>(text: &'t str, lang_hint: Option<&str>, policy: &Policy) -> Analysis<'t> {
    let truncated = text.len() > MAX_BYTES;
    let text = if truncated {
        let mut cut = MAX_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        &text[..cut]
    } else {
        text
    };
    let (norm, lang) = match lang_hint.and_then(Language::from_code) {
        Some(lang) => (normalize(text, lang == Language::Tr), lang),
        None => normalize::normalize_detecting(text),
    };
    let lexicon = policy.lexicon();
    let hits = lexicon
        .find(&norm, lang)
        .into_iter()
        .filter_map(|h| {
            let (s, t) = norm.original_span(h.start, h.end);
            let action = lexical::effective_action(
                lexicon.entry(h.entry),
                lang,
                &norm.text[h.start..h.end],
                text.get(s..t).unwrap_or(""),
            )?;
            Some((h, h.edit.map_or(action, |edit| edit.action(action))))
        })
        .collect();
    let promo = policy.promo().scan(text, &norm, policy.citation_domains());
    Analysis {
        text,
        truncated,
        lang,
        context: Context::of(text),
        norm,
        hits,
        promo,
    }
}

/// Moderates one comment. Cheap, thread-safe, never panics.
pub fn moderate(comment: &Comment<'_>, article: Option<&Article<'_>>, policy: &Policy) -> Verdict {
    let Some(article) = article else {
        return moderate_with_index(comment, None, policy);
    };
    // Comments arrive in bursts under one article: keep the last article's index per thread so
    // that it is built once, not per comment.
    thread_local! {
        static LAST: RefCell<Option<(String, String, Rc<ArticleIndex>)>> = const { RefCell::new(None) };
    }
    let cached = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(t, b, _)| t == article.title && b == article.body)
            .map(|(_, _, i)| Rc::clone(i))
    });
    let index = cached.unwrap_or_else(|| {
        let index = Rc::new(ArticleIndex::new(article));
        LAST.set(Some((
            article.title.to_owned(),
            article.body.to_owned(),
            Rc::clone(&index),
        )));
        index
    });
    moderate_with_index(comment, Some(&index), policy)
}

/// Like [`moderate`], with the article's relevance index built once by the caller (for many
/// comments under one article).
pub fn moderate_with_index(
    comment: &Comment<'_>,
    article: Option<&ArticleIndex>,
    policy: &Policy,
) -> Verdict {
    let a = analyse(comment.text, comment.lang, policy);
    let x = a.lexical(policy);

    // Evidence from the deterministic stages.
    let mut contributions = lexical::contributions(&x, policy);
    let structure = structure::analyse(&x, policy);
    contributions.extend(structure.contributions);
    contributions.extend(
        a.promo
            .iter()
            .filter(|p| p.weight > 0.0)
            .map(|p| Contribution {
                category: Category::Promotion,
                weight: p.weight,
                start: p.start,
                end: p.end,
                reason: p.reason.clone(),
                portable: false,
                cap: None,
            }),
    );
    if let Some(index) = article {
        let rel = relevance::score(&a.norm.text, a.lang, index);
        if rel.off_topic > 0.0 {
            contributions.push(Contribution {
                category: Category::OffTopic,
                weight: rel.off_topic,
                start: 0,
                end: 0,
                reason: rel
                    .reason
                    .unwrap_or_else(|| "unrelated to the article".into()),
                portable: false,
                cap: None,
            });
        }
    }
    let mut scores = decide::scores(&contributions);
    let flags = decide::flags(&scores, &contributions, a.lang, policy);

    // A lexicon rejection stands whatever the model says, so the model is not asked then.
    let model_text = learned_text(&a, policy);
    let learned = if flags.reject.is_none() {
        learned::stage(
            &model_text,
            signals(&a, policy, &structure.signals),
            a.lang.code(),
            policy,
            || structure.negated || learned_protected(&x),
        )
    } else {
        None
    };
    let outcome = decide::decide(
        &flags,
        learned.as_ref(),
        policy,
        a.truncated.then_some(MAX_BYTES),
    );
    let mut lead = outcome.notes;
    let mut category = outcome.category;
    if let (Some(l), Some(t)) = (&learned, &outcome.trigger) {
        let c = learned_category(l, t);
        for (k, s) in scores.iter_mut() {
            if *k == c {
                *s = s.max((t.score * 1000.0).round() / 1000.0);
            }
        }
        let reason = format!("learned model: {} {:.2}{}", t.head, t.score, t.note);
        let before = contributions.len();
        for range in l.top_words(&model_text, t.head) {
            let (start, end) = a.norm.original_span(range.start, range.end);
            contributions.push(Contribution {
                category: c,
                weight: t.score,
                start,
                end,
                reason: reason.clone(),
                portable: false,
                cap: None,
            });
        }
        if contributions.len() == before {
            lead.push(format!("{c}: {reason}"));
        }
        category = Some(c);
    }

    // A comment held back or rejected with no abuse evidence yet shows the words that raised
    // the model's umbrella score, when that is at least `EVIDENCE_AT` likely.
    if let Some(l) = learned.as_ref().filter(|l| !l.protected)
        && outcome.decision != Decision::Approve
        && !contributions
            .iter()
            .any(|k| k.weight > 0.0 && k.start < k.end && learned::head(k.category).is_some())
    {
        let offensive = l.assessment.get(Head::Offensive);
        if offensive >= EVIDENCE_AT {
            let c = learned::category(l.assessment.likeliest_abuse().0)
                .unwrap_or(Category::PersonalAttack);
            let reason =
                format!("learned model: offensive {offensive:.2} (the words that raised it)");
            for range in l.top_words(&model_text, Head::Offensive) {
                let (start, end) = a.norm.original_span(range.start, range.end);
                contributions.push(Contribution {
                    category: c,
                    weight: offensive,
                    start,
                    end,
                    reason: reason.clone(),
                    portable: false,
                    cap: None,
                });
            }
        }
    }

    // Every abuse category's score is a probability: the rule evidence's, or the learned
    // head's (calibrated per language) where that is higher, unless the comment quotes or
    // reports speech, which the model cannot read.
    if let Some(l) = learned.as_ref().filter(|l| !l.protected) {
        for (c, s) in scores.iter_mut() {
            if let Some(h) = learned::head(*c) {
                *s = s.max((l.assessment.get(h) * 1000.0).round() / 1000.0);
            }
        }
    }

    let evidence = explain::evidence(a.text, &contributions);
    let trail = a
        .norm
        .signals
        .contains(&"norm:invisible")
        .then(|| "invisible characters were removed before matching".to_owned());
    let reasons = explain::reasons(lead, &contributions, trail);
    let language = a.lang.code().to_owned();
    normalize::recycle(a.norm);
    Verdict {
        decision: outcome.decision,
        category,
        scores: BTreeMap::from(scores),
        evidence,
        reasons,
        language,
        engine_version: ENGINE_VERSION.to_owned(),
    }
}

/// The category a learned decision names: the head's own, or for the umbrella head the abuse
/// category the model finds likeliest (its evidence is still the words that raised the
/// umbrella score).
fn learned_category(l: &learned::Learned, t: &Trigger) -> Category {
    let named = if learned::category(t.head).is_some() {
        t.head
    } else {
        l.assessment.likeliest_abuse().0
    };
    learned::category(named).unwrap_or(Category::PersonalAttack)
}

/// Whether the comment quotes or reports speech, condemns abuse, or denies a demeaning word of
/// a group: context the lexicon stage reads and the model cannot.
fn learned_protected(x: &Lexical<'_>) -> bool {
    let has = |kind: Kind| x.of_kind(kind).next().is_some();
    has(Kind::Cue(Cue::Reported))
        || has(Kind::Cue(Cue::Condemn))
        || (has(Kind::Cue(Cue::Group))
            && has(Kind::Cue(Cue::Dehumanizing))
            && has(Kind::Cue(Cue::Negation)))
        || !x.context.quotes.is_empty()
}

/// The matching text the learned classifier reads: as the lexicons see it, with the words an
/// `allow` entry covers ("Scunthorpe", "cocktail") blanked out byte for byte, so that their
/// letters do not count against the comment and every offset stays the same.
fn learned_text<'a>(a: &'a Analysis<'_>, policy: &Policy) -> std::borrow::Cow<'a, str> {
    let lexicon = policy.lexicon();
    let allowed: Vec<(usize, usize)> = a
        .hits
        .iter()
        .filter(|(h, _)| lexicon.entry(h.entry).kind == Kind::Allow)
        .map(|(h, _)| (h.start, h.end))
        .collect();
    if allowed.is_empty() {
        return std::borrow::Cow::Borrowed(&a.norm.text);
    }
    let mut bytes = a.norm.text.as_bytes().to_vec();
    for (s, e) in allowed {
        for b in bytes.get_mut(s..e).into_iter().flatten() {
            if *b != b' ' {
                *b = b'q';
            }
        }
    }
    // Every byte of a covered span became ASCII and the rest is untouched.
    std::borrow::Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
}

/// What the encoder stage reads from the fast stages beside the embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderInputs {
    /// The numbers beside the embedding, named by [`ENCODER_EXTRAS`]: the rule evidence's
    /// score of each category the heads read, then 1 where the comment quotes, reports or
    /// condemns speech (context the fast stages read).
    pub extras: Vec<f32>,
    /// The learned stage's raw margin of every head (zeros if its model did not load), which
    /// the heads' stacks combine with their own.
    pub learned: [f32; HEAD_COUNT],
    /// The language used (hinted or detected).
    pub language: String,
    /// Whether only the first part of a long comment was read.
    pub truncated: bool,
}

/// The names of [`EncoderInputs::extras`], in order; a heads file must name the same.
pub const ENCODER_EXTRAS: [&str; 7] = [
    "rules:profanity",
    "rules:vulgarity",
    "rules:threat",
    "rules:personal_attack",
    "rules:identity_abuse",
    "rules:promotion",
    "context:protected",
];

/// The fast stages' view of a text for the encoder stage (training computes the same).
pub fn encoder_inputs(text: &str, lang: Option<&str>, policy: &Policy) -> EncoderInputs {
    let a = analyse(text, lang, policy);
    let x = a.lexical(policy);
    let mut contributions = lexical::contributions(&x, policy);
    let structure = structure::analyse(&x, policy);
    contributions.extend(structure.contributions);
    let scores = decide::scores(&contributions);
    let score = |c: Category| {
        scores
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0.0, |&(_, s)| s)
    };
    let protected = structure.negated || learned_protected(&x);
    let promotion = a.promo.iter().map(|p| p.weight).fold(0.0f32, f32::max);
    let mut extras: Vec<f32> = [
        Category::Profanity,
        Category::Vulgarity,
        Category::Threat,
        Category::PersonalAttack,
        Category::IdentityAbuse,
    ]
    .into_iter()
    .map(score)
    .collect();
    extras.push(promotion);
    extras.push(if protected { 1.0 } else { 0.0 });
    let model_text = learned_text(&a, policy);
    let signals = signals(&a, policy, &structure.signals);
    let learned = learned::model().map_or([0.0; HEAD_COUNT], |m| {
        m.margins_in(&model_text, &signals, Some(a.lang.code()))
    });
    let out = EncoderInputs {
        extras,
        learned,
        language: a.lang.code().to_owned(),
        truncated: a.truncated,
    };
    normalize::recycle(a.norm);
    out
}

/// The deterministic stages' view of a text, for the learned classifier.
pub fn learning_input(text: &str, lang: Option<&str>, policy: &Policy) -> LearningInput {
    let a = analyse(text, lang, policy);
    let structure = structure::analyse(&a.lexical(policy), policy);
    let signals = signals(&a, policy, &structure.signals);
    LearningInput {
        normalized: learned_text(&a, policy).into_owned(),
        signals: signals.into_iter().map(str::to_owned).collect(),
        language: a.lang.code().to_owned(),
    }
}

/// The signal tokens of an analysis and its structure, as the learned stage was trained on
/// them.
///
/// Of the context cues only those that change what a match means (group, dehumanising,
/// reported speech, condemnation, negation) are signals: the structure stage's own signals say
/// what the others add up to, and every signal costs the model a table read.
fn signals(a: &Analysis<'_>, policy: &Policy, structure: &[&'static str]) -> Vec<&'static str> {
    let lexicon = policy.lexicon();
    let telling = |kind: Kind| match kind {
        Kind::Cue(c) => matches!(
            c,
            Cue::Group | Cue::Dehumanizing | Cue::Reported | Cue::Condemn | Cue::Negation
        ),
        _ => true,
    };
    let mut signals: Vec<&'static str> = a
        .hits
        .iter()
        .map(|(h, action)| (lexicon.entry(h.entry).kind, *action))
        .filter(|&(kind, _)| telling(kind))
        .map(|(kind, action)| kind.signal(action))
        .chain(a.promo.iter().map(|p| p.name))
        .chain(a.norm.signals.iter().copied())
        .chain(structure.iter().copied())
        .collect();
    signals.sort_unstable();
    signals.dedup();
    signals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Evidence;

    fn learned_offensive(text: &str, lang: &str) -> f32 {
        let policy = Policy::default();
        let a = analyse(text, Some(lang), &policy);
        learned::stage(
            &a.norm.text,
            signals(&a, &policy, &[]),
            a.lang.code(),
            &policy,
            || false,
        )
        .expect("the learned stage is on by default")
        .assessment
        .get(Head::Offensive)
    }

    #[test]
    fn the_learned_stage_scores_known_cases_in_each_language_the_right_way() {
        let cases = [
            (
                "en",
                "you are a pathetic worthless clown and everybody laughs at you",
                "thanks for the clear report on the water budget",
            ),
            (
                "ar",
                "انت غبي وحقير ولا تفهم شيئا",
                "شكرا على التقرير الواضح عن ميزانية المياه",
            ),
            (
                "tr",
                "sen aptal bir gerizekalısın, kes sesini",
                "su bütçesi hakkındaki açık haber için teşekkürler",
            ),
            (
                "fa",
                "تو یک احمق بی‌شعور هستی، خفه شو",
                "از گزارش روشن درباره بودجه آب متشکرم",
            ),
            (
                "ckb",
                "تۆ گەمژەیت و هیچ نازانیت",
                "سوپاس بۆ ڕاپۆرتە ڕوونەکە دەربارەی بودجەی ئاو",
            ),
            (
                "kmr",
                "tu ehmeq î, devê xwe bigire",
                "spas ji bo nûçeya zelal li ser budceya avê",
            ),
        ];
        for (lang, bad, good) in cases {
            let (b, g) = (learned_offensive(bad, lang), learned_offensive(good, lang));
            assert!(b > 0.5 && g < 0.5, "{lang}: {bad:?} {b}, {good:?} {g}");
        }
    }

    fn decide(text: &str, lang: &str, policy: &Policy) -> Verdict {
        moderate(
            &Comment {
                text,
                lang: Some(lang),
            },
            None,
            policy,
        )
    }

    #[test]
    fn a_block_hit_stays_decisive_and_the_model_is_not_asked() {
        let mut policy = Policy::default();
        policy.set_auto_approve(true);
        // The model finds most of this clean; the lexicon's block entry decides.
        let v = decide(
            "Thank you for the clear and careful report on the budget, sh1t happens.",
            "en",
            &policy,
        );
        assert_eq!(v.decision, Decision::Reject);
        assert_eq!(v.category, Some(Category::Profanity));
        assert!(v.evidence.iter().any(|e| e.text == "sh1t"));
        assert!(
            v.reasons.iter().all(|r| !r.contains("learned model")),
            "{:?}",
            v.reasons
        );
    }

    #[test]
    fn the_learned_stage_rejects_what_the_lists_miss() {
        // The lists may not reject Turkish here, so the model decides (Turkish has a reject
        // threshold measured on dev, and the model is confident).
        let text = "amk orospu çocukları, hepinizin ananızı sikeyim";
        let unlisted = "[thresholds.tr]\n\
            profanity = { auto_reject = false }\nvulgarity = { auto_reject = false }\n\
            threat = { auto_reject = false }\npersonal_attack = { auto_reject = false }\n\
            identity_abuse = { auto_reject = false }\n";
        let policy = Policy::from_toml_str(unlisted).expect("valid");
        let v = decide(text, "tr", &policy);
        assert_eq!(v.decision, Decision::Reject, "{:?}", v.reasons);
        assert!(v.category.is_some());
        assert!(
            v.reasons
                .iter()
                .any(|r| r.contains("learned model: offensive")),
            "{:?}",
            v.reasons
        );
        // Evidence: words of the original text the model leaned on.
        let learned: Vec<&Evidence> = v
            .evidence
            .iter()
            .filter(|e| e.reason.contains("learned model"))
            .collect();
        assert!(!learned.is_empty());
        for e in learned {
            assert_eq!(&text[e.start..e.end], e.text);
        }
        let off = Policy::from_toml_str(&format!("{unlisted}[learned]\nenabled = false\n"))
            .expect("valid");
        assert_eq!(decide(text, "tr", &off).decision, Decision::Review);
    }

    #[test]
    fn the_learned_stage_never_rejects_quoted_speech_or_kurdish_alone() {
        let v = decide(
            "Yazar onlara 'hepiniz hainsiniz, pislik herifler' dedi, bu çok ayıp.",
            "tr",
            &Policy::default(),
        );
        assert_ne!(v.decision, Decision::Reject, "{:?}", v.reasons);
        // No Kurdish labels exist, so no Kurdish reject threshold was measured.
        let model = learned::model().expect("the embedded model loads");
        for lang in ["ckb", "kmr"] {
            for head in Head::ALL {
                assert_eq!(
                    learned::reject_threshold(&model.in_language(Some(lang)), head),
                    None
                );
            }
        }
    }

    #[test]
    fn the_confident_gate_holds_back_approvals_the_model_is_unsure_of() {
        let mut policy =
            Policy::from_toml_str("[learned]\napprove_gate = \"confident\"\n").expect("valid");
        policy.set_auto_approve(true);
        let text = "The minister was wrong about the budget again.";
        let v = decide(text, "en", &policy);
        assert_eq!(v.decision, Decision::Review, "{:?}", v.reasons);
        assert!(
            v.reasons.iter().any(|r| r.contains("not confident")),
            "{:?}",
            v.reasons
        );
        let mut policy = Policy::default();
        policy.set_auto_approve(true);
        assert_eq!(decide(text, "en", &policy).decision, Decision::Approve);
    }
}
