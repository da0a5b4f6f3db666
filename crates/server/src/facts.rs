//! What the server learns of a comment on arrival, for the moderators' console: the engine's
//! language and category, hashes of the author's e-mail and address (their history without
//! the console handling addresses), the first link's host and near-duplicate band keys.

use std::net::IpAddr;

use tribune_moderation::Verdict;
use tribune_store::{CommentFacts, EncoderStep};

use crate::security::token_hash;

pub(crate) fn comment_facts(
    body: &str,
    email: Option<&str>,
    client: IpAddr,
    verdict: &Verdict,
    encoder: EncoderStep,
) -> CommentFacts {
    CommentFacts {
        lang: Some(verdict.language.clone()).filter(|l| !l.is_empty()),
        engine_category: verdict.category.map(|c| c.as_str().to_owned()),
        email_hash: email.map(email_hash),
        address_hash: Some(token_hash(&client.to_string())),
        link_host: first_link_host(body),
        bands: tribune_moderation::similarity::minhash_bands(body),
        encoder: Some(encoder),
    }
}

/// SHA-256 (hex) of an e-mail address as its owner would type it again: trimmed, lower case.
pub(crate) fn email_hash(email: &str) -> String {
    token_hash(&email.trim().to_lowercase())
}

/// The host of the first `http://`, `https://` or `www.` link, in lower case, without `www.`.
fn first_link_host(body: &str) -> Option<String> {
    let lower = body.to_lowercase();
    let start = ["https://", "http://", "www."]
        .iter()
        .filter_map(|prefix| lower.find(prefix).map(|at| at + prefix.len()))
        .min()?;
    let host: String = lower[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let host = host.trim_start_matches("www.").trim_end_matches('.');
    (host.contains('.')).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_links_host_is_found_in_any_spelling() {
        assert_eq!(
            first_link_host("Buy at HTTPS://www.Shop.example/deal now").as_deref(),
            Some("shop.example")
        );
        assert_eq!(
            first_link_host("see www.news.example.").as_deref(),
            Some("news.example")
        );
        assert_eq!(first_link_host("no link here, http://localhost"), None);
    }

    #[test]
    fn an_email_hash_ignores_case_and_spaces() {
        assert_eq!(
            email_hash(" Dana@Example.org "),
            email_hash("dana@example.org")
        );
    }
}
