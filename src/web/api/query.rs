//! Parsing of query and path values into domain types, with Junction's 422 detail on failure.
use crate::domain::lab_account::AccountStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

fn invalid(loc: &str, field: &str, msg: String, kind: &'static str) -> AppError {
    let mut errors = FieldErrors::default();
    errors.push(field, msg, kind);
    if let Some(e) = errors.0.first_mut() {
        e.loc[0] = loc.to_string();
    }
    AppError::invalid(errors)
}

/// A query parameter that is well formed but names nothing usable.
pub fn invalid_value(field: &str, msg: &str) -> AppError {
    invalid("query", field, msg.to_string(), "value_error")
}

/// An id the wire format sends as a UUID, in any spelling Junction accepts; it becomes the id in
/// the canonical spelling labdesk stores.
pub fn uuid<T: From<uuid::Uuid>>(loc: &str, field: &str, value: &str) -> Result<T, AppError> {
    uuid::Uuid::parse_str(value.trim())
        .map(T::from)
        .map_err(|_| {
            invalid(
                loc,
                field,
                "Input should be a valid UUID".into(),
                "uuid_parsing",
            )
        })
}

pub fn optional_uuid<T: From<uuid::Uuid>>(
    field: &str,
    value: &Option<String>,
) -> Result<Option<T>, AppError> {
    value
        .as_deref()
        .map(|v| uuid("query", field, v))
        .transpose()
}

pub fn optional_status(value: &Option<String>) -> Result<Option<AccountStatus>, AppError> {
    value
        .as_deref()
        .map(|v| {
            v.parse::<AccountStatus>().map_err(|_| {
                invalid(
                    "query",
                    "status",
                    "Input should be 'active', 'pending', 'suspended' or 'ready_to_launch'".into(),
                    "enum",
                )
            })
        })
        .transpose()
}
