//! A session that ended while a page was open (signed out in another tab, everywhere from another
//! browser, timed out): the next request sends the person to sign in, and signing in brings them
//! back to the page they were on. A post is never run again, a missing session is not reported
//! as a CSRF problem, and the return address is only ever a path of this site.
use diesel::prelude::*;
use labdesk::db::schema::sessions;
use labdesk::seed::demo::DEMO_PASSWORD;
use labdesk::web::urls;

use crate::support::client::extract_csrf;
use crate::support::sessions::{form, user_id};
use crate::support::{each_backend, Client, Resp, TestApp, CARDIOLOGY, OPS};

fn sign_in_back_to(path: &str) -> String {
    format!("{}?{}", urls::sign_in(), form(&[("next", path)]))
}

/// Ends every session of the person on the server, as "sign out everywhere" in another browser
/// does; this browser keeps its cookie.
fn end_sessions_on_the_server(app: &TestApp, email: &str) {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id(app, email))))
        .set(sessions::revoked_at.eq(Some(labdesk::db::now())))
        .execute(&mut app.conn())
        .unwrap();
}

/// Signs in through the sign-in page at `login` (as a redirect gave it), posting what it holds.
fn sign_in_at(c: &Client, login: &str) -> Resp {
    let page = c.get(login);
    assert_eq!(page.status, 200, "{}", page.text());
    post_sign_in(c, &page, hidden_next(&page.body).as_deref())
}

/// Posts the sign-in form of `page` as ops, with this return address.
fn post_sign_in(c: &Client, page: &Resp, next: Option<&str>) -> Resp {
    let token = extract_csrf(&page.body).unwrap();
    let mut fields = vec![("csrf_token", token.as_str()), ("email", OPS)];
    fields.push(("password", DEMO_PASSWORD));
    fields.extend(next.map(|n| ("next", n)));
    c.post_form_raw(&urls::sign_in(), &fields)
}

/// The return address the sign-in form keeps, unescaped as a browser posts it.
fn hidden_next(html: &str) -> Option<String> {
    let marker = "name=\"next\" value=\"";
    let start = html.find(marker)? + marker.len();
    let raw: String = html[start..].chars().take_while(|c| *c != '"').collect();
    Some(raw.replace("&amp;", "&").replace("&#x2f;", "/"))
}

#[test]
fn a_page_opened_without_a_session_signs_in_and_comes_back_to_it() {
    each_backend(|app| {
        let c = app.client();
        let page = format!("{}?status=suspended", urls::lab_accounts(app.world.org()));
        let res = c.get(&page);
        assert_eq!(res.location(), sign_in_back_to(&page));
        let login = c.get(&res.location());
        assert!(login
            .text()
            .contains("You will go back to the page you were on"));
        let signed_in = sign_in_at(&c, &res.location());
        assert_eq!(signed_in.location(), page);
        assert_eq!(c.get(&page).status, 200);
    });
}

#[test]
fn an_htmx_action_after_sign_out_in_another_tab_goes_to_sign_in_not_a_csrf_message() {
    each_backend(|app| {
        let c = app.login(OPS);
        let account = app.world.account("LC-220011");
        let team = app.world.team(CARDIOLOGY);
        let account_page = urls::lab_account(app.world.org(), account);
        // The other tab signs out: the cookie is gone, this page still has its token.
        c.post_form(&urls::sign_out(), &[]);
        let audit = app.audit_total();
        let current = app.url(&account_page);
        let htmx = [("HX-Request", "true"), ("HX-Current-URL", current.as_str())];
        let res = c.post_with_headers(
            &urls::lab_account_teams(app.world.org(), account),
            &htmx,
            &[("team_id", team.as_str())],
        );
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(
            res.header("hx-redirect"),
            Some(sign_in_back_to(&account_page).as_str())
        );
        assert!(!res.text().contains("CSRF"));
        assert!(app.linked_team_ids(account).is_empty());
        assert_eq!(app.audit_total(), audit);

        // An htmx GET goes back to the page htmx runs in, not to the fragment's address.
        let res = c.get_with_headers(&urls::org_orders(&app.world.org_id), &htmx);
        assert_eq!(
            res.header("hx-redirect"),
            Some(sign_in_back_to(&account_page).as_str())
        );
    });
}

