//! Results on the order page: each biomarker with value, unit, range and flag (abnormal and
//! critical in words as well as colour), the versions with what changed, a chart over the
//! patient's orders, and no result data for people who may not see the order. The sandbox
//! buttons are in `order_results_sandbox`.
use labdesk::domain::actor::Actor;
use labdesk::domain::ids::{OrderId, PatientId};
use labdesk::domain::order_status::LowStatus;
use labdesk::domain::simulation::Simulation;
use labdesk::web::urls;

use crate::support::client::text_of;
use crate::support::data::{patient, test_id};
use crate::support::orders::{api_order, order_body, place};
use crate::support::results::{
    deliver, delivered, jane_order, message, order_page, results_of, row, unescape,
};
use crate::support::{
    each_backend, TestApp, CARDIOLOGY, CLINICIAN, CSM, OPS, OTHER_OPS, PRIMARY_CARE,
};

/// The row's cells as a person reads them.
fn cells(row_html: &str) -> String {
    unescape(&text_of(row_html))
}

#[test]
fn the_page_shows_each_biomarker_with_value_unit_range_and_a_flag_in_words() {
    each_backend(|app| {
        let order = jane_order(app);
        let before = order_page(app, CLINICIAN, &order);
        assert!(
            before.text().contains("No results yet."),
            "{}",
            before.text()
        );

        delivered(app, "final.hl7", &order);
        let page = order_page(app, CLINICIAN, &order);
        assert_eq!(page.status, 200);
        let expected = [
            (
                "Total cholesterol",
                "result-abnormal",
                "Total cholesterol 212 mg/dL <200 H",
            ),
            (
                "HDL cholesterol",
                "result-normal",
                "HDL cholesterol 55 mg/dL >40",
            ),
            (
                "LDL cholesterol",
                "result-abnormal",
                "LDL cholesterol 130 mg/dL <100 H",
            ),
            (
                "Triglycerides",
                "result-normal",
                "Triglycerides 150 mg/dL <150",
            ),
        ];
        for (name, class, text) in expected {
            let r = row(&page.body, name);
            assert!(r.starts_with(&format!("<tr class=\"{class}\"")), "{r}");
            assert_eq!(cells(&r), text);
        }
        // Abnormal values are marked in words and emphasis, not colour alone.
        let ldl = row(&page.body, "LDL cholesterol");
        assert!(ldl.contains("<strong>130</strong>") && ldl.contains("flag flag-abnormal\">H<"));
        assert!(!row(&page.body, "HDL cholesterol").contains("flag"));
        let text = unescape(&page.text());
        assert!(
            text.contains("Final Version 1, reported 2026-11-30 09:00 UTC"),
            "{text}"
        );
        assert!(text.contains("specimen ACC-1") && text.contains("Overall: abnormal"));

        // A corrected result: the critical LDL says so.
        delivered(app, "corrected.hl7", &order);
        let page = order_page(app, CLINICIAN, &order);
        let ldl = row(&page.body, "LDL cholesterol");
        assert!(ldl.starts_with("<tr class=\"result-critical\""), "{ldl}");
        assert_eq!(cells(&ldl), "LDL cholesterol 420 mg/dL <100 HH critical");
        assert!(page.text().contains("Overall: critical"));
        assert!(row(&page.body, "Total cholesterol").starts_with("<tr class=\"result-normal\""));
    });
}

#[test]
fn versions_say_what_changed_from_partial_to_final_to_corrected_and_the_read_is_audited() {
    each_backend(|app| {
        let order = jane_order(app);
        delivered(app, "partial.hl7", &order);
        let text = order_page(app, OPS, &order).text();
        assert!(text.contains("Partial result: the lab has not reported every value yet."));
        assert!(
            text.contains("Version 1: Partial, 1 value (first result)"),
            "{text}"
        );

        delivered(app, "final.hl7", &order);
        delivered(app, "corrected.hl7", &order);
        let page = order_page(app, OPS, &order);
        let text = page.text();
        let versions = &text[text.rfind("Versions").expect("versions")..];
        // Newest first, each with what changed from the version before.
        let expected = [
            "Version 3: Corrected, 4 values",
            "Total cholesterol 212 → 198 mg/dL (abnormal → normal)",
            "LDL cholesterol 130 → 420 mg/dL (abnormal → critical)",
            "Version 2: Final, 4 values",
            "HDL cholesterol added: 55 mg/dL",
            "LDL cholesterol added: 130 mg/dL",
            "Triglycerides added: 150 mg/dL",
            "Version 1: Partial, 1 value (first result)",
        ];
        let mut at = 0;
        for e in expected {
            let found = versions[at..]
                .find(e)
                .unwrap_or_else(|| panic!("missing or out of order: {e}\n{versions}"));
            at += found + e.len();
        }
        assert!(
            !versions.contains("HDL cholesterol 55"),
            "unchanged values are not listed"
        );
        assert!(text.contains("The lab corrected this result"));
        assert!(page.body.contains("class=\"change-changed\""));

        // One order.viewed row per view, naming the result version that was shown.
        let views = app.audit_rows("order.viewed", &order);
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].summary, "Order viewed with result version 1");
        assert_eq!(views[1].summary, "Order viewed with result version 3");
        let details: serde_json::Value = serde_json::from_str(&views[1].details).unwrap();
        assert_eq!(details["result_version"], 3);
        assert_eq!(views[1].actor_label, OPS);
    });
}

/// Places a Primary Care lipid panel for an existing patient.
fn order_for(app: &TestApp, user: &PatientId) -> OrderId {
    let body = order_body(user, &test_id(app, "quest-lipid-panel"), "AZ");
    api_order(app, &app.world.team_key, &body)
}

