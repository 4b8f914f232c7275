//! The payment form: payer details, addresses, the merchant's custom fields, the card, and the pay button.

use super::fields::{InputKind, SelectField, TextField};
use super::use_ctx;
use crate::form::{AddrKind, AddrPart, Field};
use crate::i18n::{country_options, fill, Msg};
use hsrc_shared::api::{CustomFieldDef, CustomFieldType};
use hsrc_shared::card::CardBrand;
use leptos::prelude::*;

/// The whole form. Inputs are disabled while a confirm runs, so nothing changes under it and nothing submits twice.
#[component]
pub fn PaymentForm() -> impl IntoView {
    let ctx = use_ctx();
    let req = ctx.req();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.submit();
    };
    let phone = req.phone.then(|| {
        view! {
            <TextField field=Field::Phone label=ctx.t(Msg::Phone).into() kind=InputKind::Phone hint=Msg::PhoneHint />
        }
    });
    let billing = req.billing_address.then(|| view! { <AddressFields kind=AddrKind::Billing /> });
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
                <Show when=move || !ctx.form.with(|f| f.shipping_same_as_billing)>
                    <AddressFields kind=AddrKind::Shipping />
                </Show>
            }
            .into_any()
        } else {
            view! { <AddressFields kind=AddrKind::Shipping /> }.into_any()
        }
    });
    let custom = (!req.custom_fields.is_empty()).then(|| {
        let fields = req.custom_fields.iter().cloned().map(|def| view! { <CustomField def=def /> }).collect_view();
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
            {move || ctx.banner.with(|b| (!b.is_empty()).then(|| view! { <p class="banner" role="alert">{b.clone()}</p> }))}
            <fieldset class="form-body" disabled=move || ctx.submitting.get()>
                <fieldset class="group">
                    <legend>{ctx.t(Msg::YourDetails)}</legend>
                    <TextField field=Field::Name label=ctx.t(Msg::Name).into() kind=InputKind::Text("name") />
                    <TextField field=Field::Email label=ctx.t(Msg::Email).into() kind=InputKind::Email />
                    {phone}
                </fieldset>
                {billing}
                {shipping}
                {custom}
                <CardFields />
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
                <button
                    type="button"
                    class="link"
                    disabled=move || ctx.submitting.get()
                    on:click=move |_| ctx.cancel()
                >
                    {ctx.t(Msg::CancelPayment)}
                </button>
            </p>
        </form>
    }
}

/// A billing or shipping address.
#[component]
fn AddressFields(kind: AddrKind) -> impl IntoView {
    let ctx = use_ctx();
    let legend = match kind {
        AddrKind::Billing => Msg::BillingAddress,
        AddrKind::Shipping => Msg::ShippingAddress,
    };
    let text = move |part: AddrPart| {
        view! {
            <TextField
                field=Field::Address(kind, part)
                label=ctx.t(part.label()).into()
                kind=InputKind::Text(autocomplete(kind, part))
                optional=!part.required()
            />
        }
    };
    let current_country = ctx.form.with_untracked(|f| f.value(&Field::Address(kind, AddrPart::Country)).to_string());
    view! {
        <fieldset class="group">
            <legend>{ctx.t(legend)}</legend>
            {text(AddrPart::Line1)}
            {text(AddrPart::Line2)}
            <div class="row">
                {text(AddrPart::City)}
                {text(AddrPart::State)}
            </div>
            <div class="row">
                {text(AddrPart::PostalCode)}
                <SelectField
                    field=Field::Address(kind, AddrPart::Country)
                    label=ctx.t(Msg::Country).into()
                    options=country_options(ctx.lang.get_untracked(), &current_country)
                    autocomplete=autocomplete(kind, AddrPart::Country)
                />
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
#[component]
fn CustomField(def: CustomFieldDef) -> impl IntoView {
    let field = Field::Custom(def.key.clone());
    let optional = !def.required;
    match def.kind {
        CustomFieldType::Text => {
            view! { <TextField field=field label=def.label kind=InputKind::Text("off") optional=optional /> }.into_any()
        }
        CustomFieldType::Numeric => {
            view! { <TextField field=field label=def.label kind=InputKind::Decimal optional=optional /> }.into_any()
        }
        CustomFieldType::Dropdown => {
            let options = def.options.iter().map(|o| (o.clone(), o.clone())).collect();
            view! { <SelectField field=field label=def.label options=options optional=optional choose=true /> }
                .into_any()
        }
    }
}

/// Card number (formatted as typed, brand shown), expiry and CVC.
#[component]
fn CardFields() -> impl IntoView {
    let ctx = use_ctx();
    let brand = Memo::new(move |_| ctx.form.with(|f| f.brand()));
    let badge = view! {
        <span class="brand" aria-live="polite" data-brand=move || brand.get().as_str()>
            {move || (brand.get() != CardBrand::Unknown).then(|| brand.get().display_name())}
        </span>
    }
    .into_any();
    let expiry_placeholder = match ctx.lang.get_untracked() {
        crate::i18n::Lang::Tr => "AA / YY",
        crate::i18n::Lang::En => "MM / YY",
    };
    view! {
        <fieldset class="group card-group">
            <legend>{ctx.t(Msg::CardSection)}</legend>
            <TextField
                field=Field::CardNumber
                label=ctx.t(Msg::CardNumber).into()
                kind=InputKind::CardNumber
                placeholder="1234 1234 1234 1234".to_string()
                adornment=badge
            />
            <div class="row">
                <TextField
                    field=Field::Expiry
                    label=ctx.t(Msg::Expiry).into()
                    kind=InputKind::Expiry
                    placeholder=expiry_placeholder.to_string()
                />
                <TextField field=Field::Cvc label=ctx.t(Msg::Cvc).into() kind=InputKind::Cvc placeholder="123".to_string() />
            </div>
        </fieldset>
    }
}
