//! Spelling robustness for the words that reject: a swear word or insult typed with two letters
//! swapped (`fcuk`, `idoit`), a vowel left out (`bastrd`, `şerefsz`), a letter doubled
//! (`fucck`), a letter changed for one that sounds alike (`moran`, `abtal`: only a flag alone),
//! or run together with the words around it (`shutupyouidiot`, `siktirgit`).
//!
//! Lookups are cheap: every variant of every eligible entry is computed once, when the lexicon
//! is built, so a word of a comment costs a few hash look-ups. Guards against the Scunthorpe
//! problem: only entries of four letters or more have variants, the first letter never
//! changes, a variant that is itself a listed word (of any kind, `allow` included) is dropped,
//! and a word run together with others counts only when what stands beside it splits into
//! known words (function words, targets, listed words): `scunthorpe`, `cockburn`,
//! `penistone` do not split that way.

use std::hash::{BuildHasher, BuildHasherDefault};

use crate::Category;
use crate::fasthash::{FastMap, FastSet, FxHasher};
use crate::lang::Language;
use crate::lexicon::{Action, Cue, Entry, Kind};

/// How a word differs from the entry it is taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Two adjacent letters swapped.
    Swap,
    /// A vowel left out.
    Drop,
    /// A letter doubled.
    Double,
    /// A letter changed for one that sounds alike: a flag, never a rejection alone.
    Sound,
    /// Run together with the words around it.
    Joined,
}

impl Edit {
    pub fn describe(self) -> &'static str {
        match self {
            Edit::Swap => "with two letters swapped",
            Edit::Drop => "with a letter left out",
            Edit::Double => "with a letter doubled",
            Edit::Sound => "with a letter changed",
            Edit::Joined => "run together with other words",
        }
    }

    /// The action a variant of an entry with `action` has.
    pub fn action(self, action: Action) -> Action {
        match self {
            Edit::Sound => Action::Flag,
            _ => action,
        }
    }
}

/// Whether an entry's words count misspelled or run together: the `block` words that reject
/// (swearing, crude words, insults, slurs).
pub fn eligible_kind(e: &Entry) -> bool {
    // A `flag` entry is often an ordinary word already ("prat", "tool"): its misspellings
    // are ordinary words even more often ("part").
    e.action == Action::Block
        && matches!(
            e.kind,
            Kind::Guideline(
                Category::Profanity
                    | Category::Vulgarity
                    | Category::PersonalAttack
                    | Category::IdentityAbuse
            )
        )
}

/// Whether an entry's misspellings count: an eligible kind, written as one word of four
/// letters or more.
pub fn eligible(e: &Entry, core: &str) -> bool {
    eligible_kind(e) && !core.contains(' ') && core.chars().count() >= 4
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ı' | 'ا' | 'و' | 'ي' | 'ى' | 'ی' | 'ە' | 'ێ' | 'ۆ'
    )
}

/// Letters readers swap for one that sounds alike.
fn sounds_alike(c: char) -> &'static [char] {
    match c {
        'a' => &['e', 'o'],
        'e' => &['a', 'i'],
        'i' => &['e', 'y', 'ı'],
        'ı' => &['i'],
        'o' => &['a', 'u'],
        'u' => &['o'],
        'p' => &['b'],
        'b' => &['p'],
        't' => &['d'],
        'd' => &['t'],
        'k' => &['g', 'q', 'c'],
        'g' => &['k'],
        'q' => &['k'],
        'c' => &['k'],
        's' => &['z'],
        'z' => &['s'],
        // Arabic script: letters that sound alike in speech and are swapped in writing.
        'ح' => &['ه'],
        'ه' => &['ح'],
        'س' => &['ص'],
        'ص' => &['س'],
        'ت' => &['ط'],
        'ط' => &['ت'],
        'ذ' => &['ز'],
        'ز' => &['ذ'],
        'ق' => &['ك'],
        'ك' => &['ق'],
        'ع' => &['ا'],
        _ => &[],
    }
}

/// Whether a word is long enough for a changed letter: five letters in Latin script, four in
/// Arabic script, whose words are shorter (short vowels are not written).
fn long_enough_for_sound(c: &[char]) -> bool {
    let arabic = c
        .first()
        .is_some_and(|&ch| ('\u{0600}'..='\u{06FF}').contains(&ch));
    c.len() >= if arabic { 4 } else { 5 }
}

