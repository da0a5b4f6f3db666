//! The structure stage: who a comment targets, what it says of them, and threat
//! constructions, read from the cue lexicons' matches with rules that hold in every language
//! (the words are per language, the rules are not).
//!
//! - **Identity abuse:** a group (or a pronoun that points back to one) with a negative
//!   attribute, a dehumanising comparison, an insult, exclusion or a conspiracy claim in its
//!   sentence; strong negative emotion about a group; a negated positive ("never honest");
//!   a generalisation about a group with nothing positive said sends to review.
//! - **Personal attacks:** an insult, or for "you" also a demeaning attribute or comparison,
//!   next to a target ("you", a person, an `@handle`); negative emotion about "you".
//! - **Threats:** intent, a call on others, a wish, "should be", "deserves" followed by harm or
//!   death in the same sentence (rejected when someone is targeted, reviewed otherwise); a
//!   condition followed by a consequence.
//!
//! A negation that scopes the construction undoes it ("I don't hate Kurds", "Refugees are not
//! criminals", "No one should be shot", and earlier in the clause for a group and its attribute,
//! "I don't think Albanians are thieves", but not in a question: "Isn't it obvious that …?");
//! quotes, reported speech and counter-speech are weighed
//! like lexicon matches (`lexical::protect`).

use crate::Category;
use crate::explain::{Contribution, quote};
use crate::lexical::{Lexical, protect};
use crate::lexicon::{Action, Cue, Hit, Kind};
use crate::normalize;
use crate::policy::Policy;

/// Weight of a scoped-out construction ("Kurds are not terrorists"): recorded, but not
/// enough to keep the comment from approval.
const NEGATED_WEIGHT: f32 = 0.1;
/// At most this many matches of one cue kind take part (the rules pair them).
const MAX_PER_CUE: usize = 64;

/// A match placed in the comment: its words in the matching text, its sentence and its span
/// of the original text.
#[derive(Debug, Clone, Copy)]
struct Placed {
    first: usize,
    last: usize,
    sentence: usize,
    span: (usize, usize),
}

impl Placed {
    /// Words between the two matches (0 when they touch or overlap).
    fn gap(&self, other: &Placed) -> usize {
        if other.first > self.last {
            other.first - self.last
        } else {
            self.first.saturating_sub(other.last)
        }
    }

    fn contains(&self, other: &Placed) -> bool {
        self.first <= other.first && other.last <= self.last
    }

    fn join(&self, other: &Placed) -> (usize, usize) {
        (self.span.0.min(other.span.0), self.span.1.max(other.span.1))
    }
}

/// The matches the rules read, by cue kind, plus insults (the personal-attack list) and
/// `@handles`.
struct Cues {
    by: Vec<Vec<Placed>>,
    /// Whether the comment's language puts a negation after what it denies.
    negation_follows: bool,
    /// Byte offsets of the commas in the original (clause breaks inside a sentence).
    commas: Vec<usize>,
    /// The sentences that end with a question mark.
    questions: Vec<usize>,
    insults: Vec<Placed>,
    /// Possible threats (the threat list's `flag` entries: "I know which car you drive").
    possible_threats: Vec<Placed>,
    handles: Vec<Placed>,
}

impl Cues {
    fn of(&self, cue: Cue) -> &[Placed] {
        &self.by[cue as usize]
    }

    fn any(&self, cue: Cue, sentence: usize) -> bool {
        self.of(cue).iter().any(|p| p.sentence == sentence)
    }

    /// A negation that scopes `from..=to` (word indices), other than one inside `inside`.
    fn negated(&self, from: usize, to: usize, inside: &[&Placed]) -> bool {
        self.of(Cue::Negation)
            .iter()
            .any(|n| from <= n.first && n.first <= to && !inside.iter().any(|p| p.contains(n)))
    }

