//! Merchant onboarding. There is no sign-up flow yet: `scripts/seed.sh` and tests insert merchants with this SQL.

use hsrc_shared::crypto::sha256_hex;

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// SQL that creates (or keeps) a merchant and its key pair. Keys are stored only as SHA-256 hashes.
#[allow(clippy::too_many_arguments)]
pub fn seed_sql(
    id: &str,
    name: &str,
    livemode: bool,
    hosts: &[&str],
    origins: &[&str],
    secret_key: &str,
    publishable_key: &str,
    now_ms: i64,
) -> String {
    let hosts = serde_json::to_string(hosts).unwrap_or_default();
    let origins = serde_json::to_string(origins).unwrap_or_default();
    let live = i64::from(livemode);
    let key = |kind: &str, key: &str| {
        format!(
            "INSERT OR IGNORE INTO api_keys (id, merchant_id, kind, livemode, key_hash, prefix, created_at) VALUES ({}, {}, '{kind}', {live}, {}, {}, {now_ms});",
            quote(&format!("key_{}", &sha256_hex(key.as_bytes())[..16])),
            quote(id),
            quote(&sha256_hex(key.as_bytes())),
            quote(&key[..key.len().min(12)])
        )
    };
    // A sandbox key pair the seed prints always works again after a seed, even if it was rolled or revoked since
    // (scripts/dev.sh prints these keys; before, a roll left it printing a dead key until the state was deleted).
    let restore = |key: &str| {
        if livemode {
            String::new()
        } else {
            format!(
                "UPDATE api_keys SET revoked_at = NULL, expires_at = NULL WHERE key_hash = {} AND livemode = 0;",
                quote(&sha256_hex(key.as_bytes()))
            )
        }
    };
    format!(
        "INSERT OR IGNORE INTO merchants (id, name, livemode, allowed_hosts, allowed_origins, created_at) VALUES ({}, {}, {live}, {}, {}, {now_ms});\n{}\n{}\n",
        quote(id),
        quote(name),
        quote(&hosts),
        quote(&origins),
        key("secret", secret_key) + &restore(secret_key),
        key("publishable", publishable_key) + &restore(publishable_key)
    )
}

/// Checks a merchant's allowlists before they are written: every host a valid allowlist entry (a wildcard only
/// over a registrable domain), every origin `https://` on an allowed host, and no loopback entry for a live
/// merchant. Returns the first problem.
pub fn allowlist_problem(hosts: &[&str], origins: &[&str], livemode: bool) -> Option<String> {
    let loopback = |h: &str| {
        let h = h.trim_start_matches("*.");
        h == "localhost" || h.ends_with(".localhost") || h.starts_with("127.") || h == "[::1]"
    };
    for (i, h) in hosts.iter().enumerate() {
        if let Err(e) = hsrc_shared::urls::validate_allowed_host(h, &format!("allowed_hosts[{i}]")) {
            return Some(e.message);
        }
        if livemode && loopback(h) {
            return Some(format!("allowed_hosts[{i}]: a live merchant cannot allow a loopback host."));
        }
    }
    for (i, o) in origins.iter().enumerate() {
        let Some((scheme, host)) = o.split_once("://") else {
            return Some(format!("allowed_origins[{i}] is not an origin (scheme://host[:port])."));
        };
        let host_only = if host.starts_with('[') {
            host.split_inclusive(']').next().unwrap_or(host)
        } else {
            host.split(':').next().unwrap_or(host)
        };
        let ok_scheme = scheme == "https" || (scheme == "http" && loopback(host_only) && !livemode);
        if !ok_scheme || host.contains('/') || hsrc_shared::urls::validate_allowed_host(host_only, "origin").is_err() {
            return Some(format!("allowed_origins[{i}] must be https://host (http only for a sandbox loopback)."));
        }
        if livemode && loopback(host_only) {
            return Some(format!("allowed_origins[{i}]: a live merchant cannot allow a loopback origin."));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlists_are_checked_before_they_are_written() {
        assert_eq!(
            allowlist_problem(&["merchant.example", "*.merchant.example"], &["https://merchant.example"], true),
            None
        );
        assert_eq!(allowlist_problem(&["localhost", "127.0.0.1"], &["http://127.0.0.1:8787"], false), None);
        assert!(allowlist_problem(&["localhost"], &[], true).is_some());
        assert!(allowlist_problem(&["127.0.0.1"], &[], true).is_some());
        assert!(allowlist_problem(&[], &["http://localhost:8787"], true).is_some());
        assert!(allowlist_problem(&["*.com.tr"], &[], false).is_some());
        assert!(allowlist_problem(&["*.example"], &[], false).is_some());
        assert!(allowlist_problem(&[], &["http://merchant.example"], false).is_some());
        assert!(allowlist_problem(&[], &["https://merchant.example/path"], false).is_some());
    }

    #[test]
    fn seeding_again_restores_sandbox_keys_but_never_live_ones() {
        let test = seed_sql("mer_t", "T", false, &[], &[], "sk_test_a", "pk_test_a", 1);
        assert!(test.contains("UPDATE api_keys SET revoked_at = NULL"));
        let live = seed_sql("mer_l", "L", true, &[], &[], "sk_live_a", "pk_live_a", 1);
        assert!(!live.contains("UPDATE api_keys"));
    }
}