/// Every variant of a word (one edit each), with the edit.
fn variants(core: &str) -> Vec<(String, Edit)> {
    let c: Vec<char> = core.chars().collect();
    let n = c.len();
    let word = |v: &[char]| v.iter().collect::<String>();
    let mut out = Vec::new();
    for i in 1..n.saturating_sub(1) {
        if c[i] != c[i + 1] {
            let mut v = c.clone();
            v.swap(i, i + 1);
            out.push((word(&v), Edit::Swap));
        }
    }
    for i in 1..n.saturating_sub(1) {
        if is_vowel(c[i]) {
            let mut v = c.clone();
            v.remove(i);
            out.push((word(&v), Edit::Drop));
        }
    }
    for i in 0..n {
        let mut v = c.clone();
        v.insert(i, c[i]);
        out.push((word(&v), Edit::Double));
    }
    // A changed letter turns a short word into another word too easily ("loser", "laser").
    for i in (1..n).filter(|_| long_enough_for_sound(&c)) {
        for &s in sounds_alike(c[i]) {
            let mut v = c.clone();
            v[i] = s;
            out.push((word(&v), Edit::Sound));
        }
    }
    out
}

/// The most bytes that may stand beside a match run together with other words: a phrase typed
/// without spaces is short, and the split costs the square of this.
const MAX_JOINED: usize = 48;

/// The longest ending (in letters) a misspelled open-ended stem takes.
const MAX_ENDING: usize = 5;

/// How an entry is open: matched as a whole word, as a word's start (`idiot*`) or as its end
/// (`*حمار`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Whole,
    Start,
    End,
}

/// The first (`Start`) or last (`End`) three chars of a word: open-ended variants are
/// grouped by them, so that a word is looked up once per end, not once per stem length.
fn edge(word: &str, anchor: Anchor) -> &str {
    if word.is_ascii() {
        let n = word.len().min(3);
        return match anchor {
            Anchor::End => &word[word.len() - n..],
            _ => &word[..n],
        };
    }
    match anchor {
        Anchor::End => {
            let from = word.char_indices().rev().nth(2).map_or(0, |(i, _)| i);
            &word[from..]
        }
        _ => {
            let to = word.char_indices().nth(3).map_or(word.len(), |(i, _)| i);
            &word[..to]
        }
    }
}

/// An open-ended misspelling: the variant, its entry and how it differs.
type OpenVariant = (String, usize, Edit);

/// The misspellings of some entries: whole-word variants by their text, open-ended ones
/// grouped by the chars at their open end's other side.
#[derive(Debug, Clone, Default)]
struct Variants {
    whole: FastMap<String, (usize, Edit)>,
    /// [`Anchor::Start`] and [`Anchor::End`]: edge → the variants there.
    open: [FastMap<String, Vec<OpenVariant>>; 3],
    /// One bit per hash of every key above (whole variants and edges): most words of a
    /// comment hit a clear bit and are known to be no misspelling without a table lookup.
    keys: KeyFilter,
}

/// A set of hashes, one bit each: a clear bit says a key is absent, a set bit that it may be
/// there (about one word in ten of a comment, at these tables' sizes, then looked up).
#[derive(Debug, Clone)]
struct KeyFilter(Box<[u64]>);

impl KeyFilter {
    /// 2^15 bits (4 KiB), for a few thousand keys.
    const BITS: u32 = 15;

    fn insert(&mut self, key: &str) {
        let (i, bit) = Self::place(hash(key));
        self.0[i] |= bit;
    }

    /// Whether the key of hash `h` may be in the set.
    fn may_hold(&self, h: u64) -> bool {
        let (i, bit) = Self::place(h);
        self.0[i] & bit != 0
    }

    fn place(h: u64) -> (usize, u64) {
        // FxHash mixes into its top bits; lossless, the shifted hash has BITS bits.
        let h = (h >> (64 - Self::BITS)) as usize;
        (h / 64, 1 << (h % 64))
    }
}

impl Default for KeyFilter {
    fn default() -> KeyFilter {
        KeyFilter(vec![0; (1 << Self::BITS) / 64].into_boxed_slice())
    }
}

