//! The embed page carries the payer view for the glue to inline into the shell (`handlers::pages::with_inline_view`), so
//! the form starts without a round trip — only when the page may be framed by the requesting origin.

mod common;

use common::World;
use hsrc_edge::handlers::pages::{with_inline_view, VIEW_MARKER};
use hsrc_edge::http::Method;
use serde_json::{json, Value};

#[test]
fn the_embed_page_inlines_the_payer_view_for_an_allowed_origin_only() {
    let w = World::new();
    let s = w.create(json!({ "customer": { "email": "ada@example.com" } }));
    let token = s["token"].as_str().unwrap();
    let page =
        |origin: &str| w.call(Method::Get, &format!("/checkout/embed?token={token}&origin={origin}"), None, None);

    let r = page("https://merchant.example");
    assert_eq!(r.status, 200);
    assert_eq!(r.body.asset(), Some("/checkout.html"));
    let inlined: Value = serde_json::from_slice(&r.body).expect("the payer view as JSON");
    assert_eq!(inlined, json!({ "checkout_session": w.view(token) }), "the same view GET …/token/:token answers");

    // The shell with it: one data block the widget reads, nothing executable.
    let shell = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../static/checkout.html")).unwrap();
    assert!(shell.contains(VIEW_MARKER), "static/checkout.html marks where the view goes");
    let html = with_inline_view(&shell, &r.body);
    assert!(!html.contains(VIEW_MARKER));
    assert!(html.contains(r#"<script type="application/json" id="hsrc-view">{"checkout_session":"#), "{html}");

    // Not framable there: nothing to inline (and frame-ancestors 'none').
    for r in [page("https://evil.example"), w.call(Method::Get, &format!("/checkout/embed?token={token}"), None, None)]
    {
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty(), "no view for a page that may not be framed");
    }
    // The hosted page and an unknown token carry none either.
    assert!(w.call(Method::Get, &format!("/checkout/hosted?token={token}"), None, None).body.is_empty());
    assert!(page_for(&w, "cst_unknown").body.is_empty());
}

fn page_for(w: &World, token: &str) -> hsrc_edge::http::ApiResponse {
    w.call(Method::Get, &format!("/checkout/embed?token={token}&origin=https://merchant.example"), None, None)
}
