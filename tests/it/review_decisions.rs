//! Decisions through the review pages: accept, reject and escalate with their audit rows and
//! database effects; refusals (no confirmation or note for a mismatch, no CSRF token, not an
//! order id) that keep what was typed and change nothing; two reviewers at once (one wins, the
//! other gets 409 with the current state); an order of another org (404).
use std::sync::{Arc, Barrier};

use labdesk::domain::ids::{OrderId, ReviewItemId};
use labdesk::domain::review::ReviewAction;
use labdesk::web::urls::{self, Scope};

use crate::support::orders::place_with;
use crate::support::results::{
    demo_item, item, mismatch_item, results_of, review_row_ids, DEMOGRAPHICS, MISMATCH, NO_MATCH,
    QUARANTINE,
};
use crate::support::{each_backend, Resp, TestApp, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS};

/// Where a decision on one of Northwind's items is posted.
fn decide(app: &TestApp, id: &ReviewItemId, decision: ReviewAction) -> String {
    urls::decide_review_item(app.world.org(), id, decision)
}

#[test]
fn accept_reject_and_escalate_through_the_pages() {
    each_backend(|app| {
        let ops = app.login(OPS);
        // Accept the name typo onto its order.
        let demo = demo_item(app, DEMOGRAPHICS);
        let order = demo.candidate_order_id.clone().unwrap();
        let results_before = results_of(app, &order);
        let url = urls::review_item(app.world.org(), &demo.id);
        let res = ops.post_form(
            &decide(app, &demo.id, ReviewAction::Accept),
            &[
                ("version", "1"),
                ("order_id", order.as_str()),
                ("note", "Lab typo in the last name"),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(
            res.header("location"),
            Some(format!("{url}?done=accepted").as_str())
        );
        let decided = item(app, &demo.id);
        assert_eq!(decided.status.as_str(), "accepted");
        assert_eq!(
            decided.resolved_order_id.as_ref().map(|i| i.as_str()),
            Some(order.as_str())
        );
        assert_eq!(results_of(app, &order), results_before + 1);
        let audit = app.audit_rows("result.review_accepted", &demo.id);
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_label, OPS);
        assert!(audit[0].summary.contains("Lab typo in the last name"));
        let after = ops.get(&format!("{url}?done=accepted"));
        assert!(after
            .text()
            .contains("Accepted: the result is now on the order."));
        assert!(after.text().contains(&format!("Accepted by {OPS}")));
        assert!(after
            .body
            .contains(&format!("/orders/{order}\" id=\"resolved-order-link\"")));
        assert!(
            !after.body.contains("id=\"accept-form\""),
            "no forms once decided"
        );

        // Reject needs a note; with one, it is rejected and audited.
        let no_match = demo_item(app, NO_MATCH);
        let reject = decide(app, &no_match.id, ReviewAction::Reject);
        let refused = ops.post_form(&reject, &[("version", "1"), ("note", " ")]);
        assert_eq!(refused.status, 422);
        assert!(refused
            .text()
            .contains("A note is required to reject a result."));
        assert_eq!(
            item(app, &no_match.id).status.as_str(),
            "pending_customer_review"
        );
        let res = ops.post_form(&reject, &[("version", "1"), ("note", "Not our patient")]);
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(item(app, &no_match.id).status.as_str(), "rejected");
        let audit = app.audit_rows("result.review_rejected", &no_match.id);
        assert!(audit.len() == 1 && audit[0].summary.contains("Not our patient"));

        // Escalate: the CSM finds it among the escalations and accepts it with confirmation.
        let csm = app.login(CSM);
        let platform_queue = urls::review_queue(&Scope::Platform);
        let escalated_before =
            review_row_ids(&csm.get(&format!("{platform_queue}?status=pending_ops_review")));
        let (id, order) = mismatch_item(app);
        let res = ops.post_form(
            &decide(app, &id, ReviewAction::Escalate),
            &[("version", "1"), ("note", "Which account?")],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(
            (item(app, &id).status.as_str(), item(app, &id).version),
            ("pending_ops_review", 2)
        );
        assert_eq!(app.audit_rows("result.review_escalated", &id).len(), 1);
        let escalations = csm.get(&format!("{platform_queue}?status=pending_ops_review"));
        assert_eq!(
            review_row_ids(&escalations),
            [vec![id.clone()], escalated_before].concat(),
            "the new escalation first, then any there were"
        );
        let page = csm.get(&urls::review_item(&Scope::Platform, &id));
        assert!(page
            .text()
            .contains("Escalated to ops review by ops@northwind.test"));
        assert!(!page.body.contains("id=\"escalate-form\""));
        let res = csm.post_form(
            &urls::decide_review_item(&Scope::Platform, &id, ReviewAction::Accept),
            &[
                ("version", "2"),
                ("order_id", order.as_str()),
                ("confirm_mismatch", "yes"),
                ("note", "Lab confirmed"),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(item(app, &id).status.as_str(), "accepted");
        assert_eq!(results_of(app, &order), 1);
        assert_eq!(
            app.audit_rows("result.review_accepted", &id)[0].actor_label,
            CSM
        );

        // Quarantine: the CSM puts it on the order its placer number names.
        let q = demo_item(app, QUARANTINE);
        let liam = OrderId::from_text(q.placer_order_number.clone().unwrap());
        let results_before = results_of(app, &liam);
        let res = csm.post_form(
            &urls::decide_review_item(&Scope::Platform, &q.id, ReviewAction::Accept),
            &[("version", "1"), ("order_id", liam.as_str()), ("note", "")],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(results_of(app, &liam), results_before + 1);
    });
}

#[test]
fn a_mismatch_accept_without_confirmation_or_note_is_refused_and_changes_nothing() {
    each_backend(|app| {
        let ops = app.login(OPS);
        let m = demo_item(app, MISMATCH);
        let order = m.candidate_order_id.clone().unwrap();
        let url = decide(app, &m.id, ReviewAction::Accept);
        let (audit, results_before) = (app.changes(), results_of(app, &order));
        let res = ops.post_form(
            &url,
            &[
                ("version", "1"),
                ("order_id", order.as_str()),
                ("note", "typed and kept"),
            ],
        );
        assert_eq!(res.status, 422);
        assert!(
            res.text().contains("confirm that it belongs to this order"),
            "{}",
            res.text()
        );
        assert!(res.body.contains(">typed and kept</textarea>"));
        assert!(res
            .body
            .contains(&format!("name=\"order_id\" value=\"{order}\"")));
        let res = ops.post_form(
            &url,
            &[
                ("version", "1"),
                ("order_id", order.as_str()),
                ("confirm_mismatch", "yes"),
                ("note", "  "),
            ],
        );
        assert_eq!(res.status, 422);
        assert!(res.text().contains("A note is required"));
        assert!(res.body.contains("id=\"confirm_mismatch\" checked"));
        // Without the CSRF token: 403.
        let res = ops.post_form_raw(
            &url,
            &[
                ("version", "1"),
                ("order_id", order.as_str()),
                ("confirm_mismatch", "yes"),
                ("note", "x"),
            ],
        );
        assert_eq!(res.status, 403);
        // Not an id at all: the form again.
        let res = ops.post_form(
            &url,
            &[
                ("version", "1"),
                ("order_id", "Jane's CMP"),
                ("confirm_mismatch", "yes"),
                ("note", "x"),
            ],
        );
        assert_eq!(res.status, 422);
        assert!(
            res.text()
                .contains("Choose the order this result belongs to from the list"),
            "{}",
            res.text()
        );
        let now = item(app, &m.id);
        assert_eq!(
            (now.status.as_str(), now.version),
            ("pending_customer_review", 1)
        );
        assert_eq!(results_of(app, &order), results_before);
        assert_eq!(app.changes(), audit);
    });
}

#[test]
fn two_reviewers_with_the_same_version_one_wins_and_the_other_gets_409() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let url = urls::review_item(app.world.org(), &id);
        let clients = [app.login(OPS), app.login(CSM)];
        for c in &clients {
            assert!(c.get(&url).body.contains("name=\"version\" value=\"1\""));
        }
        let (accept, reject) = (
            decide(app, &id, ReviewAction::Accept),
            decide(app, &id, ReviewAction::Reject),
        );
        let barrier = Arc::new(Barrier::new(2));
        let responses: Vec<Resp> = std::thread::scope(|s| {
            let handles: Vec<_> = clients
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (barrier, order) = (barrier.clone(), order.clone());
                    let (accept, reject) = (accept.clone(), reject.clone());
                    s.spawn(move || {
                        barrier.wait();
                        if i == 0 {
                            c.post_form(
                                &accept,
                                &[
                                    ("version", "1"),
                                    ("order_id", order.as_str()),
                                    ("confirm_mismatch", "yes"),
                                    ("note", "Lab confirmed"),
                                ],
                            )
                        } else {
                            c.post_form(&reject, &[("version", "1"), ("note", "Not ours")])
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut statuses: Vec<u16> = responses.iter().map(|r| r.status).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [303, 409],
            "{:?}",
            responses.iter().map(Resp::text).collect::<Vec<_>>()
        );
        let loser = responses.iter().find(|r| r.status == 409).unwrap();
        let decided = item(app, &id);
        let winner = decided.decided_by.clone().unwrap();
        let status = match decided.status.as_str() {
            "accepted" => "Accepted",
            _ => "Rejected",
        };
        let expected =
            format!("This result was already decided by {winner} ({status}). Nothing was changed.");
        assert!(loser.text().contains(&expected), "{}", loser.text());
        assert!(loser.text().contains("Your note was not saved"));
        assert!(loser.body.contains("id=\"review-state\""));
        assert!(!loser.body.contains("id=\"accept-form\""));
        assert_eq!(
            results_of(app, &order),
            usize::from(decided.status.as_str() == "accepted")
        );
        let audits = app.audit_rows("result.review_accepted", &id).len()
            + app.audit_rows("result.review_rejected", &id).len();
        assert_eq!(audits, 1);
        assert_eq!(decided.version, 2);
    });
}

#[test]
fn accepting_onto_an_order_of_another_org_is_not_found() {
    each_backend(|app| {
        let ops = app.login(OPS);
        let m = demo_item(app, MISMATCH);
        let globex_order = place_with(app, GLOBEX_DOWNTOWN, "Noah", "Wilson", "quest-lipid-panel");
        let audit = app.changes();
        for order in [globex_order.to_string(), uuid::Uuid::new_v4().to_string()] {
            let res = ops.post_form(
                &decide(app, &m.id, ReviewAction::Accept),
                &[
                    ("version", "1"),
                    ("order_id", &order),
                    ("confirm_mismatch", "yes"),
                    ("note", "x"),
                ],
            );
            assert_eq!(res.status, 404, "{}", res.text());
            assert!(res
                .text()
                .contains("it must be an order of the same organization"));
        }
        assert_eq!(results_of(app, &globex_order), 0);
        assert_eq!(item(app, &m.id).status.as_str(), "pending_customer_review");
        assert_eq!(app.changes(), audit);
        // Globex's admin cannot reach Northwind's item at all.
        let globex = app.login(OTHER_OPS);
        let res = globex.post_form(
            &decide(app, &m.id, ReviewAction::Reject),
            &[("version", "1"), ("note", "x")],
        );
        assert_eq!(res.status, 404);
        assert_eq!(item(app, &m.id).status.as_str(), "pending_customer_review");
    });
}
