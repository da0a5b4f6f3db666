//! Lexicons: per-language, per-category word and phrase lists with an action, compiled into an
//! Aho-Corasick automaton per language over the normalised matching text.
//!
//! File format (one entry per line, `#` starts a comment):
//!
//! ```text
//! block fuck*        # reject when confident
//! flag  damn         # send to review
//! allow cocktail     # an exception: suppresses the shorter matches inside it
//! cue   calling them # a context cue (kind given by the file name)
//! ```
//!
//! A `*` at the start or end of an entry lets it join a longer word there (`*` + Arabic prefix
//! `ال`, `fuck` + `ing`); without it the entry must sit on word boundaries. Entries go through
//! the same normalisation as comments, so `sh1t` and `shit` are one entry.

use std::ops::ControlFlow;
use std::sync::LazyLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, MatchKind};

use crate::Category;
use crate::fasthash::FastSet;
use crate::lang::Language;
use crate::normalize::{Normalized, normalize};
use crate::spelling::{self, Edit, Spelling};

/// Context cues: words that are not a violation alone but say who is talked about, what is
/// said of them, and how (the structure stage combines them; see `structure.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cue {
    /// A group named for who they are (identity term): harmless alone.
    Group,
    /// A dehumanising or demeaning predicate: identity abuse next to a group term (`block`
    /// entries are abuse alone).
    Dehumanizing,
    /// Reported speech ("calling them", "the word"): what follows is quoted, not said.
    Reported,
    /// Condemnation of abuse ("disgusting", "racism"): counter-speech.
    Condemn,
    /// A negation ("not", "never") that turns a statement around.
    Negation,
    /// The person addressed: "you", "your", vocatives.
    You,
    /// One particular person: "he", "the author", "the minister".
    Person,
    /// Plural references that can point back to a group: "they", "these people".
    They,
    /// A negative attribute said of people ("liars", "lazy", "too emotional to lead").
    Attribute,
    /// Strong negative emotion about people ("hate", "can't stand").
    Emotion,
    /// A positive attribute or deed ("honest", "done anything good"), for negated positives.
    Positive,
    /// Exclusion and denial of rights ("send them back", "should not be allowed to vote").
    Exclusion,
    /// Conspiracy claims ("control the media", "behind every war").
    Conspiracy,
    /// Generalisation markers ("all", "always", "typical").
    Generalize,
    /// Harm verbs in base forms ("kill", "shoot", "burn").
    Harm,
    /// Harm in passive forms ("killed", "shot", "hanged").
    Harmed,
    /// Death wishes ("die", "drop dead", "rot in hell").
    Death,
    /// First-person intent ("I will", "I'm going to").
    Intent,
    /// Wishes ("I hope", "may you").
    Wish,
    /// Calls on others ("someone should", "let's").
    Call,
    /// What should be done to someone ("should be", "must be").
    Normative,
    /// "deserves", "had it coming".
    Deserve,
    /// A condition ("if you", "one more", "next time").
    Conditional,
    /// A consequence ("you will regret", "you've been warned").
    Consequence,
}

impl Cue {
    pub const ALL: [Cue; 24] = [
        Cue::Group,
        Cue::Dehumanizing,
        Cue::Reported,
        Cue::Condemn,
        Cue::Negation,
        Cue::You,
        Cue::Person,
        Cue::They,
        Cue::Attribute,
        Cue::Emotion,
        Cue::Positive,
        Cue::Exclusion,
        Cue::Conspiracy,
        Cue::Generalize,
        Cue::Harm,
        Cue::Harmed,
        Cue::Death,
        Cue::Intent,
        Cue::Wish,
        Cue::Call,
        Cue::Normative,
        Cue::Deserve,
        Cue::Conditional,
        Cue::Consequence,
    ];

