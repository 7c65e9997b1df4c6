//! The edges of the rules: each limit exactly at and one past its boundary, and each condition
//! with one side true and the other false, so that moving a boundary or swapping an `&&` for an
//! `||` fails a test (these rows were added for the mutants `cargo mutants` found surviving).
use chrono::{Duration, NaiveDate};

use super::access::{decide, Action, Decision, Principal, Role};
use super::account_config::{validate_config, AccountConfigInput};
use super::ids::{OrgId, TeamId, UserId};
use super::lab_account::check_status_move;
use super::lab_account::AccountStatus;
use super::order_input::{validate_patient, PatientInput};
use super::result_values::{flag_marker, interpret, parse_range, Interpretation};
use super::session::{liveness, prune_before, Liveness, SessionFacts};

fn text(n: usize) -> String {
    "a".repeat(n)
}

fn config(edit: impl FnOnce(&mut AccountConfigInput)) -> Result<(), Vec<String>> {
    let mut input = AccountConfigInput {
        lab: "quest".into(),
        provider_account_id: "97500001".into(),
        account_name: "Quest West".into(),
        delegated_flow: "not_delegated".into(),
        allowed_billing: [("client_bill".to_string(), vec!["AZ".to_string()])]
            .into_iter()
            .collect(),
        business_units: String::new(),
        default_clinical_notes: String::new(),
    };
    edit(&mut input);
    validate_config(&input)
        .map(drop)
        .map_err(|e| e.0.iter().map(|f| f.field().to_string()).collect())
}

/// A field of the account form, how to fill it with n characters, and its limit.
type Limit = (
    &'static str,
    Box<dyn Fn(&mut AccountConfigInput, usize)>,
    usize,
);

#[test]
fn account_configuration_limits_accept_the_maximum_and_refuse_one_more() {
    let table: Vec<Limit> = vec![
        (
            "provider_account_id",
            Box::new(|i, n| i.provider_account_id = text(n)),
            64,
        ),
        (
            "account_name",
            Box::new(|i, n| i.account_name = text(n)),
            120,
        ),
        (
            "business_units",
            Box::new(|i, n| i.business_units = format!("north, {}", text(n))),
            80,
        ),
        (
            "default_clinical_notes",
            Box::new(|i, n| i.default_clinical_notes = text(n)),
            1000,
        ),
    ];
    for (field, set, max) in table {
        assert_eq!(config(|i| set(i, max)), Ok(()), "{field} at {max}");
        assert_eq!(
            config(|i| set(i, max + 1)),
            Err(vec![field.to_string()]),
            "{field} at {}",
            max + 1
        );
    }
}

#[test]
fn a_status_reason_may_have_500_characters_and_not_501() {
    let mv =
        |n: usize| check_status_move(AccountStatus::Active, AccountStatus::Suspended, &text(n));
    assert!(mv(500).is_ok());
    assert!(mv(501).is_err());
}

fn csm() -> Principal {
    Principal {
        user_id: UserId::from_text("u"),
        email: "csm@example.com".into(),
        name: "C".into(),
        role: Role::Csm,
        org_id: None,
        team_ids: vec![],
        csm_org_ids: vec![OrgId::from_text("o1")],
    }
}

#[test]
fn a_csm_sees_their_orgs_accounts_and_platform_accounts_but_no_other_orgs() {
    let none: Vec<TeamId> = vec![];
    let (o1, o2) = (OrgId::from_text("o1"), OrgId::from_text("o2"));
    let table = [
        ("own org's account", Some(&o1), Decision::Allow),
        ("platform account", None, Decision::Allow),
        ("another org's account", Some(&o2), Decision::NotFound),
    ];
    for (name, owner_org, expected) in table {
        let action = Action::ViewAccount {
            owner_org,
            viewing_org: &o1,
            linked_teams: &none,
        };
        assert_eq!(decide(&csm(), action), expected, "{name}");
    }
}

