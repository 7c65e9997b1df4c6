//! Server-side sessions: sign-out, sign out everywhere, renewal at sign-in and the timeouts are
//! decided on the server, so a copied cookie stops working too.
use chrono::Duration;
use diesel::prelude::*;
use labdesk::db::schema::{sessions, users};
use labdesk::seed::demo::DEMO_PASSWORD;

use crate::helpers::{each_backend, extract_csrf, Resp, TestApp};
use crate::order_fixtures::{CSM, OPS};

/// The session cookie a response set, as `name=value`.
pub fn session_cookie(res: &Resp) -> String {
    res.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.split(';').next().unwrap_or_default().to_string())
        .find(|c| c.starts_with("labdesk_session="))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", res.headers))
}

/// A GET from a fresh client that presents only this cookie (a copy made earlier, say):
/// (status, location, body).
pub fn replay(app: &TestApp, cookie: &str, path: &str) -> (u16, Option<String>, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let res = match agent
        .get(&format!("{}{path}", app.base))
        .set("Cookie", cookie)
        .call()
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = res.status();
    let location = res.header("location").map(str::to_string);
    (status, location, res.into_string().unwrap_or_default())
}

pub fn signed_out(app: &TestApp, cookie: &str) -> bool {
    let (status, location, _) = replay(app, cookie, "/orgs");
    status == 303 && location.as_deref() == Some("/login")
}

pub fn user_id(app: &TestApp, email: &str) -> String {
    labdesk::db::users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .id
}

/// A person's session rows: (not revoked, revoked).
pub fn session_rows(app: &TestApp, email: &str) -> (usize, usize) {
    let revoked: Vec<Option<chrono::NaiveDateTime>> = sessions::table
        .filter(sessions::user_id.eq(user_id(app, email)))
        .select(sessions::revoked_at)
        .load(&mut app.conn())
        .unwrap();
    let ended = revoked.iter().filter(|r| r.is_some()).count();
    (revoked.len() - ended, ended)
}

/// Signs in a fresh client; returns it (with its CSRF token) and its session cookie.
pub fn sign_in(app: &TestApp, email: &str) -> (crate::helpers::Client, String) {
    let mut c = app.client();
    let res = c.sign_in(email, DEMO_PASSWORD);
    assert_eq!(res.status, 303, "{}", res.body);
    let cookie = session_cookie(&res);
    c.refresh_csrf();
    (c, cookie)
}

#[test]
fn sign_out_ends_the_session() {
    each_backend(|app| {
        let (c, cookie) = sign_in(app, OPS);
        assert_eq!(
            replay(app, &cookie, "/orgs").0,
            200,
            "the copy works before"
        );
        let res = c.post_form("/logout", &[]);
        assert_eq!(res.header("location"), Some("/login"));
        assert!(
            signed_out(app, &cookie),
            "a copy of the cookie outlived sign-out"
        );
        assert_eq!(session_rows(app, OPS), (0, 1));
        let audit = app.audit_rows("user.signed_out", &user_id(app, OPS));
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_label, OPS);
    });
}

#[test]
fn sign_in_starts_a_new_session_and_ends_the_one_it_replaces() {
    each_backend(|app| {
        let c = app.client();
        let page = c.get("/login");
        let before = session_cookie(&page);
        let token = extract_csrf(&page.body).unwrap();
        let res = c.post_form_raw(
            "/login",
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
        let (status, _, body) = replay(app, &first, "/orgs");
        assert_eq!(status, 200);
        assert!(body.contains("Olivia Park"), "signed in as ops");

        // Signing in again in the same browser, as someone else, ends the first session.
        let token = extract_csrf(&c.get("/orgs").body).unwrap();
        let res = c.post_form_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", CSM),
                ("password", DEMO_PASSWORD),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.body);
        let second = session_cookie(&res);
        assert!(signed_out(app, &first), "the replaced session still works");
        let (status, _, body) = replay(app, &second, "/orgs");
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
        let (laptop, laptop_cookie) = sign_in(app, OPS);
        let (phone, _) = sign_in(app, OPS);
        let (other, _) = sign_in(app, CSM);
        let page = laptop.get("/orgs");
        assert!(
            page.body.contains(r#"action="/logout/everywhere""#),
            "the dashboard offers it"
        );
        let forged = laptop.post_form_raw("/logout/everywhere", &[]);
        assert_eq!(forged.status, 403, "needs the CSRF token");
        assert_eq!(phone.get("/orgs").status, 200);

        let res = laptop.post_form("/logout/everywhere", &[]);
        assert_eq!(res.header("location"), Some("/login"));
        assert_eq!(phone.get("/orgs").status, 303, "the other browser is out");
        assert!(signed_out(app, &laptop_cookie));
        assert_eq!(other.get("/orgs").status, 200, "another person stays in");
        assert_eq!(session_rows(app, OPS), (0, 2));
        let audit = app.audit_rows("user.signed_out_everywhere", &user_id(app, OPS));
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
        let (_, cookie) = sign_in(app, OPS);
        age_session(app, OPS, Duration::minutes(40), Duration::minutes(29));
        assert_eq!(replay(app, &cookie, "/orgs").0, 200, "idle 29 minutes");
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

        let (_, cookie) = sign_in(app, CSM);
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
        let (c, _) = sign_in(app, OPS);
        diesel::update(users::table.filter(users::email.eq(OPS)))
            .set(users::disabled_at.eq(Some(labdesk::db::now())))
            .execute(&mut app.conn())
            .unwrap();
        assert_eq!(c.get("/orgs").status, 303);
    });
}

#[test]
fn ended_sessions_are_deleted_at_the_next_sign_in() {
    each_backend(|app| {
        let (c, _) = sign_in(app, OPS);
        c.post_form("/logout", &[]);
        assert_eq!(session_rows(app, OPS), (0, 1));
        // The CSM's sign-in is the last one before the CSM's session is aged.
        sign_in(app, CSM);
        assert_eq!(
            session_rows(app, OPS),
            (0, 0),
            "pruned at the CSM's sign-in"
        );
        age_session(app, CSM, Duration::hours(13), Duration::zero());
        assert_eq!(session_rows(app, CSM), (1, 0));
        sign_in(app, OPS);
        assert_eq!(session_rows(app, OPS), (1, 0));
        assert_eq!(session_rows(app, CSM), (0, 0), "the expired one is gone");
    });
}
