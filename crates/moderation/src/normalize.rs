//! Normalisation: turns a comment into the folded *matching text* that lexicons are matched
//! against, and keeps, for every byte of it, the span of the original text it came from.
//!
//! The matching text is lowercase words separated by single spaces. Folding covers compatibility
//! forms (NFKD, so fullwidth and mathematical letters become ASCII), diacritics, Cyrillic and
//! Greek look-alikes, leetspeak, letters split by separators (`f u c k`, `s.h.i.t`), repeated
//! letters, invisible and bidi control characters, and Arabic-script variants (Persian and Sorani
//! letters, harakat, tatweel, Eastern Arabic and Persian digits). Folded text is for matching
//! only: it is never stored or shown.

use std::cell::RefCell;
use std::sync::LazyLock;

use unicode_normalization::char::decompose_compatible;

use crate::chars;
use crate::lang::{self, Language};

/// The folded matching text of a comment with its map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Words separated by single spaces, no leading or trailing space.
    pub text: String,
    /// For each byte of `text`: where in the original it came from.
    map: Vec<Origin>,
    /// Signals seen while folding, e.g. `norm:bidi_override`.
    pub signals: Vec<&'static str>,
}

/// Where one byte of the matching text came from.
#[derive(Debug, Clone, Copy)]
struct Origin {
    /// Start of the original span.
    start: u32,
    /// End of the original span.
    end: u32,
    /// A word break that is not a space (a ZWNJ in the original, or the inside of a word
    /// spelled out letter by letter) may sit before this byte.
    soft_break: bool,
}

impl Normalized {
    /// The original byte span of the matching-text range `start..end` (both on char boundaries
    /// of the original).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.text.is_empty() || start >= end || end > self.text.len() {
            return (0, 0);
        }
        (
            self.map[start].start as usize,
            self.map[end - 1].end as usize,
        )
    }

    fn soft_break(&self, pos: usize) -> bool {
        self.map.get(pos).is_some_and(|o| o.soft_break)
    }

    /// Whether a word may start at byte `pos` of the matching text.
    pub fn is_word_start(&self, pos: usize) -> bool {
        pos == 0 || self.text.as_bytes().get(pos - 1) == Some(&b' ') || self.soft_break(pos)
    }

    /// Whether a word may end at byte `pos` (exclusive) of the matching text.
    pub fn is_word_end(&self, pos: usize) -> bool {
        pos >= self.text.len() || self.text.as_bytes()[pos] == b' ' || self.soft_break(pos)
    }
}

/// The words of a matching text (split at its single spaces; none when it is empty). The
/// spaces are found by one vectorised scan: `str::split` pays a search setup per word.
pub fn words(matching: &str) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr_iter(b' ', matching.as_bytes())
        .chain((!matching.is_empty()).then_some(matching.len()));
    let mut start = 0;
    ends.map(move |end| {
        let word = matching.get(start..end).unwrap_or_default();
        start = end + 1;
        word
    })
}

/// How a folded character behaves when words are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Part of a word (letters, digits, a masking `*` inside a word).
    Word,
    /// Dropped when it sits between two letters (`fu-ck`, `don't`), a break otherwise.
    Joiner,
    /// Separates words.
    Break,
}

#[derive(Debug, Clone, Copy)]
struct Folded {
    ch: char,
    start: u32,
    end: u32,
    class: Class,
    /// A ZWNJ preceded this character.
    soft: bool,
}

/// Folds one character (already lowercased and decomposed) to its matching form.
fn fold_char(c: char, turkish: bool) -> char {
    match c {
        // Turkish dotless i stays distinct in Turkish ("sık" is not "sik"); elsewhere it is a
        // look-alike of i.
        'ı' if !turkish => 'i',
        // Cyrillic look-alikes of Latin letters (we serve no Cyrillic-script language, so
        // folding them always is safe and catches all-Cyrillic disguises too).
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' | 'є' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ї' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'м' => 'm',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'ѵ' => 'v',
        'ԝ' => 'w',
        'х' => 'x',
        'ԁ' => 'd',
        'ɡ' => 'g',
        // Greek look-alikes.
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'η' => 'n',
        'ι' => 'i',
        'κ' => 'k',
        'μ' | 'υ' => 'u',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'χ' => 'x',
        // Arabic-script variants: one form per letter across Arabic, Persian and Sorani.
        'ی' | 'ى' | 'ێ' | 'ې' | 'ۍ' => 'ي',
        'ک' | 'ڪ' => 'ك',
        'ە' | 'ھ' | 'ة' | 'ۀ' | 'ہ' => 'ه',
        'ڵ' => 'ل',
        'ڕ' => 'ر',
        'ۆ' | 'ۇ' | 'ۊ' => 'و',
        'ٱ' => 'ا',
        // Eastern Arabic and Persian digits.
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        _ => c,
    }
}

