//! The review queue pages: who sees which queue (quarantine for CSMs only), filters and keyset
//! pages, and the item page's side-by-side comparison with its differences marked. The
//! decisions made through these pages are in `review_decisions`.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use labdesk::domain::ids::ReviewItemId;
use labdesk::web::urls::{self, Scope};

use crate::support::results::{
    clear_queue, deliver, demo_item, fill, fixture, jane, jane_order, mismatch_item, queue,
    review_row_ids, Fill, DEMOGRAPHICS, MISMATCH, NO_MATCH,
};
use crate::support::{each_backend, Resp, TestApp, CLINICIAN, CSM, OPS, OTHER_OPS};

/// Northwind's review queue.
fn org_queue(app: &TestApp) -> String {
    urls::review_queue(app.world.org())
}

/// Dates a queue item's arrival, to fix its place in the newest-first queue.
/// The ids of every queue item, sorted.
fn item_ids(app: &TestApp) -> Vec<ReviewItemId> {
    use labdesk::db::schema::unmatched_results::dsl as u;
    let mut ids: Vec<ReviewItemId> = u::unmatched_results
        .select(u::id)
        .load(&mut app.conn())
        .unwrap();
    ids.sort();
    ids
}

fn set_arrival(app: &TestApp, id: &ReviewItemId, at: &str) {
    use labdesk::db::schema::unmatched_results::dsl as u;
    let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").unwrap();
    diesel::update(u::unmatched_results.find(id))
        .set(u::created_at.eq(at))
        .execute(&mut app.conn())
        .unwrap();
}

/// The decision codes of the rows of a queue page, in order.
fn codes(res: &Resp) -> Vec<String> {
    res.body
        .split("data-decision-code=\"")
        .skip(1)
        .map(|s| s.chars().take_while(|c| *c != '"').collect())
        .collect()
}

/// The comparison table's row for a label, as HTML.
fn compare_row(res: &Resp, label: &str) -> String {
    let table = &res.body[res
        .body
        .find("id=\"review-compare\"")
        .expect("compare table")..];
    table
        .split("<tr")
        .find(|r| r.contains(&format!(">{label}</th>")))
        .unwrap_or_else(|| panic!("no row {label}"))
        .to_string()
}

