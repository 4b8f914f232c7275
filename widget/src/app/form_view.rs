//! The payment form: payer details, addresses, the merchant's custom fields, the card, and the pay button.
//!
//! Parts are plain functions building with [`crate::lean::dom`] (see there why not `view!`).

use super::fields::{select_field, text_field, FieldSpec, InputKind};
use super::{use_ctx, Ctx};
use crate::form::{autocomplete, AddrKind, AddrPart, Field};
use crate::i18n::{country_options, fill, Msg};
use crate::lean::dom::{el, nothing};
use hsrc_shared::api::{CustomFieldDef, CustomFieldType};
use hsrc_shared::card::CardBrand;
use leptos::prelude::*;

/// The whole form. Inputs are disabled while a confirm runs, so nothing changes under it and nothing submits twice.
pub fn payment_form() -> AnyView {
    let ctx = use_ctx();
    let req = ctx.req();
    let submitting = move || ctx.submitting.get();
    let mut details = el("fieldset")
        .class("group")
        .kid(el("legend").text(ctx.t(Msg::YourDetails)))
        .child(text_field(FieldSpec::new(Field::Name, ctx.t(Msg::Name)), InputKind::Text("name"), None))
        .child(text_field(FieldSpec::new(Field::Email, ctx.t(Msg::Email)), InputKind::Email, None));
    if req.phone {
        details = details.child(text_field(
            FieldSpec::new(Field::Phone, ctx.t(Msg::Phone)).hint(Msg::PhoneHint),
            InputKind::Phone,
            None,
        ));
    }
    let mut body = el("fieldset").class("form-body").dyn_flag("disabled", submitting).kid(details);
    if req.billing_address {
        body = body.child(address_fields(ctx, AddrKind::Billing));
    }
    if req.shipping_address {
        if req.offers_same_as_billing() {
            body = body
                .kid(
                    el("div")
                        .class("check")
                        .kid(
                            el("input")
                                .attr("type", "checkbox")
                                .id("f-same-as-billing")
                                .prop_flag("checked", move || ctx.form.with(|f| f.shipping_same_as_billing))
                                .on("change", move |ev| {
                                    let checked = event_target_checked(&ev);
                                    ctx.form.update(|f| f.shipping_same_as_billing = checked);
                                }),
                        )
                        .kid(el("label").attr("for", "f-same-as-billing").text(ctx.t(Msg::ShippingSameAsBilling))),
                )
                .dyn_view(move || {
                    if ctx.form.with(|f| f.shipping_same_as_billing) {
                        nothing()
                    } else {
                        address_fields(ctx, AddrKind::Shipping)
                    }
                });
        } else {
            body = body.child(address_fields(ctx, AddrKind::Shipping));
        }
    }
    if !req.custom_fields.is_empty() {
        let mut group = el("fieldset").class("group").kid(el("legend").text(ctx.t(Msg::AdditionalInfo)));
        for def in req.custom_fields.iter().cloned() {
            group = group.child(custom_field(def));
        }
        body = body.kid(group);
    }
    body = body.child(card_fields(ctx)).child(super::plans_view::installment_choice(ctx));
    el("form")
        .class("pay-form")
        .flag("novalidate", true)
        .on("submit", move |ev| {
            ev.prevent_default();
            ctx.submit();
        })
        .dyn_view(move || {
            ctx.banner.with(|b| {
                if b.is_empty() {
                    nothing()
                } else {
                    el("p").class("banner").attr("role", "alert").text(b.clone()).view()
                }
            })
        })
        .kid(body)
        .kid(
            el("button")
                .attr("type", "submit")
                .class("btn primary pay")
                .dyn_flag("disabled", submitting)
                .dyn_attr("aria-busy", move || ctx.submitting.get().then(|| "true".into()))
                .dyn_view(move || {
                    if ctx.submitting.get() {
                        el("span").class("spinner").attr("aria-hidden", "true").view()
                    } else {
                        nothing()
                    }
                })
                .kid(el("span").dyn_text(move || {
                    if ctx.submitting.get() {
                        ctx.t(Msg::Paying).to_string()
                    } else {
                        fill(ctx.t(Msg::PayAmount), &[("amount", &super::plans_view::pay_amount_text(ctx))])
                    }
                })),
        )
        .kid(
            el("p").class("cancel-row").kid(
                el("button")
                    .attr("type", "button")
                    .class("link")
                    .dyn_flag("disabled", submitting)
                    .on("click", move |_| ctx.cancel())
                    .text(ctx.t(Msg::CancelPayment)),
            ),
        )
        .view()
}

