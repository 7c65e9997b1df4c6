//! Lab interface keys on the dashboard: CSMs list them by lab, create one (the secret is shown
//! once, on the page the post redirects to, and works; a reload shows it no more), revoke one (it gets 401 on its next delivery); nobody else may, and a Team's
//! key cannot be revoked through these pages.
use labdesk::db::api_keys::ApiKeyRow;
use labdesk::web::urls;

use crate::support::data::{count, secret_in, shown_secret, NEW_KEY_SECRET};
use crate::support::results::{deliver_as, jane_order, message};
use crate::support::{each_backend, TestApp, CLINICIAN, CSM, OPS, PRIMARY_CARE};

fn lab_keys(app: &TestApp) -> Vec<ApiKeyRow> {
    labdesk::db::api_keys::list_lab_keys(&mut app.conn()).unwrap()
}

/// Delivers a fitting result with this key; returns the HTTP status.
fn deliver_with(app: &TestApp, key: &str, control_id: &str) -> u16 {
    let order = jane_order(app);
    let hl7 = message("final.hl7", &order, control_id);
    deliver_as(app, key, "application/hl7-v2", hl7.as_bytes()).status
}

#[test]
fn csms_create_a_lab_key_shown_once_and_a_revoked_one_gets_401() {
    each_backend(|app| {
        let csm = app.login(CSM);
        let list = csm.get(&urls::lab_keys());
        assert_eq!(list.status, 200, "{}", list.text());
        let demo = &lab_keys(app)[0];
        assert!(list.text().contains(&format!(
            "Quest Diagnostics {}… demo lab interface key",
            demo.prefix
        )));

        // A refused form keeps what was typed.
        let (before, audit) = (count(app, "api_keys"), app.audit_total());
        let res = csm.post_form(&urls::lab_keys(), &[("lab", ""), ("label", "Typed label")]);
        assert_eq!(res.status, 422);
        assert!(res.text().contains("Choose the lab"));
        assert!(res.body.contains("value=\"Typed label\""));
        assert_eq!((count(app, "api_keys"), app.audit_total()), (before, audit));

        let res = csm.post_form(
            &urls::lab_keys(),
            &[("lab", "quest"), ("label", "Quest HL7 feed")],
        );
        let created = lab_keys(app)
            .into_iter()
            .find(|k| k.label == "Quest HL7 feed")
            .unwrap();
        assert_eq!(res.location(), urls::lab_key_created(&created.id));
        let (shown, secret) = shown_secret(&csm, &res, "ldk_lab_");
        assert!(shown
            .text()
            .contains("Lab interface key for Quest Diagnostics"));
        assert_eq!(created.lab_slug.map(|l| l.as_str()), Some("quest"));
        assert_eq!(created.created_by, CSM);
        assert!(secret.starts_with(&created.prefix));
        assert_eq!(app.audit_rows("api_key.created", &created.id).len(), 1);
        // Shown once: the list has the prefix only.
        let list = csm.get(&urls::lab_keys());
        assert!(list.text().contains(&format!("{}…", created.prefix)));
        assert!(!list.body.contains(&secret));
        assert_eq!(deliver_with(app, &secret, "K-1"), 200);

        // Revoke: a confirmation page without JavaScript, an htmx fragment with it.
        let revoke = urls::revoke_lab_key(&created.id);
        let confirm = csm.get(&revoke);
        assert_eq!(confirm.status, 200);
        assert!(confirm.text().contains("Revoke Quest Diagnostics key"));
        let res = csm.htmx_post(&revoke, &[]);
        assert_eq!(res.status, 200);
        assert!(res.body.starts_with("<section id=\"lab-keys\""));
        assert!(res.text().contains("Deliveries with it now get 401."));
        assert!(lab_keys(app)
            .iter()
            .any(|k| k.id == created.id && k.revoked_at.is_some()));
        assert_eq!(app.audit_rows("api_key.revoked", &created.id).len(), 1);
        assert_eq!(deliver_with(app, &secret, "K-2"), 401);
        // The demo key still works.
        assert!(lab_keys(app)
            .iter()
            .any(|k| k.id == demo.id && k.revoked_at.is_none()));
    });
}

