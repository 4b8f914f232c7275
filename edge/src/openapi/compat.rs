//! Shapes the generated OpenAPI document so the common client generators read it (openapi-python-client,
//! openapi-typescript), while it stays valid OpenAPI 3.1 and means exactly the same to a JSON Schema validator.
//!
//! Applied to the whole document after it is built, by rule rather than by name, so routes and types added later
//! inherit it. Each rule rewrites a construct some generator rejects into an equivalent one it takes.

use serde_json::{Map, Value};

/// Rewrites every schema of the document in place.
pub fn normalize(doc: &mut Value) {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.values_mut().for_each(schema);
    }
    if let Some(paths) = doc.get_mut("paths") {
        walk_media(paths);
    }
}

/// Request bodies, responses and parameters hold schemas under `schema`.
fn walk_media(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "schema" {
                    schema(child);
                } else {
                    walk_media(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk_media),
        _ => {}
    }
}

/// One schema and every schema inside it.
fn schema(v: &mut Value) {
    // A boolean schema: `true` accepts anything, `false` nothing. Generators want objects.
    if let Value::Bool(b) = v {
        *v = if *b { Value::Object(Map::new()) } else { serde_json::json!({ "not": {} }) };
        return;
    }
    let Value::Object(map) = v else { return };
    collapse_string_choices(map);
    for key in ["properties", "patternProperties", "$defs", "dependentSchemas"] {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            children.values_mut().for_each(schema);
        }
    }
    for key in ["items", "contains", "not", "if", "then", "else", "propertyNames", "unevaluatedProperties"] {
        if let Some(child) = map.get_mut(key) {
            schema(child);
        }
    }
    // `additionalProperties: false/true` is read by every generator; only object forms need a look inside.
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        schema(child);
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children.iter_mut().for_each(schema);
        }
    }
}

/// `oneOf` whose every branch is only a string `enum`/`const` (how schemars writes an enum whose variants carry
/// doc comments) becomes one string `enum`, the branch descriptions folded into the description. Same values, and
/// generators make a plain enum of it instead of a union of one-value types.
fn collapse_string_choices(map: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = map.get("oneOf") else { return };
    let mut values = Vec::new();
    let mut notes = Vec::new();
    for b in branches {
        let Some(b) = b.as_object() else { return };
        if b.get("type") != Some(&Value::String("string".into()))
            || b.keys().any(|k| !matches!(k.as_str(), "type" | "enum" | "const" | "description"))
        {
            return;
        }
        let branch_values: Vec<Value> = match (b.get("enum"), b.get("const")) {
            (Some(Value::Array(e)), None) => e.clone(),
            (None, Some(c @ Value::String(_))) => vec![c.clone()],
            _ => return,
        };
        if let Some(Value::String(d)) = b.get("description") {
            let names: Vec<&str> = branch_values.iter().filter_map(Value::as_str).collect();
            notes.push(format!("`{}`: {d}", names.join("`, `")));
        }
        values.extend(branch_values);
    }
    map.remove("oneOf");
    map.insert("type".into(), Value::String("string".into()));
    map.insert("enum".into(), Value::Array(values));
    if !notes.is_empty() {
        let head = map.get("description").and_then(Value::as_str).map(str::to_string);
        let text = head.into_iter().chain(notes).collect::<Vec<_>>().join(" ");
        map.insert("description".into(), Value::String(text));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// Every schema position of the document, as JSON pointers, whose value is a bare boolean.
    fn boolean_schemas(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let here = format!("{at}/{k}");
                    let schema_map = matches!(k.as_str(), "properties" | "patternProperties" | "$defs");
                    if schema_map {
                        if let Value::Object(props) = child {
                            for (name, s) in props {
                                if s.is_boolean() {
                                    out.push(format!("{here}/{name}"));
                                }
                            }
                        }
                    }
                    if matches!(k.as_str(), "items" | "not" | "schema") && child.is_boolean() {
                        out.push(here.clone());
                    }
                    boolean_schemas(child, &here, out);
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| boolean_schemas(x, &format!("{at}/{i}"), out)),
            _ => {}
        }
    }

    #[test]
    fn the_served_document_has_no_boolean_schemas() {
        let doc = crate::openapi::document();
        let mut found = Vec::new();
        boolean_schemas(doc, "", &mut found);
        assert!(found.is_empty(), "boolean schemas left: {found:?}");
        let object = &doc["components"]["schemas"]["EventData"]["properties"]["object"];
        assert!(object.is_object(), "EventData.object is an any-value schema object: {object}");
    }

    #[test]
    fn rewrites_keep_the_meaning() {
        let mut doc = json!({ "components": { "schemas": { "A": {
            "type": "object",
            "properties": { "any": true, "none": false, "list": { "type": "array", "items": true } },
            "additionalProperties": false,
            "anyOf": [true, { "type": "object" }]
        } } } });
        super::normalize(&mut doc);
        let a = &doc["components"]["schemas"]["A"];
        assert_eq!(a["properties"]["any"], json!({}));
        assert_eq!(a["properties"]["none"], json!({ "not": {} }));
        assert_eq!(a["properties"]["list"]["items"], json!({}));
        assert_eq!(a["additionalProperties"], json!(false));
        assert_eq!(a["anyOf"][0], json!({}));
    }

    #[test]
    fn string_choices_become_one_enum_and_other_unions_stay() {
        let mut doc = json!({ "components": { "schemas": {
            "S": { "description": "A status.", "oneOf": [
                { "type": "string", "enum": ["a", "b"] },
                { "type": "string", "const": "c", "description": "Third." }
            ] },
            "U": { "oneOf": [{ "type": "string", "const": "x" }, { "type": "object", "properties": {} }] }
        } } });
        super::normalize(&mut doc);
        let s = &doc["components"]["schemas"]["S"];
        assert_eq!(s["enum"], json!(["a", "b", "c"]));
        assert_eq!(s["type"], "string");
        assert!(s.get("oneOf").is_none());
        assert_eq!(s["description"], "A status. `c`: Third.");
        assert!(doc["components"]["schemas"]["U"]["oneOf"].is_array(), "a real union is left alone");
    }
}
