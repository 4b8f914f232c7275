//! The route table: every operation with its method, path, access kind and summary. It is data, so the OpenAPI
//! document is generated from it and a test checks that the two agree.

use crate::http::Method;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health, documents, pages).
    Public,
    /// The merchant's secret key only.
    Secret,
    /// The payer, holding the session token in the path.
    Token,
    /// The payer, holding the 3DS challenge id in the path.
    Challenge,
    /// The demo shop's server side (sandbox deployments only).
    Demo,
    // API-only payments (#15) ↓
    /// The merchant's secret key, or its publishable key with the payment's `client_secret` (checked by the
    /// service). Callable from the merchant's page (CORS).
    Client,
    /// The merchant's publishable key only (our card element's iframe).
    Publishable,
    // Installments (#16) ↓
    /// The payer's browser or the merchant: a publishable or secret key, or an open session's token, as the
    /// `Authorization: Bearer` value (BIN lookup).
    KeyOrToken,
}

/// Every operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Health,
    OpenApi,
    Loader,
    EmbedPage,
    HostedPage,
    ChallengePage,
    DemoPage,
    OpsPage,
    CreateSession,
    ListSessions,
    GetSession,
    CancelSession,
    PayerView,
    PayerDetails,
    Confirm,
    PayerCancel,
    GetChallenge,
    CompleteChallenge,
    ListPayments,
    GetPayment,
    CapturePayment,
    VoidPayment,
    RollApiKey,
    ListApiKeys,
    RevokeApiKey,
    DemoCreateSession,
    DemoGetPayment,
    CreateWebhookEndpoint,
    ListWebhookEndpoints,
    GetWebhookEndpoint,
    UpdateWebhookEndpoint,
    DeleteWebhookEndpoint,
    RotateWebhookSecret,
    ListEndpointDeliveries,
    ListEvents,
    GetEvent,
    ListEventDeliveries,
    ResendEvent,
    OpsSearch,
    OpsSession,
    OpsPayment,
    // Refunds (issue #13).
    CreateRefund,
    ListRefunds,
    GetRefund,
    CancelRefund,
    // API-only payments (#15) ↓
    ElementsScript,
    CardElementPage,
    DemoCustomPage,
    CreateApiPayment,
    ConfirmApiPayment,
    CancelApiPayment,
    ClientPayment,
    CreatePaymentMethod,
    AttachPaymentMethod,
    DetachPaymentMethod,
    ListPaymentMethods,
    DemoCreateApiPayment,
    DemoConfirmApiPayment,
    // Installments (#16).
    BinLookup,
    PayerInstallments,
    GetInstallmentSettings,
    UpdateInstallmentSettings,
}

#[derive(Debug)]
pub struct Route {
    pub method: Method,
    /// Path pattern with `{name}` segments.
    pub path: &'static str,
    pub access: Access,
    pub op: Op,
    pub summary: &'static str,
}

const fn route(method: Method, path: &'static str, access: Access, op: Op, summary: &'static str) -> Route {
    Route { method, path, access, op, summary }
}

use Access::*;
use Method::{Delete, Get, Patch, Post};

