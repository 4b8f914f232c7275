//! One payment, the whole story on one screen, seen from its checkout session or, for an API-only payment (#15),
//! without one: the verdict (paid? merchant notified?), the actions, the session (or API data), payment and payer,
//! every charge in route order, the transition timeline, 3DS steps, and every event with its webhook deliveries.

use super::actions::{ask, Action};
use super::cards::{ApiCard, PayerCard, PaymentCard, SessionCard};
use super::parts::{time_text, Badge, Id, LoadError, Notice, TablePanel};
use super::{use_console, Load};
use crate::browser;
use crate::i18n::{Kind, Lang, Msg};
use crate::present::{self, fmt_amount, fmt_clock, fmt_latency, fmt_offset};
use hsrc_shared::api::ops::{NotifiedVerdict, OpsPaymentDetail, PaidVerdict, TimelineEntry};
use leptos::prelude::*;

#[component]
pub fn DetailPage() -> impl IntoView {
    let c = use_console();
    move || {
        // Components render once: the whole page follows a language switch.
        c.lang.track();
        match c.detail.get() {
            Load::Idle | Load::Loading => {
                view! { <p class="panel muted" aria-busy="true">{c.t(Msg::Loading)}</p> }.into_any()
            }
            Load::Failed(e) => view! {
                <BackLink />
                <LoadError error=e retry=Callback::new(move |_| {
                    if let Some(id) = c.route.get_untracked().detail_id() {
                        c.detail_id.set(None);
                        c.load_detail(id.to_string());
                    }
                }) />
            }
            .into_any(),
            Load::Ready(d) => view! { <DetailView d=d /> }.into_any(),
        }
    }
}

#[component]
fn BackLink() -> impl IntoView {
    let c = use_console();
    view! { <a class="back" href="#/" id="back" on:click=move |_| c.notice.set(None)>{move || c.t(Msg::Back)}</a> }
}

fn paid_text(v: PaidVerdict) -> Msg {
    match v {
        PaidVerdict::Paid => Msg::VerdictPaid,
        PaidVerdict::Authorized => Msg::VerdictAuthorized,
        PaidVerdict::InProgress => Msg::VerdictInProgress,
        PaidVerdict::AwaitingPayer => Msg::VerdictAwaitingPayer,
        PaidVerdict::NotPaid => Msg::VerdictNotPaid,
    }
}

fn notified_text(v: NotifiedVerdict) -> Msg {
    match v {
        NotifiedVerdict::Delivered => Msg::NotifiedDelivered,
        NotifiedVerdict::Retrying => Msg::NotifiedRetrying,
        NotifiedVerdict::Failed => Msg::NotifiedFailed,
        NotifiedVerdict::NoEndpoint => Msg::NotifiedNoEndpoint,
        NotifiedVerdict::NoEvents => Msg::NotifiedNoEvents,
    }
}

fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[component]
fn DetailView(d: OpsPaymentDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let s = d.session.clone();
    let p = d.payment.clone();
    let v = d.verdict.clone();
    // A session's amount is the order's (an installment plan's total is the payment's); API-only: the payment's.
    let amount = fmt_amount(s.as_ref().map_or(p.amount, |s| s.amount), &p.currency, lang);
    let shown_id = s.as_ref().map_or_else(|| p.id.clone(), |s| s.id.clone());
    browser::set_title(&format!("{shown_id} · HSRC Pay"));
    let created_at_ms = s.as_ref().map_or(p.created_at_ms, |s| s.created_at_ms);
    let livemode = s.as_ref().map(|s| s.livemode).or(d.api.as_ref().map(|a| a.livemode)).unwrap_or(false);

    let paid_tone = present::paid_tone(v.paid);
    let notified_tone = present::notified_tone(v.notified);
    let paid_value = snake(&v.paid);
    let notified_value = snake(&v.notified);
    let (paid_msg, notified_msg) = (paid_text(v.paid), notified_text(v.notified));

    let detail_id = shown_id.clone();
    let refresh = move |_| c.load_detail(detail_id.clone());
    // A session is cancelled as a session; an API-only payment as a payment.
    let (cancel_action, cancel_label, cancel_allowed) = match &s {
        Some(s) => (Action::CancelSession { session_id: s.id.clone() }, Msg::CancelSession, d.actions.cancel_session),
        None => (Action::CancelPayment { payment_id: p.id.clone() }, Msg::CancelPayment, d.actions.cancel_payment),
    };
    let capture_action = Action::Capture { payment_id: p.id.clone(), amount: fmt_amount(p.amount, &p.currency, lang) };
    let void_action = Action::Void { payment_id: p.id.clone(), amount: fmt_amount(p.amount, &p.currency, lang) };
    let actions = d.actions;

    view! {
        <BackLink />
        <section class="panel detail-head" aria-labelledby="detail-title">
            <div class="head-main">
                {match &s {
                    Some(s) => view! { <h1 id="detail-title">{c.t(Msg::SessionSection)}" "<Id value=s.id.clone() /></h1> }.into_any(),
                    None => view! {
                        <h1 id="detail-title">{c.t(Msg::PaymentTitle)}" "<Id value=p.id.clone() />" "<span class="tag api-only" id="api-only">{c.t(Msg::ApiOnly)}</span></h1>
                    }.into_any(),
                }}
                <p class="head-facts">
                    <span class="amount" id="detail-amount">{amount.clone()}</span>
                    {match &s {
                        Some(s) => view! { <Badge kind=Kind::Session status=s.status.as_str() /> }.into_any(),
                        None => view! { <Badge kind=Kind::Payment status=p.status.as_str() /> }.into_any(),
                    }}
                    <span class="muted">{time_text(created_at_ms, lang)}</span>
                    <span class=if livemode { "mode live" } else { "mode test" }>{if livemode { c.t(Msg::LiveMode) } else { c.t(Msg::TestMode) }}</span>
                </p>
            </div>
            <button type="button" class="btn ghost" id="refresh" on:click=refresh>{c.t(Msg::Refresh)}</button>
        </section>

        <section class="verdicts" aria-label=format!("{} / {}", c.t(Msg::PaidQuestion), c.t(Msg::NotifiedQuestion))>
            <div class=format!("verdict {}", paid_tone.class()) id="verdict-paid" data-verdict=paid_value>
                <span class="verdict-icon" aria-hidden="true">{paid_tone.icon()}</span>
                <div>
                    <p class="verdict-q">{c.t(Msg::PaidQuestion)}</p>
                    <p class="verdict-a">{c.t(paid_msg)}</p>
                    <p class="verdict-sub">
                        <Badge kind=Kind::Payment status=p.status.as_str() />
                        " "{fmt_amount(p.amount_captured, &p.currency, lang)}" / "{amount.clone()}
                        {super::refunds::verdict_line(&v, &p.currency, lang)}
                    </p>
                </div>
            </div>
            <div class=format!("verdict {}", notified_tone.class()) id="verdict-notified" data-verdict=notified_value>
                <span class="verdict-icon" aria-hidden="true">{notified_tone.icon()}</span>
                <div>
                    <p class="verdict-q">{c.t(Msg::NotifiedQuestion)}</p>
                    <p class="verdict-a">{c.t(notified_msg)}</p>
                    <p class="verdict-sub">
                        {(!v.latest_event_types.is_empty()).then(|| view! {
                            <span>{c.t(Msg::LatestEvents)}": "<code>{v.latest_event_types.join(", ")}</code></span>
                        })}
                        {v.delivered_at_ms.map(|t| view! { <span>" · "{c.t(Msg::DeliveredAt)}" "{time_text(t, lang)}</span> })}
                    </p>
                </div>
            </div>
        </section>

        <section class="panel actions" aria-label=c.t(Msg::ActionsSection)>
            <span class="actions-title">{c.t(Msg::ActionsSection)}</span>
            <button type="button" class="btn" id="action-cancel" disabled=!cancel_allowed on:click=move |_| ask(c, cancel_action.clone())>{c.t(cancel_label)}</button>
            <button type="button" class="btn" id="action-capture" disabled=!actions.capture_payment on:click=move |_| ask(c, capture_action.clone())>{c.t(Msg::CapturePayment)}</button>
            <button type="button" class="btn" id="action-void" disabled=!actions.void_payment on:click=move |_| ask(c, void_action.clone())>{c.t(Msg::VoidPayment)}</button>
            <super::refunds::RefundControl payment_id=p.id.clone() currency=p.currency.clone() actions=actions />
            <Notice />
        </section>

        <div class="cards">
            {s.clone().map(|s| view! { <SessionCard s=s /> })}
            {d.api.clone().map(|a| view! { <ApiCard a=a capture_method=p.capture_method /> })}
            <PaymentCard p=p.clone() />
            {match (&s, &d.api) {
                (Some(s), _) => view! { <PayerCard payer=s.payer.clone() return_url=s.return_url.clone() cancel_url=s.cancel_url.clone() v=v.clone() /> }.into_any(),
                (None, a) => view! { <PayerCard payer=a.as_ref().map(|a| a.customer.clone()).unwrap_or_default() return_url=a.as_ref().and_then(|a| a.return_url.clone()) cancel_url=None v=v.clone() /> }.into_any(),
            }}
        </div>

        <ChargesTable d=d.clone() />
        <super::refunds::RefundsTable payment=d.payment.clone() />
        <Timeline entries=d.timeline.clone() />
        <Challenges d=d.clone() />
        <super::events::Events events=d.events.clone() endpoints=d.endpoints.clone() />
    }
}

