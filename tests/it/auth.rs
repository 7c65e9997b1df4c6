//! Sign-in, sessions, lockout and CSRF.
use crate::helpers::{each_backend, extract_csrf};
use labdesk::seed::demo::DEMO_PASSWORD;

#[test]
fn signed_out_visitors_are_sent_to_the_login_page() {
    each_backend(|app| {
        let c = app.client();
        for path in [
            "/",
            "/orgs",
            &format!("/orgs/{}/lab_accounts", app.world.org_id),
        ] {
            let res = c.get(path);
            assert_eq!(res.status, 303, "{path}");
            assert_eq!(res.header("location"), Some("/login"), "{path}");
        }
        let res = c.htmx_get(&format!("/orgs/{}/lab_accounts", app.world.org_id));
        assert_eq!(res.header("hx-redirect"), Some("/login"));
    });
}

#[test]
fn sign_in_sets_a_hardened_cookie_and_lands_on_the_org() {
    each_backend(|app| {
        let mut c = app.client();
        let res = c.sign_in("OPS@northwind.test", DEMO_PASSWORD);
        assert_eq!(res.status, 303, "{}", res.body);
        let cookie = res.header("set-cookie").expect("session cookie");
        assert!(cookie.starts_with("labdesk_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("ops@northwind"),
            "cookie must not hold readable data: {cookie}"
        );
        let landing = c.get("/");
        assert_eq!(
            landing.header("location"),
            Some(format!("/orgs/{}/lab_accounts", app.world.org_id).as_str())
        );
        assert_eq!(
            app.audit_rows("user.signed_in", &user_id(app, "ops@northwind.test"))
                .len(),
            1
        );
    });
}

fn user_id(app: &crate::helpers::TestApp, email: &str) -> String {
    labdesk::db::users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .id
}

#[test]
fn sign_in_renews_the_session_cookie() {
    each_backend(|app| {
        let c = app.client();
        let page = c.get("/login");
        let before = page
            .header("set-cookie")
            .map(|s| s.split(';').next().unwrap().to_string());
        let token = extract_csrf(&page.body).unwrap();
        let res = c.post_form_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", "ops@northwind.test"),
                ("password", DEMO_PASSWORD),
            ],
        );
        let after = res
            .header("set-cookie")
            .map(|s| s.split(';').next().unwrap().to_string());
        assert!(after.is_some());
        assert_ne!(before, after);
    });
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_answer() {
    each_backend(|app| {
        let mut c = app.client();
        let wrong = c.sign_in("ops@northwind.test", "not-the-password");
        let unknown = c.sign_in("nobody@northwind.test", "not-the-password");
        assert_eq!(wrong.status, 401);
        assert_eq!(unknown.status, 401);
        assert!(wrong
            .text()
            .contains("That email and password do not match an account."));
        assert!(unknown
            .text()
            .contains("That email and password do not match an account."));
        assert!(
            wrong.body.contains("value=\"ops@northwind.test\""),
            "typed email is kept"
        );
    });
}

#[test]
fn five_failures_lock_the_email_for_fifteen_minutes_even_with_the_right_password() {
    each_backend(|app| {
        for email in ["ops@northwind.test", "ghost@northwind.test"] {
            let mut c = app.client();
            for _ in 0..5 {
                assert_eq!(c.sign_in(email, "wrong password!").status, 401);
            }
            let locked = c.sign_in(email, DEMO_PASSWORD);
            assert_eq!(locked.status, 429, "{email}");
            assert!(
                locked
                    .text()
                    .contains("Too many failed sign-ins for this email. Try again after"),
                "{}",
                locked.text()
            );
            assert!(locked
                .header("retry-after")
                .is_some_and(|s| s.parse::<i64>().unwrap() > 800));
        }
        // Another email is not affected.
        let mut c = app.client();
        assert_eq!(c.sign_in("csm@labdesk.test", DEMO_PASSWORD).status, 303);
    });
}

#[test]
fn sign_out_ends_the_session() {
    each_backend(|app| {
        let c = app.login("ops@northwind.test");
        assert_eq!(c.get("/orgs").status, 200);
        let res = c.post_form("/logout", &[]);
        assert_eq!(res.header("location"), Some("/login"));
        assert_eq!(c.get("/orgs").status, 303);
    });
}

#[test]
fn state_changing_requests_without_the_csrf_token_are_refused_and_change_nothing() {
    each_backend(|app| {
        let c = app.login("ops@northwind.test");
        let account = app.world.account("LC-220011");
        let team = app.world.team("Cardiology");
        let path = format!("/orgs/{}/lab_accounts/{account}/teams", app.world.org_id);
        let audit_before = app.audit_total();
        for (label, res) in [
            ("no token", c.post_form_raw(&path, &[("team_id", team)])),
            (
                "wrong token",
                c.post_form_raw(&path, &[("csrf_token", "forged"), ("team_id", team)]),
            ),
        ] {
            assert_eq!(res.status, 403, "{label}");
            assert!(res.text().contains("CSRF"), "{label}: {}", res.text());
        }
        assert!(app.linked_team_ids(account).is_empty());
        assert_eq!(app.audit_total(), audit_before);
        // The same request with the token works.
        assert_eq!(c.post_form(&path, &[("team_id", team)]).status, 303);
        assert_eq!(app.linked_team_ids(account), vec![team.to_string()]);
    });
}

#[test]
fn a_cross_site_origin_is_refused_even_with_a_token() {
    each_backend(|app| {
        let c = app.login("ops@northwind.test");
        let account = app.world.account("LC-220011");
        let path = format!("/orgs/{}/lab_accounts/{account}/teams", app.world.org_id);
        let team = app.world.team("Cardiology");
        let res = c.post_with_headers(
            &path,
            &[("Origin", "https://evil.example")],
            &[("team_id", team)],
        );
        let status = res.status;
        assert_eq!(status, 403);
        assert!(app.linked_team_ids(account).is_empty());
        let same_origin =
            c.post_with_headers(&path, &[("Origin", &app.base)], &[("team_id", team)]);
        assert_eq!(same_origin.status, 303, "{}", same_origin.body);
    });
}