    /// A negation earlier in the clause that holds `p` ("It is untrue that [group] are lazy",
    /// "I don't think [group] are thieves"): in `p`'s sentence, before it, with no comma
    /// between (another clause), other than one inside `inside`. Not in a question: "Isn't it
    /// funny how [group] …?" asserts what it asks.
    fn negated_before(&self, p: &Placed, inside: &[&Placed]) -> bool {
        !self.questions.contains(&p.sentence)
            && self.of(Cue::Negation).iter().any(|n| {
                n.sentence == p.sentence
                    && n.last < p.first
                    && !inside.iter().any(|q| q.contains(n))
                    && !self.commas.iter().any(|&c| n.span.1 <= c && c < p.span.0)
            })
    }

    /// In a verb-final language, a negation right after `p` ("suçlu değil") denies it; not one
    /// past a comma ("sızmış, kimse farkında değil": another clause).
    fn denied_after(&self, p: &Placed, inside: &[&Placed]) -> bool {
        self.negation_follows
            && self.of(Cue::Negation).iter().any(|n| {
                p.last < n.first
                    && n.first <= p.last + 2
                    && !inside.iter().any(|q| q.contains(n))
                    && !self.commas.iter().any(|&c| p.span.1 <= c && c < n.span.0)
            })
    }

    /// Whether someone is targeted in `sentence` (or, through a pronoun, the one before).
    fn targeted(&self, sentence: usize) -> bool {
        let here = |p: &Placed| p.sentence == sentence;
        let near = |p: &Placed| p.sentence == sentence || p.sentence + 1 == sentence;
        self.of(Cue::You).iter().any(here)
            || self.handles.iter().any(here)
            || self.of(Cue::Group).iter().any(here)
            || self.of(Cue::Person).iter().any(near)
            || self.of(Cue::They).iter().any(near)
    }
}

/// What a rule found.
struct Finding {
    category: Category,
    /// Strong enough to reject alone (else it sends to review).
    block: bool,
    /// The whole construction (who and what), quoted in the reason.
    span: (usize, usize),
    /// What is said: the evidence span, and the one whose context (quotes, reported speech)
    /// decides protection.
    judged: (usize, usize),
    reason: &'static str,
}

/// Signal tokens of the structure stage, for the learned classifier.
pub(crate) fn signal(category: Category, block: bool) -> &'static str {
    match (category, block) {
        (Category::Threat, true) => "struct:threat",
        (Category::Threat, false) => "struct:threat_weak",
        (Category::IdentityAbuse, true) => "struct:identity",
        (Category::IdentityAbuse, false) => "struct:identity_weak",
        (Category::PersonalAttack, true) => "struct:attack",
        (Category::PersonalAttack, false) => "struct:attack_weak",
        _ => "struct:other",
    }
}

fn place(x: &Lexical<'_>, words: &[usize], h: &Hit) -> Placed {
    let word_of = |pos: usize| words.partition_point(|&s| s <= pos).saturating_sub(1);
    let span = x.span(h);
    Placed {
        first: word_of(h.start),
        last: word_of(h.end.saturating_sub(1).max(h.start)),
        sentence: x.context.sentence(span.0),
        span,
    }
}

/// `@name` handles in the original text, placed at the words they became.
fn handles(x: &Lexical<'_>, words: &[usize], origins: &[usize]) -> Vec<Placed> {
    let mut out = Vec::new();
    if words.is_empty() {
        return out;
    }
    for (i, _) in x.text.match_indices('@') {
        let rest = &x.text[i + 1..];
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            continue;
        }
        let word = origins.partition_point(|&s| s <= i + 1).saturating_sub(1);
        out.push(Placed {
            first: word,
            last: word,
            sentence: x.context.sentence(i),
            span: (i, i + 1 + len),
        });
    }
    out
}

