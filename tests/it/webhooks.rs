//! Webhooks end to end: endpoints managed over the Org Management API, events written in the
//! transaction of the change, delivered by the worker to a real receiver in order, signed so a
//! Svix verifier accepts them, tried again after failures, once across two instances.
use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use labdesk::domain::actor::Actor;
use labdesk::error::AppError;

use crate::support::receiver::{Received, Receiver};
use crate::support::results::jane_order;
use crate::support::{each_backend, Backend, Resp, TestApp, PRIMARY_CARE, TEAM_KEY_HEADER};

const MANAGEMENT: &str = "X-Management-Key";

fn endpoints_path(app: &TestApp) -> String {
    format!(
        "/v1/org/{}/team/{}/webhook_endpoint",
        app.world.org_id,
        app.world.team(PRIMARY_CARE)
    )
}

/// Adds an endpoint for Primary Care; its JSON (with the secret).
fn add_endpoint(app: &TestApp, url: &str, types: &[&str]) -> Value {
    let res = app.client().api_post(
        &endpoints_path(app),
        MANAGEMENT,
        &app.world.org_key,
        &json!({"url": url, "event_types": types, "description": "test receiver"}).to_string(),
        None,
    );
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A delivery worker on this app's database (a second server, as another instance would be).
fn start_worker(app: &TestApp) -> String {
    app.serve_again(|s| {
        s.webhook_worker = true;
        s.webhook_first_retry = Duration::from_millis(200);
    })
}

/// Checks a delivery's signature the way Svix's libraries do, written out here so that the test
/// does not lean on the code under test.
fn verifies(secret: &str, r: &Received) -> bool {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .expect("base64 secret");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    r.signature.split(' ').any(|s| s == expected)
}

fn simulate(app: &TestApp, order: &impl std::fmt::Display) -> Resp {
    app.client().api_post(
        &format!("/v3/order/{order}/test"),
        TEAM_KEY_HEADER,
        &app.world.team_key,
        "",
        None,
    )
}

#[test]
fn order_events_arrive_in_order_signed_so_a_svix_verifier_accepts_them() {
    each_backend(|app| {
        let receiver = Receiver::start(0);
        let endpoint = add_endpoint(
            app,
            &receiver.url,
            &["labtest.order.created", "labtest.order.updated"],
        );
        let secret = endpoint["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("whsec_"));
        start_worker(app);

        let order = jane_order(app);
        assert_eq!(simulate(app, &order).status, 200);
        receiver.wait_until("the order's five events", |got| got.len() >= 5);
        std::thread::sleep(Duration::from_millis(500));
        let got = receiver.received();
        let seen: Vec<(String, String)> = got
            .iter()
            .map(|r| {
                let body = r.json();
                (
                    body["event_type"].as_str().unwrap().to_string(),
                    body["data"]["events"]
                        .as_array()
                        .and_then(|e| e.last())
                        .map(|e| e["status"].as_str().unwrap().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let expected: Vec<(&str, &str)> = vec![
            ("labtest.order.created", "received.walk_in_test.ordered"),
            (
                "labtest.order.updated",
                "received.walk_in_test.requisition_created",
            ),
            (
                "labtest.order.updated",
                "collecting_sample.walk_in_test.appointment_scheduled",
            ),
            (
                "labtest.order.updated",
                "sample_with_lab.walk_in_test.partial_results",
            ),
            ("labtest.order.updated", "completed.walk_in_test.completed"),
        ];
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(seen, expected, "one event per change, in order");
        for r in &got {
            assert!(verifies(&secret, r), "signature of {}", r.id);
            assert!(r.id.starts_with("msg_"));
            let body = r.json();
            assert_eq!(body["team_id"], app.world.team(PRIMARY_CARE).as_str());
            assert_eq!(body["data"]["id"], order.as_str());
            assert!(body["user_id"].is_string() && body["client_user_id"].is_string());
        }
        // Each event once, each with its own id.
        let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), got.len());
        // A signature made with another secret is not accepted by the same check.
        assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &got[0]));
    });
}

#[test]
fn a_receiver_that_fails_twice_then_accepts_gets_exactly_one_accepted_delivery() {
    each_backend(|app| {
        let receiver = Receiver::start(2);
        let endpoint = add_endpoint(app, &receiver.url, &["labtest.order.created"]);
        start_worker(app);
        let order = jane_order(app);
        let got = receiver.wait_until("an accepted delivery", |got| {
            got.iter().any(|r| r.answered == 200)
        });
        // Same event, same svix-id, three tries; then nothing more.
        std::thread::sleep(Duration::from_millis(1500));
        let got_after = receiver.received();
        assert_eq!(got_after.len(), 3, "{got_after:#?}");
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|r| r.id == got[0].id));
        assert_eq!(
            got.iter().map(|r| r.answered).collect::<Vec<_>>(),
            vec![500, 500, 200]
        );
        assert_eq!(receiver.accepted().len(), 1);
        assert_eq!(receiver.accepted()[0].json()["data"]["id"], order.as_str());

        // The endpoint's attempts say the same, newest first.
        let id = endpoint["id"].as_str().unwrap();
        let detail = app
            .client()
            .api_get(
                &format!("{}/{id}", endpoints_path(app)),
                MANAGEMENT,
                &app.world.org_key,
            )
            .json();
        let codes: Vec<i64> = detail["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["status_code"].as_i64().unwrap())
            .collect();
        assert_eq!(codes, vec![200, 500, 500], "{detail}");
        assert_eq!(detail["attempts"][1]["response"], "receiver not ready");
        assert_eq!(detail["pending_deliveries"], 0);
        assert_eq!(detail["status"], "active");
    });
}

#[test]
fn a_change_rolled_back_leaves_no_event() {
    each_backend(|app| {
        let receiver = Receiver::start(0);
        add_endpoint(app, &receiver.url, &["labtest.order.updated"]);
        let order = jane_order(app);
        let team = app.world.team(PRIMARY_CARE).clone();
        let events = || -> i64 {
            use labdesk::db::schema::webhook_events::dsl as e;
            e::webhook_events
                .count()
                .get_result(&mut app.conn())
                .unwrap()
        };
        assert_eq!(events(), 0, "no endpoint wanted the order's creation");
        // The cancellation and its event are written, then the transaction is rolled back.
        let rolled_back: Result<(), AppError> = labdesk::db::write_tx(&mut app.conn(), |conn| {
            labdesk::service::order_cancel::cancel(conn, &Actor::system("test"), &order, &[team])
                .map_err(AppError::from)?;
            assert_eq!(
                labdesk::db::schema::webhook_events::table
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap(),
                1,
                "the event is written in the change's transaction"
            );
            Err(AppError::Internal("changed my mind".into()))
        });
        assert!(rolled_back.is_err());
        assert_eq!(events(), 0);
        start_worker(app);
        std::thread::sleep(Duration::from_millis(1200));
        assert!(receiver.received().is_empty());
    });
}

#[test]
fn two_instances_on_postgres_deliver_each_event_once() {
    if !crate::support::backends().contains(&Backend::Postgres) {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres);
    let receiver = Receiver::start(0);
    let endpoint = add_endpoint(&app, &receiver.url, &["labtest.order.created"]);
    let id = endpoint["id"].as_str().unwrap();
    let test_path = format!("{}/{id}/test", endpoints_path(&app));
    for _ in 0..30 {
        let res = app
            .client()
            .api_post(&test_path, MANAGEMENT, &app.world.org_key, "", None);
        assert_eq!(res.status, 202, "{}", res.body);
    }
    start_worker(&app);
    start_worker(&app);
    receiver.wait_until("thirty test events", |got| got.len() >= 30);
    std::thread::sleep(Duration::from_millis(1500));
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for r in receiver.received() {
        *per_id.entry(r.id).or_default() += 1;
    }
    assert_eq!(per_id.len(), 30);
    assert!(per_id.values().all(|n| *n == 1), "{per_id:?}");
    let attempts: i64 = labdesk::db::schema::webhook_attempts::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(attempts, 30);
}

#[test]
fn production_sends_to_public_https_only_and_a_sandbox_to_local_receivers() {
    let production = TestApp::spawn_in(Backend::Sqlite, "production");
    for (url, expected) in [
        ("http://hooks.example.com/x", 422),
        ("https://127.0.0.1/x", 422),
        ("https://10.0.0.7/x", 422),
        ("https://169.254.169.254/latest/meta-data", 422),
        ("https://localhost:9000/x", 422),
        ("https://hooks.example.com/labdesk", 201),
    ] {
        let res = production.client().api_post(
            &endpoints_path(&production),
            MANAGEMENT,
            &production.world.org_key,
            &json!({"url": url, "event_types": ["labtest.order.created"]}).to_string(),
            None,
        );
        assert_eq!(res.status, expected, "{url}: {}", res.body);
        if expected == 422 {
            assert_eq!(
                res.json()["detail"][0]["loc"],
                json!(["body", "url"]),
                "{url}"
            );
        }
    }
    let sandbox = TestApp::spawn(Backend::Sqlite);
    add_endpoint(&sandbox, "http://127.0.0.1:9/x", &["labtest.order.created"]);
}

#[test]
fn endpoints_are_managed_with_the_orgs_key_audited_and_the_secret_shown_only_when_made() {
    each_backend(|app| {
        let c = app.client();
        let key = &app.world.org_key;
        let receiver = Receiver::start(0);
        let made = add_endpoint(app, &receiver.url, &["labtest.order.created"]);
        let id = made["id"].as_str().unwrap().to_string();
        let one = format!("{}/{id}", endpoints_path(app));

        let list = c.api_get(&endpoints_path(app), MANAGEMENT, key).json();
        assert_eq!(list["data"].as_array().unwrap().len(), 1);
        assert!(list["data"][0].get("secret").is_none(), "{list}");
        assert!(!c.api_get(&one, MANAGEMENT, key).body.contains("whsec_"));
        // Another org's key sees nothing of it.
        let other = &app.world.other_org_key;
        assert_eq!(
            c.api_get(&endpoints_path(app), MANAGEMENT, other).status,
            404
        );
        assert_eq!(c.api_get(&one, MANAGEMENT, other).status, 404);

        // A bad change is refused field by field and changes nothing.
        let bad = c.api_patch(
            &one,
            MANAGEMENT,
            key,
            r#"{"event_types": [], "url": "ftp://x"}"#,
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        let locs: Vec<Value> = bad.json()["detail"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["loc"].clone())
            .collect();
        assert_eq!(
            locs,
            vec![json!(["body", "url"]), json!(["body", "event_types"])]
        );
        let changed = c.api_patch(&one, MANAGEMENT, key, r#"{"enabled": false}"#);
        assert_eq!(changed.status, 200, "{}", changed.body);
        assert_eq!(changed.json()["status"], "disabled");
        assert_eq!(changed.json()["url"], receiver.url.as_str());

        // Rotating gives a new secret; deliveries are signed with it.
        let rotated = c.api_post(&format!("{one}/rotate_secret"), MANAGEMENT, key, "", None);
        assert_eq!(rotated.status, 200);
        let secret = rotated.json()["secret"].as_str().unwrap().to_string();
        assert_ne!(secret, made["secret"].as_str().unwrap());
        c.api_patch(&one, MANAGEMENT, key, r#"{"enabled": true}"#);
        start_worker(app);
        let sent = c.api_post(&format!("{one}/test"), MANAGEMENT, key, "", None);
        assert_eq!(sent.status, 202);
        let got = receiver.wait_until("the test event", |got| !got.is_empty());
        assert_eq!(got[0].json()["event_type"], "labdesk.test");
        assert!(verifies(&secret, &got[0]));

        // Replaying the delivery sends the same event again.
        let detail = c.api_get(&one, MANAGEMENT, key).json();
        let delivery = detail["attempts"][0]["delivery_id"].as_str().unwrap();
        let replay = format!("{one}/delivery/{delivery}/replay");
        assert_eq!(c.api_post(&replay, MANAGEMENT, key, "", None).status, 202);
        let got = receiver.wait_until("the replayed event", |got| got.len() >= 2);
        assert_eq!(got[1].id, got[0].id);

        assert_eq!(c.api_delete(&one, MANAGEMENT, key).status, 204);
        assert_eq!(c.api_get(&one, MANAGEMENT, key).status, 404);
        let actions: Vec<String> = app
            .changes()
            .into_iter()
            .filter(|(_, entity)| entity == &id)
            .map(|(action, _)| action)
            .collect();
        assert_eq!(
            actions,
            vec![
                "webhook_endpoint.created",
                "webhook_endpoint.updated",
                "webhook_endpoint.secret_rotated",
                "webhook_endpoint.updated",
                "webhook_endpoint.test_sent",
                "webhook_endpoint.delivery_replayed",
                "webhook_endpoint.deleted",
            ]
        );
    });
}

#[test]
fn a_result_that_did_not_fit_and_its_resolution_reach_the_team_of_its_order() {
    each_backend(|app| {
        let receiver = Receiver::start(0);
        add_endpoint(
            app,
            &receiver.url,
            &[
                "labtest.match_review.created",
                "labtest.match_review.updated",
            ],
        );
        start_worker(app);
        let (item, _) = crate::support::results::mismatch_item(app);
        let got = receiver.wait_until("the review item's event", |got| !got.is_empty());
        let created = got[0].json();
        assert_eq!(created["event_type"], "labtest.match_review.created");
        assert_eq!(created["team_id"], app.world.team(PRIMARY_CARE).as_str());
        assert_eq!(created["data"]["id"], item.as_str());
        assert_eq!(created["data"]["decision_code"], "lab_account_mismatch");
        assert_eq!(created["data"]["status"], "pending_customer_review");
        assert!(
            !got[0].body.contains("Jane"),
            "no patient data: {}",
            got[0].body
        );

        let ops = app.login(crate::support::OPS);
        let reject = labdesk::web::urls::decide_review_item(
            app.world.org(),
            &item,
            labdesk::domain::review::ReviewAction::Reject,
        );
        let res = ops.post_form(&reject, &[("version", "1"), ("note", "Not our patient")]);
        assert_eq!(res.status, 303, "{}", res.body);
        let got = receiver.wait_until("the resolution", |got| got.len() >= 2);
        let updated = got[1].json();
        assert_eq!(updated["event_type"], "labtest.match_review.updated");
        assert_eq!(updated["data"]["status"], "resolved");
        assert_eq!(updated["data"]["resolution_action"], "reject");
    });
}
