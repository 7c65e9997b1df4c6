//! What the reference page shows: plain structs for the template.
use serde_json::Value;

pub use super::types::TypeText;

/// A description, with `code` spans apart from the words around them.
pub struct Text(pub Vec<Span>);

pub struct Span {
    pub code: bool,
    pub text: String,
}

impl Text {
    pub(super) fn of(value: Option<&Value>) -> Text {
        let text = value.and_then(Value::as_str).unwrap_or("");
        let spans = text
            .replace('\n', " ")
            .split('`')
            .enumerate()
            .filter(|(_, part)| !part.is_empty())
            .map(|(i, part)| Span {
                code: i % 2 == 1,
                text: part.to_string(),
            })
            .collect();
        Text(spans)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub struct Reference {
    pub title: String,
    pub version: String,
    pub description: Text,
    pub keys: Vec<Key>,
    pub tags: Vec<Tag>,
    pub schemas: Vec<SchemaSection>,
}

/// A way to authenticate: a header and what its key is for.
pub struct Key {
    pub scheme: String,
    pub header: String,
    pub description: Text,
}

pub struct Tag {
    pub name: String,
    pub anchor: String,
    pub description: Text,
    pub operations: Vec<Operation>,
}

pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: Text,
    pub extension: bool,
    /// The headers that carry the key.
    pub auth: Vec<String>,
    pub parameters: Vec<Field>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
}

/// A parameter, or a field of a body or schema.
pub struct Field {
    pub name: String,
    /// For a parameter: path, query or header.
    pub place: String,
    pub kind: TypeText,
    pub required: bool,
    pub description: Text,
    pub extension: bool,
}

pub struct Body {
    pub media: Vec<Media>,
}

/// A body in one content type: its schema, and the schema's fields when it names one.
pub struct Media {
    pub content_type: String,
    pub kind: TypeText,
}

pub struct Response {
    pub status: String,
    pub description: Text,
    pub media: Vec<Media>,
}

pub struct SchemaSection {
    pub name: String,
    pub anchor: String,
    pub description: Text,
    pub kind: TypeText,
    pub extension: bool,
    pub fields: Vec<Field>,
}