fn gather(x: &Lexical<'_>) -> Cues {
    // Word starts in the matching text, and where each word starts in the original.
    let mut words = Vec::new();
    let mut origins = Vec::new();
    let mut pos = 0;
    for w in normalize::words(&x.norm.text) {
        words.push(pos);
        origins.push(x.norm.original_span(pos, pos + w.len()).0);
        pos += w.len() + 1;
    }
    let mut by: Vec<Vec<Placed>> = vec![Vec::new(); Cue::ALL.len()];
    let mut insults = Vec::new();
    let mut possible_threats = Vec::new();
    for (h, action) in x.hits {
        let entry = x.lexicon.entry(h.entry);
        // Another language's insult is no insult here (Kurmanji "kîndar", Turkish "kindar").
        if matches!(entry.kind, Kind::Guideline(_)) && entry.lang != x.lang && !entry.portable() {
            continue;
        }
        let list = match (entry.kind, action) {
            (Kind::Cue(c), _) => &mut by[c as usize],
            (Kind::Guideline(Category::PersonalAttack), Action::Block | Action::Flag) => {
                &mut insults
            }
            (Kind::Guideline(Category::Threat), Action::Flag) => &mut possible_threats,
            _ => continue,
        };
        if list.len() < MAX_PER_CUE {
            list.push(place(x, &words, h));
        }
    }
    Cues {
        by,
        negation_follows: x.lang.negation_follows(),
        commas: x
            .text
            .match_indices([',', '،'])
            .map(|(i, _)| i)
            .take(MAX_PER_CUE * 4)
            .collect(),
        questions: (0..=x.context.breaks.len())
            .filter(|&k| x.context.question(k))
            .collect(),
        insults,
        possible_threats,
        handles: handles(x, &words, &origins),
    }
}

/// Groups named, and pronouns that point back to a group named before them (in the same
/// sentence or up to two sentences earlier).
fn group_like(c: &Cues) -> Vec<Placed> {
    let groups = c.of(Cue::Group);
    let mut out: Vec<Placed> = groups.to_vec();
    out.extend(c.of(Cue::They).iter().filter(|t| {
        groups
            .iter()
            .any(|g| g.last < t.first && t.sentence <= g.sentence + 2)
    }));
    out
}

