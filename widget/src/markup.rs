//! The payment form as HTML, for the edge to put into the embed page it serves (`hsrc-edge`
//! `handlers::pages`): the payer can focus and type into the card field while the wasm is still on its way. When
//! the wasm starts it builds the same form with what was typed (`app::takeover`) and swaps it in in one step.
//!
//! This is the markup `app::form_view` and `app::fields` build for a session's first screen — same elements,
//! classes, ids, labels and ARIA, so the swap does not move anything — with two differences: the pay and cancel
//! buttons are `disabled` (nothing can submit, natively or otherwise, before the wasm owns the form: a native
//! submit would put the card into a URL), and the root carries `data-prerendered`. `tests/browser` compares the
//! two trees. Plain Rust (no browser stack): the edge links it with the crate's `ui` feature off.

use crate::flow::{screen_for, Screen};
use crate::form::{AddrKind, AddrPart, Field, FormState, Requirements};
use crate::i18n::{country_options, fill, Lang, Msg};
use crate::input_kind::InputKind as Kind;
use hsrc_shared::api::{CustomFieldType, PayerSessionView};
use hsrc_shared::money;

/// The checkout's markup for `view` in `lang`, or `None` when the session's first screen is not the form (a
/// finished or processing session: the wasm shows that screen, the page keeps its loading placeholder).
pub fn checkout_form(view: &PayerSessionView, lang: Lang) -> Option<String> {
    if screen_for(view, false) != Screen::Form {
        return None;
    }
    let req = Requirements::new(&view.collect, &view.custom_fields);
    let form = FormState::prefill(view.customer.as_ref(), view.payer.as_ref());
    let amount = match money::currency(&view.currency) {
        Some(c) => money::format_amount(view.amount, &c, lang.locale()),
        None => [view.amount.to_string().as_str(), " ", &view.currency].concat(),
    };
    let mut h = Html { out: String::with_capacity(6_000), lang };
    h.open("div", &[("class", "checkout"), ("id", "checkout"), ("data-prerendered", "")]);
    h.open("section", &[("class", "card"), ("aria-labelledby", "checkout-label")]);
    h.element("h1", &[("id", "checkout-label"), ("class", "visually-hidden")], Msg::CheckoutLabel.text(lang));
    summary(&mut h, view, &amount);
    h.open("div", &[("class", "screen")]);
    h.open("form", &[("class", "pay-form"), ("novalidate", "")]);
    h.open("fieldset", &[("class", "form-body")]);
    details(&mut h, &req, &form);
    if req.billing_address {
        address(&mut h, &form, AddrKind::Billing);
    }
    if req.shipping_address {
        if req.offers_same_as_billing() {
            h.open("div", &[("class", "check")]);
            let checked = form.shipping_same_as_billing.then_some(("checked", ""));
            h.void("input", &[("type", "checkbox"), ("id", "f-same-as-billing")], checked);
            h.element("label", &[("for", "f-same-as-billing")], h.t(Msg::ShippingSameAsBilling));
            h.close("div");
        }
        if form.shows_shipping(&req) {
            address(&mut h, &form, AddrKind::Shipping);
        }
    }
    if !req.custom_fields.is_empty() {
        h.open("fieldset", &[("class", "group")]);
        h.element("legend", &[], h.t(Msg::AdditionalInfo));
        for def in &req.custom_fields {
            let field = Field::Custom(def.key.clone());
            let spec = Spec { label: &def.label, optional: !def.required, hint: None, placeholder: None };
            match def.kind {
                CustomFieldType::Text => text_field(&mut h, &form, &field, spec, Kind::Text("off")),
                CustomFieldType::Numeric => text_field(&mut h, &form, &field, spec, Kind::Decimal),
                CustomFieldType::Dropdown => {
                    let options = def.options.iter().map(|o| (o.clone(), o.clone())).collect();
                    select_field(&mut h, &form, &field, spec, options, true, None);
                }
            }
        }
        h.close("fieldset");
    }
    card_fields(&mut h, &form);
    h.close("fieldset");
    h.open("button", &[("type", "submit"), ("class", "btn primary pay"), ("disabled", "")]);
    h.element("span", &[], &fill(h.t(Msg::PayAmount), &[("amount", &amount)]));
    h.close("button");
    h.open("p", &[("class", "cancel-row")]);
    h.element("button", &[("type", "button"), ("class", "link"), ("disabled", "")], h.t(Msg::CancelPayment));
    h.close("p");
    h.close("form");
    h.close("div");
    h.close("section");
    h.open("p", &[("class", "secured")]);
    h.element("span", &[("class", "lock"), ("aria-hidden", "true")], "");
    h.text(h.t(Msg::SecuredBy));
    h.close("p");
    let live = [("class", "visually-hidden"), ("role", "status"), ("aria-live", "polite"), ("aria-atomic", "true")];
    h.element("div", &live, "");
    h.close("div");
    Some(h.out)
}