/// Folds one character (not ASCII, not invisible, not a control): compatibility
/// decomposition without combining marks, lowercase, look-alikes. `push` gets each folded char
/// and whether it is an `I` or `ı` of the decomposition, the one fold Turkish changes (to `ı`).
fn fold(c: char, turkish: bool, mut push: impl FnMut(char, bool)) {
    let mut emit = |d: char| {
        if chars::is_combining_mark(d) {
            return;
        }
        let lowered: char = if turkish && d == 'I' {
            'ı'
        } else if d.is_uppercase() {
            d.to_lowercase().next().unwrap_or(d)
        } else {
            d
        };
        push(fold_char(lowered, turkish), matches!(d, 'I' | 'ı'));
    };
    if c == 'İ' {
        // Decomposed, it would be I + dot, and I is ı in Turkish.
        emit('i');
    } else {
        // Characters with no compatibility decomposition come back unchanged.
        decompose_compatible(c, &mut emit);
    }
}

/// Below this, folds are looked up in a table (Latin, Greek, Cyrillic, Arabic).
const FOLD_TABLE_LEN: usize = 0x800;
/// Longest fold kept in the table.
const FOLD_MAX: usize = 3;

/// What the table knows of a character below `FOLD_TABLE_LEN`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TableFold {
    /// Removed without a trace (`is_invisible`).
    Invisible,
    /// Folds to the first `len` of these chars, each with its class and `is_special`.
    To([(char, Class, bool); FOLD_MAX], u8),
    /// Folds differently in Turkish, or to more than `FOLD_MAX` chars: `fold` decides.
    Compute,
}

/// Every non-ASCII character below `FOLD_TABLE_LEN`: invisible, or its `fold` and the classes
/// of what it folds to when that is the same in Turkish and elsewhere and at most `FOLD_MAX`
/// long. Decomposition and case tables (and the chains of range tests) cost more than the rest
/// of normalisation for Arabic-script and accented text.
static FOLDS: LazyLock<Vec<TableFold>> = LazyLock::new(|| {
    (0..FOLD_TABLE_LEN as u32)
        .map(|u| {
            let Some(c) = char::from_u32(u).filter(|c| !c.is_ascii()) else {
                return TableFold::Compute;
            };
            if is_invisible(c) {
                return TableFold::Invisible;
            }
            let (mut plain, mut turkish) = (Vec::new(), Vec::new());
            fold(c, false, |f, _| plain.push(f));
            fold(c, true, |f, _| turkish.push(f));
            if plain != turkish || plain.len() > FOLD_MAX {
                return TableFold::Compute;
            }
            let mut to = [('\0', Class::Break, false); FOLD_MAX];
            for (slot, &f) in to.iter_mut().zip(&plain) {
                *slot = (f, class_of(f), is_special(f));
            }
            TableFold::To(to, plain.len() as u8)
        })
        .collect()
});

/// Characters that are removed without a trace (zero-width, soft hyphen, joiners, variation
/// selectors, tatweel, BOM).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{0640}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
        | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}' | '\u{200D}' | '\u{2060}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Bidi embedding, override and isolate controls: they reorder what a reader sees.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A leetspeak stand-in for a letter, when it sits inside a Latin word.
const fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' | '€' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || ('\u{00DF}'..='\u{024F}').contains(&c)
}

fn class_of(ch: char) -> Class {
    if chars::is_alphanumeric(ch) || matches!(ch, '*' | '#') {
        Class::Word
    } else if leet(ch).is_some() || matches!(ch, '-' | '.' | '_' | '\'' | '’' | 'ʼ') {
        Class::Joiner
    } else {
        Class::Break
    }
}

