//! Field-level validation errors, shared by the dashboard forms (shown next to the field) and the
//! API (Junction's 422 `detail` list).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, e.g. `["body", "allowed_billing", "client_bill"]`; the last part is the form field.
    pub loc: Vec<String>,
    pub msg: String,
    pub kind: &'static str,
}

impl FieldError {
    pub fn new(field: &str, msg: impl Into<String>, kind: &'static str) -> Self {
        FieldError {
            loc: vec!["body".to_string(), field.to_string()],
            msg: msg.into(),
            kind,
        }
    }

    pub fn field(&self) -> &str {
        self.loc.get(1).map(String::as_str).unwrap_or("")
    }
}

/// Collects every problem of one input so the user sees them all at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, msg: impl Into<String>, kind: &'static str) {
        self.0.push(FieldError::new(field, msg, kind));
    }

    /// An error at a nested location, e.g. `["body", "patient_address", "zip"]`.
    pub fn push_at(&mut self, loc: &[&str], msg: impl Into<String>, kind: &'static str) {
        self.0.push(FieldError {
            loc: loc.iter().map(|s| s.to_string()).collect(),
            msg: msg.into(),
            kind,
        });
    }

    /// The message for a field named by the last part of its location (form field names).
    pub fn for_last(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.loc.last().map(String::as_str) == Some(field))
            .map(|e| e.msg.as_str())
    }

    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field() == field)
            .map(|e| e.msg.as_str())
    }

    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}
