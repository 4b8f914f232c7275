//! The cards of a detail: the checkout session, or the API-only payment's own data (#15), the payment, and the
//! payer (masked) with where the payer is sent.

use super::parts::{time_text, Badge, Field, Id};
use super::use_console;
use crate::i18n::{Kind, Msg};
use crate::present::fmt_amount;
use hsrc_shared::api::ops::{MaskedPayer, OpsApiPayment, OpsPayment, OpsSession, Verdict};
use hsrc_shared::api::{CaptureMethod, Metadata};
use hsrc_shared::installments::InterestPaidBy;
use leptos::prelude::*;

#[component]
pub fn SessionCard(s: OpsSession) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let capture = if s.capture_method == CaptureMethod::Manual { Msg::CaptureManual } else { Msg::CaptureAutomatic };
    view! {
        <section class="panel card" aria-labelledby="session-card-title" id="session-card">
            <h2 id="session-card-title">{c.t(Msg::SessionSection)}</h2>
            <dl>
                <Field label=Msg::FieldStatus><Badge kind=Kind::Session status=s.status.as_str() /></Field>
                <Field label=Msg::FieldCreated>{time_text(s.created_at_ms, lang)}</Field>
                <Field label=Msg::FieldUpdated>{time_text(s.updated_at_ms, lang)}</Field>
                <Field label=Msg::FieldExpires>{time_text(s.expires_at_ms, lang)}</Field>
                <Field label=Msg::FieldAttempts>{format!("{} / {}", s.attempts, s.max_attempts)}</Field>
                <Field label=Msg::FieldCaptureMethod>{c.t(capture)}{if s.secure_mode { format!(" · {}", c.t(Msg::FieldSecureMode)) } else { String::new() }}</Field>
                <Field label=Msg::FieldMetadata><MetadataList metadata=s.metadata.clone() /></Field>
            </dl>
        </section>
    }
}

/// What an API-only payment holds instead of a session (#15): the merchant's description, metadata and customer
/// reference, and the payer's attempts.
#[component]
pub fn ApiCard(a: OpsApiPayment, capture_method: CaptureMethod) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let capture = if capture_method == CaptureMethod::Manual { Msg::CaptureManual } else { Msg::CaptureAutomatic };
    let dash = |o: Option<String>| o.unwrap_or_else(|| "—".into());
    view! {
        <section class="panel card" aria-labelledby="api-card-title" id="api-card">
            <h2 id="api-card-title">{c.t(Msg::ApiSection)}</h2>
            <dl>
                <Field label=Msg::FieldDescription><span class="wrap" id="api-description">{dash(a.description.clone())}</span></Field>
                <Field label=Msg::FieldCustomerReference><code id="api-customer-reference">{dash(a.customer_reference.clone())}</code></Field>
                <Field label=Msg::FieldAttempts><span id="api-attempts">{format!("{} / {}", a.attempts, a.max_attempts)}</span></Field>
                <Field label=Msg::FieldCaptureMethod>{c.t(capture)}{if a.secure_mode { format!(" · {}", c.t(Msg::FieldSecureMode)) } else { String::new() }}</Field>
                <Field label=Msg::FieldSecretExpires>{time_text(a.client_secret_expires_at_ms, lang)}</Field>
                <Field label=Msg::FieldMetadata><MetadataList metadata=a.metadata.clone() /></Field>
            </dl>
        </section>
    }
}

