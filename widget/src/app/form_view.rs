//! The payment form: payer details, addresses, the merchant's custom fields, the card, and the pay button.
//!
//! Parts are plain functions rather than `#[component]`s: they take no attributes from outside, and skipping the
//! component wrapper keeps the wasm smaller.

use super::fields::{select_field, text_field, FieldSpec, InputKind};
use super::{use_ctx, Ctx};
use crate::form::{AddrKind, AddrPart, Field};
use crate::i18n::{country_options, fill, Lang, Msg};
use hsrc_shared::api::{CustomFieldDef, CustomFieldType};
use hsrc_shared::card::CardBrand;
use leptos::prelude::*;

/// The whole form. Inputs are disabled while a confirm runs, so nothing changes under it and nothing submits twice.
pub fn payment_form() -> impl IntoView {
    let ctx = use_ctx();
    let req = ctx.req();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.submit();
    };
    let phone = req.phone.then(|| {
        text_field(
            FieldSpec::new(Field::Phone, ctx.t(Msg::Phone)).hint(Msg::PhoneHint),
            InputKind::Phone,
            None,
        )
    });
    let billing = req
        .billing_address
        .then(|| address_fields(ctx, AddrKind::Billing));
    let shipping = req.shipping_address.then(|| {
        if req.offers_same_as_billing() {
            view! {
                <div class="check">
                    <input
                        type="checkbox"
                        id="f-same-as-billing"
                        prop:checked=move || ctx.form.with(|f| f.shipping_same_as_billing)
                        on:change=move |ev| {
                            let checked = event_target_checked(&ev);
                            ctx.form.update(|f| f.shipping_same_as_billing = checked);
                        }
                    />
                    <label for="f-same-as-billing">{ctx.t(Msg::ShippingSameAsBilling)}</label>
                </div>
                {move || {
                    (!ctx.form.with(|f| f.shipping_same_as_billing)).then(|| address_fields(ctx, AddrKind::Shipping))
                }}
            }
            .into_any()
        } else {
            address_fields(ctx, AddrKind::Shipping).into_any()
        }
    });
    let custom = (!req.custom_fields.is_empty()).then(|| {
        let fields = req
            .custom_fields
            .iter()
            .cloned()
            .map(custom_field)
            .collect_view();
        view! {
            <fieldset class="group">
                <legend>{ctx.t(Msg::AdditionalInfo)}</legend>
                {fields}
            </fieldset>
        }
    });
    let pay_label = move || {
        if ctx.submitting.get() {
            ctx.t(Msg::Paying).to_string()
        } else {
            fill(ctx.t(Msg::PayAmount), &[("amount", &ctx.amount_text())])
        }
    };
    view! {
        <form class="pay-form" novalidate on:submit=on_submit>
            {move || {
                ctx.banner.with(|b| (!b.is_empty()).then(|| view! { <p class="banner" role="alert">{b.clone()}</p> }))
            }}
            <fieldset class="form-body" disabled=move || ctx.submitting.get()>
                <fieldset class="group">
                    <legend>{ctx.t(Msg::YourDetails)}</legend>
                    {text_field(FieldSpec::new(Field::Name, ctx.t(Msg::Name)), InputKind::Text("name"), None)}
                    {text_field(FieldSpec::new(Field::Email, ctx.t(Msg::Email)), InputKind::Email, None)}
                    {phone}
                </fieldset>
                {billing}
                {shipping}
                {custom}
                {card_fields(ctx)}
            </fieldset>
            <button
                type="submit"
                class="btn primary pay"
                disabled=move || ctx.submitting.get()
                aria-busy=move || ctx.submitting.get().then_some("true")
            >
                {move || ctx.submitting.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                <span>{pay_label}</span>
            </button>
            <p class="cancel-row">
                <button type="button" class="link" disabled=move || ctx.submitting.get() on:click=move |_| ctx.cancel()>
                    {ctx.t(Msg::CancelPayment)}
                </button>
            </p>
        </form>
    }
}