/// `class_of` and `is_special` for ASCII, computed at compile time (most characters of most
/// comments).
const ASCII_INFO: [(Class, bool); 128] = {
    let mut table = [(Class::Break, false); 128];
    let mut b = 0;
    while b < table.len() {
        let c = b as u8 as char;
        let class = if c.is_ascii_alphanumeric() || matches!(c, '*' | '#') {
            Class::Word
        } else if leet(c).is_some() || matches!(c, '-' | '.' | '_' | '\'') {
            Class::Joiner
        } else {
            Class::Break
        };
        table[b] = (class, is_special(c));
        b += 1;
    }
    table
};

/// Buffers reused between calls on one thread: allocating them for every comment cost more
/// than filling them.
#[derive(Debug, Default)]
struct Scratch {
    folded: Vec<Folded>,
    /// Indices into `folded` of the leet and mask characters: the only ones `resolve_leet`
    /// may change.
    specials: Vec<u32>,
    /// The buffers of a matching text handed back by `recycle`, for the next one.
    spare: Option<(String, Vec<Origin>)>,
    /// `Detecting::dotless`, kept between calls.
    dotless: Vec<u32>,
}

/// Buffers that grew beyond this many elements (a huge article) are not kept.
const SCRATCH_KEEP: usize = 1 << 16;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Normalises `text` for matching. `turkish` keeps the dotless ı distinct and lowercases `I`
/// to `ı`. Never panics; cost is linear in the input.
pub fn normalize(text: &str, turkish: bool) -> Normalized {
    with_scratch(|scratch| normalize_with(text, turkish, scratch, &mut Unobserved))
}

/// [`normalize`] of a text whose language is not known: detects it ([`lang::detect`]) in the
/// same pass over the chars, folding as for any language, then turns the `ı` of the Turkish
/// folds back where it is Turkish. The same result as `normalize(text, detect(text) ==
/// Language::Tr)`, for one pass less.
pub fn normalize_detecting(text: &str) -> (Normalized, Language) {
    with_scratch(|scratch| {
        let mut detecting = Detecting {
            detector: lang::Detector::new(),
            dotless: std::mem::take(&mut scratch.dotless),
            language: Language::Other,
        };
        let out = normalize_with(text, false, scratch, &mut detecting);
        scratch.dotless = detecting.dotless;
        (out, detecting.language)
    })
}

