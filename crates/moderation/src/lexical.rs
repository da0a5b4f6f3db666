//! The lexicon stage: which lexicon hits count in a comment's language, and the contributions
//! they make, weighed by context (quotes, reported speech, counter-speech) and by group +
//! demeaning-predicate pairs.

use crate::Category;
use crate::context::Context;
use crate::explain::{Contribution, quote};
use crate::lang::Language;
use crate::lexicon::{Action, Cue, Entry, Hit, Kind, Lexicon};
use crate::normalize::Normalized;
use crate::policy::Policy;
use crate::spelling::Edit;

/// Weight of a `flag` insult said of no one: recorded, below the approval bar.
const UNAIMED_INSULT_WEIGHT: f32 = 0.15;

/// Cap on a protected match (inside quotes or reported speech): review, never reject.
pub(crate) const PROTECTED_CAP: f32 = 0.6;
/// Cap on a protected match in a comment that condemns it: counter-speech is not abuse.
pub(crate) const COUNTER_SPEECH_CAP: f32 = 0.15;

/// The action an entry has in a comment in `lang`: full strength in its own language; in
/// another language of the same script only a flag (names and loanwords collide across
/// languages), and only for entries long enough not to be a common syllable. English swearing
/// is used everywhere ("portable" entries), so long English block entries of profanity and
/// vulgarity keep their strength in every comment, of any language or script.
///
/// `matched` is the matching text of the hit, `original` what the comment says there: English
/// swearing counts in other languages only as written in plain ASCII, since folding turns
/// "türdü" into "turdu".
pub(crate) fn effective_action(
    e: &Entry,
    lang: Language,
    matched: &str,
    original: &str,
) -> Option<Action> {
    let (entry_lang, action, kind) = (e.lang, e.action, e.kind);
    if entry_lang == lang || action == Action::Allow {
        return Some(action);
    }
    let long = matched.chars().count() >= 4;
    let english_swearing = entry_lang == Language::En
        && matches!(
            kind,
            Kind::Guideline(Category::Profanity | Category::Vulgarity)
        );
    if english_swearing && !(long && original.is_ascii()) {
        return None;
    }
    if e.portable() {
        return Some(action);
    }
    let same_script = (entry_lang.arabic_script()
        && (lang.arabic_script() || lang == Language::Other))
        || (entry_lang.latin_script() && (lang.latin_script() || lang == Language::Other));
    if !same_script {
        return None;
    }
    // A cue word means what it means in its own language only (Kurmanji "ne" is Turkish
    // "what", English "her" is Turkish "every").
    if matches!(action, Action::Cue) {
        return None;
    }
    if !long {
        return None;
    }
    if english_swearing && lang.latin_script() {
        return Some(action);
    }
    Some(Action::Flag)
}

/// What the lexicon stage works from: the comment, its matching text, its context and the
/// hits that count in its language.
pub(crate) struct Lexical<'a> {
    pub text: &'a str,
    pub lang: Language,
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
        self.of_kind(Kind::Cue(Cue::Reported))
            .map(|h| self.span(&h))
            .collect()
    }

    /// Whether the comment condemns abuse (counter-speech).
    pub fn condemns(&self) -> bool {
        self.of_kind(Kind::Cue(Cue::Condemn)).next().is_some()
    }
}

/// The cap on a match whose `judged` span (of the original) sits in protected context, and
/// the reason with why.
pub(crate) fn protect(
    x: &Lexical<'_>,
    reported: &[(usize, usize)],
    condemned: bool,
    judged: (usize, usize),
    reason: String,
) -> (Option<f32>, String) {
    match x.context.protection(judged.0, judged.1, reported) {
        None => (None, reason),
        Some(why) if condemned => (
            Some(COUNTER_SPEECH_CAP),
            format!("{reason}, {why}, in a comment condemning it (counter-speech)"),
        ),
        Some(why) => (
            Some(PROTECTED_CAP),
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
        let (cap, reason) = if category == Category::Promotion {
            (None, reason)
        } else {
            protect(x, &reported, condemned, judged, reason)
        };
        out.push(Contribution {
            category,
            weight,
            start: judged.0,
            end: judged.1,
            reason,
            portable,
            cap,
        });
    };

    for (h, action) in x.hits {
        let e = x.lexicon.entry(h.entry);
        let (s, t) = x.span(h);
        let said = x.text.get(s..t).unwrap_or("");
        match (e.kind, action) {
            (Kind::Guideline(c), Action::Block | Action::Flag) => {
                let w = match (action, c) {
                    (Action::Block, _) => policy.block_weight(),
                    // A possible insult aimed at no one ("a joke", "pathetic"); the structure
                    // stage counts it in full when it is said of someone.
                    (_, Category::PersonalAttack) => UNAIMED_INSULT_WEIGHT,
                    _ => policy.flag_weight(),
                };
                push(
                    (s, t),
                    c,
                    w,
                    [
                        quote(said).as_str(),
                        " is on the ",
                        e.lang.code(),
                        " ",
                        c.as_str(),
                        " list (",
                        action.as_str(),
                        ")",
                        h.edit.map_or("", |_| ", "),
                        h.edit.map_or("", Edit::describe),
                    ]
                    .concat(),
                    e.portable() && *action == Action::Block,
                );
            }
            (Kind::Cue(Cue::Dehumanizing), Action::Block) => push(
                (s, t),
                Category::IdentityAbuse,
                policy.block_weight(),
                format!("{} dehumanises people", quote(said)),
                false,
            ),
            _ => {}
        }
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
            assert_eq!(
                effective_action(&fuck, lang, "fuck", "fuck"),
                Some(Action::Block)
            );
        }
        let got = entry(
            Language::Tr,
            Kind::Guideline(Category::Profanity),
            Action::Block,
            "got",
        );
        assert_eq!(effective_action(&got, Language::En, "got", "got"), None);
        let turd = entry(
            Language::En,
            Kind::Guideline(Category::Vulgarity),
            Action::Block,
            "turd*",
        );
        assert_eq!(
            effective_action(&turd, Language::Tr, "turdu", "türdü"),
            None
        );
        let moron = entry(
            Language::En,
            Kind::Guideline(Category::PersonalAttack),
            Action::Block,
            "moron",
        );
        assert_eq!(
            effective_action(&moron, Language::Tr, "moron", "moron"),
            Some(Action::Flag)
        );
        assert_eq!(
            effective_action(&moron, Language::Ar, "moron", "moron"),
            None
        );
    }
}
