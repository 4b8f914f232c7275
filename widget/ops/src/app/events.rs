//! Every event of a detail with its webhook deliveries, their attempts, and the resend / re-enable actions.

use super::actions::{ask, Action};
use super::parts::{time_text, Badge, Id};
use super::Console;
use crate::browser;
use crate::i18n::{Kind, Lang, Msg};
use crate::present::{fmt_clock, fmt_latency};
use hsrc_shared::api::ops::{OpsEndpoint, OpsEvent};
use leptos::prelude::*;

#[component]
pub fn Events(events: Vec<OpsEvent>, endpoints: Vec<OpsEndpoint>) -> impl IntoView {
    let c = super::use_console();
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
