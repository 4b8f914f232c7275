//! Checks a JSON value against a schema of the OpenAPI document (`$ref`s resolved in the document): the native and
//! end-to-end suites run real responses through it. Test code only — the production crate ships no validator.
//! Covers the JSON Schema keywords the document uses and names the first mismatch with its location.

use serde_json::Value;

/// The schema documented for `status` (or `default`) of `method path`, with the media type it is under.
pub fn response_schema<'d>(doc: &'d Value, method: &str, path: &str, status: u16) -> Option<&'d Value> {
    let responses = doc.get("paths")?.get(path)?.get(method.to_ascii_lowercase())?.get("responses")?;
    let mut response = responses.get(status.to_string()).or_else(|| responses.get("default"))?;
    if let Some(r) = response.get("$ref").and_then(Value::as_str) {
        response = resolve(doc, r)?;
    }
    response.get("content")?.get("application/json")?.get("schema")
}

fn resolve<'d>(doc: &'d Value, reference: &str) -> Option<&'d Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Validates `value` against `schema` (a schema of `doc`, `$ref`s resolved in `doc`). Covers the JSON Schema
/// keywords this document uses; returns the first mismatch with its location.
pub fn validate(doc: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    check(doc, schema, value, "$", 0)
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        _ => false,
    }
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err(format!("{at}: schema nests too deeply"));
    }
    let s = match schema {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{at}: no value is allowed here")),
        Value::Object(s) => s,
        _ => return Err(format!("{at}: malformed schema")),
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let target = resolve(doc, r).ok_or_else(|| format!("{at}: unresolved $ref {r}"))?;
        check(doc, target, v, at, depth + 1)?;
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_matches(t, v) => return Err(format!("{at}: expected {t}, got {v}")),
        Some(Value::Array(ts)) if !ts.iter().filter_map(Value::as_str).any(|t| type_matches(t, v)) => {
            return Err(format!("{at}: expected one of {ts:?}, got {v}"))
        }
        _ => {}
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return Err(format!("{at}: expected {c}, got {v}"));
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(v) {
            return Err(format!("{at}: {v} is not one of {options:?}"));
        }
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if n < min {
            return Err(format!("{at}: {n} is below {min}"));
        }
    }
    if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64()) {
        if n > max {
            return Err(format!("{at}: {n} is above {max}"));
        }
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        for sub in all {
            check(doc, sub, v, at, depth + 1)?;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = s.get(key) {
            let passing = options.iter().filter(|sub| check(doc, sub, v, at, depth + 1).is_ok()).count();
            let ok = if key == "oneOf" { passing == 1 } else { passing >= 1 };
            if !ok {
                let why: Vec<String> =
                    options.iter().filter_map(|sub| check(doc, sub, v, at, depth + 1).err()).collect();
                return Err(format!("{at}: {passing} of the {key} options match ({})", why.join("; ")));
            }
        }
    }
    if let Value::Object(obj) = v {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = s.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !obj.contains_key(name) {
                    return Err(format!("{at}: missing required field `{name}`"));
                }
            }
        }
        for (name, field) in obj {
            let here = format!("{at}.{name}");
            match props.and_then(|p| p.get(name)) {
                Some(sub) => check(doc, sub, field, &here, depth + 1)?,
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => return Err(format!("{here}: field not in the document")),
                    Some(extra @ Value::Object(_)) => check(doc, extra, field, &here, depth + 1)?,
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (v, s.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(doc, item_schema, item, &format!("{at}[{i}]"), depth + 1)?;
        }
    }
    Ok(())
}
