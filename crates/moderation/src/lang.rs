//! Language and script detection: cheap heuristics over scripts, characteristic letters and
//! stopwords, enough to choose lexicons and thresholds.

use std::sync::LazyLock;

use crate::chars;
use crate::fasthash::FastMap;

/// The languages the engine knows, plus `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    En,
    Ar,
    Ckb,
    Kmr,
    Tr,
    Fa,
    Other,
}

impl Language {
    pub const KNOWN: [Language; 6] = [
        Language::En,
        Language::Ar,
        Language::Ckb,
        Language::Kmr,
        Language::Tr,
        Language::Fa,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ar => "ar",
            Language::Ckb => "ckb",
            Language::Kmr => "kmr",
            Language::Tr => "tr",
            Language::Fa => "fa",
            Language::Other => "other",
        }
    }

    /// Parses a language code; a few common aliases (`ku`, `ckb-IQ`, `per`) are accepted.
    pub fn from_code(code: &str) -> Option<Language> {
        let base = code
            .split(['-', '_'])
            .next()
            .unwrap_or(code)
            .to_ascii_lowercase();
        Some(match base.as_str() {
            "en" | "eng" => Language::En,
            "ar" | "ara" => Language::Ar,
            "ckb" | "sorani" => Language::Ckb,
            "kmr" | "ku" | "kurmanji" => Language::Kmr,
            "tr" | "tur" => Language::Tr,
            "fa" | "fas" | "per" => Language::Fa,
            "other" => Language::Other,
            _ => return None,
        })
    }

    /// Whether the language is written in Arabic script.
    pub fn arabic_script(self) -> bool {
        matches!(self, Language::Ar | Language::Ckb | Language::Fa)
    }

    /// Whether the language is written in Latin script.
    pub fn latin_script(self) -> bool {
        matches!(self, Language::En | Language::Kmr | Language::Tr)
    }
}

const EN_WORDS: &[&str] = &[
    "the", "and", "is", "are", "of", "to", "you", "this", "that", "it", "in", "for", "not", "with",
    "what", "was", "be", "they", "have", "a", "an", "i", "on", "will", "should", "my", "your",
];
const TR_WORDS: &[&str] = &[
    "ve", "bir", "bu", "için", "ile", "da", "de", "ne", "sen", "ben", "çok", "daha", "gibi",
    "olan", "var", "yok", "ama", "mı", "mi", "değil", "artık", "kadar", "seni", "beni", "şey",
];
const KMR_WORDS: &[&str] = &[
    "û",
    "ji",
    "di",
    "ya",
    "yê",
    "yên",
    "bo",
    "ku",
    "tu",
    "ez",
    "li",
    "ne",
    "e",
    "jî",
    "me",
    "we",
    "wan",
    "vê",
    "vî",
    "ev",
    "em",
    "hûn",
    "çi",
    "nizanî",
    "herêmê",
    "tiştekî",
];
const AR_WORDS: &[&str] = &[
    "في", "من", "على", "هذا", "هذه", "التي", "الذي", "إلى", "عن", "لا", "ما", "أن", "كان", "يا",
    "أنت", "هو", "هي", "مع", "بين", "لم", "قد",
];
const FA_WORDS: &[&str] = &[
    "و",
    "در",
    "به",
    "از",
    "که",
    "این",
    "است",
    "را",
    "با",
    "برای",
    "آن",
    "یک",
    "هستند",
    "نمی",
    "تو",
    "هم",
    "شو",
    "کنید",
    "خیلی",
    "چرا",
];
const CKB_WORDS: &[&str] = &[
    "و",
    "لە",
    "بۆ",
    "ئەم",
    "ئەو",
    "کە",
    "بە",
    "نێوان",
    "تۆ",
    "من",
    "هیچ",
    "ئێمە",
    "چی",
    "نییە",
    "دەکەن",
    "ئێوە",
];

/// What a character says about the script and language of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Letter {
    /// Not a letter (digits, punctuation, spaces, marks outside the served scripts).
    None,
    Latin,
    /// A Latin letter characteristic of Turkish.
    LatinTr,
    /// A Latin letter characteristic of Kurmanji.
    LatinKmr,
    Arabic,
    /// An Arabic-script letter characteristic of Sorani.
    ArabicCkb,
    /// An Arabic-script letter characteristic of Persian.
    ArabicFa,
    /// An Arabic-script letter characteristic of Arabic.
    ArabicAr,
    /// A letter of another script.
    Other,
}

