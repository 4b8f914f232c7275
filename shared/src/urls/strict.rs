//! The strict parser: reads the raw string (`scheme://host[:port][/path][?query][#fragment]`, nothing else) and
//! refuses anything a WHATWG parser would have to repair; then the cross-check that the `url` crate reads the same
//! scheme, host and port.

use super::MAX_URL_LENGTH;
use crate::error::{codes, ApiError};
use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

pub(super) fn err(param: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid_code(codes::URL_INVALID, param, message)
}

/// Schemes that run code or read local data when navigated to.
pub(super) const DANGEROUS_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:", "file:", "blob:", "filesystem:"];

/// How the host of a URL reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HostKind {
    /// A DNS name, lower-cased, without a trailing dot.
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

/// The pieces of a URL as the strict parser read them.
#[derive(Debug)]
pub(super) struct Parts {
    pub(super) scheme: String,
    pub(super) host: HostKind,
    pub(super) port: Option<u16>,
    pub(super) has_fragment: bool,
}

/// Checks that apply to the whole raw string before any parsing.
pub(super) fn precheck(raw: &str, param: &str) -> Result<(), ApiError> {
    if raw.is_empty() {
        return Err(err(param, "The URL must not be empty."));
    }
    if raw.len() > MAX_URL_LENGTH {
        return Err(err(param, format!("The URL must be at most {MAX_URL_LENGTH} characters long.")));
    }
    // Browsers drop tabs and newlines and trim spaces before reading the scheme, so look for dangerous schemes the
    // way they would ("java\tscript:", " JavaScript:").
    let squashed: String =
        raw.chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(16).flat_map(char::to_lowercase).collect();
    if let Some(scheme) = DANGEROUS_SCHEMES.iter().find(|s| squashed.starts_with(*s)) {
        return Err(err(param, format!("{scheme} URLs are not allowed: give an absolute https:// URL.")));
    }
    if raw.chars().any(char::is_control) {
        return Err(err(param, "The URL must not contain control characters (tabs, newlines, NUL, …)."));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(err(param, "The URL must not contain whitespace: percent-encode spaces as %20."));
    }
    if !raw.is_ascii() {
        return Err(err(
            param,
            "The URL must contain only ASCII characters: percent-encode the path and query, and give \
             internationalised host names in punycode (xn--).",
        ));
    }
    if raw.contains('\\') {
        return Err(err(param, "The URL must not contain backslashes."));
    }
    Ok(())
}

pub(super) fn is_unreserved_or_sub_delim(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)
}

/// Checks the path, query and fragment (everything after the authority).
pub(super) fn check_tail(tail: &str, param: &str) -> Result<bool, ApiError> {
    let bytes = tail.as_bytes();
    let mut has_fragment = false;
    let mut in_path = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => {
                let hex = |j: usize| bytes.get(j).filter(|c| c.is_ascii_hexdigit()).map(|c| (*c as char).to_digit(16));
                let (Some(Some(hi)), Some(Some(lo))) = (hex(i + 1), hex(i + 2)) else {
                    return Err(err(
                        param,
                        "The URL has an invalid percent-encoding: '%' must be followed by two hex digits.",
                    ));
                };
                let decoded = hi * 16 + lo;
                if decoded < 0x20 || decoded == 0x7f {
                    return Err(err(param, "The URL must not contain percent-encoded control characters."));
                }
                if in_path && (decoded == u32::from(b'/') || decoded == u32::from(b'\\')) {
                    return Err(err(param, "The URL path must not contain percent-encoded slashes or backslashes."));
                }
                i += 3;
                continue;
            }
            b'?' => in_path = false,
            b'#' => {
                if has_fragment {
                    return Err(err(param, "The URL must not contain more than one '#'."));
                }
                has_fragment = true;
                in_path = false;
            }
            b'/' | b':' | b'@' => {}
            _ if is_unreserved_or_sub_delim(b) => {}
            _ => {
                return Err(err(
                    param,
                    format!("The URL contains a character that must be percent-encoded: '{}'.", b as char),
                ));
            }
        }
        i += 1;
    }
    Ok(has_fragment)
}

