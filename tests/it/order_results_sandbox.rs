//! The order page's sandbox controls (move to a status, the next step by default; simulate to
//! completion; results read as normal, abnormal or critical; a corrected result once completed)
//! with and without JavaScript, who may press them, their absence and 404 in production, and the demo's
//! orders with results within the page weight budget.
use diesel::prelude::*;
use labdesk::domain::ids::OrderId;
use labdesk::domain::order_status::LowStatus;
use labdesk::web::urls;

use crate::support::browser::{app_and_browser, mark_page, page_still_marked, sign_in};
use crate::support::orders::{cancel, event_count, order, place};
use crate::support::results::{delivered, jane_order, order_page, row};
use crate::support::webdriver::{Browser, WAIT};
use crate::support::{each_backend, Backend, TestApp, CLINICIAN, CSM, OPS, PRIMARY_CARE};

fn status(app: &TestApp, order_id: &OrderId) -> String {
    order(app, order_id).status_low.to_string()
}

fn version_statuses(app: &TestApp, order: &OrderId) -> Vec<String> {
    labdesk::db::results::versions(&mut app.conn(), order)
        .unwrap()
        .into_iter()
        .map(|v| v.status.to_string())
        .collect()
}

/// The form fields of "Move to this status" with `low` picked.
fn step(low: &str) -> [(&str, &str); 2] {
    [("to", "step"), ("step", low)]
}

/// The status the picker shows first (the one it moves to unless another is picked).
fn first_step(html: &str) -> String {
    let picker = &html[html.find("id=\"sandbox-step\"").expect("the status picker")..];
    let value = &picker[picker.find("<option value=\"").unwrap() + 15..];
    value[..value.find('"').unwrap()].to_string()
}

#[test]
fn the_sandbox_moves_the_order_to_the_status_picked_through_ingestion_with_audit_rows() {
    each_backend(|app| {
        let order = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        let url = urls::order(&app.world.org_id, &order);
        let post_url = urls::advance_order(&app.world.org_id, &order);
        let c = app.login(CLINICIAN);
        let page = c.get(&url);
        assert!(page.text().contains("Simulate to completion"));
        assert_eq!(
            first_step(&page.body),
            "requisition_created",
            "the next step is picked"
        );
        assert!(page
            .body
            .contains("<option value=\"sample_error\">Sample error (the order fails)</option>"));
        assert!(page.body.contains(&format!("action=\"{post_url}\"")));
        assert!(page.body.contains(&format!("hx-post=\"{post_url}\"")));
        assert!(!page.text().contains("Send corrected result"));

        // Without the CSRF token nothing happens.
        assert_eq!(c.post_form_raw(&post_url, &[]).status, 403);
        assert_eq!(status(app, &order), "ordered");

        // Without JavaScript: POST, then redirect back to the order (POST/redirect/GET).
        let res = c.post_form(&post_url, &step("requisition_created"));
        assert_eq!(res.status, 303, "{}", res.text());
        let back = format!("{url}?done=simulated");
        assert_eq!(res.header("location"), Some(back.as_str()));
        assert_eq!(status(app, &order), "requisition_created");
        let moved = app.audit_rows("order.status_changed", &order);
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].actor_label, CLINICIAN);
        assert!(c.get(&back).text().contains("Sandbox: the order moved on."));

        // With htmx: the results and status panels come back, and showing them is audited.
        let views = app.audit_rows("order.viewed", &order).len();
        let res = c.htmx_post(&post_url, &step("appointment_scheduled"));
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
        assert_eq!(first_step(&res.body), "partial_results");
        assert!(
            !res.body.contains("Lovelace"),
            "the fragment carries no patient name"
        );
        assert_eq!(res.header("cache-control"), Some("private, no-store"));
        assert_eq!(status(app, &order), "appointment_scheduled");
        assert_eq!(app.audit_rows("order.viewed", &order).len(), views + 1);

        // The next steps deliver results through the lab path: partial, then final.
        let res = c.htmx_post(&post_url, &step("partial_results"));
        assert!(res
            .text()
            .contains("Partial result: the lab has not reported every value yet."));
        assert_eq!(status(app, &order), "partial_results");
        let res = c.post_form(&post_url, &[("to", "completion")]);
        assert_eq!(res.status, 303);
        assert_eq!(status(app, &order), "completed");
        assert_eq!(version_statuses(app, &order), vec!["partial", "final"]);
        let attached = app.audit_rows("result.attached", &order);
        assert_eq!(attached.len(), 2);
        assert!(attached.iter().all(|r| r.actor_label == CLINICIAN));

        // Completed: no more steps, but a corrected result can be sent.
        let page = c.get(&url);
        assert!(!page.text().contains("Simulate to completion"));
        assert!(!page.text().contains("Move to this status"));
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
        let events = event_count(app, &order);
        assert_eq!(c.post_form(&post_url, &[]).status, 400);
        assert_eq!(c.post_form(&post_url, &[("to", "corrected")]).status, 400);
        assert_eq!(c.post_form(&post_url, &[("to", "shipped")]).status, 422);
        assert_eq!(event_count(app, &order), events);
        assert_eq!(version_statuses(app, &order).len(), 3);
    });
}

