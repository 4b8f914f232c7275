//! Sealed values (AES-GCM with the row and column as associated data, a key id for rotation): round trip,
//! tamper and swap refusal, rotation. On the native harness for its configured keys and seeded random source.

use hsrc_edge::accounts::sealed::{needs_reseal, open, open_string, reseal, seal, Aad};
use hsrc_testkit::native::Harness;

/// The stored prefix of the current format (the key id follows).
const V2: &str = "sealed:v2:";

fn here() -> Aad {
    Aad::new("webhook_endpoints", "secret", "we_1")
}

#[test]
fn sealed_values_round_trip_and_hide_their_content() {
    let h = Harness::new();
    let ctx = h.ctx();
    let sealed = seal(&ctx, b"whsec_secret", &here());
    assert!(sealed.starts_with(V2) && !sealed.contains("whsec"));
    assert_ne!(sealed, seal(&ctx, b"whsec_secret", &here()), "a fresh nonce every time");
    assert_eq!(open_string(&ctx, &sealed, &here()).as_deref(), Some("whsec_secret"));
    let mut tampered = sealed.clone();
    tampered.pop();
    tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(open(&ctx, &tampered, &here()), None);
    assert_eq!(open(&ctx, "whsec_plain", &here()), None);
}

#[test]
fn a_value_moved_to_another_row_or_column_does_not_open() {
    let h = Harness::new();
    let ctx = h.ctx();
    let sealed = seal(&ctx, b"whsec_secret", &here());
    assert_eq!(open(&ctx, &sealed, &Aad::new("webhook_endpoints", "secret", "we_2")), None);
    assert_eq!(open(&ctx, &sealed, &Aad::new("idempotency_keys", "response_body", "we_1")), None);
}

#[test]
fn rotation_keeps_old_values_readable_until_resealed() {
    let mut h = Harness::new();
    let old = seal(&h.ctx(), b"whsec_secret", &here());
    let old_kid = h.config.data_key_id.clone();
    let old_key = h.config.data_key.clone();
    h.config.data_keys_old = vec![(old_kid, old_key)];
    h.config.data_key = "a-new-data-key-after-rotation-0123456789".into();
    h.config.data_key_id = "k2".into();
    let ctx = h.ctx();
    assert!(needs_reseal(&ctx, &old));
    assert_eq!(open_string(&ctx, &old, &here()).as_deref(), Some("whsec_secret"));
    let new = reseal(&ctx, &old, &here()).unwrap();
    assert!(new.starts_with("sealed:v2:k2:") && !needs_reseal(&ctx, &new));
    assert_eq!(open_string(&ctx, &new, &here()).as_deref(), Some("whsec_secret"));
    // Without the old key listed, the old value no longer opens: it fails, it is never used unsealed.
    drop(ctx);
    h.config.data_keys_old.clear();
    assert_eq!(open(&h.ctx(), &old, &here()), None);
}
