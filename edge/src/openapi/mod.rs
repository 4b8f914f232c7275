//! The OpenAPI 3.1 document, generated from the route table and the wire types so the two can never drift.
//!
//! - Paths and methods come from [`ROUTES`]; what each operation takes and returns comes from
//!   [`contract`], an exhaustive `match` on [`Op`]: adding an operation without describing it does not compile.
//! - Schemas are derived from the Rust types in `hsrc_shared::api` (`schemars`, the `schema` feature of
//!   hsrc-shared): request bodies as they are *deserialized* (so `deny_unknown_fields` becomes
//!   `additionalProperties: false`), responses as they are *serialized*. Response objects are closed
//!   (`additionalProperties: false`), so a field the handler sends but the document does not know fails validation.
//! - Built once per isolate ([`document`]). Tests check real responses against it with the validator of the
//!   test kit (`hsrc_testkit::schema`); the schema-driven fuzzer (`scripts/fuzz.sh`) checks every response it provokes.

pub mod compat;
mod schemas;

use crate::http::Method;
use crate::routing::{Access, Op, ROUTES};
use hsrc_shared::api::challenges::{ChallengeEnvelope, CompleteChallenge};
use hsrc_shared::api::webhooks::{
    CreateEndpoint, Resend, RotateSecret, UpdateEndpoint, WebhookDelivery, WebhookEndpoint,
};
use hsrc_shared::api::{
    CaptureRequest, CheckoutSession, ConfirmRequest, ConfirmResponse, CreateSessionRequest, Event, List, PayerDetails,
    PayerSessionEnvelope, Payment, PaymentEnvelope, SessionEnvelope,
};
use hsrc_shared::error::ErrorBody;
use schemas::unmark;
pub use schemas::Schemas;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// What an operation's successful response is.
pub enum Success {
    Json(Value),
    Html,
    Script,
}

/// What one operation takes and returns, beyond its path parameters.
pub struct Contract {
    pub request: Option<Value>,
    pub request_example: Option<Value>,
    pub success: Success,
    pub query: &'static [(&'static str, &'static str)],
    /// Error statuses worth naming for this operation (every error also matches `default`).
    pub errors: &'static [u16],
}

const PAGING: &[(&str, &str)] =
    &[("limit", "Page size, 1–100 (default 10)."), ("starting_after", "The `next_cursor` of the previous page.")];
const PAGING_STATUS: &[(&str, &str)] = &[
    ("limit", "Page size, 1–100 (default 10)."),
    ("starting_after", "The `next_cursor` of the previous page."),
    ("status", "Only objects in this status."),
];
const SECRET_ERRORS: &[u16] = &[400, 401, 403, 404, 409, 429];
const TOKEN_ERRORS: &[u16] = &[400, 402, 404, 409, 410, 413, 415, 429];

fn object(properties: Value, required: &[&str]) -> Value {
    json!({ "type": "object", "required": required, "properties": properties, "additionalProperties": false })
}

