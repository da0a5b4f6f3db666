//! Validation of what readers and moderators send, once, where it enters: text fields free of
//! control characters (the storage would keep a NUL on SQLite and refuse it on PostgreSQL),
//! names free of the bidirectional controls that reorder the text after them, and limits on
//! sizes. Every refusal names the field.

use crate::ServerError;
use crate::submit::CommentInput;

/// How a text field may use line breaks and tabs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A single line: no control character at all.
    One,
    /// Free text (a comment, a note): line feeds, carriage returns and tabs are fine.
    Many,
}

/// Refuses control characters (Unicode category Cc: NUL, the other C0 controls, DEL and the C1
/// controls), except line breaks and tabs where the field is free text.
pub fn check_text(field: &'static str, value: &str, lines: Lines) -> Result<(), ServerError> {
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\r' | '\t');
    match value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !allowed(*c))
    {
        None => Ok(()),
        Some((at, c)) => Err(ServerError::field(
            field,
            "control_character",
            format!(
                "contains the control character U+{:04X} at character {}; remove it",
                u32::from(c),
                at + 1
            ),
        )
        .with_text("character", format!("U+{:04X}", u32::from(c)))
        .with_number("position", i64::try_from(at + 1).unwrap_or(i64::MAX))),
    }
}

/// Characters that change the direction of the text after them until a matching pop (or the
/// end of the paragraph): embeddings, overrides and isolates. In a name they would reverse the
/// page text that follows it. The marks (U+200E, U+200F, U+061C) only affect their neighbours
/// and stay allowed: right-to-left names need them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The longest name to post under, in characters.
const MAX_NAME_CHARS: usize = 80;

/// The longest note on a decision, in characters.
const MAX_NOTE_CHARS: usize = 1000;

/// A name to post under: one line, no direction controls, at most 80 characters.
pub fn author_name(raw: &str) -> Result<String, ServerError> {
    let name = raw.trim();
    check_text("author_name", name, Lines::One)?;
    if name.is_empty() {
        return Err(ServerError::input(
            "name_required",
            "please give a name to post under",
        ));
    }
    if let Some(c) = name.chars().find(|c| is_bidi_control(*c)) {
        return Err(ServerError::field(
            "author_name",
            "bidi_control",
            format!(
                "contains the direction control U+{:04X}, which would reorder the text shown after the name; remove it",
                u32::from(c)
            ),
        )
        .with_text("character", format!("U+{:04X}", u32::from(c))));
    }
    if matches!(name.chars().count(), n if n > MAX_NAME_CHARS) {
        return Err(ServerError::input(
            "name_too_long",
            format!("a name may have at most {MAX_NAME_CHARS} characters"),
        )
        .with_number("limit", MAX_NAME_CHARS as i64));
    }
    Ok(name.to_owned())
}

/// An optional email address: blank is none; otherwise one plausible address without any
/// control character or space (so never a CR/LF that could split a mail header later).
pub fn author_email(raw: Option<&str>) -> Result<Option<String>, ServerError> {
    let Some(email) = raw.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    check_text("author_email", email, Lines::One)?;
    let plausible = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !plausible {
        return Err(ServerError::input(
            "bad_email",
            format!("{email:?} does not look like an email address"),
        ));
    }
    Ok(Some(email.to_owned()))
}

/// A comment's text: non-empty, within `max_chars` characters, no control character but line
/// breaks and tabs.
pub fn comment_body(raw: &str, max_chars: usize) -> Result<String, ServerError> {
    let body = raw.trim();
    check_text("body", body, Lines::Many)?;
    if body.is_empty() {
        return Err(ServerError::input("empty_body", "the comment is empty"));
    }
    let length = body.chars().count();
    if length > max_chars {
        return Err(ServerError::input(
            "body_too_long",
            format!("the comment has {length} characters; the limit is {max_chars}"),
        )
        .with_number("length", i64::try_from(length).unwrap_or(i64::MAX))
        .with_number("limit", i64::try_from(max_chars).unwrap_or(i64::MAX)));
    }
    Ok(body.to_owned())
}

/// An article's slug from a path: refused with a 400 when it holds a control character
/// (anything else that matches no article is simply unknown).
pub fn slug(raw: &str) -> Result<&str, ServerError> {
    check_text("slug", raw, Lines::One)?;
    Ok(raw)
}

/// A log-in user name as sent: one line of at most 256 bytes (longer names cannot exist).
pub fn login_username(raw: &str) -> Result<&str, ServerError> {
    check_text("username", raw, Lines::One)?;
    if raw.len() > 256 {
        return Err(ServerError::field(
            "username",
            "username_too_long",
            "is longer than any user name can be",
        ));
    }
    Ok(raw)
}

