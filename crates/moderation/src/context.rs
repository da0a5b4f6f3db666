//! Context: quoted passages and sentence breaks of the original text, and whether a match sits
//! in protected context (quoted, or after a reported-speech cue in its sentence).

use crate::chars;

/// Where quotes and sentences are in a comment's original text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Context {
    /// Byte spans of quoted passages, quotation marks included.
    pub quotes: Vec<(usize, usize)>,
    /// Byte offsets where sentences end.
    pub breaks: Vec<usize>,
    /// Per break, whether it is a question mark (`?`, `؟`).
    questions: Vec<bool>,
}

impl Context {
    pub fn of(text: &str) -> Context {
        let breaks = sentence_breaks(text);
        let questions = breaks
            .iter()
            .map(|&b| {
                text.get(b..)
                    .is_some_and(|rest| rest.starts_with(['?', '؟']))
            })
            .collect();
        Context {
            quotes: quoted_spans(text),
            breaks,
            questions,
        }
    }

    /// Whether sentence `index` ends with a question mark.
    pub fn question(&self, index: usize) -> bool {
        self.questions.get(index).copied().unwrap_or(false)
    }

    /// The index of the sentence byte `pos` of the original is in.
    pub fn sentence(&self, pos: usize) -> usize {
        self.breaks.partition_point(|&b| b < pos)
    }

    /// Whether `start..end` lies inside quotation marks.
    pub fn quoted(&self, start: usize, end: usize) -> bool {
        self.quotes.iter().any(|&(qs, qe)| qs < start && end <= qe)
    }

    /// Why the match at `start..end` is protected, if it is: quoted, or after one of the
    /// reported-speech cues `reported` (original spans) in its sentence.
    pub fn protection(
        &self,
        start: usize,
        end: usize,
        reported: &[(usize, usize)],
    ) -> Option<&'static str> {
        if self.quoted(start, end) {
            return Some("inside quotation marks");
        }
        let sentence = self.sentence(start);
        reported
            .iter()
            .any(|&(rs, re)| re <= start && self.sentence(rs) == sentence)
            .then_some("in reported speech")
    }
}

/// Byte spans of quoted passages in the original text.
pub(crate) fn quoted_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    // Every quotation mark below starts with one of these bytes: only there is a char decoded,
    // with its neighbours (most comments have none, or an apostrophe or two).
    const MARKS: [u8; 5] = [b'"', b'\'', 0xC2, 0xE2, 0xE3];
    let mut open: Option<(usize, char)> = None;
    let is_alnum = |c: Option<char>| c.is_some_and(chars::is_alphanumeric);
    for i in positions(text.as_bytes(), &MARKS) {
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            continue;
        };
        let prev_alnum = || is_alnum(text[..i].chars().next_back());
        let next_alnum = || is_alnum(text[i + c.len_utf8()..].chars().next());
        match open {
            None => {
                let opens = match c {
                    '"' | '“' | '«' | '„' | '「' | '‹' => true,
                    '\'' | '‘' => !prev_alnum() && next_alnum(),
                    _ => false,
                };
                if opens {
                    open = Some((i, c));
                }
            }
            Some((start, o)) => {
                let closes = match (o, c) {
                    ('"', '"')
                    | ('“', '”')
                    | ('“', '"')
                    | ('«', '»')
                    | ('„', '“')
                    | ('「', '」')
                    | ('‹', '›') => true,
                    ('\'', '\'') | ('‘', '’') | ('\'', '’') => prev_alnum() && !next_alnum(),
                    _ => false,
                };
                if closes {
                    spans.push((start, i + c.len_utf8()));
                    open = None;
                }
            }
        }
    }
    spans
}