/// Runs `f` with this thread's scratch buffers (fresh ones if they are in use).
fn with_scratch<T>(f: impl Fn(&mut Scratch) -> T) -> T {
    SCRATCH
        .try_with(|cell| {
            let mut scratch = cell.try_borrow_mut().ok()?;
            let out = f(&mut scratch);
            if scratch.folded.capacity() > SCRATCH_KEEP {
                *scratch = Scratch::default();
            }
            Some(out)
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| f(&mut Scratch::default()))
}

/// What else reads the chars while they are folded.
trait FoldObserver {
    /// The next char of the text.
    fn char(&mut self, c: char);
    /// The folded char at `index` is an `i` that folding for Turkish makes `ı`.
    fn dotless(&mut self, index: usize);
    /// Every char is folded; last changes before leetspeak and words.
    fn folded(&mut self, folded: &mut [Folded]);
}

/// No one: plain normalisation.
struct Unobserved;

impl FoldObserver for Unobserved {
    #[inline(always)]
    fn char(&mut self, _: char) {}
    #[inline(always)]
    fn dotless(&mut self, _: usize) {}
    #[inline(always)]
    fn folded(&mut self, _: &mut [Folded]) {}
}

/// Language detection alongside folding (`normalize_detecting`).
struct Detecting {
    detector: lang::Detector,
    /// Indices into `folded` of the `i`s that are `ı` in Turkish.
    dotless: Vec<u32>,
    /// Set once every char is read.
    language: Language,
}

impl FoldObserver for Detecting {
    #[inline(always)]
    fn char(&mut self, c: char) {
        self.detector.char(c);
    }

    #[inline(always)]
    fn dotless(&mut self, index: usize) {
        self.dotless.push(index as u32);
    }

    fn folded(&mut self, folded: &mut [Folded]) {
        let detector = std::mem::take(&mut self.detector);
        self.language = detector.finish();
        if self.language == Language::Tr {
            // `ı` and `i` are both letters of one class: nothing else of the fold changes.
            for &i in &self.dotless {
                if let Some(f) = folded.get_mut(i as usize) {
                    f.ch = 'ı';
                }
            }
        }
        self.dotless.clear();
    }
}

/// Hands the buffers of a matching text that is no longer needed to the next `normalize` on
/// this thread: the engine normalises every comment, and these are its largest allocations.
pub fn recycle(done: Normalized) {
    if done.map.capacity() > SCRATCH_KEEP {
        return;
    }
    // Nothing to do when the thread is exiting or the scratch is in use.
    let _ = SCRATCH.try_with(|cell| {
        if let Ok(mut scratch) = cell.try_borrow_mut() {
            scratch.spare = Some((done.text, done.map));
        }
    });
}

fn normalize_with(
    text: &str,
    turkish: bool,
    scratch: &mut Scratch,
    observer: &mut impl FoldObserver,
) -> Normalized {
    let mut signals = Vec::new();
    let Scratch {
        folded,
        specials,
        spare,
        ..
    } = scratch;
    folded.clear();
    specials.clear();
    folded.reserve(text.len());
    let mut saw_invisible = false;
    let table = &*FOLDS;
    let mut sink = FoldSink {
        folded,
        specials,
        pending_soft: false,
    };
    for (i, c) in text.char_indices() {
        observer.char(c);
        let start = i as u32;
        if c.is_ascii() {
            // ASCII has no compatibility decomposition, no combining marks and no look-alike
            // to fold: only case (and the Turkish capital I) changes.
            if turkish && c == 'I' {
                sink.push('ı', start, start + 1, Class::Word, false);
            } else {
                if c == 'I' {
                    observer.dotless(sink.folded.len());
                }
                let ch = c.to_ascii_lowercase();
                let (class, special) = ASCII_INFO[usize::from(ch as u8) & 0x7F];
                sink.push(ch, start, start + 1, class, special);
            }
            continue;
        }
        let end = (i + c.len_utf8()) as u32;
        match table.get(c as usize) {
            Some(TableFold::Invisible) => {
                saw_invisible = true;
                continue;
            }
            Some(TableFold::To(to, len)) => {
                for &(ch, class, special) in &to[..usize::from(*len)] {
                    sink.push(ch, start, end, class, special);
                }
                continue;
            }
            _ => {}
        }
        if c == '\u{200C}' {
            sink.pending_soft = true;
            continue;
        }
        if is_bidi_control(c) {
            if matches!(c, '\u{202D}' | '\u{202E}') {
                push_signal(&mut signals, "norm:bidi_override");
            } else {
                push_signal(&mut signals, "norm:bidi_control");
            }
            continue;
        }
        if is_invisible(c) {
            saw_invisible = true;
            continue;
        }
        fold(c, turkish, |ch: char, dotless: bool| {
            if dotless && !turkish {
                observer.dotless(sink.folded.len());
            }
            sink.push(ch, start, end, class_of(ch), is_special(ch));
        });
    }
    if saw_invisible {
        push_signal(&mut signals, "norm:invisible");
    }
    observer.folded(folded);
    resolve_leet(folded, specials);
    let (mut out_text, mut map) = spare.take().unwrap_or_default();
    out_text.clear();
    map.clear();
    out_text.reserve(text.len());
    map.reserve(text.len());
    let mut out = build_words(folded, out_text, map);
    out.signals = signals;
    out
}

/// Where folded characters go.
struct FoldSink<'s> {
    folded: &'s mut Vec<Folded>,
    specials: &'s mut Vec<u32>,
    /// A ZWNJ came since the last folded character.
    pending_soft: bool,
}

impl FoldSink<'_> {
    #[inline(always)]
    fn push(&mut self, ch: char, start: u32, end: u32, class: Class, special: bool) {
        if special {
            self.specials.push(self.folded.len() as u32);
        }
        self.folded.push(Folded {
            ch,
            start,
            end,
            class,
            soft: std::mem::take(&mut self.pending_soft),
        });
    }
}

