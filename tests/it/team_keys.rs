//! A Team's API keys on the dashboard: org admins list, create (the post redirects to the key's
//! page, which shows the secret once: a reload shows no secret and makes no key) and revoke them
//! (a revoked key gets 401 at once); everyone else is refused and nothing changes.
use labdesk::db::api_keys::ApiKeyRow;
use labdesk::web::urls;

use crate::support::data::{count, secret_in, shown_secret, NEW_KEY_SECRET};
use crate::support::{
    each_backend, TestApp, CARDIOLOGY, CLINICIAN, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS,
    PRIMARY_CARE, TEAM_KEY_HEADER,
};

fn keys_url(app: &TestApp, team: &str) -> String {
    urls::team_keys(&app.world.org_id, app.world.team(team))
}

fn team_keys(app: &TestApp, team: &str) -> Vec<ApiKeyRow> {
    labdesk::db::api_keys::list_for_team(&mut app.conn(), app.world.team(team)).unwrap()
}

fn lab_accounts_with(app: &TestApp, key: &str) -> u16 {
    app.client()
        .api_get("/v3/lab_test/lab_account", TEAM_KEY_HEADER, key)
        .status
}

#[test]
fn ops_creates_a_team_key_that_is_shown_once_and_works() {
    each_backend(|app| {
        let c = app.login(OPS);
        let team_page = c.get(&urls::team(&app.world.org_id, app.world.team(PRIMARY_CARE)));
        assert!(team_page
            .body
            .contains(&format!("href=\"{}\"", keys_url(app, PRIMARY_CARE))));
        let list = c.get(&keys_url(app, PRIMARY_CARE));
        assert_eq!(list.status, 200);
        let demo_key = &team_keys(app, PRIMARY_CARE)[0];
        assert!(list.text().contains(&format!("{}…", demo_key.prefix)));
        assert!(list.text().contains("demo team key") && list.text().contains("Active"));

        let (before, audit) = (count(app, "api_keys"), app.audit_total());
        let res = c.post_form(&keys_url(app, PRIMARY_CARE), &[("label", "  EHR   sync ")]);
        assert_eq!(count(app, "api_keys"), before + 1);
        assert_eq!(app.audit_total(), audit + 1);
        let key = team_keys(app, PRIMARY_CARE)
            .into_iter()
            .find(|k| k.label == "EHR sync")
            .expect("stored with the trimmed label");
        assert!(
            !res.body.contains("ldk_team_"),
            "the post answers no secret"
        );
        let (_, secret) = shown_secret(&c, &res, "ldk_team_");
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
        let again = c.get(&keys_url(app, PRIMARY_CARE));
        assert!(!again.body.contains(&secret));
        assert!(
            again.text().contains(&format!("{}…", key.prefix)) && again.text().contains("EHR sync")
        );

        // A blank label is refused with the form kept; no key is made.
        let blank = c.post_form(&keys_url(app, PRIMARY_CARE), &[("label", "   ")]);
        assert_eq!(blank.status, 422);
        assert!(blank.text().contains("Give the key a label"));
        assert!(!blank.body.contains("value=\"ldk_team_"));
        assert_eq!(count(app, "api_keys"), before + 1);
    });
}

