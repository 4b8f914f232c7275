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
    format!(
        "INSERT OR IGNORE INTO merchants (id, name, livemode, allowed_hosts, allowed_origins, created_at) VALUES ({}, {}, {live}, {}, {}, {now_ms});\n{}\n{}\n",
        quote(id),
        quote(name),
        quote(&hosts),
        quote(&origins),
        key("secret", secret_key),
        key("publishable", publishable_key)
    )
}
