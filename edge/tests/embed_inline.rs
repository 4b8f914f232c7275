//! The embed page carries the payer view for the glue to inline into the shell (`handlers::pages::with_inline_view`), so
//! the form starts without a round trip — only when the page may be framed by the requesting origin.

mod common;

use common::World;
use hsrc_edge::handlers::pages::{
    with_inline_view, with_prerendered_form, FORM_END, FORM_START, SHELL_ROOT, VIEW_MARKER,
};
use hsrc_edge::http::Body;
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

    // And the form's markup in place of the loading placeholder, in the session's language, for the payer to type
    // into before the wasm arrives (the widget takes it over).
    let Body::Asset { prerendered: Some(form), .. } = &r.body else { panic!("the embed page carries the form") };
    assert_eq!(form.lang, "tr", "the session's locale");
    assert!(shell.contains(FORM_START) && shell.contains(FORM_END) && shell.contains(SHELL_ROOT), "shell markers");
    let page_html = with_prerendered_form(&html, form);
    assert!(!page_html.contains("result loading") && !page_html.contains(FORM_START), "{page_html}");
    assert!(page_html.contains(r#"<html lang="tr" data-mode="embed">"#), "{page_html}");
    assert!(page_html.contains(r#"id="f-card-number""#) && page_html.contains("Kart numarası"), "{page_html}");
    assert!(page_html.contains(r#"value="ada@example.com""#), "prefilled from the session's customer");
    assert!(page_html.contains(r#"<script type="module" src="/assets/boot.js""#), "the widget still boots");
    let en = w.call(
        Method::Get,
        &format!("/checkout/embed?token={token}&origin=https://merchant.example&locale=en"),
        None,
        None,
    );
    let Body::Asset { prerendered: Some(form), .. } = &en.body else { panic!("the embed page carries the form") };
    assert_eq!(form.lang, "en", "the locale query wins, as in the widget");
    assert!(form.html.contains("Card number"));

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

#[test]
fn a_finished_session_carries_its_view_but_no_form() {
    let w = World::new();
    let s = w.create(json!({}));
    let token = s["token"].as_str().unwrap();
    let r = w.call(Method::Post, &format!("/v1/checkout-sessions/token/{token}/cancel"), Some(json!({})), None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = page_for(&w, token);
    let Body::Asset { inline_view: Some(_), prerendered, .. } = &r.body else { panic!("the view is inlined") };
    assert_eq!(prerendered, &None, "the widget shows the cancelled screen itself");
}

fn page_for(w: &World, token: &str) -> hsrc_edge::http::ApiResponse {
    w.call(Method::Get, &format!("/checkout/embed?token={token}&origin=https://merchant.example"), None, None)
}
