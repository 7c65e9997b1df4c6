//! Server-side sessions: sign-out, sign out everywhere, renewal at sign-in and the timeouts are
//! decided on the server, so a copied cookie stops working too.
use chrono::Duration;
use diesel::prelude::*;
use labdesk::db::schema::{sessions, users};
use labdesk::seed::demo::DEMO_PASSWORD;
use labdesk::web::urls;

use crate::support::client::extract_csrf;
use crate::support::sessions::{replay, session_cookie, session_rows, signed_out, user_id};
use crate::support::{each_backend, TestApp, CSM, OPS};

#[test]
fn sign_out_ends_the_session() {
    each_backend(|app| {
        let (c, cookie) = app.login_with_cookie(OPS);
        assert_eq!(
            replay(app, &cookie, &urls::orgs()).0,
            200,
            "the copy works before"
        );
        let res = c.post_form(&urls::sign_out(), &[]);
        assert_eq!(res.header("location"), Some(urls::sign_in().as_str()));
        assert!(
            signed_out(app, &cookie),
            "a copy of the cookie outlived sign-out"
        );
        assert_eq!(session_rows(app, OPS), (0, 1));
        let audit = app.audit_rows("user.signed_out", user_id(app, OPS));
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_label, OPS);
    });
}

#[test]
fn sign_in_starts_a_new_session_and_ends_the_one_it_replaces() {
    each_backend(|app| {
        let c = app.client();
        let page = c.get(&urls::sign_in());
        let before = session_cookie(&page);
        let token = extract_csrf(&page.body).unwrap();
        let res = c.post_form_raw(
            &urls::sign_in(),
            &[
                ("csrf_token", &token),
                ("email", OPS),
                ("password", DEMO_PASSWORD),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.body);
        let first = session_cookie(&res);
        assert_ne!(before, first);
        assert!(
            signed_out(app, &before),
            "the cookie from before sign-in became a session"
        );
        let (status, _, body) = replay(app, &first, &urls::orgs());
        assert_eq!(status, 200);
        assert!(body.contains("Olivia Park"), "signed in as ops");

        // Signing in again in the same browser, as someone else, ends the first session.
        let token = extract_csrf(&c.get(&urls::orgs()).body).unwrap();
        let res = c.post_form_raw(
            &urls::sign_in(),
            &[
                ("csrf_token", &token),
                ("email", CSM),
                ("password", DEMO_PASSWORD),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.body);
        let second = session_cookie(&res);
        assert!(signed_out(app, &first), "the replaced session still works");
        let (status, _, body) = replay(app, &second, &urls::orgs());
        assert_eq!(status, 200);
        assert!(
            body.contains("Casey Morgan"),
            "signed in as the CSM: {body}"
        );
        assert_eq!(session_rows(app, OPS).0, 0, "no live session left for ops");
        assert_eq!(session_rows(app, CSM), (1, 0));
    });
}

#[test]
fn sign_out_everywhere_ends_every_session_of_that_person_only() {
    each_backend(|app| {
        let (laptop, laptop_cookie) = app.login_with_cookie(OPS);
        let (phone, _) = app.login_with_cookie(OPS);
        let (other, _) = app.login_with_cookie(CSM);
        let page = laptop.get(&urls::orgs());
        assert!(
            page.body
                .contains(&format!("action=\"{}\"", urls::sign_out_everywhere())),
            "the dashboard offers it"
        );
        let forged = laptop.post_form_raw(&urls::sign_out_everywhere(), &[]);
        assert_eq!(forged.status, 403, "needs the CSRF token");
        assert_eq!(phone.get(&urls::orgs()).status, 200);

        let res = laptop.post_form(&urls::sign_out_everywhere(), &[]);
        assert_eq!(res.header("location"), Some(urls::sign_in().as_str()));
        assert_eq!(
            phone.get(&urls::orgs()).status,
            303,
            "the other browser is out"
        );
        assert!(signed_out(app, &laptop_cookie));
        assert_eq!(
            other.get(&urls::orgs()).status,
            200,
            "another person stays in"
        );
        assert_eq!(session_rows(app, OPS), (0, 2));
        let audit = app.audit_rows("user.signed_out_everywhere", user_id(app, OPS));
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].details, r#"{"sessions_ended":2}"#);
    });
}

fn age_session(app: &TestApp, email: &str, created: Duration, seen: Duration) {
    let now = labdesk::db::now();
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id(app, email))))
        .set((
            sessions::created_at.eq(now - created),
            sessions::last_seen_at.eq(now - seen),
        ))
        .execute(&mut app.conn())
        .unwrap();
}

#[test]
fn sessions_end_on_the_server_after_30_idle_minutes_or_12_hours() {
    each_backend(|app| {
        let (_, cookie) = app.login_with_cookie(OPS);
        age_session(app, OPS, Duration::minutes(40), Duration::minutes(29));
        assert_eq!(
            replay(app, &cookie, &urls::orgs()).0,
            200,
            "idle 29 minutes"
        );
        let seen: chrono::NaiveDateTime = sessions::table
            .select(sessions::last_seen_at)
            .first(&mut app.conn())
            .unwrap();
        assert!(
            labdesk::db::now() - seen < Duration::minutes(1),
            "the request moved last_seen_at"
        );
        age_session(app, OPS, Duration::minutes(40), Duration::minutes(31));
        assert!(signed_out(app, &cookie), "idle 31 minutes");

        let (_, cookie) = app.login_with_cookie(CSM);
        age_session(
            app,
            CSM,
            Duration::hours(12) + Duration::minutes(1),
            Duration::zero(),
        );
        assert!(signed_out(app, &cookie), "12 hours old");
    });
}

#[test]
fn a_disabled_person_is_refused_on_their_next_request() {
    each_backend(|app| {
        let (c, _) = app.login_with_cookie(OPS);
        diesel::update(users::table.filter(users::email.eq(OPS)))
            .set(users::disabled_at.eq(Some(labdesk::db::now())))
            .execute(&mut app.conn())
            .unwrap();
        assert_eq!(c.get(&urls::orgs()).status, 303);
    });
}

#[test]
fn ended_sessions_are_deleted_at_the_next_sign_in() {
    each_backend(|app| {
        let (c, _) = app.login_with_cookie(OPS);
        c.post_form(&urls::sign_out(), &[]);
        assert_eq!(session_rows(app, OPS), (0, 1));
        // The CSM's sign-in is the last one before the CSM's session is aged.
        app.login_with_cookie(CSM);
        assert_eq!(
            session_rows(app, OPS),
            (0, 0),
            "pruned at the CSM's sign-in"
        );
        age_session(app, CSM, Duration::hours(13), Duration::zero());
        assert_eq!(session_rows(app, CSM), (1, 0));
        app.login_with_cookie(OPS);
        assert_eq!(session_rows(app, OPS), (1, 0));
        assert_eq!(session_rows(app, CSM), (0, 0), "the expired one is gone");
    });
}
