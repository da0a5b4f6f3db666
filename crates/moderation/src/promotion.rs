//! Promotion signals found by pattern rather than by word list: links and domains (also
//! spelled out, `example dot com`, or reversed by a bidi override), e-mail addresses, phone
//! numbers in any digits, messaging handles and money amounts.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use memchr::memmem::Finder;
use regex::Regex;

use crate::chars;
use crate::fasthash::{FastSet, word_set};
use crate::normalize::{Normalized, words};

/// One promotion signal: a stable name, a weight and a span of the original text.
#[derive(Debug, Clone)]
pub struct PromoSignal {
    pub name: &'static str,
    pub weight: f32,
    pub start: usize,
    pub end: usize,
    pub reason: String,
}

/// The compiled patterns (built once per policy).
#[derive(Debug, Clone)]
pub struct PromoPatterns {
    url: Regex,
    domain: Regex,
    email: Regex,
    phone: Regex,
    money: Regex,
    handle: Regex,
    spelled_domain: Regex,
    /// The strings `url` cannot match without (in any case: none of them has a non-ASCII case
    /// variant).
    url_words: AhoCorasick,
    /// Finders of `SPELLED_DOTS`.
    spelled_dots: Vec<Finder<'static>>,
}

const TLDS: &str = "com|net|org|info|biz|io|me|co|ly|gl|tv|xyz|online|site|shop|store|app|link|click|top|live|ru|ir|iq|tr|uk|de|fr|us|ca|eu|in|cc|ws|su|example";

impl Default for PromoPatterns {
    fn default() -> Self {
        // The patterns are constants; a failure here is a bug caught by every test.
        let re = |p: &str| Regex::new(p).expect("built-in promotion pattern compiles");
        PromoPatterns {
            url: re(
                r"(?i)(?-u:\b)(?:https?://|www\.)[^\s<>()\[\]{}]+|(?-u:\b)t\.me/[A-Za-z0-9_+/-]+",
            ),
            domain: re(&format!(
                r"(?i)(?-u:\b)(?:[a-z0-9][a-z0-9-]*\.)+(?:{TLDS})(?-u:\b)(?:/[^\s]*)?"
            )),
            email: re(r"(?i)(?-u:\b)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?-u:\b)"),
            phone: re(r"\+?\d[\d \-.()]{6,24}\d"),
            money: re(
                r"(?i)(?:[$€£¥₺]\s?\d[\d,.]*\s?[km]?(?-u:\b)|(?-u:\b)\d[\d,.]*\s?(?:\$|€|£|usd|eur|dollars?|euros?|dinars?|lira|tl|toman|tomans)(?-u:\b)|\d[\d,.]*\s?(?:دولار|دينار|تومان|دۆلار|لیره))",
            ),
            handle: re(r"(?:^|[\s(])@[A-Za-z0-9_.]{3,30}"),
            spelled_domain: re(&format!(
                r"[a-z0-9-]{{2,}} (?:dot|nokta|نقطه|خال) (?:{TLDS})(?-u:\b)"
            )),
            url_words: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(["://", "www.", "t.me/"])
                .expect("built-in link prefixes compile"),
            spelled_dots: SPELLED_DOTS
                .iter()
                .map(|d| Finder::new(d.as_bytes()))
                .collect(),
        }
    }
}

/// The words for "dot" in a spelled-out address (`example dot com`), between the spaces that
/// `spelled_domain` needs around them: the prefilter for that pattern. (`d0t` needs none:
/// normalisation folds it to `dot`.)
const SPELLED_DOTS: [&str; 4] = [" dot ", " nokta ", " نقطه ", " خال "];

/// The numeric chars of `text` (`char::is_numeric`: ASCII, Eastern Arabic and Persian digits and
/// the rest), counted over bytes so that the loops vectorise: two-byte numerics by their byte
/// pair, only chars of three bytes or more decoded.
fn count_digits(text: &str) -> usize {
    let bytes = text.as_bytes();
    let ascii = count_bytes(bytes, |b| b.is_ascii_digit());
    if text.is_ascii() {
        return ascii;
    }
    let two_byte = count_pairs(bytes, two_byte_numeric);
    // Arabic-script text has no char of three bytes or more, most other text only emoji.
    let highest = bytes.iter().fold(0, |m, &b| m.max(b));
    let longer = if highest >= 0xE0 {
        bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| {
                b >= 0xE0
                    && !is_emoji(&bytes[i..])
                    && text
                        .get(i..)
                        .and_then(|rest| rest.chars().next())
                        .is_some_and(chars::is_numeric)
            })
            .count()
    } else {
        0
    };
    ascii + two_byte + longer
}

