//! A change and its audit row are one transaction: when the audit row cannot be written, the
//! change does not happen either. A test trigger makes the audit insert fail for one action.
use diesel::prelude::*;

use labdesk::domain::ids::PatientId;
use labdesk::web::urls;

use crate::support::data::{patient, test_id};
use crate::support::orders::order_body;
use crate::support::triggers::{allow, refuse};
use crate::support::{each_backend, TestApp, CARDIOLOGY, CSM, OPS, PRIMARY_CARE, TEAM_KEY_HEADER};

const GENERIC_500: &str =
    "Something went wrong on our side. The error was logged; please try again.";

fn refuse_audit(app: &TestApp, action: &str) {
    refuse(
        app,
        "refuse_audit",
        "INSERT",
        "audit_events",
        &format!("NEW.action = '{action}'"),
    );
}

fn orders_of(app: &TestApp, user: &PatientId) -> i64 {
    use labdesk::db::schema::orders::dsl as o;
    o::orders
        .filter(o::user_id.eq(user))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

fn patient_first_name(app: &TestApp, user: &PatientId) -> Option<String> {
    use labdesk::db::schema::patients::dsl as p;
    p::patients
        .find(user)
        .select(p::first_name)
        .first(&mut app.conn())
        .unwrap()
}

fn idempotency_rows(app: &TestApp, key: &str) -> i64 {
    use labdesk::db::schema::idempotency_keys::dsl as k;
    k::idempotency_keys
        .filter(k::idem_key.eq(key))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[test]
fn an_order_whose_audit_row_cannot_be_written_is_not_placed() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "audit-1");
        let b = order_body(&user, &test_id(app, "quest-lipid-panel"), "AZ").to_string();
        let c = app.client();
        refuse_audit(app, "order.created");
        for idem in [None, Some("audit-key")] {
            let res = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, idem);
            assert_eq!(res.status, 500, "{idem:?}: {}", res.body);
            assert_eq!(res.json()["detail"], GENERIC_500, "no driver text leaks");
            assert_eq!(orders_of(app, &user), 0, "{idem:?}: the order was kept");
            assert_eq!(
                patient_first_name(app, &user),
                None,
                "{idem:?}: the patient's details were kept"
            );
        }
        // The failed request gave its key up: no stored 500, and a retry places the order.
        assert_eq!(idempotency_rows(app, "audit-key"), 0);
        allow(app, "refuse_audit", "audit_events");
        let res = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("audit-key"));
        assert_eq!(res.status, 200, "{}", res.body);
        let id = res.order_id();
        assert_eq!(orders_of(app, &user), 1);
        assert_eq!(app.audit_rows("order.created", &id).len(), 1);
        assert_eq!(patient_first_name(app, &user).as_deref(), Some("Jane"));
    });
}

#[test]
fn a_status_move_whose_audit_row_cannot_be_written_does_not_happen() {
    each_backend(|app| {
        use labdesk::db::schema::lab_account_status_changes::dsl as h;
        let id = app.world.account("LC-220011");
        let history = || -> i64 {
            h::lab_account_status_changes
                .filter(h::lab_account_id.eq(id))
                .count()
                .get_result(&mut app.conn())
                .unwrap()
        };
        let before = history();
        assert_eq!(app.account(id).status.as_str(), "pending");
        refuse_audit(app, "lab_account.status_changed");
        let c = app.login(CSM);
        let url = urls::lab_account_status(app.world.org(), id);
        let res = c.post_form(&url, &[("status", "active"), ("reason", "Lab confirmed")]);
        assert_eq!(res.status, 500, "{}", res.body);
        assert!(res.text().contains(GENERIC_500), "{}", res.text());
        assert_eq!(app.account(id).status.as_str(), "pending");
        assert_eq!(history(), before, "the status history row was kept");
        allow(app, "refuse_audit", "audit_events");
        let res = c.post_form(&url, &[("status", "active"), ("reason", "Lab confirmed")]);
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(app.account(id).status.as_str(), "active");
        assert_eq!(history(), before + 1);
    });
}

#[test]
fn a_team_link_whose_audit_row_cannot_be_written_does_not_happen() {
    each_backend(|app| {
        let id = app.world.account("LC-220011");
        let team = app.world.team(CARDIOLOGY);
        assert!(app.linked_team_ids(id).is_empty());
        refuse_audit(app, "lab_account.team_linked");
        let c = app.login(OPS);
        let url = urls::lab_account_teams(app.world.org(), id);
        let res = c.htmx_post(&url, &[("team_id", team.as_str())]);
        assert_eq!(res.status, 500, "{}", res.body);
        assert_eq!(res.header("HX-Retarget"), Some("#flash"));
        assert!(res.text().contains(GENERIC_500), "{}", res.text());
        assert!(app.linked_team_ids(id).is_empty(), "the link was kept");
        allow(app, "refuse_audit", "audit_events");
        let res = c.htmx_post(&url, &[("team_id", team.as_str())]);
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(app.linked_team_ids(id), vec![team.to_string()]);
        assert_eq!(app.audit_rows("lab_account.team_linked", id).len(), 1);
    });
}