fn letter(c: char) -> Letter {
    match c {
        'a'..='z' | 'A'..='Z' => Letter::Latin,
        'ı' | 'ğ' | 'Ğ' | 'İ' | 'ö' | 'Ö' | 'ü' | 'Ü' => Letter::LatinTr,
        'ê' | 'Ê' | 'î' | 'Î' | 'û' | 'Û' => Letter::LatinKmr,
        'ş' | 'Ş' | 'ç' | 'Ç' => Letter::Latin,
        '\u{00C0}'..='\u{024F}' => Letter::Latin,
        'ە' | 'ێ' | 'ۆ' | 'ڕ' | 'ڵ' | 'ھ' => Letter::ArabicCkb,
        'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => Letter::ArabicFa,
        'ة' | 'ى' | 'ي' | 'ك' | 'إ' | 'أ' | 'ؤ' => Letter::ArabicAr,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}' => Letter::Arabic,
        c if c.is_alphabetic() => Letter::Other,
        _ => Letter::None,
    }
}

/// `letter` of every character below U+0800 (Latin, Arabic and the scripts between): a table
/// read instead of a walk through the match and the Unicode tables.
static LETTERS: LazyLock<Vec<Letter>> =
    LazyLock::new(|| (0..0x800).filter_map(char::from_u32).map(letter).collect());

/// Detects the language of `text`. Short or mixed texts fall back to the dominant script's most
/// likely language; texts in no supported script are `Other`.
pub fn detect(text: &str) -> Language {
    let mut latin = 0u32;
    let mut arabic = 0u32;
    let mut other = 0u32;
    // Characteristic letters.
    let mut tr_letters = 0u32;
    let mut kmr_letters = 0u32;
    let mut ckb_letters = 0u32;
    let mut fa_letters = 0u32;
    let mut ar_letters = 0u32;
    // ASCII letters are all plain Latin: counted a block of bytes at a time; the characters
    // beyond ASCII are looked at one by one.
    latin +=
        u32::try_from(text.bytes().filter(u8::is_ascii_alphabetic).count()).unwrap_or(u32::MAX);
    let letters = &*LETTERS;
    let beyond_ascii = if text.is_ascii() { "" } else { text };
    for c in beyond_ascii.chars().filter(|c| !c.is_ascii()) {
        let l = letters
            .get(c as usize)
            .copied()
            .unwrap_or_else(|| letter(c));
        match l {
            Letter::None => {}
            Letter::Latin => latin += 1,
            Letter::LatinTr => {
                latin += 1;
                tr_letters += 1;
            }
            Letter::LatinKmr => {
                latin += 1;
                kmr_letters += 1;
            }
            Letter::Arabic => arabic += 1,
            Letter::ArabicCkb => {
                arabic += 1;
                ckb_letters += 1;
            }
            Letter::ArabicFa => {
                arabic += 1;
                fa_letters += 1;
            }
            Letter::ArabicAr => {
                arabic += 1;
                ar_letters += 1;
            }
            Letter::Other => other += 1,
        }
    }
    if latin == 0 && arabic == 0 {
        return if other > 0 {
            Language::Other
        } else {
            Language::En
        };
    }
    if other > latin + arabic {
        return Language::Other;
    }
    let words = || Words { text, pos: 0 };
    let stopwords = &*STOPWORDS;
    let lookup = |w: &str| stopwords.get(w).copied().unwrap_or(0);
    if arabic >= latin {
        let (mut ar, mut fa, mut ckb) = (ar_letters * 2, fa_letters * 2, ckb_letters * 3);
        for w in words() {
            let stem = w.split('\u{200C}').next().unwrap_or(w);
            let of_word = lookup(w);
            let of_stem = if stem.len() == w.len() {
                of_word
            } else {
                lookup(stem)
            };
            ar += 3 * u32::from(of_word & AR != 0 || w.starts_with("ال"));
            fa += 3 * u32::from((of_word | of_stem) & FA != 0);
            ckb += 3 * u32::from(of_word & CKB != 0);
        }
        if ckb_letters > 0 && ckb >= fa && ckb >= ar {
            Language::Ckb
        } else if fa > ar {
            Language::Fa
        } else {
            Language::Ar
        }
    } else {
        let (mut en, mut tr, mut kmr) = (0u32, tr_letters * 2, kmr_letters * 2);
        let mut buf = [0u8; LATIN_WORD_MAX];
        for w in words() {
            // Lowercasing allocates; ASCII words are lowered on the stack, and those longer
            // than any stopword (ASCII keeps its length when lowered) are not looked up.
            let lowered;
            let lw = if w.is_ascii() {
                let Some(buf) = buf.get_mut(..w.len()) else {
                    continue;
                };
                buf.copy_from_slice(w.as_bytes());
                buf.make_ascii_lowercase();
                std::str::from_utf8(buf).unwrap_or(w)
            } else {
                lowered = w.to_lowercase();
                lowered.as_str()
            };
            let of_word = lookup(lw);
            en += 2 * u32::from(of_word & EN != 0);
            tr += 2 * u32::from(of_word & TR != 0);
            kmr += 2 * u32::from(of_word & KMR != 0);
        }
        if tr > en && tr >= kmr {
            Language::Tr
        } else if kmr > en && kmr > tr {
            Language::Kmr
        } else {
            Language::En
        }
    }
}