    /// Stable name: the lexicon file stem and the signal token's middle part.
    pub fn name(self) -> &'static str {
        match self {
            Cue::Group => "group",
            Cue::Dehumanizing => "dehumanizing",
            Cue::Reported => "reported",
            Cue::Condemn => "condemn",
            Cue::Negation => "negation",
            Cue::You => "you",
            Cue::Person => "person",
            Cue::They => "they",
            Cue::Attribute => "attribute",
            Cue::Emotion => "emotion",
            Cue::Positive => "positive",
            Cue::Exclusion => "exclusion",
            Cue::Conspiracy => "conspiracy",
            Cue::Generalize => "generalize",
            Cue::Harm => "harm",
            Cue::Harmed => "harmed",
            Cue::Death => "death",
            Cue::Intent => "intent",
            Cue::Wish => "wish",
            Cue::Call => "call",
            Cue::Normative => "normative",
            Cue::Deserve => "deserve",
            Cue::Conditional => "conditional",
            Cue::Consequence => "consequence",
        }
    }

    fn from_name(name: &str) -> Option<Cue> {
        Cue::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// What a lexicon entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Counts towards a guideline category.
    Guideline(Category),
    /// Context for the structure stage.
    Cue(Cue),
    /// An exception (Scunthorpe): suppresses matches inside it.
    Allow,
    /// A function word ("you", "the", "bir") for splitting words run together; not matched.
    Glue,
}

impl Kind {
    fn from_file(name: &str) -> Option<Kind> {
        Some(match name {
            "allow" => Kind::Allow,
            "glue" => Kind::Glue,
            other => match Cue::from_name(other) {
                Some(c) => Kind::Cue(c),
                None => Kind::Guideline(other.parse().ok()?),
            },
        })
    }

    /// Every kind, each at its `index`.
    fn all() -> impl Iterator<Item = Kind> {
        Category::ALL
            .into_iter()
            .map(Kind::Guideline)
            .chain(Cue::ALL.into_iter().map(Kind::Cue))
            .chain([Kind::Allow, Kind::Glue])
    }

    fn index(self) -> usize {
        match self {
            // `Category::ALL` and `Cue::ALL` list their variants in declaration order.
            Kind::Guideline(c) => c as usize,
            Kind::Cue(c) => Category::ALL.len() + c as usize,
            Kind::Allow => Category::ALL.len() + Cue::ALL.len(),
            Kind::Glue => Category::ALL.len() + Cue::ALL.len() + 1,
        }
    }

    /// The learned stage's signal token of a match of this kind with `action`:
    /// `lex:{kind}:{action}`, written once for every pair.
    pub fn signal(self, action: Action) -> &'static str {
        static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
            Kind::all()
                .flat_map(|k| Action::ALL.map(|a| format!("lex:{}:{}", k.name(), a.as_str())))
                .collect()
        });
        let i = self.index() * Action::ALL.len() + action.index();
        NAMES.get(i).map_or("lex", String::as_str)
    }

    /// Stable name used in signals.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Guideline(c) => c.as_str(),
            Kind::Cue(c) => c.name(),
            Kind::Allow => "allow",
            Kind::Glue => "glue",
        }
    }
}

/// What a match of an entry asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Block,
    Flag,
    Allow,
    Cue,
}

impl Action {
    const ALL: [Action; 4] = [Action::Block, Action::Flag, Action::Allow, Action::Cue];

    fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Block => "block",
            Action::Flag => "flag",
            Action::Allow => "allow",
            Action::Cue => "cue",
        }
    }
}

/// One lexicon entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub action: Action,
    pub lang: Language,
    /// The entry as written.
    pub phrase: String,
    prefix_open: bool,
    suffix_open: bool,
}

impl Entry {
    /// Whether the entry may join a longer word at its start (`*حمار`).
    pub fn prefix_open(&self) -> bool {
        self.prefix_open
    }

    /// Whether the entry may join a longer word at its end (`idiot*`).
    pub fn suffix_open(&self) -> bool {
        self.suffix_open
    }

    /// English swearing (block entries of profanity and vulgarity) means the same in a comment
    /// of any language: it is matched in every script's comments and keeps its strength.
    pub fn portable(&self) -> bool {
        self.lang == Language::En
            && self.action == Action::Block
            && matches!(
                self.kind,
                Kind::Guideline(Category::Profanity | Category::Vulgarity)
            )
    }
}

/// A match of an entry in the matching text (byte offsets into `Normalized::text`).
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub entry: usize,
    pub start: usize,
    pub end: usize,
    /// How the text differs from the entry, when it is a misspelling of it.
    pub edit: Option<Edit>,
}

