use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn jane() -> PatientInput {
    PatientInput {
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        dob: "1990-01-01".into(),
        gender: "female".into(),
        phone_number: "+15555550100".into(),
        email: "jane@example.com".into(),
        first_line: "1 Main St".into(),
        city: "Phoenix".into(),
        state: "az".into(),
        zip: "85001".into(),
        country: "".into(),
        ..PatientInput::default()
    }
}

#[test]
fn valid_patient_is_normalised() {
    let p = validate_patient(&jane(), today()).unwrap();
    assert_eq!(p.address.state, "AZ");
    assert_eq!(p.address.country, "US");
    assert_eq!(p.details.gender, Gender::Female);
}

#[test]
fn each_bad_patient_field_is_reported_at_its_location() {
    type Mutate = fn(&mut PatientInput);
    let table: &[(Mutate, &[&str])] = &[
        (
            |p| p.first_name = "".into(),
            &["body", "patient_details", "first_name"],
        ),
        (
            |p| p.last_name = "x".repeat(51),
            &["body", "patient_details", "last_name"],
        ),
        (
            |p| p.dob = "01/02/1990".into(),
            &["body", "patient_details", "dob"],
        ),
        (
            |p| p.dob = "2027-01-01".into(),
            &["body", "patient_details", "dob"],
        ),
        (
            |p| p.gender = "f".into(),
            &["body", "patient_details", "gender"],
        ),
        (
            |p| p.phone_number = "12".into(),
            &["body", "patient_details", "phone_number"],
        ),
        (
            |p| p.email = "jane".into(),
            &["body", "patient_details", "email"],
        ),
        (
            |p| p.first_line = " ".into(),
            &["body", "patient_address", "first_line"],
        ),
        (|p| p.city = "".into(), &["body", "patient_address", "city"]),
        (
            |p| p.state = "PR".into(),
            &["body", "patient_address", "state"],
        ),
        (
            |p| p.zip = "8500".into(),
            &["body", "patient_address", "zip"],
        ),
        (
            |p| p.zip = "85001-12".into(),
            &["body", "patient_address", "zip"],
        ),
        (
            |p| p.country = "CA".into(),
            &["body", "patient_address", "country"],
        ),
    ];
    for (mutate, loc) in table {
        let mut input = jane();
        mutate(&mut input);
        let errors = validate_patient(&input, today()).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{loc:?}: {errors:?}");
        assert_eq!(
            errors.0[0].loc,
            loc.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn zip_plus_four_is_accepted() {
    let mut input = jane();
    input.zip = "85001-1234".into();
    assert!(validate_patient(&input, today()).is_ok());
}

#[test]
fn physician_is_optional_but_complete_when_given() {
    let none = PhysicianInput::default();
    assert_eq!(validate_physician(&none), Ok(None));
    let good = PhysicianInput {
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        npi: "1234567893".into(),
    };
    assert!(validate_physician(&good).unwrap().is_some());
    let bad_npi = PhysicianInput {
        npi: "1234567890".into(),
        ..good.clone()
    };
    assert!(validate_physician(&bad_npi)
        .unwrap_err()
        .for_last("npi")
        .is_some());
    let partial = PhysicianInput {
        first_name: "Ann".into(),
        ..PhysicianInput::default()
    };
    let e = validate_physician(&partial).unwrap_err();
    assert!(e.for_last("last_name").is_some() && e.for_last("npi").is_some());
}

#[test]
fn default_clinical_notes_are_joined_with_a_newline() {
    let table = [
        (None, None, None),
        (Some("Fasting"), None, Some("Fasting")),
        (None, Some("Check iron"), Some("Check iron")),
        (
            Some("Fasting"),
            Some("Check iron"),
            Some("Fasting\nCheck iron"),
        ),
        (Some("  "), Some("Check iron"), Some("Check iron")),
    ];
    for (default, own, expected) in table {
        assert_eq!(join_clinical_notes(default, own).as_deref(), expected);
    }
}

#[test]
fn test_ids_keep_their_first_order_and_appear_once() {
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let table: [(&[&str], &[&str]); 4] = [
        (&[], &[]),
        (&["a"], &["a"]),
        (&["b", "a", "b", "c", "a"], &["b", "a", "c"]),
        (&["a", "a", "a"], &["a"]),
    ];
    for (given, expected) in table {
        assert_eq!(unique_test_ids(ids(given)), ids(expected), "{given:?}");
    }
}
