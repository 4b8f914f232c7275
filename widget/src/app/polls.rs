//! The checkout's bounded waits: polling a processing payment, watching an open 3DS challenge, and the session's
//! expiry (the server has the last word on each).

use super::{Ctx, Phase};
use crate::browser;
use crate::flow::{action_poll_delay_ms, poll_delay_ms, screen_for, Screen};
use crate::net;
use hsrc_shared::error::codes;
use hsrc_shared::lifecycle::SessionStatus;
use leptos::task::spawn_local;
use std::sync::atomic::Ordering::Relaxed;

impl Ctx {
    /// Polls the session until a processing payment settles (bounded, backing off). `now` skips the first wait.
    pub fn poll_outcome(&self, now: bool) {
        let ctx = *self;
        let gen = ctx.stop_polls();
        ctx.gave_up.set(false);
        spawn_local(async move {
            let mut attempt = 0;
            loop {
                let delay = if now && attempt == 0 { Some(0) } else { poll_delay_ms(attempt) };
                let Some(delay) = delay else {
                    ctx.gave_up.set(true);
                    return;
                };
                attempt += 1;
                browser::sleep(delay).await;
                if !ctx.polling(gen) {
                    return;
                }
                match net::load_session(&ctx.page.token).await {
                    Ok(view) if ctx.polling(gen) => {
                        if screen_for(&view, true) != Screen::Processing {
                            ctx.apply_view(view, true);
                            return;
                        }
                        ctx.session.set(Some(view));
                    }
                    Err(e) if e.code() == Some(codes::SESSION_EXPIRED) => {
                        ctx.show(Screen::Expired);
                        return;
                    }
                    _ => {}
                }
            }
        });
    }

    /// While a 3DS challenge is open, looks at the session now and then in case its message never arrives.
    pub(super) fn watch_action(&self) {
        let ctx = *self;
        let gen = ctx.page.poll_gen.load(Relaxed);
        spawn_local(async move {
            let mut attempt = 0;
            while let Some(delay) = action_poll_delay_ms(attempt) {
                attempt += 1;
                browser::sleep(delay).await;
                if !ctx.polling(gen) {
                    return;
                }
                if let Ok(view) = net::load_session(&ctx.page.token).await {
                    if ctx.polling(gen) && !matches!(screen_for(&view, true), Screen::Action { .. }) {
                        ctx.apply_view(view, true);
                        return;
                    }
                }
            }
        });
    }

    /// The challenge page reported its outcome: look at the session right away.
    pub fn challenge_done(&self) {
        self.page.interacted.store(true, Relaxed);
        self.show(Screen::Processing);
        self.poll_outcome(true);
    }

    /// Shows the expiry screen once the session's time is up (the server has the last word: we ask it).
    pub(super) fn watch_expiry(&self) {
        let ctx = *self;
        spawn_local(async move {
            let mut checks = 0;
            loop {
                let open = matches!(ctx.phase.get_untracked(), Phase::Show(Screen::Form | Screen::Declined { .. }));
                let expires_at = ctx.session.with_untracked(|s| s.as_ref().map(|s| s.expires_at));
                let Some(expires_at) = expires_at else { return };
                if matches!(ctx.phase.get_untracked(), Phase::Show(ref s) if s.is_final()) {
                    return;
                }
                let left = expires_at - browser::now_secs();
                if !open || left > 0 {
                    let wait = if open { (left.max(0) * 1000 + 300).min(15_000) } else { 5_000 };
                    browser::sleep(wait as u32).await;
                    continue;
                }
                // Past expiry by our clock; the server decides (clocks differ), for at most a few minutes.
                checks += 1;
                if checks > 90 {
                    return;
                }
                match net::load_session(&ctx.page.token).await {
                    Ok(view) if view.status != SessionStatus::Pending => {
                        if matches!(ctx.phase.get_untracked(), Phase::Show(Screen::Form | Screen::Declined { .. })) {
                            ctx.apply_view(view, false);
                        }
                    }
                    Err(e) if e.code() == Some(codes::SESSION_EXPIRED) => ctx.show(Screen::Expired),
                    _ => browser::sleep(2_000).await,
                }
            }
        });
    }
}
