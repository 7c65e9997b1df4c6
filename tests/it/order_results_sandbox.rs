//! The order page's sandbox buttons (one step forward, a corrected result once completed) with and
//! without JavaScript, who may press them, their absence and 404 in production, and the demo's
//! orders with results within the page weight budget.
use diesel::prelude::*;
use labdesk::domain::order_status::LowStatus;

use crate::helpers::{Backend, TestApp};
use crate::order_fixtures::{org_url, place, CLINICIAN, CSM, OPS};
use crate::order_results_page::{delivered, order_page, row};
use crate::results_ingest::jane_order;

fn status(app: &TestApp, order: &str) -> String {
    crate::order_fixtures::order(app, order).status_low
}

fn version_statuses(app: &TestApp, order: &str) -> Vec<String> {
    labdesk::db::results::versions(&mut app.conn(), order)
        .unwrap()
        .into_iter()
        .map(|v| v.status)
        .collect()
}

#[test]
fn advance_moves_the_order_a_step_at_a_time_through_ingestion_with_audit_rows() {
    crate::helpers::each_backend(|app| {
        let order = place(app, "Primary Care", "Ada", "Lovelace");
        let url = org_url(app, &format!("/orders/{order}"));
        let post_url = format!("{url}/sandbox/advance");
        let c = app.login(CLINICIAN);
        let page = c.get(&url);
        assert!(page
            .text()
            .contains("Advance (sandbox) to Requisition created"));
        assert!(page.body.contains(&format!("action=\"{post_url}\"")));
        assert!(page.body.contains(&format!("hx-post=\"{post_url}\"")));
        assert!(!page.text().contains("Send corrected result"));

        // Without the CSRF token nothing happens.
        assert_eq!(c.post_form_raw(&post_url, &[]).status, 403);
        assert_eq!(status(app, &order), "ordered");

        // Without JavaScript: POST, then redirect back to the order (POST/redirect/GET).
        let res = c.post_form(&post_url, &[]);
        assert_eq!(res.status, 303, "{}", res.text());
        let back = format!("{url}?done=advanced");
        assert_eq!(res.header("location"), Some(back.as_str()));
        assert_eq!(status(app, &order), "requisition_created");
        let moved = app.audit_rows("order.status_changed", &order);
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].actor_label, CLINICIAN);
        assert!(c
            .get(&back)
            .text()
            .contains("Sandbox: the order moved one step forward."));

        // With htmx: the results and status panels come back, and showing them is audited.
        let views = app.audit_rows("order.viewed", &order).len();
        let res = c.htmx_post(&post_url, &[]);
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(res
            .body
            .trim_start()
            .starts_with("<div id=\"order-progress\">"));
        let text = res.text();
        assert!(
            text.contains("Sandbox: the order moved to appointment scheduled."),
            "{text}"
        );
        assert!(text.contains("Advance (sandbox) to Partial results"));
        assert!(
            !res.body.contains("Lovelace"),
            "the fragment carries no patient name"
        );
        assert_eq!(res.header("cache-control"), Some("private, no-store"));
        assert_eq!(status(app, &order), "appointment_scheduled");
        assert_eq!(app.audit_rows("order.viewed", &order).len(), views + 1);

        // The next steps deliver results through the lab path: partial, then final.
        let res = c.htmx_post(&post_url, &[]);
        assert!(res
            .text()
            .contains("Partial result: the lab has not reported every value yet."));
        assert_eq!(status(app, &order), "partial_results");
        assert_eq!(c.post_form(&post_url, &[]).status, 303);
        assert_eq!(status(app, &order), "completed");
        assert_eq!(version_statuses(app, &order), vec!["partial", "final"]);
        let attached = app.audit_rows("result.attached", &order);
        assert_eq!(attached.len(), 2);
        assert!(attached.iter().all(|r| r.actor_label == CLINICIAN));

        // Completed: no more steps, but a corrected result can be sent.
        let page = c.get(&url);
        assert!(!page.text().contains("Advance (sandbox)"));
        assert!(page.text().contains("Send corrected result (sandbox)"));
        assert_eq!(page.body.matches("<td>Triglycerides</td>").count(), 1);
        let res = c.post_form(&post_url, &[("to", "corrected")]);
        assert_eq!(res.status, 303);
        assert_eq!(
            res.header("location"),
            Some(format!("{url}?done=corrected").as_str())
        );
        assert_eq!(status(app, &order), "corrected");
        assert_eq!(
            version_statuses(app, &order),
            vec!["partial", "final", "corrected"]
        );
        let page = c.get(&format!("{url}?done=corrected"));
        let text = page.text();
        assert!(text.contains("Sandbox: a corrected result was sent."));
        let versions = &text[text.rfind("Versions").unwrap()..];
        assert!(
            versions.contains("Version 3: Corrected, 4 values Triglycerides "),
            "{versions}"
        );
        assert!(versions.contains(" → "), "{versions}");
        assert!(!text.contains("(sandbox)"), "nothing left to press");

        // A finished order refuses another step and changes nothing.
        let events = crate::order_fixtures::event_count(app, &order);
        assert_eq!(c.post_form(&post_url, &[]).status, 400);
        assert_eq!(c.post_form(&post_url, &[("to", "corrected")]).status, 400);
        assert_eq!(c.post_form(&post_url, &[("to", "shipped")]).status, 422);
        assert_eq!(crate::order_fixtures::event_count(app, &order), events);
        assert_eq!(version_statuses(app, &order).len(), 3);
    });
}