fn push_signal(signals: &mut Vec<&'static str>, s: &'static str) {
    if !signals.contains(&s) {
        signals.push(s);
    }
}

/// Whether `resolve_leet` looks at a folded character: a mask or a leet stand-in.
const fn is_special(c: char) -> bool {
    matches!(c, '*' | '#') || leet(c).is_some()
}

/// Turns leet characters inside Latin words into the letters they stand for, and marks the
/// masking characters `*`/`#` as word characters only inside words. `specials` are the
/// indices of the characters `is_special` picks, in order.
fn resolve_leet(folded: &mut [Folded], specials: &[u32]) {
    for &i in specials {
        let i = i as usize;
        let c = folded[i].ch;
        let prev_letter = i > 0 && is_latin_letter(folded[i - 1].ch);
        let next_letter = folded.get(i + 1).is_some_and(|f| is_latin_letter(f.ch));
        if matches!(c, '*' | '#') {
            // A mask inside a word (`f*ck`, `sh#t`, `ك*لب`) is part of it; elsewhere it is
            // punctuation.
            let letter = |f: Option<&Folded>| f.is_some_and(|f| chars::is_alphabetic(f.ch));
            let (prev_letter, next_letter) = (
                i > 0 && letter(folded.get(i - 1)),
                letter(folded.get(i + 1)),
            );
            folded[i].ch = '*';
            folded[i].class = if prev_letter || next_letter {
                Class::Word
            } else {
                Class::Break
            };
            continue;
        }
        let Some(letter) = leet(c) else { continue };
        let is_digit = c.is_ascii_digit();
        let applies = match c {
            // `!` and `@` end sentences and start mentions: only inside a word.
            '!' | '@' | '|' => prev_letter && next_letter,
            _ if is_digit => {
                // A digit between letters, or at a word edge next to one (`sh1t`, `1diot`), or
                // a run of two or three leet digits between letters (`id10t`), but not in
                // numbers such as `S-300`, `covid19` or `2231`.
                let digit = |j: usize| folded.get(j).is_some_and(|f| f.ch.is_ascii_digit());
                let (mut a, mut b) = (i, i);
                while a > 0 && digit(a - 1) {
                    a -= 1;
                }
                while digit(b + 1) {
                    b += 1;
                }
                let letter_at = |j: Option<usize>| {
                    j.and_then(|j| folded.get(j))
                        .is_some_and(|f| is_latin_letter(f.ch))
                };
                let (before, after) = (letter_at(a.checked_sub(1)), letter_at(Some(b + 1)));
                if a == b {
                    before || after
                } else {
                    b - a < 3 && before && after && (a..=b).all(|j| leet(folded[j].ch).is_some())
                }
            }
            _ => prev_letter || next_letter,
        };
        if applies {
            folded[i].ch = letter;
            folded[i].class = Class::Word;
        }
    }
}

/// Letters spelled out one by one (`f u c k`, `s.h.i.t`) seen so far: one-letter tokens, each
/// exactly one separator character after the one before. Three or more become one word.
#[derive(Debug, Default)]
struct Spelled {
    /// Index into `folded` of the first and the last letter.
    first: usize,
    last: usize,
    /// How many letters; 0 when there is no run.
    len: usize,
}

/// The matching text being written, one word at a time.
struct Writer {
    out: Normalized,
    /// Letters of the current word so far.
    pos: usize,
    /// Whether the current word is spelled out (its letters are soft breaks).
    spelled: bool,
    /// The run of identical letters the current word ends with: the letter, its length, and
    /// where its first letter sits in `out.text`.
    run_ch: char,
    run_len: usize,
    run_at: usize,
}

impl Writer {
    /// Starts a word at original byte `start`: after a space unless it is the first.
    fn begin_word(&mut self, start: u32, spelled: bool) {
        if !self.out.text.is_empty() {
            let gap_start = self.out.map.last().map_or(start, |o| o.end);
            push(&mut self.out, ' ', gap_start, start, false);
        }
        self.pos = 0;
        self.spelled = spelled;
        self.run_len = 0;
    }

