//! The lexicon stage: which lexicon hits count in a comment's language, and the contributions
//! they make, weighed by context (quotes, reported speech, counter-speech) and by group +
//! demeaning-predicate pairs.

use crate::Category;
use crate::context::Context;
use crate::explain::{Contribution, quote};
use crate::lang::Language;
use crate::lexicon::{Action, Entry, Hit, Kind, Lexicon};
use crate::normalize::Normalized;
use crate::policy::Policy;

/// Weight of a group + demeaning word pair with a negation between ("Kurds are not
/// terrorists"): recorded, but not enough to keep the comment from approval.
const NEGATED_WEIGHT: f32 = 0.1;

/// Cap on a protected match (inside quotes or reported speech): review, never reject.
pub(crate) const PROTECTED_CAP: f32 = 0.6;
/// Cap on a protected match in a comment that condemns it: counter-speech is not abuse.
pub(crate) const COUNTER_SPEECH_CAP: f32 = 0.15;

/// The action an entry has in a comment in `lang`: full strength in its own language; in
/// another language of the same script only a flag (names and loanwords collide across
/// languages), and only for entries long enough not to be a common syllable. English swearing
/// is used everywhere ("portable" entries), so long English block entries of profanity and
/// vulgarity keep their strength in every comment, of any language or script.
pub(crate) fn effective_action(e: &Entry, lang: Language, matched: &str) -> Option<Action> {
    let (entry_lang, action, kind) = (e.lang, e.action, e.kind);
    if entry_lang == lang || action == Action::Allow {
        return Some(action);
    }
    let long = matched.chars().count() >= 4;
    if e.portable() && long {
        return Some(action);
    }
    let same_script = (entry_lang.arabic_script()
        && (lang.arabic_script() || lang == Language::Other))
        || (entry_lang.latin_script() && (lang.latin_script() || lang == Language::Other));
    if !same_script {
        return None;
    }
    if matches!(action, Action::Cue) {
        return Some(action);
    }
    if !long {
        return None;
    }
    if entry_lang == Language::En
        && lang.latin_script()
        && matches!(
            kind,
            Kind::Guideline(Category::Profanity | Category::Vulgarity)
        )
    {
        return Some(action);
    }
    Some(Action::Flag)
}

/// What the lexicon stage works from: the comment, its matching text, its context and the
/// hits that count in its language.
pub(crate) struct Lexical<'a> {
    pub text: &'a str,
    pub norm: &'a Normalized,
    pub context: &'a Context,
    pub hits: &'a [(Hit, Action)],
    pub lexicon: &'a Lexicon,
}

impl Lexical<'_> {
    /// The original span of a hit.
    pub fn span(&self, h: &Hit) -> (usize, usize) {
        self.norm.original_span(h.start, h.end)
    }

    /// The hits of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = Hit> + '_ {
        self.hits
            .iter()
            .filter(move |(h, _)| self.lexicon.entry(h.entry).kind == kind)
            .map(|(h, _)| *h)
    }

    /// Original spans of the reported-speech cues.
    pub fn reported(&self) -> Vec<(usize, usize)> {
        self.of_kind(Kind::Reported)
            .map(|h| self.span(&h))
            .collect()
    }

    /// Whether the comment condemns abuse (counter-speech).
    pub fn condemns(&self) -> bool {
        self.of_kind(Kind::Condemn).next().is_some()
    }
}

/// Caps `weight` when `judged` (an original span) sits in protected context, and says why.
pub(crate) fn protect(
    x: &Lexical<'_>,
    reported: &[(usize, usize)],
    condemned: bool,
    judged: (usize, usize),
    weight: f32,
    reason: String,
) -> (f32, String) {
    match x.context.protection(judged.0, judged.1, reported) {
        None => (weight, reason),
        Some(why) if condemned => (
            weight.min(COUNTER_SPEECH_CAP),
            format!("{reason}, {why}, in a comment condemning it (counter-speech)"),
        ),
        Some(why) => (
            weight.min(PROTECTED_CAP),
            format!("{reason}, {why}: a human decides"),
        ),
    }
}