/// The words of a text: maximal runs of alphanumeric characters and ZWNJ. ASCII is classified
/// byte by byte; only other characters are decoded.
struct Words<'t> {
    text: &'t str,
    pos: usize,
}

impl Words<'_> {
    /// Whether the character at byte `i` belongs to a word, and its length; `None` at the end.
    fn at(&self, i: usize) -> Option<(bool, usize)> {
        let b = *self.text.as_bytes().get(i)?;
        if b.is_ascii() {
            return Some((b.is_ascii_alphanumeric(), 1));
        }
        let c = self.text.get(i..)?.chars().next()?;
        Some((chars::is_alphanumeric(c) || c == '\u{200C}', c.len_utf8()))
    }
}

impl<'t> Iterator for Words<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let mut start = self.pos;
        loop {
            let (in_word, len) = self.at(start)?;
            if in_word {
                break;
            }
            start += len;
        }
        let mut end = start;
        while let Some((true, len)) = self.at(end) {
            end += len;
        }
        self.pos = end;
        self.text.get(start..end)
    }
}

// Which languages' stopword lists hold a word, as bits.
const EN: u8 = 1;
const TR: u8 = 2;
const KMR: u8 = 4;
const AR: u8 = 8;
const FA: u8 = 16;
const CKB: u8 = 32;

/// Every stopword with the languages whose list holds it: one lookup per word of a comment.
static STOPWORDS: LazyLock<FastMap<&'static str, u8>> = LazyLock::new(|| {
    let mut map = FastMap::default();
    for (list, bit) in [
        (EN_WORDS, EN),
        (TR_WORDS, TR),
        (KMR_WORDS, KMR),
        (AR_WORDS, AR),
        (FA_WORDS, FA),
        (CKB_WORDS, CKB),
    ] {
        for w in list {
            *map.entry(*w).or_insert(0) |= bit;
        }
    }
    map
});

/// Longer than any Latin-script stopword in bytes, so longer ASCII words need no lookup.
const LATIN_WORD_MAX: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_six_languages() {
        let cases = [
            ("The deal will change the balance of power.", Language::En),
            (
                "التعاون العسكري بين البلدين سيزيد التوتر في المنطقة.",
                Language::Ar,
            ),
            ("ئەم بڕیارە بۆ خەڵکی هەرێم زۆر گرنگە.", Language::Ckb),
            ("Ev biryar ji bo gelê herêmê pir girîng e.", Language::Kmr),
            ("Bu karar bölge için çok önemli değil mi?", Language::Tr),
            ("این تصمیم برای مردم منطقه خیلی مهم است.", Language::Fa),
            ("Это совсем другой язык", Language::Other),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), want, "{text}");
        }
    }

    #[test]
    fn letter_table_matches_letter() {
        for c in (0..0x800).filter_map(char::from_u32) {
            assert_eq!(LETTERS[c as usize], letter(c), "{c:?}");
        }
    }

    #[test]
    fn words_split_like_the_std_splitter() {
        for text in [
            "",
            "  ",
            "The deal, isn't it? 2015!",
            "عرب\u{200C}ها و در-این  ",
            "Çok güzel... değil mi?",
            "a\u{0301}b c",
        ] {
            let std: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric() && c != '\u{200C}')
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(Words { text, pos: 0 }.collect::<Vec<_>>(), std, "{text:?}");
        }
    }

    #[test]
    fn latin_stopwords_fit_the_lowering_buffer() {
        for w in EN_WORDS.iter().chain(TR_WORDS).chain(KMR_WORDS) {
            assert!(w.len() <= LATIN_WORD_MAX, "{w}");
        }
    }

    #[test]
    fn parses_codes_and_aliases() {
        assert_eq!(Language::from_code("ckb-IQ"), Some(Language::Ckb));
        assert_eq!(Language::from_code("FA"), Some(Language::Fa));
        assert_eq!(Language::from_code("xx"), None);
    }
}
