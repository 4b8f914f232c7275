//! The operations console API and API-only payments (#15) against the running Worker on D1: a payment without a
//! checkout session is found by its id, charge, order id, customer email and customer reference, listed beside
//! session payments, and `GET /v1/ops/payments/:id` tells its story (API data, charges, events, verdict). Every
//! answer is checked against the OpenAPI document.

use hsrc_e2e::{cards, Api, Resp};
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

fn run_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{:x}", nanos % 0xffff_ffff_ffff)
}

/// The answer, after checking it against the route's response schema in the OpenAPI document.
fn documented(path: &str, r: Resp) -> Value {
    let doc = hsrc_edge::openapi::document();
    let (route, _) = hsrc_edge::routing::find(hsrc_edge::http::Method::Get, path.split('?').next().unwrap()).unwrap();
    let schema = hsrc_testkit::schema::response_schema(doc, "get", route.path, r.status)
        .unwrap_or_else(|| panic!("no documented {} answer for {}", r.status, route.path));
    if let Err(e) = hsrc_testkit::schema::validate(doc, schema, &r.json) {
        panic!("{path} answered outside its schema: {e}\n{}", r.json);
    }
    r.expect(200)
}

fn get(api: &Api, path: &str) -> Value {
    documented(path, api.get(path))
}

fn confirm_raw(api: &Api, payment: &str, number: &str) -> Value {
    let body = json!({ "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } } });
    api.post(&format!("/v1/payments/{payment}/confirm"), body).expect(200)
}

fn payment_ids(result: &Value) -> Vec<String> {
    result["data"].as_array().unwrap().iter().map(|r| r["payment_id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_console_finds_an_api_only_payment_and_shows_it_without_a_session() {
    let api = Api::from_env();
    let run = run_id();
    let (order, reference, email) =
        (format!("ord_ops_api_{run}"), format!("user_{run}"), format!("ece.{run}@example.com"));
    let created = api
        .post(
            "/v1/payments",
            json!({ "amount": 7500, "currency": "TRY", "metadata": { "order_id": order }, "customer_reference": reference,
                    "customer": { "name": "Ece Su Ak", "email": email }, "description": "Çini tabak" }),
        )
        .expect(200);
    let id = created["payment"]["id"].as_str().unwrap().to_string();
    assert_eq!(confirm_raw(&api, &id, cards::INSUFFICIENT_FUNDS)["payment"]["status"], "REQUIRES_PAYMENT_METHOD");
    assert_eq!(confirm_raw(&api, &id, cards::SUCCESS)["payment"]["status"], "SUCCEEDED");
    let payment = api.payment(&id);
    let charge = payment["charges"][1]["id"].as_str().unwrap().to_string();

    for (q, matched_by) in [
        (id.clone(), "payment_id"),
        (charge, "charge_id"),
        (order.clone(), "order_id"),
        (email.to_uppercase(), "email"),
        (format!("customer_reference:{reference}"), "customer_reference"),
    ] {
        let result = get(&api, &format!("/v1/ops/search?q={}", q.replace('@', "%40")));
        assert_eq!(result["matched_by"], matched_by, "{q}");
        assert_eq!(payment_ids(&result), vec![id.clone()], "{q}");
        let row = &result["data"][0];
        assert_eq!((row["session_id"].clone(), row["session_status"].clone()), (Value::Null, Value::Null), "{q}");
        assert_eq!(row["payer_email"], "e***@example.com", "masked");
    }
    // A payment status filter keeps it; a session status filter leaves it out (it has no session).
    assert_eq!(
        payment_ids(&get(&api, &format!("/v1/ops/search?q={order}&payment_status=SUCCEEDED"))),
        vec![id.clone()]
    );
    assert!(payment_ids(&get(&api, &format!("/v1/ops/search?q={order}&status=COMPLETED"))).is_empty());
    // The newest payments list has it, API-only, next to session payments.
    let session = api.create_session(json!({}));
    let newest = payment_ids(&get(&api, "/v1/ops/search?limit=50"));
    assert!(newest.contains(&id), "{newest:?}");
    assert!(newest.contains(&session["payment_id"].as_str().unwrap().to_string()), "{newest:?}");

    let d = get(&api, &format!("/v1/ops/payments/{id}"))["ops_payment"].clone();
    assert_eq!((d["session"].clone(), d["verdict"]["paid"].clone()), (Value::Null, json!("paid")));
    assert_eq!(
        (d["api"]["customer_reference"].as_str(), d["api"]["attempts"].as_i64(), d["api"]["description"].as_str()),
        (Some(reference.as_str()), Some(2), Some("Çini tabak"))
    );
    assert_eq!(
        (d["api"]["customer"]["name"].as_str(), d["api"]["customer"]["email"].as_str()),
        (Some("Ece A."), Some("e***@example.com"))
    );
    let ops_charges: Vec<&Value> = d["payment"]["charges"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
    let api_charges: Vec<&Value> = payment["charges"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(ops_charges, api_charges);
    let types: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"charge.declined") && types.contains(&"payment.succeeded"), "{types:?}");
    let body = api.get(&format!("/v1/ops/payments/{id}")).text;
    assert!(!body.contains(&email) && !body.contains(cards::SUCCESS), "no full email or card number in the detail");

    // A session payment by payment id is the session's detail; unknown ids and the session route are 404.
    let by_payment = get(&api, &format!("/v1/ops/payments/{}", session["payment_id"].as_str().unwrap()));
    assert_eq!(by_payment["ops_payment"]["session"]["id"], session["id"]);
    api.get("/v1/ops/payments/pay_missing").expect_error(404, "resource_missing");
    api.get(&format!("/v1/ops/sessions/{id}")).expect_error(404, "resource_missing");
}