/// A compiled set of lexicons.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Per known language, over the entries that can count in a comment in it
    /// ([`can_count_in`]): a smaller automaton has fewer states to miss in cache.
    by_language: Vec<(Language, Matcher)>,
    /// The same for a comment in any other language.
    other: Matcher,
    entries: Vec<Entry>,
    /// Misspellings of the words that reject, and the words run-together text splits into.
    spelling: Spelling,
}

/// One automaton over some of the entries' patterns.
#[derive(Debug, Clone)]
struct Matcher {
    automaton: contiguous::NFA,
    /// Pattern id → its entry and how it may sit in a word.
    patterns: Vec<Placing>,
}

/// A pattern's entry and how a match of it may sit in a word: read for every match, most of
/// them inside longer words and dropped at once, without touching the entry itself.
#[derive(Debug, Clone, Copy)]
struct Placing {
    entry: usize,
    prefix_open: bool,
    suffix_open: bool,
    /// Whether it may count run together with other words (`spelling::eligible_kind`).
    may_join: bool,
}

impl Matcher {
    fn build(
        patterns: &[String],
        pattern_entry: &[usize],
        entries: &[Entry],
        keep: impl Fn(&Entry) -> bool,
    ) -> Result<Matcher, LexiconError> {
        let (patterns, placings): (Vec<&String>, Vec<Placing>) = patterns
            .iter()
            .zip(pattern_entry)
            .filter(|&(_, &e)| keep(&entries[e]))
            .map(|(p, &entry)| {
                let e = &entries[entry];
                let placing = Placing {
                    entry,
                    prefix_open: e.prefix_open,
                    suffix_open: e.suffix_open,
                    may_join: spelling::eligible_kind(e),
                };
                (p, placing)
            })
            .unzip();
        // A contiguous NFA: the DFAs of these lexicons took 22-53 MB and were slower.
        let automaton = contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .map_err(|e| LexiconError {
                source: "lexicon".into(),
                line: 0,
                message: e.to_string(),
            })?;
        Ok(Matcher {
            automaton,
            patterns: placings,
        })
    }

    /// Calls `found(placing, start, end)` for every match in `text`, overlapping ones included,
    /// in the order of an overlapping search: by end, then as the automaton lists them.
    /// Written over the automaton's states: a comment has several matches inside longer words
    /// for each one that counts, and the library's overlapping iterator paid a call per match.
    fn each_match(
        &self,
        text: &str,
        mut found: impl FnMut(Placing, usize, usize) -> ControlFlow<()>,
    ) {
        let nfa = &self.automaton;
        let Ok(mut state) = nfa.start_state(Anchored::No) else {
            return;
        };
        for (end, &byte) in (1..).zip(text.as_bytes()) {
            state = nfa.next_state(Anchored::No, state, byte);
            if !nfa.is_match(state) {
                continue;
            }
            for k in 0..nfa.match_len(state) {
                let pattern = nfa.match_pattern(state, k);
                let start = end - nfa.pattern_len(pattern);
                if found(self.patterns[pattern.as_usize()], start, end).is_break() {
                    return;
                }
            }
        }
    }
}

/// The automata's patterns: each entry's normalised core and its variants (Turkish typed
/// without its letters, a phrase run together, masked letters), with what spelling needs.
struct Patterns {
    patterns: Vec<String>,
    /// Pattern index → entry index.
    pattern_entry: Vec<usize>,
    /// Function words per language, for splitting words run together.
    glue: FastSet<(Language, String)>,
    /// Per entry, its normalised core (none for glue and empty entries).
    cores: Vec<Option<String>>,
}

