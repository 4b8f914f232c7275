//! Search: one box for every handle (ids, request ids, order id, email, last four, `key:value`), status filters for
//! the session and the payment, a date range, and the newest-first list of payments with their sessions (API-only
//! payments, #15, have none and open as payments).

use super::parts::{time_text, Badge, Id, LoadError};
use super::{use_console, Load};
use crate::browser;
use crate::i18n::{Kind, Msg};
use crate::present::{fmt_amount, parse_date_input, Route, SearchForm};
use hsrc_shared::api::ops::{MatchedBy, OpsRow};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};
use leptos::prelude::*;

fn matched_by_text(m: MatchedBy) -> &'static str {
    match m {
        MatchedBy::All => "—",
        MatchedBy::SessionId => "session id",
        MatchedBy::PaymentId => "payment id",
        MatchedBy::ChargeId => "charge id",
        MatchedBy::EventId => "event id",
        MatchedBy::DeliveryId => "delivery id",
        MatchedBy::RequestId => "request id",
        MatchedBy::RefundId => "refund id",
        MatchedBy::Email => "email",
        MatchedBy::OrderIdOrLast4 => "order_id / last4",
        MatchedBy::OrderId => "metadata.order_id",
        MatchedBy::Metadata => "metadata",
        MatchedBy::CustomerReference => "customer_reference",
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let c = use_console();
    let current = c.search.get_untracked();
    let q = RwSignal::new(current.q.clone());
    let status = RwSignal::new(current.status.clone());
    let payment_status = RwSignal::new(current.payment_status.clone());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let day = |v: String, next: bool| {
            parse_date_input(&v).map(|(y, m, d)| browser::local_midnight_s(y, m, d + u32::from(next)))
        };
        c.notice.set(None);
        c.run_search(SearchForm {
            q: q.get_untracked(),
            status: status.get_untracked(),
            payment_status: payment_status.get_untracked(),
            from_s: day(from.get_untracked(), false),
            // The chosen day is included: the range ends at the next local midnight.
            to_s: day(to.get_untracked(), true),
        });
    };
    let clear = move |_| {
        q.set(String::new());
        status.set(String::new());
        payment_status.set(String::new());
        from.set(String::new());
        to.set(String::new());
        c.run_search(SearchForm::default());
    };

    view! {
        <section class="panel search" aria-labelledby="search-title">
            <h1 id="search-title" class="visually-hidden">{move || c.t(Msg::SearchLabel)}</h1>
            <form class="search-form" on:submit=submit role="search">
                <div class="search-row">
                    <label for="q" class="visually-hidden">{move || c.t(Msg::SearchLabel)}</label>
                    <input
                        id="q"
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder=move || c.t(Msg::SearchPlaceholder)
                        prop:value=move || q.get()
                        on:input=move |ev| q.set(event_target_value(&ev))
                    />
                    <button type="submit" class="btn primary" id="search-submit">{move || c.t(Msg::SearchButton)}</button>
                    <button type="button" class="btn" on:click=clear>{move || c.t(Msg::ClearButton)}</button>
                </div>
                <div class="filter-row">
                    <label>
                        <span>{move || c.t(Msg::SessionStatusLabel)}</span>
                        <select id="status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                            <option value="">{move || c.t(Msg::AnyStatus)}</option>
                            {SessionStatus::ALL.iter().map(|s| {
                                let code = s.as_str();
                                view! { <option value=code>{move || crate::i18n::status_label(Kind::Session, code, c.lang.get())}" · "{code}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{move || c.t(Msg::PaymentStatusLabel)}</span>
                        <select id="payment-status" prop:value=move || payment_status.get() on:change=move |ev| payment_status.set(event_target_value(&ev))>
                            <option value="">{move || c.t(Msg::AnyStatus)}</option>
                            {PaymentStatus::ALL.iter().map(|s| {
                                let code = s.as_str();
                                view! { <option value=code>{move || crate::i18n::status_label(Kind::Payment, code, c.lang.get())}" · "{code}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{move || c.t(Msg::FromLabel)}</span>
                        <input id="from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        <span>{move || c.t(Msg::ToLabel)}</span>
                        <input id="to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
                    </label>
                    <p class="muted hint">{move || c.t(Msg::SearchHelp)}</p>
                </div>
            </form>
        </section>
        <super::parts::Notice />
        <section class="panel results" aria-live="polite">
            {move || match c.results.get() {
                Load::Idle | Load::Loading => view! { <p class="muted" aria-busy="true">{c.t(Msg::Loading)}</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e retry=Callback::new(move |_| c.load_page()) /> }.into_any(),
                Load::Ready(result) => {
                    let rows = result.data.clone();
                    let has_more = result.has_more;
                    let matched = result.matched_by;
                    let first_page = c.pages.with(|p| p.len() <= 1);
                    let searched = c.search.with_untracked(|s| s.q.trim().to_string());
                    // The merchant's card-testing breaker, while it pauses confirms (issue 14).
                    let pause = result.card_testing.clone().map(|p| {
                        let until = super::parts::time_text(p.until_ms, c.lang.get_untracked());
                        view! {
                            <p class="notice warn" id="card-testing-pause" role="alert">
                                {c.t(Msg::CardTestingPause)}" "<strong>{until}</strong>
                                " ("{p.declined_sessions}"/"{p.attempted_sessions}" "{c.t(Msg::DeclinedSessions)}")"
                            </p>
                        }
                    });
                    view! {
                        {pause}
                        <div class="results-head" data-q=searched>
                            <p class="muted" id="matched-by" data-matched-by=format!("{matched:?}")>
                                {c.t(Msg::MatchedBy)}": "<strong>{matched_by_text(matched)}</strong>
                            </p>
                            <div class="pager">
                                <button type="button" class="btn" id="page-newer" disabled=first_page on:click=move |_| c.newer()>{c.t(Msg::Newer)}</button>
                                <button type="button" class="btn" id="page-older" disabled=!has_more on:click=move |_| c.older()>{c.t(Msg::Older)}</button>
                                <button type="button" class="btn ghost" on:click=move |_| c.load_page()>{c.t(Msg::Refresh)}</button>
                            </div>
                        </div>
                        {if rows.is_empty() {
                            view! { <p class="empty" id="no-results">{c.t(Msg::NoResults)}</p> }.into_any()
                        } else {
                            view! { <ResultsTable rows=rows /> }.into_any()
                        }}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn ResultsTable(rows: Vec<OpsRow>) -> impl IntoView {
    let c = use_console();
    let lang = c.lang.get();
    view! {
        <table class="grid" id="results">
            <colgroup>
                <col class="w-time" /><col class="w-id" /><col class="w-id" /><col class="w-order" /><col class="w-amount" /><col class="w-card" /><col class="w-email" />
            </colgroup>
            <thead>
                <tr>
                    <th scope="col">{c.t(Msg::ColCreated)}</th>
                    <th scope="col">{c.t(Msg::ColSession)}</th>
                    <th scope="col">{c.t(Msg::ColPayment)}</th>
                    <th scope="col">{c.t(Msg::ColOrder)}</th>
                    <th scope="col" class="num">{c.t(Msg::ColAmount)}</th>
                    <th scope="col">{c.t(Msg::ColCard)}</th>
                    <th scope="col">{c.t(Msg::ColEmail)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    // An API-only payment (#15) has no session: its row opens the payment.
                    let route = match &r.session_id {
                        Some(id) => Route::Session(id.clone()),
                        None => Route::Payment(r.payment_id.clone()),
                    };
                    let href = route.hash();
                    let card = match (&r.card_brand, &r.card_last4) {
                        (Some(b), Some(l)) => format!("{b} ••{l}"),
                        _ => "—".into(),
                    };
                    view! {
                        <tr class="row-link" data-session-id=r.session_id.clone().unwrap_or_default() data-payment-id=r.payment_id.clone() on:click=move |_| c.open(route.clone())>
                            <td>{time_text(r.created_at_ms, lang)}</td>
                            <td>
                                {match (r.session_id.clone(), r.session_status) {
                                    (Some(id), Some(status)) => view! {
                                        <a href=href.clone() on:click=|ev| ev.stop_propagation()><Id value=id /></a>
                                        <div><Badge kind=Kind::Session status=status.as_str() /></div>
                                    }.into_any(),
                                    _ => view! {
                                        <span class="tag api-only">{c.t(Msg::ApiOnly)}</span>
                                        {r.customer_reference.clone().map(|c| view! { <div class="muted small wrap">{c}</div> })}
                                    }.into_any(),
                                }}
                            </td>
                            <td>
                                {if r.session_id.is_none() {
                                    view! { <a href=href on:click=|ev| ev.stop_propagation()><Id value=r.payment_id.clone() /></a> }.into_any()
                                } else {
                                    view! { <Id value=r.payment_id.clone() /> }.into_any()
                                }}
                                <div>
                                    <Badge kind=Kind::Payment status=r.payment_status.as_str() />
                                    {r.decline_code.clone().map(|d| view! { <code class="decline">{d}</code> })}
                                </div>
                            </td>
                            <td class="wrap">{r.order_id.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{fmt_amount(r.amount, &r.currency, lang)}</td>
                            <td>{card}</td>
                            <td class="wrap">{r.payer_email.clone().unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
