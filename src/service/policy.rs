//! The one place requests are authorized: turns the domain's decision into the HTTP answer.
use crate::domain::access::{decide, Action, Decision, Principal};
use crate::error::AppError;

pub fn authorize(p: &Principal, action: Action<'_>) -> Result<(), AppError> {
    match decide(p, action) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(AppError::NotFound),
        Decision::Forbidden => Err(AppError::Forbidden(format!(
            "Your role ({}) cannot do this. Ask an ops admin or your customer success manager.",
            p.role.label()
        ))),
    }
}

pub fn allowed(p: &Principal, action: Action<'_>) -> bool {
    decide(p, action) == Decision::Allow
}