/// The contract of each operation. Exhaustive on purpose: a new `Op` must say what it takes and returns.
pub fn contract(op: Op, s: &mut Schemas) -> Contract {
    let json_ok = |v: Value| Success::Json(v);
    let c = |request: Option<Value>,
             success: Success,
             query: &'static [(&'static str, &'static str)],
             errors: &'static [u16]| Contract { request, request_example: None, success, query, errors };
    match op {
        Op::Health => c(None, json_ok(s.named("Health", object(json!({ "status": { "const": "ok" } }), &["status"]))), &[], &[]),
        Op::OpenApi => c(None, json_ok(json!({ "type": "object", "description": "This document." })), &[], &[]),
        Op::Loader => c(None, Success::Script, &[], &[]),
        Op::EmbedPage => c(None, Success::Html, &[("token", "The session token."), ("origin", "The merchant page's origin (checked against the allowlist for frame-ancestors).")], &[]),
        Op::HostedPage => c(None, Success::Html, &[("token", "The session token.")], &[]),
        Op::ChallengePage => c(None, Success::Html, &[("origin", "The merchant page's origin when the challenge opens inside its iframe (checked against the allowlist).")], &[]),
        Op::DemoPage | Op::OpsPage => c(None, Success::Html, &[], &[]),
        Op::CreateSession => {
            let session = s.out::<SessionEnvelope>();
            let mut k = c(Some(s.input::<CreateSessionRequest>()), json_ok(session), &[], &[400, 401, 403, 409, 413, 415, 422, 429]);
            k.request_example = Some(json!({
                "amount": 12500, "currency": "TRY", "url": "https://merchant.example/pay", "return_url": "https://merchant.example/return",
                "customer": { "email": "ayse@example.com" }, "metadata": { "order_id": "ord_123" }
            }));
            k
        }
        Op::ListSessions => c(None, json_ok(s.out::<List<CheckoutSession>>()), PAGING_STATUS, SECRET_ERRORS),
        Op::GetSession | Op::CancelSession => c(None, json_ok(s.out::<SessionEnvelope>()), &[], SECRET_ERRORS),
        Op::PayerView | Op::PayerCancel => c(None, json_ok(s.out::<PayerSessionEnvelope>()), &[], TOKEN_ERRORS),
        Op::PayerDetails => c(Some(s.input::<PayerDetails>()), json_ok(s.out::<PayerSessionEnvelope>()), &[], TOKEN_ERRORS),
        Op::Confirm => {
            let mut k = c(Some(s.input::<ConfirmRequest>()), json_ok(s.out::<ConfirmResponse>()), &[], TOKEN_ERRORS);
            k.request_example = Some(json!({
                "payment_method": { "type": "card", "card": { "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
                "payer": { "name": "Ayşe Yılmaz", "email": "ayse@example.com" }
            }));
            k
        }
        Op::GetChallenge => c(None, json_ok(s.out::<ChallengeEnvelope>()), &[], &[404, 429]),
        Op::CompleteChallenge => {
            let body = s.input::<CompleteChallenge>();
            c(Some(body), json_ok(s.out::<ChallengeEnvelope>()), &[], &[400, 404, 409, 429])
        }
        Op::ListPayments => c(None, json_ok(s.out::<List<Payment>>()), PAGING_STATUS, SECRET_ERRORS),
        Op::GetPayment | Op::VoidPayment | Op::DemoGetPayment => {
            let body = (op == Op::VoidPayment).then(|| s.named("VoidRequest", object(json!({}), &[])));
            c(body, json_ok(s.out::<PaymentEnvelope>()), &[], SECRET_ERRORS)
        }
        Op::CapturePayment => c(Some(s.input::<CaptureRequest>()), json_ok(s.out::<PaymentEnvelope>()), &[], SECRET_ERRORS),
        Op::DemoCreateSession => {
            let body = s.named(
                "DemoOrder",
                object(
                    json!({
                        "amount": { "type": "integer" }, "currency": { "type": "string" }, "flow": { "enum": ["embedded", "hosted"] },
                        "secure_mode": { "type": "boolean" }, "capture_method": { "enum": ["automatic", "manual"] },
                        "expires_in": { "type": ["integer", "null"] }
                    }),
                    &[],
                ),
            );
            c(Some(body), json_ok(s.out::<SessionEnvelope>()), &[], &[400, 404])
        }
        Op::RollApiKey => {
            let body = s.input::<crate::accounts::keys::RollRequest>();
            let key = s.out::<crate::accounts::keys::RolledKey>();
            c(Some(body), json_ok(s.envelope("ApiKeyEnvelope", "api_key", key)), &[], SECRET_ERRORS)
        }
        Op::ListApiKeys => c(None, json_ok(s.out::<List<crate::accounts::keys::ApiKeyView>>()), &[], SECRET_ERRORS),
        Op::RevokeApiKey => {
            let body = s.input::<crate::handlers::keys::RevokeRequest>();
            let key = s.out::<crate::accounts::keys::ApiKeyView>();
            c(Some(body), json_ok(s.envelope("RevokedApiKeyEnvelope", "api_key", key)), &[], SECRET_ERRORS)
        }
        Op::CreateWebhookEndpoint | Op::GetWebhookEndpoint | Op::UpdateWebhookEndpoint | Op::RotateWebhookSecret => {
            let body = match op {
                Op::CreateWebhookEndpoint => Some(s.input::<CreateEndpoint>()),
                Op::UpdateWebhookEndpoint => Some(s.input::<UpdateEndpoint>()),
                Op::RotateWebhookSecret => Some(s.input::<RotateSecret>()),
                _ => None,
            };
            let endpoint = s.out::<WebhookEndpoint>();
            c(body, json_ok(s.envelope("WebhookEndpointEnvelope", "webhook_endpoint", endpoint)), &[], SECRET_ERRORS)
        }
        Op::ListWebhookEndpoints => c(None, json_ok(s.out::<List<WebhookEndpoint>>()), PAGING, SECRET_ERRORS),
        Op::DeleteWebhookEndpoint => {
            let deleted = object(json!({ "id": { "type": "string" }, "object": { "const": "webhook_endpoint" }, "deleted": { "const": true } }), &["id", "object", "deleted"]);
            c(None, json_ok(s.named("DeletedWebhookEndpoint", deleted)), &[], SECRET_ERRORS)
        }
        Op::ListEndpointDeliveries | Op::ListEventDeliveries => {
            c(None, json_ok(s.out::<List<WebhookDelivery>>()), PAGING_STATUS, SECRET_ERRORS)
        }
        Op::ListEvents => c(
            None,
            json_ok(s.out::<List<Event>>()),
            &[
                ("limit", "Page size, 1–100 (default 10)."),
                ("starting_after", "The `next_cursor` of the previous page."),
                ("ending_before", "An event id: only newer events, the oldest of them first in time (the page is still newest first; with `has_more`, pass `next_cursor` here again)."),
                ("type", "Only events of this type."),
                ("payment_id", "Only events of this payment."),
                ("checkout_session_id", "Only events of this session."),
            ],
            SECRET_ERRORS,
        ),
        Op::GetEvent => c(None, json_ok(s.out::<Event>()), &[], SECRET_ERRORS),
        Op::ResendEvent => {
            let body = s.input::<Resend>();
            c(Some(body), json_ok(s.out::<List<WebhookDelivery>>()), &[], SECRET_ERRORS)
        }
        Op::OpsSearch => c(
            None,
            json_ok(s.out::<hsrc_shared::api::ops::OpsSearchResult>()),
            &[
                ("q", "Session, payment, charge, event, refund or delivery id; request id; order id; payer or customer email; card last4; customer_reference:…; or key:value of metadata. Never a token. API-only payments (no session) are found too."),
                ("status", "Session status (keeps only payments of checkout sessions)."),
                ("payment_status", "Payment status."),
                ("from", "Created at or after: Unix seconds, or YYYY-MM-DD (UTC)."),
                ("to", "Created before: Unix seconds, or YYYY-MM-DD (UTC, the whole day included)."),
                ("limit", "Page size, 1–100 (default 10)."),
                ("starting_after", "The `next_cursor` of the previous page."),
            ],
            SECRET_ERRORS,
        ),
        Op::OpsSession => c(None, json_ok(s.out::<hsrc_shared::api::ops::OpsSessionEnvelope>()), &[], SECRET_ERRORS),
        Op::OpsPayment => c(None, json_ok(s.out::<hsrc_shared::api::ops::OpsPaymentEnvelope>()), &[], SECRET_ERRORS),
        // API-only payments (#15) ↓
        Op::ElementsScript => c(None, Success::Script, &[], &[]),
        Op::CardElementPage => c(None, Success::Html, &[("key", "The merchant's publishable key."), ("origin", "The merchant page's origin (checked against the allowlist for frame-ancestors)."), ("locale", "tr or en.")], &[]),
        Op::DemoCustomPage => c(None, Success::Html, &[], &[]),
        Op::CreateApiPayment => {
            let mut k = c(Some(s.input::<hsrc_shared::api::CreatePaymentRequest>()), json_ok(s.out::<hsrc_shared::api::PaymentCreated>()), &[], &[400, 401, 403, 409, 413, 415, 422, 429]);
            k.request_example = Some(json!({ "amount": 12500, "currency": "TRY", "return_url": "https://merchant.example/return", "metadata": { "order_id": "ord_123" } }));
            k
        }
        Op::ConfirmApiPayment | Op::DemoConfirmApiPayment => {
            let body = if op == Op::ConfirmApiPayment {
                s.input::<hsrc_shared::api::ConfirmPaymentRequest>()
            } else {
                s.named("DemoConfirm", object(json!({ "payment_method": { "type": "string" } }), &["payment_method"]))
            };
            let mut k = c(Some(body), json_ok(s.out::<hsrc_shared::api::ConfirmResult>()), &[], &[400, 401, 402, 403, 404, 409, 410, 413, 415, 422, 429]);
            if op == Op::ConfirmApiPayment {
                k.request_example = Some(json!({ "payment_method": "pm_0123456789abcdef01234567", "client_secret": "pay_0123456789abcdef01234567_secret_…" }));
            }
            k
        }
        Op::CancelApiPayment => c(Some(s.input::<hsrc_shared::api::CancelPaymentRequest>()), json_ok(s.out::<PaymentEnvelope>()), &[], SECRET_ERRORS),
        Op::ClientPayment => c(None, json_ok(s.out::<crate::handlers::api_payments::ClientPaymentEnvelope>()), &[("client_secret", "The payment's client secret (with a publishable key).")], &[400, 401, 404, 410]),
        Op::CreatePaymentMethod => c(Some(s.input::<hsrc_shared::api::PaymentMethodInput>()), json_ok(s.out::<hsrc_shared::api::PaymentMethodEnvelope>()), &[], &[400, 401, 402, 403, 413, 415]),
        Op::AttachPaymentMethod => c(
            Some(s.input::<hsrc_shared::api::payment_methods::AttachPaymentMethodRequest>()),
            json_ok(s.out::<hsrc_shared::api::PaymentMethodEnvelope>()),
            &[],
            &[400, 401, 403, 404, 409, 413, 415, 429],
        ),
        Op::DetachPaymentMethod => c(None, json_ok(s.out::<hsrc_shared::api::PaymentMethodEnvelope>()), &[], SECRET_ERRORS),
        Op::ListPaymentMethods => c(
            None,
            json_ok(s.out::<List<hsrc_shared::api::PaymentMethod>>()),
            &[
                ("customer_reference", "The merchant's reference of the customer (required)."),
                ("limit", "Page size, 1–100 (default 10)."),
                ("starting_after", "The `next_cursor` of the previous page."),
            ],
            SECRET_ERRORS,
        ),
        Op::DemoCreateApiPayment => {
            let body = s.named("DemoApiOrder", object(json!({ "secure_mode": { "type": "boolean" }, "capture_method": { "enum": ["automatic", "manual"] } }), &[]));
            c(Some(body), json_ok(s.out::<hsrc_shared::api::PaymentCreated>()), &[], &[400, 404])
        }
        // Installments (#16).
        Op::BinLookup => c(None, json_ok(s.out::<hsrc_shared::bin::BinInfo>()), &[], &[400, 401, 404, 429]),
        Op::PayerInstallments => c(
            None,
            json_ok(s.out::<hsrc_shared::installments::InstallmentOptions>()),
            &[("bin", "The card number's first 6–8 digits (never more).")],
            TOKEN_ERRORS,
        ),
        Op::GetInstallmentSettings | Op::UpdateInstallmentSettings => {
            use hsrc_shared::installments::InstallmentSettings;
            let body = (op == Op::UpdateInstallmentSettings).then(|| s.input::<InstallmentSettings>());
            let settings = s.out::<InstallmentSettings>();
            c(body, json_ok(s.envelope("InstallmentSettingsEnvelope", "installment_settings", settings)), &[], SECRET_ERRORS)
        }
        Op::CreateRefund | Op::ListRefunds | Op::GetRefund | Op::CancelRefund => refund_contract(op, s),
    }
}

/// Refunds (issue #13).
fn refund_contract(op: Op, s: &mut Schemas) -> Contract {
    use hsrc_shared::api::refunds::{CreateRefundRequest, Refund, RefundEnvelope};
    let c = |request, success, query, errors| Contract { request, request_example: None, success, query, errors };
    match op {
        Op::CreateRefund => {
            let mut k =
                c(Some(s.input::<CreateRefundRequest>()), Success::Json(s.out::<RefundEnvelope>()), &[], SECRET_ERRORS);
            k.request_example = Some(
                json!({ "payment_id": "pay_0123456789abcdef01234567", "amount": 5000, "reason": "requested_by_customer", "metadata": { "return_id": "ret_42" } }),
            );
            k
        }
        Op::ListRefunds => c(
            None,
            Success::Json(s.out::<List<Refund>>()),
            &[
                ("payment_id", "The payment whose refunds to list (required)."),
                ("limit", "Page size, 1–100 (default 10)."),
                ("starting_after", "The `next_cursor` of the previous page."),
            ],
            SECRET_ERRORS,
        ),
        Op::CancelRefund => {
            let body = s.named("CancelRefundRequest", object(json!({}), &[]));
            c(Some(body), Success::Json(s.out::<RefundEnvelope>()), &[], SECRET_ERRORS)
        }
        _ => c(None, Success::Json(s.out::<RefundEnvelope>()), &[], SECRET_ERRORS),
    }
}

fn method_name(m: Method) -> Option<&'static str> {
    match m {
        Method::Get => Some("get"),
        Method::Post => Some("post"),
        Method::Patch => Some("patch"),
        Method::Delete => Some("delete"),
        Method::Options | Method::Other => None,
    }
}

fn error_ref() -> Value {
    json!({ "$ref": "#/components/responses/Error" })
}

/// The document, built once per isolate (it depends only on the code) and shared by every request.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

/// The document as the JSON `GET /v1/openapi.json` sends, serialized once.
pub fn document_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_vec(document()).unwrap_or_default())
}