/// A moderator's optional note on a decision: trimmed, blank is none, at most 1000
/// characters.
pub fn decision_note(raw: Option<&str>) -> Result<Option<String>, ServerError> {
    let Some(note) = raw.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    check_text("note", note, Lines::Many)?;
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ServerError::input(
            "note_too_long",
            format!("a note may have at most {MAX_NOTE_CHARS} characters"),
        )
        .with_number("limit", MAX_NOTE_CHARS as i64));
    }
    Ok(Some(note.to_owned()))
}

/// Accepts a client's idempotency key: 1 to 128 letters, digits, '-' or '_' (a UUID fits).
pub fn idempotency_key(key: &str) -> Result<&str, ServerError> {
    let valid = (1..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(key)
    } else {
        Err(ServerError::input(
            "bad_idempotency_key",
            "an idempotency key has 1 to 128 letters, digits, '-' or '_'",
        ))
    }
}

/// A comment that passed validation: fields trimmed and within limits.
#[derive(Debug)]
pub struct ValidComment {
    pub author_name: String,
    pub author_email: Option<String>,
    pub body: String,
}

pub fn comment(input: &CommentInput, max_chars: usize) -> Result<ValidComment, ServerError> {
    Ok(ValidComment {
        author_name: author_name(&input.author_name)?,
        author_email: author_email(input.author_email.as_deref())?,
        body: comment_body(&input.body, max_chars)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: &str) -> CommentInput {
        CommentInput {
            author_name: "Reader".into(),
            body: body.into(),
            ..CommentInput::default()
        }
    }

    fn code(
        result: Result<impl std::fmt::Debug, ServerError>,
    ) -> (&'static str, Option<&'static str>) {
        match result {
            Err(ServerError::Input { code, .. }) => (code, None),
            Err(ServerError::Field { code, field, .. }) => (code, Some(field)),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn validation_trims_and_enforces_limits() {
        assert_eq!(code(comment(&input("   "), 10)).0, "empty_body");
        assert_eq!(code(comment(&input("12345678901"), 10)).0, "body_too_long");
        // The limit counts characters, not bytes: ten Arabic letters fit in ten.
        assert!(comment(&input(&"س".repeat(10)), 10).is_ok());
        let valid = comment(&input("  fine  "), 10).expect("valid");
        assert_eq!(valid.body, "fine");
    }

    #[test]
    fn validation_checks_name_and_email() {
        let mut no_name = input("hello");
        no_name.author_name = " ".into();
        assert!(comment(&no_name, 100).is_err());
        let mut bad_email = input("hello");
        bad_email.author_email = Some("not-an-email".into());
        assert_eq!(code(comment(&bad_email, 100)).0, "bad_email");
        let mut blank_email = input("hello");
        blank_email.author_email = Some("  ".into());
        assert_eq!(
            comment(&blank_email, 100).expect("valid").author_email,
            None
        );
    }

    #[test]
    fn control_characters_are_refused_naming_the_field() {
        assert_eq!(
            code(comment(&input("a\0b"), 100)),
            ("control_character", Some("body"))
        );
        assert_eq!(
            code(comment(&input("bell \u{7}"), 100)),
            ("control_character", Some("body"))
        );
        assert_eq!(
            code(comment(&input("C1 \u{85} next line"), 100)),
            ("control_character", Some("body"))
        );
        // Free text keeps its line breaks and tabs.
        assert!(comment(&input("line one\r\nline two\tend"), 100).is_ok());
        let mut name = input("hello");
        name.author_name = "Dana\nBcc: x".into();
        assert_eq!(
            code(comment(&name, 100)),
            ("control_character", Some("author_name"))
        );
        for email in ["a@b.c\r\nBcc: victim@example.com", "a\0@b.c"] {
            let mut with_email = input("hello");
            with_email.author_email = Some(email.into());
            assert_eq!(
                code(comment(&with_email, 100)),
                ("control_character", Some("author_email"))
            );
        }
        assert_eq!(
            code(slug("cycle\0lanes")),
            ("control_character", Some("slug"))
        );
        assert_eq!(
            code(login_username("admin\0")),
            ("control_character", Some("username"))
        );
        assert_eq!(
            code(decision_note(Some("fine \0"))),
            ("control_character", Some("note"))
        );
    }

    #[test]
    fn direction_controls_are_refused_in_names_but_marks_are_kept() {
        for control in ['\u{202E}', '\u{202B}', '\u{2067}', '\u{2069}'] {
            let mut name = input("hello");
            name.author_name = format!("Dana{control}evil");
            assert_eq!(
                code(comment(&name, 100)),
                ("bidi_control", Some("author_name")),
                "U+{:04X}",
                u32::from(control)
            );
        }
        let mut marked = input("hello");
        marked.author_name = "\u{200F}ئاران".into();
        assert!(comment(&marked, 100).is_ok());
    }

    #[test]
    fn emails_with_spaces_are_not_addresses() {
        assert_eq!(code(author_email(Some("a b@c.d"))).0, "bad_email");
        assert_eq!(
            author_email(Some(" reader@example.org ")).expect("valid"),
            Some("reader@example.org".to_owned())
        );
    }
}