#[test]
fn ops_revokes_a_team_key_and_it_gets_401_on_the_next_request() {
    each_backend(|app| {
        let c = app.login(OPS);
        let created = c.post_form(&keys_url(app, CARDIOLOGY), &[("label", "to revoke")]);
        let secret = secret_in(&c.follow(&created).body, "ldk_team_");
        let key = team_keys(app, CARDIOLOGY)
            .into_iter()
            .find(|k| k.label == "to revoke")
            .unwrap();
        assert_eq!(lab_accounts_with(app, &secret), 200);
        let revoke_url =
            urls::revoke_team_key(&app.world.org_id, app.world.team(CARDIOLOGY), &key.id);
        let list = c.get(&keys_url(app, CARDIOLOGY));
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
        assert!(team_keys(app, CARDIOLOGY)
            .iter()
            .any(|k| k.id == key.id && k.revoked_at.is_none()));
        let res = c.post_form(&revoke_url, &[]);
        assert_eq!(res.status, 303);
        assert_eq!(
            res.header("location"),
            Some(format!("{}?done=revoked", keys_url(app, CARDIOLOGY)).as_str())
        );
        let revoked = team_keys(app, CARDIOLOGY)
            .into_iter()
            .find(|k| k.id == key.id)
            .unwrap();
        assert!(revoked.revoked_at.is_some());
        let rows = app.audit_rows("api_key.revoked", &key.id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_label, OPS);
        assert_eq!(lab_accounts_with(app, &secret), 401);
        let page = c
            .get(&format!("{}?done=revoked", keys_url(app, CARDIOLOGY)))
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
        let primary = keys_url(app, PRIMARY_CARE);
        let cardio = keys_url(app, CARDIOLOGY);
        let globex_team = app.world.team(GLOBEX_DOWNTOWN);
        let cardio_key = team_keys(app, CARDIOLOGY)[0].clone();
        let (clinician, csm, other, ops) = (
            app.login(CLINICIAN),
            app.login(CSM),
            app.login(OTHER_OPS),
            app.login(OPS),
        );
        let (before, audit) = (count(app, "api_keys"), app.audit_total());
        // Clinicians: 403 for their own Team, 404 for another; CSMs: 403.
        assert_eq!(clinician.get(&primary).status, 403);
        assert_eq!(clinician.post_form(&primary, &[("label", "x")]).status, 403);
        assert_eq!(clinician.get(&cardio).status, 404);
        let team_page = clinician.get(&urls::team(&app.world.org_id, app.world.team(PRIMARY_CARE)));
        assert!(!team_page.body.contains("/keys"));
        assert_eq!(csm.get(&primary).status, 403);
        assert_eq!(csm.post_form(&primary, &[("label", "x")]).status, 403);
        let revoke = urls::revoke_team_key(
            &app.world.org_id,
            app.world.team(CARDIOLOGY),
            &cardio_key.id,
        );
        assert_eq!(csm.post_form(&revoke, &[]).status, 403);
        // Another org: 404, whichever way it is asked.
        assert_eq!(other.get(&primary).status, 404);
        assert_eq!(other.post_form(&revoke, &[]).status, 404);
        assert_eq!(
            other
                .get(&urls::team_keys(
                    &app.world.other_org_id,
                    app.world.team(PRIMARY_CARE)
                ))
                .status,
            404
        );
        assert_eq!(
            ops.get(&urls::team_keys(&app.world.org_id, globex_team))
                .status,
            404
        );
        // A key of another Team under this Team's URL is "not found" and stays active.
        let wrong = urls::revoke_team_key(
            &app.world.org_id,
            app.world.team(PRIMARY_CARE),
            &cardio_key.id,
        );
        assert_eq!(ops.get(&wrong).status, 404);
        assert_eq!(ops.post_form(&wrong, &[]).status, 404);
        assert!(team_keys(app, CARDIOLOGY)[0].revoked_at.is_none());
        assert_eq!(lab_accounts_with(app, &app.world.cardio_key), 200);
        assert_eq!(count(app, "api_keys"), before);
        assert_eq!(app.audit_total(), audit);
    });
}

#[test]
fn reloading_a_new_team_keys_page_shows_no_secret_and_makes_no_key() {
    each_backend(|app| {
        let c = app.login(OPS);
        let res = c.post_form(&keys_url(app, PRIMARY_CARE), &[("label", "Shown once")]);
        let key = team_keys(app, PRIMARY_CARE)
            .into_iter()
            .find(|k| k.label == "Shown once")
            .unwrap();
        let page = urls::team_key_created(&app.world.org_id, app.world.team(PRIMARY_CARE), &key.id);
        assert_eq!(res.location(), page);
        let (keys, audit) = (count(app, "api_keys"), app.audit_total());
        let secret = secret_in(&c.get(&page).body, "ldk_team_");

        // Reload, or Back to it: the same GET, and it neither shows the secret nor makes a key.
        for _ in 0..2 {
            let again = c.get(&page);
            assert_eq!(again.status, 200);
            assert!(!again.body.contains(&secret) && !again.body.contains(NEW_KEY_SECRET));
            let text = again.text();
            assert!(text.contains("was shown once"), "{text}");
            assert!(text.contains("create another key for this Team and revoke this one"));
            let revoke =
                urls::revoke_team_key(&app.world.org_id, app.world.team(PRIMARY_CARE), &key.id);
            assert!(again.body.contains(&format!("href=\"{revoke}\"")));
        }
        assert_eq!((count(app, "api_keys"), app.audit_total()), (keys, audit));
        assert_eq!(app.audit_rows("api_key.created", &key.id).len(), 1);
        // The secret works all the same.
        assert_eq!(lab_accounts_with(app, &secret), 200);
    });
}

#[test]
fn a_new_keys_secret_is_shown_only_in_the_browser_that_made_it() {
    each_backend(|app| {
        let (maker, other) = (app.login(OPS), app.login(OPS));
        let res = maker.post_form(&keys_url(app, PRIMARY_CARE), &[("label", "Mine")]);
        let page = res.location();
        let elsewhere = other.get(&page);
        assert_eq!(elsewhere.status, 200);
        assert!(!elsewhere.body.contains(NEW_KEY_SECRET));
        // Another org's admin does not even find the key.
        assert_eq!(app.login(OTHER_OPS).get(&page).status, 404);
        secret_in(&maker.get(&page).body, "ldk_team_");
    });
}
