//! Structured logs: one JSON line per entry, always with the request id when there is one. Callers pass only
//! identifiers and codes — never card data, tokens, keys, secrets or challenge content.

pub fn info(kind: &str, message: &str) {
    emit("info", kind, message);
}

pub fn error(kind: &str, message: &str) {
    emit("error", kind, message);
}

fn emit(level: &str, kind: &str, message: &str) {
    let line = serde_json::json!({ "level": level, "kind": kind, "message": message }).to_string();
    // The Workers runtime collects the console (what `worker::console_log!` does, without the Cloudflare crate).
    #[cfg(target_arch = "wasm32")]
    web_sys::console::log_1(&line.into());
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("HSRC_LOG").is_some() {
        eprintln!("{line}");
    }
}

/// A request path fit for logs: the segments that work as bearer secrets are replaced — the payer token
/// (`/token/<token>`) and the 3DS challenge id (`/3ds/<id>`: whoever holds it can answer the challenge).
pub fn redact_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut redact_next = false;
    for segment in path.split('/') {
        out.push(if redact_next && !segment.is_empty() { "[redacted]" } else { segment });
        // `bins`: a BIN route never accepts more than 8 digits, but a caller could still send a whole number.
        redact_next = matches!(segment, "token" | "3ds" | "bins");
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_redacted_from_paths() {
        assert_eq!(
            super::redact_path("/v1/checkout-sessions/token/cst_abc/confirm"),
            "/v1/checkout-sessions/token/[redacted]/confirm"
        );
        assert_eq!(super::redact_path("/v1/checkout-sessions/token/cst_abc"), "/v1/checkout-sessions/token/[redacted]");
        assert_eq!(super::redact_path("/v1/health"), "/v1/health");
        assert_eq!(super::redact_path("/v1/3ds/chl_abc/complete"), "/v1/3ds/[redacted]/complete");
        assert_eq!(super::redact_path("/checkout/3ds/chl_abc"), "/checkout/3ds/[redacted]");
        assert_eq!(super::redact_path("/v1/checkout-sessions/token/"), "/v1/checkout-sessions/token/");
    }
}
