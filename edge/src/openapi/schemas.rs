//! Schemas of the wire types (`schemars`): responses as they are serialized, request bodies as they are
//! deserialized, the two told apart (`…Input`) where they differ; response objects closed.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

pub(super) const REF_PREFIX: &str = "#/components/schemas/";

/// Builds schemas for one document: responses (serialize contract) and requests (deserialize contract) separately.
pub struct Schemas {
    responses: SchemaGenerator,
    requests: SchemaGenerator,
    /// Schemas written by hand here (envelopes, pages' small bodies), by component name.
    extra: Map<String, Value>,
}

impl Schemas {
    pub(super) fn new() -> Self {
        let settings = SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        });
        Self {
            responses: settings.clone().for_serialize().into_generator(),
            requests: settings.for_deserialize().into_generator(),
            extra: Map::new(),
        }
    }

    /// A reference to `T` as the API sends it.
    pub(super) fn out<T: JsonSchema>(&mut self) -> Value {
        self.responses.subschema_for::<T>().to_value()
    }

    /// A reference to `T` as the API accepts it.
    pub(super) fn input<T: JsonSchema>(&mut self) -> Value {
        mark_request(self.requests.subschema_for::<T>().to_value())
    }

    /// `{"<field>": <T>}`: the wrapper object of single-resource responses, as a named component.
    pub(super) fn envelope(&mut self, name: &str, field: &str, inner: Value) -> Value {
        let schema = json!({ "type": "object", "required": [field], "properties": { field: inner }, "additionalProperties": false });
        self.named(name, schema)
    }

    pub(super) fn named(&mut self, name: &str, schema: Value) -> Value {
        self.extra.insert(name.to_string(), schema);
        json!({ "$ref": format!("{REF_PREFIX}{name}") })
    }

    /// Every component: response types as they are, request types renamed `…Input` where their deserialize schema
    /// differs from the serialize one.
    pub(super) fn components(mut self) -> (Map<String, Value>, Vec<String>) {
        let mut out = self.responses.take_definitions(true);
        let requests = self.requests.take_definitions(true);
        let renamed: Vec<String> = requests
            .iter()
            .filter(|(name, schema)| out.get(*name).is_some_and(|s| s != *schema))
            .map(|(n, _)| n.clone())
            .collect();
        for (name, mut schema) in requests {
            rename_request_refs(&mut schema, &renamed);
            if renamed.contains(&name) {
                out.insert(format!("{name}Input"), schema);
            } else {
                out.entry(name).or_insert(schema);
            }
        }
        for (name, schema) in out.iter_mut() {
            if !name.ends_with("Input") && !REQUEST_ONLY.contains(&name.as_str()) {
                close_objects(schema);
            }
        }
        for (name, schema) in std::mem::take(&mut self.extra) {
            out.insert(name, schema);
        }
        (out, renamed)
    }
}

/// Request-body types whose serialize schema never appears in a response (kept open only by their own rules).
const REQUEST_ONLY: &[&str] = &[
    "CreateSessionRequest",
    "ConfirmRequest",
    "CaptureRequest",
    "PaymentMethodInput",
    "CardInput",
    "CreateRefundRequest",
];

pub(super) const REQUEST_MARK: &str = "x-hsrc-request-ref";

fn mark_request(mut v: Value) -> Value {
    if let Some(r) = v.get("$ref").and_then(Value::as_str).map(str::to_string) {
        v[REQUEST_MARK] = json!(r);
    }
    v
}

pub(super) fn unmark(v: &mut Value, renamed: &[String]) {
    match v {
        Value::Object(map) => {
            if map.remove(REQUEST_MARK).is_some() {
                if let Some(Value::String(r)) = map.get_mut("$ref") {
                    let name = r.trim_start_matches(REF_PREFIX).to_string();
                    if renamed.contains(&name) {
                        *r = format!("{REF_PREFIX}{name}Input");
                    }
                }
            }
            map.values_mut().for_each(|x| unmark(x, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| unmark(x, renamed)),
        _ => {}
    }
}

fn rename_request_refs(v: &mut Value, renamed: &[String]) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                let name = r.trim_start_matches(REF_PREFIX).to_string();
                if renamed.contains(&name) {
                    *r = format!("{REF_PREFIX}{name}Input");
                }
            }
            map.values_mut().for_each(|x| rename_request_refs(x, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| rename_request_refs(x, renamed)),
        _ => {}
    }
}

/// Response objects are closed: every object schema with `properties` and no rule for others gets
/// `additionalProperties: false`, so an undocumented field fails validation.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