#[component]
fn ChargesTable(d: OpsPaymentDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let charges = d.payment.charges;
    let rows: Vec<AnyView> = charges.into_iter().map(|ch| {
                                let route = if ch.route_position == 1 { c.t(Msg::Primary) } else { c.t(Msg::Fallback) };
                                view! {
                                    <tr data-charge-id=ch.id.clone() data-provider=ch.provider.clone() data-route=ch.route_position.to_string()>
                                        <td class="num">{ch.sequence}</td>
                                        <td>{ch.route_position}" · "{route}</td>
                                        <td><code>{ch.provider.clone()}</code></td>
                                        <td><Badge kind=Kind::Charge status=ch.status.as_str() /></td>
                                        <td><code class="decline">{ch.decline_code.clone().unwrap_or_else(|| "—".into())}</code></td>
                                        <td class="num">{ch.latency_ms.map(fmt_latency).unwrap_or_else(|| "—".into())}</td>
                                        <td><Id value=ch.request_id.clone().unwrap_or_default() /></td>
                                        <td>{time_text(ch.created_at_ms, lang)}</td>
                                    </tr>
                                }
                            }).map(IntoAny::into_any).collect();
    view! {
        <TablePanel
            id="charges"
            title=Msg::ChargesSection
            empty=Msg::NoCharges
            columns=vec![("#".into(), true), (c.t(Msg::ColRoute).into(), false), (c.t(Msg::ColProvider).into(), false), (c.t(Msg::ColOutcome).into(), false), (c.t(Msg::ColDecline).into(), false), (c.t(Msg::ColLatency).into(), true), (c.t(Msg::ColRequest).into(), false), (c.t(Msg::ColTime).into(), false)]
            rows=rows
        />
    }
}

fn entity_kind(entity: &str) -> Kind {
    match entity {
        "checkout_session" => Kind::Session,
        "payment" => Kind::Payment,
        "refund" | "refund_attempt" => Kind::Refund,
        _ => Kind::Charge,
    }
}

fn entity_name(entity: &str, lang: Lang) -> &'static str {
    match entity {
        "checkout_session" => Msg::ColSession.text(lang),
        "payment" => Msg::ColPayment.text(lang),
        "refund" => Msg::ColRefund.text(lang),
        "refund_attempt" => Msg::RefundAttemptEntity.text(lang),
        _ => Msg::ColCharge.text(lang),
    }
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let start = entries.first().map(|e| e.at_ms).unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{c.t(Msg::TimelineSection)}" "<span class="count">{entries.len()}</span></h2>
            <table class="grid" id="timeline">
                <thead>
                    <tr>
                        <th scope="col">{c.t(Msg::ColTime)}</th>
                        <th scope="col" class="num">"Δ"</th>
                        <th scope="col">{c.t(Msg::ColEntity)}</th>
                        <th scope="col">{c.t(Msg::ColChange)}</th>
                        <th scope="col">{c.t(Msg::ColRequest)}</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|t| {
                        let kind = entity_kind(&t.entity);
                        view! {
                            <tr data-entity=t.entity.clone() data-entity-id=t.entity_id.clone() data-from=t.from_status.clone().unwrap_or_default() data-to=t.to_status.clone()>
                                <td title=time_text(t.at_ms, lang)>{fmt_clock(t.at_ms, browser::offset_min(t.at_ms))}</td>
                                <td class="num muted">{fmt_offset(t.at_ms - start)}</td>
                                <td>{entity_name(&t.entity, lang)}" "<Id value=t.entity_id.clone() /></td>
                                <td class="change">
                                    {t.from_status.clone().map(|f| view! { <Badge kind=kind status=f />" → " })}
                                    <Badge kind=kind status=t.to_status.clone() />
                                </td>
                                <td><Id value=t.request_id.clone().unwrap_or_default() /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Challenges(d: OpsPaymentDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let challenges = d.challenges;
    let rows: Vec<AnyView> = challenges.into_iter().map(|ch| view! {
                                <tr data-challenge-id=ch.id.clone()>
                                    <td><Id value=ch.id.clone() /></td>
                                    <td><Id value=ch.charge_id.clone() /></td>
                                    <td><Badge kind=Kind::Challenge status=ch.status.clone() /></td>
                                    <td>{time_text(ch.created_at_ms, lang)}</td>
                                    <td>{ch.resolved_at_ms.map(|t| format!("{} ({})", time_text(t, lang), fmt_offset(t - ch.created_at_ms))).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).map(IntoAny::into_any).collect();
    view! {
        <TablePanel
            id="challenges"
            title=Msg::ChallengesSection
            empty=Msg::NoChallenges
            columns=vec![(c.t(Msg::ColChallenge).into(), false), (c.t(Msg::ColCharge).into(), false), (c.t(Msg::ColStatus).into(), false), (c.t(Msg::ColStarted).into(), false), (c.t(Msg::ColResolved).into(), false)]
            rows=rows
        />
    }
}