/// A billing or shipping address.
fn address_fields(ctx: Ctx, kind: AddrKind) -> AnyView {
    let legend = match kind {
        AddrKind::Billing => Msg::BillingAddress,
        AddrKind::Shipping => Msg::ShippingAddress,
    };
    let text = move |part: AddrPart| {
        let spec = FieldSpec::new(Field::Address(kind, part), ctx.t(part.label())).optional(!part.required());
        text_field(spec, InputKind::Text(autocomplete(kind, part)), None)
    };
    let country = Field::Address(kind, AddrPart::Country);
    let current_country = ctx.form.with_untracked(|f| f.value(&country).to_string());
    let options = country_options(ctx.lang.get_untracked(), &current_country);
    el("fieldset")
        .class("group")
        .kid(el("legend").text(ctx.t(legend)))
        .child(text(AddrPart::Line1))
        .child(text(AddrPart::Line2))
        .kid(el("div").class("row").child(text(AddrPart::City)).child(text(AddrPart::State)))
        .kid(el("div").class("row").child(text(AddrPart::PostalCode)).child(select_field(
            FieldSpec::new(country, ctx.t(Msg::Country)),
            options,
            false,
            Some(autocomplete(kind, AddrPart::Country)),
        )))
        .view()
}

/// A merchant-defined field: text, number or dropdown.
fn custom_field(def: CustomFieldDef) -> AnyView {
    let spec = FieldSpec::new(Field::Custom(def.key.clone()), def.label).optional(!def.required);
    match def.kind {
        CustomFieldType::Text => text_field(spec, InputKind::Text("off"), None),
        CustomFieldType::Numeric => text_field(spec, InputKind::Decimal, None),
        CustomFieldType::Dropdown => {
            let options = def.options.iter().map(|o| (o.clone(), o.clone())).collect();
            select_field(spec, options, true, None)
        }
    }
}

/// Card number (formatted as typed, brand shown), expiry and CVC.
pub(super) fn card_fields(ctx: Ctx) -> AnyView {
    let brand = move || ctx.form.with(|f| f.brand());
    let badge = el("span")
        .class("brand")
        .attr("aria-live", "polite")
        .dyn_attr("data-brand", move || Some(brand().as_str().into()))
        .dyn_text(move || {
            let b = brand();
            if b == CardBrand::Unknown {
                String::new()
            } else {
                b.display_name().into()
            }
        })
        .view();
    let expiry_placeholder = crate::form::expiry_placeholder(ctx.lang.get_untracked());
    el("fieldset")
        .class("group card-group")
        .kid(el("legend").text(ctx.t(Msg::CardSection)))
        .child(text_field(
            FieldSpec::new(Field::CardNumber, ctx.t(Msg::CardNumber)).placeholder("1234 1234 1234 1234"),
            InputKind::CardNumber,
            Some(badge),
        ))
        .kid(
            el("div")
                .class("row")
                .child(text_field(
                    FieldSpec::new(Field::Expiry, ctx.t(Msg::Expiry)).placeholder(expiry_placeholder),
                    InputKind::Expiry,
                    None,
                ))
                .child(text_field(
                    FieldSpec::new(Field::Cvc, ctx.t(Msg::Cvc)).placeholder("123"),
                    InputKind::Cvc,
                    None,
                )),
        )
        .view()
}
