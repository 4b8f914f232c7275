//! Postal addresses: country codes, postal codes, the fields of an address.

use super::*;

/// ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which card networks and acquirers use.
pub const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

/// The same codes as two-byte arrays, built at compile time: a lookup carries 500 bytes, not a table of 250 string
/// slices (2 KB of the payer's form wasm).
const COUNTRY_CODE_BYTES: [[u8; 2]; COUNTRY_CODES.len()] = {
    let mut out = [[0u8; 2]; COUNTRY_CODES.len()];
    let mut i = 0;
    while i < COUNTRY_CODES.len() {
        let code = COUNTRY_CODES[i].as_bytes();
        assert!(code.len() == 2, "country codes have two letters");
        out[i] = [code[0], code[1]];
        i += 1;
    }
    out
};

/// Whether `code` is an upper-case ISO 3166-1 alpha-2 code we accept.
pub fn is_country_code(code: &str) -> bool {
    let &[a, b] = code.as_bytes() else { return false };
    COUNTRY_CODE_BYTES.binary_search(&[a, b]).is_ok()
}

/// Checks a postal code: letters, digits, spaces and dashes, at most 20 characters; five digits in Türkiye.
pub fn postal_code_value(value: &str, country: &str) -> Result<String, FieldProblem> {
    let v = text(value, MAX_POSTAL_CODE_CHARS, true)?.ok_or(FieldProblem::Required)?;
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
        return Err(FieldProblem::PostalCodeInvalid);
    }
    if country == "TR" && !(v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit())) {
        return Err(FieldProblem::PostalCodeInvalid);
    }
    Ok(v)
}

/// Every problem of an address, as `(field, problem)` pairs in form order (`"line1"`, `"line2"`, `"city"`,
/// `"state"`, `"postal_code"`, `"country"`). Empty when the address is valid.
pub fn address_problems(a: &Address) -> Vec<(&'static str, FieldProblem)> {
    normalize(a).err().unwrap_or_default()
}

/// The trimmed address, or every problem.
fn normalize(a: &Address) -> Result<Address, Vec<(&'static str, FieldProblem)>> {
    let mut problems = Vec::new();
    let mut take = |field: &'static str, r: Result<Option<String>, FieldProblem>| match r {
        Ok(v) => v,
        Err(p) => {
            problems.push((field, p));
            None
        }
    };
    let line1 = take("line1", text(&a.line1, MAX_LINE_CHARS, true));
    let line2 = take("line2", text(a.line2.as_deref().unwrap_or_default(), MAX_LINE_CHARS, false));
    let city = take("city", text(&a.city, MAX_CITY_CHARS, true));
    let state = take("state", text(a.state.as_deref().unwrap_or_default(), MAX_CITY_CHARS, false));
    let country = a.country.trim();
    let postal_code = take("postal_code", postal_code_value(&a.postal_code, country).map(Some));
    let country = take(
        "country",
        if country.is_empty() {
            Err(FieldProblem::Required)
        } else if is_country_code(country) {
            Ok(Some(country.to_string()))
        } else {
            Err(FieldProblem::CountryInvalid)
        },
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Address {
        line1: line1.unwrap_or_default(),
        line2,
        city: city.unwrap_or_default(),
        state,
        postal_code: postal_code.unwrap_or_default(),
        country: country.unwrap_or_default(),
    })
}

fn address_field_label(field: &str) -> &'static str {
    match field {
        "line1" => "Address line 1",
        "line2" => "Address line 2",
        "city" => "The city",
        "state" => "The state or province",
        "postal_code" => "The postal code",
        _ => "The country",
    }
}

/// Validates an address and returns it trimmed. Errors name the field: `{param}[postal_code]`.
pub fn normalize_address(a: &Address, param: &str) -> Result<Address, ApiError> {
    normalize(a).map_err(|problems| match problems.first() {
        Some(&(field, p)) => p.to_api_error(&format!("{param}[{field}]"), address_field_label(field)),
        None => ApiError::invalid(param, "The address is invalid."),
    })
}

/// Validates an address: line1, city, postal_code and country required; lengths ≤ 200 (lines) / 100 (city, state)
/// / 20 (postal code); country an upper-case ISO 3166-1 alpha-2 code; no control characters. Errors name the
/// field: `{param}[postal_code]`.
pub fn address(a: &Address, param: &str) -> Result<(), ApiError> {
    normalize_address(a, param).map(|_| ())
}