/// Byte offsets where sentences end (after `.`, `!`, `?`, `؟`, `;`, `؛`, `۔`, newline): found
/// by their bytes (`؟` and `؛` are D8 9F and D8 9B, `۔` is DB 94). A dot with a letter right
/// on both sides ends nothing: `U.S.`, `s.h.i.t`, `ك.س`, `site.com`.
fn sentence_breaks(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let letter_before = |i: usize| {
        text[..i]
            .chars()
            .next_back()
            .is_some_and(chars::is_alphanumeric)
    };
    let letter_after = |i: usize| {
        text[i + 1..]
            .chars()
            .next()
            .is_some_and(chars::is_alphanumeric)
    };
    // A break's last byte: an ASCII mark, or the second byte of an Arabic one.
    const ENDS: [u8; 8] = [b'.', b'!', b'?', b';', b'\n', 0x9F, 0x9B, 0x94];
    let lead_is = |i: usize, lead: u8| i > 0 && bytes[i - 1] == lead;
    positions(bytes, &ENDS)
        .into_iter()
        .filter_map(|i| match bytes[i] {
            b'.' if letter_before(i) && letter_after(i) => None,
            b'.' | b'!' | b'?' | b';' | b'\n' => Some(i),
            0x9F | 0x9B if lead_is(i, 0xD8) => Some(i - 1),
            0x94 if lead_is(i, 0xDB) => Some(i - 1),
            _ => None,
        })
        .collect()
}

/// The positions of the bytes of `set` in `bytes`, in order: found three bytes of the set at a
/// time by memchr's vectorised search (a byte-by-byte scan took a twentieth of a comment's
/// time), then sorted together.
fn positions(bytes: &[u8], set: &[u8]) -> Vec<usize> {
    let mut found = Vec::new();
    for three in set.chunks(3) {
        match *three {
            [a, b, c] => found.extend(memchr::memchr3_iter(a, b, c, bytes)),
            [a, b] => found.extend(memchr::memchr2_iter(a, b, bytes)),
            [a] => found.extend(memchr::memchr_iter(a, bytes)),
            _ => {}
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_quoted_spans() {
        let t = "calling them 'vermin' is wrong, and \"pests\" too; Shoigu's visit";
        let spans: Vec<&str> = quoted_spans(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(spans, ["'vermin'", "\"pests\""]);
    }

    #[test]
    fn questions_are_the_sentences_that_end_with_a_question_mark() {
        let t = "Isn't it obvious? They left. Hatta değil mi؟ and more";
        let c = Context::of(t);
        let asked: Vec<bool> = (0..4).map(|k| c.question(k)).collect();
        assert_eq!(asked, [true, false, true, false]);
    }

    #[test]
    fn sentences_end_at_latin_and_arabic_marks() {
        let t = "One. Two؟ Three؛ four s.h.i.t";
        let c = Context::of(t);
        assert_eq!(c.sentence(0), 0);
        assert_eq!(c.sentence(t.find("Two").unwrap_or(0)), 1);
        assert_eq!(c.sentence(t.find("Three").unwrap_or(0)), 2);
        assert_eq!(c.sentence(t.find("four").unwrap_or(0)), 3);
        assert_eq!(c.breaks.len(), 3, "a dot between letters ends no sentence");
    }

    /// The breaks found one byte at a time, as the vectorised search must find them.
    fn breaks_byte_by_byte(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let alnum_before = |i: usize| {
            text[..i]
                .chars()
                .next_back()
                .is_some_and(chars::is_alphanumeric)
        };
        let alnum_after = |i: usize| {
            text[i + 1..]
                .chars()
                .next()
                .is_some_and(chars::is_alphanumeric)
        };
        (0..bytes.len())
            .filter(|&i| match bytes[i] {
                b'.' => !(alnum_before(i) && alnum_after(i)),
                b'!' | b'?' | b';' | b'\n' => true,
                0xD8 => matches!(bytes.get(i + 1), Some(0x9F | 0x9B)),
                0xDB => bytes.get(i + 1) == Some(&0x94),
                _ => false,
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn the_vectorised_search_finds_the_breaks_of_a_byte_by_byte_scan(
            text in "[a.!?;\n؟؛۔ٟڛ ب.]{0,80}",
        ) {
            proptest::prop_assert_eq!(sentence_breaks(&text), breaks_byte_by_byte(&text));
        }
    }
}
