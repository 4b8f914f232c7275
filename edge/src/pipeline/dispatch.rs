//! Which handler serves an operation. Two functions, one per call type: a route called with an API key gets its
//! handler a [`KeyCall`] (the merchant is known), every other route a [`Call`]. The table's access kind decides
//! which function runs (`Access::takes_key`).

use crate::handlers;
use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::routing::{Call, KeyCall, Op};
use hsrc_shared::ApiError;

/// Handlers of routes without an API key (public, payer token, challenge, demo, BIN lookup).
pub async fn anonymous(ctx: &Ctx<'_>, op: Op, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    match op {
        Op::Health => Ok(ApiResponse::ok(&serde_json::json!({ "status": "ok" }))),
        Op::OpenApi => Ok(ApiResponse::json_bytes(200, crate::openapi::document_json().to_vec())),
        Op::Loader | Op::EmbedPage | Op::HostedPage | Op::ChallengePage | Op::DemoPage | Op::OpsPage => {
            handlers::pages::serve(ctx, op, call).await
        }
        Op::PayerView => handlers::payer::view(ctx, call).await,
        Op::PayerDetails => handlers::payer::details(ctx, call).await,
        Op::Confirm => handlers::payer::confirm(ctx, call).await,
        Op::PayerCancel => handlers::payer::cancel(ctx, call).await,
        Op::GetChallenge => handlers::payer::challenge(ctx, call).await,
        Op::CompleteChallenge => handlers::payer::complete_challenge(ctx, call).await,
        Op::DemoCreateSession => handlers::demo::create_session(ctx, call).await,
        Op::DemoGetPayment => handlers::demo::payment(ctx, call).await,
        Op::ElementsScript | Op::CardElementPage | Op::DemoCustomPage => {
            handlers::api_payments::page(ctx, op, call).await
        }
        Op::DemoCreateApiPayment => handlers::demo_custom::create_payment(ctx, call).await,
        Op::DemoConfirmApiPayment => handlers::demo_custom::confirm_payment(ctx, call).await,
        Op::BinLookup => handlers::installments::bin_lookup(ctx, call).await,
        Op::PayerInstallments => handlers::installments::plans(ctx, call).await,
        _ => Err(mismatch(op)),
    }
}

/// Handlers of routes called with an API key (secret, client, publishable).
pub async fn keyed(ctx: &Ctx<'_>, op: Op, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    match op {
        Op::CreateSession => handlers::sessions::create(ctx, call).await,
        Op::ListSessions => handlers::sessions::list(ctx, call).await,
        Op::GetSession => handlers::sessions::retrieve(ctx, call).await,
        Op::CancelSession => handlers::sessions::cancel(ctx, call).await,
        Op::ListPayments => handlers::payments::list(ctx, call).await,
        Op::GetPayment => handlers::payments::retrieve(ctx, call).await,
        Op::CapturePayment => handlers::payments::capture(ctx, call).await,
        Op::VoidPayment => handlers::payments::void(ctx, call).await,
        Op::RollApiKey => handlers::keys::roll(ctx, call).await,
        Op::ListApiKeys => handlers::keys::list(ctx, call).await,
        Op::RevokeApiKey => handlers::keys::revoke(ctx, call).await,
        Op::CreateWebhookEndpoint => handlers::webhook_endpoints::create(ctx, call).await,
        Op::ListWebhookEndpoints => handlers::webhook_endpoints::list(ctx, call).await,
        Op::GetWebhookEndpoint => handlers::webhook_endpoints::retrieve(ctx, call).await,
        Op::UpdateWebhookEndpoint => handlers::webhook_endpoints::update(ctx, call).await,
        Op::DeleteWebhookEndpoint => handlers::webhook_endpoints::delete(ctx, call).await,
        Op::RotateWebhookSecret => handlers::webhook_endpoints::rotate_secret(ctx, call).await,
        Op::ListEndpointDeliveries => handlers::webhook_endpoints::deliveries(ctx, call).await,
        Op::ListEvents => handlers::events::list(ctx, call).await,
        Op::GetEvent => handlers::events::retrieve(ctx, call).await,
        Op::ListEventDeliveries => handlers::events::deliveries(ctx, call).await,
        Op::ResendEvent => handlers::events::resend(ctx, call).await,
        Op::OpsSearch => handlers::ops::search(ctx, call).await,
        Op::OpsSession => handlers::ops::session(ctx, call).await,
        Op::OpsPayment => handlers::ops::payment(ctx, call).await,
        Op::CreateRefund => handlers::refunds::create(ctx, call).await,
        Op::ListRefunds => handlers::refunds::list(ctx, call).await,
        Op::GetRefund => handlers::refunds::retrieve(ctx, call).await,
        Op::CancelRefund => handlers::refunds::cancel(ctx, call).await,
        Op::CreateApiPayment => handlers::api_payments::create(ctx, call).await,
        Op::ConfirmApiPayment => handlers::api_payments::confirm(ctx, call).await,
        Op::CancelApiPayment => handlers::api_payments::cancel(ctx, call).await,
        Op::ClientPayment => handlers::api_payments::client_view(ctx, call).await,
        Op::CreatePaymentMethod => handlers::api_payments::create_payment_method(ctx, call).await,
        Op::AttachPaymentMethod => handlers::api_payments::attach_payment_method(ctx, call).await,
        Op::DetachPaymentMethod => handlers::api_payments::detach_payment_method(ctx, call).await,
        Op::ListPaymentMethods => handlers::api_payments::list_payment_methods(ctx, call).await,
        Op::GetInstallmentSettings => handlers::installments::get_settings(ctx, call).await,
        Op::UpdateInstallmentSettings => handlers::installments::update_settings(ctx, call).await,
        _ => Err(mismatch(op)),
    }
}

/// The route table gave an operation the other access kind than its handler takes: a bug, never input.
fn mismatch(op: Op) -> ApiError {
    crate::log::error("route_access_mismatch", &format!("{op:?}"));
    ApiError::internal()
}
