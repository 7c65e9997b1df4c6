//! The one error type. Handlers return it; `web::errors` renders it as a page, an htmx fragment or
//! Junction-shaped API JSON depending on the request.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::domain::validation::{FieldError, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, or belonging to another org or team: the same answer for both.
    #[error("Not Found")]
    NotFound,
    /// No session (pages redirect to the login page) or no valid API key.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in, but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("The form was stale or did not come from labdesk (missing or wrong CSRF token). Reload the page and try again.")]
    Csrf,
    /// Input that does not have the right shape (API: 422 with a detail list).
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A business rule refused the request (API: 400).
    #[error("{message}")]
    Rule { code: &'static str, message: String },
    #[error("Too many failed sign-ins for this email. Try again after {retry_at} UTC.")]
    LockedOut {
        retry_at: String,
        retry_after_secs: i64,
    },
    #[error("{0}")]
    Config(String),
    #[error("database error while {context}: {}", with_causes(source))]
    Db {
        context: &'static str,
        #[source]
        source: diesel::result::Error,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// The database cannot be reached or does not take writes: a 503 worth retrying later. The
    /// driver's message goes to the log only.
    #[error("database unavailable ({outage:?}) while {context}: {detail}")]
    Unavailable {
        outage: Outage,
        context: &'static str,
        detail: String,
    },
}

/// An error and the errors it wraps, each said once: diesel's "Error deserializing field 'x'"
/// carries the reason (e.g. a stored word a type does not know) only as its source.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let said = cause.to_string();
        if !text.ends_with(&said) {
            text = format!("{text}: {said}");
        }
        next = cause.source();
    }
    text
}

/// Why the database cannot serve a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// Stopped, unreachable, or no connection came free in time.
    Unreachable,
    /// Reachable, but it refuses changes: out of space, or read-only.
    WritesRefused,
    /// A statement ran past the statement timeout (`db::STATEMENT_TIMEOUT`) and was cancelled,
    /// so one slow read cannot hold a connection for long.
    TooSlow,
}

/// Recognizes the driver messages of an outage. diesel reports most of them as `Unknown`, so
/// the message is all there is; the texts are SQLite's and PostgreSQL's own.
fn outage_in(message: &str) -> Option<Outage> {
    const UNREACHABLE: [&str; 6] = [
        "server closed the connection",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
        "terminating connection due to administrator command",
        "the database system is shutting down",
    ];
    const WRITES_REFUSED: [&str; 5] = [
        "database or disk is full",
        "attempt to write a readonly database",
        "read-only transaction",
        "could not extend file",
        "No space left on device",
    ];
    if message.contains("canceling statement due to statement timeout") {
        Some(Outage::TooSlow)
    } else if UNREACHABLE.iter().any(|m| message.contains(m)) {
        Some(Outage::Unreachable)
    } else if WRITES_REFUSED.iter().any(|m| message.contains(m)) {
        Some(Outage::WritesRefused)
    } else {
        None
    }
}

impl AppError {
    pub fn db(context: &'static str, source: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind, Error};
        let outage = match &source {
            Error::NotFound => return AppError::NotFound,
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Some(Outage::Unreachable),
            Error::DatabaseError(_, info) => outage_in(info.message()),
            // Transaction-manager errors (a failed commit and rollback) carry the driver's text.
            other => outage_in(&other.to_string()),
        };
        match outage {
            Some(outage) => AppError::Unavailable {
                outage,
                context,
                detail: source.to_string(),
            },
            None => AppError::Db { context, source },
        }
    }

    pub fn rule(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Rule {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(errors: FieldErrors) -> AppError {
        AppError::Invalid(errors.0)
    }

    /// A message safe to show to anyone: internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Db { .. } | AppError::Internal(_) | AppError::Config(_) => {
                "Something went wrong on our side. The error was logged; please try again.".into()
            }
            AppError::Unavailable {
                outage: Outage::Unreachable,
                ..
            } => "The database cannot be reached right now, so this could not be done. \
                  Please try again in a minute."
                .into(),
            AppError::Unavailable {
                outage: Outage::WritesRefused,
                ..
            } => "The database is not accepting changes right now (it is full or read-only), \
                  so nothing was saved. Please try again later."
                .into(),
            AppError::Unavailable {
                outage: Outage::TooSlow,
                ..
            } => "The database took too long to answer, so this was stopped. \
                  Please try again in a minute, or narrow the request."
                .into(),
            AppError::Invalid(errors) => errors
                .iter()
                .map(|e| e.msg.clone())
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::db("running a query", e)
    }
}

/// The pool gave no connection within its checkout timeout: the database is down, or every
/// connection is busy. Either way the request is answered quickly instead of hanging.
impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable {
            outage: Outage::Unreachable,
            context: "waiting for a database connection",
            detail: e.to_string(),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Rule { .. } => StatusCode::BAD_REQUEST,
            AppError::LockedOut { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Config(_) | AppError::Db { .. } | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A plain body; `web::errors::render_errors` replaces it with the right format for the request.
    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        HttpResponse::build(self.status_code())
            .content_type("text/plain; charset=utf-8")
            .body(self.public_message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn driver(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_string()))
    }

    #[test]
    fn outages_are_503s_and_other_database_errors_stay_500s() {
        use DatabaseErrorKind::{ClosedConnection, UniqueViolation, Unknown};
        let table: [(Error, Option<Outage>); 8] = [
            (
                driver(Unknown, "canceling statement due to statement timeout"),
                Some(Outage::TooSlow),
            ),
            (driver(ClosedConnection, "gone"), Some(Outage::Unreachable)),
            (
                driver(Unknown, "server closed the connection unexpectedly"),
                Some(Outage::Unreachable),
            ),
            (
                driver(Unknown, "database or disk is full"),
                Some(Outage::WritesRefused),
            ),
            (
                driver(Unknown, "attempt to write a readonly database"),
                Some(Outage::WritesRefused),
            ),
            (
                driver(Unknown, "cannot execute INSERT in a read-only transaction"),
                Some(Outage::WritesRefused),
            ),
            (driver(UniqueViolation, "duplicate key"), None),
            (driver(Unknown, "no such table: orders"), None),
        ];
        for (source, expected) in table {
            let shown = source.to_string();
            let err = AppError::db("testing", source);
            let outage = match &err {
                AppError::Unavailable { outage, .. } => Some(*outage),
                _ => None,
            };
            assert_eq!(outage, expected, "{shown}");
            let status = if expected.is_some() { 503 } else { 500 };
            assert_eq!(err.status_code().as_u16(), status, "{shown}");
            assert!(!err.public_message().contains(&shown), "{shown} leaks");
        }
        assert!(matches!(
            AppError::db("testing", Error::NotFound),
            AppError::NotFound
        ));
    }
}
