//! Plain-text articles: parsing an imported file, and making URL slugs from titles.

/// An article read from a plain-text file, with what the import dropped and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedArticle {
    pub title: String,
    pub paragraphs: Vec<String>,
    /// Human-readable notes on each dropped paragraph.
    pub dropped: Vec<String>,
}

impl ImportedArticle {
    pub fn body(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// Headings with which scraped pages start their own comment section; everything from such a
/// line on is the site's furniture, not the article.
const COMMENT_SECTION_HEADINGS: [&str; 6] = [
    "comments",
    "post a comment",
    "leave a comment",
    "add a comment",
    "leave a reply",
    "join the discussion",
];

/// Parses a plain-text article: the first line is the title; paragraphs are separated by
/// blank lines (or, in files without any blank line, one paragraph per line). Exact repeated
/// paragraphs are collapsed and a trailing comment section copied from a website is dropped.
pub fn parse_article_text(text: &str) -> Result<ImportedArticle, String> {
    if let Some((number, line)) = text.lines().enumerate().find(|(_, line)| {
        line.chars()
            .any(|c| c.is_control() && c != '\t' && c != '\r')
    }) {
        let c = line
            .chars()
            .find(|c| c.is_control() && *c != '\t' && *c != '\r')
            .map_or(0, u32::from);
        return Err(format!(
            "line {} contains the control character U+{c:04X}; a text file holds none",
            number + 1
        ));
    }
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let mut lines = text.lines();
    let title = lines
        .by_ref()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or("the file is empty: its first line must be the title")?
        .to_owned();
    let rest: Vec<&str> = lines.collect();
    let blank_separated = rest.iter().any(|l| l.trim().is_empty())
        && rest
            .iter()
            .skip_while(|l| l.trim().is_empty())
            .any(|l| l.trim().is_empty());
    let raw: Vec<String> = if blank_separated {
        rest.join("\n")
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        rest.iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    };

    let mut dropped = Vec::new();
    let mut paragraphs: Vec<String> = Vec::new();
    for (index, paragraph) in raw.iter().enumerate() {
        let lowered = paragraph.to_lowercase();
        if COMMENT_SECTION_HEADINGS.contains(&lowered.trim_end_matches(':')) {
            dropped.push(format!(
                "paragraphs {} to {}: the website's comment section (from {:?})",
                index + 1,
                raw.len(),
                paragraph
            ));
            break;
        }
        if paragraphs.contains(paragraph) {
            dropped.push(format!(
                "paragraph {}: repeats an earlier paragraph ({})",
                index + 1,
                preview(paragraph)
            ));
            continue;
        }
        paragraphs.push(paragraph.clone());
    }
    if paragraphs.is_empty() {
        return Err(format!("{title:?} has a title but no body"));
    }
    Ok(ImportedArticle {
        title,
        paragraphs,
        dropped,
    })
}

fn preview(paragraph: &str) -> String {
    let mut short: String = paragraph.chars().take(50).collect();
    if short.len() < paragraph.len() {
        short.push('…');
    }
    format!("{short:?}")
}

/// A URL slug from a title: lowercase letters and digits of any script, joined by hyphens.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if slug.chars().count() >= 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.extend(word.chars().flat_map(char::to_lowercase));
    }
    if slug.is_empty() {
        "article".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_line_paragraphs_are_joined_and_repeats_collapsed() {
        let text = "Title here\n\nFirst para\ncontinues.\n\nSecond.\n\nFirst para continues.\n";
        let article = parse_article_text(text).expect("parses");
        assert_eq!(article.title, "Title here");
        assert_eq!(article.paragraphs, vec!["First para continues.", "Second."]);
        assert_eq!(article.dropped.len(), 1);
        assert!(
            article.dropped[0].contains("paragraph 3"),
            "{:?}",
            article.dropped
        );
    }

    #[test]
    fn files_without_blank_lines_have_one_paragraph_per_line() {
        let text = "Title\nOne.\nTwo.\nOne.\nComments\nWe moderate all comments.\nPost a comment";
        let article = parse_article_text(text).expect("parses");
        assert_eq!(article.paragraphs, vec!["One.", "Two."]);
        assert_eq!(article.dropped.len(), 2);
        assert!(article.dropped[1].contains("comment section"));
    }

    #[test]
    fn control_characters_are_refused_naming_the_line() {
        let error = parse_article_text("Title\n\nA paragraph with a \0 in it.\n")
            .expect_err("a NUL is no text");
        assert!(
            error.contains("line 3") && error.contains("U+0000"),
            "{error}"
        );
        assert!(parse_article_text("Title\r\n\r\nTabs\tand CRLF are fine.\r\n").is_ok());
    }

    #[test]
    fn empty_or_title_only_files_are_errors() {
        assert!(parse_article_text("").is_err());
        assert!(parse_article_text("\n  \n").is_err());
        assert!(parse_article_text("Only a title\n").is_err());
    }

    #[test]
    fn slugs_keep_every_script_and_drop_punctuation() {
        assert_eq!(
            slugify("Russia & Iran: a new deal?"),
            "russia-iran-a-new-deal"
        );
        assert_eq!(slugify("هەواڵی نوێ"), "هەواڵی-نوێ");
        assert_eq!(slugify("!!!"), "article");
    }
}
