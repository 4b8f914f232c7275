//! Standard Webhooks signing and verification (<https://www.standardwebhooks.com>).
//!
//! Every delivery carries three headers: `webhook-id` (the event id, stable across retries so receivers can
//! dedupe), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`: one or more space-separated
//! `v1,<base64 HMAC-SHA256>` signatures of `"{id}.{timestamp}.{body}"` over the exact bytes sent, keyed with the
//! endpoint's secret (`whsec_<base64 of 24–64 random bytes>`). During secret rotation a delivery is signed with
//! both the old and the new secret.

use crate::crypto::{constant_time_eq, hmac_sha256};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Header carrying the message id.
pub const HEADER_ID: &str = "webhook-id";
/// Header carrying the attempt's Unix timestamp in seconds.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// Header carrying the space-separated signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// Prefix of a serialised secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// How far a timestamp may be from the receiver's clock, either way, in seconds.
pub const TOLERANCE_SECS: i64 = 300;
/// Fewest secret bytes accepted.
pub const MIN_SECRET_BYTES: usize = 24;
/// Most secret bytes accepted.
pub const MAX_SECRET_BYTES: usize = 64;
/// The spec's example retry schedule: delay in seconds before each attempt, the first being immediate
/// (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h).
pub const RETRY_SCHEDULE_SECS: [u64; 10] = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];

/// The delay before attempt number `attempt` (0 = the first delivery), or `None` once the schedule is exhausted
/// and the delivery should be given up (dead-lettered).
pub fn retry_delay_secs(attempt: usize) -> Option<u64> {
    RETRY_SCHEDULE_SECS.get(attempt).copied()
}

/// An endpoint's signing key. `Debug` never prints it; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// Why a secret could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The key is shorter than 24 or longer than 64 bytes.
    #[error("a webhook secret must be 24 to 64 bytes long, got {0}")]
    WrongLength(usize),
    /// The string does not start with `whsec_`.
    #[error("a webhook secret must start with \"whsec_\"")]
    MissingPrefix,
    /// The part after `whsec_` is not standard base64.
    #[error("a webhook secret must be base64 after \"whsec_\"")]
    InvalidBase64,
}

impl WebhookSecret {
    /// Wraps freshly generated random bytes (the caller owns the CSPRNG: this crate does no I/O). 24–64 bytes.
    pub fn from_random_bytes(bytes: &[u8]) -> Result<Self, SecretError> {
        if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&bytes.len()) {
            return Err(SecretError::WrongLength(bytes.len()));
        }
        Ok(Self { key: bytes.to_vec() })
    }

    /// Reads a `whsec_<base64>` string (as shown to the merchant and stored by us).
    pub fn parse(s: &str) -> Result<Self, SecretError> {
        let encoded = s.trim().strip_prefix(SECRET_PREFIX).ok_or(SecretError::MissingPrefix)?;
        let key = STANDARD.decode(encoded).map_err(|_| SecretError::InvalidBase64)?;
        Self::from_random_bytes(&key)
    }

    /// The `whsec_<base64>` form: shown to the merchant once, and how the secret is stored.
    pub fn to_whsec_string(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.key))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.key
    }

    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> [u8; 32] {
        let prefix = format!("{msg_id}.{timestamp}.");
        let mut content = Vec::with_capacity(prefix.len() + body.len());
        content.extend_from_slice(prefix.as_bytes());
        content.extend_from_slice(body);
        hmac_sha256(&self.key, &content)
    }
}

/// Signs one delivery: `"v1,<base64 HMAC-SHA256 of {msg_id}.{timestamp}.{body}>"`. `body` must be the exact bytes
/// sent.
pub fn sign(secret: &WebhookSecret, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    format!("v1,{}", STANDARD.encode(secret.mac(msg_id, timestamp, body)))
}