/// Turns lexicon hits into contributions.
pub(crate) fn contributions(x: &Lexical<'_>, policy: &Policy) -> Vec<Contribution> {
    let mut out = Vec::new();
    if x.hits.is_empty() {
        return out;
    }
    let reported = x.reported();
    let condemned = x.condemns();
    let mut push = |judged: (usize, usize),
                    category: Category,
                    weight: f32,
                    reason: String,
                    portable: bool| {
        let (weight, reason) = if category == Category::Promotion {
            (weight, reason)
        } else {
            protect(x, &reported, condemned, judged, weight, reason)
        };
        out.push(Contribution {
            category,
            weight,
            start: judged.0,
            end: judged.1,
            reason,
            portable,
        });
    };

    for (h, action) in x.hits {
        let e = x.lexicon.entry(h.entry);
        let (s, t) = x.span(h);
        let said = x.text.get(s..t).unwrap_or("");
        match (e.kind, action) {
            (Kind::Guideline(c), Action::Block | Action::Flag) => {
                let w = if *action == Action::Block {
                    policy.block_weight()
                } else {
                    policy.flag_weight()
                };
                push(
                    (s, t),
                    c,
                    w,
                    [
                        &quote(said),
                        " is on the ",
                        e.lang.code(),
                        " ",
                        c.as_str(),
                        " list (",
                        action.as_str(),
                        ")",
                    ]
                    .concat(),
                    e.portable() && *action == Action::Block,
                );
            }
            (Kind::Dehumanizing, Action::Block) => push(
                (s, t),
                Category::IdentityAbuse,
                policy.block_weight(),
                format!("{} dehumanises people", quote(said)),
                false,
            ),
            _ => {}
        }
    }

    // Group term + dehumanising predicate in one sentence: identity abuse, unless negated.
    let groups: Vec<Hit> = x.of_kind(Kind::Group).collect();
    let negations: Vec<usize> = x.of_kind(Kind::Negation).map(|h| h.start).collect();
    for d in x.of_kind(Kind::Dehumanizing) {
        let (ds, de) = x.span(&d);
        let sentence = x.context.sentence(ds);
        let paired = groups.iter().find(|g| {
            let (gs, _) = x.span(g);
            x.context.sentence(gs) == sentence && (g.end <= d.start || d.end <= g.start)
        });
        let Some(g) = paired else { continue };
        let (gs, ge) = x.span(g);
        let (lo, hi) = (g.end.min(d.end), g.start.max(d.start));
        let negated = negations.iter().any(|&n| lo <= n && n < hi);
        let weight = if negated {
            NEGATED_WEIGHT
        } else {
            policy.block_weight()
        };
        let (s, t) = (gs.min(ds), ge.max(de));
        let said = quote(x.text.get(s..t).unwrap_or(""));
        // Quotes and reported speech are judged on the predicate: "calling Iranians 'animals'".
        let (weight, reason) = protect(
            x,
            &reported,
            condemned,
            (ds, de),
            weight,
            if negated {
                format!("{said} pairs a group with a demeaning word, with a negation")
            } else {
                format!("{said} describes a group of people with a demeaning word")
            },
        );
        out.push(Contribution {
            category: Category::IdentityAbuse,
            weight,
            start: s,
            end: t,
            reason,
            portable: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(lang: Language, kind: Kind, action: Action, phrase: &str) -> Entry {
        crate::lexicon::make_entry(kind, action, lang, phrase)
    }

    #[test]
    fn english_swearing_keeps_its_strength_in_every_comment() {
        let fuck = entry(
            Language::En,
            Kind::Guideline(Category::Profanity),
            Action::Block,
            "fuck*",
        );
        for lang in [Language::Tr, Language::Ar, Language::Ckb, Language::Other] {
            assert_eq!(effective_action(&fuck, lang, "fuck"), Some(Action::Block));
        }
        let got = entry(
            Language::Tr,
            Kind::Guideline(Category::Profanity),
            Action::Block,
            "got",
        );
        assert_eq!(effective_action(&got, Language::En, "got"), None);
        let moron = entry(
            Language::En,
            Kind::Guideline(Category::PersonalAttack),
            Action::Block,
            "moron",
        );
        assert_eq!(
            effective_action(&moron, Language::Tr, "moron"),
            Some(Action::Flag)
        );
        assert_eq!(effective_action(&moron, Language::Ar, "moron"), None);
    }
}