fn identity(c: &Cues, found: &mut Vec<Finding>) {
    let groups = group_like(c);
    if groups.is_empty() {
        return;
    }
    let mut abused_sentences = Vec::new();
    // What is said of a group, and how far from it it may stand (in words).
    let predicates = [
        (
            c.of(Cue::Attribute),
            8,
            "says something demeaning of a group of people",
        ),
        (
            c.of(Cue::Dehumanizing),
            8,
            "describes a group of people with a demeaning word",
        ),
        (&c.insults[..], 8, "insults a group of people"),
        (c.of(Cue::Exclusion), 12, "would exclude a group of people"),
        (
            c.of(Cue::Conspiracy),
            12,
            "makes a conspiracy claim about a group of people",
        ),
    ];
    // A sentence that condemns abuse ("the racist abuse aimed at Black players was
    // disgusting") speaks about the abuse, not about the group.
    let condemning = |p: &Placed| {
        c.of(Cue::Condemn)
            .iter()
            .any(|k| k.sentence == p.sentence && !k.contains(p) && !p.contains(k))
    };
    for (list, window, reason) in predicates {
        for p in list {
            if condemning(p) {
                continue;
            }
            let Some(g) = groups
                .iter()
                .filter(|g| g.sentence == p.sentence && g.gap(p) <= window && !g.contains(p))
                .min_by_key(|g| g.gap(p))
            else {
                continue;
            };
            let (lo, hi) = (g.first.min(p.first), g.last.max(p.first));
            let earlier = if g.first < p.first { g } else { p };
            let negated = c.negated(lo, hi, &[p, g])
                || c.negated(p.first.saturating_sub(3), p.first, &[p, g])
                || c.negated_before(earlier, &[p, g])
                || c.denied_after(p, &[p, g]);
            abused_sentences.push(p.sentence);
            found.push(Finding {
                category: Category::IdentityAbuse,
                block: !negated,
                span: g.join(p),
                judged: p.span,
                reason: if negated {
                    "pairs a group with a demeaning word, with a negation"
                } else {
                    reason
                },
            });
        }
    }
    for e in c.of(Cue::Emotion) {
        let Some(g) = groups
            .iter()
            .find(|g| g.sentence == e.sentence && g.gap(e) <= 6 && !g.contains(e))
        else {
            continue;
        };
        // "sick of the slurs thrown at trans people": the emotion is about what is condemned.
        let (lo, hi) = (e.last.min(g.last), e.first.max(g.first));
        let condemned_between = c
            .of(Cue::Condemn)
            .iter()
            .any(|k| lo <= k.first && k.first <= hi);
        // "I don't hate …"; in a verb-final language also "my hatred of … is not".
        let later = if g.last > e.last { g } else { e };
        if condemned_between
            || c.negated(e.first.saturating_sub(3), e.first, &[e])
            || c.denied_after(later, &[e, g])
        {
            continue;
        }
        abused_sentences.push(e.sentence);
        found.push(Finding {
            category: Category::IdentityAbuse,
            block: true,
            span: g.join(e),
            judged: e.span,
            reason: "expresses hatred of a group of people",
        });
    }
    // A negated positive: "[group] are never honest", "no [group] ever did anything good".
    for p in c.of(Cue::Positive) {
        let scoped = c.of(Cue::Negation).iter().any(|n| {
            // Near the positive, or right before the group it speaks of ("no Arab has ever
            // told the truth").
            let reach = if groups
                .iter()
                .any(|g| g.first > n.last && g.first - n.last <= 2)
            {
                10
            } else {
                4
            };
            n.last < p.first
                && p.first - n.last <= reach
                && n.sentence == p.sentence
                && !c
                    .of(Cue::Attribute)
                    .iter()
                    .chain(&c.insults)
                    .any(|a| n.last < a.first && a.first < p.first)
        });
        // In a verb-final language the negation may follow ("iyilik etmedi").
        if !scoped && !c.denied_after(p, &[p]) {
            continue;
        }
        let Some(g) = groups
            .iter()
            .find(|g| g.sentence == p.sentence && g.gap(p) <= 10)
        else {
            continue;
        };
        abused_sentences.push(p.sentence);
        found.push(Finding {
            category: Category::IdentityAbuse,
            block: true,
            span: g.join(p),
            judged: p.span,
            reason: "denies a group of people a good quality",
        });
    }
    // A generalisation or an insinuation about a group ("typical", "just saying", "time to
    // buy a better lock" after a group is named) with nothing positive said: a human decides.
    for m in c.of(Cue::Generalize) {
        if abused_sentences.contains(&m.sentence) || c.any(Cue::Positive, m.sentence) {
            continue;
        }
        let Some(g) = groups
            .iter()
            .find(|g| (g.sentence == m.sentence && g.gap(m) <= 6) || g.sentence + 1 == m.sentence)
        else {
            continue;
        };
        abused_sentences.push(m.sentence);
        found.push(Finding {
            category: Category::IdentityAbuse,
            block: false,
            span: g.join(m),
            judged: g.span,
            reason: "generalises about a group of people",
        });
    }
}

