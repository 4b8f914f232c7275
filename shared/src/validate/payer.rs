//! Payer details as a whole: every field checked and normalised, and the completeness check before confirm.

use super::*;
use crate::api::Customer;

const PAYER: &str = "payer";

/// A new session's or API-only payment's `customer` (name, email, phone): the payer checks, with errors under
/// `customer` (`customer[email]`).
pub fn customer(c: &Customer) -> Result<(), ApiError> {
    let as_payer =
        PayerDetails { name: c.name.clone(), email: c.email.clone(), phone: c.phone.clone(), ..Default::default() };
    payer_details(&as_payer, &[]).map(drop).map_err(|mut e| {
        e.param = e.param.map(|p| p.replacen(PAYER, "customer", 1));
        e
    })
}

/// Validates every field the payer gave and returns the normalised copy: name trimmed, email with lower-case
/// domain, phone in E.164, addresses trimmed, custom field values normalised. Empty optional strings and empty
/// custom field values count as not given (they become `None` / are dropped). When `shipping_same_as_billing` is
/// `Some(true)`, the copy's `shipping_address` is the billing address.
///
/// Errors are 400 with params under `payer` (`payer[email]`, `payer[billing_address][city]`,
/// `payer[custom_fields][company]`).
pub fn payer_details(p: &PayerDetails, defs: &[CustomFieldDef]) -> Result<PayerDetails, ApiError> {
    let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let name = present(&p.name).map(|v| name(&v, &format!("{PAYER}[name]"))).transpose()?;
    let email = present(&p.email).map(|v| email(&v, &format!("{PAYER}[email]"))).transpose()?;
    let phone = present(&p.phone).map(|v| phone_e164(&v, &format!("{PAYER}[phone]"))).transpose()?;
    let billing_address =
        p.billing_address.as_ref().map(|a| normalize_address(a, &format!("{PAYER}[billing_address]"))).transpose()?;
    let mut shipping_address =
        p.shipping_address.as_ref().map(|a| normalize_address(a, &format!("{PAYER}[shipping_address]"))).transpose()?;
    if p.shipping_same_as_billing == Some(true) {
        shipping_address = billing_address.clone();
    }
    let mut custom_fields = BTreeMap::new();
    for (key, value) in &p.custom_fields {
        let param = keyed_param(&format!("{PAYER}[custom_fields]"), key);
        let Some(def) = defs.iter().find(|d| &d.key == key) else {
            return Err(FieldProblem::UnknownField.to_api_error(&param, "This custom field"));
        };
        match custom_field_value(def, value) {
            Ok(v) => {
                custom_fields.insert(key.clone(), v);
            }
            Err(FieldProblem::Required) => {}
            Err(problem) => return Err(problem.to_api_error(&param, &format!("The field '{}'", def.label.trim()))),
        }
    }
    Ok(PayerDetails {
        name,
        email,
        phone,
        billing_address,
        shipping_address,
        shipping_same_as_billing: p.shipping_same_as_billing,
        custom_fields,
    })
}

fn incomplete(param: String, message: impl Into<String>) -> ApiError {
    ApiError::invalid_code(codes::PAYER_DETAILS_INCOMPLETE, param, message)
}

fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// The first missing required field of an address (`"line1"`, `"city"`, `"postal_code"`, `"country"`).
fn missing_address_field(a: &Address) -> Option<&'static str> {
    [("line1", &a.line1), ("city", &a.city), ("postal_code", &a.postal_code), ("country", &a.country)]
        .into_iter()
        .find(|(_, v)| v.trim().is_empty())
        .map(|(f, _)| f)
}

/// Checks that everything the session requires is present: name and email always; phone, billing and shipping
/// address when collected (shipping is satisfied by `shipping_same_as_billing` with a billing address); every
/// required custom field. Presence only: run [`payer_details`] for the format checks.
///
/// Errors use [`codes::PAYER_DETAILS_INCOMPLETE`] (400) with the first missing field as `param`, in form order:
/// `payer[name]`, `payer[email]`, `payer[phone]`, `payer[billing_address]` (or `…[billing_address][city]` for a
/// partial address), `payer[shipping_address]`, `payer[custom_fields][<key>]`.
pub fn payer_complete(p: &PayerDetails, collect: &[CollectField], defs: &[CustomFieldDef]) -> Result<(), ApiError> {
    if !filled(&p.name) {
        return Err(incomplete(format!("{PAYER}[name]"), "The payer's name is required."));
    }
    if !filled(&p.email) {
        return Err(incomplete(format!("{PAYER}[email]"), "The payer's email address is required."));
    }
    if collect.contains(&CollectField::Phone) && !filled(&p.phone) {
        return Err(incomplete(format!("{PAYER}[phone]"), "The payer's phone number is required."));
    }
    let check_address = |a: Option<&Address>, field: &str, what: &str| -> Result<(), ApiError> {
        match a {
            None => Err(incomplete(format!("{PAYER}[{field}]"), format!("The {what} is required."))),
            Some(a) => match missing_address_field(a) {
                Some(part) => Err(incomplete(
                    format!("{PAYER}[{field}][{part}]"),
                    format!("The {what} is incomplete: {} is required.", part.replace('_', " ")),
                )),
                None => Ok(()),
            },
        }
    };
    if collect.contains(&CollectField::BillingAddress) {
        check_address(p.billing_address.as_ref(), "billing_address", "billing address")?;
    }
    if collect.contains(&CollectField::ShippingAddress) {
        let shipping = if p.shipping_same_as_billing == Some(true) {
            p.billing_address.as_ref()
        } else {
            p.shipping_address.as_ref()
        };
        check_address(shipping, "shipping_address", "shipping address")?;
    }
    for def in defs.iter().filter(|d| d.required) {
        let given = p.custom_fields.get(&def.key).is_some_and(|v| !v.trim().is_empty());
        if !given {
            return Err(incomplete(
                keyed_param(&format!("{PAYER}[custom_fields]"), &def.key),
                format!("The field '{}' is required.", def.label.trim()),
            ));
        }
    }
    Ok(())
}
