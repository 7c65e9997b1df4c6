//! Why a change to a lab account was refused. The dashboard answers each refusal in its own way
//! (the form again with the fields marked, or with the current values after a stale edit); the
//! API turns it into the `AppError` it has always been, with the same code and words.
use crate::domain::lab_account::LinkRefusal;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The account (or Team) is missing, or not one the person may see: the same answer for both.
    #[error("Not Found")]
    NotFound,
    /// The configuration or the status move does not pass validation; each field says why.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Someone changed the account after the form was read (`message` says what to do).
    #[error("{message}")]
    Stale { message: &'static str },
    #[error("{}", .0.message())]
    LinkRefused(LinkRefusal),
    /// The Org Management API may not change the links of a platform-managed account.
    #[error("This is a platform-managed lab account; its Teams are linked by labdesk staff.")]
    PlatformManaged,
    /// An allowlist names Teams of another org (`message` lists them).
    #[error("{message}")]
    TeamsOfAnotherOrg { message: String },
    /// The person may not do this, or the database failed.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl From<diesel::result::Error> for AccountError {
    fn from(e: diesel::result::Error) -> AccountError {
        AccountError::Other(e.into())
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> AppError {
        let code = match e {
            AccountError::Other(inner) => return inner,
            AccountError::NotFound => return AppError::NotFound,
            AccountError::Invalid(errors) => return AppError::invalid(errors),
            AccountError::Stale { .. } => "stale_edit",
            AccountError::LinkRefused(ref r) => r.code(),
            AccountError::PlatformManaged => "platform_managed_account",
            AccountError::TeamsOfAnotherOrg { .. } => "team_of_another_org",
        };
        AppError::rule(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each refusal keeps the code and the words it had as an `AppError::Rule`.
    #[test]
    fn refusals_become_the_rules_they_always_were() {
        let table: [(AccountError, &str, &str); 4] = [
            (
                AccountError::Stale { message: "Reload." },
                "stale_edit",
                "Reload.",
            ),
            (
                AccountError::LinkRefused(LinkRefusal::TeamOfAnotherOrg),
                "team_of_another_org",
                "An organization's lab account can only be linked to Teams of that organization.",
            ),
            (
                AccountError::PlatformManaged,
                "platform_managed_account",
                "This is a platform-managed lab account; its Teams are linked by labdesk staff.",
            ),
            (
                AccountError::TeamsOfAnotherOrg {
                    message: "Team x is not a Team of this organization. Nothing was changed."
                        .into(),
                },
                "team_of_another_org",
                "Team x is not a Team of this organization. Nothing was changed.",
            ),
        ];
        for (error, code, message) in table {
            match AppError::from(error) {
                AppError::Rule {
                    code: c,
                    message: m,
                } => {
                    assert_eq!((c, m.as_str()), (code, message));
                }
                other => panic!("{other:?} is not the rule {code}"),
            }
        }
    }

    #[test]
    fn a_missing_account_and_invalid_input_stay_what_they_were() {
        assert!(matches!(
            AppError::from(AccountError::NotFound),
            AppError::NotFound
        ));
        let mut errors = FieldErrors::default();
        errors.push("reason", "A reason is required.", "missing");
        match AppError::from(AccountError::Invalid(errors)) {
            AppError::Invalid(list) => assert_eq!(list[0].field(), "reason"),
            other => panic!("{other:?} is not invalid input"),
        }
    }
}