#[test]
fn only_the_teams_clinicians_and_org_admins_may_press_it() {
    crate::helpers::each_backend(|app| {
        let order = place(app, "Primary Care", "Alan", "Turing");
        let url = org_url(app, &format!("/orders/{order}"));
        let post_url = format!("{url}/sandbox/advance");
        // A correction is only for a completed order.
        let ops = app.login(OPS);
        assert!(ops.get(&url).text().contains("Advance (sandbox)"));
        assert_eq!(ops.post_form(&post_url, &[("to", "corrected")]).status, 400);
        assert_eq!(status(app, &order), "ordered");
        // CSMs read the order but do not see or press the button.
        let csm = app.login(CSM);
        let page = csm.get(&url);
        assert_eq!(page.status, 200);
        assert!(!page.text().contains("(sandbox)"));
        assert_eq!(csm.post_form(&post_url, &[]).status, 403);
        assert_eq!(status(app, &order), "ordered");
        assert!(app.audit_rows("order.status_changed", &order).is_empty());
        assert_eq!(ops.post_form(&post_url, &[]).status, 303);
        assert_eq!(status(app, &order), "requisition_created");
        // A cancelled order has no button.
        let cancelled = place(app, "Primary Care", "Cal", "Cancelled");
        crate::order_fixtures::cancel(app, "Primary Care", &cancelled);
        let page = ops.get(&org_url(app, &format!("/orders/{cancelled}")));
        assert!(!page.text().contains("(sandbox)"));
    });
}

#[test]
fn in_production_there_is_no_button_and_the_route_is_404() {
    let app = TestApp::spawn_in(Backend::Sqlite, "production");
    let order = jane_order(&app);
    delivered(&app, "final.hl7", &order);
    let url = org_url(&app, &format!("/orders/{order}"));
    for who in [CLINICIAN, OPS] {
        let c = app.login(who);
        let page = c.get(&url);
        assert_eq!(page.status, 200);
        assert!(
            page.text().contains("LDL cholesterol"),
            "results show in production too"
        );
        assert!(!page.text().contains("(sandbox)") && !page.body.contains("sandbox/advance"));
        for fields in [&[][..], &[("to", "corrected")][..]] {
            assert_eq!(
                c.post_form(&format!("{url}/sandbox/advance"), fields)
                    .status,
                404
            );
            assert_eq!(
                c.htmx_post(&format!("{url}/sandbox/advance"), fields)
                    .status,
                404
            );
        }
    }
    assert_eq!(status(&app, &order), "completed");
    assert_eq!(version_statuses(&app, &order), vec!["final"]);
    assert!(app.audit_rows("order.status_changed", &order).is_empty());
}

