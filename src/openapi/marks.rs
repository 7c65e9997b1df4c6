//! Rules applied to the whole document after utoipa has built it.
use serde_json::Value;

/// How a schema, field or parameter says it is labdesk's own: its description starts so.
pub const EXTENSION_PREFIX: &str = "labdesk extension:";
/// The vendor extension that marks what Junction's API does not have.
pub const EXTENSION_KEY: &str = "x-labdesk-extension";

pub fn apply(doc: &mut Value) {
    mark_extensions(doc);
}

/// Adds `x-labdesk-extension: true` to every object whose description starts with
/// `EXTENSION_PREFIX` (utoipa 5 takes extensions on operations only, not on schema fields).
fn mark_extensions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let marked = map
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.starts_with(EXTENSION_PREFIX));
            if marked {
                map.insert(EXTENSION_KEY.to_string(), Value::Bool(true));
            }
            map.values_mut().for_each(mark_extensions);
        }
        Value::Array(items) => items.iter_mut().for_each(mark_extensions),
        _ => {}
    }
}