pub const ROUTES: &[Route] = &[
    route(Get, "/v1/health", Public, Op::Health, "Liveness; touches no storage."),
    route(Get, "/v1/openapi.json", Public, Op::OpenApi, "This API as an OpenAPI 3.1 document."),
    route(Get, "/v1/checkout.js", Public, Op::Loader, "The script-tag loader merchants embed."),
    route(Get, "/checkout/embed", Public, Op::EmbedPage, "The payment form inside the merchant's iframe."),
    route(Get, "/checkout/hosted", Public, Op::HostedPage, "The payment form as a full page on our domain."),
    route(Get, "/checkout/3ds/{challenge_id}", Public, Op::ChallengePage, "The sandbox 3DS challenge page."),
    route(Get, "/demo", Demo, Op::DemoPage, "The demo merchant shop (sandbox only)."),
    route(Get, "/ops", Public, Op::OpsPage, "The operations console."),
    route(Post, "/v1/checkout-sessions", Secret, Op::CreateSession, "Create a checkout session."),
    route(Get, "/v1/checkout-sessions", Secret, Op::ListSessions, "List checkout sessions, newest first."),
    route(Get, "/v1/checkout-sessions/{id}", Secret, Op::GetSession, "Retrieve a checkout session."),
    route(Post, "/v1/checkout-sessions/{id}/cancel", Secret, Op::CancelSession, "Cancel an open checkout session."),
    route(Get, "/v1/checkout-sessions/token/{token}", Token, Op::PayerView, "The payer's view of a session."),
    route(Post, "/v1/checkout-sessions/token/{token}/payer", Token, Op::PayerDetails, "Save payer details."),
    route(Post, "/v1/checkout-sessions/token/{token}/confirm", Token, Op::Confirm, "Confirm the payment with a card."),
    route(Post, "/v1/checkout-sessions/token/{token}/cancel", Token, Op::PayerCancel, "The payer cancels the session."),
    // Installments (#16).
    route(
        Get,
        "/v1/checkout-sessions/token/{token}/installments",
        Token,
        Op::PayerInstallments,
        "The installment plans of a card (by its 6–8 digit BIN) on this session, single payment first.",
    ),
    route(
        Get,
        "/v1/bins/{bin}",
        KeyOrToken,
        Op::BinLookup,
        "BIN lookup: card type, brand, family, country, commercial.",
    ),
    route(Get, "/v1/settings/installments", Secret, Op::GetInstallmentSettings, "The merchant's installment settings."),
    route(
        Post,
        "/v1/settings/installments",
        Secret,
        Op::UpdateInstallmentSettings,
        "Replace the merchant's installment settings.",
    ),
    route(Get, "/v1/3ds/{challenge_id}", Challenge, Op::GetChallenge, "A sandbox 3DS challenge."),
    route(
        Post,
        "/v1/3ds/{challenge_id}/complete",
        Challenge,
        Op::CompleteChallenge,
        "Pass or fail a sandbox 3DS challenge.",
    ),
    route(Get, "/v1/payments", Secret, Op::ListPayments, "List payments, newest first."),
    route(Get, "/v1/payments/{id}", Secret, Op::GetPayment, "Retrieve a payment with its charges."),
    route(Post, "/v1/payments/{id}/capture", Secret, Op::CapturePayment, "Capture an authorized payment."),
    route(Post, "/v1/payments/{id}/void", Secret, Op::VoidPayment, "Void an authorized payment."),
    route(
        Post,
        "/v1/api-keys/roll",
        Secret,
        Op::RollApiKey,
        "Issue a new secret key (shown once); the calling key retires now or after expires_in seconds.",
    ),
    route(Get, "/v1/api-keys", Secret, Op::ListApiKeys, "List the merchant's API keys (never their secrets)."),
    route(
        Post,
        "/v1/api-keys/{id}/revoke",
        Secret,
        Op::RevokeApiKey,
        "Revoke an API key at once (any but the calling key); revoking a rolled key undoes its roll.",
    ),
    route(Post, "/demo/api/sessions", Demo, Op::DemoCreateSession, "Demo shop: create a session server-side."),
    route(Get, "/demo/api/payments/{id}", Demo, Op::DemoGetPayment, "Demo shop: verify a payment server-side."),
    route(
        Post,
        "/v1/webhook-endpoints",
        Secret,
        Op::CreateWebhookEndpoint,
        "Create a webhook endpoint; the whsec_ secret is returned once.",
    ),
    route(Get, "/v1/webhook-endpoints", Secret, Op::ListWebhookEndpoints, "List webhook endpoints, newest first."),
    route(Get, "/v1/webhook-endpoints/{id}", Secret, Op::GetWebhookEndpoint, "Retrieve a webhook endpoint."),
    route(
        Patch,
        "/v1/webhook-endpoints/{id}",
        Secret,
        Op::UpdateWebhookEndpoint,
        "Update url, description, enabled_events, or disable/enable.",
    ),
    route(Delete, "/v1/webhook-endpoints/{id}", Secret, Op::DeleteWebhookEndpoint, "Delete a webhook endpoint."),
    route(
        Post,
        "/v1/webhook-endpoints/{id}/rotate-secret",
        Secret,
        Op::RotateWebhookSecret,
        "Issue a new secret; the old one keeps signing for a grace period.",
    ),
    route(
        Get,
        "/v1/webhook-endpoints/{id}/deliveries",
        Secret,
        Op::ListEndpointDeliveries,
        "An endpoint's deliveries with every attempt.",
    ),
    route(
        Get,
        "/v1/events",
        Secret,
        Op::ListEvents,
        "List events, newest first (filters: type, payment_id, checkout_session_id).",
    ),
    route(Get, "/v1/events/{id}", Secret, Op::GetEvent, "Retrieve an event."),
    route(
        Get,
        "/v1/events/{id}/deliveries",
        Secret,
        Op::ListEventDeliveries,
        "An event's deliveries with every attempt.",
    ),
    route(
        Post,
        "/v1/events/{id}/resend",
        Secret,
        Op::ResendEvent,
        "Deliver an event again (all subscribed endpoints, or endpoint_id).",
    ),
    route(
        Get,
        "/v1/ops/search",
        Secret,
        Op::OpsSearch,
        "Operations console: find payments with their sessions, API-only ones too (q, status, payment_status, from, to).",
    ),
    route(
        Get,
        "/v1/ops/sessions/{id}",
        Secret,
        Op::OpsSession,
        "Operations console: a session with its payment, charges, timeline, 3DS, events and deliveries.",
    ),
    route(
        Get,
        "/v1/ops/payments/{id}",
        Secret,
        Op::OpsPayment,
        "Operations console: any payment (API-only ones too) with its session or API data, charges, timeline and events.",
    ),
    // Refunds (issue #13).
    route(Post, "/v1/refunds", Secret, Op::CreateRefund, "Refund all or part of a SUCCEEDED payment."),
    route(Get, "/v1/refunds", Secret, Op::ListRefunds, "List a payment's refunds (payment_id), newest first."),
    route(Get, "/v1/refunds/{id}", Secret, Op::GetRefund, "Retrieve a refund with its provider attempts."),
    route(Post, "/v1/refunds/{id}/cancel", Secret, Op::CancelRefund, "Cancel a PENDING refund."),
    // API-only payments (#15) ↓
    route(
        Get,
        "/v1/elements.js",
        Public,
        Op::ElementsScript,
        "The card element and next-action script (loaded by checkout.js).",
    ),
    route(
        Get,
        "/elements/card",
        Public,
        Op::CardElementPage,
        "The card element: card number, expiry and CVC inside our iframe.",
    ),
    route(
        Get,
        "/demo/custom",
        Demo,
        Op::DemoCustomPage,
        "The demo shop's own payment form (card element, API-only payment).",
    ),
    route(
        Post,
        "/v1/payments",
        Secret,
        Op::CreateApiPayment,
        "Create an API-only payment; returns its client_secret once.",
    ),
    route(
        Post,
        "/v1/payments/{id}/confirm",
        Client,
        Op::ConfirmApiPayment,
        "Confirm an API-only payment with a pm_ (secret key, or publishable key + client_secret).",
    ),
    route(
        Post,
        "/v1/payments/{id}/cancel",
        Secret,
        Op::CancelApiPayment,
        "Cancel an API-only payment that has not been paid.",
    ),
    route(
        Get,
        "/v1/payments/{id}/client",
        Client,
        Op::ClientPayment,
        "The payer's view of an API-only payment (publishable key + client_secret query parameter).",
    ),
    route(
        Post,
        "/v1/payment-methods",
        Publishable,
        Op::CreatePaymentMethod,
        "Tokenise a card (from our card element only): returns a single-use pm_.",
    ),
    route(
        Get,
        "/v1/payment-methods",
        Secret,
        Op::ListPaymentMethods,
        "A customer's attached payment methods (customer_reference), newest first.",
    ),
    route(
        Post,
        "/v1/payment-methods/{id}/attach",
        Secret,
        Op::AttachPaymentMethod,
        "Attach a pm_ to a customer (customer_reference): it may then pay that customer's payments again.",
    ),
    route(
        Post,
        "/v1/payment-methods/{id}/detach",
        Secret,
        Op::DetachPaymentMethod,
        "Detach a pm_ from its customer: it is never charged again.",
    ),
    route(
        Post,
        "/demo/api/payments",
        Demo,
        Op::DemoCreateApiPayment,
        "Demo shop: create an API-only payment server-side.",
    ),
    route(
        Post,
        "/demo/api/payments/{id}/confirm",
        Demo,
        Op::DemoConfirmApiPayment,
        "Demo shop: confirm an API-only payment server-side with a pm_.",
    ),
];

impl Access {
    /// Routes whose caller presents an API key of the merchant: the pipeline authenticates before the handler runs,
    /// and the handler gets a [`KeyCall`](super::KeyCall) that carries the merchant.
    pub fn takes_key(self) -> bool {
        matches!(self, Access::Secret | Access::Client | Access::Publishable)
    }
}
