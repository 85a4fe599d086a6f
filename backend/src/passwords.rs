//! Password hashing with Argon2id (OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane), run on tokio's blocking
//! pool so a burst of sign-ins never stalls the async workers. Unknown accounts are checked against a dummy hash
//! with the same parameters, so a sign-in takes the same work whether or not the email exists.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

/// Memory in KiB, passes, lanes.
const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("the blocking pool is gone: {0}")]
    Join(String),
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`, with a fresh random salt.
pub async fn hash(password: &str) -> Result<String, PasswordError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| PasswordError::Join(e.to_string()))?
}

/// A hash nobody's password matches, made once, to spend the same work on unknown accounts.
fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        argon2()
            .hash_password(b"no account has this password; it only costs time")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches `stored` (a PHC string); with `None`, checks against the dummy hash and returns
/// false, taking as long as a real check.
pub async fn verify(password: &str, stored: Option<&str>) -> Result<bool, PasswordError> {
    let password = password.to_owned();
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy()).to_owned();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .map_err(|e| PasswordError::Join(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_salts_differ() {
        let a = hash("correct horse battery").await.unwrap();
        let b = hash("correct horse battery").await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify("correct horse battery", Some(&a)).await.unwrap());
        assert!(!verify("correct horse batterY", Some(&a)).await.unwrap());
        assert!(!verify("anything", Some("not a hash")).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_accounts_never_match_even_the_dummy_password() {
        assert!(
            !verify("no account has this password; it only costs time", None)
                .await
                .unwrap()
        );
    }
}
