//! Every change through the dashboard: validated, authorized, and written with exactly one audit row.
use labdesk::domain::ids::LabAccountId;
use labdesk::web::urls::{self, Scope};

use crate::support::data::count;
use crate::support::{
    each_backend, CARDIOLOGY, CLINICIAN, CSM, GLOBEX_DOWNTOWN, OPS, PRIMARY_CARE,
};

#[test]
fn csm_creates_an_account_with_one_audit_row() {
    each_backend(|app| {
        let c = app.login(CSM);
        let before = app.audit_total();
        let res = c.post_form(
            &urls::lab_accounts(app.world.org()),
            &[
                ("lab", "labcorp"),
                ("provider_account_id", " LC-999 "),
                ("account_name", "Labcorp South"),
                ("delegated_flow", "fully_delegated"),
                ("billing:client_bill", "TX"),
                ("billing:client_bill", "FL"),
                ("billing:patient_bill", "TX"),
                ("business_units", "south, research"),
                (
                    "default_clinical_notes",
                    "Call the clinic with critical values.",
                ),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        let location = res.header("location").unwrap().to_string();
        let id = LabAccountId::from_text(
            location
                .rsplit('/')
                .next()
                .unwrap()
                .split('?')
                .next()
                .unwrap(),
        );
        let a = app.account(&id);
        assert_eq!(a.provider_account_id, "LC-999");
        assert_eq!(a.status.as_str(), "pending");
        assert_eq!(
            a.allowed_billing.to_json().to_string(),
            r#"{"client_bill":["FL","TX"],"patient_bill":["TX"]}"#
        );
        assert_eq!(
            a.business_units,
            Some(vec!["south".to_string(), "research".to_string()])
        );
        assert_eq!(a.owner.org_id(), Some(&app.world.org_id));
        let rows = app.audit_rows("lab_account.created", &id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_label, CSM);
        assert_eq!(app.audit_total(), before + 1);
        assert!(location.ends_with("?done=created"), "{location}");
        let page = c.get(&location).text();
        assert!(page.contains("Lab account created."), "{page}");
        assert!(
            page.contains("Labcorp South")
                && page.contains("Fully delegated")
                && page.contains("Account created"),
            "{page}"
        );
    });
}

#[test]
fn invalid_account_form_comes_back_with_what_was_typed_and_saves_nothing() {
    each_backend(|app| {
        let c = app.login(CSM);
        let (accounts, audit) = (count(app, "lab_accounts"), app.audit_total());
        let res = c.post_form(
            &urls::lab_accounts(app.world.org()),
            &[
                ("lab", "quest"),
                ("provider_account_id", "has spaces!"),
                ("account_name", "Typed Name Kept"),
                ("delegated_flow", "order_delegated"),
                ("billing:client_bill", "AZ"),
                ("default_clinical_notes", "typed notes kept"),
            ],
        );
        assert_eq!(res.status, 422);
        assert!(
            res.text().contains("Use up to 64 letters, digits"),
            "{}",
            res.text()
        );
        assert!(res.body.contains("value=\"has spaces!\""));
        assert!(res.body.contains("value=\"Typed Name Kept\""));
        assert!(res.body.contains("typed notes kept"));
        assert!(res
            .body
            .contains("<option value=\"order_delegated\" selected>"));
        assert!(res.body.contains(
            "name=\"billing:client_bill\" value=\"AZ\" aria-label=\"Client bill in AZ\" checked"
        ));
        assert_eq!(count(app, "lab_accounts"), accounts);
        assert_eq!(app.audit_total(), audit);
    });
}

#[test]
fn duplicate_account_number_for_the_same_lab_and_owner_is_refused() {
    each_backend(|app| {
        let c = app.login(CSM);
        let accounts = count(app, "lab_accounts");
        let res = c.post_form(
            &urls::lab_accounts(app.world.org()),
            &[
                ("lab", "quest"),
                ("provider_account_id", "97500001"),
                ("delegated_flow", "not_delegated"),
            ],
        );
        assert_eq!(res.status, 422);
        assert!(
            res.text()
                .contains("Quest Diagnostics account 97500001 already exists for this owner."),
            "{}",
            res.text()
        );
        assert_eq!(count(app, "lab_accounts"), accounts);
        // The same number at another lab, or as a platform account, is fine.
        let other_lab = c.post_form(
            &urls::lab_accounts(app.world.org()),
            &[
                ("lab", "labcorp"),
                ("provider_account_id", "97500001"),
                ("delegated_flow", "not_delegated"),
            ],
        );
        assert_eq!(other_lab.status, 303);
        let platform = c.post_form(
            &urls::lab_accounts(&Scope::Platform),
            &[
                ("lab", "quest"),
                ("provider_account_id", "97500001"),
                ("delegated_flow", "not_delegated"),
            ],
        );
        assert_eq!(platform.status, 303, "{}", platform.text());
    });
}

#[test]
fn only_csms_may_create_edit_or_move_accounts() {
    each_backend(|app| {
        let id = app.world.account("97500001");
        let clients = [app.login(OPS), app.login(CLINICIAN)];
        let accounts = count(app, "lab_accounts");
        let audit = app.audit_total();
        for (who, c) in [OPS, CLINICIAN].iter().zip(clients.iter()) {
            let create = c.post_form(
                &urls::lab_accounts(app.world.org()),
                &[
                    ("lab", "quest"),
                    ("provider_account_id", "X1"),
                    ("delegated_flow", "not_delegated"),
                ],
            );
            assert_eq!(create.status, 403, "{who}");
            let edit = c.post_form(
                &urls::edit_lab_account(app.world.org(), id),
                &[
                    ("version", "3"),
                    ("lab", "quest"),
                    ("provider_account_id", "X2"),
                    ("delegated_flow", "not_delegated"),
                ],
            );
            assert!(
                edit.status == 403 || edit.status == 404,
                "{who}: {}",
                edit.status
            );
            let status = c.post_form(
                &urls::lab_account_status(app.world.org(), id),
                &[("status", "suspended"), ("reason", "x")],
            );
            assert!(status.status == 403 || status.status == 404, "{who}");
            assert_eq!(
                c.get(&urls::new_lab_account(app.world.org())).status,
                403,
                "{who}"
            );
        }
        assert_eq!(count(app, "lab_accounts"), accounts);
        assert_eq!(app.audit_total(), audit);
        assert_eq!(app.account(id).status.as_str(), "active");
    });
}

#[test]
fn edit_saves_a_new_version_and_a_stale_edit_is_refused_with_current_values() {
    each_backend(|app| {
        let c = app.login(CSM);
        let id = app.world.account("LC-220011");
        let url = urls::edit_lab_account(app.world.org(), id);
        let form = c.get(&url);
        assert!(form.body.contains("value=\"Labcorp National\""));
        let version = app.account(id).version.to_string();
        let fields = |name: &'static str, v: &str| {
            vec![
                ("version", v.to_string()),
                ("lab", "labcorp".to_string()),
                ("provider_account_id", "LC-220011".to_string()),
                ("account_name", name.to_string()),
                ("delegated_flow", "result_delegated".to_string()),
                ("billing:client_bill", "TX".to_string()),
                ("billing:client_bill", "OK".to_string()),
            ]
        };
        let first: Vec<(&str, String)> = fields("Labcorp Central", &version);
        let first_ref: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = c.post_form(&url, &first_ref);
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(
            app.account(id).account_name.as_deref(),
            Some("Labcorp Central")
        );
        assert_eq!(app.audit_rows("lab_account.updated", id).len(), 1);
        let details: serde_json::Value =
            serde_json::from_str(&app.audit_rows("lab_account.updated", id)[0].details).unwrap();
        assert_eq!(details["before"]["account_name"], "Labcorp National");
        assert_eq!(details["after"]["account_name"], "Labcorp Central");

        // A second edit made from the old form is refused: no lost update.
        let stale: Vec<(&str, String)> = fields("Labcorp Stale", &version);
        let stale_ref: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = c.post_form(&url, &stale_ref);
        assert_eq!(res.status, 409);
        let text = res.text();
        assert!(
            text.contains("Someone changed this account while you were editing it"),
            "{text}"
        );
        assert!(
            res.body.contains("value=\"Labcorp Central\""),
            "current values are shown"
        );
        assert!(
            text.contains("Your changes that were not saved") && text.contains("Labcorp Stale"),
            "{text}"
        );
        assert_eq!(
            app.account(id).account_name.as_deref(),
            Some("Labcorp Central")
        );
        assert_eq!(app.audit_rows("lab_account.updated", id).len(), 1);
    });
}

#[test]
fn status_moves_follow_the_lifecycle_with_a_required_reason() {
    each_backend(|app| {
        let c = app.login(CSM);
        let id = app.world.account("LC-220011");
        let url = urls::lab_account_status(app.world.org(), id);
        // Refused: no reason, then a move the lifecycle does not allow.
        let res = c.post_form(&url, &[("status", "ready_to_launch"), ("reason", "  ")]);
        assert_eq!(res.status, 422);
        assert!(res.text().contains("Give a reason for the status change."));
        let res = c.post_form(
            &url,
            &[("status", "suspended"), ("reason", "typed reason kept")],
        );
        assert_eq!(res.status, 422);
        assert!(
            res.text().contains(
                "A pending account cannot move to suspended; allowed: ready_to_launch, active."
            ),
            "{}",
            res.text()
        );
        assert!(res.body.contains("typed reason kept"));
        assert_eq!(app.account(id).status.as_str(), "pending");
        assert!(app.audit_rows("lab_account.status_changed", id).is_empty());
        // Allowed.
        let res = c.post_form(
            &url,
            &[
                ("status", "active"),
                ("reason", "Lab confirmed the account"),
            ],
        );
        assert_eq!(res.status, 303);
        assert_eq!(app.account(id).status.as_str(), "active");
        let rows = app.audit_rows("lab_account.status_changed", id);
        assert_eq!(rows.len(), 1);
        assert!(rows[0]
            .summary
            .contains("changed from Pending to Active: Lab confirmed the account"));
        let page = c.get(&urls::lab_account(app.world.org(), id)).text();
        assert!(
            page.contains("Lab confirmed the account"),
            "history shows the reason"
        );
    });
}

#[test]
fn ops_links_and_unlinks_a_team_inline_with_one_audit_row_each() {
    each_backend(|app| {
        let c = app.login(OPS);
        let id = app.world.account("LC-220011");
        let team = app.world.team(CARDIOLOGY);
        let link = urls::lab_account_teams(app.world.org(), id);
        let unlink = urls::unlink_team(app.world.org(), id, team);
        let res = c.htmx_post(&link, &[("team_id", team.as_str())]);
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(res
            .body
            .trim_start()
            .starts_with("<section id=\"linked-teams\""));
        assert!(res.text().contains("Linked Team Cardiology."));
        assert_eq!(app.linked_team_ids(id), vec![team.to_string()]);
        assert_eq!(app.audit_rows("lab_account.team_linked", id).len(), 1);
        // Linking again changes nothing.
        let again = c.htmx_post(&link, &[("team_id", team.as_str())]);
        assert!(again.text().contains("Team Cardiology was already linked."));
        assert_eq!(app.audit_rows("lab_account.team_linked", id).len(), 1);
        // The no-JavaScript confirmation page states the consequence.
        let confirm = c.get(&unlink);
        assert!(
            confirm
                .text()
                .contains("No open orders of Team Cardiology use this account."),
            "{}",
            confirm.text()
        );
        let res = c.htmx_post(&unlink, &[]);
        assert_eq!(res.status, 200);
        assert!(res.text().contains("Unlinked Team Cardiology."));
        assert!(app.linked_team_ids(id).is_empty());
        let rows = app.audit_rows("lab_account.team_unlinked", id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].team_id.as_ref(), Some(team));
        // Clinicians may not link.
        let clinician = app.login(CLINICIAN);
        let quest_west = app.world.account("97500001");
        let res = clinician.post_form(
            &urls::lab_account_teams(app.world.org(), quest_west),
            &[("team_id", app.world.team(PRIMARY_CARE).as_str())],
        );
        assert_eq!(res.status, 403);
    });
}

#[test]
fn csm_links_a_platform_account_to_a_team_of_an_assigned_org_only() {
    each_backend(|app| {
        let c = app.login(CSM);
        let id = app.world.account("LC-PLATFORM-1");
        let primary = app.world.team(PRIMARY_CARE);
        let res = c.post_form(
            &urls::lab_account_teams(&Scope::Platform, id),
            &[("team_id", primary.as_str())],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        assert!(app.linked_team_ids(id).contains(&primary.to_string()));
        let globex = app.world.team(GLOBEX_DOWNTOWN);
        let res = c.post_form(
            &urls::lab_account_teams(&Scope::Platform, id),
            &[("team_id", globex.as_str())],
        );
        assert_eq!(res.status, 404);
        assert!(!app.linked_team_ids(id).contains(&globex.to_string()));
        // ops see the platform account but cannot change its links.
        let ops = app.login(OPS);
        let res = ops.post_form(&urls::unlink_team(app.world.org(), id, primary), &[]);
        assert_eq!(res.status, 403);
        assert!(app.linked_team_ids(id).contains(&primary.to_string()));
    });
}