/// The `webhook-signature` header value: one signature per secret, space-separated (several during rotation).
pub fn signature_header(secrets: &[&WebhookSecret], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().map(|s| sign(s, msg_id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// Why a delivery failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A required header (named) is absent or empty.
    #[error("missing required header {0}")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not an integer number of seconds.
    #[error("invalid webhook-timestamp header")]
    InvalidTimestamp,
    /// The timestamp is more than the tolerance in the past (a replay, or a very late delivery).
    #[error("message timestamp too old")]
    TimestampTooOld,
    /// The timestamp is more than the tolerance in the future.
    #[error("message timestamp too new")]
    TimestampTooNew,
    /// No `v1` signature in the header matches.
    #[error("no matching signature found")]
    NoMatchingSignature,
}

/// Verifies a delivery as a receiver does: headers present, timestamp within ±[`TOLERANCE_SECS`] of `now`, and at
/// least one `v1` signature in the space-separated header matching in constant time. Signatures of other versions
/// are ignored.
pub fn verify(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp_header: &str,
    signature_header: &str,
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    if msg_id.trim().is_empty() {
        return Err(VerifyError::MissingHeader(HEADER_ID));
    }
    let timestamp_header = timestamp_header.trim();
    if timestamp_header.is_empty() {
        return Err(VerifyError::MissingHeader(HEADER_TIMESTAMP));
    }
    if signature_header.trim().is_empty() {
        return Err(VerifyError::MissingHeader(HEADER_SIGNATURE));
    }
    if !timestamp_header.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::InvalidTimestamp);
    }
    let timestamp: i64 = timestamp_header.parse().map_err(|_| VerifyError::InvalidTimestamp)?;
    if now.saturating_sub(timestamp) > TOLERANCE_SECS {
        return Err(VerifyError::TimestampTooOld);
    }
    if timestamp.saturating_sub(now) > TOLERANCE_SECS {
        return Err(VerifyError::TimestampTooNew);
    }
    let expected = secret.mac(msg_id, timestamp, body);
    let mut matched = false;
    for candidate in signature_header.split_whitespace() {
        let Some((version, signature)) = candidate.split_once(',') else { continue };
        if version != "v1" {
            continue;
        }
        let Ok(decoded) = STANDARD.decode(signature) else { continue };
        // Keep comparing after a match so timing does not reveal which signature matched.
        matched |= constant_time_eq(&decoded, &expected);
    }
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatchingSignature)
    }
}

