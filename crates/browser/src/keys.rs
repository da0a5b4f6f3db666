//! What `Input.dispatchKeyEvent` needs to type one key as a user would: the DOM `key`, its
//! `code`, the Windows virtual key code, the text it inserts and the Shift modifier.

/// CDP's modifier bit for Shift.
const SHIFT: i64 = 8;

pub(crate) struct Key {
    pub key: String,
    pub code: String,
    pub virtual_code: i64,
    pub text: Option<String>,
    pub modifiers: i64,
}

/// A named key (`Enter`, `Escape`, `Tab`, `Backspace`, arrows) or one printable character.
pub(crate) fn key(name: &str) -> Option<Key> {
    let named = |code: i64, text: Option<&str>| Key {
        key: name.to_string(),
        code: name.to_string(),
        virtual_code: code,
        text: text.map(str::to_string),
        modifiers: 0,
    };
    match name {
        "Enter" => return Some(named(13, Some("\r"))),
        "Escape" => return Some(named(27, None)),
        "Tab" => return Some(named(9, None)),
        "Backspace" => return Some(named(8, None)),
        "ArrowDown" => return Some(named(40, None)),
        "ArrowUp" => return Some(named(38, None)),
        _ => {}
    }
    let mut chars = name.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let (code, virtual_code, shifted) = match c {
        'a'..='z' => (
            format!("Key{}", c.to_ascii_uppercase()),
            c.to_ascii_uppercase() as i64,
            false,
        ),
        'A'..='Z' => (format!("Key{c}"), c as i64, true),
        '0'..='9' => (format!("Digit{c}"), c as i64, false),
        '/' => ("Slash".to_string(), 191, false),
        '?' => ("Slash".to_string(), 191, true),
        ' ' => ("Space".to_string(), 32, false),
        _ => (String::new(), 0, false),
    };
    Some(Key {
        key: c.to_string(),
        code,
        virtual_code,
        text: Some(c.to_string()),
        modifiers: if shifted { SHIFT } else { 0 },
    })
}