impl Patterns {
    fn of(entries: &[Entry]) -> Patterns {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_entry = Vec::new();
        let mut glue = FastSet::default();
        let mut cores: Vec<Option<String>> = Vec::with_capacity(entries.len());
        for (idx, e) in entries.iter().enumerate() {
            let core = e.phrase.trim_matches('*');
            let turkish = e.lang == Language::Tr;
            let folded = normalize(core, turkish).text;
            if folded.is_empty() || e.kind == Kind::Glue {
                if !folded.is_empty() {
                    glue.insert((e.lang, folded));
                }
                cores.push(None);
                continue;
            }
            let mut variants = vec![folded.clone()];
            if turkish && folded.contains('ı') {
                // Turkish is often typed without its letters.
                variants.push(folded.replace('ı', "i"));
            }
            if matches!(e.kind, Kind::Guideline(_)) && folded.contains(' ') {
                // A phrase typed as one word ("shutup", "siktirgit").
                variants.push(folded.replace(' ', ""));
            }
            if maskable(e.kind) && e.action != Action::Allow && !folded.contains(' ') {
                let chars: Vec<char> = folded.chars().collect();
                if chars.len() >= 4 && chars.iter().all(|c| c.is_ascii_alphabetic()) {
                    for i in 1..chars.len() - 1 {
                        let mut one = chars.clone();
                        one[i] = '*';
                        variants.push(one.iter().collect());
                        if i + 1 < chars.len() - 1 {
                            one[i + 1] = '*';
                            variants.push(one.iter().collect());
                        }
                    }
                }
            }
            for v in variants {
                patterns.push(v);
                pattern_entry.push(idx);
            }
            cores.push(Some(folded));
        }
        Patterns {
            patterns,
            pattern_entry,
            glue,
            cores,
        }
    }
}

/// Whether a match of `e` can count in a comment in `lang`: its own language's entries,
/// English swearing, an `allow` (it only suppresses matches inside its own), and another
/// language's words of the same script (any script in a comment of another language) except
/// its cues ("ne" is Kurmanji "not" and Turkish "what"). What is left out is what
/// `lexical::effective_action` drops whatever the match
/// (`every_entry_left_out_of_a_languages_automaton_is_dropped_there`).
fn can_count_in(e: &Entry, lang: Language) -> bool {
    let same_script = lang == Language::Other
        || (e.lang.latin_script() && lang.latin_script())
        || (e.lang.arabic_script() && lang.arabic_script());
    e.lang == lang
        || e.action == Action::Allow
        || e.portable()
        || (same_script && e.action != Action::Cue)
}

/// A lexicon source: a language, a file name stem (category or cue kind) and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub lang: Language,
    pub kind: &'a str,
    pub text: &'a str,
}

/// The lexicons shipped with the engine: every kind's file in every language.
pub fn builtin_sources() -> Vec<Source<'static>> {
    macro_rules! files {
        ($lang:ident: $($kind:literal),* $(,)?) => {
            [$(Source {
                lang: Language::from_code(stringify!($lang)).unwrap_or(Language::Other),
                kind: $kind,
                text: include_str!(concat!(
                    "../lexicons/", stringify!($lang), "/", $kind, ".txt"
                )),
            }),*]
        };
    }
    macro_rules! language {
        ($lang:ident) => {
            files![$lang:
                "profanity", "vulgarity", "threat", "personal_attack", "identity_abuse",
                "promotion", "group", "dehumanizing", "reported", "condemn", "negation", "you",
                "person", "they", "attribute", "emotion", "positive", "exclusion", "conspiracy",
                "generalize", "harm", "harmed", "death", "intent", "wish", "call", "normative",
                "deserve", "conditional", "consequence", "glue", "allow",
            ]
        };
    }
    [
        language!(en),
        language!(ar),
        language!(fa),
        language!(ckb),
        language!(kmr),
        language!(tr),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// An error in a lexicon source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub source: String,
    pub line: usize,
    pub message: String,
}

/// Categories whose single words are often disguised with a mask (`f*ck`, `b**ch`).
fn maskable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Guideline(Category::Profanity | Category::Vulgarity | Category::PersonalAttack)
    )
}

