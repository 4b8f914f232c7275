//! The merchant's host allowlist: how a host matches an entry (exact, one-label wildcard, listed IP) and how an
//! entry is validated when the merchant configures it.

use super::strict::{canonical_ipv4, err, parse_host, precheck, HostKind};
use crate::error::ApiError;
use std::net::{Ipv4Addr, Ipv6Addr};

pub(super) fn is_loopback_host(host: &HostKind) -> bool {
    match host {
        HostKind::Domain(d) => d == "localhost",
        HostKind::Ipv4(a) => *a == Ipv4Addr::LOCALHOST,
        HostKind::Ipv6(a) => *a == Ipv6Addr::LOCALHOST,
    }
}

/// Whether `host` (a lower-case DNS name) matches one allowlist entry. Punycode (`xn--`) labels are accepted only
/// where the entry itself spells them, so a homograph of an allowed host never matches through a wildcard.
pub(super) fn domain_matches(host: &str, entry: &str) -> bool {
    let entry = entry.trim().trim_end_matches('.').to_ascii_lowercase();
    if let Some(base) = entry.strip_prefix("*.") {
        let Some(label) = host.strip_suffix(base).and_then(|h| h.strip_suffix('.')) else { return false };
        !label.is_empty() && !label.contains('.') && !label.starts_with("xn--") && !base.is_empty()
    } else {
        host == entry
    }
}

/// Whether an IP host matches an allowlist entry spelled as an address ("127.0.0.1", "[::1]" or "::1").
pub(super) fn ip_matches(host: &HostKind, entry: &str) -> bool {
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
pub(super) const MULTI_LABEL_PUBLIC_SUFFIXES: &[&str] = &[
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

pub(super) fn is_multi_label_public_suffix(domain: &str) -> bool {
    MULTI_LABEL_PUBLIC_SUFFIXES.contains(&domain)
}
