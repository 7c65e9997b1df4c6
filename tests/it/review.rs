//! Reviewers' decisions on unmatched results through the use case: a mismatch needs confirmation
//! and a note, two reviewers at once, other orgs, reject and escalate, quarantine. Through the
//! pages: `review_decisions`; the Team API's view of the queue: `results_api`.
use std::sync::{Arc, Barrier};

use serde_json::json;

use crate::support::data::{patient, test_id};
use crate::support::orders::{api_order, order_body};
use crate::support::results::{
    deliver, fill, fixture, item, jane_order, latest_item, mismatch_item, results_of, Fill,
};
use crate::support::{each_backend, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS};
use labdesk::domain::actor::Actor;
use labdesk::domain::ids::OrgId;
use labdesk::domain::review::ReviewStatus;
use labdesk::service::review::{self, DecideError, Reviewer};

fn reviewer(org: &OrgId, label: &str) -> Reviewer {
    Reviewer {
        actor: Actor::system(label),
        org_ids: vec![org.clone()],
        sees_quarantine: false,
    }
}

#[test]
fn a_lab_account_mismatch_is_accepted_only_with_confirmation_and_a_note() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let ops = reviewer(&app.world.org_id, OPS);
        let err = review::accept(&mut app.conn(), &ops, &id, 1, &order, false, "").unwrap_err();
        assert!(matches!(err, DecideError::ConfirmationRequired), "{err:?}");
        assert!(
            err.to_string()
                .contains("confirm that it belongs to this order"),
            "{err}"
        );
        let err = review::accept(&mut app.conn(), &ops, &id, 1, &order, true, "  ").unwrap_err();
        assert!(matches!(err, DecideError::NoteRequired { .. }), "{err:?}");
        assert!(err.to_string().contains("A note is required"), "{err}");
        assert_eq!(results_of(app, &order), 0);
        review::accept(
            &mut app.conn(),
            &ops,
            &id,
            1,
            &order,
            true,
            "Lab confirmed the account mix-up",
        )
        .unwrap();
        let versions = labdesk::db::results::versions(&mut app.conn(), &order).unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].source, "review");
        let decided = item(app, &id);
        assert_eq!(
            (
                decided.status.as_str(),
                decided.resolved_order_id.as_ref().map(|i| i.as_str())
            ),
            ("accepted", Some(order.as_str()))
        );
        let rows = app.audit_rows("result.review_accepted", &id);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].summary.contains("Lab confirmed the account mix-up"));
    });
}

#[test]
fn two_reviewers_at_once_one_wins_and_the_other_is_told() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let (pool, barrier, id, order, org) = (
                    app.pool.clone(),
                    barrier.clone(),
                    id.clone(),
                    order.clone(),
                    app.world.org_id.clone(),
                );
                std::thread::spawn(move || {
                    let r = Reviewer {
                        actor: Actor::system(&format!("reviewer-{i}")),
                        org_ids: vec![org],
                        sees_quarantine: false,
                    };
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    if i == 0 {
                        review::accept(&mut conn, &r, &id, 1, &order, true, "mine").map(|_| ())
                    } else {
                        review::reject(&mut conn, &r, &id, 1, "not ours")
                    }
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{results:?}");
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert!(loser.to_string().contains("already decided"), "{loser}");
        let decided = item(app, &id);
        // The loser is told how the item stands now: decided by the winner.
        let DecideError::AlreadyDecided { current } = loser else {
            panic!("{loser:?}");
        };
        assert_eq!(
            (current.status, current.decided_by.as_ref()),
            (decided.status, decided.decided_by.as_ref())
        );
        assert!(decided.status.as_str() == "accepted" || decided.status.as_str() == "rejected");
        let results_count = results_of(app, &order);
        assert_eq!(
            results_count,
            usize::from(decided.status.as_str() == "accepted")
        );
        let audit = app.audit_rows("result.review_accepted", &id).len()
            + app.audit_rows("result.review_rejected", &id).len();
        assert_eq!(audit, 1);
    });
}

#[test]
fn accepting_across_orgs_is_not_found() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let globex = reviewer(&app.world.other_org_id, OTHER_OPS);
        let err = review::accept(&mut app.conn(), &globex, &id, 1, &order, true, "x").unwrap_err();
        assert!(matches!(err, DecideError::ItemNotFound), "{err:?}");
        // A Northwind reviewer cannot put it on another org's order either.
        let globex_key = &app.world.other_team_key;
        let user = patient(app, app.world.team(GLOBEX_DOWNTOWN), "g-1");
        let mut b = order_body(&user, &test_id(app, "quest-lipid-panel"), "IL");
        b["patient_address"]["zip"] = json!("60601");
        let globex_order = api_order(app, globex_key, &b);
        let ops = reviewer(&app.world.org_id, OPS);
        let err =
            review::accept(&mut app.conn(), &ops, &id, 1, &globex_order, true, "x").unwrap_err();
        assert!(matches!(err, DecideError::OrderNotFound), "{err:?}");
        assert_eq!(item(app, &id).status.as_str(), "pending_customer_review");
        assert_eq!(results_of(app, &globex_order), 0);
    });
}

#[test]
fn reject_needs_a_note_and_escalate_hands_the_item_to_csms() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let ops = reviewer(&app.world.org_id, OPS);
        let err = review::reject(&mut app.conn(), &ops, &id, 1, "").unwrap_err();
        assert!(matches!(
            err,
            DecideError::NoteRequired {
                what: "reject a result"
            }
        ));
        review::escalate(&mut app.conn(), &ops, &id, 1, "Not sure which order").unwrap();
        let escalated = item(app, &id);
        assert_eq!(
            (escalated.status.as_str(), escalated.version),
            ("pending_ops_review", 2)
        );
        assert_eq!(app.audit_rows("result.review_escalated", &id).len(), 1);
        // A stale version is refused, saying how the item stands now.
        let err = review::reject(&mut app.conn(), &ops, &id, 1, "late").unwrap_err();
        let DecideError::AlreadyDecided { current } = err else {
            panic!("{err:?}");
        };
        assert_eq!(current.status, ReviewStatus::PendingOps);
        let csm = Reviewer {
            actor: Actor::system(CSM),
            org_ids: vec![app.world.org_id.clone()],
            sees_quarantine: true,
        };
        review::accept(
            &mut app.conn(),
            &csm,
            &id,
            2,
            &order,
            true,
            "Checked with the lab",
        )
        .unwrap();
        assert_eq!(item(app, &id).status.as_str(), "accepted");
    });
}

#[test]
fn quarantine_is_for_csms_only() {
    each_backend(|app| {
        let order = jane_order(app);
        deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    order: order.as_str(),
                    account: "00000000",
                    control_id: "Q-1",
                    last: "Doe",
                    dob: "19900101",
                    accession: "A",
                },
            ),
        );
        let q = latest_item(app);
        assert_eq!(q.decision_code.as_str(), "quarantine");
        let ops = reviewer(&app.world.org_id, "ops");
        let err = review::reject(&mut app.conn(), &ops, &q.id, 1, "x").unwrap_err();
        assert!(matches!(err, DecideError::ItemNotFound), "{err:?}");
        let csm = Reviewer {
            actor: Actor::system("csm"),
            org_ids: vec![app.world.org_id.clone()],
            sees_quarantine: true,
        };
        review::accept(&mut app.conn(), &csm, &q.id, 1, &order, false, "").unwrap();
        assert_eq!(results_of(app, &order), 1);
    });
}