impl Lexicon {
    /// Compiles sources (built-in and policy-supplied) into one automaton.
    pub fn build<'a>(
        sources: impl IntoIterator<Item = Source<'a>>,
        extra: &[(Language, Kind, Action, String)],
    ) -> Result<Lexicon, LexiconError> {
        let mut entries = Vec::new();
        for src in sources {
            let kind = Kind::from_file(src.kind).ok_or_else(|| LexiconError {
                source: format!("{}/{}", src.lang.code(), src.kind),
                line: 0,
                message: format!("unknown lexicon kind {:?}", src.kind),
            })?;
            for (n, raw) in src.text.lines().enumerate() {
                let line = raw.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let (action, phrase) =
                    line.split_once(char::is_whitespace)
                        .ok_or_else(|| LexiconError {
                            source: format!("{}/{}", src.lang.code(), src.kind),
                            line: n + 1,
                            message: "expected `ACTION ENTRY`".into(),
                        })?;
                let action = match action {
                    "block" => Action::Block,
                    "flag" => Action::Flag,
                    "allow" => Action::Allow,
                    "cue" => Action::Cue,
                    other => {
                        return Err(LexiconError {
                            source: format!("{}/{}", src.lang.code(), src.kind),
                            line: n + 1,
                            message: format!(
                                "unknown action {other:?} (expected block, flag, allow or cue)"
                            ),
                        });
                    }
                };
                let kind = if action == Action::Allow {
                    Kind::Allow
                } else {
                    kind
                };
                entries.push(make_entry(kind, action, src.lang, phrase.trim()));
            }
        }
        for (lang, kind, action, phrase) in extra {
            entries.push(make_entry(*kind, *action, *lang, phrase.trim()));
        }

        let Patterns {
            patterns,
            pattern_entry,
            glue,
            cores,
        } = Patterns::of(&entries);
        let taken: FastSet<String> = patterns
            .iter()
            .cloned()
            .chain(glue.iter().map(|(_, w)| w.clone()))
            .collect();
        let spelling = Spelling::build(&entries, &cores, &taken, &glue);
        let for_language = |lang| {
            Matcher::build(&patterns, &pattern_entry, &entries, |e| {
                can_count_in(e, lang)
            })
        };
        Ok(Lexicon {
            by_language: Language::KNOWN
                .into_iter()
                .map(|lang| Ok((lang, for_language(lang)?)))
                .collect::<Result<_, LexiconError>>()?,
            other: for_language(Language::Other)?,
            entries,
            spelling,
        })
    }

    pub fn entry(&self, idx: usize) -> &Entry {
        &self.entries[idx]
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }

    /// All matches on word boundaries, minus those inside an `allow` match, of the entries
    /// that can count in a comment in `lang`.
    pub fn find(&self, norm: &Normalized, lang: Language) -> Vec<Hit> {
        let matcher = self
            .by_language
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&self.other, |(_, m)| m);
        self.find_with(matcher, norm, lang)
    }

    fn find_with(&self, matcher: &Matcher, norm: &Normalized, lang: Language) -> Vec<Hit> {
        // Built on the first match that extends to its whole word.
        let mut words: Option<WordBounds> = None;
        let mut hits: Vec<Hit> = Vec::new();
        matcher.each_match(&norm.text, |p, s, t| {
            if hits.len() >= MAX_HITS {
                return ControlFlow::Break(());
            }
            let entry = p.entry;
            let bounded =
                (p.prefix_open || norm.is_word_start(s)) && (p.suffix_open || norm.is_word_end(t));
            if !bounded {
                if !p.may_join {
                    return ControlFlow::Continue(());
                }
                // Inside a longer word: it counts when that word is it run together with known
                // words ("whatthefuckisthis").
                let e = &self.entries[entry];
                let own = e.lang == lang || e.portable();
                let core = &norm.text[s..t];
                let one_word = !core.contains(' ');
                if own && one_word && core.chars().count() >= 3 {
                    let w = words.get_or_insert_with(|| WordBounds::new(&norm.text));
                    let (ws, we) = (w.start(s), w.end(t));
                    let before = &norm.text[ws..s];
                    let after = if e.suffix_open { "" } else { &norm.text[t..we] };
                    if self.spelling.joined(e.lang, core, before, after) {
                        hits.push(Hit {
                            entry,
                            start: s,
                            end: if e.suffix_open { we } else { t },
                            edit: Some(Edit::Joined),
                        });
                    }
                }
                return ControlFlow::Continue(());
            }
            let (s, t) = if p.prefix_open || p.suffix_open {
                let w = words.get_or_insert_with(|| WordBounds::new(&norm.text));
                (
                    if p.prefix_open { w.start(s) } else { s },
                    if p.suffix_open { w.end(t) } else { t },
                )
            } else {
                (s, t)
            };
            hits.push(Hit {
                entry,
                start: s,
                end: t,
                edit: None,
            });
            ControlFlow::Continue(())
        });
        self.add_misspellings(norm, lang, &mut hits);
        dedup_hits(&mut hits);
        // An allow excuses the shorter words listed inside it ("cock*" in "cocktail"), not a
        // listed word that holds it ("cockroaches", dehumanising, inside "cockroach*").
        let core = |entry: usize| self.entries[entry].phrase.trim_matches('*').chars().count();
        let allows: Vec<(usize, usize, usize)> = hits
            .iter()
            .filter(|h| self.entries[h.entry].kind == Kind::Allow)
            .map(|h| (h.start, h.end, core(h.entry)))
            .collect();
        if !allows.is_empty() {
            hits.retain(|h| {
                self.entries[h.entry].kind == Kind::Allow
                    || !allows
                        .iter()
                        .any(|&(s, e, len)| s <= h.start && h.end <= e && core(h.entry) < len)
            });
        }
        hits
    }
}

