//! Installments (#16) over HTTP against the local Worker: BIN lookup, plans per sandbox card, confirm with a plan
//! on each installment card (and refused plans on the debit and the foreign card), the amounts recorded on the
//! payment, its charge and its events, and the merchant paying the interest.
//!
//! The merchant's settings are shared by every test of the sandbox merchant, so the tests that read or change them
//! hold [`SETTINGS`] and put the defaults back.

use hsrc_e2e::{cards, confirm_body, Api};
use serde_json::{json, Value};
use std::sync::Mutex;

static SETTINGS: Mutex<()> = Mutex::new(());

const BONUS: &str = cards::BONUS_CREDIT;
const WORLD: &str = cards::WORLD_CREDIT;
const DEBIT: &str = cards::VISA_DEBIT;
const TROY: &str = cards::TROY_CREDIT;
/// A card of no Turkish issuer: no installments.
const FOREIGN: &str = cards::SUCCESS;

fn plans(api: &Api, token: &str, bin: &str) -> Value {
    api.payer_get(&format!("/v1/checkout-sessions/token/{token}/installments?bin={bin}")).expect(200)
}

fn counts(options: &Value) -> Vec<u64> {
    options["plans"].as_array().unwrap().iter().map(|p| p["count"].as_u64().unwrap()).collect()
}

fn confirm_with(api: &Api, token: &str, number: &str, count: u32) -> hsrc_e2e::Resp {
    let mut body = confirm_body(number);
    body["payment_method"]["installments"] = json!({ "count": count });
    api.payer_post(&format!("/v1/checkout-sessions/token/{token}/confirm"), body)
}

fn defaults(api: &Api) {
    api.post("/v1/settings/installments", json!({})).expect(200);
}

#[test]
fn bin_lookup_with_a_publishable_key_or_token_and_at_most_eight_digits() {
    let api = Api::from_env();
    let session = api.create_session(json!({}));
    let token = session["token"].as_str().unwrap();
    for key in [api.publishable_key.as_str(), token] {
        let b = api.send("GET", "/v1/bins/54006100", Some(key), None, &[]).expect(200);
        assert_eq!(
            b,
            json!({ "object": "bin", "bin": "540061", "card_type": "credit", "brand": "mastercard", "family": "bonus", "issuer_country": "TR", "commercial": false })
        );
    }
    let cases = [
        ("554960", "credit", "mastercard", "world", "TR"),
        ("413226", "debit", "visa", "none", "TR"),
        ("979200", "credit", "troy", "troy", "TR"),
        ("424242", "credit", "visa", "none", "US"),
    ];
    for (bin, card_type, brand, family, country) in cases {
        let b = api.send("GET", &format!("/v1/bins/{bin}"), Some(&api.publishable_key), None, &[]).expect(200);
        assert_eq!((b["card_type"].as_str(), b["brand"].as_str()), (Some(card_type), Some(brand)), "{bin}");
        assert_eq!((b["family"].as_str(), b["issuer_country"].as_str()), (Some(family), Some(country)), "{bin}");
    }
    api.send("GET", "/v1/bins/540061", None, None, &[]).expect_error(401, "api_key_missing");
    for bad in ["54006", "540061000", BONUS] {
        let resp = api.send("GET", &format!("/v1/bins/{bad}"), Some(&api.publishable_key), None, &[]);
        assert!(!resp.text.contains(bad), "the digits are never echoed");
        assert_eq!(resp.expect_error(400, "parameter_invalid")["error"]["param"], "bin");
    }
}

#[test]
fn plans_for_each_sandbox_card() {
    let _guard = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    let api = Api::from_env();
    defaults(&api);
    let session = api.create_session(json!({}));
    let token = session["token"].as_str().unwrap();
    assert_eq!(session["installments"], json!({ "enabled": true, "max_count": 12 }));
    assert_eq!(api.payer_view(token)["installments"]["enabled"], true);
    let bonus = plans(&api, token, "540061");
    assert_eq!(counts(&bonus), (1..=12).collect::<Vec<_>>());
    assert_eq!(bonus["currency"], "TRY");
    assert_eq!(bonus["plans"][0]["total_amount"], 12500);
    assert_eq!(
        bonus["plans"][2],
        json!({ "count": 3, "installment_amount": 4354, "last_installment_amount": 4353, "total_amount": 13061, "interest_amount": 561, "interest_rate": "4.49" })
    );
    assert_eq!(counts(&plans(&api, token, "55496000")), (1..=9).collect::<Vec<_>>());
    assert_eq!(counts(&plans(&api, token, "979200")), (1..=6).collect::<Vec<_>>());
    assert_eq!(counts(&plans(&api, token, "413226")), vec![1]);
    assert_eq!(counts(&plans(&api, token, "424242")), vec![1]);
    api.payer_get(&format!("/v1/checkout-sessions/token/{token}/installments?bin={TROY}"))
        .expect_error(400, "parameter_invalid");
}

