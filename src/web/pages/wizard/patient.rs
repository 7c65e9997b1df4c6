//! Step 1: the patient. Find one of the Team's patients by name, or type a new one's details (a
//! new patient is created once, with a generated client_user_id, and reused if typed again).
use super::{step_url, value};
use crate::domain::billing::US_STATES;
use crate::domain::ids::PatientId;
use crate::domain::order_input::{Gender, PatientInput};
use crate::domain::validation::FieldErrors;
use crate::domain::wizard::words::plain_error;
use crate::domain::wizard::Step;
use crate::service::drafts::{Draft, PatientAction, PatientStep, StepInput};
use crate::web::pages::SelectOption;

/// Each field's message in plain words, shown next to it, and the same messages listed on top.
#[derive(Default)]
pub struct PatientErrors {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub dob: Option<String>,
    pub gender: Option<String>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    pub first_line: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub access_notes: Option<String>,
    /// (id of the input, message), in the form's order: the summary links to each field.
    pub summary: Vec<(&'static str, String)>,
}

/// The form's fields in the order they appear; the country has no input of its own, so its
/// message points at the address.
const FORM_ORDER: [(&str, &str); 12] = [
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("dob", "dob"),
    ("gender", "gender"),
    ("phone_number", "phone_number"),
    ("email", "email"),
    ("first_line", "first_line"),
    ("city", "city"),
    ("state", "state"),
    ("zip", "zip"),
    ("country", "first_line"),
    ("access_notes", "access_notes"),
];

impl From<&FieldErrors> for PatientErrors {
    fn from(e: &FieldErrors) -> Self {
        let get = |f: &str| {
            e.0.iter()
                .find(|x| x.loc.last().map(String::as_str) == Some(f))
                .map(plain_error)
        };
        let summary = FORM_ORDER
            .iter()
            .filter_map(|(field, input)| get(field).map(|m| (*input, m)))
            .collect();
        PatientErrors {
            first_name: get("first_name"),
            last_name: get("last_name"),
            dob: get("dob"),
            gender: get("gender"),
            phone_number: get("phone_number"),
            email: get("email"),
            first_line: get("first_line"),
            city: get("city"),
            state: get("state"),
            zip: get("zip"),
            country: get("country"),
            access_notes: get("access_notes"),
            summary,
        }
    }
}

pub struct PatientHit {
    pub id: PatientId,
    pub name: String,
    pub dob: String,
    pub client_user_id: String,
}

pub struct PatientView {
    pub action: String,
    pub query: String,
    pub searched: bool,
    pub hits: Vec<PatientHit>,
    /// The name of the existing patient picked, if any.
    pub chosen: Option<String>,
    pub input: PatientInput,
    pub errors: PatientErrors,
    pub gender_options: Vec<SelectOption>,
    pub state_options: Vec<SelectOption>,
}

pub fn gender_label(g: Gender) -> &'static str {
    match g {
        Gender::Female => "Female",
        Gender::Male => "Male",
        Gender::Other => "Other",
        Gender::Unknown => "Unknown",
    }
}

pub fn view(draft: &Draft, d: PatientStep) -> PatientView {
    let gender = Some(d.input.gender.as_str());
    let state = d.input.state.trim().to_ascii_uppercase();
    PatientView {
        action: step_url(draft, Step::Patient),
        searched: !d.query.is_empty(),
        query: d.query,
        hits: d
            .hits
            .into_iter()
            .map(|p| PatientHit {
                name: p.display_name(),
                dob: p.dob.map(|d| d.to_string()).unwrap_or_default(),
                client_user_id: p.client_user_id,
                id: p.id,
            })
            .collect(),
        chosen: d.chosen.map(|p| p.display_name()),
        gender_options: Gender::ALL
            .iter()
            .map(|g| SelectOption::new(g.as_str(), gender_label(*g), gender))
            .collect(),
        state_options: US_STATES
            .iter()
            .map(|s| SelectOption::new(s, s, Some(state.as_str())))
            .collect(),
        errors: d
            .errors
            .as_ref()
            .map(PatientErrors::from)
            .unwrap_or_default(),
        input: d.input,
    }
}

fn typed(form: &[(String, String)]) -> PatientInput {
    let f = |name: &str| value(form, name).to_string();
    PatientInput {
        first_name: f("first_name"),
        last_name: f("last_name"),
        dob: f("dob"),
        gender: f("gender"),
        phone_number: f("phone_number"),
        email: f("email"),
        first_line: f("first_line"),
        second_line: f("second_line"),
        city: f("city"),
        state: f("state"),
        zip: f("zip"),
        country: f("country"),
        receiver_name: f("receiver_name"),
        access_notes: f("access_notes"),
    }
}

/// `action=search` (with `q`) looks patients up by name, `action=pick` (with `patient_id`)
/// chooses a found patient, `action=new` starts a new one, anything else saves the details.
pub fn read(form: &[(String, String)]) -> StepInput {
    StepInput::Patient(match value(form, "action") {
        "search" => PatientAction::Search(value(form, "q").to_string()),
        "pick" => PatientAction::Pick(PatientId::from_text(value(form, "patient_id"))),
        "new" => PatientAction::New,
        _ => PatientAction::Save(Box::new(typed(form))),
    })
}