    /// Adds a letter to the current word. A run of three or more identical letters becomes
    /// its first letter, spanning the whole run of the original.
    #[inline(always)]
    fn letter(&mut self, f: &Folded) {
        if self.run_len > 0 && f.ch == self.run_ch {
            self.run_len += 1;
            if self.run_len >= 3 && chars::is_alphabetic(f.ch) {
                let width = f.ch.len_utf8();
                if self.run_len == 3 {
                    // Take back the second letter of the run.
                    let keep = self.out.text.len() - width;
                    self.out.text.truncate(keep);
                    self.out.map.truncate(keep);
                }
                for o in &mut self.out.map[self.run_at..self.run_at + width] {
                    o.end = f.end;
                }
                self.pos += 1;
                return;
            }
        } else {
            self.run_ch = f.ch;
            self.run_len = 1;
            self.run_at = self.out.text.len();
        }
        let soft = (f.soft || self.spelled) && self.pos > 0;
        push(&mut self.out, f.ch, f.start, f.end, soft);
        self.pos += 1;
    }

    /// Emits the pending one-letter tokens: as one word when there are three or more.
    fn flush_spelled(&mut self, folded: &[Folded], spelled: &mut Spelled) {
        match spelled.len {
            0 => {}
            1 | 2 => {
                for i in [spelled.first, spelled.last].iter().take(spelled.len) {
                    let f = &folded[*i];
                    self.begin_word(f.start, false);
                    self.letter(f);
                }
            }
            _ => {
                self.begin_word(folded[spelled.first].start, true);
                for f in &folded[spelled.first..=spelled.last] {
                    if f.class == Class::Word {
                        self.letter(f);
                    }
                }
            }
        }
        spelled.len = 0;
    }
}

/// A token being read: runs of word characters, with joiners dropped between two letters.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// Index into `folded` of its first character.
    first: usize,
    /// Whether that first character is still held back: a token of one letter may belong to a
    /// spelled-out word, so it is written only once a second character shows it does not.
    held: bool,
}

/// Builds the matching text from the folded characters, into `text` and `map` (empty), in one
/// pass: tokens are written as they are read, except one-letter tokens, which wait for the
/// spelled-out run they may join.
fn build_words(folded: &[Folded], text: String, map: Vec<Origin>) -> Normalized {
    let mut w = Writer {
        out: Normalized {
            text,
            map,
            signals: Vec::new(),
        },
        pos: 0,
        spelled: false,
        run_ch: '\0',
        run_len: 0,
        run_at: 0,
    };
    let mut spelled = Spelled::default();
    let mut token: Option<Token> = None;
    for (i, f) in folded.iter().enumerate() {
        match f.class {
            Class::Word => match &mut token {
                None => {
                    token = Some(Token {
                        first: i,
                        held: true,
                    })
                }
                Some(t) => {
                    if t.held {
                        // A second character: not a one-letter token.
                        t.held = false;
                        w.flush_spelled(folded, &mut spelled);
                        let first = &folded[t.first];
                        w.begin_word(first.start, false);
                        w.letter(first);
                    }
                    w.letter(f);
                }
            },
            Class::Joiner
                if token.is_some()
                    && folded
                        .get(i + 1)
                        .is_some_and(|n| n.class == Class::Word && chars::is_alphabetic(n.ch))
                    && chars::is_alphabetic(folded[i - 1].ch) => {}
            _ => {
                if let Some(t) = token.take() {
                    end_token(&mut w, folded, &mut spelled, t);
                }
            }
        }
    }
    if let Some(t) = token.take() {
        end_token(&mut w, folded, &mut spelled, t);
    }
    w.flush_spelled(folded, &mut spelled);
    w.out
}

/// Ends a token: one that is still held has one character, which joins the spelled-out run
/// (or starts one) when it is a letter and is written as a word otherwise.
fn end_token(w: &mut Writer, folded: &[Folded], spelled: &mut Spelled, t: Token) {
    if !t.held {
        return;
    }
    let f = &folded[t.first];
    if chars::is_alphabetic(f.ch) {
        if spelled.len > 0 && single_separator(folded, spelled.last, t.first) {
            spelled.last = t.first;
            spelled.len += 1;
            return;
        }
        w.flush_spelled(folded, spelled);
        *spelled = Spelled {
            first: t.first,
            last: t.first,
            len: 1,
        };
        return;
    }
    w.flush_spelled(folded, spelled);
    w.begin_word(f.start, false);
    w.letter(f);
}

