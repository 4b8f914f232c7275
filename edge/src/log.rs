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
