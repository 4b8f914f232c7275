//! Fail closed: outside local development the Worker refuses every request with 503 `configuration_error` when a
//! key it needs is missing, too short or one of the public development values, instead of quietly running on
//! values anyone can read in this repository (with the public fingerprint key, the fingerprint + BIN + last4 sent
//! to merchants would let anyone recover a PAN offline).

use crate::platform::Config;
use hsrc_shared::{codes, ApiError, ErrorType};
use std::sync::atomic::{AtomicBool, Ordering};

/// Shortest acceptable `DATA_KEY` / `FINGERPRINT_KEY` (characters; e.g. `openssl rand -hex 32` gives 64).
pub const MIN_KEY_CHARS: usize = 32;

/// Values that appear in this repository and so protect nothing.
const DEVELOPMENT_VALUES: &[&str] = &["local-development-fingerprint-key", "local-development-data-key"];

/// True for a value from this repository (the defaults a development instance falls back to).
pub fn is_development_value(value: &str) -> bool {
    DEVELOPMENT_VALUES.contains(&value)
}

/// What is wrong with one secret, or `None`. `value` is `None` when unset.
fn key_problem(name: &str, value: Option<&str>) -> Option<String> {
    match value {
        None => Some(format!("{name} is not set")),
        Some(v) if is_development_value(v) => Some(format!("{name} is a public development value")),
        Some(v) if v.chars().count() < MIN_KEY_CHARS => {
            Some(format!("{name} is shorter than {MIN_KEY_CHARS} characters"))
        }
        Some(_) => None,
    }
}

/// Why a deployment with these settings must refuse requests (never names a value). `development` is the marker
/// the local scripts set; the keys are as read from the environment (`None` when unset).
pub fn problems(development: bool, data_key: Option<&str>, fingerprint_key: Option<&str>) -> Option<String> {
    if development {
        return None;
    }
    let found: Vec<String> = [key_problem("DATA_KEY", data_key), key_problem("FINGERPRINT_KEY", fingerprint_key)]
        .into_iter()
        .flatten()
        .collect();
    (!found.is_empty()).then(|| found.join("; "))
}

static LOGGED: AtomicBool = AtomicBool::new(false);

/// The 503 answer for a refusing deployment; logs the reason once per isolate.
pub fn refuse(config: &Config) -> Option<ApiError> {
    let reason = config.refusal.as_deref()?;
    if !LOGGED.swap(true, Ordering::Relaxed) {
        crate::log::error("configuration", &format!("refusing every request: {reason} (see README: Going live)"));
    }
    Some(ApiError::new(
        503,
        ErrorType::ApiError,
        codes::CONFIGURATION_ERROR,
        "This deployment is not configured for use: a required secret is missing or unsafe. The operator's log says which.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "0123456789abcdef0123456789abcdef0123";

    #[test]
    fn development_never_refuses() {
        assert_eq!(problems(true, None, None), None);
    }

    #[test]
    fn outside_development_missing_short_or_public_keys_refuse() {
        assert_eq!(problems(false, Some(GOOD), Some(GOOD)), None);
        assert!(problems(false, None, Some(GOOD)).unwrap().contains("DATA_KEY is not set"));
        assert!(problems(false, Some(GOOD), Some("short")).unwrap().contains("FINGERPRINT_KEY is shorter"));
        for dev in DEVELOPMENT_VALUES {
            assert!(problems(false, Some(dev), Some(GOOD)).unwrap().contains("public development value"));
        }
        let both = problems(false, None, None).unwrap();
        assert!(both.contains("DATA_KEY") && both.contains("FINGERPRINT_KEY"));
    }

    #[test]
    fn the_reason_never_holds_the_value() {
        let reason = problems(false, Some("tiny-secret"), Some(GOOD)).unwrap();
        assert!(!reason.contains("tiny-secret"));
    }
}
