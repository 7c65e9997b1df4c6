//! What a sign-in email and a password may look like. Limits are checked before anything is
//! stored or hashed, so an anonymous visitor cannot make the server store or hash megabytes.

/// The longest address SMTP can deliver to (RFC 5321 path limit minus the brackets).
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer passwords are refused before hashing: Argon2 cost grows with the input.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Whether a typed email can name an account at all (checked before it is looked up or stored).
pub fn email_fits(email: &str) -> bool {
    email.chars().count() <= MAX_EMAIL_CHARS
}

/// Whether a password typed at sign-in is worth checking; longer ones can never match.
pub fn password_fits(password: &str) -> bool {
    password.chars().count() <= MAX_PASSWORD_CHARS
}

/// Why a new password is not acceptable, if it is not.
pub fn new_password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Some(format!(
            "the password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Some(format!(
            "the password may have at most {MAX_PASSWORD_CHARS} characters"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_and_password_limits() {
        let table: [(&str, String, bool); 4] = [
            ("254 characters fit", "a".repeat(254), true),
            ("255 do not", "a".repeat(255), false),
            ("counted in characters", "é".repeat(254), true),
            (
                "empty fits (the lookup just finds nobody)",
                String::new(),
                true,
            ),
        ];
        for (name, email, fits) in table {
            assert_eq!(email_fits(&email), fits, "{name}");
        }
        assert!(password_fits(&"p".repeat(1024)));
        assert!(!password_fits(&"p".repeat(1025)));
    }

    #[test]
    fn new_passwords_need_12_to_1024_characters() {
        let table = [
            (11, Some("at least 12")),
            (12, None),
            (1024, None),
            (1025, Some("at most 1024")),
        ];
        for (len, problem) in table {
            let got = new_password_problem(&"x".repeat(len));
            match (problem, got) {
                (None, None) => {}
                (Some(want), Some(got)) => assert!(got.contains(want), "{len}: {got}"),
                (want, got) => panic!("{len}: wanted {want:?}, got {got:?}"),
            }
        }
    }
}
