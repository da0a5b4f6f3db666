//! The language of each request, decided once where it enters (`negotiate`, a layer around the
//! whole site) in the order `tribune_i18n::negotiate` documents: `?lang=` (then remembered in a
//! cookie), the cookie, `Accept-Language`, and the instance default; pages about an article put
//! the article's language before the default.
//!
//! The choice is held in a task-local for the request's duration because errors become pages
//! and messages in layers and conversions that never see the request (`error.rs`,
//! `PageError`); handlers read the same value through `current()`.

use std::sync::{Arc, OnceLock};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use tribune_i18n::{
    Language, LanguageChoice, Localizer, PersianCalendar, Texts, accepted_language,
};

use crate::App;
use crate::security::{cookie, set_cookie};

/// Remembers a language picked with `?lang=`.
pub(crate) const LANGUAGE_COOKIE: &str = "tribune_lang";

/// How long the browser remembers a picked language.
const LANGUAGE_COOKIE_DAYS: i64 = 365;

/// What a request said about its language, and the catalogues to answer in.
#[derive(Clone)]
pub(crate) struct RequestLanguage {
    pub choice: LanguageChoice,
    pub localizer: Arc<Localizer>,
    /// The page's own path, for the language switcher's links.
    pub path: String,
}

impl RequestLanguage {
    /// The words of the request's language where no article has a say.
    pub fn texts(&self) -> Texts<'_> {
        self.localizer.texts(self.choice.language())
    }
}

tokio::task_local! {
    static REQUEST_LANGUAGE: RequestLanguage;
}

/// The current request's language; English by default outside a request (a page rendered
/// by a test or a tool directly).
pub(crate) fn current() -> Option<RequestLanguage> {
    REQUEST_LANGUAGE
        .try_with(Clone::clone)
        .ok()
        .or_else(outside_a_request)
}

fn outside_a_request() -> Option<RequestLanguage> {
    static ENGLISH: OnceLock<Option<Arc<Localizer>>> = OnceLock::new();
    let localizer = ENGLISH
        .get_or_init(|| {
            Localizer::new(PersianCalendar::default())
                .ok()
                .map(Arc::new)
        })
        .clone()?;
    Some(RequestLanguage {
        choice: LanguageChoice {
            picked: None,
            accepted: None,
            default: Language::English,
        },
        localizer,
        path: "/".to_owned(),
    })
}

/// `lang=` in a query string, when it names an interface language.
fn query_language(query: Option<&str>) -> Option<Language> {
    query?
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(Language::from_tag)
}

/// A path safe to link back to: one of ours, never `//host` (which a browser reads as another
/// site).
fn own_path(path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

fn choice(app: &App, headers: &HeaderMap, picked_now: Option<Language>) -> LanguageChoice {
    let remembered = cookie(headers, LANGUAGE_COOKIE).and_then(|tag| Language::from_tag(&tag));
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(accepted_language);
    LanguageChoice {
        picked: picked_now.or(remembered),
        accepted,
        default: app.config.default_language,
    }
}

/// The layer that decides the request's language, and remembers a `?lang=` pick in a cookie.
pub(crate) async fn negotiate(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let picked_now = query_language(request.uri().query());
    let language = RequestLanguage {
        choice: choice(&app, request.headers(), picked_now),
        localizer: app.localizer.clone(),
        path: own_path(request.uri().path()),
    };
    let remembered = cookie(request.headers(), LANGUAGE_COOKIE);
    let mut response = REQUEST_LANGUAGE.scope(language, next.run(request)).await;
    if let Some(picked) = picked_now
        && remembered.as_deref() != Some(picked.tag())
    {
        let value = set_cookie(
            LANGUAGE_COOKIE,
            picked.tag(),
            LANGUAGE_COOKIE_DAYS * 86_400,
            app.config.secure_cookies,
        );
        if let Ok(value) = value.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_a_language_only_with_a_known_tag() {
        assert_eq!(query_language(Some("lang=ckb")), Some(Language::Sorani));
        assert_eq!(
            query_language(Some("reply_to=3&lang=fa-IR")),
            Some(Language::Persian)
        );
        assert_eq!(query_language(Some("lang=xx")), None);
        assert_eq!(query_language(Some("slang=ar")), None);
        assert_eq!(query_language(None), None);
    }

    #[test]
    fn switcher_links_stay_on_this_site() {
        assert_eq!(own_path("/articles/a"), "/articles/a");
        assert_eq!(own_path("//evil.example/x"), "/");
        assert_eq!(own_path("/\\evil.example"), "/");
    }
}