fn hash(key: &str) -> u64 {
    BuildHasherDefault::<FxHasher>::default().hash_one(key)
}

/// A word of a comment with the hashes its lookups need, each computed once for the tables of
/// its language and English swearing's.
struct Probe<'a> {
    word: &'a str,
    whole: u64,
    start: u64,
    /// The last three chars' hash: only Arabic has variants anchored there, so it is taken
    /// when asked for.
    end: std::cell::OnceCell<u64>,
}

impl<'a> Probe<'a> {
    fn new(word: &'a str) -> Probe<'a> {
        Probe {
            word,
            whole: hash(word),
            start: hash(edge(word, Anchor::Start)),
            end: std::cell::OnceCell::new(),
        }
    }

    fn edge_hash(&self, anchor: Anchor) -> u64 {
        match anchor {
            Anchor::End => *self.end.get_or_init(|| hash(edge(self.word, Anchor::End))),
            Anchor::Start => self.start,
            Anchor::Whole => self.whole,
        }
    }
}

impl Variants {
    fn insert(&mut self, anchor: Anchor, variant: String, hit: (usize, Edit), insult: bool) {
        self.keys.insert(match anchor {
            Anchor::Whole => &variant,
            _ => edge(&variant, anchor),
        });
        // Where two entries share a misspelling, the insult wins: it is the one the structure
        // stage can aim at someone.
        if anchor == Anchor::Whole {
            let slot = self.whole.entry(variant).or_insert(hit);
            if insult {
                *slot = hit;
            }
            return;
        }
        let group = self.open[anchor as usize]
            .entry(edge(&variant, anchor).to_owned())
            .or_default();
        match group.iter_mut().find(|(v, _, _)| *v == variant) {
            Some(slot) if insult => (slot.1, slot.2) = hit,
            Some(_) => {}
            None => group.push((variant, hit.0, hit.1)),
        }
    }

    fn find(&self, probe: &Probe<'_>) -> Option<(usize, Edit)> {
        let word = probe.word;
        if self.keys.may_hold(probe.whole)
            && let Some(&v) = self.whole.get(word)
        {
            return Some(v);
        }
        // A misspelled stem takes an ending of a few letters (`fcuking`, `aptlsın`), and a
        // short one none: "pron" starts too many words.
        let fits = |stem: &str, rest: &str| {
            let rest = rest.chars().count();
            rest <= MAX_ENDING && (rest == 0 || stem.chars().count() >= 5)
        };
        for anchor in [Anchor::Start, Anchor::End] {
            let groups = &self.open[anchor as usize];
            if groups.is_empty() {
                continue;
            }
            if !self.keys.may_hold(probe.edge_hash(anchor)) {
                continue;
            }
            let Some(group) = groups.get(edge(word, anchor)) else {
                continue;
            };
            for (v, entry, edit) in group {
                let rest = match anchor {
                    Anchor::End => word.strip_suffix(v.as_str()),
                    _ => word.strip_prefix(v.as_str()),
                };
                if let Some(rest) = rest
                    && fits(v, rest)
                {
                    return Some((*entry, *edit));
                }
            }
        }
        None
    }
}

/// The variants of the eligible entries, and the words compounds split into.
#[derive(Debug, Clone, Default)]
pub struct Spelling {
    /// Each language's misspellings, matched in comments of that language.
    by_language: FastMap<Language, Variants>,
    /// English swearing's, matched in every comment.
    portable: Variants,
    /// Per language: the words what stands beside a run-together match must split into.
    known: FastMap<Language, FastSet<String>>,
    /// Per language: its function words.
    glue: FastMap<Language, FastSet<String>>,
}

/// A fuzzy match in the matching text.
#[derive(Debug, Clone, Copy)]
pub struct Fuzzy {
    pub entry: usize,
    pub start: usize,
    pub end: usize,
    pub edit: Edit,
}

impl Spelling {
    /// `entries` with their normalised cores (`None` for entries without patterns), `taken`
    /// every pattern of the lexicon (variants equal to one are dropped), `glue` the function
    /// words.
    pub fn build(
        entries: &[Entry],
        cores: &[Option<String>],
        taken: &FastSet<String>,
        glue: &FastSet<(Language, String)>,
    ) -> Spelling {
        let mut s = Spelling::default();
        for (lang, word) in glue {
            s.known.entry(*lang).or_default().insert(word.clone());
            s.glue.entry(*lang).or_default().insert(word.clone());
        }
        for (idx, (e, core)) in entries.iter().zip(cores).enumerate() {
            let Some(core) = core else { continue };
            let target = matches!(e.kind, Kind::Cue(Cue::You | Cue::Person | Cue::They));
            if !core.contains(' ') && (target || matches!(e.kind, Kind::Guideline(_))) {
                s.known.entry(e.lang).or_default().insert(core.clone());
            }
            if !eligible(e, core) {
                continue;
            }
            let anchor = match (e.prefix_open(), e.suffix_open()) {
                (false, false) => Anchor::Whole,
                (false, true) => Anchor::Start,
                (true, false) => Anchor::End,
                // Open at both ends: a stem inside words; its misspellings would be everywhere.
                (true, true) => continue,
            };
            let insult = e.kind == Kind::Guideline(Category::PersonalAttack);
            for (v, edit) in variants(core) {
                if taken.contains(&v) {
                    continue;
                }
                if e.portable() {
                    s.portable.insert(anchor, v.clone(), (idx, edit), insult);
                }
                s.by_language
                    .entry(e.lang)
                    .or_default()
                    .insert(anchor, v, (idx, edit), insult);
            }
        }
        s
    }

