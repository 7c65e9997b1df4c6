//! Schemas in words, for the reference page: `string (uuid)`, `array of ClientFacingOrder`,
//! `one of: a, b`, each linked to the schema it names.
use serde_json::{Map, Value};

/// A type as the page shows it: words, and the component schema it names (for a link).
pub struct TypeText {
    pub words: String,
    pub schema: Option<String>,
    pub nullable: bool,
}

const REF_PREFIX: &str = "#/components/schemas/";

/// The component a `$ref` names.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)
}

/// The schema's alternatives other than `null`, and whether `null` is one of them.
fn without_null(schema: &Value) -> (Vec<&Value>, bool) {
    for key in ["oneOf", "anyOf"] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            let is_null = |v: &&Value| v.get("type").and_then(Value::as_str) == Some("null");
            let nullable = items.iter().any(|v| is_null(&v));
            return (items.iter().filter(|v| !is_null(v)).collect(), nullable);
        }
    }
    let nullable = schema
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == "null"));
    (vec![schema], nullable)
}

/// The schema's JSON type, without `null`.
fn json_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t.as_str()),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

fn enum_words(schema: &Value) -> Option<String> {
    let values = schema.get("enum")?.as_array()?;
    let words: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    Some(format!("one of: {}", words.join(", ")))
}

/// One alternative in words.
fn single(schema: &Value) -> (String, Option<String>) {
    if let Some(name) = ref_name(schema) {
        return (name.to_string(), Some(name.to_string()));
    }
    if let Some(named) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|parts| parts.iter().find_map(ref_name))
    {
        return (format!("{named}, and more"), Some(named.to_string()));
    }
    if let Some(words) = enum_words(schema) {
        return (words, None);
    }
    match json_type(schema) {
        Some("array") => {
            let items = schema.get("items").map(describe);
            match items {
                Some(t) => (format!("array of {}", t.words), t.schema),
                None => ("array".to_string(), None),
            }
        }
        Some("object") if schema.get("propertyNames").is_some() => {
            ("object (map)".to_string(), None)
        }
        Some(t) => {
            let detail = schema
                .get("format")
                .or_else(|| schema.get("pattern"))
                .and_then(Value::as_str);
            match detail {
                Some(d) => (format!("{t} ({d})"), None),
                None => (t.to_string(), None),
            }
        }
        None => ("any".to_string(), None),
    }
}

/// The schema in words.
pub fn describe(schema: &Value) -> TypeText {
    let (alternatives, nullable) = without_null(schema);
    let mut schema_name = None;
    let words: Vec<String> = alternatives
        .into_iter()
        .map(|alt| {
            let (words, name) = single(alt);
            schema_name = schema_name.take().or(name);
            words
        })
        .collect();
    TypeText {
        words: words.join(" or "),
        schema: schema_name,
        nullable,
    }
}

/// The component schema a name points to.
pub fn component<'a>(doc: &'a Value, name: &str) -> Option<&'a Map<String, Value>> {
    doc.pointer(&format!("/components/schemas/{name}"))?
        .as_object()
}