#[test]
fn a_form_post_after_the_session_ended_returns_to_the_page_of_the_form_and_is_not_run() {
    each_backend(|app| {
        let c = app.login(OPS);
        let account = app.world.account("LC-220011");
        let team = app.world.team(CARDIOLOGY);
        let account_page = urls::lab_account(app.world.org(), account);
        let link = urls::lab_account_teams(app.world.org(), account);
        end_sessions_on_the_server(app, OPS);
        let res = c.post_with_headers(
            &link,
            &[("Referer", &app.url(&account_page))],
            &[("team_id", team.as_str())],
        );
        assert_eq!(res.location(), sign_in_back_to(&account_page));
        // Without a Referer there is no page to go back to; a foreign one is refused as before.
        let res = c.post_with_headers(&link, &[], &[("team_id", team.as_str())]);
        assert_eq!(res.location(), urls::sign_in());
        let res = c.post_with_headers(
            &link,
            &[("Referer", "https://evil.example/orgs")],
            &[("team_id", team.as_str())],
        );
        assert_eq!(res.status, 403);

        // Signing in lands on the account page; the post was not made again.
        let signed_in = sign_in_at(&c, &sign_in_back_to(&account_page));
        assert_eq!(signed_in.location(), account_page);
        assert!(app.linked_team_ids(account).is_empty());
        assert!(app
            .audit_rows("lab_account.team_linked", account)
            .is_empty());
        let signed_in_rows = app.audit_rows("user.signed_in", user_id(app, OPS)).len();
        assert_eq!(signed_in_rows, 2, "the first sign-in and this one");
    });
}

#[test]
fn a_live_session_with_a_wrong_token_is_still_a_csrf_refusal() {
    each_backend(|app| {
        let c = app.login(OPS);
        let account = app.world.account("LC-220011");
        let res = c.post_form_raw(
            &urls::lab_account_teams(app.world.org(), account),
            &[("csrf_token", "forged")],
        );
        assert_eq!(res.status, 403);
        assert!(res.text().contains("CSRF"), "{}", res.text());
    });
}

#[test]
fn only_a_path_of_this_site_is_a_return_address() {
    each_backend(|app| {
        let foreign = [
            "//evil.example",
            "//evil.example/orgs",
            "https://evil.example/orgs",
            "/\\evil.example",
            "/\t/evil.example",
            "javascript:alert(1)",
            "orgs",
            "/login",
        ];
        for next in foreign {
            let c = app.client();
            let page = c.get(&format!("{}?{}", urls::sign_in(), form(&[("next", next)])));
            assert_eq!(page.status, 200, "{next:?}");
            assert!(hidden_next(&page.body).is_none(), "{next:?} kept");
            let res = post_sign_in(&c, &page, Some(next));
            assert_eq!(res.location(), urls::home(), "{next:?}");
        }
        // htmx's current URL or a Referer on another site gives no return address either.
        let c = app.client();
        let accounts = urls::lab_accounts(app.world.org());
        let res = c.get_with_headers(
            &accounts,
            &[
                ("HX-Request", "true"),
                ("HX-Current-URL", "https://evil.example/orgs/x"),
            ],
        );
        assert_eq!(res.header("hx-redirect"), Some(urls::sign_in().as_str()));
        let res = c.get_with_headers(
            &accounts,
            &[
                ("HX-Request", "true"),
                ("HX-Current-URL", &format!("{}//evil.example", app.base)),
            ],
        );
        assert_eq!(res.header("hx-redirect"), Some(urls::sign_in().as_str()));
        // Someone already signed in who follows a crafted link still stays here.
        let signed_in = app.login(OPS);
        let res = signed_in.get(&format!(
            "{}?{}",
            urls::sign_in(),
            form(&[("next", "//evil.example")])
        ));
        assert_eq!(res.location(), urls::home());
        let orgs = signed_in.get(&sign_in_back_to(&urls::orgs()));
        assert_eq!(orgs.location(), urls::orgs());
    });
}
