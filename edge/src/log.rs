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
    #[cfg(target_arch = "wasm32")]
    worker::console_log!("{}", line);
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("HSRC_LOG").is_some() {
        eprintln!("{line}");
    }
}

/// A request path fit for logs: the payer token segment (a bearer secret) is replaced.
pub fn redact_path(path: &str) -> String {
    match path.split_once("/token/") {
        Some((head, tail)) => {
            let rest = tail.split_once('/').map(|(_, r)| format!("/{r}")).unwrap_or_default();
            format!("{head}/token/[redacted]{rest}")
        }
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_redacted_from_paths() {
        assert_eq!(super::redact_path("/v1/checkout-sessions/token/cst_abc/confirm"), "/v1/checkout-sessions/token/[redacted]/confirm");
        assert_eq!(super::redact_path("/v1/checkout-sessions/token/cst_abc"), "/v1/checkout-sessions/token/[redacted]");
        assert_eq!(super::redact_path("/v1/health"), "/v1/health");
    }
}
