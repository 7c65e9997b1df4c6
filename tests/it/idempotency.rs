//! `X-Idempotency-Key` on `POST /v3/order`: byte-identical replay for 24 hours, 409 while the
//! first request runs, 422 for another body, and claims that only their holder can complete,
//! release or lose.
use chrono::Duration;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::data::{lapse, order_count, patient, test_id};
use crate::support::orders::{order_body, post_order};
use crate::support::triggers::{allow, refuse};
use crate::support::{each_backend, Resp, TestApp, CARDIOLOGY, PRIMARY_CARE, TEAM_KEY_HEADER};
use labdesk::db::audit::{self, AuditEntry};
use labdesk::db::idempotency as store;
use labdesk::db::schema::idempotency_keys::dsl as k;
use labdesk::domain::actor::Actor;
use labdesk::domain::audit::{AuditAction, EntityType};
use labdesk::domain::ids::TeamId;
use labdesk::service::idempotency::{self, Begin, Claim, Outcome};

/// The same JSON with every object's keys in reverse order and other whitespace.
fn reordered(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .rev()
                .map(|(key, v)| format!("\n  {} :  {}", Value::String(key.clone()), reordered(v)))
                .collect();
            format!("{{{}\n}}", parts.join(" ,"))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(reordered).collect();
            format!("[ {} ]", parts.join(" , "))
        }
        other => other.to_string(),
    }
}

fn post_bytes(app: &TestApp, team_key: &str, idem: &str, raw: &[u8]) -> Resp {
    app.client().post_raw(
        "/v3/order",
        &[
            (TEAM_KEY_HEADER, team_key),
            ("Content-Type", "application/json"),
            ("X-Idempotency-Key", idem),
        ],
        raw,
    )
}

/// Moves the key's claim time `hours` into the past, as if that much time had gone by.
fn age(app: &TestApp, key: &str, hours: i64) {
    let at = labdesk::db::now() - Duration::hours(hours);
    diesel::update(k::idempotency_keys.filter(k::idem_key.eq(key)))
        .set(k::created_at.eq(at))
        .execute(&mut app.conn())
        .unwrap();
}

#[test]
fn a_replay_is_byte_identical_whatever_the_key_order_or_whitespace_of_the_body() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let sent = order_body(&user, &test, "AZ");
        let compact = sent.to_string();
        let raw = reordered(&sent);
        // The second body really is other bytes with the keys in another order.
        assert_eq!(serde_json::from_str::<Value>(&raw).unwrap(), sent);
        assert_ne!(raw, compact);
        assert!(raw.find("\"user_id\"").unwrap() < raw.find("\"patient_address\"").unwrap());
        assert!(
            compact.find("\"user_id\"").unwrap() > compact.find("\"patient_address\"").unwrap()
        );

        let first = post_bytes(app, key, "key-1", compact.as_bytes());
        let id = first.order_id();
        let before = order_count(app);
        let again = post_bytes(app, key, "key-1", raw.as_bytes());
        assert_eq!(again.status, 200);
        assert_eq!(again.body, first.body, "replay must be byte-identical");
        assert_eq!(order_count(app), before);
        assert_eq!(app.audit_rows("order.created", &id).len(), 1);
        // Same key, a body that differs in one value: 422, nothing created.
        let mut other = sent.clone();
        other["patient_address"]["state"] = json!("CA");
        let res = post_bytes(app, key, "key-1", reordered(&other).as_bytes());
        assert_eq!(res.status, 422, "{}", res.body);
        assert_eq!(
            res.json()["detail"][0]["loc"],
            json!(["header", "X-Idempotency-Key"])
        );
        assert_eq!(order_count(app), before);
        // A refusal is replayed too.
        let bad = order_body(&user, &test, "NY").to_string();
        let c = app.client();
        let r1 = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &bad, Some("key-2"));
        let r2 = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &bad, Some("key-2"));
        assert_eq!(r1.status, 400);
        assert_eq!((r1.status, &r1.body), (r2.status, &r2.body));
        // Keys are per Team: the same key in another Team is a new request.
        let cardio_user = patient(app, app.world.team(CARDIOLOGY), "c-1");
        let mut cb = order_body(&cardio_user, &test_id(app, "labcorp-hba1c"), "AZ");
        cb["patient_details"]["first_name"] = json!("Other");
        let res = c.api_post(
            "/v3/order",
            TEAM_KEY_HEADER,
            &app.world.cardio_key,
            &cb.to_string(),
            Some("key-1"),
        );
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(order_count(app), before + 1);
        // Without a key, every request is new.
        post_order(app, key, &sent);
        post_order(app, key, &sent);
        assert_eq!(order_count(app), before + 3);
    });
}

