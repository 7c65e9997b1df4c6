//! Step 2: the tests. Active tests only, all from one lab and one collection method, checked by
//! `service::orders::check_tests` (the same check `POST /v3/order` runs).
use super::draft::Ctx;
use super::{advance, values, Outcome, StepView};
use crate::db::lab_tests;
use crate::db::DbConnection;
use crate::domain::ids::LabTestId;
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::service::orders;

pub struct TestChoice {
    pub id: LabTestId,
    pub name: String,
    pub method: &'static str,
    pub sample: SampleType,
    pub checked: bool,
}

pub struct LabGroup {
    pub name: &'static str,
    pub tests: Vec<TestChoice>,
}

pub struct TestsView {
    pub action: String,
    pub groups: Vec<LabGroup>,
    pub error: Option<String>,
    pub notice: Option<String>,
}

pub fn method_label(method: CollectionMethod) -> &'static str {
    match method {
        CollectionMethod::WalkInTest => "Walk-in at a patient service center",
        CollectionMethod::AtHomePhlebotomy => "At-home phlebotomy",
        CollectionMethod::Testkit => "Test kit",
        CollectionMethod::OnSiteCollection => "On-site collection",
    }
}

fn view(
    conn: &mut DbConnection,
    ctx: &Ctx,
    checked: &[LabTestId],
    error: Option<String>,
) -> Result<TestsView, AppError> {
    let mut groups: Vec<(LabSlug, LabGroup)> = Vec::new();
    for t in lab_tests::list_tests(conn, None)? {
        if t.status != LabTestStatus::Active {
            continue;
        }
        let choice = TestChoice {
            checked: checked.contains(&t.id),
            method: method_label(t.method),
            sample: t.sample_type,
            name: t.name.clone(),
            id: t.id.clone(),
        };
        match groups.iter_mut().find(|(slug, _)| *slug == t.lab_slug) {
            Some((_, g)) => g.tests.push(choice),
            None => {
                let name = t.lab_slug.display_name();
                groups.push((
                    t.lab_slug,
                    LabGroup {
                        name,
                        tests: vec![choice],
                    },
                ));
            }
        }
    }
    Ok(TestsView {
        action: ctx.url(Step::Tests),
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        error,
        notice: ctx.state.tests_notice.clone(),
    })
}

pub fn show(conn: &mut DbConnection, ctx: Ctx) -> Result<Outcome, AppError> {
    let v = view(conn, &ctx, &ctx.state.test_ids, None)?;
    Ok(Outcome::show(ctx, Step::Tests, StepView::Tests(v)))
}

/// Saves the checked tests (`test_id`, one per box).
pub fn save(
    conn: &mut DbConnection,
    mut ctx: Ctx,
    form: &[(String, String)],
) -> Result<Outcome, AppError> {
    let mut ids: Vec<LabTestId> = Vec::new();
    for id in values(form, "test_id") {
        if !ids.iter().any(|i| i.as_str() == id) {
            ids.push(LabTestId::from_text(id));
        }
    }
    let checked = if ids.is_empty() {
        Err("Choose at least one test.".to_string())
    } else {
        match orders::check_tests(conn, &ids, None) {
            Ok((lab, _, _)) => Ok(lab),
            Err(AppError::Rule { message, .. }) => Err(message),
            Err(AppError::Invalid(errors)) => Err(errors
                .iter()
                .map(|e| e.msg.clone())
                .collect::<Vec<_>>()
                .join(" ")),
            Err(e) => return Err(e),
        }
    };
    match checked {
        Ok(lab) => {
            ctx.state.set_tests(ids, lab);
            advance(conn, ctx, Step::Tests)
        }
        Err(message) => {
            let v = view(conn, &ctx, &ids, Some(message))?;
            Ok(Outcome::invalid(ctx, Step::Tests, StepView::Tests(v)))
        }
    }
}