fn build() -> Value {
    let mut schemas = Schemas::new();
    let error_schema = schemas.out::<ErrorBody>();
    let mut paths = Map::new();
    for r in ROUTES {
        let Some(method) = method_name(r.method) else { continue };
        let k = contract(r.op, &mut schemas);
        let mut parameters: Vec<Value> = r
            .path
            .split('/')
            .filter(|s| s.starts_with('{'))
            .map(|s| json!({ "name": &s[1..s.len() - 1], "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 200 } }))
            .collect();
        parameters.extend(k.query.iter().map(|(name, description)| json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })));
        let mut responses = Map::new();
        let ok = match k.success {
            Success::Json(schema) => {
                json!({ "description": "OK", "headers": { "request-id": { "$ref": "#/components/headers/RequestId" } }, "content": { "application/json": { "schema": schema } } })
            }
            Success::Html => {
                json!({ "description": "The page (its security headers depend on the session).", "content": { "text/html": { "schema": { "type": "string" } } } })
            }
            Success::Script => {
                json!({ "description": "The loader script.", "content": { "text/javascript": { "schema": { "type": "string" } } } })
            }
        };
        responses.insert("200".into(), ok);
        for status in k.errors {
            responses.insert(status.to_string(), error_ref());
        }
        responses.insert("default".into(), error_ref());
        let mut op = json!({ "operationId": op_id(r.op), "summary": r.summary, "parameters": parameters, "responses": responses, "tags": [tag(r.access)] });
        if let Some(body) = k.request {
            let mut media = json!({ "schema": body });
            if let Some(example) = k.request_example {
                media["example"] = example;
            }
            op["requestBody"] = json!({ "required": false, "content": { "application/json": media } });
        }
        op["security"] = match r.access {
            Access::Secret => json!([{ "secretKey": [] }]),
            Access::Client => json!([{ "secretKey": [] }, { "publishableKey": [] }]),
            Access::KeyOrToken => json!([{ "publishableKey": [] }, { "secretKey": [] }, { "sessionToken": [] }]),
            Access::Publishable => json!([{ "publishableKey": [] }]),
            _ => json!([]),
        };
        let path = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        path[method] = op;
    }
    let (mut components, renamed) = schemas.components();
    components.insert("Error".into(), error_schema);
    // Request bodies were referenced before the renaming was known: point them at the `…Input` components.
    let mut paths = Value::Object(paths);
    unmark(&mut paths, &renamed);
    let mut doc = json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "HSRC Pay Checkout API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Checkout sessions, payments, events and webhooks. Amounts are integers in the currency's minor unit; \
                            timestamps are Unix seconds. Every response carries a `request-id` header; every error is \
                            `{\"error\": {\"type\", \"code\", \"message\", \"param\"}}`. POSTs accept an `Idempotency-Key` header."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "secretKey": { "type": "http", "scheme": "bearer", "description": "A secret key, sk_test_… or sk_live_…, from the merchant's server only." },
                "publishableKey": { "type": "http", "scheme": "bearer", "description": "A publishable key, pk_test_… or pk_live_…, from the merchant's page: with an API-only payment's client_secret, or inside our card element." },
                "sessionToken": { "type": "http", "scheme": "bearer", "description": "An open checkout session's token (cst_…), from the payer's page (BIN lookup)." }
            },
            "headers": {
                "RequestId": { "description": "Identifies the request for support and in events.", "required": true, "schema": { "type": "string" } },
                "RetryAfter": { "description": "Seconds to wait before retrying (on 429).", "schema": { "type": "string" } }
            },
            "responses": {
                "Error": {
                    "description": "An error, in the one error model of the API.",
                    "headers": { "request-id": { "$ref": "#/components/headers/RequestId" }, "retry-after": { "$ref": "#/components/headers/RetryAfter" } },
                    "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/ErrorBody" },
                        "example": { "error": { "type": "invalid_request_error", "code": "url_invalid", "message": "return_url must use https.", "param": "return_url" } }
                    } }
                }
            },
            "schemas": components
        }
    });
    // Generic rewrites so client generators read every schema (compat.rs).
    crate::openapi::compat::normalize(&mut doc);
    doc
}

