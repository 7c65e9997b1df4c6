//! The wizard's field errors in plain words. The order validation is shared with the API, whose
//! wire messages ("Field required", "Input should be ...") are part of its contract; people
//! filling in the wizard get a sentence that names the field and says what to do instead.
use crate::domain::validation::FieldError;

/// What a field is called in a sentence, and whether it is chosen from a list or typed.
struct Field {
    name: &'static str,
    chosen: bool,
}

fn field(e: &FieldError) -> Option<Field> {
    let physician = e.loc.iter().any(|p| p == "physician");
    let last = e.loc.last().map(String::as_str).unwrap_or("");
    let (name, chosen) = match (physician, last) {
        (true, "first_name") => ("the ordering physician's first name", false),
        (true, "last_name") => ("the ordering physician's last name", false),
        (true, "npi") => ("the ordering physician's NPI", false),
        (false, "first_name") => ("the patient's first name", false),
        (false, "last_name") => ("the patient's last name", false),
        (false, "dob") => ("the patient's date of birth", false),
        (false, "gender") => ("the patient's sex as recorded by the lab", true),
        (false, "phone_number") => ("the patient's phone number", false),
        (false, "email") => ("the patient's email address", false),
        (false, "first_line") => ("the first line of the patient's address", false),
        (false, "city") => ("the patient's city", false),
        (false, "state") => ("the patient's state", true),
        (false, "zip") => ("the patient's ZIP code", false),
        (false, "access_notes") => ("the access notes", false),
        (false, "clinical_notes") => ("the clinical notes", false),
        (false, "billing_type") => ("a billing type", true),
        _ => return None,
    };
    Some(Field { name, chosen })
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with('.') {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// The sentence the wizard shows for one field error.
pub fn plain_error(e: &FieldError) -> String {
    let Some(f) = field(e) else {
        return sentence(&e.msg);
    };
    let verb = if f.chosen { "Choose" } else { "Enter" };
    match (e.kind, e.loc.last().map(String::as_str)) {
        ("missing" | "enum", _) => format!("{verb} {}.", f.name),
        ("date_from_datetime_parsing", _) => {
            format!(
                "{verb} {} as year-month-day, for example 1980-04-23.",
                f.name
            )
        }
        ("string_too_long", _) => {
            let max: String = e.msg.chars().filter(char::is_ascii_digit).collect();
            format!("{} can be at most {max} characters.", capitalized(f.name))
        }
        (_, Some("state")) => format!("{verb} {} from the list.", f.name),
        // The other rules' messages already say what to type ("Enter a ZIP code like 12345").
        _ => sentence(&e.msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(loc: &[&str], msg: &str, kind: &'static str) -> FieldError {
        FieldError {
            loc: loc.iter().map(|s| s.to_string()).collect(),
            msg: msg.to_string(),
            kind,
        }
    }

    #[test]
    fn validator_messages_become_sentences_that_name_the_field() {
        let d = |f| ["body", "patient_details", f];
        let a = |f| ["body", "patient_address", f];
        let p = |f| ["body", "physician", f];
        let cases = [
            (
                at(&d("first_name"), "Field required", "missing"),
                "Enter the patient's first name.",
            ),
            (
                at(&d("dob"), "Field required", "missing"),
                "Enter the patient's date of birth.",
            ),
            (
                at(
                    &d("dob"),
                    "Input should be a valid date in the format YYYY-MM-DD",
                    "date_from_datetime_parsing",
                ),
                "Enter the patient's date of birth as year-month-day, for example 1980-04-23.",
            ),
            (
                at(
                    &d("dob"),
                    "Date of birth cannot be in the future",
                    "value_error",
                ),
                "Date of birth cannot be in the future.",
            ),
            (
                at(
                    &d("gender"),
                    "Input should be 'female', 'male', 'other' or 'unknown'",
                    "enum",
                ),
                "Choose the patient's sex as recorded by the lab.",
            ),
            (
                at(&a("state"), "Field required", "missing"),
                "Choose the patient's state.",
            ),
            (
                at(&a("state"), "'ZZ' is not a US state code", "value_error"),
                "Choose the patient's state from the list.",
            ),
            (
                at(
                    &a("zip"),
                    "Enter a ZIP code like 12345 or 12345-6789",
                    "value_error",
                ),
                "Enter a ZIP code like 12345 or 12345-6789.",
            ),
            (
                at(&a("first_line"), "Field required", "missing"),
                "Enter the first line of the patient's address.",
            ),
            (
                at(
                    &a("access_notes"),
                    "String should have at most 500 characters",
                    "string_too_long",
                ),
                "The access notes can be at most 500 characters.",
            ),
            (
                at(&p("first_name"), "Field required", "missing"),
                "Enter the ordering physician's first name.",
            ),
            (
                at(&p("npi"), "Field required", "missing"),
                "Enter the ordering physician's NPI.",
            ),
            (
                at(
                    &["body", "billing_type"],
                    "Choose a billing type.",
                    "missing",
                ),
                "Choose a billing type.",
            ),
            (
                at(&["body", "mystery"], "Something odd", "value_error"),
                "Something odd.",
            ),
        ];
        for (error, want) in cases {
            assert_eq!(plain_error(&error), want, "for {:?}", error.loc);
        }
    }

    #[test]
    fn no_plain_sentence_repeats_the_validator_wording() {
        let d = |f| ["body", "patient_details", f];
        for f in ["first_name", "last_name", "dob", "phone_number", "email"] {
            let text = plain_error(&at(&d(f), "Field required", "missing"));
            assert!(!text.contains("Field required"), "{text}");
            assert!(text.starts_with("Enter the patient's"), "{text}");
        }
    }
}
