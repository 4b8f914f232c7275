//! One checkout session, the whole story on one screen: the verdict (paid? merchant notified?), the actions, the
//! session, payment and payer, every charge in route order, the transition timeline, 3DS steps, and every event with
//! its webhook deliveries and their attempts.

use super::actions::{ask, Action};
use super::parts::{time_text, Badge, Field, Id, LoadError, Notice};
use super::{use_console, Console, Load};
use crate::browser;
use crate::i18n::{Kind, Lang, Msg};
use crate::present::{self, fmt_amount, fmt_clock, fmt_latency, fmt_offset, Route};
use hsrc_shared::api::CaptureMethod;
use hsrc_shared::ops::{NotifiedVerdict, OpsEndpoint, OpsEvent, OpsSessionDetail, PaidVerdict, TimelineEntry};
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
                    if let Route::Session(id) = c.route.get_untracked() {
                        c.detail_id.set(None);
                        c.load_detail(id);
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
fn DetailView(d: OpsSessionDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let s = d.session.clone();
    let p = d.payment.clone();
    let v = d.verdict.clone();
    let amount = fmt_amount(s.amount, &s.currency, lang);
    browser::set_title(&format!("{} · HSRC Pay", s.id));

    let paid_tone = present::paid_tone(v.paid);
    let notified_tone = present::notified_tone(v.notified);
    let paid_value = snake(&v.paid);
    let notified_value = snake(&v.notified);
    let (paid_msg, notified_msg) = (paid_text(v.paid), notified_text(v.notified));

    let session_id = s.id.clone();
    let refresh = move |_| c.load_detail(session_id.clone());
    let cancel_action = Action::CancelSession { session_id: s.id.clone() };
    let capture_action = Action::Capture { payment_id: p.id.clone(), amount: fmt_amount(p.amount, &p.currency, lang) };
    let void_action = Action::Void { payment_id: p.id.clone(), amount: fmt_amount(p.amount, &p.currency, lang) };
    let actions = d.actions;

    view! {
        <BackLink />
        <section class="panel detail-head" aria-labelledby="detail-title">
            <div class="head-main">
                <h1 id="detail-title">{c.t(Msg::SessionSection)}" "<Id value=s.id.clone() /></h1>
                <p class="head-facts">
                    <span class="amount" id="detail-amount">{amount.clone()}</span>
                    <Badge kind=Kind::Session status=s.status.as_str() />
                    <span class="muted">{time_text(s.created_at_ms, lang)}</span>
                    <span class=if s.livemode { "mode live" } else { "mode test" }>{if s.livemode { c.t(Msg::LiveMode) } else { c.t(Msg::TestMode) }}</span>
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
            <button type="button" class="btn" id="action-cancel" disabled=!actions.cancel_session on:click=move |_| ask(c, cancel_action.clone())>{c.t(Msg::CancelSession)}</button>
            <button type="button" class="btn" id="action-capture" disabled=!actions.capture_payment on:click=move |_| ask(c, capture_action.clone())>{c.t(Msg::CapturePayment)}</button>
            <button type="button" class="btn" id="action-void" disabled=!actions.void_payment on:click=move |_| ask(c, void_action.clone())>{c.t(Msg::VoidPayment)}</button>
            <super::refunds::RefundControl payment_id=p.id.clone() currency=p.currency.clone() actions=actions />
            <Notice />
        </section>

        <div class="cards">
            <SessionCard d=d.clone() />
            <PaymentCard d=d.clone() />
            <PayerCard d=d.clone() />
        </div>

        <ChargesTable d=d.clone() />
        <super::refunds::RefundsTable payment=d.payment.clone() />
        <Timeline entries=d.timeline.clone() />
        <Challenges d=d.clone() />
        <Events events=d.events.clone() endpoints=d.endpoints.clone() />
    }
}

#[component]
fn SessionCard(d: OpsSessionDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let s = d.session;
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
                <Field label=Msg::FieldMetadata>
                    {if s.metadata.is_empty() {
                        view! { <span>"—"</span> }.into_any()
                    } else {
                        view! {
                            <ul class="kv" id="metadata">
                                {s.metadata.iter().map(|(k, v)| view! { <li><code>{k.clone()}</code>" = "<span class="wrap">{v.clone()}</span></li> }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                </Field>
            </dl>
        </section>
    }
}

#[component]
fn PaymentCard(d: OpsSessionDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let p = d.payment;
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
    view! {
        <section class="panel card" aria-labelledby="payment-card-title" id="payment-card">
            <h2 id="payment-card-title">{c.t(Msg::PaymentSection)}</h2>
            <dl>
                <Field label=Msg::ColPayment><Id value=id /></Field>
                <Field label=Msg::FieldStatus><Badge kind=Kind::Payment status=status /></Field>
                <Field label=Msg::FieldAmount>{amount}</Field>
                <Field label=Msg::FieldCaptured>{captured}</Field>
                <Field label=Msg::FieldRefunded><span id="payment-refunded">{fmt_amount(p.amount_refunded, &p.currency, lang)}</span></Field>
                <Field label=Msg::FieldCard>{card}</Field>
                <Field label=Msg::FieldLastError>{error}</Field>
                <Field label=Msg::FieldUpdated>{updated}</Field>
            </dl>
        </section>
    }
}

#[component]
fn PayerCard(d: OpsSessionDetail) -> impl IntoView {
    let c = use_console();
    let s = d.session;
    let v = d.verdict;
    let payer = s.payer.clone();
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
                <Field label=Msg::ReturnUrl><span class="wrap url" id="return-url">{dash(s.return_url.clone())}</span></Field>
                <Field label=Msg::CancelUrl><span class="wrap url" id="cancel-url">{dash(s.cancel_url.clone())}</span></Field>
                <Field label=Msg::PayerSentTo>
                    <span class="wrap url" id="redirect">{v.redirect.clone().unwrap_or_else(|| c.t(Msg::PayerSentNowhere).to_string())}</span>
                </Field>
                {by.map(|b| view! { <Field label=Msg::CancelledBy><span id="cancelled-by">{b}</span></Field> })}
            </dl>
            <p class="muted small">{c.t(Msg::RedirectNote)}</p>
        </section>
    }
}

#[component]
fn ChargesTable(d: OpsSessionDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let charges = d.payment.charges;
    view! {
        <section class="panel" aria-labelledby="charges-title">
            <h2 id="charges-title">{c.t(Msg::ChargesSection)}" "<span class="count">{charges.len()}</span></h2>
            {if charges.is_empty() {
                view! { <p class="empty">{c.t(Msg::NoCharges)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid" id="charges">
                        <thead>
                            <tr>
                                <th scope="col" class="num">"#"</th>
                                <th scope="col">{c.t(Msg::ColRoute)}</th>
                                <th scope="col">{c.t(Msg::ColProvider)}</th>
                                <th scope="col">{c.t(Msg::ColOutcome)}</th>
                                <th scope="col">{c.t(Msg::ColDecline)}</th>
                                <th scope="col" class="num">{c.t(Msg::ColLatency)}</th>
                                <th scope="col">{c.t(Msg::ColRequest)}</th>
                                <th scope="col">{c.t(Msg::ColTime)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {charges.into_iter().map(|ch| {
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
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
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
fn Challenges(d: OpsSessionDetail) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let challenges = d.challenges;
    view! {
        <section class="panel" aria-labelledby="challenges-title">
            <h2 id="challenges-title">{c.t(Msg::ChallengesSection)}" "<span class="count">{challenges.len()}</span></h2>
            {if challenges.is_empty() {
                view! { <p class="empty">{c.t(Msg::NoChallenges)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid" id="challenges">
                        <thead>
                            <tr>
                                <th scope="col">{c.t(Msg::ColChallenge)}</th>
                                <th scope="col">{c.t(Msg::ColCharge)}</th>
                                <th scope="col">{c.t(Msg::ColStatus)}</th>
                                <th scope="col">{c.t(Msg::ColStarted)}</th>
                                <th scope="col">{c.t(Msg::ColResolved)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {challenges.into_iter().map(|ch| view! {
                                <tr data-challenge-id=ch.id.clone()>
                                    <td><Id value=ch.id.clone() /></td>
                                    <td><Id value=ch.charge_id.clone() /></td>
                                    <td><Badge kind=Kind::Challenge status=ch.status.clone() /></td>
                                    <td>{time_text(ch.created_at_ms, lang)}</td>
                                    <td>{ch.resolved_at_ms.map(|t| format!("{} ({})", time_text(t, lang), fmt_offset(t - ch.created_at_ms))).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn Events(events: Vec<OpsEvent>, endpoints: Vec<OpsEndpoint>) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    let count = events.len();
    view! {
        <section class="panel" aria-labelledby="events-title" id="events">
            <h2 id="events-title">{c.t(Msg::EventsSection)}" "<span class="count">{count}</span></h2>
            {if events.is_empty() {
                view! { <p class="empty">{c.t(Msg::NoEvents)}</p> }.into_any()
            } else {
                events.into_iter().map(|e| view! { <EventBlock e=e endpoints=endpoints.clone() c=c lang=lang /> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn EventBlock(e: OpsEvent, endpoints: Vec<OpsEndpoint>, c: Console, lang: Lang) -> impl IntoView {
    let deliveries = e.deliveries.clone();
    let event_id = e.id.clone();
    let event_type = e.kind.clone();
    view! {
        <article class="event" data-event-id=e.id.clone() data-event-type=e.kind.clone()>
            <header class="event-head">
                <code class="event-type">{e.kind.clone()}</code>
                <span class="muted">{time_text(e.created_at_ms, lang)}</span>
                <span class="muted">{c.t(Msg::ColRequest)}" "<Id value=e.request_id.clone().unwrap_or_default() /></span>
                <span class="muted"><Id value=e.id.clone() /></span>
            </header>
            {if deliveries.is_empty() {
                view! { <p class="empty small">{c.t(Msg::NoDeliveries)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid deliveries">
                        <colgroup><col class="w-endpoint" /><col class="w-dstatus" /><col /><col class="w-dactions" /></colgroup>
                        <thead>
                            <tr>
                                <th scope="col">{c.t(Msg::ColEndpoint)}</th>
                                <th scope="col">{c.t(Msg::ColStatus)}</th>
                                <th scope="col">{c.t(Msg::ColAttempt)}</th>
                                <th scope="col"><span class="visually-hidden">{c.t(Msg::ActionsSection)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {deliveries.into_iter().map(|dl| {
                                let endpoint = endpoints.iter().find(|w| w.id == dl.endpoint_id).cloned().unwrap_or(OpsEndpoint {
                                    id: dl.endpoint_id.clone(), url: String::new(), status: "deleted".into(), disabled_reason: None, consecutive_failures: 0,
                                });
                                let shown_url = if endpoint.url.is_empty() { endpoint.id.clone() } else { endpoint.url.clone() };
                                let resend = Action::Resend { event_id: event_id.clone(), event_type: event_type.clone(), endpoint_id: endpoint.id.clone(), endpoint_url: shown_url.clone() };
                                let reenable = Action::Reenable { endpoint_id: endpoint.id.clone(), endpoint_url: shown_url.clone() };
                                let enabled = endpoint.status == "enabled";
                                let disabled_endpoint = endpoint.status == "disabled";
                                view! {
                                    <tr data-delivery-id=dl.id.clone() data-delivery-status=dl.status.clone() data-attempts=dl.attempts.len().to_string()>
                                        <td>
                                            <span class="wrap url">{shown_url.clone()}</span>
                                            <div>
                                                <Badge kind=Kind::Endpoint status=endpoint.status.clone() />
                                                {endpoint.disabled_reason.clone().map(|r| view! { <code class="decline">{r}</code> })}
                                            </div>
                                        </td>
                                        <td>
                                            <Badge kind=Kind::Delivery status=dl.status.clone() />
                                            <div class="muted small">{dl.attempt_count}" "{c.t(Msg::Attempts)}</div>
                                            {dl.next_attempt_at_ms.map(|t| view! { <div class="muted small">{c.t(Msg::ColNext)}": "{time_text(t, lang)}</div> })}
                                        </td>
                                        <td>
                                            <ol class="attempts">
                                                {dl.attempts.iter().map(|a| {
                                                    let http = a.status_code.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "—".into());
                                                    view! {
                                                        <li data-attempt=a.attempt.to_string() data-outcome=a.outcome.clone() data-status-code=a.status_code.map(|s| s.to_string()).unwrap_or_default()>
                                                            <span class="muted">"#"{a.attempt}</span>" "
                                                            <span title=time_text(a.started_at_ms, lang)>{fmt_clock(a.started_at_ms, browser::offset_min(a.started_at_ms))}</span>" · "
                                                            <code>{http}</code>" · "
                                                            <span>{fmt_latency(a.latency_ms)}</span>" "
                                                            <Badge kind=Kind::Attempt status=a.outcome.clone() />
                                                            // "HTTP 500" is already shown as the status code.
                                                            {a.error.clone().filter(|err| Some(err.as_str()) != a.status_code.map(|s| format!("HTTP {s}")).as_deref()).map(|err| view! { " "<span class="muted wrap">{err}</span> })}
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ol>
                                        </td>
                                        <td class="row-actions">
                                            <button type="button" class="btn small resend" disabled=!enabled on:click=move |_| ask(c, resend.clone())>{c.t(Msg::Resend)}</button>
                                            {disabled_endpoint.then(|| view! {
                                                <button type="button" class="btn small reenable" on:click=move |_| ask(c, reenable.clone())>{c.t(Msg::Reenable)}</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </article>
    }
}