/// A final result whose LDL is `ldl`.
fn final_with_ldl(app: &TestApp, order: &OrderId, ldl: &str) {
    let text = message("final.hl7", order, &format!("{order}-F")).replace(
        "LDL cholesterol^LN||130|",
        &format!("LDL cholesterol^LN||{ldl}|"),
    );
    assert!(deliver(app, &text).body.contains("attached"));
}

fn sparks(html: &str) -> usize {
    html.matches("<svg class=\"spark\"").count()
}

#[test]
fn a_patient_with_several_orders_gets_a_chart_per_marker_and_one_order_gets_none() {
    each_backend(|app| {
        let user = patient(app, app.world.team(PRIMARY_CARE), "chart-patient");
        let first = order_for(app, &user);
        let second = order_for(app, &user);
        let no_result = order_for(app, &user);
        let third = order_for(app, &user);
        final_with_ldl(app, &first, "130");
        final_with_ldl(app, &second, "150");
        final_with_ldl(app, &third, "170");
        // The newest version of an order counts: the second order is corrected to 160.
        let corrected = message("corrected.hl7", &second, &format!("{second}-C"))
            .replace("LDL cholesterol^LN||420|", "LDL cholesterol^LN||160|");
        assert!(deliver(app, &corrected).body.contains("attached"));
        // Another patient's values never join this one's chart.
        let other = jane_order(app);
        final_with_ldl(app, &other, "999");

        // The query behind it: each order's latest version, oldest order first, bounded.
        let now = labdesk::db::now();
        let team = app.world.team(PRIMARY_CARE);
        let latest = |max| {
            labdesk::db::results::latest_for_patient(&mut app.conn(), team, &user, now, max)
                .unwrap()
                .into_iter()
                .map(|r| (r.order_id, r.version))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            latest(10),
            vec![(first.clone(), 1), (second.clone(), 2), (third.clone(), 1)]
        );
        assert_eq!(latest(2), vec![(second.clone(), 2), (third.clone(), 1)]);
        let other_team = app.world.team(CARDIOLOGY);
        assert!(labdesk::db::results::latest_for_patient(
            &mut app.conn(),
            other_team,
            &user,
            now,
            10
        )
        .unwrap()
        .is_empty());

        let page = order_page(app, CLINICIAN, &third);
        assert_eq!(sparks(&page.body), 4, "one chart per numeric marker");
        let ldl = row(&page.body, "LDL cholesterol");
        assert!(
            ldl.contains(
                "aria-label=\"LDL cholesterol on 3 orders, oldest first: 130, 160, 170 mg/dL\""
            ),
            "{ldl}"
        );
        assert_eq!(ldl.matches("<circle").count(), 3);
        assert_eq!(ldl.matches("spark-current").count(), 1);
        assert!(ldl.contains("<polyline class=\"spark-line\" points=\"3,21 52,7.5 101,3\"/>"));
        // A shaded reference range (<100) lies below every value shown: none is drawn.
        assert!(!ldl.contains("spark-band"));
        let hdl = row(&page.body, "HDL cholesterol");
        assert!(
            hdl.contains("spark-band"),
            "HDL 55 is in range (>40): {hdl}"
        );

        // The second order charts only the orders up to it; the first and a single-order
        // patient have no chart; an order without results has no chart either.
        let middle = order_page(app, CLINICIAN, &second);
        assert!(row(&middle.body, "LDL cholesterol")
            .contains("on 2 orders, oldest first: 130, 160 mg/dL"));
        assert_eq!(sparks(&order_page(app, CLINICIAN, &first).body), 0);
        assert_eq!(sparks(&order_page(app, CLINICIAN, &no_result).body), 0);
        let single = order_page(app, CLINICIAN, &other);
        assert!(single.text().contains("999"));
        assert_eq!(sparks(&single.body), 0);
        assert!(
            !single.body.contains("Trend over this patient"),
            "no empty chart column"
        );
        assert!(page.text().contains("Trend over this patient's orders"));
    });
}

#[test]
fn another_teams_or_orgs_order_answers_404_without_any_result_data() {
    each_backend(|app| {
        // A Cardiology order with results from the sandbox (through ingestion).
        let cardio = place(app, CARDIOLOGY, "Grace", "Hopper");
        let team = app.world.team(CARDIOLOGY).clone();
        labdesk::service::sandbox::advance(
            &mut app.conn(),
            &Actor::system("test"),
            &cardio,
            &[team],
            &Simulation::to(LowStatus::Corrected),
        )
        .unwrap();
        let ops = order_page(app, OPS, &cardio);
        assert!(
            ops.text().contains("LDL cholesterol") && ops.text().contains("Version 3: Corrected")
        );
        let viewed = app.audit_rows("order.viewed", &cardio).len();

        let nw = &app.world.org_id;
        let gx = &app.world.other_org_id;
        for (who, org) in [(CLINICIAN, nw), (OTHER_OPS, nw), (OTHER_OPS, gx), (CSM, gx)] {
            let url = urls::order(org, &cardio);
            let c = app.login(who);
            let res = c.get(&url);
            assert_eq!(res.status, 404, "{who} {url}");
            for secret in [
                "cholesterol",
                "Results",
                "Version",
                "mg/dL",
                "Hopper",
                "spark",
            ] {
                assert!(!res.body.contains(secret), "{who} {url} shows {secret}");
            }
            let post = c.htmx_post(&urls::advance_order(org, &cardio), &[]);
            assert_eq!(post.status, 404, "{who} POST {url}");
            assert!(!post.body.contains("cholesterol"));
        }
        assert_eq!(app.audit_rows("order.viewed", &cardio).len(), viewed);
        assert_eq!(
            results_of(app, &cardio),
            3,
            "the refused posts changed nothing"
        );
    });
}