/// Merchant, amount and the test-mode badge (`app::screens::summary`).
fn summary(h: &mut Html, view: &PayerSessionView, amount: &str) {
    h.open("header", &[("class", "summary")]);
    h.open("div", &[("class", "summary-text")]);
    h.open("p", &[("class", "merchant")]);
    h.element("span", &[("class", "caption")], h.t(Msg::PayTo));
    h.element("span", &[("class", "merchant-name")], &view.merchant.name);
    h.close("p");
    h.element("p", &[("class", "amount")], amount);
    h.close("div");
    if !view.livemode {
        h.element("span", &[("class", "badge test")], h.t(Msg::TestMode));
    }
    h.close("header");
}

/// Name, email and (when asked) phone.
fn details(h: &mut Html, req: &Requirements, form: &FormState) {
    h.open("fieldset", &[("class", "group")]);
    h.element("legend", &[], h.t(Msg::YourDetails));
    text_field(h, form, &Field::Name, Spec::new(h.t(Msg::Name)), Kind::Text("name"));
    text_field(h, form, &Field::Email, Spec::new(h.t(Msg::Email)), Kind::Email);
    if req.phone {
        let spec = Spec { hint: Some(Msg::PhoneHint), ..Spec::new(h.t(Msg::Phone)) };
        text_field(h, form, &Field::Phone, spec, Kind::Phone);
    }
    h.close("fieldset");
}

/// A billing or shipping address (`app::form_view::address_fields`).
fn address(h: &mut Html, form: &FormState, kind: AddrKind) {
    let legend = match kind {
        AddrKind::Billing => Msg::BillingAddress,
        AddrKind::Shipping => Msg::ShippingAddress,
    };
    let text = |h: &mut Html, part: AddrPart| {
        let spec = Spec { optional: !part.required(), ..Spec::new(h.t(part.label())) };
        text_field(h, form, &Field::Address(kind, part), spec, Kind::Text(crate::form::autocomplete(kind, part)));
    };
    h.open("fieldset", &[("class", "group")]);
    h.element("legend", &[], h.t(legend));
    text(h, AddrPart::Line1);
    text(h, AddrPart::Line2);
    h.open("div", &[("class", "row")]);
    text(h, AddrPart::City);
    text(h, AddrPart::State);
    h.close("div");
    h.open("div", &[("class", "row")]);
    text(h, AddrPart::PostalCode);
    let country = Field::Address(kind, AddrPart::Country);
    let options = country_options(h.lang, form.value(&country));
    let auto = Some(crate::form::autocomplete(kind, AddrPart::Country));
    select_field(h, form, &country, Spec::new(h.t(Msg::Country)), options, false, auto);
    h.close("div");
    h.close("fieldset");
}

/// Card number (with the brand badge), expiry and CVC (`app::form_view::card_fields`).
fn card_fields(h: &mut Html, form: &FormState) {
    h.open("fieldset", &[("class", "group card-group")]);
    h.element("legend", &[], h.t(Msg::CardSection));
    let spec = Spec { placeholder: Some("1234 1234 1234 1234"), ..Spec::new(h.t(Msg::CardNumber)) };
    text_field(h, form, &Field::CardNumber, spec, Kind::CardNumber);
    h.open("div", &[("class", "row")]);
    let expiry = Spec { placeholder: Some(crate::form::expiry_placeholder(h.lang)), ..Spec::new(h.t(Msg::Expiry)) };
    text_field(h, form, &Field::Expiry, expiry, Kind::Expiry);
    text_field(h, form, &Field::Cvc, Spec { placeholder: Some("123"), ..Spec::new(h.t(Msg::Cvc)) }, Kind::Cvc);
    h.close("div");
    h.close("fieldset");
}

/// What a field shows besides its input (`app::fields::FieldSpec`).
struct Spec<'a> {
    label: &'a str,
    optional: bool,
    hint: Option<Msg>,
    placeholder: Option<&'static str>,
}

impl<'a> Spec<'a> {
    fn new(label: &'a str) -> Self {
        Self { label, optional: false, hint: None, placeholder: None }
    }
}

