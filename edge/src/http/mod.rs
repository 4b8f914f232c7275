//! Framework-free HTTP types: the Worker glue converts to and from these, and native tests drive the whole API
//! through them without a server.

use hsrc_shared::{codes, ApiError, ErrorType};
use serde::{de::DeserializeOwned, Serialize};

/// Bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// JSON nested deeper than this is refused before parsing.
pub const MAX_JSON_DEPTH: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
    Options,
    Other,
}

impl Method {
    pub fn parse(m: &str) -> Self {
        match m.to_ascii_uppercase().as_str() {
            "GET" | "HEAD" => Self::Get,
            "POST" => Self::Post,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            "OPTIONS" => Self::Options,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Other => "OTHER",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ApiRequest {
    pub fn new(method: Method, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p.to_string(), parse_query(q)),
            None => (path_and_query.to_string(), Vec::new()),
        };
        Self { method, path, query, headers: Vec::new(), body: Vec::new() }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn with_json(mut self, body: &serde_json::Value) -> Self {
        self.body = body.to_string().into_bytes();
        self.with_header("content-type", "application/json")
    }

    /// Parses the JSON body into `T`, with the API's error model for every way that can fail.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.len() > MAX_BODY_BYTES {
            return Err(ApiError::new(
                413,
                ErrorType::InvalidRequestError,
                codes::BODY_TOO_LARGE,
                format!("Request bodies are limited to {MAX_BODY_BYTES} bytes."),
            ));
        }
        let empty = self.body.iter().all(u8::is_ascii_whitespace);
        let body: &[u8] = if empty { b"{}" } else { &self.body };
        if !empty {
            let content_type = self.header("content-type").unwrap_or("");
            if !content_type.to_ascii_lowercase().starts_with("application/json") {
                return Err(ApiError::new(
                    415,
                    ErrorType::InvalidRequestError,
                    codes::UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as JSON with `Content-Type: application/json`.",
                ));
            }
        }
        if json_depth(body) > MAX_JSON_DEPTH {
            return Err(ApiError::invalid_code(
                codes::BODY_INVALID_JSON,
                "body",
                format!("JSON may nest at most {MAX_JSON_DEPTH} levels."),
            ));
        }
        let mut de = serde_json::Deserializer::from_slice(body);
        let value = deserialize_with_path(&mut de)?;
        de.end().map_err(|e| {
            ApiError::invalid_code(codes::BODY_INVALID_JSON, "body", format!("The body is not valid JSON: {e}."))
        })?;
        Ok(value)
    }
}

/// Maps serde's messages to the error model: unknown fields, missing fields and wrong types name their field as a
/// bracketed path (`customer[email]`), the way merchants write form-encoded parameters.
fn deserialize_with_path<'de, T: DeserializeOwned>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let raw = e.path().to_string();
        let path = if raw == "." { String::new() } else { bracket_path(&raw) };
        let inner = e.into_inner();
        let msg = inner.to_string();
        let clean = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::invalid_code(
                codes::BODY_INVALID_JSON,
                "body",
                format!("The body is not valid JSON: {clean}."),
            );
        }
        if msg.starts_with("unknown field") {
            ApiError::invalid_code(
                codes::PARAMETER_UNKNOWN,
                path.clone(),
                format!("Received unknown parameter: {path}."),
            )
        } else if msg.starts_with("missing field") {
            let field = between(&msg, "`", "`").unwrap_or_default();
            ApiError::missing(if path.is_empty() { field } else { format!("{path}[{field}]") })
        } else {
            let param = if path.is_empty() { "body".to_string() } else { path };
            ApiError::invalid(param.clone(), format!("Invalid value for {param}: {}.", without_value(&clean)))
        }
    })
}

/// serde's "invalid type: integer `4242…`, expected a string" quotes the value it got, which may be a card number:
/// keep only what was expected, and never anything between backticks.
fn without_value(msg: &str) -> String {
    if let Some((_, expected)) = msg.split_once(", expected ") {
        return format!("expected {expected}");
    }
    let mut out = String::with_capacity(msg.len());
    for (i, part) in msg.split('`').enumerate() {
        out.push_str(if i % 2 == 0 { part } else { "…" });
    }
    hsrc_shared::pan_scan::redact_card_numbers(&out)
}

/// `customer.email` → `customer[email]`, `custom_fields[2].key` → `custom_fields[2][key]`.
fn bracket_path(dotted: &str) -> String {
    let mut out = String::new();
    for (i, seg) in dotted.split('.').enumerate() {
        let (name, index) = match seg.find('[') {
            Some(at) => (&seg[..at], &seg[at..]),
            None => (seg, ""),
        };
        if i == 0 {
            out.push_str(name);
        } else {
            out.push('[');
            out.push_str(name);
            out.push(']');
        }
        out.push_str(index);
    }
    out
}

fn between(s: &str, open: &str, close: &str) -> Option<String> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(s[start..end].to_string())
}

/// Maximum nesting of a JSON text, counted without parsing it (strings are skipped).
fn json_depth(body: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Decoded `name=value` pairs of a query string, in order (`+` is a space, `%xx` a byte; bad UTF-8 is replaced).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

/// What a response sends: bytes, or a file of the static assets that the platform fetches (the handler only decides
/// which file and its headers). Reads as bytes (`&resp.body`): an asset's are its inlined payer view, if any.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Bytes(Vec<u8>),
    Asset {
        /// Path of the file in the static assets (`/checkout.html`).
        path: &'static str,
        /// The payer view (JSON) to put into the checkout shell's marker, when the page may carry it.
        inline_view: Option<Vec<u8>>,
        /// The form's markup for the shell's body (`hsrc_widget::markup`), with the view.
        prerendered: Option<Prerendered>,
    },
}