fn patient() -> PatientInput {
    PatientInput {
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        dob: "1990-01-01".into(),
        gender: "female".into(),
        phone_number: "+15555550100".into(),
        email: "jane@example.com".into(),
        first_line: "1 Main St".into(),
        second_line: String::new(),
        city: "Phoenix".into(),
        state: "AZ".into(),
        zip: "85001".into(),
        country: "US".into(),
        receiver_name: String::new(),
        access_notes: String::new(),
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}

/// The error locations and types of a patient form, or Ok.
fn check(edit: impl FnOnce(&mut PatientInput)) -> Result<(), Vec<(String, String)>> {
    let mut input = patient();
    edit(&mut input);
    validate_patient(&input, today()).map(drop).map_err(|e| {
        e.0.iter()
            .map(|f| {
                (
                    f.loc.last().cloned().unwrap_or_default(),
                    f.kind.to_string(),
                )
            })
            .collect()
    })
}

fn refused(field: &str, kind: &str) -> Result<(), Vec<(String, String)>> {
    Err(vec![(field.to_string(), kind.to_string())])
}

#[test]
fn patient_field_limits_accept_the_maximum_and_refuse_one_more() {
    assert_eq!(check(|p| p.first_name = text(50)), Ok(()));
    assert_eq!(
        check(|p| p.first_name = text(51)),
        refused("first_name", "string_too_long")
    );
    assert_eq!(check(|p| p.access_notes = text(500)), Ok(()));
    assert_eq!(
        check(|p| p.access_notes = text(501)),
        refused("access_notes", "string_too_long")
    );
}

#[test]
fn dates_of_birth_from_1900_to_today_are_accepted() {
    let table = [
        ("1900-01-01", Ok(())),
        ("1899-12-31", refused("dob", "value_error")),
        ("2026-12-01", Ok(())),
        ("2026-12-02", refused("dob", "value_error")),
        ("", refused("dob", "missing")),
        ("  ", refused("dob", "missing")),
        ("01/02/1990", refused("dob", "date_from_datetime_parsing")),
    ];
    for (dob, expected) in table {
        assert_eq!(check(|p| p.dob = dob.into()), expected, "{dob:?}");
    }
}

#[test]
fn zip_codes_are_five_digits_or_five_a_hyphen_and_four() {
    let table = [
        ("85001", true),
        ("85001-1234", true),
        ("8500a", false),
        ("8500a-1234", false),
        ("85001x1234", false),
        ("85001-12a4", false),
        ("850011234", false),
    ];
    for (zip, ok) in table {
        let got = check(|p| p.zip = zip.into());
        assert_eq!(got.is_ok(), ok, "{zip}: {got:?}");
    }
}

#[test]
fn an_email_needs_an_at_sign_and_a_dot_in_its_domain() {
    for (email, ok) in [
        ("jane@example.com", true),
        ("jane@example", false),
        ("jane.example.com", false),
    ] {
        assert_eq!(check(|p| p.email = email.into()).is_ok(), ok, "{email}");
    }
}

#[test]
fn a_missing_state_is_required_and_an_unknown_one_is_invalid() {
    assert_eq!(check(|p| p.state = " ".into()), refused("state", "missing"));
    assert_eq!(
        check(|p| p.state = "ZZ".into()),
        refused("state", "value_error")
    );
}

#[test]
fn optional_address_fields_are_trimmed_and_blank_means_none() {
    let mut input = patient();
    input.access_notes = "  gate code 1234 ".into();
    input.receiver_name = "   ".into();
    let p = validate_patient(&input, today()).expect("valid");
    assert_eq!(p.address.access_notes.as_deref(), Some("gate code 1234"));
    assert_eq!(p.address.receiver_name, None);
    assert_eq!(
        p.address.us_state().map(|s| s.as_str()),
        Some("AZ"),
        "the address knows its state"
    );
}

#[test]
fn a_range_needs_a_number_on_both_sides_of_its_separator() {
    let table = [
        ("70-99", (Some(70.0), Some(99.0))),
        ("abc-99", (None, None)),
        ("70-abc", (None, None)),
        ("<5", (None, Some(5.0))),
    ];
    for (range, expected) in table {
        assert_eq!(parse_range(range), expected, "{range}");
    }
}

#[test]
fn a_value_on_the_edge_of_its_range_is_normal() {
    let none: Vec<String> = vec![];
    let (min, max) = (Some(70.0), Some(99.0));
    let table = [
        (69.9, Interpretation::Abnormal),
        (70.0, Interpretation::Normal),
        (99.0, Interpretation::Normal),
        (99.1, Interpretation::Abnormal),
    ];
    for (value, expected) in table {
        assert_eq!(interpret(&none, Some(value), min, max), expected, "{value}");
    }
}

#[test]
fn the_marker_says_h_or_l_only_for_a_value_past_its_range() {
    let none: Vec<String> = vec![];
    let (min, max) = (Some(70.0), Some(99.0));
    let marker = |v: f64| flag_marker(&none, Interpretation::Abnormal, Some(v), min, max);
    assert_eq!(marker(99.5).as_deref(), Some("H"));
    assert_eq!(marker(60.0).as_deref(), Some("L"));
    // Abnormal for another reason (e.g. a coded flag elsewhere), but on the edge of the range.
    assert_eq!(marker(99.0).as_deref(), Some("abnormal"));
    assert_eq!(marker(70.0).as_deref(), Some("abnormal"));
}

#[test]
fn a_session_ends_after_more_than_30_idle_minutes_or_12_hours() {
    let start = NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("a time");
    let facts = |created_min: i64, seen_min: i64| SessionFacts {
        created_at: start + Duration::minutes(created_min),
        last_seen_at: start + Duration::minutes(seen_min),
        revoked: false,
        user_disabled: false,
    };
    let at = |min: i64| start + Duration::minutes(min);
    let live = |l: Liveness| matches!(l, Liveness::Live { .. });
    assert!(
        live(liveness(&facts(0, 0), at(30))),
        "exactly 30 idle minutes"
    );
    assert!(!live(liveness(&facts(0, 0), at(31))));
    assert!(live(liveness(&facts(0, 710), at(720))), "exactly 12 hours");
    assert!(!live(liveness(&facts(0, 711), at(721))));
    // What may be deleted: sessions idle longer than that, or older than that.
    assert_eq!(prune_before(at(720)), (at(690), at(0)));
}

#[test]
fn five_failures_exactly_fifteen_minutes_apart_still_lock() {
    use super::lockout::{locked_until, MAX_FAILURES, WINDOW_MINUTES};
    let start = today().and_hms_opt(8, 0, 0).expect("a time");
    // Newest first; the oldest of the five exactly WINDOW_MINUTES before the newest.
    let spread = |minutes: i64| -> Vec<(bool, chrono::NaiveDateTime)> {
        (0..MAX_FAILURES as i64)
            .rev()
            .map(|i| {
                (
                    false,
                    start + Duration::minutes(minutes * i / (MAX_FAILURES as i64 - 1)),
                )
            })
            .collect()
    };
    let now = start + Duration::minutes(WINDOW_MINUTES);
    assert!(locked_until(&spread(WINDOW_MINUTES), now).is_some());
    assert!(locked_until(&spread(WINDOW_MINUTES + 1), now).is_none());
}

#[test]
fn the_same_number_written_differently_is_no_change() {
    use super::result_diff::{diff, Reported};
    let marker = |value: &'static str| Reported {
        slug: "glucose",
        name: "Glucose",
        value,
        unit: Some("mg/dL"),
        interpretation: "normal",
    };
    assert!(diff(&[marker("95")], &[marker("95.0")]).is_empty());
    assert_eq!(diff(&[marker("95")], &[marker("96")]).len(), 1);
    assert!(diff(&[marker("neg")], &[marker(" neg ")]).is_empty());
    assert_eq!(diff(&[marker("neg")], &[marker("pos")]).len(), 1);
}

#[test]
fn wizard_clinical_notes_may_have_1000_characters_and_not_1001() {
    use super::billing::BillingType;
    use super::wizard::{validate_billing, BillingInput};
    let input = |n: usize| BillingInput {
        billing_type: "client_bill".into(),
        clinical_notes: text(n),
        ..BillingInput::default()
    };
    let options = [BillingType::ClientBill];
    assert!(validate_billing(&input(1000), &options, false).is_ok());
    assert!(validate_billing(&input(1001), &options, false).is_err());
}