#[test]
fn a_stored_response_replays_for_24_hours_and_not_after() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let b = order_body(&user, &test_id(app, "quest-lipid-panel"), "AZ").to_string();
        let c = app.client();
        let first = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("window"));
        let id = first.order_id();
        let before = order_count(app);
        age(app, "window", 2);
        let later = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("window"));
        assert_eq!(later.body, first.body, "still replayed after 2 hours");
        assert_eq!(order_count(app), before);
        age(app, "window", 23);
        let later = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("window"));
        assert_eq!(later.body, first.body, "still replayed after 23 hours");
        age(app, "window", 25);
        let next_day = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("window"));
        assert_ne!(
            next_day.order_id(),
            id,
            "after 24 hours the key is new again"
        );
        assert_eq!(order_count(app), before + 1);
        // And that new response is what replays now.
        let again = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("window"));
        assert_eq!(again.body, next_day.body);
        assert_eq!(order_count(app), before + 1);
    });
}

#[test]
fn a_claim_answers_409_until_its_lease_lapses_then_one_retry_places_the_order() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let team = app.world.team(PRIMARY_CARE);
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let b = order_body(&user, &test_id(app, "quest-lipid-panel"), "AZ").to_string();
        // A request claimed the key and is still running (or its process died).
        let hash = idempotency::fingerprint(b.as_bytes());
        let Begin::Claimed(_) = idempotency::begin(&mut app.conn(), team, "held", &hash).unwrap()
        else {
            panic!("the key was free")
        };
        let before = order_count(app);
        let c = app.client();
        let res = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("held"));
        assert_eq!(res.status, 409, "{}", res.body);
        assert!(res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("still being processed"));
        let other = order_body(&user, &test_id(app, "quest-lipid-panel"), "CA").to_string();
        assert_eq!(
            c.api_post("/v3/order", TEAM_KEY_HEADER, key, &other, Some("held"))
                .status,
            422
        );
        assert_eq!(order_count(app), before);
        // Its lease runs out: the next request takes the key over and places exactly one order.
        lapse(app, "held");
        let res = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("held"));
        res.order_id();
        let again = c.api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("held"));
        assert_eq!(again.body, res.body);
        assert_eq!(order_count(app), before + 1);
    });
}

/// Work standing in for an order: one audit row, named by `marker`.
fn write_marker(
    conn: &mut labdesk::db::DbConnection,
    marker: &str,
) -> Result<(u16, String), labdesk::error::AppError> {
    audit::record(
        conn,
        &Actor::system("test"),
        AuditEntry {
            // The audit log takes only actions it knows: this work stands in for an order.
            action: AuditAction::OrderCreated,
            entity_type: EntityType::Order,
            entity_id: marker,
            org_id: None,
            team_id: None,
            summary: "work done under an idempotency claim".into(),
            details: json!({}),
        },
    )?;
    Ok((200, format!("{{\"done\": \"{marker}\"}}")))
}

fn claim(app: &TestApp, team: &TeamId, key: &str) -> Claim {
    match idempotency::begin(&mut app.conn(), team, key, "hash").unwrap() {
        Begin::Claimed(c) => c,
        Begin::Answer(a) => panic!("expected a claim, got {a:?}"),
    }
}

