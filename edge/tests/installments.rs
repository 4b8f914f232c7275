//! Installments (#16) natively, on SQLite with the real migrations: BIN lookup and its auth, plans from the
//! seeded rate table, merchant settings, confirm with a plan (amounts on the payment, the charge and the events),
//! refused plans, and a decline followed by a single payment.

mod common;

use common::{dump_storage, err_code, World};
use hsrc_edge::http::Method;
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

const BONUS: &str = cards::BONUS_CREDIT;
const WORLD: &str = cards::WORLD_CREDIT;
const DEBIT: &str = cards::VISA_DEBIT;
const TROY: &str = cards::TROY_CREDIT;
const FOREIGN: &str = cards::SUCCESS;

fn plans(w: &World, token: &str, bin: &str) -> Value {
    let resp = w.call(Method::Get, &format!("/v1/checkout-sessions/token/{token}/installments?bin={bin}"), None, None);
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    resp.json_body()
}

fn counts(options: &Value) -> Vec<u64> {
    options["plans"].as_array().unwrap().iter().map(|p| p["count"].as_u64().unwrap()).collect()
}

fn confirm_with(w: &World, token: &str, number: &str, count: u32) -> hsrc_edge::http::ApiResponse {
    w.call(
        Method::Post,
        &format!("/v1/checkout-sessions/token/{token}/confirm"),
        Some(json!({
            "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" }, "installments": { "count": count } },
            "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
        })),
        None,
    )
}

fn event_object(w: &World, payment_id: &str, kind: &str) -> Value {
    let data: String = w.h.db.with_conn(|c| {
        c.query_row("SELECT data FROM events WHERE payment_id = ?1 AND type = ?2", [payment_id, kind], |r| r.get(0))
            .unwrap()
    });
    let data: Value = serde_json::from_str(&data).unwrap();
    data.get("object").cloned().unwrap_or(data)
}

#[test]
fn bin_lookup_takes_a_key_or_a_token_and_never_more_than_eight_digits() {
    let w = World::new();
    let session = w.create(json!({}));
    let token = session["token"].as_str().unwrap();
    for key in [w.m.publishable_key.as_str(), w.m.secret_key.as_str(), token] {
        let resp = w.call(Method::Get, "/v1/bins/54006100", None, Some(key));
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        let b = resp.json_body();
        assert_eq!(
            (b["card_type"].as_str(), b["brand"].as_str(), b["family"].as_str()),
            (Some("credit"), Some("mastercard"), Some("bonus"))
        );
        assert_eq!(
            (b["issuer_country"].as_str(), b["commercial"].as_bool(), b["bin"].as_str()),
            (Some("TR"), Some(false), Some("540061"))
        );
    }
    let troy = w.call(Method::Get, "/v1/bins/979200", None, Some(&w.m.publishable_key)).json_body();
    assert_eq!((troy["brand"].as_str(), troy["family"].as_str()), (Some("troy"), Some("troy")));
    assert_eq!(err_code(&w.call(Method::Get, "/v1/bins/540061", None, None)).0, 401);
    assert_eq!(
        err_code(&w.call(Method::Get, "/v1/bins/540061", None, Some("cst_nope"))),
        (404, "token_invalid".into())
    );
    for bad in ["54006", "540061000", BONUS, "54006a"] {
        let resp = w.call(Method::Get, &format!("/v1/bins/{bad}"), None, Some(&w.m.publishable_key));
        assert_eq!(err_code(&resp), (400, "parameter_invalid".into()), "{bad}");
        assert_eq!(resp.json_body()["error"]["param"], "bin");
        assert!(!String::from_utf8_lossy(&resp.body).contains(bad), "the input is never echoed");
    }
    // The full number sent to the BIN route is stored nowhere.
    assert!(!dump_storage(&w).contains(BONUS));
}