fn attacks(c: &Cues, found: &mut Vec<Finding>) {
    let you = c.of(Cue::You);
    let targets: Vec<&Placed> = you
        .iter()
        .chain(c.of(Cue::Person))
        .chain(&c.handles)
        .collect();
    let mut attack = |target: &Placed, p: &Placed, block: bool, reason: &'static str| {
        found.push(Finding {
            category: Category::PersonalAttack,
            block,
            span: target.join(p),
            judged: p.span,
            reason,
        });
    };
    let groups = group_like(c);
    // The target a predicate is said of: the nearest, unless a group is nearer (then it is
    // identity abuse, not a personal attack).
    let target_of = |p: &Placed, among: &[&Placed], window: usize| -> Option<Placed> {
        let t = among
            .iter()
            .filter(|t| t.sentence == p.sentence && t.gap(p) <= window && !t.contains(p))
            .min_by_key(|t| t.gap(p))?;
        let nearer_group = groups
            .iter()
            .any(|g| g.sentence == p.sentence && g.gap(p) < t.gap(p));
        (!nearer_group).then_some(**t)
    };
    for i in &c.insults {
        let Some(t) = target_of(i, &targets, 5) else {
            continue;
        };
        let (lo, hi) = (t.first.min(i.first), t.last.max(i.first));
        if !c.negated(lo, hi, &[i, &t]) {
            attack(&t, i, true, "insults someone");
        }
    }
    // Demeaning attributes said to "you"; dehumanising comparisons of anyone ("the mayor is a
    // rat").
    let you_refs: Vec<&Placed> = you.iter().collect();
    let demeaning = c
        .of(Cue::Attribute)
        .iter()
        .map(|p| (p, &you_refs[..]))
        .chain(c.of(Cue::Dehumanizing).iter().map(|p| (p, &targets[..])));
    for (p, among) in demeaning {
        let Some(t) = target_of(p, among, 4) else {
            continue;
        };
        let (lo, hi) = (t.first.min(p.first), t.last.max(p.first));
        if !c.negated(lo, hi, &[p, &t]) {
            attack(&t, p, true, "demeans someone");
        }
    }
    for e in c.of(Cue::Emotion) {
        if c.negated(e.first.saturating_sub(3), e.first, &[e]) {
            continue;
        }
        if let Some(t) = you
            .iter()
            .find(|t| t.sentence == e.sentence && t.gap(e) <= 4)
        {
            attack(t, e, true, "expresses hatred of the person addressed");
        } else if let Some(t) = c
            .of(Cue::Person)
            .iter()
            .find(|t| t.sentence == e.sentence && t.gap(e) <= 4)
        {
            attack(t, e, false, "expresses hatred of someone");
        }
    }
}

