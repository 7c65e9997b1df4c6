//! Driving the order wizard over HTTP, for the wizard's integration and browser tests.
use labdesk::db::drafts::{self, DraftRow};
use labdesk::domain::ids::{DraftId, LabTestId, OrderId};
use labdesk::domain::wizard::{DraftState, Step};
use labdesk::web::urls;

use crate::support::data::test_id;
use crate::support::{Client, Resp, TestApp, CLINICIAN, PRIMARY_CARE};

/// A valid patient living in `state`, as the patient form posts it.
pub fn patient_fields(state: &str) -> Vec<(&'static str, String)> {
    let state = state.to_string();
    vec![
        ("first_name", "Ada".into()),
        ("last_name", "Lovelace".into()),
        ("dob", "1985-12-10".into()),
        ("gender", "female".into()),
        ("phone_number", "+1 415 555 0100".into()),
        ("email", "ada@example.com".into()),
        ("first_line", "1 Market St".into()),
        ("city", "Somewhere".into()),
        ("state", state),
        ("zip", "94105".into()),
    ]
}

/// One draft of the demo clinician (or another signed-in client) for a Team.
pub struct Wizard<'a> {
    pub app: &'a TestApp,
    pub c: Client,
    pub draft_id: DraftId,
}

impl<'a> Wizard<'a> {
    /// Signs in as the demo clinician and starts a Primary Care order.
    pub fn start(app: &'a TestApp) -> Wizard<'a> {
        Wizard::start_as(app, app.login(CLINICIAN), PRIMARY_CARE)
    }

    pub fn start_as(app: &'a TestApp, c: Client, team: &str) -> Wizard<'a> {
        let res = c.post_form(&new_order_url(app, team), &[]);
        let to = res.location();
        let draft_id = DraftId::from_text(
            to.split('/')
                .nth(4)
                .unwrap_or_else(|| panic!("a draft's address, not {to}")),
        );
        let wizard = Wizard { app, c, draft_id };
        assert_eq!(
            to,
            wizard.url("patient"),
            "a new draft opens its patient step"
        );
        wizard
    }

    /// A step's address; a word that is no step (a test of unknown steps) in the same place.
    pub fn url(&self, step: &str) -> String {
        let org = &self.app.world.org_id;
        match step.parse::<Step>() {
            Ok(step) => urls::draft_step(org, &self.draft_id, step),
            Err(_) => urls::draft_step(org, &self.draft_id, Step::Patient)
                .replace("/patient", &format!("/{step}")),
        }
    }

    pub fn get(&self, step: &str) -> Resp {
        self.c.get(&self.url(step))
    }

    pub fn post(&self, step: &str, fields: &[(&str, &str)]) -> Resp {
        self.c.post_form(&self.url(step), fields)
    }

    pub fn post_patient(&self, state: &str) -> Resp {
        let fields = patient_fields(state);
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("patient", &borrowed)
    }

    pub fn post_tests(&self, slugs: &[&str]) -> Resp {
        let ids: Vec<LabTestId> = slugs.iter().map(|s| test_id(self.app, s)).collect();
        let fields: Vec<(&str, &str)> = ids.iter().map(|id| ("test_id", id.as_str())).collect();
        self.post("tests", &fields)
    }

    pub fn post_billing(&self, billing_type: &str) -> Resp {
        self.post("billing", &[("billing_type", billing_type)])
    }

    pub fn submit(&self) -> Resp {
        self.c.post_form(
            &urls::submit_draft(&self.app.world.org_id, &self.draft_id),
            &[],
        )
    }

    pub fn draft(&self) -> DraftRow {
        drafts::find(&mut self.app.conn(), &self.draft_id)
            .unwrap()
            .expect("the draft exists")
    }

    pub fn state(&self) -> DraftState {
        DraftState::from_json(&self.draft().data).expect("a readable draft")
    }

    /// Patient in `state`, Quest Lipid Panel: where the wizard goes next.
    pub fn through_tests(&self, state: &str) -> String {
        assert_eq!(self.post_patient(state).location(), self.url("tests"));
        self.post_tests(&["quest-lipid-panel"]).location()
    }

    /// A CA patient, Lipid Panel on Quest West (the only eligible account), client bill.
    pub fn to_review(&self) {
        assert_eq!(self.through_tests("CA"), self.url("billing"));
        assert_eq!(
            self.post_billing("client_bill").location(),
            self.url("review")
        );
    }

    /// Submits and returns the new order's id from the redirect.
    pub fn place(&self) -> OrderId {
        let to = self.submit().location();
        let id = OrderId::from_text(to.rsplit('/').next().unwrap_or_default());
        assert_eq!(
            to,
            urls::order(&self.app.world.org_id, &id),
            "submit opens the order"
        );
        id
    }
}

/// Where a clinician starts an order for a Team of the demo org (by name).
pub fn new_order_url(app: &TestApp, team: &str) -> String {
    urls::new_order(&app.world.org_id, app.world.team(team))
}
