//! Sign-in, lockout, the per-address throttle, input limits, cookie flags and CSRF.
use std::sync::Barrier;

use diesel::prelude::*;
use labdesk::db::login_attempts;
use labdesk::db::schema::login_attempts as attempts;
use labdesk::seed::demo::DEMO_PASSWORD;

use labdesk::web::urls;

use crate::support::client::extract_csrf;
use crate::support::sessions::form;
use crate::support::sessions::{session_rows, user_id};
use crate::support::{each_backend, TestApp, CARDIOLOGY, CSM, OPS};

#[test]
fn signed_out_visitors_are_sent_to_the_login_page() {
    each_backend(|app| {
        let c = app.client();
        let sign_in = urls::sign_in();
        let accounts = urls::lab_accounts(app.world.org());
        let back_to = |path: &str| format!("{sign_in}?{}", form(&[("next", path)]));
        for (path, location) in [
            (urls::home(), sign_in.clone()),
            (urls::orgs(), back_to("/orgs")),
            (accounts.clone(), back_to(&accounts)),
        ] {
            let res = c.get(&path);
            assert_eq!(res.status, 303, "{path}");
            assert_eq!(res.header("location"), Some(location.as_str()), "{path}");
        }
        // htmx without its current URL: nowhere to return to.
        let res = c.htmx_get(&accounts);
        assert_eq!(res.header("hx-redirect"), Some(sign_in.as_str()));
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
        // The test server listens on loopback, where a browser speaks plain http.
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert_eq!(session_rows(app, OPS), (1, 0), "one session on the server");
        let landing = c.get(&urls::home());
        assert_eq!(
            landing.header("location"),
            Some(urls::org_home(&app.world.org_id).as_str())
        );
        assert_eq!(app.audit_rows("user.signed_in", user_id(app, OPS)).len(), 1);
    });
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_answer() {
    each_backend(|app| {
        let mut c = app.client();
        let wrong = c.sign_in(OPS, "not-the-password");
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
        for email in [OPS, "ghost@northwind.test"] {
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
        assert_eq!(c.sign_in(CSM, DEMO_PASSWORD).status, 303);
    });
}

#[test]
fn state_changing_requests_without_the_csrf_token_are_refused_and_change_nothing() {
    each_backend(|app| {
        let c = app.login(OPS);
        let account = app.world.account("LC-220011");
        let team = app.world.team(CARDIOLOGY);
        let path = urls::lab_account_teams(app.world.org(), account);
        let audit_before = app.audit_total();
        for (label, res) in [
            (
                "no token",
                c.post_form_raw(&path, &[("team_id", team.as_str())]),
            ),
            (
                "wrong token",
                c.post_form_raw(
                    &path,
                    &[("csrf_token", "forged"), ("team_id", team.as_str())],
                ),
            ),
        ] {
            assert_eq!(res.status, 403, "{label}");
            assert!(res.text().contains("CSRF"), "{label}: {}", res.text());
        }
        assert!(app.linked_team_ids(account).is_empty());
        assert_eq!(app.audit_total(), audit_before);
        // The same request with the token works.
        assert_eq!(
            c.post_form(&path, &[("team_id", team.as_str())]).status,
            303
        );
        assert_eq!(app.linked_team_ids(account), vec![team.to_string()]);
    });
}

#[test]
fn a_cross_site_origin_is_refused_even_with_a_token() {
    each_backend(|app| {
        let c = app.login(OPS);
        let account = app.world.account("LC-220011");
        let path = urls::lab_account_teams(app.world.org(), account);
        let team = app.world.team(CARDIOLOGY);
        let res = c.post_with_headers(
            &path,
            &[("Origin", "https://evil.example")],
            &[("team_id", team.as_str())],
        );
        let status = res.status;
        assert_eq!(status, 403);
        assert!(app.linked_team_ids(account).is_empty());
        let same_origin = c.post_with_headers(
            &path,
            &[("Origin", &app.base)],
            &[("team_id", team.as_str())],
        );
        assert_eq!(same_origin.status, 303, "{}", same_origin.body);
    });
}

fn attempt_count(app: &TestApp, email: &str) -> i64 {
    attempts::table
        .filter(attempts::email.eq(email))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[test]
fn forty_parallel_wrong_passwords_get_at_most_five_checks() {
    each_backend(|app| {
        let barrier = Barrier::new(40);
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..40)
                .map(|_| {
                    s.spawn(|| {
                        let c = app.client();
                        let page = c.get(&urls::sign_in());
                        let token = extract_csrf(&page.body).unwrap();
                        barrier.wait();
                        c.post_form_raw(
                            &urls::sign_in(),
                            &[
                                ("csrf_token", &token),
                                ("email", OPS),
                                ("password", "a wrong password"),
                            ],
                        )
                        .status
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + refused, 40, "{statuses:?}");
        assert!(checked <= 5, "{checked} password checks: {statuses:?}");
        // Every checked attempt is a row; refused ones are not recorded.
        assert_eq!(attempt_count(app, OPS), checked as i64);
        let mut c = app.client();
        let locked = c.sign_in(OPS, DEMO_PASSWORD);
        assert_eq!(locked.status, 429, "the right password while locked");
        assert_eq!(session_rows(app, OPS), (0, 0));
    });
}

#[test]
fn many_failures_from_one_address_throttle_it_across_emails() {
    each_backend(|app| {
        let now = labdesk::db::now();
        for i in 0..labdesk::domain::lockout::MAX_ADDRESS_FAILURES {
            let email = format!("guess{i}@northwind.test");
            login_attempts::record_failure(&mut app.conn(), &email, "127.0.0.1", now).unwrap();
        }
        let mut c = app.client();
        let res = c.sign_in(CSM, DEMO_PASSWORD);
        assert_eq!(res.status, 429, "{}", res.text());
        assert!(
            res.text()
                .contains("Too many failed sign-ins from your network address. Try again after"),
            "{}",
            res.text()
        );
        assert!(res.header("retry-after").is_some());
        assert_eq!(attempt_count(app, CSM), 0, "no check was made");
        assert_eq!(session_rows(app, CSM), (0, 0));
    });
}

#[test]
fn a_huge_email_is_neither_stored_nor_echoed() {
    each_backend(|app| {
        let mut c = app.client();
        let huge = format!("{}@northwind.test", "a".repeat(250_000));
        let res = c.sign_in(&huge, "a wrong password");
        assert_eq!(res.status, 401);
        assert!(res
            .text()
            .contains("That email and password do not match an account."));
        assert!(!res.body.contains(&"a".repeat(255)), "the email was echoed");
        let huge_password = "p".repeat(5000);
        let res = c.sign_in(OPS, &huge_password);
        assert_eq!(res.status, 401);
        let longest: Vec<String> = attempts::table
            .select(attempts::email)
            .load(&mut app.conn())
            .unwrap();
        assert!(
            longest.iter().all(|e| e.chars().count() <= 254),
            "stored an email over 254 characters"
        );
        assert!(
            longest.is_empty(),
            "neither attempt was worth a check: {longest:?}"
        );
        // A 254-character email is still an ordinary (wrong) attempt.
        let longest_ok = format!("{}@x.test", "b".repeat(254 - 7));
        assert_eq!(c.sign_in(&longest_ok, "a wrong password").status, 401);
        assert_eq!(attempt_count(app, &longest_ok), 1);
    });
}

#[test]
fn attempts_older_than_the_lockout_window_are_pruned() {
    each_backend(|app| {
        let now = labdesk::db::now();
        let mut conn = app.conn();
        let old = now - chrono::Duration::minutes(31);
        let recent = now - chrono::Duration::minutes(29);
        login_attempts::record_failure(&mut conn, "old@northwind.test", "10.0.0.1", old).unwrap();
        login_attempts::record_failure(&mut conn, "recent@northwind.test", "10.0.0.1", recent)
            .unwrap();
        drop(conn);
        app.client().sign_in(OPS, DEMO_PASSWORD);
        assert_eq!(attempt_count(app, "old@northwind.test"), 0);
        assert_eq!(attempt_count(app, "recent@northwind.test"), 1);
    });
}