/// Whether `bytes` start with a char of U+1F300..=U+1FAFF (pictographs and emoji, of which
/// comments have many and none is numeric): `char::is_numeric` searches a table for each.
fn is_emoji(bytes: &[u8]) -> bool {
    matches!(bytes, [0xF0, 0x9F, 0x8C..=0xAB, ..])
}

/// How many bytes satisfy `pred`: counted in byte-wide lanes, a chunk at a time, so that the
/// loop vectorises.
fn count_bytes(bytes: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(usize::from(u8::MAX))
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(pred(b)))))
        .sum()
}

/// How many pairs of neighbouring bytes satisfy `pred`, counted like `count_bytes`.
fn count_pairs(bytes: &[u8], pred: impl Fn(u8, u8) -> bool) -> usize {
    let pairs = bytes.len().saturating_sub(1);
    (0..pairs)
        .step_by(usize::from(u8::MAX))
        .map(|start| {
            let end = (start + usize::from(u8::MAX)).min(pairs);
            let (firsts, seconds) = (&bytes[start..end], &bytes[start + 1..=end]);
            let n = firsts
                .iter()
                .zip(seconds)
                .fold(0u8, |n, (&a, &b)| n + u8::from(pred(a, b)));
            usize::from(n)
        })
        .sum()
}

/// Whether a lead byte and the next byte encode a numeric char of two bytes (U+0080..U+07FF):
/// superscripts and fractions, Eastern Arabic, Persian and NKo digits. Without branches, so
/// that the count over a text vectorises.
fn two_byte_numeric(lead: u8, next: u8) -> bool {
    (lead == 0xC2)
        & ((next == 0xB2) | (next == 0xB3) | (next == 0xB9) | (next.wrapping_sub(0xBC) <= 2))
        | (lead == 0xD9) & (next.wrapping_sub(0xA0) < 10)
        | (lead == 0xDB) & (next.wrapping_sub(0xB0) < 10)
        | (lead == 0xDF) & (next.wrapping_sub(0x80) < 10)
}

/// Whether a `.` is followed by a letter (or any non-ASCII character, which `(?i)` might match
/// as one): `domain` cannot match without one, as every TLD starts with a letter.
fn may_hold_domain(text: &str) -> bool {
    text.split('.')
        .skip(1)
        .any(|after| after.starts_with(|c: char| c.is_ascii_alphabetic() || !c.is_ascii()))
}