/// [`verify`] for a receiver holding the request's headers: `header(name)` looks one up by its lower-case name
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature`; HTTP header names are case-insensitive, so look them up
/// that way). Returns the verified message id, which receivers use to dedupe retries.
pub fn verify_headers<'h>(
    secret: &WebhookSecret,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
    now: i64,
) -> Result<&'h str, VerifyError> {
    let msg_id = header(HEADER_ID).ok_or(VerifyError::MissingHeader(HEADER_ID))?;
    let timestamp = header(HEADER_TIMESTAMP).ok_or(VerifyError::MissingHeader(HEADER_TIMESTAMP))?;
    let signature = header(HEADER_SIGNATURE).ok_or(VerifyError::MissingHeader(HEADER_SIGNATURE))?;
    verify(secret, msg_id, timestamp, signature, body, now)?;
    Ok(msg_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known-answer vector of the Standard Webhooks reference libraries (recomputed independently with HMAC-SHA256).
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TS: i64 = 1614265330;
    const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn spec_secret() -> WebhookSecret {
        WebhookSecret::parse(SPEC_SECRET).unwrap()
    }

    fn other_secret() -> WebhookSecret {
        WebhookSecret::from_random_bytes(&[7u8; 32]).unwrap()
    }

    #[test]
    fn signs_the_known_answer_vector() {
        assert_eq!(sign(&spec_secret(), SPEC_ID, SPEC_TS, SPEC_BODY), SPEC_SIG);
    }

    #[test]
    fn verifies_the_known_answer_vector() {
        assert_eq!(verify(&spec_secret(), SPEC_ID, "1614265330", SPEC_SIG, SPEC_BODY, SPEC_TS), Ok(()));
    }

    #[test]
    fn secret_round_trips_and_redacts() {
        let s = spec_secret();
        assert_eq!(s.as_bytes().len(), 24);
        assert_eq!(s.to_whsec_string(), SPEC_SECRET);
        assert_eq!(format!("{s:?}"), "WebhookSecret([redacted])");
        let fresh = WebhookSecret::from_random_bytes(&[1u8; 64]).unwrap();
        assert_eq!(WebhookSecret::parse(&fresh.to_whsec_string()), Ok(fresh));
    }

    #[test]
    fn secret_rejections() {
        assert_eq!(WebhookSecret::from_random_bytes(&[0u8; 23]), Err(SecretError::WrongLength(23)));
        assert_eq!(WebhookSecret::from_random_bytes(&[0u8; 65]), Err(SecretError::WrongLength(65)));
        assert_eq!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Err(SecretError::MissingPrefix));
        assert_eq!(WebhookSecret::parse("whsec_not base64!"), Err(SecretError::InvalidBase64));
        assert_eq!(WebhookSecret::parse("whsec_AAAA"), Err(SecretError::WrongLength(3)));
        assert!(SecretError::MissingPrefix.to_string().contains("whsec_"));
    }

    #[test]
    fn rotation_header_carries_every_signature_and_either_secret_verifies() {
        let (old, new) = (spec_secret(), other_secret());
        let header = signature_header(&[&old, &new], SPEC_ID, SPEC_TS, SPEC_BODY);
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], SPEC_SIG);
        assert_eq!(parts[1], sign(&new, SPEC_ID, SPEC_TS, SPEC_BODY));
        for secret in [&old, &new] {
            assert_eq!(verify(secret, SPEC_ID, "1614265330", &header, SPEC_BODY, SPEC_TS), Ok(()));
        }
        let stranger = WebhookSecret::from_random_bytes(&[9u8; 24]).unwrap();
        assert_eq!(
            verify(&stranger, SPEC_ID, "1614265330", &header, SPEC_BODY, SPEC_TS),
            Err(VerifyError::NoMatchingSignature)
        );
    }

    #[test]
    fn tolerance_is_five_minutes_each_way() {
        let s = spec_secret();
        let v = |now: i64| verify(&s, SPEC_ID, "1614265330", SPEC_SIG, SPEC_BODY, now);
        assert_eq!(v(SPEC_TS + 300), Ok(()));
        assert_eq!(v(SPEC_TS - 300), Ok(()));
        assert_eq!(v(SPEC_TS + 301), Err(VerifyError::TimestampTooOld));
        assert_eq!(v(SPEC_TS - 301), Err(VerifyError::TimestampTooNew));
        assert_eq!(v(i64::MAX), Err(VerifyError::TimestampTooOld));
        assert_eq!(v(i64::MIN), Err(VerifyError::TimestampTooNew));
    }

    #[test]
    fn tampering_is_detected() {
        let s = spec_secret();
        let cases: &[(&str, &str, &str, &[u8])] = &[
            ("body", SPEC_ID, SPEC_SIG, br#"{"test": 2432232315}"#),
            ("id", "msg_other", SPEC_SIG, SPEC_BODY),
            ("signature", SPEC_ID, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=", SPEC_BODY),
            ("truncated", SPEC_ID, "v1,g0hM9SsE+OTPJTGt", SPEC_BODY),
            ("not base64", SPEC_ID, "v1,!!!", SPEC_BODY),
            ("other version", SPEC_ID, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SPEC_BODY),
            ("no version", SPEC_ID, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SPEC_BODY),
            ("v1a", SPEC_ID, "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SPEC_BODY),
        ];
        for &(what, id, sig, body) in cases {
            assert_eq!(
                verify(&s, id, "1614265330", sig, body, SPEC_TS),
                Err(VerifyError::NoMatchingSignature),
                "{what}"
            );
        }
        // A timestamp changed to fit the window also breaks the signature.
        assert_eq!(
            verify(&s, SPEC_ID, "1614265331", SPEC_SIG, SPEC_BODY, SPEC_TS),
            Err(VerifyError::NoMatchingSignature)
        );
    }

    #[test]
    fn ignores_unknown_versions_next_to_a_valid_signature() {
        let s = spec_secret();
        let header = format!("v2,abc v1a,zzz {SPEC_SIG} v1,bm90IGl0");
        assert_eq!(verify(&s, SPEC_ID, "1614265330", &header, SPEC_BODY, SPEC_TS), Ok(()));
        let header = format!("  v1,bm90IGl0   {SPEC_SIG}  ");
        assert_eq!(verify(&s, SPEC_ID, "1614265330", &header, SPEC_BODY, SPEC_TS), Ok(()));
    }

    #[test]
    fn missing_and_invalid_headers() {
        let s = spec_secret();
        assert_eq!(
            verify(&s, "", "1614265330", SPEC_SIG, SPEC_BODY, SPEC_TS),
            Err(VerifyError::MissingHeader(HEADER_ID))
        );
        assert_eq!(
            verify(&s, SPEC_ID, " ", SPEC_SIG, SPEC_BODY, SPEC_TS),
            Err(VerifyError::MissingHeader(HEADER_TIMESTAMP))
        );
        assert_eq!(
            verify(&s, SPEC_ID, "1614265330", "", SPEC_BODY, SPEC_TS),
            Err(VerifyError::MissingHeader(HEADER_SIGNATURE))
        );
        for ts in ["abc", "-1614265330", "+1614265330", "1614265330.0", "1e9", "99999999999999999999"] {
            assert_eq!(
                verify(&s, SPEC_ID, ts, SPEC_SIG, SPEC_BODY, SPEC_TS),
                Err(VerifyError::InvalidTimestamp),
                "{ts}"
            );
        }
        assert_eq!(VerifyError::MissingHeader(HEADER_ID).to_string(), "missing required header webhook-id");
        let boxed: Box<dyn std::error::Error> = Box::new(VerifyError::TimestampTooOld);
        assert_eq!(boxed.to_string(), "message timestamp too old");
    }

    #[test]
    fn signs_exact_bytes_including_non_utf8() {
        let s = other_secret();
        let body = [0xff, 0x00, b'{', b'}'];
        let sig = sign(&s, "msg_1", 1_700_000_000, &body);
        assert!(sig.starts_with("v1,"));
        assert_eq!(verify(&s, "msg_1", "1700000000", &sig, &body, 1_700_000_000), Ok(()));
        assert_eq!(
            verify(&s, "msg_1", "1700000000", &sig, &body[..3], 1_700_000_000),
            Err(VerifyError::NoMatchingSignature)
        );
    }

    #[test]
    fn retry_schedule_matches_the_spec_example() {
        assert_eq!(retry_delay_secs(0), Some(0));
        assert_eq!(retry_delay_secs(1), Some(5));
        assert_eq!(retry_delay_secs(9), Some(86_400));
        assert_eq!(retry_delay_secs(10), None);
        let total: u64 = RETRY_SCHEDULE_SECS.iter().sum();
        assert!(total > 3 * 86_400, "retries span days");
    }

    #[test]
    fn verify_headers_reads_the_three_headers() {
        let s = spec_secret();
        let headers = [(HEADER_ID, SPEC_ID), (HEADER_TIMESTAMP, "1614265330"), (HEADER_SIGNATURE, SPEC_SIG)];
        let lookup = |drop: &'static str| {
            move |name: &str| headers.iter().find(|(k, _)| *k == name && *k != drop).map(|(_, v)| *v)
        };
        assert_eq!(verify_headers(&s, lookup(""), SPEC_BODY, SPEC_TS), Ok(SPEC_ID));
        for missing in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
            assert_eq!(
                verify_headers(&s, lookup(missing), SPEC_BODY, SPEC_TS),
                Err(VerifyError::MissingHeader(missing))
            );
        }
        assert_eq!(verify_headers(&s, lookup(""), b"{}", SPEC_TS), Err(VerifyError::NoMatchingSignature));
    }
}
