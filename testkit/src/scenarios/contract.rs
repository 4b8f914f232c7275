//! The OpenAPI document as a client reads it: it is served, documents exactly the routed operations with their
//! security, and the responses of a tour through every resource match the schema it gives their route and status.
//! Each scenario runs natively and against the local Worker. (That the validator catches an undocumented field,
//! and the webhook and refund routes' conformance, are native checks: `edge/tests/{hardening,webhooks,refunds}.rs`.)

use crate::cards;
use crate::checkout::{challenge_id, confirm_body, Checkout, Request, Response, Session};
use crate::schema;
use hsrc_edge::http::Method;
use hsrc_edge::routing::{self, Access, ROUTES};
use hsrc_shared::api::SessionEnvelope;
use serde_json::{json, Value};

pub fn the_served_document_covers_exactly_the_routes(c: &dyn Checkout) {
    let doc = c.payer_get("/v1/openapi.json").expect(200);
    assert_eq!(doc["openapi"], "3.1.0");
    for route in ROUTES {
        let m = route.method.as_str().to_ascii_lowercase();
        let op = &doc["paths"][route.path][&m];
        assert!(op.is_object(), "{m} {} is documented", route.path);
        assert!(
            op["responses"]["200"].is_object() && op["responses"]["default"].is_object(),
            "{m} {} documents success and errors",
            route.path
        );
        let secret = route.access == Access::Secret;
        assert_eq!(op["security"] == json!([{ "secretKey": [] }]), secret, "{m} {} security", route.path);
    }
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            documented += 1;
            let found = routing::find(Method::parse(method), path).map(|(r, _)| r.path);
            assert_eq!(found.ok(), Some(path.as_str()), "{method} {path} is documented and routed to itself");
        }
    }
    assert_eq!(documented, ROUTES.len(), "the document has exactly the routed operations");
    assert_eq!(doc["components"]["securitySchemes"]["secretKey"]["scheme"], "bearer");
    let create = &doc["paths"]["/v1/checkout-sessions"]["post"]["requestBody"]["content"]["application/json"];
    assert!(create["example"].is_object(), "the create request has an example");
}

/// Sends `req` and checks a JSON answer against the schema documented for its route and status (unrouted
/// requests answer with the error model every response may carry); every answer carries a request id.
#[track_caller]
pub(crate) fn checked(c: &dyn Checkout, doc: &Value, req: Request) -> Response {
    let (method, path) = (req.method.clone(), req.path.clone());
    let r = c.send(req);
    assert!(r.header("request-id").is_some(), "{method} {path} has a request-id");
    if !r.header("content-type").is_some_and(|t| t.starts_with("application/json")) {
        return r;
    }
    let error_model = &doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"];
    let schema = match routing::find(Method::parse(&method), path.split('?').next().unwrap_or_default()) {
        Ok((route, _)) => schema::response_schema(doc, &method, route.path, r.status)
            .unwrap_or_else(|| panic!("{method} {} {} is documented", route.path, r.status)),
        Err(_) => error_model,
    };
    if let Err(e) = schema::validate(doc, schema, &r.json) {
        panic!("{method} {path} → {} does not match the document: {e}\nbody: {}", r.status, r.text);
    }
    r
}