#[test]
fn the_queue_is_for_ops_and_csms_and_quarantine_only_for_csms() {
    each_backend(|app| {
        // The test's own items, one of each kind (the demo's are removed), oldest first.
        clear_queue(app);
        let order = jane_order(app);
        let unknown_order = uuid::Uuid::new_v4().to_string();
        let q = queue(app, "97509999", order.as_str(), "Doe", "quarantine");
        let no_match = queue(app, "97500001", &unknown_order, "Doe", "no_match");
        let mismatch = queue(
            app,
            "97500002",
            order.as_str(),
            "Doe",
            "lab_account_mismatch",
        );
        let demographics = queue(
            app,
            "97500001",
            order.as_str(),
            "Roe",
            "match_sample_id_mismatch_demo",
        );
        for (day, id) in [&q, &no_match, &mismatch, &demographics].iter().enumerate() {
            set_arrival(app, id, &format!("2026-11-0{} 09:00:00", day + 1));
        }
        let org_codes = [
            "match_sample_id_mismatch_demo",
            "lab_account_mismatch",
            "no_match",
        ];
        let ops = app.login(OPS);
        let page = ops.get(&org_queue(app));
        assert_eq!(page.status, 200, "{}", page.text());
        assert_eq!(codes(&page), org_codes);
        assert_eq!(
            review_row_ids(&page),
            vec![demographics.clone(), mismatch.clone(), no_match.clone()]
        );
        assert!(page.text().contains("3 items"));
        assert!(page.body.contains(&format!("href=\"{}\"", org_queue(app))));
        assert!(page.text().contains("Review queue"));
        assert!(page.header("vary").unwrap_or("").contains("HX-Request"));
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        // Quarantine is nobody's org: not on the org's queue, not reachable by its admins.
        let platform_queue = urls::review_queue(&Scope::Platform);
        let q_url = urls::review_item(&Scope::Platform, &q);
        assert_eq!(ops.get(&urls::review_item(app.world.org(), &q)).status, 404);
        assert_eq!(ops.get(&platform_queue).status, 403);
        assert_eq!(ops.get(&q_url).status, 403);

        let csm = app.login(CSM);
        assert_eq!(codes(&csm.get(&org_queue(app))), org_codes);
        let platform = csm.get(&platform_queue);
        assert_eq!(platform.status, 200, "{}", platform.text());
        assert_eq!(codes(&platform), [&org_codes[..], &["quarantine"]].concat());
        assert!(platform.text().contains("Quarantine (no organization)"));
        assert!(platform.text().contains("Northwind Health"));
        assert!(platform
            .body
            .contains(&format!("href=\"{}\"", urls::lab_keys())));
        let q_page = csm.get(&q_url);
        assert_eq!(q_page.status, 200, "{}", q_page.text());
        assert!(q_page.text().contains("Unknown account (quarantine)"));
        assert!(q_page
            .text()
            .contains("97509999 (not a lab account in labdesk)"));

        let clinician = app.login(CLINICIAN);
        let org_page = clinician.get(&urls::org_orders(&app.world.org_id));
        assert!(!org_page.text().contains("Review queue"));
        assert_eq!(clinician.get(&org_queue(app)).status, 403);
        assert_eq!(
            clinician
                .get(&urls::review_item(app.world.org(), &mismatch))
                .status,
            403
        );
        assert_eq!(clinician.get(&platform_queue).status, 403);

        let globex = app.login(OTHER_OPS);
        assert_eq!(globex.get(&org_queue(app)).status, 404);
        assert_eq!(
            globex
                .get(&urls::review_item(app.world.org(), &mismatch))
                .status,
            404
        );
        assert_eq!(
            globex
                .get(&urls::review_item(app.world.other_org(), &mismatch))
                .status,
            404,
            "another org's item under one's own org"
        );
        let empty = globex.get(&urls::review_queue(app.world.other_org()));
        assert_eq!(empty.status, 200);
        assert!(
            empty.text().contains("Nothing to review"),
            "{}",
            empty.text()
        );
    });
}

#[test]
fn filters_and_keyset_pages() {
    each_backend(|app| {
        // Every item is the test's own: 22 without a matching order, and one on the wrong account.
        clear_queue(app);
        for i in 0..22 {
            let placer = uuid::Uuid::new_v4().to_string();
            deliver(
                app,
                &fill(
                    &fixture("final.hl7"),
                    &Fill {
                        accession: "A",
                        ..jane(&placer, &format!("NM-{i}"))
                    },
                ),
            );
        }
        let no_matches = item_ids(app);
        assert_eq!(no_matches.len(), 22);
        let (mismatch, _) = mismatch_item(app);
        let ops = app.login(OPS);
        let first = ops.get(&format!("{}?decision_code=no_match", org_queue(app)));
        assert_eq!(first.status, 200);
        assert!(first.text().contains("22 items"), "{}", first.text());
        assert_eq!(review_row_ids(&first).len(), 20);
        let older = first
            .body
            .split("rel=\"next\" hx-get=\"")
            .nth(1)
            .map(|s| s.split('"').next().unwrap().replace("&#38;", "&"))
            .expect("an Older link");
        assert!(older.contains("decision_code=no_match") && older.contains("older="));
        let second = ops.get(&older);
        assert_eq!(second.status, 200);
        assert_eq!(review_row_ids(&second).len(), 2);
        assert!(second.text().contains("« Newest") && !second.body.contains("rel=\"next\""));
        let mut all = [review_row_ids(&first), review_row_ids(&second)].concat();
        all.sort();
        all.dedup();
        assert_eq!(all, no_matches, "every no-match item once");
        // htmx gets the table only; the same URL answers both, so caches keep them apart.
        let filtered = format!("{}?lab=quest", org_queue(app));
        let fragment = ops.htmx_get(&filtered);
        assert!(fragment.body.starts_with("<div id=\"review-table\">"));
        assert!(!fragment.body.contains("<html"));
        assert_eq!(fragment.header("vary"), Some("HX-Request"));
        assert_eq!(ops.get(&filtered).header("vary"), Some("HX-Request"));
        // Back after a reload: htmx has no copy of the page and needs all of it.
        let restored = ops.htmx_history_restore(&filtered);
        assert!(restored.body.contains("<html"), "{}", restored.body);
        assert!(restored.body.contains("id=\"review-table\""));
        // Other filters, empty states and bad values.
        let labcorp = ops.get(&format!("{}?lab=labcorp", org_queue(app)));
        assert!(codes(&labcorp).is_empty());
        assert!(labcorp.text().contains("No items match these filters."));
        let accepted = ops.get(&format!("{}?status=accepted", org_queue(app)));
        assert!(accepted.text().contains("No items with this status."));
        let mismatches = ops.get(&format!(
            "{}?status=pending_customer_review&decision_code=lab_account_mismatch",
            org_queue(app)
        ));
        assert_eq!(codes(&mismatches), ["lab_account_mismatch"]);
        assert_eq!(review_row_ids(&mismatches), vec![mismatch]);
        for bad in [
            "status=done",
            "decision_code=maybe",
            "lab=acme",
            "older=xyz",
        ] {
            assert_eq!(
                ops.get(&format!("{}?{bad}", org_queue(app))).status,
                400,
                "{bad}"
            );
        }
    });
}

