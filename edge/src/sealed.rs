//! Secrets we must keep but never store in the clear: webhook signing secrets (needed to sign later) and
//! idempotency replays (a create-session response carries the payer token, an endpoint response its `whsec_`).
//! Sealed with AES-256-GCM under a key from the Worker secret `DATA_KEY`; a fresh random nonce per value.

use crate::platform::Ctx;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;

const PREFIX: &str = "sealed:v1:";
const NONCE_LEN: usize = 12;

fn cipher(ctx: &Ctx<'_>) -> Aes256Gcm {
    // Any configured string becomes a 256-bit key; rotation would add a key id to PREFIX.
    let key = hsrc_shared::crypto::hmac_sha256(b"hsrc-data-key", ctx.config.data_key.as_bytes());
    Aes256Gcm::new(&key.into())
}

/// Encrypts `plaintext` for storage.
pub fn seal(ctx: &Ctx<'_>, plaintext: &[u8]) -> String {
    let nonce_bytes = ctx.random_bytes::<NONCE_LEN>();
    // Encryption with a valid key and nonce cannot fail for in-memory buffers.
    let ciphertext = cipher(ctx).encrypt(Nonce::from_slice(&nonce_bytes), plaintext).unwrap_or_default();
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&ciphertext);
    format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out))
}

/// Decrypts a stored value; `None` when it was tampered with or sealed under another key.
pub fn open(ctx: &Ctx<'_>, stored: &str) -> Option<Vec<u8>> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(stored.strip_prefix(PREFIX)?).ok()?;
    if raw.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
    cipher(ctx).decrypt(Nonce::from_slice(nonce), ciphertext).ok()
}

pub fn open_string(ctx: &Ctx<'_>, stored: &str) -> Option<String> {
    open(ctx, stored).and_then(|b| String::from_utf8(b).ok())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_round_trip_and_hide_their_content() {
        let h = crate::native::Harness::new();
        let ctx = h.ctx();
        let sealed = seal(&ctx, b"whsec_secret");
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("whsec"));
        assert_ne!(sealed, seal(&ctx, b"whsec_secret"), "a fresh nonce every time");
        assert_eq!(open_string(&ctx, &sealed).as_deref(), Some("whsec_secret"));
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(open(&ctx, &tampered), None);
        assert_eq!(open(&ctx, "whsec_plain"), None);
    }
}
