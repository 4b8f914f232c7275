//! The key form: the console works only with the merchant's secret key, checked against the API before use. The key
//! is held in memory, and in sessionStorage (this tab only) if the operator ticks the box; never in the URL.

use super::use_console;
use crate::browser;
use crate::i18n::Msg;
use crate::net;
use crate::present::looks_like_secret_key;
use hsrc_shared::api::ops::OpsSearchResult;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn KeyGate() -> impl IntoView {
    let c = use_console();
    let draft = RwSignal::new(String::new());
    // Off by default: the secret key stays in memory unless the engineer asks to keep it for this tab.
    let remember = RwSignal::new(false);
    let checking = RwSignal::new(false);
    let problem = c.key_problem;

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key = draft.get_untracked().trim().to_string();
        if !looks_like_secret_key(&key) {
            problem.set(Some(Msg::KeyShape.text(c.lang.get_untracked()).to_string()));
            return;
        }
        checking.set(true);
        spawn_local(async move {
            let probe = net::get::<OpsSearchResult>("/v1/ops/search?limit=1", &key).await;
            checking.set(false);
            match probe {
                Ok(_) => {
                    if remember.get_untracked() {
                        browser::store_key(Some(&key));
                    }
                    draft.set(String::new());
                    problem.set(None);
                    c.results.set(super::Load::Idle);
                    c.key.set(Some(key));
                }
                Err(e) if e.is_auth() => problem.set(Some(Msg::KeyRejected.text(c.lang.get_untracked()).to_string())),
                Err(e) => {
                    problem.set(Some(format!("{} {}", Msg::NetworkError.text(c.lang.get_untracked()), e.describe())))
                }
            }
        });
    };

    view! {
        <section class="panel key-gate" aria-labelledby="key-title">
            <h1 id="key-title">{move || c.t(Msg::KeyTitle)}</h1>
            <p class="muted">{move || c.t(Msg::KeyHelp)}</p>
            <form on:submit=submit autocomplete="off">
                <label for="secret-key">{move || c.t(Msg::KeyLabel)}</label>
                <input
                    id="secret-key"
                    name="secret-key"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="sk_test_…"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                />
                <label class="check">
                    <input type="checkbox" id="remember-key" prop:checked=move || remember.get() on:change=move |ev| remember.set(event_target_checked(&ev)) />
                    {move || c.t(Msg::KeyRemember)}
                </label>
                {move || problem.get().map(|p| view! { <p class="error" role="alert" id="key-error">{p}</p> })}
                <button type="submit" class="btn primary" id="key-submit" disabled=move || checking.get()>
                    {move || if checking.get() { c.t(Msg::KeyChecking) } else { c.t(Msg::KeySubmit) }}
                </button>
            </form>
        </section>
    }
}