#[test]
fn the_item_page_shows_both_sides_and_marks_differences() {
    each_backend(|app| {
        let ops = app.login(OPS);
        let demo = demo_item(app, DEMOGRAPHICS);
        let page = ops.get(&urls::review_item(app.world.org(), &demo.id));
        assert_eq!(page.status, 200, "{}", page.text());
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        let text = page.text();
        assert!(text.contains("Patient details differ"));
        assert!(text.contains("last name differs from the order"), "{text}");
        let patient = compare_row(&page, "Patient");
        assert!(patient.contains("class=\"differs\"") && patient.contains("≠ Differs"));
        assert!(patient.contains("Marcus Chan") && patient.contains("Marcus Chen"));
        for same in ["Date of birth", "Lab account", "Order number"] {
            let row = compare_row(&page, same);
            assert!(
                !row.contains("differs\"") && row.contains("= Same"),
                "{same}: {row}"
            );
        }
        assert!(compare_row(&page, "Date of birth").contains("1979-07-30"));
        assert!(compare_row(&page, "Lab account").contains("Quest West (97500001)"));
        assert!(text.contains("Glucose") && text.contains("mg/dL"));
        assert!(page.body.contains("<details class=\"raw\">"));
        assert!(page
            .body
            .contains("|LABDESK-SANDBOX|Quest Diagnostics|LABDESK|97500001|"));
        assert!(
            page.body.contains("\nPID|1||"),
            "segments on their own lines"
        );
        assert_eq!(app.audit_rows("result.review_viewed", &demo.id).len(), 1);
        let order = demo.candidate_order_id.clone().unwrap();
        assert!(page
            .body
            .contains(&format!("name=\"order_id\" value=\"{order}\"")));

        // Delivered on Quest East for a Quest West order: the account row differs.
        let mismatch = ops.get(&urls::review_item(
            app.world.org(),
            &demo_item(app, MISMATCH).id,
        ));
        let account = compare_row(&mismatch, "Lab account");
        assert!(account.contains("class=\"differs\""), "{account}");
        assert!(
            account.contains("Quest East (97500002)") && account.contains("Quest West (97500001)")
        );
        assert!(compare_row(&mismatch, "Patient").contains("= Same"));
        assert!(mismatch.body.contains("name=\"confirm_mismatch\""));

        // No candidate: the lab's side alone, and orders of patients with the name to choose from.
        let no_match = ops.get(&urls::review_item(
            app.world.org(),
            &demo_item(app, NO_MATCH).id,
        ));
        assert!(no_match.text().contains("No candidate order"));
        assert!(compare_row(&no_match, "Patient").contains("not compared"));
        assert!(no_match
            .body
            .contains(r#"<fieldset id="candidates" class="candidates">"#));
        assert!(no_match.text().contains("Aisha Patel born 1991-11-02"));
        assert!(
            !no_match.body.contains(" checked>"),
            "nothing is chosen for the reviewer"
        );
    });
}
