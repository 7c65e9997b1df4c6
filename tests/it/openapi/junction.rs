//! Labdesk's schemas beside Junction's: what a schema means with `$ref`s followed and `null`
//! alternatives dropped, and the comparison of one with the other.
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

/// Junction's published document: `$LABDESK_JUNCTION_OPENAPI`, else beside the checkout. It is
/// theirs, so it is read from where it lives, never copied into the repository.
pub(super) fn junction_document() -> Option<Value> {
    let path = std::env::var_os("LABDESK_JUNCTION_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/reference/junction-openapi/junction-api.json")
        });
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).expect("Junction's document is JSON"))
}

/// Compares one side's schema with the other's: what a schema means, with `$ref`s followed and
/// `null` alternatives dropped.
pub(super) struct Side<'a> {
    pub(super) doc: &'a Value,
}

impl<'a> Side<'a> {
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = r.trim_start_matches('#');
            schema = self.doc.pointer(pointer).unwrap_or_else(|| panic!("{r}"));
        }
        schema
    }

    /// The alternatives a value may match, other than null.
    fn alternatives(&self, schema: &'a Value) -> Vec<&'a Value> {
        let schema = self.resolve(schema);
        for key in ["anyOf", "oneOf"] {
            if let Some(items) = schema.get(key).and_then(Value::as_array) {
                return items.iter().flat_map(|i| self.alternatives(i)).collect();
            }
        }
        if schema.get("type") == Some(&Value::from("null")) {
            return Vec::new();
        }
        vec![schema]
    }

    fn types(&self, schema: &'a Value) -> BTreeSet<String> {
        let mut types = BTreeSet::new();
        for alt in self.alternatives(schema) {
            match alt.get("type") {
                Some(Value::String(t)) => {
                    types.insert(t.clone());
                }
                Some(Value::Array(ts)) => types.extend(
                    ts.iter()
                        .filter_map(Value::as_str)
                        .filter(|t| *t != "null")
                        .map(str::to_string),
                ),
                _ if alt.get("enum").is_some() || alt.get("const").is_some() => {
                    types.insert("string".into());
                }
                _ if alt.get("properties").is_some() => {
                    types.insert("object".into());
                }
                _ => {
                    types.insert("any".into());
                }
            }
        }
        types
    }

    /// The fields of the object alternatives, and those every object alternative requires.
    pub(super) fn fields(
        &self,
        schema: &'a Value,
    ) -> (BTreeMap<String, &'a Value>, BTreeSet<String>) {
        let mut fields = BTreeMap::new();
        let mut required: Option<BTreeSet<String>> = None;
        for alt in self.alternatives(schema) {
            let Some(props) = alt.get("properties").and_then(Value::as_object) else {
                continue;
            };
            fields.extend(props.iter().map(|(k, v)| (k.clone(), v)));
            let this: BTreeSet<String> = alt["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            required = Some(match required {
                None => this,
                Some(r) => r.intersection(&this).cloned().collect(),
            });
        }
        (fields, required.unwrap_or_default())
    }

    fn items(&self, schema: &'a Value) -> Option<&'a Value> {
        self.alternatives(schema)
            .into_iter()
            .find_map(|alt| alt.get("items"))
    }
}

/// Every field we send exists in theirs with a compatible JSON type (labdesk's extensions
/// aside), and every field they require is one we always send; nested objects likewise.
pub(super) fn compare(
    ours: &Side,
    o: &Value,
    theirs: &Side,
    t: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    let (ot, tt) = (ours.types(o), theirs.types(t));
    let fits = |ty: &String| {
        tt.contains(ty) || tt.contains("any") || (ty == "integer" && tt.contains("number"))
    };
    if !ot.iter().all(fits) {
        problems.push(format!("{at}: ours is {ot:?}, Junction's {tt:?}"));
        return;
    }
    if at.matches('.').count() > 6 {
        return;
    }
    let ((of, oreq), (tf, treq)) = (ours.fields(o), theirs.fields(t));
    if !of.is_empty() && !tf.is_empty() {
        for (name, schema) in &of {
            let here = format!("{at}.{name}");
            if schema.get("x-labdesk-extension") == Some(&Value::Bool(true)) {
                continue;
            }
            match tf.get(name) {
                Some(their) => compare(ours, schema, theirs, their, &here, problems),
                None => problems.push(format!("{here}: Junction's has no such field")),
            }
        }
        for name in treq.difference(&oreq) {
            problems.push(format!("{at}.{name}: Junction requires it, ours does not"));
        }
    }
    if let (Some(oi), Some(ti)) = (ours.items(o), theirs.items(t)) {
        compare(ours, oi, theirs, ti, &format!("{at}[]"), problems);
    }
}
