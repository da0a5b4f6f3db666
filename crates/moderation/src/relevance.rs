//! Relevance of a comment to its article: the share of the comment's content words whose stem
//! occurs in the article. Cheap, explainable ("shares 0 of 7 content words"), and only used to
//! send a comment to review, never to reject it.

use std::sync::LazyLock;

use crate::Article;
use crate::fasthash::{FastMap, FastSet};
use crate::lang::{self, Language};
use crate::normalize::{normalize, words};

/// Stems shorter than this many characters are the word itself.
const STEM_CHARS: usize = 5;

/// Words that say nothing about the topic, across the six languages.
const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "was",
    "were",
    "this",
    "that",
    "these",
    "those",
    "with",
    "from",
    "have",
    "has",
    "had",
    "not",
    "but",
    "you",
    "your",
    "they",
    "them",
    "their",
    "what",
    "who",
    "why",
    "how",
    "all",
    "any",
    "can",
    "will",
    "would",
    "should",
    "could",
    "does",
    "did",
    "just",
    "than",
    "then",
    "there",
    "here",
    "about",
    "into",
    "more",
    "most",
    "some",
    "such",
    "only",
    "very",
    "also",
    "know",
    "anyone",
    "someone",
    "good",
    "great",
    "near",
    "like",
    "really",
    "think",
    "people",
    "agree",
    "disagree",
    "completely",
    "totally",
    "never",
    "always",
    "one",
    "much",
    "many",
    "even",
    "still",
    "again",
    "being",
    "been",
    "which",
    "when",
    "where",
    "while",
    "our",
    "out",
    "its",
    "it's",
    "his",
    "her",
    "him",
    "she",
    "now",
    "get",
    "make",
    "made",
    "let",
    "see",
    "say",
    "said",
    "way",
    "well",
    "yes",
    "too",
    "own",
    "each",
    "بين",
    "على",
    "هذا",
    "هذه",
    "التي",
    "الذي",
    "الى",
    "عن",
    "كان",
    "مع",
    "لم",
    "قد",
    "من",
    "في",
    "اين",
    "هل",
    "كل",
    "بعد",
    "قبل",
    "عند",
    "حتي",
    "ايضا",
    "برای",
    "این",
    "است",
    "که",
    "از",
    "به",
    "با",
    "را",
    "هم",
    "خیلی",
    "چرا",
    "هست",
    "بود",
    "شد",
    "بۆ",
    "ئەم",
    "ئەو",
    "لە",
    "کە",
    "بە",
    "هیچ",
    "زۆر",
    "ji",
    "bo",
    "ku",
    "di",
    "li",
    "ya",
    "yê",
    "yên",
    "ev",
    "jî",
    "bi",
    "ve",
    "bir",
    "bu",
    "için",
    "ile",
    "çok",
    "daha",
    "gibi",
    "olan",
    "var",
    "yok",
    "ama",
    "değil",
    "kadar",
    "şey",
    "her",
];

/// Words that make a comment about the article or the publisher itself: welcome, never
/// off-topic.
const META: &[&str] = &[
    "article",
    "report",
    "reporting",
    "reporter",
    "headline",
    "journalist",
    "author",
    "coverage",
    "story",
    "editor",
    "editors",
    "piece",
    "paragraph",
    "paragraphs",
    "typo",
    "translation",
    "source",
    "sources",
    "analysis",
    "مقال",
    "تقرير",
    "تقريركم",
    "خبر",
    "الخبر",
    "مراسل",
    "گزارش",
    "منبع",
    "مقاله",
    "هەواڵ",
    "هەواڵە",
    "ڕاپۆرت",
    "nûçe",
    "nûçeya",
    "gotar",
    "haber",
    "makale",
    "muhabir",
    "kaynak",
    "başlık",
];

/// What a listed word is to relevance: one look-up per word answers both lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Stopword,
    Meta,
}

static ROLES: LazyLock<FastMap<&'static str, Role>> = LazyLock::new(|| {
    let mut roles: FastMap<&'static str, Role> = META.iter().map(|&w| (w, Role::Meta)).collect();
    // A word on both lists is a stopword: never a content word.
    roles.extend(STOPWORDS.iter().map(|&w| (w, Role::Stopword)));
    roles
});

