//! The review queue pages: who sees which queue (quarantine for CSMs only), filters and keyset
//! pages, and the item page's side-by-side comparison with its differences marked. The
//! decisions made through these pages are in `review_decisions`.
use diesel::prelude::*;
use labdesk::db::unmatched::UnmatchedRow;

use crate::helpers::{each_backend, Resp, TestApp};
use crate::order_fixtures::{CLINICIAN, CSM, OPS, OTHER_OPS};
use crate::results_ingest::{deliver, fill, fixture, Fill};

/// A demo review item by the end of its control id (e.g. `M-1003`).
pub fn demo_item(app: &TestApp, control: &str) -> UnmatchedRow {
    use labdesk::db::schema::unmatched_results::dsl as u;
    u::unmatched_results
        .filter(u::control_id.eq(format!("DEMO-{control}")))
        .select(UnmatchedRow::as_select())
        .first(&mut app.conn())
        .unwrap()
}

pub const QUARANTINE: &str = "Q-1001";
pub const NO_MATCH: &str = "N-1002";
pub const MISMATCH: &str = "M-1003";
pub const DEMOGRAPHICS: &str = "D-1004";

pub fn queue(app: &TestApp) -> String {
    format!("/orgs/{}/review", app.world.org_id)
}

pub fn item_url(app: &TestApp, id: &str) -> String {
    format!("{}/{id}", queue(app))
}

/// The decision codes of the rows of a queue page, in order.
fn codes(res: &Resp) -> Vec<String> {
    res.body
        .split("data-decision-code=\"")
        .skip(1)
        .map(|s| s.chars().take_while(|c| *c != '"').collect())
        .collect()
}