#[test]
fn confirm_with_a_plan_on_each_installment_card() {
    let _guard = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    let api = Api::from_env();
    defaults(&api);
    for (number, count, total, each) in [(BONUS, 12, 14749, 1229), (WORLD, 3, 13075, 4358), (TROY, 6, 13600, 2267)] {
        let session = api.create_session(json!({}));
        let token = session["token"].as_str().unwrap();
        let result = confirm_with(&api, token, number, count).expect(200);
        assert_eq!(result["checkout_session"]["status"], "COMPLETED", "{number}");
        assert_eq!(result["confirmResult"]["payment"]["installments"]["count"], count);
        let payment_id = session["payment_id"].as_str().unwrap();
        let payment = api.payment(payment_id);
        assert_eq!(
            (payment["status"].as_str(), payment["amount"].as_i64()),
            (Some("SUCCEEDED"), Some(total)),
            "{number}"
        );
        assert_eq!(payment["amount_captured"], total);
        let i = &payment["installments"];
        assert_eq!(
            (i["count"].as_u64(), i["installment_amount"].as_i64()),
            (Some(count.into()), Some(each)),
            "{number}"
        );
        assert_eq!(
            (i["total_amount"].as_i64(), i["base_amount"].as_i64(), i["interest_paid_by"].as_str()),
            (Some(total), Some(12500), Some("payer"))
        );
        let last = i["last_installment_amount"].as_i64().unwrap();
        assert_eq!(each * (i64::from(count) - 1) + last, total);
        assert_eq!(
            (payment["charges"][0]["amount"].as_i64(), payment["charges"][0]["installments"]["count"].as_u64()),
            (Some(total), Some(count.into()))
        );
        // Both amounts ride on the events.
        let events = api.get(&format!("/v1/events?payment_id={payment_id}&type=payment.succeeded")).expect(200);
        let object = &events["data"][0]["data"]["object"];
        assert_eq!(
            (object["amount"].as_i64(), object["installments"]["base_amount"].as_i64()),
            (Some(total), Some(12500))
        );
        // The payer's receipt (the token view) shows the plan.
        assert_eq!(api.payer_view(token)["payment"]["installments"]["total_amount"], total);
    }
}

#[test]
fn debit_and_foreign_cards_are_refused_a_plan_and_pay_once() {
    let api = Api::from_env();
    for number in [DEBIT, FOREIGN] {
        let session = api.create_session(json!({}));
        let token = session["token"].as_str().unwrap();
        let err = confirm_with(&api, token, number, 3).expect_error(400, "installments_unavailable");
        assert_eq!(err["error"]["param"], "payment_method[installments][count]");
        assert_eq!(api.payment(session["payment_id"].as_str().unwrap())["charges"], json!([]));
        let ok = confirm_with(&api, token, number, 1).expect(200);
        assert_eq!(ok["confirmResult"]["payment"]["amount"], 12500);
        let payment = api.payment(session["payment_id"].as_str().unwrap());
        assert_eq!((payment["status"].as_str(), payment["installments"].is_null()), (Some("SUCCEEDED"), true));
    }
}

#[test]
fn merchant_pays_the_interest_when_it_says_so() {
    let _guard = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    let api = Api::from_env();
    let saved = api.post(
        "/v1/settings/installments",
        json!({ "interest_paid_by": "merchant", "family_max_count": { "bonus": 6 } }),
    );
    let saved = saved.expect(200);
    assert_eq!(saved["installment_settings"]["interest_paid_by"], "merchant");
    let session = api.create_session(json!({}));
    let token = session["token"].as_str().unwrap();
    let bonus = plans(&api, token, "540061");
    assert_eq!(counts(&bonus), (1..=6).collect::<Vec<_>>());
    assert_eq!(
        bonus["plans"][2],
        json!({ "count": 3, "installment_amount": 4167, "last_installment_amount": 4166, "total_amount": 12500, "interest_amount": 0, "interest_rate": "0.00" })
    );
    confirm_with(&api, token, BONUS, 3).expect(200);
    let payment = api.payment(session["payment_id"].as_str().unwrap());
    assert_eq!(
        (payment["amount"].as_i64(), payment["installments"]["interest_paid_by"].as_str()),
        (Some(12500), Some("merchant"))
    );
    defaults(&api);
    assert_eq!(api.get("/v1/settings/installments").expect(200)["installment_settings"]["interest_paid_by"], "payer");
}
