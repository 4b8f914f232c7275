//! Personal data leaves the console masked: enough to recognise a payer on the phone, never the whole value.

use hsrc_shared::api::ops::MaskedPayer;
use hsrc_shared::api::{Address, Customer, PayerDetails};

/// `ayse@example.com` → `a***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().map(String::from).unwrap_or_default()),
        None => "***".into(),
    }
}

/// `Ayşe Yılmaz` → `Ayşe Y.`; a single word stays as it is.
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, .., last] => format!("{first} {}.", last.chars().next().map(String::from).unwrap_or_default()),
    }
}

/// `+905551234567` → `+90 ••• 67`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 6 {
        return "•••".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head} ••• {tail}")
}

fn place(a: &Address) -> String {
    format!("{}, {}", a.city.trim(), a.country.trim())
}

/// A URL without its query and fragment, which receivers often use for shared secrets.
pub fn hide_query(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    if cut < url.len() {
        format!("{}?…", &url[..cut])
    } else {
        url.to_string()
    }
}

pub fn mask_payer(payer: Option<&PayerDetails>, customer: Option<&Customer>) -> MaskedPayer {
    let name = payer.and_then(|p| p.name.clone()).or_else(|| customer.and_then(|c| c.name.clone()));
    let email = payer.and_then(|p| p.email.clone()).or_else(|| customer.and_then(|c| c.email.clone()));
    let phone = payer.and_then(|p| p.phone.clone()).or_else(|| customer.and_then(|c| c.phone.clone()));
    MaskedPayer {
        name: name.as_deref().map(mask_name).filter(|n| !n.is_empty()),
        email: email.as_deref().map(mask_email),
        phone: phone.as_deref().map(mask_phone),
        billing_place: payer.and_then(|p| p.billing_address.as_ref()).map(place),
        shipping_place: payer.and_then(|p| p.shipping_address.as_ref()).map(place),
        shipping_same_as_billing: payer.and_then(|p| p.shipping_same_as_billing),
        custom_field_keys: payer.map(|p| p.custom_fields.keys().cloned().collect()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_masked() {
        assert_eq!(mask_email("ayse@example.com"), "a***@example.com");
        assert_eq!(mask_email("@x.example"), "***@x.example");
        assert_eq!(mask_name("Ayşe Nur Yılmaz"), "Ayşe Y.");
        assert_eq!(mask_name("Cher"), "Cher");
        assert_eq!(mask_phone("+905551234567"), "+90 ••• 67");
        assert_eq!(mask_phone("123"), "•••");
        assert_eq!(hide_query("https://hooks.example/in?token=s3cret#x"), "https://hooks.example/in?…");
        assert_eq!(hide_query("https://hooks.example/in"), "https://hooks.example/in");
    }
}
