//! Step 1: the patient. Find one of the Team's patients by name, or type a new one's details (a
//! new patient is created once, with a generated client_user_id, and reused if typed again).
use super::draft::Ctx;
use super::{advance, value, Outcome, StepView};
use crate::db::patients::{self, PatientRow};
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::billing::US_STATES;
use crate::domain::ids::PatientId;
use crate::domain::order_input::{validate_patient, Gender, PatientAddress, PatientInput};
use crate::domain::validation::FieldErrors;
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::service::patients as patients_service;
use crate::web::pages::SelectOption;

const SEARCH_LIMIT: i64 = 20;

/// Each field's message, shown next to it.
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
}

impl From<&FieldErrors> for PatientErrors {
    fn from(e: &FieldErrors) -> Self {
        let get = |f: &str| e.for_last(f).map(str::to_string);
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
    pub form_error: Option<String>,
    pub gender_options: Vec<SelectOption>,
    pub state_options: Vec<SelectOption>,
}

fn gender_label(g: Gender) -> &'static str {
    match g {
        Gender::Female => "Female",
        Gender::Male => "Male",
        Gender::Other => "Other",
        Gender::Unknown => "Unknown",
    }
}

fn view(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: PatientInput,
    errors: Option<&FieldErrors>,
) -> Result<PatientView, AppError> {
    let query = ctx.state.patient_query.trim().to_string();
    let hits = if query.is_empty() {
        Vec::new()
    } else {
        patients::search(conn, &ctx.team.id, &query, SEARCH_LIMIT)?
            .into_iter()
            .map(|p| PatientHit {
                name: p.display_name(),
                dob: p.dob.map(|d| d.to_string()).unwrap_or_default(),
                client_user_id: p.client_user_id,
                id: p.id,
            })
            .collect()
    };
    let chosen = match &ctx.state.existing_patient_id {
        Some(id) => patients::find_in_team(conn, &ctx.team.id, id)?.map(|p| p.display_name()),
        None => None,
    };
    let gender = Some(input.gender.as_str());
    let state = input.state.trim().to_ascii_uppercase();
    Ok(PatientView {
        action: ctx.url(Step::Patient),
        searched: !query.is_empty(),
        query,
        hits,
        chosen,
        gender_options: Gender::ALL
            .iter()
            .map(|g| SelectOption::new(g.as_str(), gender_label(*g), gender))
            .collect(),
        state_options: US_STATES
            .iter()
            .map(|s| SelectOption::new(s, s, Some(state.as_str())))
            .collect(),
        errors: errors.map(PatientErrors::from).unwrap_or_default(),
        form_error: errors.map(|_| {
            "The patient was not saved: please correct the fields marked below.".to_string()
        }),
        input,
    })
}

pub fn show(conn: &mut DbConnection, ctx: Ctx) -> Result<Outcome, AppError> {
    let v = view(conn, &ctx, ctx.state.patient.clone(), None)?;
    Ok(Outcome::show(
        ctx,
        Step::Patient,
        StepView::Patient(Box::new(v)),
    ))
}

/// The details last known for a patient, to prefill the form.
fn details_of(p: &PatientRow) -> PatientInput {
    let address: Option<PatientAddress> = p
        .address
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok());
    let address = address.as_ref();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    PatientInput {
        first_name: text(&p.first_name),
        last_name: text(&p.last_name),
        dob: p.dob.map(|d| d.to_string()).unwrap_or_default(),
        gender: p.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
        phone_number: text(&p.phone_number),
        email: text(&p.email),
        first_line: address.map(|a| a.first_line.clone()).unwrap_or_default(),
        second_line: address
            .and_then(|a| a.second_line.clone())
            .unwrap_or_default(),
        city: address.map(|a| a.city.clone()).unwrap_or_default(),
        state: address.map(|a| a.state.clone()).unwrap_or_default(),
        zip: address.map(|a| a.zip.clone()).unwrap_or_default(),
        country: address.map(|a| a.country.clone()).unwrap_or_default(),
        receiver_name: address
            .and_then(|a| a.receiver_name.clone())
            .unwrap_or_default(),
        access_notes: address
            .and_then(|a| a.access_notes.clone())
            .unwrap_or_default(),
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

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// `action=search` (with `q`) looks patients up by name, `action=pick` (with `patient_id`)
/// chooses a found patient, `action=new` starts a new one, anything else saves the details.
pub fn save(
    conn: &mut DbConnection,
    mut ctx: Ctx,
    actor: &Actor,
    form: &[(String, String)],
) -> Result<Outcome, AppError> {
    match value(form, "action") {
        "search" => {
            ctx.state.patient_query = value(form, "q").trim().to_string();
            ctx.save(conn)?;
            Ok(Outcome::Redirect(ctx.url(Step::Patient)))
        }
        "pick" => {
            let picked = PatientId::from_text(value(form, "patient_id"));
            let patient =
                patients::find_in_team(conn, &ctx.team.id, &picked)?.ok_or(AppError::NotFound)?;
            let details = details_of(&patient);
            ctx.state.pick_patient(&patient.id, details.clone());
            // Complete details from an earlier order go straight on; others are completed here.
            if validate_patient(&details, today()).is_ok() {
                ctx.state.save_patient(details);
                return advance(conn, ctx, Step::Patient);
            }
            ctx.save(conn)?;
            Ok(Outcome::Redirect(ctx.url(Step::Patient)))
        }
        "new" => {
            ctx.state.start_new_patient();
            ctx.save(conn)?;
            Ok(Outcome::Redirect(ctx.url(Step::Patient)))
        }
        _ => {
            let input = typed(form);
            if let Err(errors) = validate_patient(&input, today()) {
                let v = view(conn, &ctx, input, Some(&errors))?;
                return Ok(Outcome::invalid(
                    ctx,
                    Step::Patient,
                    StepView::Patient(Box::new(v)),
                ));
            }
            if ctx.state.existing_patient_id.is_none() && ctx.state.created_patient_id.is_none() {
                let client_user_id = format!("wizard-{}", crate::db::new_id());
                let created = patients_service::create(
                    conn,
                    actor,
                    &ctx.org_id,
                    &ctx.team.id,
                    &client_user_id,
                )?;
                ctx.state.set_created_patient(&created.id);
            }
            ctx.state.save_patient(input);
            advance(conn, ctx, Step::Patient)
        }
    }
}
