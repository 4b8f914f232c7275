//! The webhook endpoints API as a merchant uses it: the lifecycle (the secret shown once), validation, and
//! isolation between merchants. Each scenario runs natively and against the local Worker. Endpoints point at
//! `Checkout::hook_url`, which never leaves the machine in the e2e run; each scenario deletes what it created.
//! Deliveries are scenarios of their own (`deliveries`, through a receiver of `Checkout::receiver`).

use super::EndpointEnvelope;
use crate::checkout::{Checkout, Merchant, Request, Response};
use hsrc_shared::api::{DisabledReason, EndpointStatus, List, WebhookEndpoint};
use hsrc_shared::webhook::WebhookSecret;
use serde_json::{json, Value};

fn create(c: &dyn Checkout, body: Value) -> WebhookEndpoint {
    c.post("/v1/webhook-endpoints", body).typed::<EndpointEnvelope>(200).webhook_endpoint
}

fn patch(c: &dyn Checkout, path: &str, body: Value) -> Response {
    c.send(Request::new("PATCH", path).key(&c.secret_key()).json(body))
}

fn patched(c: &dyn Checkout, path: &str, body: Value) -> WebhookEndpoint {
    patch(c, path, body).typed::<EndpointEnvelope>(200).webhook_endpoint
}

fn delete(c: &dyn Checkout, path: &str) -> Response {
    c.send(Request::new("DELETE", path).key(&c.secret_key()))
}

pub fn endpoint_lifecycle_shows_the_secret_only_on_create(c: &dyn Checkout) {
    let url = c.hook_url("/hsrc");
    let created = create(c, json!({ "url": url, "description": "Orders", "enabled_events": ["payment.succeeded"] }));
    let id = created.id.as_str().to_string();
    assert!(id.starts_with("we_"));
    assert_eq!((created.object.as_str(), created.status), ("webhook_endpoint", EndpointStatus::Enabled));
    let secret = created.secret.as_deref().unwrap_or_default();
    assert!(secret.starts_with("whsec_") && WebhookSecret::parse(secret).is_ok());

    let path = format!("/v1/webhook-endpoints/{id}");
    let got = c.get(&path).expect(200);
    assert!(got["webhook_endpoint"].get("secret").is_none(), "the secret is shown once");
    let got: WebhookEndpoint = serde_json::from_value(got["webhook_endpoint"].clone()).expect("an endpoint");
    assert_eq!((got.url.as_str(), got.enabled_events.join(",")), (url.as_str(), "payment.succeeded".to_string()));
    let listed: List<WebhookEndpoint> = c.get("/v1/webhook-endpoints?limit=100").typed(200);
    let mine = listed.data.iter().find(|e| e.id == id.as_str()).expect("listed");
    assert!(mine.secret.is_none());

    let v2 = c.hook_url("/v2");
    let changed = patched(c, &path, json!({ "url": v2, "enabled_events": ["*"], "description": "" }));
    assert_eq!(
        (changed.url.as_str(), changed.enabled_events.join(","), changed.description),
        (v2.as_str(), "*".to_string(), None)
    );
    let off = patched(c, &path, json!({ "disabled": true }));
    assert_eq!((off.status, off.disabled_reason), (EndpointStatus::Disabled, Some(DisabledReason::ByMerchant)));
    let on = patched(c, &path, json!({ "disabled": false }));
    assert_eq!((on.status, on.disabled_reason), (EndpointStatus::Enabled, None));

    let deleted = delete(c, &path).expect(200);
    assert_eq!(deleted, json!({ "id": id, "object": "webhook_endpoint", "deleted": true }));
    c.get(&path).expect_error(404, "resource_missing");
    delete(c, &path).expect_error(404, "resource_missing");
}

pub fn endpoint_requests_are_validated_and_scoped_to_the_merchant(c: &dyn Checkout) {
    let url = c.hook_url("/");
    for (body, status, code) in [
        (json!({ "url": "ftp://hooks.merchant.example/" }), 400, "url_invalid"),
        (json!({ "url": "javascript:alert(1)" }), 400, "url_invalid"),
        (json!({ "url": "https://u:p@hooks.merchant.example/" }), 400, "url_invalid"),
        (json!({ "url": url, "enabled_events": ["payment.exploded"] }), 400, "parameter_invalid"),
        (json!({ "url": url, "enabled_events": [] }), 400, "parameter_invalid"),
        (json!({ "url": url, "enabled_events": ["*", "payment.succeeded"] }), 400, "parameter_invalid"),
        (json!({ "url": url, "secret": "whsec_mine" }), 400, "parameter_unknown"),
        (json!({ "description": "no url" }), 400, "parameter_missing"),
        (json!({ "url": url, "description": "x".repeat(501) }), 400, "parameter_invalid"),
    ] {
        assert_eq!(c.post("/v1/webhook-endpoints", body.clone()).error_code(), (status, code.into()), "{body}");
    }
    let e = c
        .post("/v1/webhook-endpoints", json!({ "url": url, "enabled_events": ["payment.succeeded", "nope"] }))
        .expect_error(400, "parameter_invalid");
    assert_eq!(e["error"]["param"], "enabled_events[1]");

    // Keys: none, publishable, and another merchant's secret key.
    c.send(Request::new("GET", "/v1/webhook-endpoints")).expect_error(401, "api_key_missing");
    c.send(Request::new("GET", "/v1/webhook-endpoints").key(&c.publishable_key()))
        .expect_error(403, "api_key_wrong_kind");
    let mine = create(c, json!({ "url": url, "enabled_events": ["payment.succeeded"] }));
    let path = format!("/v1/webhook-endpoints/{}", mine.id);
    let other = c.merchant_key(Merchant::Other);
    c.send(Request::new("GET", &path).key(&other)).expect_error(404, "resource_missing");
    c.send(Request::new("DELETE", &path).key(&other)).expect_error(404, "resource_missing");

    // Updates are validated the same way.
    patch(c, &path, json!({ "url": "http://" })).expect_error(400, "url_invalid");
    patch(c, &path, json!({ "disabled": "yes" })).expect_error(400, "parameter_invalid");
    patch(c, &path, json!({ "status": "enabled" })).expect_error(400, "parameter_unknown");
    delete(c, &path).expect(200);

    // Live mode needs https to a public host.
    let live = c.merchant_key(Merchant::Live);
    c.send(
        Request::new("POST", "/v1/webhook-endpoints").key(&live).json(json!({ "url": "http://127.0.0.1:9000/hook" })),
    )
    .expect_error(400, "url_invalid");
}

#[macro_export]
macro_rules! webhooks_scenarios {
    ($make:expr) => {
        $crate::scenario_tests!(
            $make,
            webhooks,
            endpoint_lifecycle_shows_the_secret_only_on_create,
            endpoint_requests_are_validated_and_scoped_to_the_merchant,
        );
    };
}
