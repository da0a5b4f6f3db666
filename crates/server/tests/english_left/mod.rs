//! Finding English catalogue text on a page meant for another language: the page's own words
//! (not the articles, comments and names on it), and the English messages' literal text by id.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use tribune_i18n::{Catalogues, Language};

/// What a page shows a reader: its text and the attributes read aloud or shown, without the
/// parts that are not Tribune's words (articles, titles, comments, names, the engine's
/// technical reasons, the switcher's language names).
pub fn tribune_words(html: &str) -> String {
    let mut text = html.to_owned();
    for (open, close) in [
        ("<article", "</article>"),
        ("<div class=\"body\" dir=\"auto\"", "</div>"),
        ("<bdi", "</bdi>"),
        ("<ul class=\"reasons\"", "</ul>"),
        ("<nav class=\"languages\"", "</nav>"),
        ("<title", "</title>"),
        ("<script", "</script>"),
    ] {
        while let Some(start) = text.find(open) {
            let end = text[start..]
                .find(close)
                .map_or(text.len(), |at| start + at + close.len());
            text.replace_range(start..end, " ");
        }
    }
    // Links to articles carry their titles.
    while let Some(start) = text.find("dir=\"auto\">") {
        let end = text[start..]
            .find("</a>")
            .map_or(text.len(), |at| start + at);
        text.replace_range(start..end, ">");
    }
    let mut words = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('<') {
        words.push_str(&rest[..open]);
        words.push(' ');
        let close = rest[open..]
            .find('>')
            .map_or(rest.len(), |at| open + at + 1);
        let tag = &rest[open..close];
        for attribute in ["placeholder=\"", "aria-label=\"", "title=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                words.push_str(&value[..value.find('"').unwrap_or(0)]);
                words.push(' ');
            }
        }
        rest = &rest[close..];
    }
    words.push_str(rest);
    words
}

/// Whether `fragment` stands in `text` as whole words.
fn contains_words(text: &str, fragment: &str) -> bool {
    text.match_indices(fragment).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + fragment.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// English catalogue text that a page in `language` shows.
pub fn english_left(catalogues: &Catalogues, language: Language, words: &str) -> Vec<String> {
    // Words a translation shares with English (a bracket, "UTC", "Risk", Kurmanji's "min",
    // "my") are no English left; on English pages every message counts, which shows the check
    // finds what it looks for.
    let own: String = if language == Language::English {
        String::new()
    } else {
        catalogues
            .ids(language)
            .iter()
            .flat_map(|id| catalogues.literal_parts(language, id))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut left = Vec::new();
    for id in catalogues.ids(Language::English) {
        for part in catalogues.literal_parts(Language::English, &id) {
            let part = part
                .trim()
                .trim_matches(|c: char| c.is_ascii_punctuation())
                .trim();
            let letters = part.chars().filter(|c| c.is_alphabetic()).count();
            if letters >= 3 && !contains_words(&own, part) && contains_words(words, part) {
                left.push(format!("{id}: {part:?}"));
            }
        }
    }
    left
}