/// The host part of a URL or domain match, lowercased, without `www.`.
fn host_of(link: &str) -> String {
    let rest = link
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(link)
        .trim_start_matches("www.")
        .trim_start_matches("WWW.");
    rest.split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Whether `host` is one of the citation domains or under one (`www.un.org` under `un.org`), or
/// a government, intergovernmental or academic domain.
pub fn is_citation(host: &str, citations: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    if labels
        .iter()
        .rev()
        .take(2)
        .any(|l| matches!(*l, "gov" | "int" | "edu" | "mil"))
    {
        return true;
    }
    citations.iter().any(|c| {
        host == *c
            || host
                .strip_suffix(c.as_str())
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

/// Words that make a handle an invitation.
const MESSENGERS: &[&str] = &[
    "instagram",
    "insta",
    "telegram",
    "whatsapp",
    "snapchat",
    "tiktok",
    "follow",
    "dm",
    "ig",
    "تلگرام",
    "اینستاگرام",
    "انستغرام",
    "تلغرام",
    "واتساب",
    "واتساپ",
];

static MESSENGER_SET: LazyLock<FastSet<&'static str>> = LazyLock::new(|| word_set(MESSENGERS));

impl PromoPatterns {
    /// Finds the promotion signals in `text` (the original) and `norm` (its matching text).
    pub fn scan(&self, text: &str, norm: &Normalized, citations: &[String]) -> Vec<PromoSignal> {
        let mut out: Vec<PromoSignal> = Vec::new();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let overlaps = |taken: &[(usize, usize)], s: usize, e: usize| {
            taken.iter().any(|&(a, b)| s < b && a < e)
        };

        // Cheap prefilters: most comments have no '@', '.', digits or spelled-out dots.
        let bytes = text.as_bytes();
        let has_at = bytes.contains(&b'@');
        let has_dot = bytes.contains(&b'.');
        let digits = count_digits(text);
        let emails = if has_at && has_dot {
            self.email.find_iter(text).collect()
        } else {
            Vec::new()
        };
        for m in emails {
            taken.push((m.start(), m.end()));
            out.push(PromoSignal {
                name: "promo:email",
                weight: 0.8,
                start: m.start(),
                end: m.end(),
                reason: "an e-mail address".into(),
            });
        }
        let links = if has_dot {
            let urls = self
                .url_words
                .is_match(text)
                .then(|| self.url.find_iter(text));
            let domains = may_hold_domain(text).then(|| self.domain.find_iter(text));
            urls.into_iter()
                .flatten()
                .map(|m| (m, true))
                .chain(domains.into_iter().flatten().map(|m| (m, false)))
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        };
        for (m, full_url) in links {
            if overlaps(&taken, m.start(), m.end()) {
                continue;
            }
            taken.push((m.start(), m.end()));
            let host = host_of(m.as_str());
            if is_citation(&host, citations) {
                out.push(PromoSignal {
                    name: "promo:citation",
                    weight: 0.0,
                    start: m.start(),
                    end: m.end(),
                    reason: format!("a link to {host}, a citation source"),
                });
            } else {
                out.push(PromoSignal {
                    name: if full_url {
                        "promo:url"
                    } else {
                        "promo:domain"
                    },
                    weight: 0.6,
                    start: m.start(),
                    end: m.end(),
                    reason: format!("a link to {host}"),
                });
            }
        }
        let phones = if digits >= 9 {
            self.phone.find_iter(text).collect()
        } else {
            Vec::new()
        };
        for m in phones {
            let digits = m.as_str().chars().filter(|&c| chars::is_numeric(c)).count();
            if digits >= 9 && !overlaps(&taken, m.start(), m.end()) {
                taken.push((m.start(), m.end()));
                out.push(PromoSignal {
                    name: "promo:phone",
                    weight: 0.8,
                    start: m.start(),
                    end: m.end(),
                    reason: "a phone number".into(),
                });
            }
        }
        let amounts = if digits > 0 {
            self.money.find_iter(text).collect()
        } else {
            Vec::new()
        };
        for m in amounts {
            if !overlaps(&taken, m.start(), m.end()) {
                out.push(PromoSignal {
                    name: "promo:money",
                    weight: 0.3,
                    start: m.start(),
                    end: m.end(),
                    reason: "a money amount".into(),
                });
            }
        }
        let lowered = norm.text.as_str();
        let messengers = &*MESSENGER_SET;
        if has_at && words(lowered).any(|w| messengers.contains(w)) {
            for m in self.handle.find_iter(text) {
                let s = m.start() + m.as_str().find('@').unwrap_or(0);
                if !overlaps(&taken, s, m.end()) {
                    out.push(PromoSignal {
                        name: "promo:handle",
                        weight: 0.5,
                        start: s,
                        end: m.end(),
                        reason: "a messaging handle with an invitation".into(),
                    });
                }
            }
        }
        let spelled = if self
            .spelled_dots
            .iter()
            .any(|f| f.find(lowered.as_bytes()).is_some())
        {
            self.spelled_domain.find_iter(lowered).collect()
        } else {
            Vec::new()
        };
        for m in spelled {
            let (s, e) = norm.original_span(m.start(), m.end());
            if !overlaps(&taken, s, e) {
                out.push(PromoSignal {
                    name: "promo:spelled_domain",
                    weight: 0.8,
                    start: s,
                    end: e,
                    reason: "a web address spelled out to dodge link filters".into(),
                });
            }
        }
        self.scan_reversed(text, citations, &mut out);
        out
    }

    /// Text after a right-to-left override is shown reversed: a link can hide there.
    fn scan_reversed(&self, text: &str, citations: &[String], out: &mut Vec<PromoSignal>) {
        let Some(start) = text.find('\u{202E}') else {
            return;
        };
        let rest = &text[start..];
        let end = start + rest.find(['\u{202C}', '\n']).unwrap_or(rest.len());
        let reversed: String = text[start..end].chars().rev().collect();
        let hidden = self
            .url
            .find_iter(&reversed)
            .chain(self.domain.find_iter(&reversed))
            .any(|m| !is_citation(&host_of(m.as_str()), citations));
        out.push(PromoSignal {
            name: if hidden {
                "promo:hidden_link"
            } else {
                "promo:bidi_override"
            },
            weight: if hidden { 0.9 } else { 0.45 },
            start,
            end,
            reason: if hidden {
                "a link hidden by reversing the text direction".into()
            } else {
                "text whose direction is overridden (what you see is not what is written)".into()
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn names(text: &str) -> Vec<&'static str> {
        let citations = vec!["un.org".to_owned(), "reuters.com".to_owned()];
        PromoPatterns::default()
            .scan(text, &normalize(text, false), &citations)
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn two_byte_numerics_are_exactly_the_numeric_chars_of_two_bytes() {
        for c in ('\u{80}'..='\u{7FF}').filter(|c| c.len_utf8() == 2) {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(two_byte_numeric(b[0], b[1]), c.is_numeric(), "{c:?}");
        }
    }

    #[test]
    fn no_emoji_is_numeric() {
        for c in ('\u{1F000}'..='\u{1FFFF}').filter(|c| c.len_utf8() == 4) {
            let mut buf = [0u8; 4];
            let emoji = is_emoji(c.encode_utf8(&mut buf).as_bytes());
            assert_eq!(emoji, ('\u{1F300}'..='\u{1FAFF}').contains(&c), "{c:?}");
            assert!(!(emoji && c.is_numeric()), "{c:?}");
        }
    }

    #[test]
    fn counts_digits_of_every_width() {
        for text in [
            "",
            "abc",
            "12 ٣٤ ۵۶ ½ ²",
            "🙂 7 ߁ ४ 𝟗",
            "çok güzel 99",
            "عرب\u{200C}ها ۱۲۳",
        ] {
            let want = text.chars().filter(|c| c.is_numeric()).count();
            assert_eq!(count_digits(text), want, "{text}");
        }
    }

    #[test]
    fn finds_links_and_spares_citations() {
        assert_eq!(names("see https://shop.example/deal"), ["promo:url"]);
        assert_eq!(
            names("Resolution at https://www.un.org/sc/2231"),
            ["promo:citation"]
        );
        assert_eq!(names("cheap-pills.com has it"), ["promo:domain"]);
        assert_eq!(names("go to bestdeals dot com"), ["promo:spelled_domain"]);
        assert_eq!(names("read it on news.gov.uk"), ["promo:citation"]);
    }

    #[test]
    fn finds_phones_in_all_digit_systems() {
        assert_eq!(names("call +964 750 123 4567"), ["promo:phone"]);
        assert_eq!(names("٠٧٥٠١٢٣٤٥٦٧"), ["promo:phone"]);
        assert_eq!(names("۰۹۱۲ ۳۴۵ ۶۷۸۹"), ["promo:phone"]);
        assert!(names("the S-300 deal of 2015, resolution 2231").is_empty());
    }

    #[test]
    fn finds_emails_money_and_handles() {
        assert_eq!(names("write to deals@example.com"), ["promo:email"]);
        assert_eq!(names("earn $500 a day"), ["promo:money"]);
        assert_eq!(names("follow @cheap_visas on instagram"), ["promo:handle"]);
        assert!(names("@Karwan you are wrong").is_empty());
    }

    #[test]
    fn finds_links_hidden_by_a_bidi_override() {
        assert_eq!(
            names("visit \u{202E}moc.slliptsaf\u{202C} now"),
            ["promo:hidden_link"]
        );
    }
}
