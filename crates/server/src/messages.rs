//! Errors in the words of the page's language: an error's code names its catalogue message
//! (`error-<code>`), whose placeholders are the field at fault (in the catalogue's words), the
//! error's details and the wait before a retry. A code with no message yet gets the words for
//! its kind of status, never an English sentence on a page in another language.

use tribune_i18n::{Args, Texts};

use crate::error::{ApiError, Detail};

pub(crate) fn error_text(texts: &Texts, error: &ApiError) -> String {
    let id = format!("error-{}", error.code);
    if !texts.has(&id) {
        let generic = if error.status.is_server_error() {
            "error-internal"
        } else {
            "error-bad_request"
        };
        return texts.get(generic);
    }
    let mut args = Args::new();
    if let Some(field) = error.field {
        args = args.text("field", texts.get(&format!("field-{field}")));
    }
    for (name, detail) in &error.details {
        args = match detail {
            Detail::Number(n) => args.number(name, *n),
            Detail::Text(text) => args.text(name, text.clone()),
        };
    }
    if let Some(seconds) = error.retry_after {
        args = args.number("seconds", i64::try_from(seconds).unwrap_or(i64::MAX));
    }
    texts.with(&id, args)
}
