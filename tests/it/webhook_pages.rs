//! The dashboard's webhook pages, for the org's admins: adding an endpoint (the secret shows once,
//! a reload makes nothing), refusals that keep what was typed, the attempts with replay, a test
//! event, rotating and deleting after a question; nobody else gets in. In the browser: every
//! page passes axe and the whole flow works by keyboard-free clicks without JavaScript-only parts.
use labdesk::domain::ids::WebhookEndpointId;
use labdesk::web::urls;

use crate::support::axe::assert_accessible;
use crate::support::browser::{app_and_browser, sign_in};
use crate::support::receiver::Receiver;
use crate::support::{each_backend, TestApp, CLINICIAN, CSM, OPS, OTHER_OPS, PRIMARY_CARE};

fn list_url(app: &TestApp) -> String {
    urls::team_webhooks(&app.world.org_id, app.world.team(PRIMARY_CARE))
}

fn endpoint_of(location: &str) -> WebhookEndpointId {
    let path = location.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().parse().unwrap()
}

#[test]
fn an_admin_adds_an_endpoint_sees_its_secret_once_and_a_refusal_keeps_what_was_typed() {
    each_backend(|app| {
        let ops = app.login(OPS);
        let list = ops.get(&list_url(app));
        assert_eq!(list.status, 200);
        assert!(
            list.text().contains("No webhook endpoint yet"),
            "{}",
            list.text()
        );
        let team_page = ops.get(&urls::team(&app.world.org_id, app.world.team(PRIMARY_CARE)));
        assert!(team_page.body.contains(&list_url(app)));

        // No event type and a bad address: refused, nothing saved, what was typed kept.
        let refused = ops.post_form(
            &list_url(app),
            &[
                ("url", "ftp://files.example.com"),
                ("description", "EHR bridge"),
            ],
        );
        assert_eq!(refused.status, 422);
        let text = refused.text();
        assert!(
            text.contains("Use an http:// or https:// address."),
            "{text}"
        );
        assert!(text.contains("Choose at least one event type."));
        assert!(refused.body.contains("value=\"ftp://files.example.com\""));
        assert!(refused.body.contains("value=\"EHR bridge\""));
        assert!(refused
            .body
            .contains("aria-describedby=\"webhook-url-error\""));
        assert!(app
            .changes()
            .iter()
            .all(|(a, _)| !a.starts_with("webhook_endpoint")));

        let receiver = Receiver::start(0);
        let made = ops.post_form(
            &list_url(app),
            &[
                ("url", receiver.url.as_str()),
                ("description", "EHR bridge"),
                ("event_types", "labtest.order.created"),
                ("event_types", "labtest.result.critical"),
                ("enabled", "on"),
            ],
        );
        assert_eq!(made.status, 303, "{}", made.text());
        let location = made.location();
        let id = endpoint_of(&location);
        let page = ops.get(&location);
        assert!(page.text().contains("Webhook endpoint added."));
        assert!(page
            .text()
            .contains("copy it now, it will not be shown again"));
        let secret_at = page.body.find("whsec_").expect("the secret, once");
        assert!(page.body[secret_at..].starts_with("whsec_"));
        // A reload shows no secret and makes nothing.
        let again = ops.get(&location);
        assert!(!again.body.contains("whsec_"));
        let created: Vec<_> = app
            .changes()
            .into_iter()
            .filter(|(a, _)| a == "webhook_endpoint.created")
            .collect();
        assert_eq!(
            created,
            vec![("webhook_endpoint.created".to_string(), id.to_string())]
        );
        let list = ops.get(&list_url(app));
        assert!(list.text().contains(&receiver.url));
        assert!(list
            .text()
            .contains("labtest.order.created, labtest.result.critical"));
    });
}