    /// The misspelled entry a word of the matching text stands for in a comment in `lang`, if
    /// any (`at` is the word's start in the matching text). Misspellings count in their own
    /// language only, and English swearing everywhere: across languages a one-letter edit is
    /// too often a real word.
    pub fn fuzzy(&self, word: &str, at: usize, lang: Language) -> Option<Fuzzy> {
        let probe = Probe::new(word);
        let (entry, edit) = self
            .by_language
            .get(&lang)
            .and_then(|v| v.find(&probe))
            .or_else(|| self.portable.find(&probe))?;
        Some(Fuzzy {
            entry,
            start: at,
            end: at + word.len(),
            edit,
        })
    }

    /// Whether `word` is one of `lang`'s function words ("the", "bir"): never a misspelling.
    pub fn is_function_word(&self, lang: Language, word: &str) -> bool {
        self.glue.get(&lang).is_some_and(|g| g.contains(word))
    }

    /// Whether `piece` splits into words known in `lang` (function words, targets, listed
    /// words), two letters or more in all.
    fn splits(&self, lang: Language, piece: &str) -> bool {
        let n = piece.len();
        let Some(known) = self.known.get(&lang) else {
            return false;
        };
        if !(2..=MAX_JOINED).contains(&n) {
            return false;
        }
        // reach[i]: piece[..i] splits.
        let mut reach = [false; MAX_JOINED + 1];
        reach[0] = true;
        for end in 1..=n {
            reach[end] = piece.is_char_boundary(end)
                && (0..end).any(|start| {
                    reach[start]
                        && piece.is_char_boundary(start)
                        && known.contains(&piece[start..end])
                });
        }
        reach[n]
    }

    /// Whether a match (`core`) inside a longer word (`fuck` in `whatthefuckisthis`) stands
    /// for the entry run together with other words: what stands before it or after it splits
    /// into known words; for a three-letter word, what stands on both sides.
    pub fn joined(&self, lang: Language, core: &str, before: &str, after: &str) -> bool {
        let splits = |piece: &str| !piece.is_empty() && self.splits(lang, piece);
        if core.chars().count() >= 4 {
            splits(before) || splits(after)
        } else {
            splits(before) && splits(after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_keep_the_first_letter_and_drop_only_vowels() {
        let v = variants("idiot");
        let has = |w: &str, e: Edit| v.iter().any(|(x, k)| x == w && *k == e);
        assert!(has("idoit", Edit::Swap));
        assert!(has("idot", Edit::Drop));
        assert!(has("iddiot", Edit::Double));
        assert!(has("ideot", Edit::Sound));
        assert!(!v.iter().any(|(x, _)| x == "diiot" || x == "iiot"));
        assert!(!variants("moron").iter().any(|(x, _)| x == "moon"));
    }
}
