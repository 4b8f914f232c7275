//! Pages and the loader come from the static assets; what differs per request is their security headers. The
//! handler decides those (and which asset), the Worker glue fetches the asset and sends it with them.

use crate::http::{ApiResponse, Body, Prerendered};
use crate::payments::payer_view;
use crate::platform::Ctx;
use crate::routing::{Call, Op};
use hsrc_shared::api::{PayerSessionEnvelope, PayerSessionView};
use hsrc_shared::ApiError;

/// Where the glue puts the payer view into the checkout shell (`static/checkout.html`), when the response to an
/// asset carries one as its body: the form starts without fetching the session (one round trip less).
pub const VIEW_MARKER: &str = "<!--hsrc:view-->";
/// Around the shell's loading placeholder: what the glue replaces with the server-rendered form.
pub const FORM_START: &str = "<!--hsrc:form-->";
pub const FORM_END: &str = "<!--/hsrc:form-->";
/// The shell's root element as it ships (the hosted page's defaults; the widget sets both at start).
pub const SHELL_ROOT: &str = r#"<html lang="tr" data-mode="hosted">"#;

pub async fn serve(ctx: &Ctx<'_>, op: Op, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let mut inline = Vec::new();
    let mut prerendered = None;
    let (path, ancestors) = match op {
        Op::Loader => {
            return Ok(asset("/checkout.js", "text/javascript; charset=utf-8")
                .with_header("cache-control", "public, max-age=300")
                .with_header("access-control-allow-origin", "*"));
        }
        Op::EmbedPage => {
            let (ancestors, view) = embed_ancestors(ctx, call).await;
            if let Some(view) = view {
                prerendered = prerender(&view, call.req.query_param("locale"));
                inline = serde_json::to_vec(&PayerSessionEnvelope { checkout_session: view }).unwrap_or_default();
            }
            ("/checkout.html", ancestors)
        }
        Op::HostedPage => ("/checkout.html", "'none'".to_string()),
        Op::ChallengePage => ("/checkout.html", challenge_ancestors(ctx, call).await),
        Op::DemoPage => ("/demo.html", "'none'".to_string()),
        Op::OpsPage => ("/ops.html", "'none'".to_string()),
        _ => return Err(ApiError::internal()),
    };
    // The payment form may use a wallet (Payment Request) on our own origin; no other page may, and no page may use
    // a camera, microphone or location.
    let payment = if matches!(op, Op::EmbedPage | Op::HostedPage) { "payment=(self)" } else { "payment=()" };
    let mut resp = asset(path, "text/html; charset=utf-8")
        .with_header("content-security-policy", csp(&ancestors))
        .with_header("cache-control", "no-store")
        .with_header("referrer-policy", "no-referrer")
        .with_header("cross-origin-opener-policy", "same-origin")
        .with_header("permissions-policy", format!("{payment}, camera=(), microphone=(), geolocation=(), usb=()"));
    if !inline.is_empty() {
        resp.body = Body::Asset { path, inline_view: Some(inline), prerendered };
    }
    Ok(resp)
}

/// The shell with the payer view (the same JSON as `GET /v1/checkout-sessions/token/:token`) in a data block the
/// widget reads at start. Not a script (CSP allows no inline code; `application/json` never runs), and escaped so
/// nothing in the view (a merchant name with `</script>`) can close the block: `<`, `>`, `&` only occur inside JSON
/// strings, where their `\u` escapes mean the same.
pub fn with_inline_view(html: &str, view_json: &[u8]) -> String {
    let json =
        String::from_utf8_lossy(view_json).replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    html.replacen(VIEW_MARKER, &format!(r#"<script type="application/json" id="hsrc-view">{json}</script>"#), 1)
}

/// The embed page's form for the session in the page's language (the `locale` query wins, as in the widget), so
/// the payer can type before the wasm arrives; `None` when the first screen is not the form.
fn prerender(view: &PayerSessionView, locale: Option<&str>) -> Option<Prerendered> {
    use hsrc_widget::i18n::Lang;
    let lang = hsrc_widget::mode::pick_lang(locale, Lang::from_locale(view.locale));
    let html = hsrc_widget::markup::checkout_form(view, lang)?;
    Some(Prerendered { lang: lang.code(), html })
}

/// The shell with the form's markup in place of its loading placeholder, and the page's language and mode on its
/// root (so nothing restyles when the widget takes over). The markup escapes everything it was given.
pub fn with_prerendered_form(html: &str, form: &Prerendered) -> String {
    let (Some(start), Some(end)) = (html.find(FORM_START), html.find(FORM_END)) else {
        return html.to_string();
    };
    if end < start {
        return html.to_string();
    }
    let root = [r#"<html lang=""#, form.lang, r#"" data-mode="embed">"#].concat();
    [&html[..start], &form.html, &html[end + FORM_END.len()..]].concat().replacen(SHELL_ROOT, &root, 1)
}

/// A file of the static assets, sent with the headers the handler adds.
pub fn asset(path: &'static str, content_type: &str) -> ApiResponse {
    ApiResponse {
        status: 200,
        headers: vec![("content-type".into(), content_type.into())],
        body: Body::Asset { path, inline_view: None, prerendered: None },
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
    let Ok(merchant) = crate::payments::challenge::challenge_merchant(ctx, call.param("challenge_id")).await else {
        return own;
    };
    if origin_allowed(origin, &merchant.allowed_origins, merchant.livemode, &ctx.config.public_origin) {
        format!("'self' {origin}")
    } else {
        own
    }
}

/// `frame-ancestors` for the embed, and the payer view to inline when the page may be framed there.
async fn embed_ancestors(ctx: &Ctx<'_>, call: &Call<'_>) -> (String, Option<PayerSessionView>) {
    let none = || ("'none'".to_string(), None);
    let (Some(token), Some(origin)) = (call.req.query_param("token"), call.req.query_param("origin")) else {
        return none();
    };
    let Ok((view, allowed)) = payer_view::payer_view(ctx, token).await else {
        return none();
    };
    if origin_allowed(origin, &allowed, view.livemode, &ctx.config.public_origin) {
        (origin.to_string(), Some(view))
    } else {
        none()
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

    #[test]
    fn the_inlined_view_cannot_close_its_block() {
        let shell = format!("<head>{VIEW_MARKER}</head>");
        let view = br#"{"checkout_session":{"merchant":{"name":"</script><script>alert(1)</script> & <!--"}}}"#;
        let html = with_inline_view(&shell, view);
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        assert!(!html.contains("<!--") && !html.contains(" & "), "{html}");
        let inner = html.split_once("id=\"hsrc-view\">").unwrap().1.split_once("</script>").unwrap().0;
        let back: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["checkout_session"]["merchant"]["name"], "</script><script>alert(1)</script> & <!--");
        assert_eq!(with_inline_view("<head></head>", view), "<head></head>", "no marker, no change");
    }
}