#[test]
fn a_claim_taken_over_after_its_lease_can_neither_commit_nor_release_the_new_claim() {
    each_backend(|app| {
        let team = app.world.team(PRIMARY_CARE);
        let first = claim(app, team, "k");
        // While the first claim is alive, nobody else gets the key.
        let Begin::Answer(Outcome::StillRunning) =
            idempotency::begin(&mut app.conn(), team, "k", "hash").unwrap()
        else {
            panic!("a live claim was taken over")
        };
        lapse(app, "k");
        let second = claim(app, team, "k");
        assert_ne!(first.token, second.token);
        // The first holder wakes up: its work does not commit and its stale token touches nothing.
        let late = idempotency::finish(&mut app.conn(), &first, |c| write_marker(c, "first"));
        assert_eq!(late.unwrap(), Outcome::StillRunning);
        assert!(app.audit_rows("order.created", "first").is_empty());
        assert!(!store::release(&mut app.conn(), team, "k", &first.token).unwrap());
        let row = store::find(&mut app.conn(), team, "k").unwrap().unwrap();
        assert_eq!(
            (row.state.as_str(), row.claim_token.as_str()),
            ("running", second.token.as_str())
        );
        // A second takeover with the first claim's view of the row fails too.
        let stale_view = store::IdempotencyRow {
            claim_token: first.token.clone(),
            ..row.clone()
        };
        let now = labdesk::db::now();
        let intruder = store::NewClaim {
            team_id: team,
            key: "k",
            hash: "hash",
            token: "intruder",
            now,
            lease_until: now + Duration::seconds(60),
        };
        assert!(!store::take_over(&mut app.conn(), &stale_view, &intruder).unwrap());
        // The holder of the key finishes, and its response is what replays.
        let done = idempotency::finish(&mut app.conn(), &second, |c| write_marker(c, "second"));
        let Outcome::Answered { status, body } = done.unwrap() else {
            panic!("the holder could not finish")
        };
        assert_eq!(app.audit_rows("order.created", "second").len(), 1);
        assert_eq!(
            idempotency::begin(&mut app.conn(), team, "k", "hash")
                .map(|b| match b {
                    Begin::Answer(a) => a,
                    Begin::Claimed(_) => panic!("a finished key was claimed again"),
                })
                .unwrap(),
            Outcome::Replay { status, body }
        );
        // Releasing never touches a finished key, whoever asks.
        assert!(!store::release(&mut app.conn(), team, "k", &second.token).unwrap());
    });
}

#[test]
fn a_holder_past_its_lease_commits_nothing_and_a_failed_holder_frees_the_key() {
    each_backend(|app| {
        let team = app.world.team(PRIMARY_CARE);
        // Past its lease, even with nobody taking over, the holder's work is rolled back.
        let slow = claim(app, team, "slow");
        lapse(app, "slow");
        let late = idempotency::finish(&mut app.conn(), &slow, |c| write_marker(c, "slow"));
        assert_eq!(late.unwrap(), Outcome::StillRunning);
        assert!(app.audit_rows("order.created", "slow").is_empty());
        claim(app, team, "slow");
        // A server error rolls the work back and gives the key up for a retry at once.
        let failing = claim(app, team, "fails");
        let failed = idempotency::finish(&mut app.conn(), &failing, |c| {
            write_marker(c, "fails")?;
            Err(labdesk::error::AppError::Internal("boom".into()))
        });
        assert!(failed.is_err());
        assert!(app.audit_rows("order.created", "fails").is_empty());
        assert!(store::find(&mut app.conn(), team, "fails")
            .unwrap()
            .is_none());
        let retry = claim(app, team, "fails");
        let done = idempotency::finish(&mut app.conn(), &retry, |c| write_marker(c, "fails"));
        assert!(matches!(
            done.unwrap(),
            Outcome::Answered { status: 200, .. }
        ));
        assert_eq!(app.audit_rows("order.created", "fails").len(), 1);
    });
}

#[test]
fn an_order_is_never_kept_without_its_stored_response() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let b = order_body(&user, &test_id(app, "quest-lipid-panel"), "AZ").to_string();
        let before = order_count(app);
        // Storing the response fails: the order made in the same request must not stay.
        refuse(
            app,
            "refuse_response",
            "UPDATE",
            "idempotency_keys",
            "NEW.state = 'done'",
        );
        let res = app
            .client()
            .api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("atomic"));
        assert_eq!(res.status, 500, "{}", res.body);
        assert_eq!(
            order_count(app),
            before,
            "an order without its stored response"
        );
        allow(app, "refuse_response", "idempotency_keys");
        let res = app
            .client()
            .api_post("/v3/order", TEAM_KEY_HEADER, key, &b, Some("atomic"));
        let id = res.order_id();
        let row = store::find(&mut app.conn(), app.world.team(PRIMARY_CARE), "atomic")
            .unwrap()
            .unwrap();
        assert_eq!(row.response_body.as_deref(), Some(res.body.as_str()));
        assert!(res.body.contains(id.as_str()));
        assert_eq!(order_count(app), before + 1);
    });
}