fn op_id(op: Op) -> String {
    let name = format!("{op:?}");
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn tag(access: Access) -> &'static str {
    match access {
        Access::Public => "public",
        Access::Secret => "merchant",
        Access::Token | Access::Challenge => "payer",
        Access::Demo => "demo",
        Access::Client | Access::Publishable => "api-only payments",
        Access::KeyOrToken => "payer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_and_every_documented_operation_is_a_route() {
        let doc = document();
        for r in ROUTES {
            let Some(m) = method_name(r.method) else { continue };
            assert!(
                doc["paths"][r.path][m].is_object(),
                "{} {} is missing from the document",
                r.method.as_str(),
                r.path
            );
        }
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    ROUTES.iter().any(|r| r.path == path && method_name(r.method) == Some(method.as_str())),
                    "{method} {path} is documented but not routed"
                );
            }
        }
    }

    #[test]
    fn every_reference_resolves() {
        fn walk(doc: &Value, v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        if r.strip_prefix('#').and_then(|p| doc.pointer(p)).is_none() {
                            out.push(r.clone());
                        }
                    }
                    m.values().for_each(|x| walk(doc, x, out));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(doc, x, out)),
                _ => {}
            }
        }
        let doc = document();
        let mut broken = Vec::new();
        walk(doc, doc, &mut broken);
        assert!(broken.is_empty(), "unresolved: {broken:?}");
        assert!(!doc.to_string().contains(schemas::REQUEST_MARK));
    }

    #[test]
    fn request_schemas_reject_unknown_fields_and_responses_are_closed() {
        let doc = document();
        let create = &doc["components"]["schemas"]["CreateSessionRequest"];
        assert_eq!(create["additionalProperties"], false);
        assert!(create["properties"]["amount"].is_object() && create["properties"]["customer"].is_object());
        let session = &doc["components"]["schemas"]["CheckoutSession"];
        assert_eq!(session["additionalProperties"], false);
        for field in [
            "id",
            "status",
            "url",
            "token",
            "expires_at",
            "amount",
            "currency",
            "return_url",
            "cancel_url",
            "metadata",
            "payment_id",
        ] {
            assert!(session["properties"][field].is_object(), "CheckoutSession.{field} is documented");
        }
    }
}
