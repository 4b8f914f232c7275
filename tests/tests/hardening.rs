//! What only the running Worker can show about secrets (workerd, local D1/KV, the Worker's log): every key that
//! crossed the API is absent from storage and logs in the clear. Every attack a client can make on both sides is a
//! scenario in `hsrc_testkit::scenarios::{hardening, contract, keys}` (`tests/tests/scenarios.rs`).

use hsrc_e2e::{worker_state, Api};

fn key(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: scripts/seed.sh writes it to the keys file that scripts/test.sh exports")
    })
}

#[test]
fn secret_keys_are_never_stored_or_logged_in_the_clear() {
    let api = Api::from_env();
    // Traffic that carries every key in its Authorization header.
    for name in ["HSRC_SECRET_KEY", "HSRC_GUARD_SECRET_KEY", "HSRC_LIVE_SECRET_KEY", "HSRC_PUBLISHABLE_KEY"] {
        let k = key(name);
        let r = api.send("GET", "/v1/checkout-sessions?limit=1", Some(&k), None, &[]);
        assert!(r.status == 200 || r.status == 403, "{name}: {}", r.text);
        let r = api.send("GET", "/v1/nope", Some(&k), None, &[]);
        assert!(!r.text.contains(&k));
    }
    let files = worker_state::scanned_files();
    assert!(files.len() > 2);
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()).into_owned();
        for name in [
            "HSRC_SECRET_KEY",
            "HSRC_GUARD_SECRET_KEY",
            "HSRC_ROLL_SECRET_KEY",
            "HSRC_FLOOD_SECRET_KEY",
            "HSRC_LIVE_SECRET_KEY",
        ] {
            assert!(!text.contains(&key(name)), "{name} was found in {}", file.display());
        }
        // Our structured log lines never carry a webhook secret or a payer token.
        for line in text.lines().filter(|l| l.trim_start().starts_with('{')) {
            assert!(
                !line.contains("whsec_") && !line.contains("cst_") && !line.contains("/3ds/chl_"),
                "a secret was logged in {}: {line}",
                file.display()
            );
        }
    }
}