/// A billing or shipping address.
fn address_fields(ctx: Ctx, kind: AddrKind) -> impl IntoView {
    let legend = match kind {
        AddrKind::Billing => Msg::BillingAddress,
        AddrKind::Shipping => Msg::ShippingAddress,
    };
    let text = move |part: AddrPart| {
        let spec = FieldSpec::new(Field::Address(kind, part), ctx.t(part.label()))
            .optional(!part.required());
        text_field(spec, InputKind::Text(autocomplete(kind, part)), None)
    };
    let country = Field::Address(kind, AddrPart::Country);
    let current_country = ctx.form.with_untracked(|f| f.value(&country).to_string());
    let options = country_options(ctx.lang.get_untracked(), &current_country);
    view! {
        <fieldset class="group">
            <legend>{ctx.t(legend)}</legend>
            {text(AddrPart::Line1)}
            {text(AddrPart::Line2)}
            <div class="row">{text(AddrPart::City)} {text(AddrPart::State)}</div>
            <div class="row">
                {text(AddrPart::PostalCode)}
                {select_field(FieldSpec::new(country, ctx.t(Msg::Country)), options, false, Some(autocomplete(kind, AddrPart::Country)))}
            </div>
        </fieldset>
    }
}

/// The autofill token of an address part (`billing postal-code`, …).
fn autocomplete(kind: AddrKind, part: AddrPart) -> &'static str {
    use AddrKind::{Billing, Shipping};
    use AddrPart::*;
    match (kind, part) {
        (Billing, Line1) => "billing address-line1",
        (Billing, Line2) => "billing address-line2",
        (Billing, City) => "billing address-level2",
        (Billing, State) => "billing address-level1",
        (Billing, PostalCode) => "billing postal-code",
        (Billing, Country) => "billing country",
        (Shipping, Line1) => "shipping address-line1",
        (Shipping, Line2) => "shipping address-line2",
        (Shipping, City) => "shipping address-level2",
        (Shipping, State) => "shipping address-level1",
        (Shipping, PostalCode) => "shipping postal-code",
        (Shipping, Country) => "shipping country",
    }
}

/// A merchant-defined field: text, number or dropdown.
fn custom_field(def: CustomFieldDef) -> AnyView {
    let spec = FieldSpec::new(Field::Custom(def.key.clone()), def.label).optional(!def.required);
    match def.kind {
        CustomFieldType::Text => text_field(spec, InputKind::Text("off"), None).into_any(),
        CustomFieldType::Numeric => text_field(spec, InputKind::Decimal, None).into_any(),
        CustomFieldType::Dropdown => {
            let options = def.options.iter().map(|o| (o.clone(), o.clone())).collect();
            select_field(spec, options, true, None).into_any()
        }
    }
}

/// Card number (formatted as typed, brand shown), expiry and CVC.
fn card_fields(ctx: Ctx) -> impl IntoView {
    let brand = Memo::new(move |_| ctx.form.with(|f| f.brand()));
    let badge = view! {
        <span class="brand" aria-live="polite" data-brand=move || brand.get().as_str()>
            {move || (brand.get() != CardBrand::Unknown).then(|| brand.get().display_name())}
        </span>
    }
    .into_any();
    let expiry_placeholder = match ctx.lang.get_untracked() {
        Lang::Tr => "AA / YY",
        Lang::En => "MM / YY",
    };
    view! {
        <fieldset class="group card-group">
            <legend>{ctx.t(Msg::CardSection)}</legend>
            {text_field(
                FieldSpec::new(Field::CardNumber, ctx.t(Msg::CardNumber)).placeholder("1234 1234 1234 1234"),
                InputKind::CardNumber,
                Some(badge),
            )}
            <div class="row">
                {text_field(
                    FieldSpec::new(Field::Expiry, ctx.t(Msg::Expiry)).placeholder(expiry_placeholder),
                    InputKind::Expiry,
                    None,
                )}
                {text_field(FieldSpec::new(Field::Cvc, ctx.t(Msg::Cvc)).placeholder("123"), InputKind::Cvc, None)}
            </div>
        </fieldset>
    }
}
