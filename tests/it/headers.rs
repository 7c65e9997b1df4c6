//! The headers every answer carries (CSP, nosniff, framing, referrer, HSTS over HTTPS only) and
//! `no-store` as the default for signed-in pages and API answers with patient data.
use labdesk::web::urls;

use crate::support::app::{serve, settings_from_flags};
use crate::support::orders::place;
use crate::support::results::{delivered, jane_order};
use crate::support::{
    each_backend, Backend, Client, Resp, TestApp, OPS, PRIMARY_CARE, TEAM_KEY_HEADER,
};
use crate::wizard::support::Wizard;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
const HSTS: &str = "max-age=31536000";

fn assert_security_headers(what: &str, res: &Resp) {
    assert_eq!(res.header("content-security-policy"), Some(CSP), "{what}");
    assert_eq!(
        res.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(res.header("referrer-policy"), Some("same-origin"), "{what}");
    assert_eq!(res.header("x-frame-options"), Some("DENY"), "{what}");
}

/// A page, an API answer, a static file, an API error, a page 404 and the sign-in form.
fn kinds_of_answer(app: &TestApp, c: &Client) -> Vec<(&'static str, Resp, u16)> {
    let key = &app.world.team_key;
    vec![
        ("page", c.get(&urls::lab_accounts(app.world.org())), 200),
        (
            "API",
            c.api_get("/v3/lab_test/lab_account", TEAM_KEY_HEADER, key),
            200,
        ),
        ("static file", c.get("/static/app.css"), 200),
        (
            "API 404",
            c.api_get(
                "/v3/order/00000000-0000-4000-8000-000000000000",
                TEAM_KEY_HEADER,
                key,
            ),
            404,
        ),
        ("page 404", c.get("/no/such/page"), 404),
        ("sign-in form", app.client().get(&urls::sign_in()), 200),
    ]
}

#[test]
fn every_kind_of_answer_carries_the_security_headers_and_no_hsts_over_http() {
    each_backend(|app| {
        let c = app.login(OPS);
        for (what, res, status) in kinds_of_answer(app, &c) {
            assert_eq!(res.status, status, "{what}: {}", res.body);
            assert_security_headers(what, &res);
            assert_eq!(res.header("strict-transport-security"), None, "{what}");
        }
    });
}

/// A second server on the app's database, configured as served over HTTPS (behind a proxy).
fn https_server(app: &TestApp) -> String {
    serve(
        settings_from_flags(&["--https"], &app.database_url),
        app.pool.clone(),
    )
}

#[test]
fn hsts_is_sent_on_every_answer_when_served_over_https() {
    let app = TestApp::spawn(Backend::Sqlite);
    let c = Client::new(&https_server(&app));
    let key = &app.world.team_key;
    for (what, res) in [
        ("sign-in form", c.get(&urls::sign_in())),
        ("static file", c.get("/static/app.css")),
        ("page 404", c.get("/no/such/page")),
        (
            "API",
            c.api_get("/v3/lab_test/lab_account", TEAM_KEY_HEADER, key),
        ),
    ] {
        assert_security_headers(what, &res);
        assert_eq!(
            res.header("strict-transport-security"),
            Some(HSTS),
            "{what}"
        );
    }
}

#[test]
fn signed_in_pages_and_api_answers_with_patient_data_are_not_stored() {
    each_backend(|app| {
        let wizard = Wizard::start(app);
        let ops = app.login(OPS);
        let fresh = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        let resulted = jane_order(app);
        delivered(app, "final.hl7", &resulted);
        let key = &app.world.team_key;
        let table: Vec<(&str, Resp)> = vec![
            ("wizard patient step", wizard.get("patient")),
            ("audit page", ops.get(&urls::audit(&app.world.org_id))),
            ("audit CSV", ops.get(&urls::audit_csv(&app.world.org_id))),
            (
                "cancel confirmation",
                ops.get(&urls::cancel_order(&app.world.org_id, &fresh)),
            ),
            (
                "order page",
                ops.get(&urls::order(&app.world.org_id, &resulted)),
            ),
            (
                "GET /v3/orders",
                ops.api_get("/v3/orders", TEAM_KEY_HEADER, key),
            ),
            (
                "GET /v3/order/{id}/result",
                ops.api_get(
                    &format!("/v3/order/{resulted}/result"),
                    TEAM_KEY_HEADER,
                    key,
                ),
            ),
        ];
        for (what, res) in table {
            assert_eq!(res.status, 200, "{what}: {}", res.text());
            assert_eq!(
                res.header("cache-control"),
                Some("private, no-store"),
                "{what}"
            );
        }
        // The API answer really carries the patient's result (so the row above means something).
        let result = ops.api_get(
            &format!("/v3/order/{resulted}/result"),
            TEAM_KEY_HEADER,
            key,
        );
        assert!(result.body.contains("results"), "{}", result.body);
        // What holds nothing about anyone keeps its caching as it is.
        let anon = app.client();
        for path in ["/livez", "/readyz", &urls::sign_in()] {
            let res = anon.get(path);
            assert_eq!(res.status, 200, "{path}");
            assert_eq!(res.header("cache-control"), None, "{path}");
        }
        // Static files at this build's fingerprint are kept for good; at any other address,
        // only after asking again.
        for (path, kept) in [
            (
                urls::asset("app.css"),
                "public, max-age=31536000, immutable",
            ),
            (
                urls::asset("vendor/htmx-2.0.11.min.js"),
                "public, max-age=31536000, immutable",
            ),
            (urls::asset("app.js"), "public, max-age=31536000, immutable"),
            (
                urls::asset("favicon.svg"),
                "public, max-age=31536000, immutable",
            ),
            ("/static/app.css".to_string(), "public, no-cache"),
            (
                "/static/app.css?v=000000000000".to_string(),
                "public, no-cache",
            ),
        ] {
            let res = anon.get(&path);
            assert_eq!(res.status, 200, "{path}");
            assert_eq!(res.header("cache-control"), Some(kept), "{path}");
        }
        // Pages name the fingerprinted addresses.
        let login = anon.get(&urls::sign_in());
        for asset in ["app.css", "favicon.svg"] {
            assert!(
                login.body.contains(&urls::asset(asset)),
                "{asset}: {}",
                login.body
            );
        }
    });
}

/// Every template file, as (path, text).
fn templates() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &mut out,
    );
    assert!(out.len() > 20, "found the templates");
    out
}

#[test]
fn no_template_needs_what_the_csp_refuses() {
    // What the browser would refuse (inline code or style) or what htmx would have to eval.
    let refused = ["style=", "<style", "javascript:", "hx-on", "js:", "hx-vals"];
    for (path, text) in templates() {
        for needle in refused {
            assert!(!text.contains(needle), "{path} contains {needle}");
        }
        assert!(
            !has_inline_handler(&text),
            "{path} has an inline on…= event handler"
        );
        // Scripts only from our own files, with nothing between the tags.
        for (at, _) in text.match_indices("<script") {
            let tag = &text[at..];
            let open_end = tag.find('>').expect("a closed script tag");
            assert!(
                tag[..open_end].contains("src=\"{{ crate::web::urls::asset("),
                "{path}: inline script"
            );
            assert!(
                tag[open_end + 1..].starts_with("</script>"),
                "{path}: a script with a body"
            );
        }
    }
}

/// Whether the text has an attribute like ` onclick=` (an inline event handler).
fn has_inline_handler(text: &str) -> bool {
    text.match_indices(" on").any(|(at, _)| {
        let rest = &text[at + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}