/// Reads a dotted-quad IPv4 address in its one canonical spelling ("127.0.0.1"; not "0x7f.1", "0177.0.0.1",
/// "2130706433" or "127.1").
pub(super) fn canonical_ipv4(host: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = host.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if part.len() > 1 && part.starts_with('0') {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// Whether the WHATWG parser would read this host as an IPv4 address (its last label is a number).
pub(super) fn looks_numeric(host: &str) -> bool {
    let last = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    let hex = last.strip_prefix("0x").or_else(|| last.strip_prefix("0X"));
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Validates a host (already free of '%', '@', whitespace) and classifies it.
pub(super) fn parse_host(host: &str, param: &str) -> Result<HostKind, ApiError> {
    if host.is_empty() {
        return Err(err(param, "The URL must have a host."));
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner =
            inner.strip_suffix(']').ok_or_else(|| err(param, "The URL's IPv6 host must be enclosed in [ ]."))?;
        return inner
            .parse::<Ipv6Addr>()
            .map(HostKind::Ipv6)
            .map_err(|_| err(param, "The URL's IPv6 host is not a valid IPv6 address."));
    }
    let lower = host.to_ascii_lowercase();
    if looks_numeric(&lower) {
        return canonical_ipv4(&lower).map(HostKind::Ipv4).ok_or_else(|| {
            err(param, "The URL's host is an IP address in a non-standard form: use dotted decimal like 203.0.113.7.")
        });
    }
    if lower.ends_with('.') {
        return Err(err(param, "The URL's host must not end with a dot."));
    }
    if lower.len() > 253 {
        return Err(err(param, "The URL's host is longer than 253 characters."));
    }
    for label in lower.split('.') {
        if label.is_empty() {
            return Err(err(param, "The URL's host has an empty label (two dots in a row or a leading dot)."));
        }
        if label.len() > 63 {
            return Err(err(param, "The URL's host has a label longer than 63 characters."));
        }
        if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(err(param, "The URL's host may contain only letters, digits, hyphens and dots."));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(err(param, "The URL's host has a label that starts or ends with a hyphen."));
        }
    }
    Ok(HostKind::Domain(lower))
}

/// The strict read of the raw string: `scheme://host[:port][/path][?query][#fragment]`, nothing else.
pub(super) fn parse_strict(raw: &str, param: &str) -> Result<Parts, ApiError> {
    precheck(raw, param)?;
    let Some((scheme, rest)) = raw.split_once(':') else {
        return Err(err(param, "The URL must be absolute and start with https://."));
    };
    let scheme_ok = scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok {
        // "//evil.example", "/path", "?x" and the like.
        return Err(err(
            param,
            "The URL must be absolute and start with https:// (protocol-relative and relative URLs are not allowed).",
        ));
    }
    let scheme = scheme.to_ascii_lowercase();
    let Some(after) = rest.strip_prefix("//") else {
        return Err(err(param, "The URL must have '//' after the scheme, as in https://merchant.example/."));
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, tail) = after.split_at(end);
    if authority.contains('@') {
        return Err(err(param, "The URL must not contain user information (user:password@)."));
    }
    if authority.contains('%') {
        return Err(err(param, "The URL's host must not contain percent-encoding."));
    }
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(close) => {
                let (h, p) = authority.split_at(close + 1);
                (
                    h,
                    if p.is_empty() {
                        None
                    } else {
                        Some(
                            p.strip_prefix(':')
                                .ok_or_else(|| err(param, "The URL has characters after its IPv6 host."))?,
                        )
                    },
                )
            }
            None => return Err(err(param, "The URL's IPv6 host must be enclosed in [ ].")),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => {
            let valid = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
            match p.parse::<u16>() {
                Ok(n) if valid && n > 0 => Some(n),
                _ => return Err(err(param, "The URL's port must be a number from 1 to 65535.")),
            }
        }
    };
    let host = parse_host(host, param)?;
    let has_fragment = check_tail(tail, param)?;
    Ok(Parts { scheme, host, port, has_fragment })
}

/// Parses with the WHATWG parser and insists it reads the same scheme, host and port as the strict parser.
pub(super) fn cross_check(raw: &str, parts: &Parts, param: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw).map_err(|e| err(param, format!("The URL could not be parsed: {e}.")))?;
    let same_host = match (url.host(), &parts.host) {
        (Some(Host::Domain(d)), HostKind::Domain(ours)) => d == ours,
        (Some(Host::Ipv4(a)), HostKind::Ipv4(ours)) => a == *ours,
        (Some(Host::Ipv6(a)), HostKind::Ipv6(ours)) => a == *ours,
        _ => false,
    };
    let default_port = match parts.scheme.as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    if url.scheme() != parts.scheme
        || !same_host
        || url.port_or_known_default() != parts.port.or(default_port)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.fragment().is_some() != parts.has_fragment
    {
        return Err(err(param, "The URL is ambiguous: browsers would read a different host than the one given."));
    }
    Ok(url)
}
