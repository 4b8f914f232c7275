//! Secrets we must keep but never store in the clear: webhook signing secrets (needed to sign later) and
//! idempotency replays (a create-session response carries the payer token).
//!
//! AES-256-GCM under a key derived from the Worker secret `DATA_KEY`, a fresh random nonce per value, and:
//! - a key id in the stored text (`sealed:v2:<kid>:…`), so `DATA_KEY` can be rotated: the new key seals, old keys
//!   (`DATA_KEYS_OLD`) only open, and the re-seal job rewrites old values under the current key;
//! - associated data naming the table, column and row, so a value copied into another row does not open.
//!
//! `sealed:v1:` values (no key id, no associated data) from before still open, under any configured key, until
//! the re-seal job has rewritten them.

use crate::platform::Ctx;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;

const V1: &str = "sealed:v1:";
const V2: &str = "sealed:v2:";
const NONCE_LEN: usize = 12;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where a sealed value lives: it opens only there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aad(String);

impl Aad {
    pub fn new(table: &str, column: &str, row: &str) -> Self {
        Self(format!("hsrc-sealed\n{table}\n{column}\n{row}"))
    }
}

fn cipher(secret: &str) -> Aes256Gcm {
    // Any configured string becomes a 256-bit key.
    let key = hsrc_shared::crypto::hmac_sha256(b"hsrc-data-key", secret.as_bytes());
    Aes256Gcm::new(&key.into())
}

/// Encrypts `plaintext` for storage at `aad`, under the current key.
pub fn seal(ctx: &Ctx<'_>, plaintext: &[u8], aad: &Aad) -> String {
    let nonce_bytes = ctx.random_bytes::<NONCE_LEN>();
    let payload = Payload { msg: plaintext, aad: aad.0.as_bytes() };
    // Encryption with a valid key and nonce cannot fail for in-memory buffers.
    let ciphertext = cipher(&ctx.config.data_key).encrypt(Nonce::from_slice(&nonce_bytes), payload).unwrap_or_default();
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&ciphertext);
    format!("{V2}{}:{}", ctx.config.data_key_id, B64.encode(out))
}

/// Decrypts a stored value; `None` when it was tampered with, moved from another row, or sealed under a key that
/// is not configured.
pub fn open(ctx: &Ctx<'_>, stored: &str, aad: &Aad) -> Option<Vec<u8>> {
    if let Some(rest) = stored.strip_prefix(V2) {
        let (kid, body) = rest.split_once(':')?;
        let secret = key_for(ctx, kid)?;
        let (nonce, ciphertext) = split(body)?;
        return cipher(secret)
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: aad.0.as_bytes() })
            .ok();
    }
    let (nonce, ciphertext) = split(stored.strip_prefix(V1)?)?;
    std::iter::once(ctx.config.data_key.as_str())
        .chain(ctx.config.data_keys_old.iter().map(|(_, k)| k.as_str()))
        .find_map(|secret| cipher(secret).decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice()).ok())
}

pub fn open_string(ctx: &Ctx<'_>, stored: &str, aad: &Aad) -> Option<String> {
    open(ctx, stored, aad).and_then(|b| String::from_utf8(b).ok())
}

/// True when the value is not sealed under the current key in the current format (the re-seal job's filter).
pub fn needs_reseal(ctx: &Ctx<'_>, stored: &str) -> bool {
    !stored.starts_with(&format!("{V2}{}:", ctx.config.data_key_id))
}

/// Re-seals a stored value under the current key; `None` when it does not open (left alone, and reported).
pub fn reseal(ctx: &Ctx<'_>, stored: &str, aad: &Aad) -> Option<String> {
    open(ctx, stored, aad).map(|plain| seal(ctx, &plain, aad))
}

fn key_for<'c>(ctx: &'c Ctx<'_>, kid: &str) -> Option<&'c str> {
    if kid == ctx.config.data_key_id {
        return Some(ctx.config.data_key.as_str());
    }
    ctx.config.data_keys_old.iter().find(|(id, _)| id == kid).map(|(_, k)| k.as_str())
}

fn split(b64: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let raw = B64.decode(b64).ok()?;
    if raw.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
    Some((nonce.to_vec(), ciphertext.to_vec()))
}
