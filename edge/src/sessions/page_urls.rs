//! Where a checkout session may send the payer (`url`, `return_url`, `cancel_url`).

use hsrc_shared::urls::{validate_redirect_url, UrlPolicy};
use hsrc_shared::ApiError;

/// A session's page URLs must be on the merchant's allowlist; the edge's own host is allowed only on its own pages
/// (the hosted form and the demo shop), so no merchant can send payers to another path of our domain.
pub fn check(
    u: &str,
    param: &str,
    merchant: &UrlPolicy<'_>,
    own: &UrlPolicy<'_>,
    public_origin: &str,
) -> Result<String, ApiError> {
    let refused = match validate_redirect_url(u, param, merchant) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    match validate_redirect_url(u, param, own) {
        Ok(v) if OWN_PAGES.iter().any(|p| v.strip_prefix(public_origin).is_some_and(|rest| rest.starts_with(p))) => {
            Ok(v)
        }
        _ => Err(refused),
    }
}

/// Paths of the edge itself a session URL may point at.
const OWN_PAGES: &[&str] = &["/checkout/hosted", "/demo"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edge_host_is_allowed_only_on_its_own_pages() {
        let merchant_hosts = vec!["merchant.example".to_string()];
        let own_hosts = vec!["checkout.example".to_string()];
        let merchant = UrlPolicy { allowed_hosts: &merchant_hosts, allow_localhost_http: false, allow_fragment: false };
        let own = UrlPolicy { allowed_hosts: &own_hosts, allow_localhost_http: false, allow_fragment: false };
        let origin = "https://checkout.example";
        assert!(check("https://merchant.example/done", "return_url", &merchant, &own, origin).is_ok());
        assert!(check("https://checkout.example/checkout/hosted", "url", &merchant, &own, origin).is_ok());
        assert!(check("https://checkout.example/demo?paid=1", "return_url", &merchant, &own, origin).is_ok());
        for bad in
            ["https://checkout.example/v1/openapi.json", "https://checkout.example/ops", "https://checkout.example/"]
        {
            assert!(check(bad, "return_url", &merchant, &own, origin).is_err(), "{bad}");
        }
    }
}