#[component]
fn MetadataList(metadata: Metadata) -> impl IntoView {
    if metadata.is_empty() {
        view! { <span>"—"</span> }.into_any()
    } else {
        view! {
            <ul class="kv" id="metadata">
                {metadata.iter().map(|(k, v)| view! { <li><code>{k.clone()}</code>" = "<span class="wrap">{v.clone()}</span></li> }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

#[component]
pub fn PaymentCard(p: OpsPayment) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let card = match (&p.card_brand, &p.card_last4, &p.card_exp) {
        (Some(b), Some(l), Some(e)) => format!("{b} •••• {l} · {e}"),
        _ => "—".into(),
    };
    let error = match p.last_error_code.clone() {
        Some(code) => {
            let decline =
                p.last_decline_code.clone().filter(|d| *d != code).map(|d| format!(" / {d}")).unwrap_or_default();
            view! { <span><code class="decline">{code}{decline}</code>" "<span class="muted">{p.last_error_message.clone().unwrap_or_default()}</span></span> }.into_any()
        }
        None => view! { <span>"—"</span> }.into_any(),
    };
    let (id, status) = (p.id.clone(), p.status.as_str());
    let amount = fmt_amount(p.amount, &p.currency, lang);
    let captured = fmt_amount(p.amount_captured, &p.currency, lang);
    let updated = time_text(p.updated_at_ms, lang);
    // Installments (#16): count × installment, the charged total, the order amount and who paid the interest.
    let installments = match &p.installments {
        Some(i) => {
            let by = if i.interest_paid_by == InterestPaidBy::Payer {
                Msg::InterestByPayer
            } else {
                Msg::InterestByMerchant
            };
            format!(
                "{} × {} · {} {} · {} {} · {}",
                i.count,
                fmt_amount(i.installment_amount, &p.currency, lang),
                c.t(Msg::InstallmentTotal),
                fmt_amount(i.total_amount, &p.currency, lang),
                c.t(Msg::InstallmentOrder),
                fmt_amount(i.base_amount, &p.currency, lang),
                c.t(by)
            )
        }
        None => c.t(Msg::SinglePayment).to_string(),
    };
    view! {
        <section class="panel card" aria-labelledby="payment-card-title" id="payment-card">
            <h2 id="payment-card-title">{c.t(Msg::PaymentSection)}</h2>
            <dl>
                <Field label=Msg::ColPayment><Id value=id /></Field>
                <Field label=Msg::FieldStatus><Badge kind=Kind::Payment status=status /></Field>
                <Field label=Msg::FieldAmount>{amount}</Field>
                <Field label=Msg::FieldCaptured>{captured}</Field>
                <Field label=Msg::FieldRefunded><span id="payment-refunded">{fmt_amount(p.amount_refunded, &p.currency, lang)}</span></Field>
                <Field label=Msg::FieldInstallments><span id="payment-installments">{installments}</span></Field>
                <Field label=Msg::FieldCard>{card}</Field>
                <Field label=Msg::FieldLastError>{error}</Field>
                <Field label=Msg::FieldUpdated>{updated}</Field>
            </dl>
        </section>
    }
}

#[component]
/// The payer (a session's payer, or the customer given on an API-only payment), masked, and where the payer is sent.
pub fn PayerCard(
    payer: MaskedPayer,
    return_url: Option<String>,
    cancel_url: Option<String>,
    v: Verdict,
) -> impl IntoView {
    let c = use_console();
    let dash = |o: Option<String>| o.unwrap_or_else(|| "—".into());
    let shipping = match (payer.shipping_same_as_billing, payer.shipping_place.clone()) {
        (Some(true), _) => c.t(Msg::SameAsBilling).to_string(),
        (_, place) => dash(place),
    };
    let by = v.cancelled_by.as_deref().map(|b| if b == "payer" { c.t(Msg::ByPayer) } else { c.t(Msg::ByMerchant) });
    view! {
        <section class="panel card" aria-labelledby="payer-card-title" id="payer-card">
            <h2 id="payer-card-title">{c.t(Msg::PayerSection)}</h2>
            <dl>
                <Field label=Msg::FieldName>{dash(payer.name.clone())}</Field>
                <Field label=Msg::FieldEmail><span id="payer-email">{dash(payer.email.clone())}</span></Field>
                <Field label=Msg::FieldPhone>{dash(payer.phone.clone())}</Field>
                <Field label=Msg::FieldBilling>{dash(payer.billing_place.clone())}</Field>
                <Field label=Msg::FieldShipping>{shipping}</Field>
                {(!payer.custom_field_keys.is_empty()).then(|| view! { <Field label=Msg::FieldCustomFields>{payer.custom_field_keys.join(", ")}</Field> })}
            </dl>
            <p class="muted small">{c.t(Msg::MaskedNote)}</p>
            <h2 id="redirect-title">{c.t(Msg::RedirectSection)}</h2>
            <dl id="redirects">
                <Field label=Msg::ReturnUrl><span class="wrap url" id="return-url">{dash(return_url.clone())}</span></Field>
                <Field label=Msg::CancelUrl><span class="wrap url" id="cancel-url">{dash(cancel_url.clone())}</span></Field>
                <Field label=Msg::PayerSentTo>
                    <span class="wrap url" id="redirect">{v.redirect.clone().unwrap_or_else(|| c.t(Msg::PayerSentNowhere).to_string())}</span>
                </Field>
                {by.map(|b| view! { <Field label=Msg::CancelledBy><span id="cancelled-by">{b}</span></Field> })}
            </dl>
            <p class="muted small">{c.t(Msg::RedirectNote)}</p>
        </section>
    }
}
