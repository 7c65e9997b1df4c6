//! A Team's API keys on the dashboard: org admins list, create (the secret is shown once) and
//! revoke them (a revoked key gets 401 at once); everyone else is refused and nothing changes.
use diesel::prelude::*;
use labdesk::db::api_keys::ApiKeyRow;

use crate::helpers::{each_backend, TestApp};
use crate::order_fixtures::{org_url, CLINICIAN, CSM, OPS, OTHER_OPS};

fn keys_url(app: &TestApp, team: &str) -> String {
    org_url(app, &format!("/teams/{}/keys", app.world.team(team)))
}

fn team_keys(app: &TestApp, team: &str) -> Vec<ApiKeyRow> {
    labdesk::db::api_keys::list_for_team(&mut app.conn(), app.world.team(team)).unwrap()
}

fn key_count(app: &TestApp) -> i64 {
    use labdesk::db::schema::api_keys::dsl as k;
    k::api_keys.count().get_result(&mut app.conn()).unwrap()
}

fn secret_in(html: &str) -> String {
    let at = html
        .find("value=\"ldk_team_")
        .expect("the secret is on the page")
        + 7;
    html[at..].chars().take_while(|c| *c != '"').collect()
}

fn lab_accounts_with(app: &TestApp, key: &str) -> u16 {
    app.client()
        .api_get("/v3/lab_test/lab_account", "x-vital-api-key", key)
        .status
}

#[test]
fn ops_creates_a_team_key_that_is_shown_once_and_works() {
    each_backend(|app| {
        let c = app.login(OPS);
        let team_page = c.get(&org_url(
            app,
            &format!("/teams/{}", app.world.team("Primary Care")),
        ));
        assert!(team_page
            .body
            .contains(&format!("href=\"{}\"", keys_url(app, "Primary Care"))));
        let list = c.get(&keys_url(app, "Primary Care"));
        assert_eq!(list.status, 200);
        let demo_key = &team_keys(app, "Primary Care")[0];
        assert!(list.text().contains(&format!("{}…", demo_key.prefix)));
        assert!(list.text().contains("demo team key") && list.text().contains("Active"));

        let (before, audit) = (key_count(app), app.audit_total());
        let res = c.post_form(
            &keys_url(app, "Primary Care"),
            &[("label", "  EHR   sync ")],
        );
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.header("cache-control"), Some("private, no-store"));
        let secret = secret_in(&res.body);
        assert!(res
            .text()
            .contains("This is the only time labdesk shows it"));
        assert_eq!(key_count(app), before + 1);
        assert_eq!(app.audit_total(), audit + 1);
        let key = team_keys(app, "Primary Care")
            .into_iter()
            .find(|k| k.label == "EHR sync")
            .expect("stored with the trimmed label");
        assert_eq!(key.created_by, OPS);
        assert!(secret.starts_with(&key.prefix));
        assert_eq!(key.digest, labdesk::domain::api_key::digest(&secret));
        assert_ne!(key.digest, secret);
        let rows = app.audit_rows("api_key.created", &key.id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_label, OPS);
        assert!(!rows[0].details.contains(&secret) && !rows[0].summary.contains(&secret));
        assert_eq!(lab_accounts_with(app, &secret), 200);

        // Never again: not on the list, not on the Team page.
        let again = c.get(&keys_url(app, "Primary Care"));
        assert!(!again.body.contains(&secret));
        assert!(
            again.text().contains(&format!("{}…", key.prefix)) && again.text().contains("EHR sync")
        );

        // A blank label is refused with the form kept; no key is made.
        let blank = c.post_form(&keys_url(app, "Primary Care"), &[("label", "   ")]);
        assert_eq!(blank.status, 422);
        assert!(blank.text().contains("Give the key a label"));
        assert!(!blank.body.contains("value=\"ldk_team_"));
        assert_eq!(key_count(app), before + 1);
    });
}

