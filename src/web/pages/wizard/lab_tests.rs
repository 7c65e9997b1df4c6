//! Step 2: the tests. Active tests only, all from one lab and one collection method (checked by
//! `service::orders::check_tests`, the same check `POST /v3/order` runs).
use super::{step_url, values};
use crate::domain::ids::LabTestId;
use crate::domain::lab::{CollectionMethod, LabSlug, SampleType};
use crate::domain::wizard::Step;
use crate::service::drafts::{Draft, StepInput, TestsStep};

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
    /// Why some labs' tests are not listed, in plain words.
    pub unavailable: Vec<String>,
    /// Where the patient (and with it the state the accounts must serve) is changed.
    pub patient_url: String,
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

/// The tests grouped by lab, in the catalogue's order.
pub fn view(draft: &Draft, d: TestsStep) -> TestsView {
    let mut groups: Vec<(LabSlug, LabGroup)> = Vec::new();
    for t in d.tests {
        let choice = TestChoice {
            checked: d.checked.contains(&t.id),
            method: method_label(t.method),
            sample: t.sample_type,
            name: t.name,
            id: t.id,
        };
        match groups.iter_mut().find(|(slug, _)| *slug == t.lab_slug) {
            Some((_, g)) => g.tests.push(choice),
            None => groups.push((
                t.lab_slug,
                LabGroup {
                    name: t.lab_slug.display_name(),
                    tests: vec![choice],
                },
            )),
        }
    }
    TestsView {
        action: step_url(draft, Step::Tests),
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        unavailable: d.unavailable,
        patient_url: step_url(draft, Step::Patient),
        error: d.error,
        notice: draft.state.tests_notice.clone(),
    }
}

/// The checked tests (`test_id`, one per box).
pub fn read(form: &[(String, String)]) -> StepInput {
    StepInput::Tests(
        values(form, "test_id")
            .into_iter()
            .map(LabTestId::from_text)
            .collect(),
    )
}