#[test]
fn test_event_replay_rotate_and_delete_from_the_endpoint_page() {
    each_backend(|app| {
        let ops = app.login(OPS);
        let receiver = Receiver::start(1);
        let made = ops.post_form(
            &list_url(app),
            &[
                ("url", receiver.url.as_str()),
                ("event_types", "labtest.order.updated"),
                ("enabled", "on"),
            ],
        );
        let page_url = made.location().split('?').next().unwrap().to_string();
        let id = endpoint_of(&page_url);
        app.serve_again(|s| {
            s.webhook_worker = true;
            s.webhook_first_retry = std::time::Duration::from_secs(3600);
        });
        let team = app.world.team(PRIMARY_CARE);
        let org = &app.world.org_id;

        let sent = ops.post_form(&urls::webhook_test(org, team, &id), &[]);
        assert_eq!(sent.location(), format!("{page_url}?done=test_sent"));
        // The receiver fails the first try; the page shows the 500 and what it said.
        receiver.wait_until("the first try", |got| !got.is_empty());
        std::thread::sleep(std::time::Duration::from_millis(300));
        let page = ops.get(&page_url);
        let text = page.text();
        assert!(
            text.contains("labdesk.test") && text.contains("500"),
            "{text}"
        );
        assert!(text.contains("receiver not ready"));
        // Replay sends it again now (the next retry would be an hour away).
        let replay = page
            .body
            .split("action=\"")
            .find(|s| s.contains("/replay\""))
            .unwrap();
        let replay = replay.split('"').next().unwrap().to_string();
        let res = ops.post_form(&replay, &[]);
        assert_eq!(res.location(), format!("{page_url}?done=replayed"));
        let got = receiver.wait_until("the replay", |got| got.len() >= 2);
        assert_eq!(got[1].answered, 200);
        assert_eq!(got[1].id, got[0].id);

        // Rotating and deleting ask first; the answers change nothing.
        let rotate = urls::webhook_rotate(org, team, &id);
        let question = ops.get(&rotate);
        assert!(question.text().contains("Rotate the signing secret of"));
        let rotated = ops.post_form(&rotate, &[]);
        assert_eq!(rotated.location(), format!("{page_url}?done=rotated"));
        let shown = ops.get(&rotated.location());
        assert!(shown.body.contains("whsec_") && shown.text().contains("New signing secret made"));
        let delete = urls::webhook_delete(org, team, &id);
        assert!(ops.get(&delete).text().contains("This cannot be undone"));
        let deleted = ops.post_form(&delete, &[]);
        assert_eq!(
            deleted.location(),
            format!("{}?done=deleted", list_url(app))
        );
        assert!(ops
            .get(&deleted.location())
            .text()
            .contains("Webhook endpoint deleted."));
        assert_eq!(ops.get(&page_url).status, 404);
    });
}

#[test]
fn only_the_orgs_admins_reach_a_teams_webhooks() {
    each_backend(|app| {
        for (who, status) in [(CLINICIAN, 403), (CSM, 403), (OTHER_OPS, 404)] {
            let c = app.login(who);
            assert_eq!(c.get(&list_url(app)).status, status, "{who}");
            let res = c.post_form(
                &list_url(app),
                &[
                    ("url", "https://example.com/x"),
                    ("event_types", "labtest.order.created"),
                ],
            );
            assert_eq!(res.status, status, "{who}");
        }
        assert!(app
            .changes()
            .iter()
            .all(|(a, _)| !a.starts_with("webhook_endpoint")));
    });
}

#[test]
fn browser_webhook_pages_pass_axe_and_work_without_scripts_of_their_own() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, OPS);
    b.goto(&app.url(&list_url(&app)));
    assert_accessible(&b, "the empty webhooks page");
    b.find("#webhook-url").send_keys("http://127.0.0.1:9/hooks");
    b.find("#webhook-description")
        .send_keys("Nobody listens here");
    b.find("form.card button[type=submit]").click();
    b.wait_until(
        "the endpoint's page",
        crate::support::webdriver::WAIT,
        || b.source().contains("copy it now"),
    );
    assert_accessible(&b, "a new endpoint's page with its secret");
    b.find("form[action$=\"/test\"] button").click();
    b.wait_until(
        "the test event notice",
        crate::support::webdriver::WAIT,
        || b.source().contains("Test event queued"),
    );
    assert_accessible(&b, "the endpoint's page");
    b.goto(&app.url(&list_url(&app)));
    assert_accessible(&b, "the webhooks page with an endpoint");
    let endpoint = b.find("table.data a").attribute("href").unwrap();
    b.goto(&format!("{}/rotate", app.url(&endpoint)));
    assert_accessible(&b, "the rotate question");
}