/// The payment form rendered for a session, to go into the checkout shell with its payer view.
#[derive(Debug, Clone, PartialEq)]
pub struct Prerendered {
    /// The page language (`<html lang>`).
    pub lang: &'static str,
    /// The markup of the checkout region.
    pub html: String,
}

impl Body {
    pub fn empty() -> Self {
        Self::Bytes(Vec::new())
    }

    /// The static asset this response serves, if it is one.
    pub fn asset(&self) -> Option<&'static str> {
        match self {
            Self::Asset { path, .. } => Some(path),
            Self::Bytes(_) => None,
        }
    }
}

impl std::ops::Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Bytes(bytes) => bytes,
            Self::Asset { inline_view, .. } => inline_view.as_deref().unwrap_or_default(),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Bytes(bytes)
    }
}

impl ApiResponse {
    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        // Our own types always serialize; a failure here is a bug, answered as a 500 rather than a panic.
        match serde_json::to_vec(value) {
            Ok(body) => Self::json_bytes(status, body),
            Err(_) => Self::error(&ApiError::internal()),
        }
    }

    /// A JSON body serialized beforehand.
    pub fn json_bytes(status: u16, body: Vec<u8>) -> Self {
        Self { status, headers: vec![("content-type".into(), "application/json".into())], body: body.into() }
    }

    pub fn ok<T: Serialize>(value: &T) -> Self {
        Self::json(200, value)
    }

    pub fn error(err: &ApiError) -> Self {
        // Last line of defence: no message or param built from input may carry a card number out (or into a replay).
        let mut err = err.clone();
        err.message = hsrc_shared::pan_scan::redact_card_numbers(&err.message);
        err.param = err.param.map(|p| hsrc_shared::pan_scan::redact_card_numbers(&p));
        let mut resp = Self::json(err.status, &err.body());
        if err.status == 429 {
            resp.headers.push(("retry-after".into(), "1".into()));
        }
        resp
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json_body(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl From<ApiError> for ApiResponse {
    fn from(e: ApiError) -> Self {
        Self::error(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_nesting_outside_strings() {
        assert_eq!(json_depth(br#"{"a":[1,{"b":"[[[["}]}"#), 3);
    }

    #[test]
    fn query_is_percent_decoded() {
        assert_eq!(
            parse_query("a=b%20c&d=%2F&e"),
            vec![("a".into(), "b c".into()), ("d".into(), "/".into()), ("e".into(), "".into())]
        );
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        amount: i64,
    }

    fn req(body: &str) -> ApiRequest {
        let mut r = ApiRequest::new(Method::Post, "/x").with_header("content-type", "application/json");
        r.body = body.as_bytes().to_vec();
        r
    }

    #[test]
    fn body_errors_name_their_field() {
        let e = req(r#"{"amount":1,"evil":2}"#).json::<Body>().unwrap_err();
        assert_eq!((e.code.as_str(), e.param.as_deref()), (codes::PARAMETER_UNKNOWN, Some("evil")));
        let e = req(r#"{}"#).json::<Body>().unwrap_err();
        assert_eq!((e.code.as_str(), e.param.as_deref()), (codes::PARAMETER_MISSING, Some("amount")));
        let e = req(r#"{"amount":"x"}"#).json::<Body>().unwrap_err();
        assert_eq!(e.code, codes::PARAMETER_INVALID);
        let e = req(r#"{"amount":1"#).json::<Body>().unwrap_err();
        assert_eq!(e.code, codes::BODY_INVALID_JSON);
        let e = req(&format!("{}1{}", "[".repeat(40), "]".repeat(40))).json::<Body>().unwrap_err();
        assert_eq!(e.code, codes::BODY_INVALID_JSON);
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Card {
        number: String,
    }

    #[test]
    fn type_errors_name_the_field_but_never_echo_the_value() {
        let e = req(r#"{"number":4242424242424242}"#).json::<Card>().unwrap_err();
        assert_eq!(e.param.as_deref(), Some("number"));
        assert!(!e.message.contains("4242"), "{}", e.message);
        assert!(e.message.contains("expected a string"), "{}", e.message);
        let e = req(r#"{"number":["4242424242424242"]}"#).json::<Card>().unwrap_err();
        assert!(!e.message.contains("4242"), "{}", e.message);
        let e = req(r#"{"amount":"4242424242424242"}"#).json::<Body>().unwrap_err();
        assert!(!e.message.contains("4242"), "{}", e.message);
        let e = req(r#"{"4242424242424242":1}"#).json::<Body>().unwrap_err();
        let body = String::from_utf8(ApiResponse::error(&e).body.to_vec()).unwrap();
        assert!(!body.contains("4242424242424242"), "{body}");
    }

    #[test]
    fn nested_paths_use_brackets() {
        assert_eq!(bracket_path("customer.email"), "customer[email]");
        assert_eq!(bracket_path("custom_fields[2].key"), "custom_fields[2][key]");
    }

    #[test]
    fn json_bodies_need_a_json_content_type() {
        let mut r = ApiRequest::new(Method::Post, "/x").with_header("content-type", "text/plain");
        r.body = br#"{"amount":1}"#.to_vec();
        assert_eq!(r.json::<Body>().unwrap_err().status, 415);
    }
}