#[test]
fn ops_revokes_a_team_key_and_it_gets_401_on_the_next_request() {
    each_backend(|app| {
        let c = app.login(OPS);
        let created = c.post_form(&keys_url(app, "Cardiology"), &[("label", "to revoke")]);
        let secret = secret_in(&created.body);
        let key = team_keys(app, "Cardiology")
            .into_iter()
            .find(|k| k.label == "to revoke")
            .unwrap();
        assert_eq!(lab_accounts_with(app, &secret), 200);
        let revoke_url = format!("{}/{}/revoke", keys_url(app, "Cardiology"), key.id);
        let list = c.get(&keys_url(app, "Cardiology"));
        assert!(list.body.contains(&format!("hx-post=\"{revoke_url}\"")));
        assert!(list
            .body
            .contains(&format!("hx-confirm=\"Revoke key {}…", key.prefix)));

        // Without JavaScript: a confirmation page, then the post.
        let confirm = c.get(&revoke_url);
        assert_eq!(confirm.status, 200);
        assert!(confirm
            .text()
            .contains(&format!("Revoke key {}…", key.prefix)));
        assert!(team_keys(app, "Cardiology")
            .iter()
            .any(|k| k.id == key.id && k.revoked_at.is_none()));
        let res = c.post_form(&revoke_url, &[]);
        assert_eq!(res.status, 303);
        assert_eq!(
            res.header("location"),
            Some(format!("{}?done=revoked", keys_url(app, "Cardiology")).as_str())
        );
        let revoked = team_keys(app, "Cardiology")
            .into_iter()
            .find(|k| k.id == key.id)
            .unwrap();
        assert!(revoked.revoked_at.is_some());
        let rows = app.audit_rows("api_key.revoked", &key.id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_label, OPS);
        assert_eq!(lab_accounts_with(app, &secret), 401);
        let page = c
            .get(&format!("{}?done=revoked", keys_url(app, "Cardiology")))
            .text();
        assert!(page.contains("Key revoked.") && page.contains("Revoked"));
        // The other keys of the Team still work.
        assert_eq!(lab_accounts_with(app, &app.world.cardio_key), 200);

        // Inline with htmx; revoking again changes nothing.
        let again = c.htmx_post(&revoke_url, &[]);
        assert_eq!(again.status, 200);
        assert!(again
            .body
            .trim_start()
            .starts_with("<section id=\"team-keys\""));
        assert!(again.text().contains("was already revoked"));
        assert_eq!(app.audit_rows("api_key.revoked", &key.id).len(), 1);
    });
}

#[test]
fn only_the_orgs_admins_may_see_or_change_team_keys() {
    each_backend(|app| {
        let primary = keys_url(app, "Primary Care");
        let cardio = keys_url(app, "Cardiology");
        let globex_team = app.world.team("Globex Downtown");
        let cardio_key = team_keys(app, "Cardiology")[0].clone();
        let (clinician, csm, other, ops) = (
            app.login(CLINICIAN),
            app.login(CSM),
            app.login(OTHER_OPS),
            app.login(OPS),
        );
        let (before, audit) = (key_count(app), app.audit_total());
        // Clinicians: 403 for their own Team, 404 for another; CSMs: 403.
        assert_eq!(clinician.get(&primary).status, 403);
        assert_eq!(clinician.post_form(&primary, &[("label", "x")]).status, 403);
        assert_eq!(clinician.get(&cardio).status, 404);
        let team_page = clinician.get(&org_url(
            app,
            &format!("/teams/{}", app.world.team("Primary Care")),
        ));
        assert!(!team_page.body.contains("/keys"));
        assert_eq!(csm.get(&primary).status, 403);
        assert_eq!(csm.post_form(&primary, &[("label", "x")]).status, 403);
        let revoke = format!("{cardio}/{}/revoke", cardio_key.id);
        assert_eq!(csm.post_form(&revoke, &[]).status, 403);
        // Another org: 404, whichever way it is asked.
        assert_eq!(other.get(&primary).status, 404);
        assert_eq!(other.post_form(&revoke, &[]).status, 404);
        assert_eq!(
            other
                .get(&format!(
                    "/orgs/{}/teams/{}/keys",
                    app.world.other_org_id,
                    app.world.team("Primary Care")
                ))
                .status,
            404
        );
        assert_eq!(
            ops.get(&org_url(app, &format!("/teams/{globex_team}/keys")))
                .status,
            404
        );
        // A key of another Team under this Team's URL is "not found" and stays active.
        let wrong = format!("{primary}/{}/revoke", cardio_key.id);
        assert_eq!(ops.get(&wrong).status, 404);
        assert_eq!(ops.post_form(&wrong, &[]).status, 404);
        assert!(team_keys(app, "Cardiology")[0].revoked_at.is_none());
        assert_eq!(lab_accounts_with(app, &app.world.cardio_key), 200);
        assert_eq!(key_count(app), before);
        assert_eq!(app.audit_total(), audit);
    });
}
