//! URL validation: the open-redirect defence for `url`, `return_url` and `cancel_url`, and the SSRF defence for
//! webhook endpoints.
//!
//! Two parsers look at every URL. First a deliberately strict one of ours reads the *raw* string: the WHATWG
//! parser that browsers (and the `url` crate) use silently repairs backslashes, tabs, newlines, percent-encoded
//! hosts and odd IPv4 spellings, and each repair is a known open-redirect trick, so anything that would need a
//! repair is refused with a message saying what is wrong. Then the `url` crate (WHATWG) parses the same string and
//! must agree with us on scheme, host and port: if the browser would see a different host than we checked, the URL
//! is refused. The returned string is the WHATWG serialisation, i.e. exactly what a browser will navigate to.
//!
//! Host allowlist entries are exact hosts (`merchant.example`) or wildcards (`*.merchant.example`). A wildcard
//! matches exactly **one** extra label (`shop.merchant.example`, not `a.b.merchant.example` and not
//! `merchant.example` itself), like a TLS wildcard certificate: a merchant who wants deeper names lists them.

use crate::error::{codes, ApiError};
use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// Longest URL accepted, in bytes.
pub const MAX_URL_LENGTH: usize = 2048;

/// Which redirect URLs a merchant's session may use.
#[derive(Debug, Clone, Copy)]
pub struct UrlPolicy<'a> {
    /// Exact hosts (`merchant.example`, `127.0.0.1`, `[::1]`) or one-label wildcards (`*.merchant.example`),
    /// compared case-insensitively. IP addresses match only when listed exactly; wildcards never match them.
    pub allowed_hosts: &'a [String],
    /// Test mode: loopback hosts (`localhost`, `127.0.0.1`, `[::1]`) are accepted over `http` or `https` even when
    /// they are not on the allowlist, for local development.
    pub allow_localhost_http: bool,
    /// Whether a `#fragment` may be present.
    pub allow_fragment: bool,
}

fn err(param: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid_code(codes::URL_INVALID, param, message)
}

/// Schemes that run code or read local data when navigated to.
const DANGEROUS_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:", "file:", "blob:", "filesystem:"];

/// How the host of a URL reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostKind {
    /// A DNS name, lower-cased, without a trailing dot.
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

/// The pieces of a URL as the strict parser read them.
#[derive(Debug)]
struct Parts {
    scheme: String,
    host: HostKind,
    port: Option<u16>,
    has_fragment: bool,
}

/// Checks that apply to the whole raw string before any parsing.
fn precheck(raw: &str, param: &str) -> Result<(), ApiError> {
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

fn is_unreserved_or_sub_delim(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)
}