#[test]
fn the_demo_has_results_a_correction_and_a_chart_within_the_page_budget() {
    crate::helpers::each_backend(|app| {
        use labdesk::db::schema::orders::dsl as o;
        let corrected: Vec<String> = o::orders
            .filter(o::org_id.eq(&app.world.org_id))
            .filter(o::status_low.eq(LowStatus::Corrected.as_str()))
            .select(o::id)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(corrected.len(), 1, "the demo has one corrected order");
        let page = order_page(app, OPS, &corrected[0]);
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(text.contains("Version 3: Corrected") && text.contains("Version 1: Partial"));
        assert!(row(&page.body, "LDL cholesterol").contains("on 3 orders, oldest first"));
        assert_eq!(page.body.matches("<svg class=\"spark\"").count(), 4);
        assert_eq!(page.header("cache-control"), Some("private, no-store"));

        // HTML + CSS + JS of the page, uncompressed, under 100 KB, nothing from another origin.
        let c = app.client();
        let css = c.get("/static/app.css").body.len();
        let js = c.get("/static/vendor/htmx-2.0.11.min.js").body.len();
        assert!(css > 1000 && js > 10_000);
        let total = page.body.len() + css + js;
        assert!(total < 100 * 1024, "order page weighs {total} bytes");
        assert!(!page.body.contains("http://") && !page.body.contains("https://"));

        // Every demo order past its lab stage has results from ingestion.
        let with_results: Vec<(String, String)> = o::orders
            .filter(o::org_id.eq(&app.world.org_id))
            .filter(o::status_low.eq_any(["partial_results", "completed", "corrected"]))
            .select((o::id, o::status_low))
            .load(&mut app.conn())
            .unwrap();
        assert!(with_results.len() >= 5, "{with_results:?}");
        for (id, low) in with_results {
            let v = version_statuses(app, &id);
            assert!(!v.is_empty(), "{low} order {id} has no result");
        }
    });
}

/// Text of the first element matching `css`, read in one script (an htmx swap may replace it).
fn text_of(b: &crate::webdriver::Browser, css: &str) -> String {
    b.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        vec![serde_json::json!(css)],
    )
    .as_str()
    .unwrap_or_default()
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

#[test]
fn browser_advance_and_correct_swap_the_results_in_place_with_htmx() {
    use crate::webdriver::{Browser, WAIT};
    let Some(b) = Browser::start() else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite);
    let order = place(&app, "Primary Care", "Ada", "Lovelace");
    b.goto(&format!("{}/login", app.base));
    b.find("#email").send_keys(CLINICIAN);
    b.find("#password")
        .send_keys(labdesk::seed::demo::DEMO_PASSWORD);
    b.find("form button[type=submit]").click();
    b.wait_until("signed in", WAIT, || !b.current_url().ends_with("/login"));
    let url = format!("{}{}", app.base, org_url(&app, &format!("/orders/{order}")));
    b.goto(&url);
    assert!(text_of(&b, "#order-results").contains("No results yet."));
    b.execute_script("window.__marker = 1; return null;", vec![]);

    // Four presses walk the walk-in order to completed; each swaps the panels in place.
    for expected in [
        "Requisition created",
        "Appointment scheduled",
        "Partial results",
        "Completed",
    ] {
        b.find("#order-results form button[type=submit]").click();
        b.wait_until(&format!("the status shows {expected}"), WAIT, || {
            text_of(&b, "#order-status .badge") == expected
        });
    }
    assert_eq!(
        b.execute_script("return window.__marker === 1;", vec![]),
        serde_json::json!(true),
        "htmx swapped the panels, no page load"
    );
    assert_eq!(b.current_url(), url);
    let results = text_of(&b, "#order-results");
    assert!(
        results.contains("Sandbox: the order moved to completed."),
        "{results}"
    );
    assert!(
        results.contains("Version 2: Final, 4 values LDL cholesterol added"),
        "{results}"
    );

    b.find("#order-results form:has(input[name=to]) button")
        .click();
    b.wait_until("the corrected version shows", WAIT, || {
        text_of(&b, "#order-results").contains("Version 3: Corrected")
    });
    assert_eq!(text_of(&b, "#order-status .badge"), "Corrected");
    assert_eq!(status(&app, &order), "corrected");
    assert_eq!(version_statuses(&app, &order).len(), 3);
    assert_eq!(app.audit_rows("result.attached", &order).len(), 3);
}