impl Lexicon {
    /// Adds a hit for each word that no listed word of the kinds that reject covers and that
    /// is a misspelling of one.
    fn add_misspellings(&self, norm: &Normalized, lang: Language, hits: &mut Vec<Hit>) {
        // Words a listed word of any kind already covers are what they are, not misspellings
        // (listed words that cannot count here are no words here).
        let covered: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| can_count_in(&self.entries[h.entry], lang))
            .map(|h| (h.start, h.end))
            .collect();
        let mut at = 0;
        for word in crate::normalize::words(&norm.text) {
            let end = at + word.len();
            let is_covered = covered.iter().any(|&(s, e)| s < end && at < e);
            if word.len() >= 3
                && hits.len() < MAX_HITS
                && !is_covered
                && let Some(f) = self.spelling.fuzzy(word, at, lang)
                && !self.spelling.is_function_word(lang, word)
            {
                hits.push(Hit {
                    entry: f.entry,
                    start: f.start,
                    end: f.end,
                    edit: Some(f.edit),
                });
            }
            at = end + 1;
        }
    }
}

/// Drops repeated hits of one entry at one start (variants of an entry, overlapping patterns)
/// and keeps at most [`MAX_HITS_PER_ENTRY`] of each entry, the first ones, in the order found.
/// A comment has a few dozen hits at most, unless it repeats itself: pairwise checks then,
/// and a sort only past that.
fn dedup_hits(hits: &mut Vec<Hit>) {
    const PAIRWISE: usize = 64;
    if hits.len() < 2 {
        return;
    }
    if hits.len() <= PAIRWISE {
        let mut kept = 0;
        for i in 0..hits.len() {
            let h = hits[i];
            let earlier = &hits[..kept];
            let repeated = earlier
                .iter()
                .any(|k| k.entry == h.entry && k.start == h.start);
            let of_entry = earlier.iter().filter(|k| k.entry == h.entry).count();
            if !repeated && of_entry < MAX_HITS_PER_ENTRY {
                hits[kept] = h;
                kept += 1;
            }
        }
        hits.truncate(kept);
        return;
    }
    let mut order: Vec<(usize, usize, usize)> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| (h.entry, h.start, i))
        .collect();
    order.sort_unstable();
    let mut keep = vec![false; hits.len()];
    let mut run = 0;
    for (n, &(entry, start, i)) in order.iter().enumerate() {
        let prev = n.checked_sub(1).map(|p| order[p]);
        if prev.is_some_and(|(e, s, _)| e == entry && s == start) {
            continue;
        }
        run = if prev.is_some_and(|(e, _, _)| e == entry) {
            run + 1
        } else {
            1
        };
        keep[i] = run <= MAX_HITS_PER_ENTRY;
    }
    let mut i = 0;
    hits.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// At most this many hits of one entry count in one comment: more add nothing to a score
