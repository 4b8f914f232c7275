//! The console UI. [`Console`] holds the signals every page shares (the key, the language, the route, the search
//! and the open session or payment); pages render from it and call its methods, which talk to the API.

mod actions;
mod cards;
mod detail;
mod events;
mod key;
mod parts;
mod refunds;
mod search;

use crate::browser;
use crate::i18n::{Lang, Msg};
use crate::net::{self, FetchError};
use crate::present::{Route, SearchForm};
use hsrc_shared::api::ops::{OpsPaymentDetail, OpsPaymentEnvelope, OpsSearchResult, OpsSessionEnvelope};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

pub use actions::PendingAction;

/// Mounts the console into `#app`, replacing the shell's placeholder.
pub fn mount() {
    let root = document().get_element_by_id("app").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}

/// Something fetched from the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(FetchError),
}

/// The console's shared state. All signals, so it is `Copy` and closures capture it freely.
#[derive(Clone, Copy)]
pub struct Console {
    /// The merchant's secret key: in memory, and in sessionStorage only if the operator asked.
    pub key: RwSignal<Option<String>>,
    pub lang: RwSignal<Lang>,
    pub route: RwSignal<Route>,
    /// The search that produced `results`.
    pub search: RwSignal<SearchForm>,
    /// `starting_after` of each page shown so far; the last is the current page.
    pub pages: RwSignal<Vec<Option<String>>>,
    pub results: RwSignal<Load<OpsSearchResult>>,
    /// A session's detail is shown as its payment's (with the session); an API-only payment's has none.
    pub detail: RwSignal<Load<OpsPaymentDetail>>,
    /// Which session (`cs_…`) or payment (`pay_…`) `detail` is (or is being loaded) for.
    pub detail_id: RwSignal<Option<String>>,
    /// The action waiting for confirmation.
    pub pending: RwSignal<Option<PendingAction>>,
    /// A short message after an action, with whether it went well.
    pub notice: RwSignal<Option<(bool, String)>>,
    /// Why the key form is shown again (the API refused the key).
    pub key_problem: RwSignal<Option<String>>,
}

pub fn use_console() -> Console {
    expect_context::<Console>()
}

impl Console {
    fn new() -> Self {
        let lang = browser::stored_lang()
            .and_then(|l| Lang::parse(&l))
            .or_else(|| browser::navigator_lang().and_then(|l| Lang::parse(&l)))
            .unwrap_or_default();
        Self {
            key: RwSignal::new(browser::stored_key()),
            lang: RwSignal::new(lang),
            route: RwSignal::new(Route::parse(&browser::hash())),
            search: RwSignal::new(SearchForm::default()),
            pages: RwSignal::new(vec![None]),
            results: RwSignal::new(Load::Idle),
            detail: RwSignal::new(Load::Idle),
            detail_id: RwSignal::new(None),
            pending: RwSignal::new(None),
            notice: RwSignal::new(None),
            key_problem: RwSignal::new(None),
        }
    }