pub fn row_ids(res: &Resp) -> Vec<String> {
    res.body
        .split("data-item-id=\"")
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

pub fn results_of(app: &TestApp, order: &str) -> usize {
    labdesk::db::results::versions(&mut app.conn(), order)
        .unwrap()
        .len()
}

#[test]
fn the_queue_is_for_ops_and_csms_and_quarantine_only_for_csms() {
    each_backend(|app| {
        let q = demo_item(app, QUARANTINE);
        let mismatch = demo_item(app, MISMATCH);
        let org_codes = [
            "match_sample_id_mismatch_demo",
            "lab_account_mismatch",
            "no_match",
        ];
        let ops = app.login(OPS);
        let page = ops.get(&queue(app));
        assert_eq!(page.status, 200, "{}", page.text());
        assert_eq!(codes(&page), org_codes);
        assert!(page.text().contains("3 items"));
        assert!(page.body.contains(&format!("href=\"{}\"", queue(app))));
        assert!(page.text().contains("Review queue"));
        assert!(page.header("vary").unwrap_or("").contains("HX-Request"));
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        // Quarantine is nobody's org: not on the org's queue, not reachable by its admins.
        assert_eq!(ops.get(&item_url(app, &q.id)).status, 404);
        assert_eq!(ops.get("/platform/review").status, 403);
        assert_eq!(ops.get(&format!("/platform/review/{}", q.id)).status, 403);

        let csm = app.login(CSM);
        assert_eq!(codes(&csm.get(&queue(app))), org_codes);
        let platform = csm.get("/platform/review");
        assert_eq!(platform.status, 200, "{}", platform.text());
        assert_eq!(codes(&platform), [&org_codes[..], &["quarantine"]].concat());
        assert!(platform.text().contains("Quarantine (no organization)"));
        assert!(platform.text().contains("Northwind Health"));
        assert!(platform.body.contains("href=\"/platform/lab_keys\""));
        let q_page = csm.get(&format!("/platform/review/{}", q.id));
        assert_eq!(q_page.status, 200, "{}", q_page.text());
        // The quarantined delivery names Liam Brown's order: it is offered as the order.
        assert!(q_page.text().contains("Unknown account (quarantine)"));
        assert!(q_page
            .text()
            .contains("97509999 (not a lab account in labdesk)"));

        let clinician = app.login(CLINICIAN);
        let org_page = clinician.get(&format!("/orgs/{}/orders", app.world.org_id));
        assert!(!org_page.text().contains("Review queue"));
        assert_eq!(clinician.get(&queue(app)).status, 403);
        assert_eq!(clinician.get(&item_url(app, &mismatch.id)).status, 403);
        assert_eq!(clinician.get("/platform/review").status, 403);

        let globex = app.login(OTHER_OPS);
        assert_eq!(globex.get(&queue(app)).status, 404);
        assert_eq!(globex.get(&item_url(app, &mismatch.id)).status, 404);
        let own = format!("/orgs/{}/review", app.world.other_org_id);
        assert_eq!(
            globex.get(&format!("{own}/{}", mismatch.id)).status,
            404,
            "another org's item under one's own org"
        );
        let empty = globex.get(&own);
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
        for i in 0..21 {
            let placer = uuid::Uuid::new_v4().to_string();
            deliver(
                app,
                &fill(
                    &fixture("final.hl7"),
                    &Fill {
                        order: &placer,
                        account: "97500001",
                        control_id: &format!("NM-{i}"),
                        last: "Doe",
                        dob: "19900101",
                        accession: "A",
                    },
                ),
            );
        }
        let ops = app.login(OPS);
        let first = ops.get(&format!("{}?decision_code=no_match", queue(app)));
        assert_eq!(first.status, 200);
        assert!(first.text().contains("22 items"), "{}", first.text());
        assert_eq!(row_ids(&first).len(), 20);
        let older = first
            .body
            .split("rel=\"next\" hx-get=\"")
            .nth(1)
            .map(|s| s.split('"').next().unwrap().replace("&#38;", "&"))
            .expect("an Older link");
        assert!(older.contains("decision_code=no_match") && older.contains("older="));
        let second = ops.get(&older);
        assert_eq!(second.status, 200);
        assert_eq!(row_ids(&second).len(), 2);
        assert!(second.text().contains("« Newest") && !second.body.contains("rel=\"next\""));
        let mut all = [row_ids(&first), row_ids(&second)].concat();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 22);
        assert!(all.contains(&demo_item(app, NO_MATCH).id));
        // htmx gets the table only.
        let fragment = ops.htmx_get(&format!("{}?lab=quest", queue(app)));
        assert!(fragment.body.starts_with("<div id=\"review-table\">"));
        assert!(!fragment.body.contains("<html"));
        // Other filters, empty states and bad values.
        let labcorp = ops.get(&format!("{}?lab=labcorp", queue(app)));
        assert!(codes(&labcorp).is_empty());
        assert!(labcorp.text().contains("No items match these filters."));
        let accepted = ops.get(&format!("{}?status=accepted", queue(app)));
        assert!(accepted.text().contains("No items with this status."));
        let mismatches = ops.get(&format!(
            "{}?status=pending_customer_review&decision_code=lab_account_mismatch",
            queue(app)
        ));
        assert_eq!(codes(&mismatches), ["lab_account_mismatch"]);
        for bad in [
            "status=done",
            "decision_code=maybe",
            "lab=acme",
            "older=xyz",
        ] {
            assert_eq!(
                ops.get(&format!("{}?{bad}", queue(app))).status,
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
        let page = ops.get(&item_url(app, &demo.id));
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
        let mismatch = ops.get(&item_url(app, &demo_item(app, MISMATCH).id));
        let account = compare_row(&mismatch, "Lab account");
        assert!(account.contains("class=\"differs\""), "{account}");
        assert!(
            account.contains("Quest East (97500002)") && account.contains("Quest West (97500001)")
        );
        assert!(compare_row(&mismatch, "Patient").contains("= Same"));
        assert!(mismatch.body.contains("name=\"confirm_mismatch\""));

        // No candidate: the lab's side alone, and orders of patients with the name to choose from.
        let no_match = ops.get(&item_url(app, &demo_item(app, NO_MATCH).id));
        assert!(no_match.text().contains("No candidate order"));
        assert!(compare_row(&no_match, "Patient").contains("not compared"));
        assert!(no_match
            .body
            .contains("<datalist id=\"order-suggestions\">"));
        assert!(no_match.text().contains("Aisha Patel (born 1991-11-02)"));
    });
}