fn threats(c: &Cues, found: &mut Vec<Finding>) {
    // A marker, what harm may follow it, and how many words later.
    let constructions: [(Cue, &[Cue], usize, &'static str); 5] = [
        (Cue::Intent, &[Cue::Harm], 6, "says they will harm someone"),
        (Cue::Call, &[Cue::Harm], 6, "calls for someone to be harmed"),
        (
            Cue::Wish,
            &[Cue::Harm, Cue::Harmed, Cue::Death],
            8,
            "wishes harm on someone",
        ),
        (
            Cue::Normative,
            &[Cue::Harmed, Cue::Death, Cue::Harm],
            5,
            "says someone should be harmed",
        ),
        (
            Cue::Deserve,
            &[Cue::Harm, Cue::Harmed, Cue::Death],
            4,
            "says someone deserves harm",
        ),
    ];
    for (marker, harms, window, reason) in constructions {
        for m in c.of(marker) {
            // Harm follows the marker, or shares its word ("öldüreceğim": harm stem and intent
            // suffix; "kafasını keseceğiz": a harm phrase ending in it); in a verb-final
            // language it may also come first ("yuvarlansın inşallah", "-malı" after the
            // object).
            let harm = harms.iter().flat_map(|&h| c.of(h)).find(|h| {
                let after = h.last >= m.first && h.first.saturating_sub(m.last) <= window;
                let before = c.negation_follows && h.last < m.first && m.first - h.last <= window;
                h.sentence == m.sentence && (after || before)
            });
            let Some(h) = harm else { continue };
            if c.negated(m.first.saturating_sub(3), h.last, &[m, h]) {
                continue;
            }
            found.push(Finding {
                category: Category::Threat,
                block: c.targeted(m.sentence),
                span: m.join(h),
                judged: h.span,
                reason,
            });
        }
    }
    for k in c.of(Cue::Conditional) {
        let after = |p: &&Placed| {
            p.first > k.last && (p.sentence == k.sentence || p.sentence == k.sentence + 1)
        };
        if let Some(q) = c.of(Cue::Consequence).iter().find(after) {
            found.push(Finding {
                category: Category::Threat,
                block: c.targeted(q.sentence),
                span: k.join(q),
                judged: q.span,
                reason: "threatens someone with consequences",
            });
        } else if let Some(h) = [Cue::Harm, Cue::Death]
            .iter()
            .flat_map(|&h| c.of(h))
            .find(after)
        {
            found.push(Finding {
                category: Category::Threat,
                block: c.targeted(h.sentence),
                span: k.join(h),
                judged: h.span,
                reason: "threatens harm on a condition",
            });
        }
    }
    for t in &c.possible_threats {
        if c.targeted(t.sentence) {
            found.push(Finding {
                category: Category::Threat,
                block: true,
                span: t.span,
                judged: t.span,
                reason: "is a possible threat aimed at someone",
            });
        }
    }
    for q in c.of(Cue::Consequence) {
        if !found.iter().any(|f| f.judged == q.span) {
            found.push(Finding {
                category: Category::Threat,
                block: c.any(Cue::You, q.sentence),
                span: q.span,
                judged: q.span,
                reason: "warns someone of consequences",
            });
        }
    }
}

/// Whether any rule can fire, from the kinds of the hits alone: most comments have a
/// pronoun or a negation but nothing said of anyone, and are done here.
fn may_find(x: &Lexical<'_>) -> bool {
    let mut has = [false; Cue::ALL.len()];
    let (mut insult, mut possible_threat) = (false, false);
    for (h, action) in x.hits {
        match (x.lexicon.entry(h.entry).kind, action) {
            (Kind::Cue(c), _) => has[c as usize] = true,
            (Kind::Guideline(Category::PersonalAttack), _) => insult = true,
            (Kind::Guideline(Category::Threat), Action::Flag) => possible_threat = true,
            _ => {}
        }
    }
    let any = |cues: &[Cue]| cues.iter().any(|&c| has[c as usize]);
    let said_of_groups = insult
        || any(&[
            Cue::Attribute,
            Cue::Dehumanizing,
            Cue::Exclusion,
            Cue::Conspiracy,
            Cue::Emotion,
            Cue::Positive,
            Cue::Generalize,
        ]);
    let groups = any(&[Cue::Group, Cue::They]) && said_of_groups;
    let targets = any(&[Cue::You, Cue::Person]) || x.text.contains('@');
    let attacks = targets && (insult || any(&[Cue::Attribute, Cue::Dehumanizing, Cue::Emotion]));
    let threats = possible_threat || any(&[Cue::Harm, Cue::Harmed, Cue::Death, Cue::Consequence]);
    groups || attacks || threats
}

/// What the structure stage found in a comment.
#[derive(Debug, Default)]
pub(crate) struct Structure {
    pub contributions: Vec<Contribution>,
    /// Signal tokens for the learned classifier (`struct:threat`, ...).
    pub signals: Vec<&'static str>,
    /// Whether a construction was scoped out by a negation ("I don't hate Kurds"): context
    /// the learned classifier cannot read.
    pub negated: bool,
}

/// The structure stage's contributions and signal tokens.
pub(crate) fn analyse(x: &Lexical<'_>, policy: &Policy) -> Structure {
    if !may_find(x) {
        return Structure::default();
    }
    let c = gather(x);
    let mut found = Vec::new();
    identity(&c, &mut found);
    attacks(&c, &mut found);
    threats(&c, &mut found);
    let reported = x.reported();
    let condemned = x.condemns();
    let mut signals = Vec::new();
    let negated = found.iter().any(|f| f.reason.ends_with("with a negation"))
        || c.of(Cue::Emotion)
            .iter()
            .any(|e| c.negated(e.first.saturating_sub(3), e.first, &[e]));
    let contributions = found
        .into_iter()
        .map(|f| {
            let weight = if f.reason.ends_with("with a negation") {
                NEGATED_WEIGHT
            } else if f.block {
                policy.block_weight()
            } else {
                policy.flag_weight()
            };
            if weight > NEGATED_WEIGHT {
                signals.push(signal(f.category, f.block));
            }
            let said = quote(x.text.get(f.span.0..f.span.1).unwrap_or(""));
            let (cap, reason) = protect(
                x,
                &reported,
                condemned,
                f.judged,
                format!("{said} {}", f.reason),
            );
            // The evidence is what is said (the insult, the harm); the reason quotes it with
            // whom it is said of.
            Contribution {
                category: f.category,
                weight,
                start: f.judged.0,
                end: f.judged.1,
                reason,
                portable: false,
                cap,
            }
        })
        .collect();
    Structure {
        contributions,
        signals,
        negated,
    }
}