/// (they saturate) and would only make the work grow with the text.
const MAX_HITS_PER_ENTRY: usize = 16;
/// At most this many hits in all.
const MAX_HITS: usize = 1024;

/// The words of a matching text, for extending a match to its whole word in logarithmic time
/// (a walk from each match would make a long word cost its length once per match).
struct WordBounds {
    /// (start, end) of each word, in order.
    words: Vec<(usize, usize)>,
}

impl WordBounds {
    fn new(text: &str) -> WordBounds {
        let mut pos = 0;
        let words = crate::normalize::words(text)
            .map(|w| {
                let span = (pos, pos + w.len());
                pos += w.len() + 1;
                span
            })
            .collect();
        WordBounds { words }
    }

    fn word_at(&self, pos: usize) -> Option<(usize, usize)> {
        let i = self.words.partition_point(|&(_, e)| e < pos);
        self.words.get(i).copied().filter(|&(s, _)| s <= pos)
    }

    /// The start of the word that byte `pos` is in (or ends at).
    fn start(&self, pos: usize) -> usize {
        self.word_at(pos).map_or(pos, |(s, _)| s)
    }

    /// The end of the word that ends at or contains byte `pos`.
    fn end(&self, pos: usize) -> usize {
        self.word_at(pos).map_or(pos, |(_, e)| e)
    }
}