#[test]
fn plans_per_card_from_the_rate_table() {
    let w = World::new();
    let session = w.create(json!({}));
    let token = session["token"].as_str().unwrap();
    assert_eq!(session["installments"], json!({ "enabled": true, "max_count": 12 }));
    assert_eq!(w.view(token)["installments"]["enabled"], true);
    let bonus = plans(&w, token, "540061");
    assert_eq!(counts(&bonus), (1..=12).collect::<Vec<_>>());
    assert_eq!(bonus["card"]["family"], "bonus");
    assert_eq!(bonus["interest_paid_by"], "payer");
    // The seeded bonus rate for 3 is 4.49 %: ₺125,00 + ₺5,61 = ₺130,61 = 4354 + 4354 + 4353.
    let three = &bonus["plans"][2];
    assert_eq!(
        three,
        &json!({ "count": 3, "installment_amount": 4354, "last_installment_amount": 4353, "total_amount": 13061, "interest_amount": 561, "interest_rate": "4.49" })
    );
    assert_eq!(
        bonus["plans"][0],
        json!({ "count": 1, "installment_amount": 12500, "last_installment_amount": 12500, "total_amount": 12500, "interest_amount": 0, "interest_rate": "0.00" })
    );
    for p in bonus["plans"].as_array().unwrap() {
        let n = p["count"].as_i64().unwrap();
        let sum = p["installment_amount"].as_i64().unwrap() * (n - 1) + p["last_installment_amount"].as_i64().unwrap();
        assert_eq!(sum, p["total_amount"].as_i64().unwrap());
    }
    assert_eq!(counts(&plans(&w, token, "554960")), (1..=9).collect::<Vec<_>>());
    assert_eq!(counts(&plans(&w, token, "97920000")), (1..=6).collect::<Vec<_>>());
    assert_eq!(counts(&plans(&w, token, "413226")), vec![1]);
    assert_eq!(counts(&plans(&w, token, "424242")), vec![1]);
    let resp =
        w.call(Method::Get, &format!("/v1/checkout-sessions/token/{token}/installments?bin={BONUS}"), None, None);
    assert_eq!(err_code(&resp), (400, "parameter_invalid".into()));
    let resp = w.call(Method::Get, &format!("/v1/checkout-sessions/token/{token}/installments"), None, None);
    assert_eq!(resp.json_body()["error"]["param"], "bin");
}

#[test]
fn session_and_merchant_settings_cap_the_plans() {
    let w = World::new();
    // Below the ₺100,00 minimum installments are off by default; the session may turn them on.
    let small = w.create(json!({ "amount": 5000 }));
    assert_eq!(small["installments"]["enabled"], false);
    assert_eq!(counts(&plans(&w, small["token"].as_str().unwrap(), "540061")), vec![1]);
    let asked = w.create(json!({ "amount": 5000, "installments": { "enabled": true, "max_count": 3 } }));
    assert_eq!(counts(&plans(&w, asked["token"].as_str().unwrap(), "540061")), vec![1, 2, 3]);
    let resp = w.post(
        "/v1/checkout-sessions",
        json!({ "amount": 5000, "currency": "TRY", "installments": { "enabled": true, "max_count": 13 } }),
    );
    assert_eq!(
        (err_code(&resp).0, resp.json_body()["error"]["param"].as_str()),
        (400, Some("installments[max_count]"))
    );
    let resp = w.post(
        "/v1/checkout-sessions",
        json!({ "amount": 5000, "currency": "EUR", "installments": { "enabled": true } }),
    );
    assert_eq!(resp.json_body()["error"]["param"], "installments[enabled]");
    assert_eq!(w.create(json!({ "amount": 50000, "currency": "EUR" }))["installments"]["enabled"], false);

    // Merchant settings: a per-family cap, and the merchant paying the interest.
    let saved = w.post(
        "/v1/settings/installments",
        json!({ "max_count": 9, "family_max_count": { "bonus": 6 }, "interest_paid_by": "merchant" }),
    );
    assert_eq!(saved.status, 200, "{}", String::from_utf8_lossy(&saved.body));
    assert_eq!(w.get("/v1/settings/installments").json_body()["installment_settings"]["family_max_count"]["bonus"], 6);
    let s = w.create(json!({}));
    let token = s["token"].as_str().unwrap();
    let bonus = plans(&w, token, "540061");
    assert_eq!(counts(&bonus), (1..=6).collect::<Vec<_>>());
    assert_eq!(bonus["plans"][2]["total_amount"], 12500);
    assert_eq!(
        (bonus["plans"][2]["installment_amount"].as_i64(), bonus["plans"][2]["last_installment_amount"].as_i64()),
        (Some(4167), Some(4166))
    );
    assert_eq!(counts(&plans(&w, token, "554960")), (1..=9).collect::<Vec<_>>());
    let bad = w.post("/v1/settings/installments", json!({ "family_max_count": { "none": 3 } }));
    assert_eq!(err_code(&bad).0, 400);
    let bad = w.post("/v1/settings/installments", json!({ "max_count": 30 }));
    assert_eq!(bad.json_body()["error"]["param"], "max_count");
    let pk = w.call(Method::Get, "/v1/settings/installments", None, Some(&w.m.publishable_key.clone()));
    assert_eq!(err_code(&pk).0, 403);
}

