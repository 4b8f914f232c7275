//! On the local Worker: the embed page arrives with the payer view inlined (one round trip less before the form
//! shows), as a JSON data block that cannot run, only when the requesting origin may frame it.

use hsrc_e2e::Api;
use serde_json::{json, Value};

#[test]
fn the_embed_page_arrives_with_the_session_inlined() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let token = s["token"].as_str().unwrap();
    let own = api.base.clone();

    let r = api.payer_get(&format!("/checkout/embed?token={token}&origin={own}"));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.header("content-type").unwrap_or_default().starts_with("text/html"));
    let block = r
        .text
        .split_once(r#"<script type="application/json" id="hsrc-view">"#)
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(json, _)| json)
        .unwrap_or_else(|| panic!("no inlined view in {}", r.text));
    let view: Value = serde_json::from_str(block).unwrap();
    assert_eq!(view["checkout_session"], api.payer_view(token));
    assert!(!r.text.contains("<!--hsrc:view-->"));
    // The scripts the shell loads are unchanged: the data block is the only addition.
    assert!(r.text.contains(r#"<script type="module" src="/assets/boot.js""#));

    let r = api.payer_get(&format!("/checkout/embed?token={token}&origin=https://evil.example"));
    assert_eq!(r.status, 200);
    assert!(!r.text.contains("hsrc-view"), "no view for an origin that may not frame the form");
}
