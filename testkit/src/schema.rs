//! Checks a JSON value against a schema of the OpenAPI document: the native and end-to-end suites run real
//! responses through it. The validation itself is the `jsonschema` crate (JSON Schema 2020-12, the dialect of
//! OpenAPI 3.1); this module only finds the documented schema of a response and lets its `$ref`s
//! (`#/components/schemas/…`) resolve inside the document. Test code only: the production crate ships no validator.

use serde_json::Value;

/// The schema documented for `status` (or `default`) of `method path`, with the media type it is under.
pub fn response_schema<'d>(doc: &'d Value, method: &str, path: &str, status: u16) -> Option<&'d Value> {
    let responses = doc.get("paths")?.get(path)?.get(method.to_ascii_lowercase())?.get("responses")?;
    let mut response = responses.get(status.to_string()).or_else(|| responses.get("default"))?;
    if let Some(r) = response.get("$ref").and_then(Value::as_str) {
        response = doc.pointer(r.strip_prefix('#')?)?;
    }
    response.get("content")?.get("application/json")?.get("schema")
}

/// Where `validate` puts the schema under test inside its copy of the document.
const TARGET: &str = "hsrc_response";

/// Validates `value` against `schema` (a schema of `doc`, its `$ref`s resolved in `doc`); on a mismatch, every
/// error with its location in the value, one per line.
pub fn validate(doc: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    // The document is the root, so `#/components/…` resolves; the schema under test sits in its `$defs` and the
    // root refers to it. The document's other members (`openapi`, `paths`, …) are not keywords and are ignored.
    let mut root = doc.clone();
    let Some(top) = root.as_object_mut() else { return Err("the document is not an object".into()) };
    let defs = top.entry("$defs").or_insert_with(|| Value::Object(Default::default()));
    defs.as_object_mut().ok_or("the document's $defs is not an object")?.insert(TARGET.into(), schema.clone());
    top.insert("$ref".into(), Value::String(format!("#/$defs/{TARGET}")));
    let validator = jsonschema::draft202012::options()
        .build(&root)
        .map_err(|e| format!("the document's schema does not compile: {e}"))?;
    let errors: Vec<String> = validator.iter_errors(value).map(|e| format!("${}: {e}", e.instance_path())).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}
