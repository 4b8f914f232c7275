//! The OpenAPI 3.1 document, generated from the route table so routes and document cannot drift.

use crate::http::Method;
use crate::router::{Access, ROUTES};
use serde_json::{json, Map, Value};

pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let path = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter(|s| s.starts_with('{'))
            .map(|s| json!({ "name": &s[1..s.len() - 1], "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut op = json!({
            "operationId": format!("{:?}", r.op),
            "summary": r.summary,
            "parameters": params,
            "responses": {
                "200": { "description": "OK" },
                "default": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        if r.access == Access::Secret {
            op["security"] = json!([{ "secretKey": [] }]);
        }
        let method = match r.method {
            Method::Get => "get",
            Method::Post => "post",
            Method::Patch => "patch",
            Method::Delete => "delete",
            Method::Options | Method::Other => continue,
        };
        path[method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "HSRC Pay Checkout API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": {
            "securitySchemes": { "secretKey": { "type": "http", "scheme": "bearer", "description": "sk_test_… or sk_live_…" } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": { "type": "object", "required": ["type", "code", "message"], "properties": {
                        "type": { "type": "string" }, "code": { "type": "string" }, "message": { "type": "string" }, "param": { "type": "string" }
                    } } }
                }
            }
        }
    })
}