fn label_text(h: &Html, label: &str, optional: bool) -> String {
    if optional {
        [label, " (", h.t(Msg::Optional), ")"].concat()
    } else {
        label.to_string()
    }
}

/// A labelled text input with its hint and (empty) error line (`app::fields::text_field`).
fn text_field(h: &mut Html, form: &FormState, field: &Field, spec: Spec<'_>, kind: Kind) {
    let id = field.id();
    let hint_id = [id.as_str(), "-hint"].concat();

    h.open("div", &[("class", "field")]);
    h.element("label", &[("for", &id)], &label_text(h, spec.label, spec.optional));
    if let Some(hint) = spec.hint {
        h.element("p", &[("class", "hint"), ("id", &hint_id)], h.t(hint));
    }
    h.open("div", &[("class", "input-wrap")]);
    let mut attrs: Vec<(&str, &str)> = vec![("id", &id), ("name", &id), ("type", kind.input_type())];
    attrs.extend(kind.inputmode().map(|m| ("inputmode", m)));
    attrs.push(("autocomplete", kind.autocomplete()));
    attrs.extend(kind.maxlength().map(|m| ("maxlength", m)));
    attrs.extend(spec.placeholder.map(|p| ("placeholder", p)));
    attrs.push(("spellcheck", "false"));
    if !spec.optional {
        attrs.extend([("required", ""), ("aria-required", "true")]);
    }
    if spec.hint.is_some() {
        attrs.push(("aria-describedby", &hint_id));
    }
    let value = form.value(field);
    h.void("input", &attrs, (!value.is_empty()).then_some(("value", value)));
    if kind == Kind::CardNumber {
        h.element("span", &[("class", "brand"), ("aria-live", "polite"), ("data-brand", "unknown")], "");
    }
    h.close("div");
    h.element("p", &[("class", "field-error"), ("id", &field.error_id())], "");
    h.close("div");
}

/// A labelled `<select>` (`app::fields::select_field`); `choose` adds the empty "Choose…" first.
fn select_field(
    h: &mut Html,
    form: &FormState,
    field: &Field,
    spec: Spec<'_>,
    options: Vec<(String, String)>,
    choose: bool,
    autocomplete: Option<&'static str>,
) {
    let id = field.id();
    h.open("div", &[("class", "field")]);
    h.element("label", &[("for", &id)], &label_text(h, spec.label, spec.optional));
    h.open("div", &[("class", "input-wrap select")]);
    let mut attrs: Vec<(&str, &str)> = vec![("id", &id), ("name", &id)];
    attrs.extend(autocomplete.map(|a| ("autocomplete", a)));
    if !spec.optional {
        attrs.push(("required", ""));
    }
    h.open("select", &attrs);
    if choose {
        h.element("option", &[("value", "")], h.t(Msg::ChooseOne));
    }
    let current = form.value(field);
    for (value, text) in &options {
        let mut attrs = vec![("value", value.as_str())];
        if value == current {
            attrs.push(("selected", ""));
        }
        h.element("option", &attrs, text);
    }
    h.close("select");
    h.close("div");
    h.element("p", &[("class", "field-error"), ("id", &field.error_id())], "");
    h.close("div");
}

/// An HTML writer that escapes every text and attribute value it is given (merchant names and custom-field labels
/// come from merchants).
struct Html {
    out: String,
    lang: Lang,
}

