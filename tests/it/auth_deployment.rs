//! How the deployment settings (bind address, HTTPS, public URL, a trusted proxy) shape the
//! session cookie, the origin check and the client address of the sign-in throttle.
use labdesk::db::login_attempts;
use labdesk::seed::demo::DEMO_PASSWORD;

use labdesk::web::urls;

use crate::support::client::extract_csrf;
use crate::support::sessions::session_cookie;
use crate::support::{each_backend, Backend, Client, TestApp, CARDIOLOGY, OPS};

#[test]
fn a_forwarded_host_does_not_make_a_foreign_origin_ours() {
    each_backend(|app| {
        let c = app.login(OPS);
        let account = app.world.account("LC-220011");
        let path = urls::lab_account_teams(app.world.org(), account);
        let team = app.world.team(CARDIOLOGY);
        let audit_before = app.audit_total();
        let res = c.post_with_headers(
            &path,
            &[
                ("X-Forwarded-Host", "evil.example"),
                ("X-Forwarded-Proto", "http"),
                ("Origin", "http://evil.example"),
            ],
            &[("team_id", team.as_str())],
        );
        assert_eq!(res.status, 403, "{}", res.body);
        assert!(res.text().contains("CSRF"), "{}", res.text());
        assert!(app.linked_team_ids(account).is_empty());
        assert_eq!(app.audit_total(), audit_before);
        let same_origin = c.post_with_headers(
            &path,
            &[("Origin", &app.base)],
            &[("team_id", team.as_str())],
        );
        assert_eq!(same_origin.status, 303, "{}", same_origin.body);
        assert_eq!(app.linked_team_ids(account), vec![team.to_string()]);
    });
}

#[test]
fn the_session_cookie_is_secure_unless_served_on_loopback_or_asked_not_to_be() {
    let app = TestApp::spawn(Backend::Sqlite);
    for (bind, https, insecure, secure) in [
        ("127.0.0.1:0", false, false, false),
        ("0.0.0.0:0", false, false, true),
        ("0.0.0.0:0", false, true, false),
        ("127.0.0.1:0", true, false, true),
    ] {
        let base = app.serve_again(|s| {
            s.bind = bind.parse().unwrap();
            s.https = https;
            s.insecure_cookies = insecure;
        });
        let res = Client::new(&base).get(&urls::sign_in());
        let cookie = res
            .header("set-cookie")
            .expect("a cookie for the CSRF token");
        assert_eq!(
            cookie.contains("; Secure"),
            secure,
            "{bind} https={https} insecure={insecure}: {cookie}"
        );
        let _ = session_cookie(&res);
    }
}

#[test]
fn behind_a_trusted_proxy_its_host_and_client_address_count() {
    let app = TestApp::spawn(Backend::Sqlite);
    let base = app.serve_again(|s| {
        s.trust_proxy = true;
        s.public_url = Some("https://labdesk.example.org".into());
    });
    let now = labdesk::db::now();
    for i in 0..labdesk::domain::lockout::MAX_ADDRESS_FAILURES {
        let email = format!("guess{i}@northwind.test");
        login_attempts::record_failure(&mut app.conn(), &email, "203.0.113.7", now).unwrap();
    }
    let mut c = Client::new(&base);
    c.csrf = extract_csrf(&c.get(&urls::sign_in()).body);
    let sign_in = |forwarded_for: &str| {
        c.post_with_headers(
            &urls::sign_in(),
            &[
                ("X-Forwarded-For", forwarded_for),
                ("Origin", "https://labdesk.example.org"),
            ],
            &[("email", OPS), ("password", DEMO_PASSWORD)],
        )
    };
    // Only the last entry is the proxy's own; the ones before are whatever the client sent.
    assert_eq!(sign_in("198.51.100.1, 203.0.113.7").status, 429);
    let res = sign_in("203.0.113.7, 198.51.100.1");
    assert_eq!(res.status, 303, "{}", res.body);

    // The host the proxy says the browser used is ours too; another origin still is not.
    c.csrf = extract_csrf(&c.get(&urls::orgs()).body);
    let account = app.world.account("LC-220011");
    let path = urls::lab_account_teams(app.world.org(), account);
    let team = app.world.team(CARDIOLOGY);
    let post = |origin: &str| {
        c.post_with_headers(
            &path,
            &[
                ("X-Forwarded-Host", "labdesk.internal.example"),
                ("X-Forwarded-Proto", "https"),
                ("Origin", origin),
            ],
            &[("team_id", team.as_str())],
        )
    };
    assert_eq!(post("https://evil.example").status, 403);
    assert!(app.linked_team_ids(account).is_empty());
    assert_eq!(post("https://labdesk.internal.example").status, 303);
    assert_eq!(app.linked_team_ids(account), vec![team.to_string()]);
}
