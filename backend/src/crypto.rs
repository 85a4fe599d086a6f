//! Personal data at rest: addresses (with their phone numbers) are sealed with AES-256-GCM before they are
//! written, under a key from configuration, and opened when read. A sealed value records the id of its key, so keys
//! can rotate: new data is sealed under the current key, and every configured key can still open old data.
//!
//! Layout: `[1 (format)] [key id] [12-byte random nonce] [ciphertext + 16-byte tag]`. The associated data names
//! the column, so a value copied into another column does not open.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use std::collections::BTreeMap;

const FORMAT: u8 = 1;
const NONCE_LEN: usize = 12;

/// Where a sealed value lives: part of what is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    CheckoutAddress,
    OrderAddress,
    SavedAddress,
}

impl Column {
    fn aad(self) -> &'static [u8] {
        match self {
            Column::CheckoutAddress => b"bazaar:checkout.shipping_address",
            Column::OrderAddress => b"bazaar:customer_order.shipping_address",
            Column::SavedAddress => b"bazaar:customer_address.address",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("data key {0} is not 32 bytes of base64")]
    BadKey(u8),
    #[error("no data key is configured")]
    NoKeys,
    #[error("the current data key id {0} is not among the configured keys")]
    UnknownCurrent(u8),
    #[error("sealed with key {0}, which is not configured")]
    MissingKey(u8),
    #[error("not a sealed value, or it was altered")]
    Corrupt,
}

/// The configured data keys, by id, and which one seals new data.
pub struct DataKeys {
    keys: BTreeMap<u8, Aes256Gcm>,
    current: u8,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKeys")
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .field("current", &self.current)
            .finish()
    }
}

impl DataKeys {
    /// Keys as (id, 32 raw bytes); `current` defaults to the highest id.
    pub fn new(keys: &[(u8, Vec<u8>)], current: Option<u8>) -> Result<Self, CryptoError> {
        let mut map = BTreeMap::new();
        for (id, bytes) in keys {
            let cipher = Aes256Gcm::new_from_slice(bytes).map_err(|_| CryptoError::BadKey(*id))?;
            map.insert(*id, cipher);
        }
        let highest = *map.keys().next_back().ok_or(CryptoError::NoKeys)?;
        let current = current.unwrap_or(highest);
        if !map.contains_key(&current) {
            return Err(CryptoError::UnknownCurrent(current));
        }
        Ok(DataKeys { keys: map, current })
    }

    /// Parses `1:<base64>,2:<base64>` (standard base64 of 32 random bytes each).
    pub fn parse(list: &str, current: Option<u8>) -> Result<Self, String> {
        use base64::Engine;
        let mut keys = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, key) = part
                .split_once(':')
                .ok_or_else(|| "each key is <id>:<base64>".to_string())?;
            let id: u8 = id
                .trim()
                .parse()
                .map_err(|_| format!("key id {id:?} is not a number from 0 to 255"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(key.trim())
                .map_err(|_| format!("key {id} is not base64"))?;
            keys.push((id, bytes));
        }
        DataKeys::new(&keys, current).map_err(|e| e.to_string())
    }

    pub fn current_id(&self) -> u8 {
        self.current
    }

    pub fn seal(&self, column: Column, plaintext: &[u8]) -> Vec<u8> {
        let cipher = &self.keys[&self.current];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: column.aad(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(2 + NONCE_LEN + sealed.len());
        out.push(FORMAT);
        out.push(self.current);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, column: Column, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 2 + NONCE_LEN + 16 || sealed[0] != FORMAT {
            return Err(CryptoError::Corrupt);
        }
        let id = sealed[1];
        let cipher = self.keys.get(&id).ok_or(CryptoError::MissingKey(id))?;
        let (nonce, body) = sealed[2..].split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Corrupt)?;
        cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: column.aad(),
                },
            )
            .map_err(|_| CryptoError::Corrupt)
    }

    /// Which key sealed a value (for re-sealing under the current one).
    pub fn key_id_of(sealed: &[u8]) -> Option<u8> {
        (sealed.len() > 2 && sealed[0] == FORMAT).then(|| sealed[1])
    }

    pub fn seal_json<T: serde::Serialize>(
        &self,
        column: Column,
        value: &T,
    ) -> Result<Vec<u8>, serde_json::Error> {
        Ok(self.seal(column, &serde_json::to_vec(value)?))
    }

    pub fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        column: Column,
        sealed: &[u8],
    ) -> Result<T, String> {
        let plain = self.open(column, sealed).map_err(|e| e.to_string())?;
        serde_json::from_slice(&plain).map_err(|e| e.to_string())
    }
}