impl Html {
    fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang)
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)], extra: Option<(&str, &str)>) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs.iter().chain(extra.as_ref()) {
            self.out.push(' ');
            self.out.push_str(name);
            if !value.is_empty() {
                self.out.push_str("=\"");
                escape_into(&mut self.out, value);
                self.out.push('"');
            }
        }
        self.out.push('>');
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs, None);
    }

    fn void(&mut self, tag: &str, attrs: &[(&str, &str)], extra: Option<(&str, &str)>) {
        self.start(tag, attrs, extra);
    }

    fn close(&mut self, tag: &str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    fn element(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(tag, attrs);
        self.text(text);
        self.close(tag);
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsrc_shared::api::{CollectField, CustomFieldDef, Customer, PaymentError};
    use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};

    fn view() -> PayerSessionView {
        crate::fixtures::view(SessionStatus::Pending, PaymentStatus::Created)
    }

    /// The element ids of a markup, in document order.
    fn ids(html: &str) -> Vec<&str> {
        html.split(" id=\"").skip(1).filter_map(|rest| rest.split_once('"').map(|(id, _)| id)).collect()
    }

    #[test]
    fn the_form_of_a_plain_session_is_the_widgets_first_screen() {
        let html = checkout_form(&view(), Lang::En).expect("a pending session shows the form");
        assert_eq!(
            ids(&html),
            [
                "checkout",
                "checkout-label",
                "f-name",
                "f-name-error",
                "f-email",
                "f-email-error",
                "f-card-number",
                "f-card-number-error",
                "f-card-expiry",
                "f-card-expiry-error",
                "f-card-cvc",
                "f-card-cvc-error"
            ]
        );
        assert!(html.starts_with(r#"<div class="checkout" id="checkout" data-prerendered>"#), "{html}");
        assert!(html.contains(r#"<label for="f-card-number">Card number</label>"#), "{html}");
        assert!(html.contains(
            r#"<input id="f-card-number" name="f-card-number" type="text" inputmode="numeric" autocomplete="cc-number" maxlength="23" placeholder="1234 1234 1234 1234" spellcheck="false" required aria-required="true">"#
        ), "{html}");
        assert!(html.contains("<span>Pay ₺125.00</span>") && html.contains("Test mode"), "{html}");
        // Nothing can submit before the wasm owns the form.
        assert!(html.contains(r#"<button type="submit" class="btn primary pay" disabled>"#), "{html}");
        assert!(html.contains(r#"<button type="button" class="link" disabled>"#), "{html}");
        let tr = checkout_form(&view(), Lang::Tr).unwrap();
        assert!(tr.contains("Kart numarası") && tr.contains(r#"placeholder="AA / YY""#) && tr.contains("₺125,00 öde"));
    }

    #[test]
    fn every_field_a_session_asks_for_is_there_with_the_prefill() {
        let mut v = view();
        v.collect = vec![CollectField::Phone, CollectField::BillingAddress, CollectField::ShippingAddress];
        v.customer =
            Some(Customer { name: Some("Ada".into()), email: Some("ada@example.com".into()), ..Default::default() });
        v.custom_fields = vec![
            CustomFieldDef {
                key: "size".into(),
                label: "Size".into(),
                kind: CustomFieldType::Dropdown,
                required: true,
                options: vec!["S".into(), "M".into()],
            },
            CustomFieldDef {
                key: "note".into(),
                label: "Note".into(),
                kind: CustomFieldType::Text,
                required: false,
                options: vec![],
            },
        ];
        let html = checkout_form(&v, Lang::En).unwrap();
        let req = Requirements::new(&v.collect, &v.custom_fields);
        let form = FormState::prefill(v.customer.as_ref(), None);
        for field in form.fields(&req) {
            assert!(ids(&html).contains(&field.id().as_str()), "{} missing", field.id());
        }
        assert!(ids(&html).contains(&"f-same-as-billing") && html.contains(r#"id="f-same-as-billing" checked>"#));
        assert!(!html.contains("f-shipping-line1"), "same as billing by default: no shipping inputs");
        assert!(html.contains(r#"aria-describedby="f-phone-hint""#), "{html}");
        assert!(html.contains(r#"value="Ada""#) && html.contains(r#"value="ada@example.com""#));
        assert!(html.contains(r#"<option value="TR" selected>Türkiye</option>"#), "{html}");
        assert!(html.contains(r#"<label for="f-cf-6e6f7465">Note (optional)</label>"#), "{html}");
        assert!(html.contains(r#"<option value>Choose…</option><option value="S">S</option>"#), "{html}");
    }

    #[test]
    fn merchant_text_is_escaped() {
        let mut v = view();
        v.merchant.name = r#"<script>alert("x")</script> & 'co'"#.into();
        v.custom_fields = vec![CustomFieldDef {
            key: "k".into(),
            label: "<b>\"".into(),
            kind: CustomFieldType::Text,
            required: true,
            options: vec![],
        }];
        let html = checkout_form(&v, Lang::En).unwrap();
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"), "{html}");
    }

    #[test]
    fn only_the_form_screen_is_prerendered() {
        let mut v = view();
        v.status = SessionStatus::Completed;
        assert_eq!(checkout_form(&v, Lang::En), None);
        let mut v = view();
        v.status = SessionStatus::Processing;
        assert_eq!(checkout_form(&v, Lang::En), None);
        // A declined attempt still opens on the form (the decline screen shows only right after an attempt).
        let mut v = view();
        v.payment.status = PaymentStatus::RequiresPaymentMethod;
        v.payment.last_error =
            Some(PaymentError { code: "card_declined".into(), decline_code: None, message: "Declined".into() });
        assert!(checkout_form(&v, Lang::En).is_some());
    }
}
