//! The SSRF defence for webhook endpoints: in live mode the host must be public (no internal names, no private,
//! loopback, link-local or reserved addresses).

use super::strict::{cross_check, err, parse_strict, HostKind};
use crate::error::ApiError;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Host names that never point at the public internet.
pub(super) const INTERNAL_SUFFIXES: &[&str] =
    &["localhost", "local", "internal", "localdomain", "home.arpa", "lan", "intranet", "corp", "private"];

pub(super) fn is_internal_name(host: &str) -> bool {
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
