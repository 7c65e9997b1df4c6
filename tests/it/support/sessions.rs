//! Server-side sessions seen from outside: the cookie a sign-in sets, a copy of it replayed from
//! another client, and the session rows of a person.
use diesel::prelude::*;
use labdesk::db::schema::sessions;
use labdesk::web::urls;

use super::app::TestApp;
use super::client::Resp;

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
    let res = match agent.get(&app.url(path)).set("Cookie", cookie).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = res.status();
    let location = res.header("location").map(str::to_string);
    (status, location, res.into_string().unwrap_or_default())
}

/// Whether this cookie no longer opens a page (the server sends it to sign in).
pub fn signed_out(app: &TestApp, cookie: &str) -> bool {
    let (status, location, _) = replay(app, cookie, &urls::orgs());
    status == 303 && location.is_some_and(|l| l.split('?').next() == Some(urls::sign_in().as_str()))
}

/// The id of a person, by email.
pub fn user_id(app: &TestApp, email: &str) -> labdesk::domain::ids::UserId {
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

/// A query string or form body, encoded as a browser does.
pub fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}
