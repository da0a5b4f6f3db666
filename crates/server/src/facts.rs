//! What the server learns of a comment on arrival, for the moderators' console: the engine's
//! language and category, keyed hashes of the author's e-mail and address (their history
//! without the console handling addresses), the first link's host and near-duplicate band keys.

use std::net::IpAddr;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tribune_moderation::Verdict;
use tribune_store::{CommentFacts, EncoderStep};

/// The setting holding the instance's key for author hashes (hex), made at first use and
/// shared by every node through the database.
pub const FACT_KEY_SETTING: &str = "author_hash_key";

/// HMAC-SHA-256 under the instance's own key. A plain hash of an address is reversed by
/// hashing all 2³² IPv4 addresses; without the key (kept apart from the facts it hashes, so a
/// copy of `comment_facts` alone reveals nothing) no address or e-mail can be tried.
#[derive(Clone)]
pub struct FactKey(Hmac<Sha256>);

impl FactKey {
    /// The key from its stored hex; `None` if it does not read.
    pub fn from_hex(text: &str) -> Option<FactKey> {
        let bytes: Vec<u8> = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
            .collect::<Option<_>>()?;
        if bytes.len() < 32 {
            return None;
        }
        Hmac::new_from_slice(&bytes).ok().map(FactKey)
    }

    fn hash(&self, text: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(text.as_bytes());
        crate::security::hex(&mac.finalize().into_bytes())
    }

    /// An e-mail address as its owner would type it again: trimmed, lower case.
    pub(crate) fn email_hash(&self, email: &str) -> String {
        self.hash(&email.trim().to_lowercase())
    }

    fn address_hash(&self, address: IpAddr) -> String {
        self.hash(&address.to_string())
    }
}

pub(crate) fn comment_facts(
    key: &FactKey,
    body: &str,
    email: Option<&str>,
    client: IpAddr,
    verdict: &Verdict,
    encoder: EncoderStep,
) -> CommentFacts {
    CommentFacts {
        lang: Some(verdict.language.clone()).filter(|l| !l.is_empty()),
        engine_category: verdict.category.map(|c| c.as_str().to_owned()),
        email_hash: email.map(|e| key.email_hash(e)),
        address_hash: Some(key.address_hash(client)),
        link_host: first_link_host(body),
        bands: tribune_moderation::similarity::minhash_bands(body),
        encoder: Some(encoder),
    }
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

    fn key(byte: u8) -> FactKey {
        FactKey::from_hex(&format!("{byte:02x}").repeat(32)).expect("a key")
    }

    #[test]
    fn an_email_hash_ignores_case_and_spaces() {
        assert_eq!(
            key(1).email_hash(" Dana@Example.org "),
            key(1).email_hash("dana@example.org")
        );
    }

    #[test]
    fn author_hashes_are_keyed_and_never_the_plain_sha256() {
        let address: IpAddr = "203.0.113.7".parse().expect("address");
        let plain = crate::security::token_hash("203.0.113.7");
        assert_ne!(key(1).address_hash(address), plain);
        assert_ne!(key(1).address_hash(address), key(2).address_hash(address));
        assert_eq!(key(1).address_hash(address), key(1).address_hash(address));
        assert_eq!(key(1).address_hash(address).len(), 64);
    }

    #[test]
    fn a_stored_key_that_does_not_read_is_refused() {
        assert!(FactKey::from_hex("").is_none());
        assert!(FactKey::from_hex("abcd").is_none());
        assert!(FactKey::from_hex(&"zz".repeat(32)).is_none());
        assert!(FactKey::from_hex(&"ab".repeat(32)).is_some());
    }
}
