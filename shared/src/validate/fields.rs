//! Merchant metadata, custom field definitions and the payer's custom field values.

use super::*;

/// A key that can be echoed in a `param` path without smuggling anything into it.
fn printable_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 100
        && key.bytes().all(|b| b.is_ascii_graphic() && b != b'[' && b != b']')
        && !crate::pan_scan::contains_card_number(key)
}

pub(super) fn keyed_param(param: &str, key: &str) -> String {
    if printable_key(key) {
        format!("{param}[{key}]")
    } else {
        param.to_string()
    }
}

/// Validates merchant metadata: at most 50 keys; keys 1–40 characters of `[A-Za-z0-9_.-]`; values at most 500
/// characters without control characters. Errors name the key: `metadata[order_id]`.
pub fn metadata(m: &Metadata, param: &str) -> Result<(), ApiError> {
    if m.len() > MAX_METADATA_KEYS {
        return Err(ApiError::invalid(param, format!("Metadata can have at most {MAX_METADATA_KEYS} keys.")));
    }
    for (key, value) in m {
        let key_ok = !key.is_empty()
            && key.len() <= MAX_METADATA_KEY_CHARS
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
            && !crate::pan_scan::contains_card_number(key);
        if !key_ok {
            return Err(ApiError::invalid(
                keyed_param(param, key),
                format!("Metadata keys must be 1 to {MAX_METADATA_KEY_CHARS} characters of letters, digits, '_', '.' and '-'."),
            ));
        }
        if value.chars().count() > MAX_METADATA_VALUE_CHARS {
            return Err(ApiError::invalid(
                format!("{param}[{key}]"),
                format!("Metadata values must be at most {MAX_METADATA_VALUE_CHARS} characters long."),
            ));
        }
        if has_control(value) {
            return Err(ApiError::invalid(
                format!("{param}[{key}]"),
                "Metadata values must not contain control characters.",
            ));
        }
        if crate::pan_scan::contains_card_number(value) {
            return Err(ApiError::invalid(
                format!("{param}[{key}]"),
                FieldProblem::CardNumber.message("A metadata value"),
            ));
        }
    }
    Ok(())
}

/// Validates a session's custom field definitions: at most 10; keys unique, 1–40 characters of `[a-z0-9_]`;
/// labels 1–100 characters; a dropdown has 1–50 unique non-empty options (≤ 100 characters each); text and numeric
/// fields have no options. Errors name the spot: `custom_fields[2][options]`.
pub fn custom_field_defs(defs: &[CustomFieldDef]) -> Result<(), ApiError> {
    if defs.len() > MAX_CUSTOM_FIELDS {
        return Err(ApiError::invalid(
            "custom_fields",
            format!("A session can have at most {MAX_CUSTOM_FIELDS} custom fields."),
        ));
    }
    let mut keys = BTreeSet::new();
    for (i, def) in defs.iter().enumerate() {
        let p = |field: &str| format!("custom_fields[{i}][{field}]");
        let key_ok = !def.key.is_empty()
            && def.key.len() <= MAX_CUSTOM_FIELD_KEY_CHARS
            && def.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(ApiError::invalid(
                p("key"),
                format!("Custom field keys must be 1 to {MAX_CUSTOM_FIELD_KEY_CHARS} characters of a-z, 0-9 and '_'."),
            ));
        }
        if !keys.insert(def.key.as_str()) {
            return Err(ApiError::invalid(p("key"), format!("Custom field key '{}' is used more than once.", def.key)));
        }
        text(&def.label, MAX_CUSTOM_FIELD_LABEL_CHARS, true)
            .map_err(|problem| problem.to_api_error(&p("label"), "The custom field label"))?;
        match def.kind {
            CustomFieldType::Dropdown => {
                if def.options.is_empty() || def.options.len() > MAX_DROPDOWN_OPTIONS {
                    return Err(ApiError::invalid(
                        p("options"),
                        format!("A dropdown custom field needs 1 to {MAX_DROPDOWN_OPTIONS} options."),
                    ));
                }
                let mut seen = BTreeSet::new();
                for (j, option) in def.options.iter().enumerate() {
                    let param = format!("custom_fields[{i}][options][{j}]");
                    let value = text(option, MAX_DROPDOWN_OPTION_CHARS, true)
                        .map_err(|problem| problem.to_api_error(&param, "A dropdown option"))?
                        .unwrap_or_default();
                    if !seen.insert(value) {
                        return Err(ApiError::invalid(param, "Dropdown options must be unique."));
                    }
                }
            }
            CustomFieldType::Text | CustomFieldType::Numeric => {
                if !def.options.is_empty() {
                    return Err(ApiError::invalid(p("options"), "Only dropdown custom fields can have options."));
                }
            }
        }
    }
    Ok(())
}

/// Checks a decimal number: optional sign, digits, optionally `.` or `,` and more digits. Returns it with `.` as
/// the separator and no `+` (`"12,5"` → `"12.5"`).
pub fn decimal_value(value: &str) -> Result<String, FieldProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldProblem::Required);
    }
    if v.chars().count() > MAX_NUMERIC_CHARS {
        return Err(FieldProblem::TooLong { max: MAX_NUMERIC_CHARS });
    }
    let (sign, unsigned) = match v.as_bytes()[0] {
        b'-' => ("-", &v[1..]),
        b'+' => ("", &v[1..]),
        _ => ("", v),
    };
    let (int, frac) = match unsigned.find(['.', ',']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(FieldProblem::NotANumber);
    }
    Ok(match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    })
}

/// Checks one custom field value against its definition and returns it normalised (trimmed; numbers with `.`).
/// An empty value is [`FieldProblem::Required`] whether or not the field is required: callers drop empty values.
pub fn custom_field_value(def: &CustomFieldDef, value: &str) -> Result<String, FieldProblem> {
    match def.kind {
        CustomFieldType::Text => text(value, MAX_CUSTOM_FIELD_VALUE_CHARS, true)?.ok_or(FieldProblem::Required),
        CustomFieldType::Numeric => decimal_value(value),
        CustomFieldType::Dropdown => {
            let v = value.trim();
            if v.is_empty() {
                return Err(FieldProblem::Required);
            }
            def.options.iter().find(|o| o.trim() == v).map(|o| o.trim().to_string()).ok_or(FieldProblem::NotAnOption)
        }
    }
}