pub fn live_responses_conform_to_the_document(c: &dyn Checkout) {
    let doc = c.payer_get("/v1/openapi.json").expect(200);
    let sk = c.secret_key();
    let get = |path: &str| checked(c, &doc, Request::new("GET", path).key(&sk));
    let post = |path: &str, body: Value| checked(c, &doc, Request::new("POST", path).key(&sk).json(body));
    let payer_get = |path: &str| checked(c, &doc, Request::new("GET", path));
    let payer_post = |path: &str, body: Value| checked(c, &doc, Request::new("POST", path).json(body));

    assert_eq!(payer_get("/v1/health").status, 200);
    let create = c.session_body(json!({ "metadata": { "order": "1" }, "public_metadata_keys": ["order"],
        "custom_fields": [{ "key": "tc", "label": "TC", "type": "numeric", "required": false }],
        "collect": ["phone"], "customer": { "email": "a@example.com" } }));
    let s: Session = post("/v1/checkout-sessions", create).typed::<SessionEnvelope>(200).into();
    let (t, id, pid) = (s.token.as_str(), s.id.as_str(), s.payment_id.as_str());
    assert_eq!(get(&format!("/v1/checkout-sessions/{id}")).status, 200);
    assert_eq!(get("/v1/checkout-sessions?limit=2").status, 200);
    assert_eq!(payer_get(&format!("/v1/checkout-sessions/token/{t}")).status, 200);
    let payer = json!({ "name": "Ayşe Yılmaz", "email": "ayse@example.com", "phone": "+905551112233",
        "custom_fields": { "tc": "123" } });
    assert_eq!(payer_post(&format!("/v1/checkout-sessions/token/{t}/payer"), payer).status, 200);
    let confirm = |token: &str, card: &str| {
        let mut body = confirm_body(card);
        body["payer"]["phone"] = json!("+905551112233");
        payer_post(&format!("/v1/checkout-sessions/token/{token}/confirm"), body)
    };
    assert_eq!(confirm(t, cards::DECLINED).status, 200);
    assert_eq!(confirm(t, cards::SUCCESS).status, 200);
    assert_eq!(get(&format!("/v1/payments/{pid}")).status, 200);
    assert_eq!(get("/v1/payments?limit=5").status, 200);
    assert_eq!(get("/v1/events?limit=5").status, 200);

    // 3DS, manual capture and void, cancel by the merchant and by the payer.
    let s3 = c.create_session(json!({}));
    let chl = challenge_id(&confirm(&s3.token, cards::THREE_DS).typed(200));
    assert_eq!(payer_get(&format!("/v1/3ds/{chl}")).status, 200);
    assert_eq!(payer_post(&format!("/v1/3ds/{chl}/complete"), json!({ "result": "pass" })).status, 200);
    for action in ["capture", "void"] {
        let sm = c.create_session(json!({ "capture_method": "manual" }));
        assert_eq!(confirm(&sm.token, cards::SUCCESS).status, 200);
        assert_eq!(post(&format!("/v1/payments/{}/{action}", sm.payment_id), json!({})).status, 200);
    }
    let sc = c.create_session(json!({}));
    let cancel = Request::new("POST", format!("/v1/checkout-sessions/{}/cancel", sc.id)).key(&sk);
    assert_eq!(checked(c, &doc, cancel).status, 200);
    let sp = c.create_session(json!({}));
    let cancel = Request::new("POST", format!("/v1/checkout-sessions/token/{}/cancel", sp.token));
    assert_eq!(checked(c, &doc, cancel).status, 200);

    // Errors are documented too.
    get("/v1/payments/pay_missing").expect_error(404, "resource_missing");
    get("/v1/nope").expect_error(404, "route_not_found");
    checked(c, &doc, Request::new("GET", "/v1/payments")).expect_error(401, "api_key_missing");
    let pk = c.publishable_key();
    checked(c, &doc, Request::new("GET", "/v1/payments").key(&pk)).expect_error(403, "api_key_wrong_kind");
    post("/v1/checkout-sessions", json!({ "amount": 1 })).expect_error(400, "parameter_missing");
    let delete = Request::new("DELETE", "/v1/checkout-sessions").key(&sk);
    checked(c, &doc, delete).expect_error(405, "method_not_allowed");
    confirm(t, cards::SUCCESS).expect_error(409, "session_not_open");
    confirm("cst_unknown", cards::SUCCESS).expect_error(404, "token_invalid");
    let fresh = c.create_session(json!({}));
    confirm(&fresh.token, "4111111111111111").expect_error(400, "live_card_in_test_mode");
}

#[macro_export]
macro_rules! contract_scenarios {
    ($make:expr) => {
        $crate::scenario_tests!(
            $make,
            contract,
            the_served_document_covers_exactly_the_routes,
            live_responses_conform_to_the_document,
        );
    };
}
