//! Refunds on the session detail (issue #13): the "Refund" action (amount prefilled with what is left, then the
//! confirmation dialog, which sends it with its own `Idempotency-Key`), the payment's refunds with their provider
//! attempts, and the refunded amount under the "Paid?" verdict.

use super::actions::{ask, Action};
use super::parts::{time_text, Badge, Id, TablePanel};
use super::use_console;
use crate::i18n::{fill, Kind, Lang, Msg};
use crate::present::{fmt_amount, fmt_latency, major_input, parse_major_input};
use hsrc_shared::api::ops::{OpsActions, OpsPayment, Verdict};
use leptos::prelude::*;

/// ` · ₺25,00 refunded · ₺10,00 refund pending` (nothing when no money went back).
pub fn verdict_line(v: &Verdict, currency: &str, lang: Lang) -> impl IntoView {
    let mut parts = Vec::new();
    if v.amount_refunded > 0 {
        parts.push(format!("{} {}", fmt_amount(v.amount_refunded, currency, lang), Msg::VerdictRefunded.text(lang)));
    }
    if v.amount_refund_pending > 0 {
        parts.push(format!(
            "{} {}",
            fmt_amount(v.amount_refund_pending, currency, lang),
            Msg::VerdictRefundPending.text(lang)
        ));
    }
    (!parts.is_empty()).then(|| view! { <span id="verdict-refunded">" · "{parts.join(" · ")}</span> })
}

#[component]
pub fn RefundControl(payment_id: String, currency: String, actions: OpsActions) -> impl IntoView {
    let c = use_console();
    let left = actions.refundable_amount;
    let amount = RwSignal::new(major_input(left, &currency));
    let open = move |_| {
        let lang = c.lang.get_untracked();
        match parse_major_input(&amount.get_untracked(), &currency).filter(|a| *a >= 1 && *a <= left) {
            Some(minor) => ask(
                c,
                Action::Refund {
                    payment_id: payment_id.clone(),
                    amount: minor,
                    shown: fmt_amount(minor, &currency, lang),
                },
            ),
            None => c.notice.set(Some((
                false,
                fill(Msg::RefundAmountInvalid.text(lang), &[("amount", &fmt_amount(left, &currency, lang))]),
            ))),
        }
    };
    view! {
        <span class="refund-control">
            <label for="refund-amount" class="visually-hidden">{c.t(Msg::RefundAmount)}</label>
            <input
                id="refund-amount"
                type="text"
                inputmode="decimal"
                autocomplete="off"
                size="10"
                title=c.t(Msg::RefundAmount)
                disabled=!actions.refund_payment
                prop:value=move || amount.get()
                on:input=move |ev| amount.set(event_target_value(&ev))
            />
            <button type="button" class="btn" id="action-refund" disabled=!actions.refund_payment on:click=open>{c.t(Msg::RefundPayment)}</button>
        </span>
    }
}

#[component]
pub fn RefundsTable(payment: OpsPayment) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let refunds = payment.refunds;
    let currency = payment.currency;
    let rows: Vec<AnyView> = refunds
        .into_iter()
        .map(|r| {
            let status = r.status.as_str();
            let reason = [r.reason.map(|x| x.as_str().to_string()), r.failure_reason.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <tr data-refund-id=r.id.to_string() data-status=status data-amount=r.amount.to_string()>
                    <td><Id value=r.id.clone() /></td>
                    <td class="num">{fmt_amount(r.amount, &currency, lang)}</td>
                    <td><Badge kind=Kind::Refund status=status /></td>
                    <td><code class="decline">{if reason.is_empty() { "—".to_string() } else { reason }}</code></td>
                    <td>
                        <ul class="kv refund-attempts">
                            {r.attempts.iter().map(|a| view! {
                                <li data-attempt-id=a.id.to_string() data-status=a.status.as_str()>
                                    <code>{a.provider.clone()}</code>" "
                                    <Badge kind=Kind::Refund status=a.status.as_str() />
                                    {a.failure_code.clone().map(|f| view! { " "<code class="decline">{f}</code> })}
                                    {a.latency_ms.map(|l| format!(" · {}", fmt_latency(l)))}
                                </li>
                            }).collect_view()}
                        </ul>
                    </td>
                    <td><Id value=r.request_id.clone().unwrap_or_default() /></td>
                    <td>{time_text(r.created_at * 1000, lang)}</td>
                </tr>
            }
        })
        .map(IntoAny::into_any)
        .collect();
    view! {
        <TablePanel
            id="refunds"
            title=Msg::RefundsSection
            empty=Msg::NoRefunds
            empty_id="no-refunds"
            columns=vec![(c.t(Msg::ColRefund).into(), false), (c.t(Msg::ColAmount).into(), true), (c.t(Msg::ColStatus).into(), false), (c.t(Msg::ColReason).into(), false), (c.t(Msg::ColAttempts).into(), false), (c.t(Msg::ColRequest).into(), false), (c.t(Msg::ColTime).into(), false)]
            rows=rows
        />
    }
}