/// Checks the path, query and fragment (everything after the authority).
fn check_tail(tail: &str, param: &str) -> Result<bool, ApiError> {
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
fn canonical_ipv4(host: &str) -> Option<Ipv4Addr> {
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
fn looks_numeric(host: &str) -> bool {
    let last = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    let hex = last.strip_prefix("0x").or_else(|| last.strip_prefix("0X"));
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Validates a host (already free of '%', '@', whitespace) and classifies it.
fn parse_host(host: &str, param: &str) -> Result<HostKind, ApiError> {
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
fn parse_strict(raw: &str, param: &str) -> Result<Parts, ApiError> {
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
fn cross_check(raw: &str, parts: &Parts, param: &str) -> Result<Url, ApiError> {
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

fn is_loopback_host(host: &HostKind) -> bool {
    match host {
        HostKind::Domain(d) => d == "localhost",
        HostKind::Ipv4(a) => *a == Ipv4Addr::LOCALHOST,
        HostKind::Ipv6(a) => *a == Ipv6Addr::LOCALHOST,
    }
}

/// Whether `host` (a lower-case DNS name) matches one allowlist entry. Punycode (`xn--`) labels are accepted only
/// where the entry itself spells them, so a homograph of an allowed host never matches through a wildcard.
fn domain_matches(host: &str, entry: &str) -> bool {
    let entry = entry.trim().trim_end_matches('.').to_ascii_lowercase();
    if let Some(base) = entry.strip_prefix("*.") {
        let Some(label) = host.strip_suffix(base).and_then(|h| h.strip_suffix('.')) else { return false };
        !label.is_empty() && !label.contains('.') && !label.starts_with("xn--") && !base.is_empty()
    } else {
        host == entry
    }
}

/// Whether an IP host matches an allowlist entry spelled as an address ("127.0.0.1", "[::1]" or "::1").
fn ip_matches(host: &HostKind, entry: &str) -> bool {
    let entry = entry.trim();
    let bare = entry.strip_prefix('[').and_then(|e| e.strip_suffix(']')).unwrap_or(entry);
    match host {
        HostKind::Ipv4(a) => canonical_ipv4(bare) == Some(*a),
        HostKind::Ipv6(a) => bare.parse::<Ipv6Addr>().ok() == Some(*a),
        HostKind::Domain(_) => false,
    }
}

/// Whether a URL host (as written in a URL: `merchant.example`, `127.0.0.1`, `[::1]`) is on the allowlist, by the
/// same rules [`validate_redirect_url`] uses. Useful for checking origins (e.g. `postMessage`, CSP) against the
/// merchant's list.
pub fn host_allowed(host: &str, allowed_hosts: &[String]) -> bool {
    match parse_host(host, "host") {
        Ok(HostKind::Domain(d)) => allowed_hosts.iter().any(|e| domain_matches(&d, e)),
        Ok(ip) => allowed_hosts.iter().any(|e| ip_matches(&ip, e)),
        Err(_) => false,
    }
}

/// Validates and normalises one allowlist entry a merchant configures: an exact host (`merchant.example`), a
/// one-label wildcard (`*.merchant.example`, at least two labels after the `*.`), a dotted-quad IPv4 address or a
/// bracketed IPv6 address. Returns the lower-cased entry. Errors use [`codes::URL_INVALID`].
pub fn validate_allowed_host(entry: &str, param: &str) -> Result<String, ApiError> {
    precheck(entry, param)?;
    if entry.contains(['/', ':', '@', '%', '?', '#']) && !entry.starts_with('[') {
        return Err(err(param, "An allowed host is a host name only, without scheme, port or path."));
    }
    let (wildcard, host) = match entry.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, entry),
    };
    if host.contains('*') {
        return Err(err(param, "A wildcard is allowed only as the first label: *.merchant.example."));
    }
    match parse_host(host, param)? {
        HostKind::Domain(d) if wildcard && (!d.contains('.') || is_multi_label_public_suffix(&d)) => {
            Err(err(param, "A wildcard must cover a registrable domain: *.merchant.example, not *.example."))
        }
        HostKind::Domain(d) if wildcard => Ok(format!("*.{d}")),
        HostKind::Domain(d) => Ok(d),
        _ if wildcard => Err(err(param, "A wildcard cannot cover an IP address.")),
        HostKind::Ipv4(a) => Ok(a.to_string()),
        HostKind::Ipv6(a) => Ok(format!("[{a}]")),
    }
}

/// Public suffixes of two labels under which anyone can register a domain (`*.com.tr` would allow every Turkish
/// company's site). Not the whole Public Suffix List: the common ones for our markets and the big registries; one-
/// label suffixes (`*.com`) are refused by the label count already.
const MULTI_LABEL_PUBLIC_SUFFIXES: &[&str] = &[
    "com.tr",
    "net.tr",
    "org.tr",
    "gen.tr",
    "biz.tr",
    "info.tr",
    "web.tr",
    "av.tr",
    "dr.tr",
    "bel.tr",
    "gov.tr",
    "edu.tr",
    "k12.tr",
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "me.uk",
    "ltd.uk",
    "plc.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "co.kr",
    "com.br",
    "com.cn",
    "com.mx",
    "co.in",
    "co.za",
    "com.sg",
    "com.hk",
    "com.de",
    "co.il",
    "com.ua",
    "com.pl",
    "co.id",
    "github.io",
    "herokuapp.com",
    "workers.dev",
    "pages.dev",
    "vercel.app",
    "netlify.app",
    "appspot.com",
    "azurewebsites.net",
    "cloudfront.net",
    "blogspot.com",
    "firebaseapp.com",
    "web.app",
];

fn is_multi_label_public_suffix(domain: &str) -> bool {
    MULTI_LABEL_PUBLIC_SUFFIXES.contains(&domain)
}

/// Validates a redirect target (`url`, `return_url`, `cancel_url`) against the merchant's policy and returns the
/// normalised URL (WHATWG serialisation: lower-case scheme and host, default port dropped, `/` path when empty).
///
/// Rules: absolute `https://` URL (or `http` to a loopback host when `allow_localhost_http`); no dangerous scheme
/// (`javascript:`, `data:`, `vbscript:`, `file:` in any case or with hidden whitespace); no protocol-relative or
/// scheme-without-`//` forms; no userinfo; no backslash, whitespace, control or non-ASCII character anywhere; no
/// percent-encoding in the host nor encoded slashes in the path; canonical IPv4 only; host on the allowlist exactly
/// or by a one-label wildcard, `xn--` labels only where the allowlist spells them; IP hosts only when listed; any
/// port 1–65535; at most 2048 characters; a fragment only when `allow_fragment`.
///
/// Errors use [`codes::URL_INVALID`] (400) with `param` and a message saying what is wrong.
pub fn validate_redirect_url(raw: &str, param: &str, policy: &UrlPolicy) -> Result<String, ApiError> {
    let parts = parse_strict(raw, param)?;
    let loopback_ok = policy.allow_localhost_http && is_loopback_host(&parts.host);
    match parts.scheme.as_str() {
        "https" => {}
        "http" if loopback_ok => {}
        "http" if policy.allow_localhost_http => {
            return Err(err(param, "The URL must use https (http is allowed only for localhost in test mode)."))
        }
        _ => return Err(err(param, "The URL must use https.")),
    }
    if parts.has_fragment && !policy.allow_fragment {
        return Err(err(param, "The URL must not contain a fragment (#…)."));
    }
    let allowed = loopback_ok
        || match &parts.host {
            HostKind::Domain(d) => policy.allowed_hosts.iter().any(|e| domain_matches(d, e)),
            ip => policy.allowed_hosts.iter().any(|e| ip_matches(ip, e)),
        };
    if !allowed {
        let message = match &parts.host {
            HostKind::Domain(d) => format!("The URL's host '{d}' is not on the merchant's allowed hosts list."),
            _ => "The URL's host is an IP address that is not on the merchant's allowed hosts list.".to_string(),
        };
        return Err(err(param, message));
    }
    let url = cross_check(raw, &parts, param)?;
    Ok(url.into())
}

/// Host names that never point at the public internet.
const INTERNAL_SUFFIXES: &[&str] =
    &["localhost", "local", "internal", "localdomain", "home.arpa", "lan", "intranet", "corp", "private"];

fn is_internal_name(host: &str) -> bool {
    !host.contains('.')
        || INTERNAL_SUFFIXES.iter().any(|s| host == *s || host.strip_suffix(s).is_some_and(|h| h.ends_with('.')))
}

/// Whether an IPv4 address is not publicly routable: "this network", private (RFC 1918), CGNAT, loopback,
/// link-local, IETF protocol assignments, documentation, benchmarking, multicast, reserved and broadcast.
pub fn is_non_public_ipv4(a: Ipv4Addr) -> bool {
    let [o1, o2, o3, _] = a.octets();
    o1 == 0
        || o1 == 10
        || (o1 == 100 && (64..=127).contains(&o2))
        || o1 == 127
        || (o1 == 169 && o2 == 254)
        || (o1 == 172 && (16..=31).contains(&o2))
        || (o1 == 192 && o2 == 0 && o3 == 0)
        || (o1 == 192 && o2 == 0 && o3 == 2)
        || (o1 == 192 && o2 == 88 && o3 == 99)
        || (o1 == 192 && o2 == 168)
        || (o1 == 198 && (18..=19).contains(&o2))
        || (o1 == 198 && o2 == 51 && o3 == 100)
        || (o1 == 203 && o2 == 0 && o3 == 113)
        || o1 >= 224
}

/// Whether an IPv6 address is not publicly routable: unspecified, loopback, IPv4-mapped/compatible, NAT64 and
/// 6to4 addresses that embed a non-public IPv4, unique local (fc00::/7), link-local (fe80::/10), site-local
/// (fec0::/10), multicast, documentation (2001:db8::/32) and discard (100::/64).
pub fn is_non_public_ipv6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    if a.is_unspecified() || a.is_loopback() {
        return true;
    }
    let embedded = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    // ::a.b.c.d (deprecated IPv4-compatible) is never a real public host; ::ffff:a.b.c.d (mapped) is as public as
    // the address it embeds.
    if s[..5] == [0; 5] && s[5] == 0 {
        return true;
    }
    if s[..5] == [0; 5] && s[5] == 0xffff {
        return is_non_public_ipv4(embedded(s[6], s[7]));
    }
    // 64:ff9b::a.b.c.d (NAT64).
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_non_public_ipv4(embedded(s[6], s[7]));
    }
    // 2002:aabb:ccdd::/48 (6to4).
    if s[0] == 0x2002 {
        return is_non_public_ipv4(embedded(s[1], s[2]));
    }
    (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] & 0xff00) == 0xff00
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || s[..4] == [0x100, 0, 0, 0]
}

/// Validates a webhook endpoint URL and returns it normalised (WHATWG serialisation).
///
/// Rules: absolute `https://` (test mode also allows `http://`, to any host, since local receivers are used in
/// tests); no userinfo; no fragment; at most 2048 characters; the same whitespace, control character, backslash,
/// non-ASCII, percent-encoded-host and non-canonical-IPv4 rejections as [`validate_redirect_url`]. In live mode the
/// host must be public: no `localhost`, single-label names, `.local`, `.internal`, `.localdomain`, `.home.arpa`,
/// `.lan`, `.intranet`, `.corp`, `.private`, and no IP literal in a private, loopback, link-local, CGNAT,
/// unique-local or otherwise reserved range. (Names that resolve to private addresses cannot be seen here; the
/// delivery runtime must not be able to reach private networks.)
///
/// Errors use [`codes::URL_INVALID`] (400) with `param`.
pub fn validate_webhook_url(raw: &str, param: &str, livemode: bool) -> Result<String, ApiError> {
    let parts = parse_strict(raw, param)?;
    match parts.scheme.as_str() {
        "https" => {}
        "http" if !livemode => {}
        "http" => return Err(err(param, "Live-mode webhook URLs must use https.")),
        _ => return Err(err(param, "The webhook URL must use https.")),
    }
    if parts.has_fragment {
        return Err(err(param, "The webhook URL must not contain a fragment (#…): it is never sent to the server."));
    }
    if livemode {
        let internal = match &parts.host {
            HostKind::Domain(d) => is_internal_name(d),
            HostKind::Ipv4(a) => is_non_public_ipv4(*a),
            HostKind::Ipv6(a) => is_non_public_ipv6(*a),
        };
        if internal {
            return Err(err(
                param,
                "Live-mode webhook URLs must point at a public host: private, loopback, link-local and internal \
                 addresses and names are not allowed.",
            ));
        }
    }
    let url = cross_check(raw, &parts, param)?;
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hosts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn check(raw: &str, allowed: &[&str], localhost: bool, fragment: bool) -> Result<String, ApiError> {
        let allowed = hosts(allowed);
        let policy = UrlPolicy { allowed_hosts: &allowed, allow_localhost_http: localhost, allow_fragment: fragment };
        validate_redirect_url(raw, "return_url", &policy)
    }

    fn redirect(raw: &str) -> Result<String, ApiError> {
        check(raw, &["merchant.example", "good.example", "*.shop.example", "xn--mnchen-3ya.example"], false, false)
    }

    fn rejected(raw: &str, needle: &str) {
        let e = redirect(raw).expect_err(raw);
        assert_eq!(e.code, codes::URL_INVALID, "{raw}");
        assert_eq!(e.status, 400);
        assert_eq!(e.param.as_deref(), Some("return_url"));
        assert!(e.message.to_lowercase().contains(&needle.to_lowercase()), "{raw:?}: {}", e.message);
    }

    #[test]
    fn accepts_and_normalises_allowed_urls() {
        let cases = [
            ("https://merchant.example/return", "https://merchant.example/return"),
            ("https://merchant.example", "https://merchant.example/"),
            ("HTTPS://Merchant.Example/Done?order=42&x=a%20b", "https://merchant.example/Done?order=42&x=a%20b"),
            ("https://merchant.example:8443/r", "https://merchant.example:8443/r"),
            ("https://merchant.example:443/r", "https://merchant.example/r"),
            ("https://a.shop.example/r", "https://a.shop.example/r"),
            ("https://merchant.example/a/../b", "https://merchant.example/b"),
            ("https://merchant.example/?next=%2Forders", "https://merchant.example/?next=%2Forders"),
            ("https://xn--mnchen-3ya.example/", "https://xn--mnchen-3ya.example/"),
        ];
        for (raw, want) in cases {
            assert_eq!(redirect(raw).as_deref(), Ok(want), "{raw}");
        }
    }

    #[test]
    fn rejects_javascript_scheme() {
        rejected("javascript:alert(1)", "javascript:");
    }

    #[test]
    fn rejects_javascript_scheme_in_other_case() {
        rejected("JaVaScRiPt:alert(1)", "javascript:");
    }

    #[test]
    fn rejects_javascript_scheme_with_embedded_tab() {
        rejected("java\tscript:alert(1)", "javascript:");
    }

    #[test]
    fn rejects_javascript_scheme_with_embedded_newline_and_leading_space() {
        rejected(" java\nscript:alert(1)", "javascript:");
        rejected("\u{0}javascript:alert(1)", "javascript:");
    }

    #[test]
    fn rejects_data_scheme() {
        rejected("data:text/html;base64,PHNjcmlwdD4=", "data:");
        rejected("DATA:text/html,x", "data:");
    }

    #[test]
    fn rejects_vbscript_scheme() {
        rejected("vbscript:msgbox(1)", "vbscript:");
    }

    #[test]
    fn rejects_file_scheme() {
        rejected("file:///etc/passwd", "file:");
    }

    #[test]
    fn rejects_protocol_relative() {
        rejected("//evil.example/", "absolute");
    }

    #[test]
    fn rejects_slash_backslash() {
        rejected("/\\evil.example", "backslash");
    }

    #[test]
    fn rejects_backslashes_anywhere() {
        rejected("https:\\\\evil.example", "backslash");
        rejected("https://merchant.example\\@evil.example/", "backslash");
        rejected("https://merchant.example/\\evil.example", "backslash");
    }

    #[test]
    fn rejects_scheme_without_slashes() {
        rejected("https:evil.example", "'//'");
        rejected("https:/evil.example", "'//'");
    }

    #[test]
    fn rejects_userinfo() {
        rejected("https://merchant.example@evil.example/", "user information");
        rejected("https://user:pass@merchant.example/", "user information");
        rejected("https://@merchant.example/", "user information");
    }

    #[test]
    fn rejects_allowed_host_as_prefix_of_another_domain() {
        rejected("https://merchant.example.evil/", "not on the merchant's allowed hosts");
        rejected("https://good.example.evil.com/", "not on the merchant's allowed hosts");
        rejected("https://evilmerchant.example/", "not on the merchant's allowed hosts");
        rejected("https://evil.example/?merchant.example", "not on the merchant's allowed hosts");
    }

    #[test]
    fn rejects_whitespace_and_control_characters() {
        rejected("https://merchant.example/a b", "whitespace");
        rejected("https://merchant.example/\u{a0}", "whitespace");
        rejected("https://merchant.example/\r\nLocation:x", "control");
        rejected("https://merchant.example\t/", "control");
        rejected("https://merchant.example/\u{7f}", "control");
        rejected("https://merchant.example/\u{202e}", "ascii");
    }

    #[test]
    fn rejects_percent_encoded_host() {
        rejected("https://good%2eexample/", "percent-encoding");
        rejected("https://merchant.example%2f%2fevil.example/", "percent-encoding");
    }

    #[test]
    fn rejects_percent_encoded_slashes() {
        rejected("https:%2f%2fevil.example", "'//'");
        rejected("https://merchant.example/%2f%2fevil.example", "encoded slashes");
        rejected("https://merchant.example/%5Cevil.example", "encoded slashes");
        rejected("https://merchant.example/%0d%0aSet-Cookie:x", "control");
        rejected("https://merchant.example/%zz", "percent-encoding");
        rejected("https://merchant.example/%4", "percent-encoding");
    }

    #[test]
    fn rejects_non_ascii_and_idn_hosts() {
        rejected("https://mеrchant.example/", "ascii"); // Cyrillic 'е'
        rejected("https://münchen.example/", "ascii");
        rejected("https://merchant.example。evil/", "ascii");
    }

    #[test]
    fn rejects_punycode_homograph_of_allowed_host() {
        // "mеrchant.example" with a Cyrillic 'е', in punycode: not spelled on the allowlist.
        rejected("https://xn--mrchant-3ve.example/", "not on the merchant's allowed hosts");
        // A wildcard does not admit punycode labels the merchant never spelled.
        rejected("https://xn--80ak6aa92e.shop.example/", "not on the merchant's allowed hosts");
    }

    #[test]
    fn accepts_ports_and_rejects_bad_ports() {
        assert!(redirect("https://merchant.example:1/").is_ok());
        assert!(redirect("https://merchant.example:65535/").is_ok());
        rejected("https://merchant.example:0/", "port");
        rejected("https://merchant.example:65536/", "port");
        rejected("https://merchant.example:/", "port");
        rejected("https://merchant.example:44a/", "port");
        rejected("https://merchant.example:443:443/", "port");
    }

    #[test]
    fn rejects_over_long_urls() {
        let long = format!("https://merchant.example/{}", "a".repeat(MAX_URL_LENGTH));
        rejected(&long, "2048");
        let exact = format!("https://merchant.example/{}", "a".repeat(MAX_URL_LENGTH - 25));
        assert_eq!(exact.len(), MAX_URL_LENGTH);
        assert!(redirect(&exact).is_ok());
    }

    #[test]
    fn fragments_follow_the_policy() {
        rejected("https://merchant.example/#top", "fragment");
        rejected("https://merchant.example/#", "fragment");
        assert_eq!(
            check("https://merchant.example/a#top", &["merchant.example"], false, true).as_deref(),
            Ok("https://merchant.example/a#top")
        );
        let e = check("https://merchant.example/a#top#x", &["merchant.example"], false, true).unwrap_err();
        assert!(e.message.contains("'#'"));
    }

    #[test]
    fn rejects_empty_host() {
        rejected("https:///path", "host");
        rejected("https://", "host");
        rejected("https://:443/", "host");
        rejected("https://?x", "host");
    }

    #[test]
    fn rejects_empty_and_relative() {
        rejected("", "empty");
        rejected("/return", "absolute");
        rejected("merchant.example/return", "absolute");
        rejected("?next=x", "absolute");
    }

    #[test]
    fn rejects_hex_ipv4_literal() {
        rejected("https://0x7f000001/", "non-standard");
    }

    #[test]
    fn rejects_decimal_ipv4_literal() {
        rejected("https://2130706433/", "non-standard");
    }

    #[test]
    fn rejects_other_ipv4_spellings() {
        rejected("https://127.1/", "non-standard");
        rejected("https://0177.0.0.1/", "non-standard");
        rejected("https://127.0.0.0x1/", "non-standard");
        rejected("https://1.2.3.4.5/", "non-standard");
        rejected("https://256.0.0.1/", "non-standard");
        rejected("https://merchant.example.123/", "non-standard");
    }

    #[test]
    fn ip_hosts_need_an_exact_allowlist_entry() {
        rejected("https://127.0.0.1/", "ip address");
        rejected("https://[::1]/", "ip address");
        rejected("https://203.0.113.7/", "ip address");
        assert_eq!(
            check("https://203.0.113.7/x", &["203.0.113.7"], false, false).as_deref(),
            Ok("https://203.0.113.7/x")
        );
        assert_eq!(
            check("https://[2001:db8::1]/", &["[2001:db8::1]"], false, false).as_deref(),
            Ok("https://[2001:db8::1]/")
        );
        assert!(check("https://203.0.113.7/", &["*.0.113.7"], false, false).is_err());
    }

    #[test]
    fn wildcard_matches_exactly_one_label() {
        assert!(redirect("https://a.shop.example/").is_ok());
        assert!(redirect("https://a-1.shop.example/").is_ok());
        rejected("https://shop.example/", "not on the merchant's allowed hosts");
        rejected("https://a.b.shop.example/", "not on the merchant's allowed hosts");
        rejected("https://ashop.example/", "not on the merchant's allowed hosts");
    }

    #[test]
    fn exact_entries_do_not_match_subdomains() {
        rejected("https://www.merchant.example/", "not on the merchant's allowed hosts");
    }

    #[test]
    fn rejects_malformed_host_labels() {
        rejected("https://merchant.example./", "dot");
        rejected("https://.merchant.example/", "empty label");
        rejected("https://merchant..example/", "empty label");
        rejected("https://-merchant.example/", "hyphen");
        rejected("https://mer_chant.example/", "letters, digits");
        rejected("https://merchant.example!/", "letters, digits");
        rejected(&format!("https://{}.example/", "a".repeat(64)), "63");
    }

    #[test]
    fn rejects_characters_that_need_encoding() {
        rejected("https://merchant.example/<script>", "percent-encoded");
        rejected("https://merchant.example/\"x", "percent-encoded");
        rejected("https://merchant.example/a|b", "percent-encoded");
        rejected("https://merchant.example/`x`", "percent-encoded");
        rejected("https://merchant.example/[x]", "percent-encoded");
    }

    #[test]
    fn rejects_other_schemes_and_plain_http() {
        rejected("http://merchant.example/", "https");
        rejected("ftp://merchant.example/", "https");
        rejected("ws://merchant.example/", "https");
        rejected("blob:https://merchant.example/x", "blob:");
    }

    #[test]
    fn localhost_http_only_in_test_mode() {
        for raw in
            ["http://localhost:3000/return", "http://127.0.0.1:8787/r", "http://[::1]:8080/r", "https://localhost/"]
        {
            assert!(check(raw, &["merchant.example"], true, false).is_ok(), "{raw}");
            assert!(check(raw, &["merchant.example"], false, false).is_err(), "{raw}");
        }
        let e = check("http://merchant.example/", &["merchant.example"], true, false).unwrap_err();
        assert!(e.message.contains("localhost"), "{}", e.message);
        // Not a loopback name: must still be allowlisted, and over https.
        assert!(check("http://localhost.evil.example/", &["merchant.example"], true, false).is_err());
        assert!(check("http://127.0.0.2/", &["merchant.example"], true, false).is_err());
        assert!(check("http://0x7f000001/", &["merchant.example"], true, false).is_err());
    }

    #[test]
    fn allowlist_entries_are_case_insensitive() {
        assert!(check("https://merchant.example/", &["Merchant.Example"], false, false).is_ok());
        assert!(check("https://a.merchant.example/", &["*.MERCHANT.example"], false, false).is_ok());
        assert!(check("https://merchant.example/", &[], false, false).is_err());
    }

    #[test]
    fn host_allowed_uses_the_same_rules() {
        let list = hosts(&["merchant.example", "*.shop.example", "127.0.0.1"]);
        assert!(host_allowed("merchant.example", &list));
        assert!(host_allowed("MERCHANT.example", &list));
        assert!(host_allowed("x.shop.example", &list));
        assert!(host_allowed("127.0.0.1", &list));
        assert!(!host_allowed("x.y.shop.example", &list));
        assert!(!host_allowed("merchant.example.evil", &list));
        assert!(!host_allowed("0x7f000001", &list));
    }

    #[test]
    fn allowlist_entries_are_validated() {
        let ok = [
            ("Merchant.Example", "merchant.example"),
            ("*.Shop.Example", "*.shop.example"),
            ("203.0.113.7", "203.0.113.7"),
            ("[2001:DB8::1]", "[2001:db8::1]"),
            ("localhost", "localhost"),
        ];
        for (entry, want) in ok {
            assert_eq!(validate_allowed_host(entry, "allowed_hosts[0]").as_deref(), Ok(want), "{entry}");
        }
        for entry in [
            "",
            "*.example",
            "*",
            "a.*.example",
            "https://merchant.example",
            "merchant.example:443",
            "merchant.example/x",
            "*.1.2.3.4",
            "0x7f000001",
            "mеrchant.example",
            "user@merchant.example",
            "a b",
            "*.com.tr",
            "*.co.uk",
            "*.github.io",
            "*.workers.dev",
        ] {
            let e = validate_allowed_host(entry, "allowed_hosts[0]").expect_err(entry);
            assert_eq!(e.code, codes::URL_INVALID);
        }
    }

    fn webhook(raw: &str, livemode: bool) -> Result<String, ApiError> {
        validate_webhook_url(raw, "url", livemode)
    }

    #[test]
    fn webhook_accepts_public_https_in_both_modes() {
        for live in [true, false] {
            assert_eq!(
                webhook("https://hooks.merchant.example/hsrc", live).as_deref(),
                Ok("https://hooks.merchant.example/hsrc")
            );
            assert_eq!(webhook("https://8.8.8.8:8443/h", live).as_deref(), Ok("https://8.8.8.8:8443/h"));
            assert_eq!(webhook("https://[2606:4700::1111]/h", live).as_deref(), Ok("https://[2606:4700::1111]/h"));
        }
    }

    #[test]
    fn webhook_test_mode_allows_http_and_local_receivers() {
        for raw in [
            "http://localhost:9999/hook",
            "http://127.0.0.1:4000/h",
            "http://[::1]:4000/h",
            "http://receiver/h",
            "http://10.0.0.5/h",
            "https://host.docker.internal/h",
        ] {
            assert!(webhook(raw, false).is_ok(), "{raw}");
        }
    }

    #[test]
    fn webhook_live_mode_rejects_http() {
        let e = webhook("http://hooks.merchant.example/h", true).unwrap_err();
        assert_eq!(e.code, codes::URL_INVALID);
        assert!(e.message.contains("https"));
    }

    #[test]
    fn webhook_live_mode_rejects_internal_hosts() {
        for raw in [
            "https://localhost/h",
            "https://api.localhost/h",
            "https://printer.local/h",
            "https://metadata.google.internal/h",
            "https://box.localdomain/h",
            "https://nas.home.arpa/h",
            "https://intranet/h",
            "https://127.0.0.1/h",
            "https://127.8.9.10/h",
            "https://10.1.2.3/h",
            "https://172.16.0.1/h",
            "https://172.31.255.255/h",
            "https://192.168.1.1/h",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/h",
            "https://100.127.255.255/h",
            "https://0.0.0.0/h",
            "https://224.0.0.1/h",
            "https://255.255.255.255/h",
            "https://192.0.2.1/h",
            "https://[::1]/h",
            "https://[::]/h",
            "https://[fc00::1]/h",
            "https://[fd12:3456::1]/h",
            "https://[fe80::1]/h",
            "https://[ff02::1]/h",
            "https://[::ffff:127.0.0.1]/h",
            "https://[::ffff:10.0.0.1]/h",
            "https://[64:ff9b::a00:1]/h",
            "https://[2002:c0a8:101::1]/h",
            "https://[2001:db8::1]/h",
        ] {
            let e = webhook(raw, true).expect_err(raw);
            assert_eq!(e.code, codes::URL_INVALID, "{raw}");
            assert!(e.message.contains("public host"), "{raw}: {}", e.message);
        }
    }

    #[test]
    fn webhook_live_mode_accepts_edges_of_private_ranges() {
        for raw in [
            "https://172.15.255.255/h",
            "https://172.32.0.1/h",
            "https://100.63.255.255/h",
            "https://100.128.0.1/h",
            "https://[::ffff:8.8.8.8]/h",
            "https://[2002:808:808::1]/h",
        ] {
            assert!(webhook(raw, true).is_ok(), "{raw}");
        }
    }

    #[test]
    fn webhook_rejects_the_raw_tricks_in_both_modes() {
        for live in [true, false] {
            for raw in [
                "",
                "javascript:alert(1)",
                "file:///etc/passwd",
                "//hooks.example/h",
                "https://user:pw@hooks.example/h",
                "https://hooks.example\\@evil.example/",
                "https://hooks.example/a b",
                "https://hooks.example/\n",
                "https://hooks%2eexample/",
                "https://0x7f000001/",
                "https://2130706433/",
                "https://hooks.example/h#frag",
                "ftp://hooks.example/",
                "https:hooks.example",
            ] {
                let e = webhook(raw, live).expect_err(raw);
                assert_eq!(e.code, codes::URL_INVALID, "{raw}");
                assert_eq!(e.param.as_deref(), Some("url"));
            }
            let long = format!("https://hooks.example/{}", "a".repeat(MAX_URL_LENGTH));
            assert!(webhook(&long, live).is_err());
        }
    }

    /// Pieces that attackers combine into redirect URLs.
    fn fragment_strategy() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "https:",
            "http:",
            "//",
            "/",
            "\\",
            "@",
            ":",
            ".",
            "%2e",
            "%2f",
            "%40",
            "#",
            "?",
            "[",
            "]",
            "::1",
            "\t",
            " ",
            "merchant.example",
            "good.example",
            "evil.example",
            "shop.example",
            "*",
            "xn--",
            "0x7f",
            "127.0.0.1",
            "443",
            "a",
            "-",
            "%",
            "\u{3002}",
            "javascript:",
            "localhost",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn redirect_never_accepts_a_host_that_is_not_allowed(
            prefix in prop::sample::select(vec!["", "https://", "http://", "HTTPS://"]),
            pieces in prop::collection::vec(fragment_strategy(), 1..10),
            localhost in any::<bool>(),
        ) {
            let raw = format!("{prefix}{}", pieces.concat());
            let allowed = hosts(&["merchant.example", "*.shop.example"]);
            let policy = UrlPolicy { allowed_hosts: &allowed, allow_localhost_http: localhost, allow_fragment: true };
            if let Ok(out) = validate_redirect_url(&raw, "return_url", &policy) {
                let url = Url::parse(&out).unwrap();
                // The browser reads the same host from the raw string and from what we return.
                let raw_url = Url::parse(&raw).unwrap();
                prop_assert_eq!(raw_url.host_str(), url.host_str());
                prop_assert!(url.username().is_empty() && url.password().is_none());
                let host = url.host_str().unwrap_or_default().to_string();
                let ok = host == "merchant.example"
                    || host.strip_suffix(".shop.example").is_some_and(|l| !l.is_empty() && !l.contains('.'))
                    || (localhost && ["localhost", "127.0.0.1", "[::1]"].contains(&host.as_str()));
                prop_assert!(ok, "accepted {raw:?} with host {host:?}");
                prop_assert!(url.scheme() == "https" || (localhost && url.scheme() == "http"));
            }
        }

        #[test]
        fn redirect_never_panics(raw in "\\PC{0,80}") {
            let allowed = hosts(&["merchant.example"]);
            let policy = UrlPolicy { allowed_hosts: &allowed, allow_localhost_http: true, allow_fragment: true };
            let _ = validate_redirect_url(&raw, "return_url", &policy);
            let _ = validate_webhook_url(&raw, "url", true);
            let _ = validate_allowed_host(&raw, "allowed_hosts[0]");
        }

        #[test]
        fn accepted_redirects_are_stable(path in "[a-zA-Z0-9/._~-]{0,30}", query in "[a-zA-Z0-9=&%]{0,20}") {
            let raw = format!("https://merchant.example/{path}");
            let allowed = hosts(&["merchant.example"]);
            let policy = UrlPolicy { allowed_hosts: &allowed, allow_localhost_http: false, allow_fragment: false };
            if let Ok(out) = validate_redirect_url(&raw, "return_url", &policy) {
                prop_assert_eq!(validate_redirect_url(&out, "return_url", &policy), Ok(out.clone()));
            }
            let _ = validate_redirect_url(&format!("{raw}?{query}"), "return_url", &policy);
        }
    }
}
