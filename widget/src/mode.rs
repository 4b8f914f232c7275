//! Where the app runs (embedded iframe, hosted page, 3DS challenge) and the URL rules it follows.

use crate::i18n::Lang;

/// What the page is, decided from `location.pathname` and its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `/checkout/embed?token=…&origin=…`: the form inside the merchant's page. `parent_origin` is the merchant
    /// page origin the Worker checked against the allowlist; messages go only there.
    Embed { token: String, parent_origin: Option<String> },
    /// `/checkout/hosted?token=…`: the same form as a full page.
    Hosted { token: String },
    /// `/checkout/3ds/<id>`: the sandbox challenge.
    Challenge { id: String },
    /// `/elements/card?key=pk_…&origin=…`: the card element of API-only payments (#15).
    CardElement { key: String, parent_origin: Option<String> },
    /// Anything else (or a missing token).
    Invalid,
}

impl Mode {
    /// Reads the mode from the path and the (already decoded) `token` and `origin` query values.
    pub fn detect(pathname: &str, token: Option<String>, origin: Option<String>) -> Self {
        let path = pathname.trim_end_matches('/');
        let token = token.map(|t| t.trim().to_string()).filter(|t| is_safe_id(t));
        if path == "/elements/card" {
            // The card element is addressed by the merchant's publishable key (passed as `token` by the caller).
            return match token.filter(|k| k.starts_with("pk_")) {
                Some(key) => Self::CardElement { key, parent_origin: origin.filter(|o| is_origin(o)) },
                None => Self::Invalid,
            };
        }
        match (path, token) {
            ("/checkout/embed", Some(token)) => Self::Embed { token, parent_origin: origin.filter(|o| is_origin(o)) },
            ("/checkout/hosted", Some(token)) => Self::Hosted { token },
            _ => match path.strip_prefix("/checkout/3ds/") {
                Some(id) if is_safe_id(id) => Self::Challenge { id: id.to_string() },
                _ => Self::Invalid,
            },
        }
    }

    /// The value of `<html data-mode>`, which the stylesheet keys on.
    pub fn css_name(&self) -> &'static str {
        match self {
            Self::Embed { .. } => "embed",
            Self::Hosted { .. } | Self::Invalid => "hosted",
            Self::Challenge { .. } => "challenge",
            Self::CardElement { .. } => "card",
        }
    }
}

/// Tokens and ids are URL-safe words; anything else never reaches an API path.
pub fn is_safe_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 256
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `scheme://host[:port]` with an http(s) scheme and nothing after it.
pub fn is_origin(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")) else {
        return false;
    };
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// Whether a navigation target is an absolute http(s) URL (never `javascript:`, `data:` or protocol-relative).
pub fn is_http_url(value: &str) -> bool {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !value.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// Whether a next-action URL stays on our own origin: a root-relative path, or an absolute URL on `own_origin`.
pub fn is_same_origin_path(url: &str, own_origin: &str) -> bool {
    let path = if let Some(rest) = url.strip_prefix(own_origin) { rest } else { url };
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => {
                let mut escaped = String::from("%");
                push_hex(&mut escaped, b, b"0123456789ABCDEF");
                escaped
            }
        })
        .collect()
}

/// Appends the two hex digits of `byte`, from `digits` (upper or lower case), without the `fmt` hex machinery.
pub fn push_hex(out: &mut String, byte: u8, digits: &[u8; 16]) {
    out.push(char::from(digits[usize::from(byte >> 4)]));
    out.push(char::from(digits[usize::from(byte & 15)]));
}

/// Appends `key=value` to a URL's query, before any `#fragment`.
pub fn with_query_param(url: &str, key: &str, value: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let sep = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{sep}{}={}", encode_query_value(key), encode_query_value(value));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The language: the loader's `locale` override wins over the session's.
pub fn pick_lang(override_tag: Option<&str>, session: Lang) -> Lang {
    override_tag.and_then(Lang::parse).unwrap_or(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_come_from_the_path() {
        assert_eq!(
            Mode::detect("/checkout/embed", Some("tok_abc".into()), Some("https://shop.example".into())),
            Mode::Embed { token: "tok_abc".into(), parent_origin: Some("https://shop.example".into()) }
        );
        assert_eq!(
            Mode::detect("/checkout/hosted/", Some("tok_abc".into()), None),
            Mode::Hosted { token: "tok_abc".into() }
        );
        assert_eq!(Mode::detect("/checkout/3ds/ch_123", None, None), Mode::Challenge { id: "ch_123".into() });
        assert_eq!(Mode::detect("/checkout/embed", None, None), Mode::Invalid);
        assert_eq!(
            Mode::detect("/elements/card", Some("pk_test_1".into()), Some("https://shop.example".into())),
            Mode::CardElement { key: "pk_test_1".into(), parent_origin: Some("https://shop.example".into()) }
        );
        assert_eq!(Mode::detect("/elements/card", Some("sk_test_1".into()), None), Mode::Invalid);
        assert_eq!(Mode::detect("/checkout/hosted", Some("../../v1/x".into()), None), Mode::Invalid);
        assert_eq!(Mode::detect("/checkout/3ds/../../x", None, None), Mode::Invalid);
    }

    #[test]
    fn a_bad_parent_origin_is_dropped_not_used() {
        for bad in ["*", "null", "javascript:alert(1)", "https://shop.example/path", "https://"] {
            assert_eq!(
                Mode::detect("/checkout/embed", Some("t".into()), Some(bad.into())),
                Mode::Embed { token: "t".into(), parent_origin: None },
                "{bad}"
            );
        }
        assert!(is_origin("http://127.0.0.1:8787"));
    }

    #[test]
    fn only_http_urls_are_navigated_to() {
        assert!(is_http_url("https://merchant.example/return"));
        assert!(is_http_url("HTTP://localhost:3000/x"));
        for bad in
            ["javascript:alert(1)", "data:text/html,x", "//evil.example", "/relative", "https://a b", "https:\\\\evil"]
        {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn challenge_urls_must_stay_on_our_origin() {
        let own = "http://127.0.0.1:8787";
        assert!(is_same_origin_path("/checkout/3ds/ch_1", own));
        assert!(is_same_origin_path("http://127.0.0.1:8787/checkout/3ds/ch_1", own));
        assert!(!is_same_origin_path("https://evil.example/3ds", own));
        assert!(!is_same_origin_path("//evil.example/3ds", own));
        assert!(!is_same_origin_path("javascript:alert(1)", own));
    }

    #[test]
    fn return_url_gets_the_session_id_appended() {
        assert_eq!(
            with_query_param("https://m.example/return", "checkout_session_id", "cs_1"),
            "https://m.example/return?checkout_session_id=cs_1"
        );
        assert_eq!(
            with_query_param("https://m.example/return?order=7#top", "checkout_session_id", "cs_1"),
            "https://m.example/return?order=7&checkout_session_id=cs_1#top"
        );
        assert_eq!(with_query_param("https://m.example/?", "k", "a b&c"), "https://m.example/?k=a%20b%26c");
    }

    #[test]
    fn loader_locale_overrides_the_session() {
        assert_eq!(pick_lang(Some("en"), Lang::Tr), Lang::En);
        assert_eq!(pick_lang(Some("xx"), Lang::Tr), Lang::Tr);
        assert_eq!(pick_lang(None, Lang::En), Lang::En);
    }
}