/// A precomputed index of an article's stems. Build it once per article when moderating many
/// comments under one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleIndex {
    stems: FastSet<String>,
    language: Option<Language>,
}

/// The first `STEM_CHARS` characters of a word, without the Arabic article.
fn stem(word: &str) -> &str {
    let word = word.strip_prefix("ال").unwrap_or(word);
    let end = word
        .char_indices()
        .nth(STEM_CHARS)
        .map_or(word.len(), |(i, _)| i);
    &word[..end]
}

/// The content words of a matching text (three chars or more, not a number, no stopword),
/// each with whether it is about the article itself (`META`).
fn content_words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let roles = &*ROLES;
    words(text)
        .filter(|w| w.chars().nth(2).is_some() && !w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(move |w| match roles.get(w) {
            Some(Role::Stopword) => None,
            role => Some((w, role == Some(&Role::Meta))),
        })
}

impl ArticleIndex {
    pub fn new(article: &Article<'_>) -> ArticleIndex {
        let sample: String = article
            .title
            .chars()
            .chain(" ".chars())
            .chain(article.body.chars().take(600))
            .collect();
        let language = lang::detect(&sample);
        let mut stems = FastSet::default();
        for part in [article.title, article.body] {
            let norm = normalize(part, language == Language::Tr);
            stems.extend(content_words(&norm.text).map(|(w, _)| stem(w).to_owned()));
        }
        ArticleIndex {
            stems,
            language: Some(language),
        }
    }
}

/// How a comment relates to its article.
#[derive(Debug, Clone, PartialEq)]
pub struct Relevance {
    /// The off_topic score (0 when it cannot be judged).
    pub off_topic: f32,
    /// Why the score is what it is, for a moderator.
    pub reason: Option<String>,
}

/// Scores relevance of a comment's matching text to an article index.
pub fn score(matching_text: &str, comment_lang: Language, index: &ArticleIndex) -> Relevance {
    let mut rel = Relevance {
        off_topic: 0.0,
        reason: None,
    };
    // Names and topics do not match across languages, so only a comment in the article's own
    // language is judged.
    let same_language = index.language == Some(comment_lang);
    if !same_language || index.stems.is_empty() {
        return rel;
    }
    let (mut words, mut shared) = (0usize, 0usize);
    for (w, meta) in content_words(matching_text) {
        // A comment about the article itself: no opinion.
        if meta {
            return rel;
        }
        words += 1;
        shared += usize::from(index.stems.contains(stem(w)));
    }
    // Too few words to judge: no opinion. One shared content word is enough of a link for
    // short comments.
    if words < 3 {
        return rel;
    }
    let share = shared as f32 / words as f32;
    let off_topic = if shared == 0 {
        0.7
    } else if words >= 10 && share < 0.1 {
        0.45
    } else {
        0.0
    };
    if off_topic > 0.0 {
        rel.off_topic = off_topic;
        rel.reason = Some(format!(
            "shares {shared} of {words} content words with the article"
        ));
    }
    rel
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> ArticleIndex {
        ArticleIndex::new(&Article {
            title: "Parliament approves the new water budget",
            body: "Members of parliament voted on Tuesday to fund dams and irrigation canals \
                   in the province, after a drought ruined the wheat harvest.",
        })
    }

    fn off_topic(comment: &str) -> f32 {
        let norm = normalize(comment, false);
        score(&norm.text, Language::En, &article()).off_topic
    }

    #[test]
    fn on_topic_comments_score_zero() {
        assert_eq!(
            off_topic("The dams will not help farmers if the drought continues."),
            0.0
        );
    }

    #[test]
    fn unrelated_comments_score_for_review() {
        assert!(off_topic("Which football club has the best striker this season?") >= 0.4);
    }

    #[test]
    fn comments_about_the_article_are_never_off_topic() {
        assert_eq!(
            off_topic("Your headline has a typo, please correct it quickly."),
            0.0
        );
    }

    #[test]
    fn short_or_other_script_comments_are_not_judged() {
        assert_eq!(off_topic("Well said!"), 0.0);
        let norm = normalize("هذا الموضوع لا علاقة له بكرة القدم أبدا", false);
        assert_eq!(score(&norm.text, Language::Ar, &article()).off_topic, 0.0);
    }
}