/// Seals every address still stored in plaintext (rows written before sealing, or by an older version during a
/// blue-green switch) and clears the plaintext. Run at start-up; safe on several servers at once. Returns how many.
pub async fn seal_plaintext_addresses(
    pool: &sqlx::PgPool,
    keys: &DataKeys,
) -> Result<usize, sqlx::Error> {
    use super::db::sealing as db;
    let mut sealed = 0;
    loop {
        let mut tx = pool.begin().await?;
        let orders = db::plain_order_addresses(&mut tx, 200).await?;
        for row in &orders {
            let bytes = keys.seal(Column::OrderAddress, row.address.to_string().as_bytes());
            db::seal_order_address(&mut tx, row.id, &bytes).await?;
        }
        let checkouts = db::plain_checkout_addresses(&mut tx, 200).await?;
        for row in &checkouts {
            let bytes = keys.seal(Column::CheckoutAddress, row.address.to_string().as_bytes());
            db::seal_checkout_address(&mut tx, row.id, &bytes).await?;
        }
        tx.commit().await?;
        let n = orders.len() + checkouts.len();
        sealed += n;
        if n == 0 {
            return Ok(sealed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[u8], current: Option<u8>) -> DataKeys {
        let list: Vec<(u8, Vec<u8>)> = ids.iter().map(|id| (*id, vec![*id; 32])).collect();
        DataKeys::new(&list, current).unwrap()
    }

    #[test]
    fn seals_and_opens_without_plaintext_in_the_sealed_bytes() {
        let k = keys(&[1], None);
        let text = b"Ana Perez, 12 Rue de la Paix, +33 6 12 34 56 78";
        let sealed = k.seal(Column::OrderAddress, text);
        assert!(!sealed.windows(4).any(|w| w == b"Rue "));
        assert_eq!(k.open(Column::OrderAddress, &sealed).unwrap(), text);
        // Fresh nonce each time.
        assert_ne!(sealed, k.seal(Column::OrderAddress, text));
    }

    #[test]
    fn refuses_altered_moved_or_unknown_key_values() {
        let k = keys(&[1], None);
        let mut sealed = k.seal(Column::OrderAddress, b"secret");
        assert_eq!(
            k.open(Column::CheckoutAddress, &sealed),
            Err(CryptoError::Corrupt)
        );
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert_eq!(
            k.open(Column::OrderAddress, &sealed),
            Err(CryptoError::Corrupt)
        );
        assert_eq!(
            k.open(Column::OrderAddress, b"{}"),
            Err(CryptoError::Corrupt)
        );
        let other = keys(&[2], None).seal(Column::OrderAddress, b"secret");
        assert_eq!(
            k.open(Column::OrderAddress, &other),
            Err(CryptoError::MissingKey(2))
        );
    }

    #[test]
    fn rotation_seals_with_the_current_key_and_opens_old_ones() {
        let old = keys(&[1], None).seal(Column::CheckoutAddress, b"old");
        let rotated = keys(&[1, 2], None);
        assert_eq!(rotated.current_id(), 2);
        assert_eq!(rotated.open(Column::CheckoutAddress, &old).unwrap(), b"old");
        let new = rotated.seal(Column::CheckoutAddress, b"new");
        assert_eq!(DataKeys::key_id_of(&new), Some(2));
        assert_eq!(DataKeys::key_id_of(&old), Some(1));
    }

    #[test]
    fn parses_configuration() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let k = DataKeys::parse(&format!("3:{b64}, 5:{b64}"), Some(3)).unwrap();
        assert_eq!(k.current_id(), 3);
        assert!(DataKeys::parse("", None).is_err());
        assert!(DataKeys::parse("1:c2hvcnQ=", None).is_err());
        assert!(DataKeys::parse(&format!("x:{b64}"), None).is_err());
        assert!(DataKeys::parse(&format!("1:{b64}"), Some(2)).is_err());
    }
}
