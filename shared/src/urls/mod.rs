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

mod allowlist;
mod ssrf;
mod strict;

pub use allowlist::{host_allowed, validate_allowed_host};
pub use ssrf::{is_non_public_ipv4, is_non_public_ipv6, validate_webhook_url};

use crate::error::ApiError;
use allowlist::{domain_matches, ip_matches, is_loopback_host};
use strict::{cross_check, err, parse_strict, HostKind};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;
    use proptest::prelude::*;
    use url::Url;

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