    /// A message in the current language (tracked: views that call it re-render on a language switch).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        browser::store_lang(lang.code());
        browser::set_root_lang(lang.code());
        browser::set_title(&format!("HSRC Pay · {}", Msg::Title.text(lang)));
    }

    /// Forgets the key (sign out, or the API refused it).
    pub fn forget_key(&self, problem: Option<String>) {
        browser::store_key(None);
        self.key.set(None);
        self.key_problem.set(problem);
        self.results.set(Load::Idle);
        self.detail.set(Load::Idle);
        self.detail_id.set(None);
        self.pending.set(None);
    }

    fn current_key(&self) -> Option<String> {
        self.key.get_untracked()
    }

    /// A failed call: a refused key sends the operator back to the key form.
    fn failed<T>(&self, e: FetchError) -> Load<T> {
        if e.is_auth() {
            self.forget_key(Some(Msg::KeyRejected.text(self.lang.get_untracked()).to_string()));
        }
        Load::Failed(e)
    }

    /// Runs `search` from its first page.
    pub fn run_search(&self, search: SearchForm) {
        self.search.set(search);
        self.pages.set(vec![None]);
        self.load_page();
    }

    pub fn older(&self) {
        let cursor = self.results.with_untracked(|r| match r {
            Load::Ready(r) if r.has_more => r.next_cursor.clone(),
            _ => None,
        });
        if let Some(c) = cursor {
            self.pages.update(|p| p.push(Some(c)));
            self.load_page();
        }
    }

    pub fn newer(&self) {
        if self.pages.with_untracked(|p| p.len() > 1) {
            self.pages.update(|p| {
                p.pop();
            });
            self.load_page();
        }
    }

    /// Loads the current page of the current search.
    pub fn load_page(&self) {
        let Some(key) = self.current_key() else { return };
        let after = self.pages.with_untracked(|p| p.last().cloned().flatten());
        let path = self.search.with_untracked(|s| s.query(after.as_deref()));
        self.results.set(Load::Loading);
        let this = *self;
        spawn_local(async move {
            let result = net::get::<OpsSearchResult>(&path, &key).await;
            // A newer search may have started meanwhile; only the latest one's answer is shown.
            if this
                .search
                .with_untracked(|s| s.query(this.pages.with_untracked(|p| p.last().cloned().flatten()).as_deref()))
                != path
            {
                return;
            }
            this.results.set(match result {
                Ok(r) => Load::Ready(r),
                Err(e) => this.failed(e),
            });
        });
    }

    pub fn open(&self, route: Route) {
        browser::set_hash(&route.hash());
        self.route.set(route);
    }

    /// Loads (or reloads) one session's (`cs_…`) or payment's (`pay_…`) detail.
    pub fn load_detail(&self, id: String) {
        let Some(key) = self.current_key() else { return };
        let reload = self.detail_id.get_untracked().as_deref() == Some(id.as_str());
        if !reload {
            self.detail.set(Load::Loading);
        }
        self.detail_id.set(Some(id.clone()));
        let this = *self;
        spawn_local(async move {
            let result = if id.starts_with("cs_") {
                net::get::<OpsSessionEnvelope>(&format!("/v1/ops/sessions/{id}"), &key)
                    .await
                    .map(|e| OpsPaymentDetail::from(e.ops_session))
            } else {
                net::get::<OpsPaymentEnvelope>(&format!("/v1/ops/payments/{id}"), &key).await.map(|e| e.ops_payment)
            };
            if this.detail_id.get_untracked().as_deref() != Some(id.as_str()) {
                return;
            }
            this.detail.set(match result {
                Ok(d) => Load::Ready(d),
                Err(e) => this.failed(e),
            });
        });
    }
}

#[component]
fn App() -> impl IntoView {
    let console = Console::new();
    provide_context(console);
    console.set_lang(console.lang.get_untracked());
    browser::on_hash_change(move || console.route.set(Route::parse(&browser::hash())));

    // The page follows the route and the key: a session or payment route loads its detail, the search loads once.
    Effect::new(move |_| {
        if console.key.get().is_none() {
            return;
        }
        match console.route.get() {
            Route::Session(id) | Route::Payment(id) => {
                if console.detail_id.get_untracked().as_deref() != Some(id.as_str()) {
                    console.load_detail(id);
                }
            }
            Route::Search => {
                if console.results.with_untracked(|r| matches!(r, Load::Idle)) {
                    console.load_page();
                }
            }
        }
    });

    view! {
        <parts::TopBar />
        <main id="main" class="main">
            {move || match (console.key.with(Option::is_some), console.route.get()) {
                (false, _) => view! { <key::KeyGate /> }.into_any(),
                (true, Route::Search) => view! { <search::SearchPage /> }.into_any(),
                (true, Route::Session(_) | Route::Payment(_)) => view! { <detail::DetailPage /> }.into_any(),
            }}
        </main>
        <actions::ConfirmDialog />
    }
}