/// Whether exactly one non-word character separates folded chars `a` and `b`.
fn single_separator(folded: &[Folded], a: usize, b: usize) -> bool {
    b == a + 2 && folded[a + 1].class != Class::Word && !chars::is_alphanumeric(folded[a + 1].ch)
}

#[inline(always)]
fn push(out: &mut Normalized, ch: char, start: u32, end: u32, soft: bool) {
    out.text.push(ch);
    out.map.push(Origin {
        start,
        end,
        soft_break: soft,
    });
    for _ in 1..ch.len_utf8() {
        out.map.push(Origin {
            start,
            end,
            soft_break: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn norm(s: &str) -> String {
        normalize(s, false).text
    }

    /// `normalize_detecting` against detecting first, then normalising.
    fn detecting_is_detect_then_normalize(text: &str) -> Result<(), TestCaseError> {
        let (fused, language) = normalize_detecting(text);
        let detected = lang::detect(text);
        prop_assert_eq!(language, detected, "{:?}", text);
        let plain = normalize(text, detected == Language::Tr);
        prop_assert_eq!(format!("{fused:?}"), format!("{plain:?}"), "{:?}", text);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn detecting_while_folding_turkish_mixes(
            words in proptest::collection::vec(
                "(bir|ve|bu|çok|değil|the|and|و|I|ı|İ|Ì|Ｉ|𝐈|SIK|Iİ|[a-zIıİ*0-9]{1,6}|[ \\-.!])",
                0..16,
            )
        ) {
            detecting_is_detect_then_normalize(&words.concat())?;
        }

        #[test]
        fn detecting_while_folding_any_text(text in "\\PC{0,60}") {
            detecting_is_detect_then_normalize(&text)?;
        }
    }

    #[test]
    fn detecting_while_folding_keeps_turkish_dotless_i() {
        let (n, language) = normalize_detecting("bu çok SIK bir şey değil");
        assert_eq!(language, Language::Tr);
        assert_eq!(n.text, "bu cok sık bir sey degil");
        let (n, language) = normalize_detecting("I THINK SO");
        assert_eq!(language, Language::En);
        assert_eq!(n.text, "i think so");
    }

    #[test]
    fn tables_agree_with_the_functions_they_cache() {
        for b in 0..128u8 {
            let c = char::from(b);
            assert_eq!(
                ASCII_INFO[usize::from(b)],
                (class_of(c), is_special(c)),
                "{b}"
            );
        }
        for c in (0..FOLD_TABLE_LEN as u32).filter_map(char::from_u32) {
            let (mut plain, mut turkish) = (Vec::new(), Vec::new());
            fold(c, false, |f, _| plain.push(f));
            fold(c, true, |f, _| turkish.push(f));
            match FOLDS[c as usize] {
                TableFold::Invisible => assert!(is_invisible(c), "{c:?}"),
                TableFold::To(to, len) => {
                    assert!(!c.is_ascii() && !is_invisible(c), "{c:?}");
                    let to = &to[..usize::from(len)];
                    assert!(
                        to.iter()
                            .all(|&(f, class, special)| (class, special)
                                == (class_of(f), is_special(f))),
                        "{c:?}"
                    );
                    let chars: Vec<char> = to.iter().map(|&(f, _, _)| f).collect();
                    assert_eq!(chars, plain, "{c:?}");
                    assert_eq!(chars, turkish, "{c:?}");
                }
                TableFold::Compute => assert!(
                    c.is_ascii() || plain != turkish || plain.len() > FOLD_MAX,
                    "{c:?}"
                ),
            }
        }
    }

    #[test]
    fn splits_matching_text_into_words() {
        assert_eq!(words("ab cd é").collect::<Vec<_>>(), ["ab", "cd", "é"]);
        assert_eq!(words("one").collect::<Vec<_>>(), ["one"]);
        assert_eq!(words("").count(), 0);
    }

    #[test]
    fn folds_case_fullwidth_and_math_letters() {
        assert_eq!(norm("ＦＵＣＫ"), "fuck");
        assert_eq!(norm("𝐟𝐮𝐜𝐤 off"), "fuck off");
    }

    #[test]
    fn folds_cyrillic_and_greek_lookalikes() {
        assert_eq!(norm("іdіot"), "idiot");
        assert_eq!(norm("ѕсаm"), "scam");
        assert_eq!(norm("ιdιοt"), "idiot");
    }

    #[test]
    fn resolves_leetspeak_inside_words_only() {
        assert_eq!(norm("sh1t"), "shit");
        assert_eq!(norm("bullsh!t"), "bullshit");
        assert_eq!(norm("a$$holes"), "assholes");
        assert_eq!(norm("Earn $500 now!!!"), "earn 500 now");
        assert_eq!(norm("resolution 2231"), "resolution 2231");
    }

    #[test]
    fn joins_spelled_out_letters() {
        assert_eq!(norm("f u c k  r u s s i a"), "fuck russia");
        assert_eq!(norm("s.h.i.t"), "shit");
        assert_eq!(norm("fu-ck"), "fuck");
        assert_eq!(norm("f*ck"), "f*ck");
        assert_eq!(norm("f\u{200B}u\u{200B}c\u{200B}k"), "fuck");
    }

    #[test]
    fn spelled_out_runs_end_at_a_longer_token_or_a_wider_gap() {
        assert_eq!(norm("a b c dd e f"), "abc dd e f");
        assert_eq!(norm("x y"), "x y");
        assert_eq!(norm("u r a n idiot"), "uran idiot");
        assert_eq!(norm("f u u u c k"), "fuck");
        assert_eq!(norm("b.b.b.b"), "b");
        assert_eq!(norm("NOOOO!!! 1 2 3"), "no 1 2 3");
    }

    #[test]
    fn a_collapsed_run_maps_to_all_of_it() {
        let text = "so fuuuuuck it";
        let n = normalize(text, false);
        assert_eq!(n.text, "so fuck it");
        let (s, e) = n.original_span(3, 7);
        assert_eq!(&text[s..e], "fuuuuuck");
        assert_eq!(norm("wh00000t"), "wh00000t");
    }

    #[test]
    fn collapses_repeated_letters() {
        assert_eq!(norm("fuuuuck"), "fuck");
        assert_eq!(norm("NOOOO!!"), "no");
        assert_eq!(norm("ass"), "ass");
    }

    #[test]
    fn turkish_dotless_i_is_kept_in_turkish_only() {
        assert_eq!(normalize("SIK sık", true).text, "sık sık");
        assert_eq!(normalize("İstanbul", true).text, "istanbul");
        assert_eq!(norm("ıdıot"), "idiot");
    }

    #[test]
    fn folds_arabic_script_variants_and_digits() {
        // Harakat and tatweel go, alef with hamza becomes alef, Persian yeh/kaf fold.
        assert_eq!(norm("أَحْمَـــق"), "احمق");
        assert_eq!(norm("یک"), "يك");
        assert_eq!(norm("٠٧٥٠ ۱۲۳"), "0750 123");
        assert_eq!(norm("گەمژە"), "گهمژه");
    }

    #[test]
    fn zwnj_is_a_soft_word_break() {
        let n = normalize("عرب‌ها", false);
        assert_eq!(n.text, "عربها");
        assert!(n.is_word_end("عرب".len()));
    }

    #[test]
    fn reports_bidi_overrides() {
        let n = normalize("visit \u{202E}moc.elpmaxe\u{202C}", false);
        assert!(n.signals.contains(&"norm:bidi_override"));
    }

    #[test]
    fn maps_back_to_original_spans() {
        let text = "What a load of sh1t!";
        let n = normalize(text, false);
        let at = n.text.find("shit").unwrap_or(0);
        let (s, e) = n.original_span(at, at + 4);
        assert_eq!(&text[s..e], "sh1t");
        let text = "f u c k this";
        let n = normalize(text, false);
        let (s, e) = n.original_span(0, 4);
        assert_eq!(&text[s..e], "f u c k");
    }
}