#[test]
fn confirm_with_a_plan_charges_the_total_and_records_it_everywhere() {
    let w = World::new();
    for (number, count, total) in [(BONUS, 3, 13061), (WORLD, 9, 14200), (TROY, 6, 13600)] {
        let s = w.create(json!({}));
        let token = s["token"].as_str().unwrap();
        let expected = plans(&w, token, &number[..8])["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["count"] == count)
            .cloned()
            .unwrap();
        assert_eq!(expected["total_amount"], total, "{number}");
        let resp = confirm_with(&w, token, number, count);
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        let body = resp.json_body();
        assert_eq!(body["checkout_session"]["status"], "COMPLETED");
        let summary = &body["confirmResult"]["payment"];
        assert_eq!(
            (summary["amount"].as_i64(), summary["installments"]["count"].as_u64()),
            (Some(total), Some(count.into()))
        );
        let payment = w.payment(s["payment_id"].as_str().unwrap());
        assert_eq!(
            (payment["status"].as_str(), payment["amount"].as_i64(), payment["amount_captured"].as_i64()),
            (Some("SUCCEEDED"), Some(total), Some(total))
        );
        let i = &payment["installments"];
        assert_eq!(
            (i["count"].as_u64(), i["total_amount"].as_i64(), i["base_amount"].as_i64()),
            (Some(count.into()), Some(total), Some(12500))
        );
        assert_eq!(
            (i["installment_amount"].clone(), i["interest_paid_by"].as_str()),
            (expected["installment_amount"].clone(), Some("payer"))
        );
        let charge = &payment["charges"][0];
        assert_eq!(
            (charge["amount"].as_i64(), charge["installments"]["count"].as_u64()),
            (Some(total), Some(count.into()))
        );
        // The events carry both amounts too.
        let event = event_object(&w, s["payment_id"].as_str().unwrap(), "payment.succeeded");
        assert_eq!(
            (event["amount"].as_i64(), event["installments"]["base_amount"].as_i64()),
            (Some(total), Some(12500))
        );
        assert_eq!(event["installments"]["count"].as_u64(), Some(count.into()));
        // And the ops console.
        let ops = w.get(&format!("/v1/ops/sessions/{}", s["id"].as_str().unwrap())).json_body();
        let text = ops.to_string();
        assert!(
            text.contains("\"base_amount\":12500") && text.contains(&format!("\"total_amount\":{total}")),
            "{text}"
        );
    }
}

#[test]
fn refused_plans_name_the_parameter_and_charge_nothing() {
    let w = World::new();
    for (number, count) in [(DEBIT, 3), (FOREIGN, 2), (BONUS, 13), (WORLD, 12), (TROY, 7), (BONUS, 0)] {
        let s = w.create(json!({}));
        let token = s["token"].as_str().unwrap();
        let resp = confirm_with(&w, token, number, count);
        assert_eq!(err_code(&resp), (400, "installments_unavailable".into()), "{number} × {count}");
        assert_eq!(resp.json_body()["error"]["param"], "payment_method[installments][count]");
        let payment = w.payment(s["payment_id"].as_str().unwrap());
        assert_eq!((payment["status"].as_str(), payment["charges"].as_array().unwrap().len()), (Some("CREATED"), 0));
        assert_eq!(w.view(token)["status"], "PENDING");
    }
    // Installments off for the session: only a single payment.
    let s = w.create(json!({ "installments": { "enabled": false } }));
    let resp = confirm_with(&w, s["token"].as_str().unwrap(), BONUS, 3);
    assert_eq!(err_code(&resp), (400, "installments_unavailable".into()));
    let ok = confirm_with(&w, s["token"].as_str().unwrap(), BONUS, 1);
    assert_eq!(ok.status, 200);
    let payment = w.payment(s["payment_id"].as_str().unwrap());
    assert_eq!((payment["amount"].as_i64(), payment["installments"].is_null()), (Some(12500), true));
}

#[test]
fn a_single_payment_after_a_plan_charges_the_order_amount() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    let token = s["token"].as_str().unwrap();
    let pay = s["payment_id"].as_str().unwrap();
    let resp = confirm_with(&w, token, BONUS, 6);
    assert_eq!(resp.status, 200);
    let authorized = w.payment(pay);
    assert_eq!((authorized["status"].as_str(), authorized["amount"].as_i64()), (Some("AUTHORIZED"), Some(13624)));
    // Capturing takes the plan's total, the amount that was authorized.
    let captured = w.post(&format!("/v1/payments/{pay}/capture"), json!({})).json_body();
    assert_eq!(captured["payment"]["amount_captured"], 13624);

    // A declined plan, then a single payment: the payment goes back to the order amount.
    let s = w.create(json!({}));
    let token = s["token"].as_str().unwrap();
    assert_eq!(w.confirm_ok(token, cards::DECLINED)["confirmResult"]["payment"]["status"], "REQUIRES_PAYMENT_METHOD");
    let resp = confirm_with(&w, token, TROY, 2);
    assert_eq!(resp.json_body()["confirmResult"]["payment"]["amount"], 12850);
    let s2 = w.create(json!({}));
    let t2 = s2["token"].as_str().unwrap();
    let _ = confirm_with(&w, t2, cards::DECLINED, 1);
    let ok = w.confirm_ok(t2, BONUS);
    assert_eq!(ok["confirmResult"]["payment"]["amount"], 12500);
    assert!(ok["confirmResult"]["payment"].get("installments").is_none());
}

