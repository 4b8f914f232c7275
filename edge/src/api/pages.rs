//! Pages and the loader come from the static assets; what differs per request is their security headers. The
//! handler decides those (and which asset), the Worker glue fetches the asset and sends it with them.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::router::{Call, Op};
use crate::services::sessions;
use hsrc_shared::ApiError;

/// Header that tells the glue which asset to serve with this response's headers.
pub const ASSET_HEADER: &str = "x-hsrc-asset";

pub async fn serve(ctx: &Ctx<'_>, op: Op, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let (path, ancestors) = match op {
        Op::Loader => {
            return Ok(asset("/checkout.js", "text/javascript; charset=utf-8")
                .with_header("cache-control", "public, max-age=300")
                .with_header("access-control-allow-origin", "*"));
        }
        Op::EmbedPage => ("/checkout.html", embed_ancestors(ctx, call).await),
        Op::HostedPage => ("/checkout.html", "'none'".to_string()),
        Op::ChallengePage => ("/checkout.html", challenge_ancestors(ctx, call).await),
        Op::DemoPage => ("/demo.html", "'none'".to_string()),
        Op::OpsPage => ("/ops.html", "'none'".to_string()),
        _ => return Err(ApiError::internal()),
    };
    // The payment form may use a wallet (Payment Request) on our own origin; no other page may, and no page may use
    // a camera, microphone or location.
    let payment = if matches!(op, Op::EmbedPage | Op::HostedPage) { "payment=(self)" } else { "payment=()" };
    Ok(asset(path, "text/html; charset=utf-8")
        .with_header("content-security-policy", csp(&ancestors))
        .with_header("cache-control", "no-store")
        .with_header("referrer-policy", "no-referrer")
        .with_header("cross-origin-opener-policy", "same-origin")
        .with_header("permissions-policy", format!("{payment}, camera=(), microphone=(), geolocation=(), usb=()")))
}

fn asset(path: &str, content_type: &str) -> ApiResponse {
    ApiResponse {
        status: 200,
        headers: vec![("content-type".into(), content_type.into()), (ASSET_HEADER.into(), path.into())],
        body: Vec::new(),
    }
}

/// Strict CSP: our own scripts and wasm only, no inline code, framing limited to `ancestors`.
pub fn csp(ancestors: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

/// The merchant page may frame the form only from an origin the merchant registered (sandbox merchants may also
/// use loopback origins, and our own demo page always may).
/// The 3DS page opens inside our checkout frame, which may itself sit in the merchant's page: `frame-ancestors`
/// checks every ancestor, so the merchant origin the widget names must be allowed too (validated like the embed).
async fn challenge_ancestors(ctx: &Ctx<'_>, call: &Call<'_>) -> String {
    let own = "'self'".to_string();
    let Some(origin) = call.req.query_param("origin") else { return own };
    let Ok(merchant) = crate::services::confirm::challenge_merchant(ctx, call.param("challenge_id")).await else {
        return own;
    };
    if origin_allowed(origin, &merchant.allowed_origins, merchant.livemode, &ctx.config.public_origin) {
        format!("'self' {origin}")
    } else {
        own
    }
}

async fn embed_ancestors(ctx: &Ctx<'_>, call: &Call<'_>) -> String {
    let (Some(token), Some(origin)) = (call.req.query_param("token"), call.req.query_param("origin")) else {
        return "'none'".into();
    };
    let Ok((view, allowed)) = sessions::payer_view(ctx, token).await else {
        return "'none'".into();
    };
    if origin_allowed(origin, &allowed, view.livemode, &ctx.config.public_origin) {
        origin.to_string()
    } else {
        "'none'".into()
    }
}

pub fn origin_allowed(origin: &str, allowed: &[String], livemode: bool, own_origin: &str) -> bool {
    if !is_plain_origin(origin) {
        return false;
    }
    if origin == own_origin || allowed.iter().any(|a| a == origin) {
        return true;
    }
    !livemode && is_loopback_origin(origin)
}

/// `scheme://host[:port]` and nothing else: no path, no spaces, no quotes that could break out of the header.
fn is_plain_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

fn is_loopback_origin(origin: &str) -> bool {
    let host = origin.split_once("://").map(|(_, r)| r).unwrap_or("");
    let host =
        host.rsplit_once(':').map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { host });
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_registered_or_sandbox_loopback_origins_may_frame() {
        let allowed = vec!["https://shop.example".to_string()];
        assert!(origin_allowed("https://shop.example", &allowed, true, "https://edge.example"));
        assert!(!origin_allowed("https://evil.example", &allowed, true, "https://edge.example"));
        assert!(origin_allowed("http://127.0.0.1:5173", &allowed, false, "https://edge.example"));
        assert!(!origin_allowed("http://127.0.0.1:5173", &allowed, true, "https://edge.example"));
        assert!(!origin_allowed("https://shop.example; script-src *", &allowed, false, "https://edge.example"));
        assert!(!origin_allowed("https://shop.example/path", &allowed, false, "https://edge.example"));
    }
}
