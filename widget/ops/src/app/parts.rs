//! Small pieces every page uses: the top bar, status badges (colour, icon and word together), times.

use super::use_console;
use crate::browser;
use crate::i18n::{status_label, Kind, Msg};
use crate::present::{self, Tone};
use leptos::prelude::*;

#[component]
pub fn TopBar() -> impl IntoView {
    let c = use_console();
    view! {
        <header class="topbar">
            <a class="brand" href="#/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                " HSRC Pay · "
                <span>{move || c.t(Msg::Title)}</span>
            </a>
            <div class="topbar-tools">
                <button
                    type="button"
                    class="btn ghost"
                    id="lang-toggle"
                    aria-label=move || c.t(Msg::LangToggleLabel)
                    on:click=move |_| c.set_lang(c.lang.get_untracked().other())
                >
                    {move || c.t(Msg::LangToggle)}
                </button>
                {move || {
                    c.key.with(Option::is_some).then(|| view! {
                        <button type="button" class="btn ghost" id="sign-out" on:click=move |_| c.forget_key(None)>
                            {move || c.t(Msg::SignOut)}
                        </button>
                    })
                }}
            </div>
        </header>
    }
}

/// A status as colour, icon and word; `data-status` carries the wire value for tests and copy-paste.
#[component]
pub fn Badge(kind: Kind, #[prop(into)] status: String) -> impl IntoView {
    let c = use_console();
    let tone = present::tone(kind, &status);
    let label_status = status.clone();
    view! {
        <span class=format!("badge {}", tone.class()) data-status=status.clone() title=status>
            <span class="badge-icon" aria-hidden="true">{tone.icon()}</span>
            {move || status_label(kind, &label_status, c.lang.get())}
        </span>
    }
}

/// A moment in the reader's zone and language.
pub fn time_text(ms: i64, lang: crate::i18n::Lang) -> String {
    present::fmt_time(ms, browser::offset_min(ms), lang)
}

/// An id shown in full, monospaced, breakable.
#[component]
pub fn Id(#[prop(into)] value: String) -> impl IntoView {
    view! { <code class="id">{value}</code> }
}

/// A label and a value in a definition list.
#[component]
pub fn Field(label: Msg, children: Children) -> impl IntoView {
    let c = use_console();
    view! {
        <div class="field">
            <dt>{move || c.t(label)}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// The message after an action.
#[component]
pub fn Notice() -> impl IntoView {
    let c = use_console();
    move || {
        c.notice.get().map(|(ok, text)| {
            let class = if ok { "notice tone-good" } else { "notice tone-bad" };
            view! {
                <p class=class role="status" id="notice">
                    <span class="badge-icon" aria-hidden="true">{if ok { Tone::Good.icon() } else { Tone::Bad.icon() }}</span>
                    {text}
                </p>
            }
        })
    }
}

/// A failure to load, with a retry.
#[component]
pub fn LoadError(error: crate::net::FetchError, retry: Callback<()>) -> impl IntoView {
    let c = use_console();
    let not_found = matches!(&error, crate::net::FetchError::Api(e) if e.status == 404);
    let detail = error.describe();
    view! {
        <div class="panel tone-bad-border" role="alert">
            <p>
                {move || if not_found { c.t(Msg::NotFound) } else if matches!(error, crate::net::FetchError::Network) { c.t(Msg::NetworkError) } else { c.t(Msg::ActionFailed) }}
                " "
                <span class="muted">{detail}</span>
            </p>
            <button type="button" class="btn" on:click=move |_| retry.run(())>{move || c.t(Msg::Retry)}</button>
        </div>
    }
}

/// A panel of rows: a heading with their count, then a table under these column headers (`(text, numeric)`), or a
/// line saying there are none. `id` names the table (`#charges`) and its heading (`#charges-title`).
#[component]
pub fn TablePanel(
    id: &'static str,
    title: Msg,
    empty: Msg,
    /// An id for the "none" line (tests look for it).
    #[prop(optional)]
    empty_id: Option<&'static str>,
    columns: Vec<(String, bool)>,
    rows: Vec<AnyView>,
) -> impl IntoView {
    let c = use_console();
    let title_id = [id, "-title"].concat();
    let labelled_by = title_id.clone();
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=title_id>{c.t(title)}" "<span class="count">{rows.len()}</span></h2>
            {if rows.is_empty() {
                view! { <p class="empty" id=empty_id>{c.t(empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid" id=id>
                        <thead>
                            <tr>
                                {columns.into_iter().map(|(text, num)| view! {
                                    <th scope="col" class=num.then_some("num")>{text}</th>
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
