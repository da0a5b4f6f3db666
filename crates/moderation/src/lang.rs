//! Language and script detection: cheap heuristics over scripts, characteristic letters and
//! stopwords, enough to choose lexicons and thresholds.

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
    "ve", "bir", "bu", "için", "ile", "da", "de", "ne", "sen", "ben", "çok", "daha", "gibi", "olan",
    "var", "yok", "ama", "mı", "mi", "değil", "artık", "kadar", "seni", "beni", "şey",
];
const KMR_WORDS: &[&str] = &[
    "û", "ji", "di", "ya", "yê", "yên", "bo", "ku", "tu", "ez", "li", "ne", "e", "jî", "me", "we",
    "wan", "vê", "vî", "ev", "em", "hûn", "çi", "nizanî", "herêmê", "tiştekî",
];
const AR_WORDS: &[&str] = &[
    "في", "من", "على", "هذا", "هذه", "التي", "الذي", "إلى", "عن", "لا", "ما", "أن", "كان", "يا",
    "أنت", "هو", "هي", "مع", "بين", "لم", "قد",
];
const FA_WORDS: &[&str] = &[
    "و", "در", "به", "از", "که", "این", "است", "را", "با", "برای", "آن", "یک", "هستند", "نمی",
    "تو", "هم", "شو", "کنید", "خیلی", "چرا",
];
const CKB_WORDS: &[&str] = &[
    "و", "لە", "بۆ", "ئەم", "ئەو", "کە", "بە", "نێوان", "تۆ", "من", "هیچ", "ئێمە", "چی", "نییە",
    "دەکەن", "ئێوە",
];

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
    for c in text.chars() {
        match c {
            'a'..='z' | 'A'..='Z' => latin += 1,
            'ı' | 'ğ' | 'Ğ' | 'İ' | 'ö' | 'Ö' | 'ü' | 'Ü' => {
                latin += 1;
                tr_letters += 1;
            }
            'ê' | 'Ê' | 'î' | 'Î' | 'û' | 'Û' => {
                latin += 1;
                kmr_letters += 1;
            }
            'ş' | 'Ş' | 'ç' | 'Ç' => latin += 1,
            '\u{00C0}'..='\u{024F}' => latin += 1,
            'ە' | 'ێ' | 'ۆ' | 'ڕ' | 'ڵ' | 'ھ' => {
                arabic += 1;
                ckb_letters += 1;
            }
            'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => {
                arabic += 1;
                fa_letters += 1;
            }
            'ة' | 'ى' | 'ي' | 'ك' | 'إ' | 'أ' | 'ؤ' => {
                arabic += 1;
                ar_letters += 1;
            }
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => arabic += 1,
            c if c.is_alphabetic() => other += 1,
            _ => {}
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
    let words = || {
        text.split(|c: char| !c.is_alphanumeric() && c != '\u{200C}')
            .filter(|w| !w.is_empty())
    };
    if arabic >= latin {
        let (mut ar, mut fa, mut ckb) = (ar_letters * 2, fa_letters * 2, ckb_letters * 3);
        for w in words() {
            let stem = w.split('\u{200C}').next().unwrap_or(w);
            ar += 3 * u32::from(AR_WORDS.contains(&w) || w.starts_with("ال"));
            fa += 3 * u32::from(FA_WORDS.contains(&w) || FA_WORDS.contains(&stem));
            ckb += 3 * u32::from(CKB_WORDS.contains(&w));
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
        for w in words() {
            let lw = w.to_lowercase();
            en += 2 * u32::from(EN_WORDS.contains(&lw.as_str()));
            tr += 2 * u32::from(TR_WORDS.contains(&lw.as_str()));
            kmr += 2 * u32::from(KMR_WORDS.contains(&lw.as_str()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_six_languages() {
        let cases = [
            ("The deal will change the balance of power.", Language::En),
            ("التعاون العسكري بين البلدين سيزيد التوتر في المنطقة.", Language::Ar),
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
    fn parses_codes_and_aliases() {
        assert_eq!(Language::from_code("ckb-IQ"), Some(Language::Ckb));
        assert_eq!(Language::from_code("FA"), Some(Language::Fa));
        assert_eq!(Language::from_code("xx"), None);
    }
}
