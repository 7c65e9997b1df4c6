//! The reference page's content (`GET /docs`), read from the same document `/openapi.json`
//! serves, so the page and the document cannot disagree. Plain structs for the template.
mod model;
mod types;

use serde_json::Value;

pub use model::*;
use types::{component, describe};

use super::marks::EXTENSION_KEY;

fn text_of(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn is_extension(v: &Value) -> bool {
    v.get(EXTENSION_KEY)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// An id for `href="#..."`: letters, digits and dashes.
fn anchor(parts: &[&str]) -> String {
    let joined = parts.join("-").to_ascii_lowercase();
    let mut out = String::new();
    for c in joined.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The fields of an object schema, in the document's order; of an `allOf`, every part's.
fn fields(doc: &Value, schema: &Value) -> Vec<Field> {
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return parts
            .iter()
            // The named parts carry the fields; the others only constrain them.
            .filter_map(|part| types::ref_name(part).and_then(|n| component(doc, n)))
            .flat_map(|named| fields(doc, &Value::Object(named.clone())))
            .collect();
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| Field {
            name: name.clone(),
            place: String::new(),
            kind: describe(property),
            required: required.contains(&name.as_str()),
            description: Text::of(property.get("description")),
            extension: is_extension(property),
        })
        .collect()
}

fn media(content: Option<&Value>) -> Vec<Media> {
    let Some(content) = content.and_then(Value::as_object) else {
        return Vec::new();
    };
    content
        .iter()
        .map(|(content_type, m)| Media {
            content_type: content_type.clone(),
            kind: m.get("schema").map(describe).unwrap_or(TypeText {
                words: "any".into(),
                schema: None,
                nullable: false,
            }),
        })
        .collect()
}

fn operation(doc: &Value, path: &str, method: &str, op: &Value) -> Operation {
    let auth = op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| req.keys())
        .filter_map(|scheme| {
            let pointer = format!("/components/securitySchemes/{scheme}/name");
            doc.pointer(&pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    let parameters = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| Field {
            name: text_of(p, "name"),
            place: text_of(p, "in"),
            kind: p.get("schema").map(describe).unwrap_or(TypeText {
                words: "string".into(),
                schema: None,
                nullable: false,
            }),
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
            description: Text::of(p.get("description")),
            extension: is_extension(p),
        })
        .collect();
    let body = op.get("requestBody").map(|b| Body {
        media: media(b.get("content")),
    });
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, r)| Response {
            status: status.clone(),
            description: Text::of(r.get("description")),
            media: media(r.get("content")),
        })
        .collect();
    Operation {
        anchor: anchor(&["op", &text_of(op, "operationId")]),
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        summary: text_of(op, "summary"),
        description: Text::of(op.get("description")),
        extension: is_extension(op),
        auth,
        parameters,
        body,
        responses,
    }
}

/// The page's content, from the document.
pub fn build(doc: &Value) -> Reference {
    let mut tags: Vec<Tag> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| Tag {
            name: text_of(t, "name"),
            anchor: anchor(&["tag", &text_of(t, "name")]),
            description: Text::of(t.get("description")),
            operations: Vec::new(),
        })
        .collect();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let methods = item.as_object().into_iter().flatten();
        for (method, op) in methods {
            let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("");
            if let Some(section) = tags.iter_mut().find(|t| t.name == tag) {
                section.operations.push(operation(doc, path, method, op));
            }
        }
    }
    let keys = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(scheme, s)| Key {
            scheme: scheme.clone(),
            header: text_of(s, "name"),
            description: Text::of(s.get("description")),
        })
        .collect();
    let names = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let schemas = names
        .iter()
        .filter_map(|name| {
            let schema = Value::Object(component(doc, name)?.clone());
            Some(SchemaSection {
                name: name.clone(),
                anchor: anchor(&["schema", name]),
                description: Text::of(schema.get("description")),
                kind: describe(&schema),
                extension: is_extension(&schema),
                fields: fields(doc, &schema),
            })
        })
        .collect();
    Reference {
        title: text_of(&doc["info"], "title"),
        version: text_of(&doc["info"], "version"),
        description: Text::of(doc.pointer("/info/description")),
        keys,
        tags,
        schemas,
    }
}

/// The anchor of a schema's section, for links from the operations.
pub fn schema_anchor(name: &str) -> String {
    anchor(&["schema", name])
}