#[test]
fn the_plan_is_written_with_the_attempt_before_the_provider_and_survives_3ds() {
    let w = World::new();
    let s = w.create(json!({ "secure_mode": true }));
    let token = s["token"].as_str().unwrap();
    let pay = s["payment_id"].as_str().unwrap();
    let resp = confirm_with(&w, token, BONUS, 3).json_body();
    assert_eq!(resp["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    // Before any provider call: the payment and its pending charge already carry the plan and its total.
    let waiting = w.payment(pay);
    assert_eq!((waiting["amount"].as_i64(), waiting["installments"]["count"].as_u64()), (Some(13061), Some(3)));
    assert_eq!(
        (waiting["charges"][0]["status"].as_str(), waiting["charges"][0]["amount"].as_i64()),
        (Some("requires_action"), Some(13061))
    );
    let event = event_object(&w, pay, "payment.requires_action");
    assert_eq!(event["installments"]["total_amount"], 13061);
    let url = resp["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    let challenge = url.rsplit('/').next().unwrap();
    let done = w.call(Method::Post, &format!("/v1/3ds/{challenge}/complete"), Some(json!({ "result": "pass" })), None);
    assert_eq!(done.status, 200);
    let paid = w.payment(pay);
    assert_eq!((paid["status"].as_str(), paid["amount_captured"].as_i64()), (Some("SUCCEEDED"), Some(13061)));
    assert_eq!(paid["installments"]["base_amount"], 12500);
    assert_eq!(w.view(token)["payment"]["installments"]["count"], 3);
}
