//! Tokens, password hashes and cookies.

use std::cell::RefCell;

use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use sha2::{Digest, Sha256};

use crate::ServerError;

pub const SESSION_COOKIE: &str = "tribune_session";
pub const CSRF_COOKIE: &str = "tribune_csrf";
/// Marks a browser that has logged in before (see `login.rs`).
pub const DEVICE_COOKIE: &str = "tribune_device";

/// A fresh random token: 32 bytes from the operating system, hex-encoded.
pub fn random_token() -> Result<String, ServerError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

/// What the database keeps of a token: its SHA-256, so a leaked database grants nothing.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time independent of where they first differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn hash_password(password: &str) -> Result<String, ServerError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ServerError::PasswordHash(e.to_string()))
}

/// Whether `password` matches an argon2 PHC string. The 19 MiB of working memory a check
/// needs is kept per thread and reused: allocated afresh for every check, the allocator keeps
/// several such blocks around per thread (measured: five, ~100 MiB, with one hashing thread).
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    thread_local! {
        static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    }
    let Ok(parsed) = PasswordHash::new(stored_hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut computed = vec![0u8; expected.len()];
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::new());
        }
        argon2
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                &mut computed,
                &mut memory[..blocks],
            )
            .is_ok()
    }) && Output::new(&computed).is_ok_and(|computed| &computed == expected)
}

/// The value of one cookie from the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: never readable by scripts, never sent cross-site on POSTs.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    set_cookie_at(name, value, "/", max_age_secs, secure)
}

/// [`set_cookie`] for the pages under `path` only.
pub fn set_cookie_at(
    name: &str,
    value: &str,
    path: &str,
    max_age_secs: i64,
    secure: bool,
) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_agree_with_the_argon2_crate_on_every_kind_of_hash() {
        use argon2::password_hash::PasswordVerifier;
        // Ours, and other variants and parameters than ours, as an older instance may have
        // stored them.
        let mut hashes = vec![hash_password("correct horse").expect("hash")];
        for (algorithm, version, m, t, p) in [
            (Algorithm::Argon2i, Version::V0x13, 4096, 3, 1),
            (Algorithm::Argon2d, Version::V0x13, 1024, 2, 2),
            (Algorithm::Argon2id, Version::V0x13, 2048, 1, 4),
        ] {
            let params = Params::new(m, t, p, Some(32)).expect("params");
            let hasher = Argon2::new(algorithm, version, params);
            hashes.push(
                hasher
                    .hash_password(b"correct horse")
                    .expect("hash")
                    .to_string(),
            );
        }
        for hash in &hashes {
            assert!(verify_password("correct horse", hash), "{hash}");
        }
        // And a well-formed hash of something else.
        hashes.push("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$dGhpcyBpcyBub3QgcmVhbA".to_owned());
        for hash in &hashes {
            for password in ["correct horse", "wrong horse", ""] {
                let crate_says = PasswordHash::new(hash).is_ok_and(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                });
                assert_eq!(
                    verify_password(password, hash),
                    crate_says,
                    "{hash} {password:?}"
                );
            }
        }
    }

    #[test]
    fn password_hash_verifies_only_the_same_password() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn cookie_finds_the_named_value_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            "a=1; tribune_session=abc; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), None);
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token().expect("token");
        let b = random_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
    }
}