#[test]
fn only_the_teams_clinicians_and_org_admins_may_press_it() {
    each_backend(|app| {
        let order = place(app, PRIMARY_CARE, "Alan", "Turing");
        let url = urls::order(&app.world.org_id, &order);
        let post_url = urls::advance_order(&app.world.org_id, &order);
        // A correction is only for a completed order.
        let ops = app.login(OPS);
        assert!(ops.get(&url).text().contains("Simulate to completion"));
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
        assert_eq!(
            ops.post_form(&post_url, &step("requisition_created"))
                .status,
            303
        );
        assert_eq!(status(app, &order), "requisition_created");
        // A cancelled order has no button.
        let cancelled = place(app, PRIMARY_CARE, "Cal", "Cancelled");
        cancel(app, PRIMARY_CARE, &cancelled);
        let page = ops.get(&urls::order(&app.world.org_id, &cancelled));
        assert!(!page.text().contains("(sandbox)"));
    });
}

#[test]
fn in_production_there_is_no_button_and_the_route_is_404() {
    let app = TestApp::spawn_in(Backend::Sqlite, "production");
    let order = jane_order(&app);
    delivered(&app, "final.hl7", &order);
    let url = urls::order(&app.world.org_id, &order);
    let post_url = urls::advance_order(&app.world.org_id, &order);
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
            assert_eq!(c.post_form(&post_url, fields).status, 404);
            assert_eq!(c.htmx_post(&post_url, fields).status, 404);
        }
    }
    assert_eq!(status(&app, &order), "completed");
    assert_eq!(version_statuses(&app, &order), vec!["final"]);
    assert!(app.audit_rows("order.status_changed", &order).is_empty());
}

#[test]
fn the_demo_has_results_a_correction_and_a_chart_within_the_page_budget() {
    each_backend(|app| {
        use labdesk::db::schema::orders::dsl as o;
        let corrected: Vec<OrderId> = o::orders
            .filter(o::org_id.eq(&app.world.org_id))
            .filter(o::status_low.eq(LowStatus::Corrected.as_str()))
            .select(o::id)
            .load(&mut app.conn())
            .unwrap();
        assert!(!corrected.is_empty(), "the demo has a corrected order");
        let page = corrected
            .iter()
            .map(|id| order_page(app, OPS, id))
            .find(|page| page.text().contains("Version 3: Corrected"))
            .expect("a demo order corrected after its final result");
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(text.contains("Version 3: Corrected") && text.contains("Version 1: Partial"));
        // A chart over the patient's orders: one point per order, and one chart per marker.
        let ldl = row(&page.body, "LDL cholesterol");
        let orders: usize = ldl
            .split(" orders, oldest first")
            .next()
            .and_then(|head| head.rsplit("on ").next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no chart over several orders: {ldl}"));
        assert!(orders >= 2, "{ldl}");
        assert_eq!(ldl.matches("<circle").count(), orders, "{ldl}");
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
        let with_results: Vec<(OrderId, String)> = o::orders
            .filter(o::org_id.eq(&app.world.org_id))
            .filter(o::status_low.eq_any(["partial_results", "completed", "corrected"]))
            .select((o::id, o::status_low))
            .load(&mut app.conn())
            .unwrap();
        for stage in ["partial_results", "completed", "corrected"] {
            assert!(
                with_results.iter().any(|(_, low)| low == stage),
                "the demo has no {stage} order: {with_results:?}"
            );
        }
        for (id, low) in with_results {
            let v = version_statuses(app, &id);
            assert!(!v.is_empty(), "{low} order {id} has no result");
        }
    });
}

/// Text of the first element matching `css`, read in one script (an htmx swap may replace it).
fn text_of(b: &Browser, css: &str) -> String {
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
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let order = place(&app, PRIMARY_CARE, "Ada", "Lovelace");
    sign_in(&b, &app, CLINICIAN);
    let url = app.url(&urls::order(&app.world.org_id, &order));
    b.goto(&url);
    assert!(text_of(&b, "#order-results").contains("No results yet."));
    mark_page(&b);

    // Four presses of "Move to this status" (the next step is picked each time) walk the walk-in
    // order to completed; each swaps the panels in place.
    for expected in [
        "Requisition created",
        "Appointment scheduled",
        "Partial results",
        "Completed",
    ] {
        b.find("#order-results button[value=step]").click();
        b.wait_until(&format!("the status shows {expected}"), WAIT, || {
            text_of(&b, "#order-status .badge") == expected
        });
    }
    assert!(
        page_still_marked(&b),
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