pub(crate) fn make_entry(kind: Kind, action: Action, lang: Language, phrase: &str) -> Entry {
    Entry {
        kind,
        action,
        lang,
        phrase: phrase.to_owned(),
        prefix_open: phrase.starts_with('*'),
        suffix_open: phrase.len() > 1 && phrase.ends_with('*'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_names_are_kind_and_action() {
        let mut seen = std::collections::HashSet::new();
        for kind in Kind::all() {
            for action in Action::ALL {
                let name = kind.signal(action);
                assert_eq!(name, format!("lex:{}:{}", kind.name(), action.as_str()));
                assert!(seen.insert(name), "{name} twice");
            }
        }
        assert_eq!(
            Kind::Guideline(Category::Threat).signal(Action::Block),
            "lex:threat:block"
        );
    }

    fn lexicon(text: &str) -> Lexicon {
        Lexicon::build(
            [Source {
                lang: Language::En,
                kind: "profanity",
                text,
            }],
            &[],
        )
        .expect("test lexicon compiles")
    }

    fn phrases(lex: &Lexicon, text: &str) -> Vec<String> {
        lex.find(&normalize(text, false), Language::En)
            .into_iter()
            .filter(|h| lex.entry(h.entry).kind != Kind::Allow)
            .map(|h| lex.entry(h.entry).phrase.clone())
            .collect()
    }

    #[test]
    fn matches_on_word_boundaries_only() {
        let lex = lexicon("block ass\nblock shit*\n");
        assert_eq!(phrases(&lex, "what an ass"), ["ass"]);
        assert!(phrases(&lex, "the assassination attempt").is_empty());
        assert_eq!(phrases(&lex, "shitty idea"), ["shit*"]);
    }

    #[test]
    fn allow_entries_suppress_matches_inside_them() {
        let lex = lexicon("block cock*\nallow cocktail*\n");
        assert!(phrases(&lex, "cocktail parties").is_empty());
        assert_eq!(phrases(&lex, "cocky"), ["cock*"]);
    }

    #[test]
    fn an_allow_excuses_shorter_words_inside_it_not_a_listed_word_that_holds_it() {
        let lex = lexicon("block cock*\nallow cockroach*\ncue cockroaches\n");
        assert_eq!(phrases(&lex, "they are cockroaches"), ["cockroaches"]);
        assert!(phrases(&lex, "a cockroach in the kitchen").is_empty());
    }

    #[test]
    fn masked_variants_match() {
        let lex = lexicon("block fuck*\n");
        assert_eq!(phrases(&lex, "f*ck this"), ["fuck*"]);
        assert_eq!(phrases(&lex, "f**king hell"), ["fuck*"]);
    }

    #[test]
    fn reports_the_line_of_a_bad_entry() {
        let err = Lexicon::build(
            [Source {
                lang: Language::En,
                kind: "profanity",
                text: "block ok\nreject nope\n",
            }],
            &[],
        )
        .expect_err("bad action");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn builtin_lexicons_compile() {
        let lex = Lexicon::build(builtin_sources(), &[]).expect("built-in lexicons compile");
        assert!(lex.len() > 300);
    }

    proptest::proptest! {
        #[test]
        fn the_match_walk_finds_what_an_overlapping_search_finds(
            patterns in proptest::collection::vec("[ab c]{1,5}", 1..40),
            text in "[ab cd]{0,60}",
        ) {
            let entries = vec![make_entry(Kind::Allow, Action::Allow, Language::En, "x"); 1];
            let owners = vec![0; patterns.len()];
            let matcher = Matcher::build(&patterns, &owners, &entries, |_| true)
                .expect("patterns compile");
            let mut walked = Vec::new();
            matcher.each_match(&text, |_, s, t| {
                walked.push((s, t));
                ControlFlow::Continue(())
            });
            let reference = aho_corasick::AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("patterns compile");
            let searched: Vec<(usize, usize)> = reference
                .find_overlapping_iter(&text)
                .map(|m| (m.start(), m.end()))
                .collect();
            proptest::prop_assert_eq!(walked, searched);
        }
    }

    #[test]
    fn every_entry_left_out_of_a_languages_automaton_is_dropped_there() {
        let lex = Lexicon::build(builtin_sources(), &[]).expect("built-in lexicons compile");
        let mut left_out = 0;
        for lang in Language::KNOWN.into_iter().chain([Language::Other]) {
            for e in lex.entries.iter().filter(|e| !can_count_in(e, lang)) {
                left_out += 1;
                // The matches most likely to count: long, in either script, ASCII or not.
                for matched in ["abcdefghij", "ابتثجحخدذر"] {
                    assert_eq!(
                        crate::lexical::effective_action(e, lang, matched, matched),
                        None,
                        "{} entry {:?} would count in {}",
                        e.lang.code(),
                        e.phrase,
                        lang.code()
                    );
                }
            }
        }
        assert!(left_out > 1000, "only {left_out} entries left out");
    }

    /// What a comment's hits come to: those that count, with their action.
    fn counting(
        lex: &Lexicon,
        norm: &Normalized,
        text: &str,
        lang: Language,
        hits: Vec<Hit>,
    ) -> Vec<(usize, usize, usize, Action)> {
        hits.into_iter()
            .filter_map(|h| {
                let (s, t) = norm.original_span(h.start, h.end);
                let action = crate::lexical::effective_action(
                    lex.entry(h.entry),
                    lang,
                    &norm.text[h.start..h.end],
                    text.get(s..t).unwrap_or(""),
                )?;
                Some((h.entry, h.start, h.end, action))
            })
            .collect()
    }

    #[test]
    fn a_languages_automaton_finds_every_hit_that_counts_there() {
        let lex = Lexicon::build(builtin_sources(), &[]).expect("built-in lexicons compile");
        let p = Patterns::of(&lex.entries);
        let every = Matcher::build(&p.patterns, &p.pattern_entry, &lex.entries, |_| true)
            .expect("built-in lexicons compile");
        let suite = [
            include_str!("../functional/en.txt"),
            include_str!("../functional/ar.txt"),
            include_str!("../functional/ckb.txt"),
            include_str!("../functional/kmr.txt"),
            include_str!("../functional/tr.txt"),
            include_str!("../functional/fa.txt"),
        ];
        let mut compared = 0;
        for text in suite
            .iter()
            .flat_map(|f| f.lines())
            .filter_map(|l| l.splitn(4, '|').nth(3).map(str::trim))
        {
            // Each text read as every language, its own and the others.
            for lang in Language::KNOWN.into_iter().chain([Language::Other]) {
                let norm = normalize(text, lang == Language::Tr);
                let own = lex.find(&norm, lang);
                let all = lex.find_with(&every, &norm, lang);
                assert_eq!(
                    counting(&lex, &norm, text, lang, own),
                    counting(&lex, &norm, text, lang, all),
                    "{text:?} read as {}",
                    lang.code()
                );
                compared += 1;
            }
        }
        assert!(compared > 5000, "only {compared} readings compared");
    }
}
