//! The 256-bit data key and the AEAD that seals with it.
//!
//! A sealed value is `[version 1][24-byte random nonce][ciphertext + tag]`,
//! XChaCha20-Poly1305, with associated data naming what the value is (for
//! example `service:3:client_secret`), so a ciphertext copied onto another
//! row or purpose fails to open.

use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
pub const KEY_LEN: usize = 32;

pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

/// Opening failed: the value was made with another key, or was altered.
#[derive(Debug)]
pub struct OpenFailed;

impl DataKey {
    /// A fresh random key from the OS generator.
    pub fn generate() -> Self {
        let key = chacha20poly1305::Key::generate();
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        bytes.copy_from_slice(&key);
        Self(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(array)))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Lowercase hex, the key file's text form.
    pub fn to_hex(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(KEY_LEN * 2));
        for byte in self.0.iter() {
            out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
        }
        out
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.len() != KEY_LEN * 2 || !text.is_ascii() {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).ok()?;
            bytes[i] = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(Self(bytes))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        let key: &[u8; KEY_LEN] = &self.0;
        XChaCha20Poly1305::new(key.into())
    }

    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XNonce::generate();
        let payload = Payload {
            msg: plaintext,
            aad: purpose.as_bytes(),
        };
        // Encryption into a Vec cannot fail for inputs under 256 GiB.
        let sealed = self.cipher().encrypt(&nonce, payload).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, purpose: &str, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
        let (version, rest) = blob.split_first().ok_or(OpenFailed)?;
        if *version != FORMAT_V1 || rest.len() < NONCE_LEN {
            return Err(OpenFailed);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| OpenFailed)?;
        let payload = Payload {
            msg: sealed,
            aad: purpose.as_bytes(),
        };
        self.cipher()
            .decrypt(&nonce, payload)
            .map(Zeroizing::new)
            .map_err(|_| OpenFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_with_the_same_purpose_only() {
        let key = DataKey::generate();
        let blob = key.seal("service:1:client_secret", b"s3cret");
        assert!(!blob.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(
            key.open("service:1:client_secret", &blob)
                .unwrap()
                .as_slice(),
            b"s3cret"
        );
        assert!(key.open("service:2:client_secret", &blob).is_err());
        assert!(DataKey::generate()
            .open("service:1:client_secret", &blob)
            .is_err());
    }

    #[test]
    fn every_seal_uses_a_fresh_nonce() {
        let key = DataKey::generate();
        assert_ne!(key.seal("p", b"same"), key.seal("p", b"same"));
    }

    #[test]
    fn tampered_or_truncated_values_fail_to_open() {
        let key = DataKey::generate();
        let mut blob = key.seal("p", b"value");
        let last = blob.len() - 1;
        blob[last] ^= 1;
        assert!(key.open("p", &blob).is_err());
        assert!(key.open("p", &[]).is_err());
        assert!(key.open("p", &[1, 2, 3]).is_err());
    }

    #[test]
    fn hex_round_trips() {
        let key = DataKey::generate();
        let back = DataKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(key.as_bytes(), back.as_bytes());
        assert!(DataKey::from_hex("abc").is_none());
        assert!(DataKey::from_hex(&"zz".repeat(32)).is_none());
    }
}