#[test]
fn only_csms_manage_lab_keys_and_only_lab_keys() {
    each_backend(|app| {
        let before = count(app, "api_keys");
        for who in [OPS, CLINICIAN] {
            let c = app.login(who);
            assert_eq!(c.get(&urls::lab_keys()).status, 403, "{who}");
            let res = c.post_form(&urls::lab_keys(), &[("lab", "quest"), ("label", "sneaky")]);
            assert_eq!(res.status, 403, "{who}");
            let demo = &lab_keys(app)[0];
            let res = c.post_form(&urls::revoke_lab_key(&demo.id), &[]);
            assert_eq!(res.status, 403, "{who}");
            assert!(!c
                .get(&urls::org_orders(&app.world.org_id))
                .body
                .contains(&urls::lab_keys()));
        }
        // A Team's key is not a lab key: not found here, and it keeps working.
        let csm = app.login(CSM);
        let team_key =
            labdesk::db::api_keys::list_for_team(&mut app.conn(), app.world.team(PRIMARY_CARE))
                .unwrap()
                .remove(0);
        let res = csm.post_form(&urls::revoke_lab_key(&team_key.id), &[]);
        assert_eq!(res.status, 404);
        assert_eq!(count(app, "api_keys"), before);
        assert!(lab_keys(app).iter().all(|k| k.revoked_at.is_none()));
        assert!(labdesk::db::api_keys::find(&mut app.conn(), &team_key.id)
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none());
    });
}

#[test]
fn a_lab_key_form_shows_every_problem_at_once_and_makes_nothing() {
    each_backend(|app| {
        let csm = app.login(CSM);
        let (before, audit) = (count(app, "api_keys"), app.audit_total());
        // No lab and a blank label: both messages, each next to its field.
        let res = csm.post_form(&urls::lab_keys(), &[("lab", ""), ("label", "   ")]);
        assert_eq!(res.status, 422);
        let text = res.text();
        assert!(text.contains("Choose the lab"), "{text}");
        assert!(text.contains("Give the key a label"), "{text}");
        assert!(res.body.contains("id=\"lab-error\"") && res.body.contains("id=\"label-error\""));
        // A lab labdesk does not know is no lab; the label typed is kept.
        let res = csm.post_form(&urls::lab_keys(), &[("lab", "nope"), ("label", "Feed")]);
        assert_eq!(res.status, 422);
        assert!(res.text().contains("Choose the lab"));
        assert!(!res.body.contains("id=\"label-error\""));
        assert!(res.body.contains("value=\"Feed\""));
        assert_eq!((count(app, "api_keys"), app.audit_total()), (before, audit));
    });
}

#[test]
fn reloading_a_new_lab_keys_page_shows_no_secret_and_makes_no_key() {
    each_backend(|app| {
        let csm = app.login(CSM);
        let res = csm.post_form(&urls::lab_keys(), &[("lab", "quest"), ("label", "Once")]);
        let page = res.location();
        let (keys, audit) = (count(app, "api_keys"), app.audit_total());
        let secret = secret_in(&csm.get(&page).body, "ldk_lab_");
        let key = lab_keys(app)
            .into_iter()
            .find(|k| k.label == "Once")
            .unwrap();
        for _ in 0..2 {
            let again = csm.get(&page);
            assert_eq!(again.status, 200);
            assert!(!again.body.contains(&secret) && !again.body.contains(NEW_KEY_SECRET));
            let text = again.text();
            assert!(text.contains("was shown once"), "{text}");
            assert!(text.contains("create another key for Quest Diagnostics and revoke this one"));
            let revoke = urls::revoke_lab_key(&key.id);
            assert!(again.body.contains(&format!("href=\"{revoke}\"")));
        }
        assert_eq!((count(app, "api_keys"), app.audit_total()), (keys, audit));
        assert_eq!(app.audit_rows("api_key.created", &key.id).len(), 1);
        assert_eq!(deliver_with(app, &secret, "K-3"), 200);
    });
}
