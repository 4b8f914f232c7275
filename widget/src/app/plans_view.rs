//! The installment choice (#16): a radio group under the card fields, "Tek çekim" / "Single payment" first, shown
//! once the card's first 6 digits are typed and the session offers installments, updated when the BIN changes.
//! It never blocks paying: until plans arrive (or if asking fails) there is nothing to choose and the payment is
//! a single one.

use super::Ctx;
use crate::i18n::Msg;
use crate::installments::{bin_key, plan_label};
use crate::lean::dom::{dyn_view, el, nothing};
use crate::net;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Whether this session offers installments at all.
fn offered(ctx: Ctx) -> bool {
    ctx.session.with_untracked(|s| s.as_ref().and_then(|s| s.installments).is_some_and(|i| i.enabled))
}

/// Called whenever the card field changes (typed, pasted, cleared): asks for the plans when it reaches another BIN
/// (6, then 8 digits). A plain call from the input handler rather than an `Effect`, which costs wasm per closure.
pub fn card_changed(ctx: Ctx) {
    if !offered(ctx) {
        return;
    }
    {
        let key = ctx.form.with_untracked(|f| bin_key(&f.card_number));
        if ctx.plans.with_untracked(|p| p.bin == key.as_deref().unwrap_or_default()) {
            return;
        }
        let mut due = false;
        ctx.plans.update(|p| due = p.card_changed(key.as_deref()));
        ctx.plan_choice.set(1);
        let Some(bin) = key.filter(|_| due) else { return };
        spawn_local(async move {
            // A failed lookup leaves single payment, which is always possible.
            if let Ok(plans) = net::installments(&ctx.page.token, &bin).await {
                let mut taken = false;
                ctx.plans.update(|p| taken = p.answered(&bin, plans));
                if taken {
                    ctx.plan_choice.set(1);
                }
            }
        });
    }
}

/// The radio group (nothing while there is no choice to make).
pub fn installment_choice(ctx: Ctx) -> AnyView {
    if !offered(ctx) {
        return nothing();
    }
    dyn_view(move || {
        let Some(plans) = ctx.plans.with(|p| p.has_choice().then(|| p.plans.clone())) else {
            return nothing();
        };
        let lang = ctx.lang.get_untracked();
        let currency = ctx.session.with_untracked(|s| s.as_ref().map(|s| s.currency.clone()).unwrap_or_default());
        let mut group = el("fieldset")
            .class("group plans")
            .id("installments")
            .kid(el("legend").text(ctx.t(Msg::InstallmentsLegend)));
        for plan in plans {
            let count = plan.count;
            let id = ["inst-", &count.to_string()].concat();
            group = group.kid(
                el("div")
                    .class("check plan")
                    .kid(
                        el("input")
                            .attr("type", "radio")
                            .attr("name", "installments")
                            .id(id.clone())
                            .attr("value", count.to_string())
                            .prop_flag("checked", move || ctx.plan_choice.get() == count)
                            .on("change", move |_| ctx.plan_choice.set(count)),
                    )
                    .kid(el("label").attr("for", id).text(plan_label(&plan, &currency, lang))),
            );
        }
        group.view()
    })
}

/// The amount on the pay button: the chosen plan's total (with the payer's interest), else the session amount.
pub fn pay_amount_text(ctx: Ctx) -> String {
    let chosen = ctx.plan_choice.get();
    let total = ctx.plans.with(|p| p.choice(chosen).and_then(|c| p.plan_of(c)).map(|p| p.total_amount));
    match total {
        Some(total) => ctx.amount_text_of(total),
        None => ctx.amount_text(),
    }
}

/// The installment count to confirm with (`None`: single payment).
pub fn confirm_choice(ctx: Ctx) -> Option<u32> {
    let chosen = ctx.plan_choice.get_untracked();
    ctx.plans.with_untracked(|p| p.choice(chosen))
}
