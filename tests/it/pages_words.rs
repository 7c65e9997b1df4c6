//! What the pages say: plain words instead of codes, a message after every change, the patient
//! named before a cancel, dates that cannot match explained, and the audit page's reads hidden
//! by default but never dropped from the log.
use labdesk::web::urls;

use crate::support::client::text_of;
use crate::support::orders::{listed_ids, place};
use crate::support::{each_backend, CARDIOLOGY, CSM, OPS, PRIMARY_CARE};

#[test]
fn the_header_names_the_role_in_plain_words() {
    each_backend(|app| {
        let text = text_of(&app.login(OPS).get(&urls::teams(&app.world.org_id)).body);
        assert!(text.contains("Olivia Park Operations admin"), "{text}");
        assert!(!text.contains("(Ops (org admin))"), "{text}");
    });
}

#[test]
fn audit_page_hides_views_by_default_and_the_log_keeps_them() {
    each_backend(|app| {
        let c = app.login(OPS);
        let org = &app.world.org_id;
        let order = place(app, PRIMARY_CARE, "Vera", "Audited");
        assert_eq!(c.get(&urls::order(org, &order)).status, 200);
        let viewed = app.audit_rows("order.viewed", &order);
        assert_eq!(viewed.len(), 1, "the view is in the log");

        let audit = urls::audit(org);
        let by_order = format!("{audit}?entity_type=order&entity_id={order}");
        let page = c.get(&by_order).text();
        assert!(page.contains("Order placed"), "{page}");
        assert!(!page.contains("Order viewed"), "reads hidden: {page}");
        assert!(
            page.contains("Show views and lists"),
            "the switch is offered: {page}"
        );
        let with_reads = c.get(&format!("{by_order}&reads=1")).body;
        assert!(
            with_reads.contains("Order viewed") && with_reads.contains("Order placed"),
            "{with_reads}"
        );
        // The box stays ticked on the page that shows them.
        assert!(
            with_reads.contains(r#"name="reads" value="1" checked"#),
            "{with_reads}"
        );
        // The CSV follows the page's choice.
        let csv_url = urls::audit_csv(org);
        let csv = c.get(&format!("{csv_url}?entity_id={order}")).body;
        assert!(!csv.contains("order.viewed"), "{csv}");
        let csv = c.get(&format!("{csv_url}?entity_id={order}&reads=1")).body;
        assert!(csv.contains("order.viewed"), "{csv}");
        // Still exactly one view row: reading the audit page is not an order view.
        assert_eq!(app.audit_rows("order.viewed", &order).len(), 1);
    });
}

#[test]
fn audit_entity_filter_offers_orders_and_review_items_in_words() {
    each_backend(|app| {
        let page = app.login(OPS).get(&urls::audit(&app.world.org_id)).body;
        for option in [
            r#"<option value="order" >Order</option>"#,
            r#"<option value="unmatched_result" >Review item</option>"#,
            r#"<option value="lab_account" >Lab account</option>"#,
        ] {
            assert!(page.contains(option), "{option}: {page}");
        }
        // Actions in words, the code beside them.
        assert!(
            page.contains("Order placed") && page.contains("order.created"),
            "{page}"
        );
    });
}

#[test]
fn a_from_date_after_the_to_date_is_explained_and_ignored() {
    each_backend(|app| {
        let c = app.login(OPS);
        let org = &app.world.org_id;
        place(app, CARDIOLOGY, "Dana", "Dated");
        let reversed = "from=2026-12-05&to=2026-12-01";
        let orders = c.get(&format!("{}?{reversed}", urls::org_orders(org)));
        assert_eq!(orders.status, 200);
        let text = orders.body;
        assert!(
            text.contains("The From date (2026-12-05) is after the To date (2026-12-01)"),
            "{text}"
        );
        assert!(
            !listed_ids(&text).is_empty(),
            "the dates were ignored: {text}"
        );
        // The form keeps what was typed, so it can be corrected.
        assert!(text.contains(r#"value="2026-12-05""#), "{text}");

        let audit = c.get(&format!("{}?{reversed}", urls::audit(org))).text();
        assert!(audit.contains("is after the To date"), "{audit}");
        assert!(!audit.contains("No audit events match"), "{audit}");
    });
}

#[test]
fn cancel_confirmation_names_the_patient_and_the_tests() {
    each_backend(|app| {
        let c = app.login(OPS);
        let org = &app.world.org_id;
        let order = place(app, PRIMARY_CARE, "Nora", "Cancelme");
        let confirm = c.get(&urls::cancel_order(org, &order)).text();
        assert!(
            confirm.contains("Cancel the order for Nora Cancelme (born "),
            "{confirm}"
        );
        // The order page's dialog asks the same question.
        let page = c.get(&urls::order(org, &order)).body;
        assert!(
            page.contains(r#"hx-confirm="Cancel the order for Nora Cancelme (born "#),
            "{page}"
        );
    });
}

#[test]
fn account_changes_say_they_were_saved() {
    each_backend(|app| {
        let c = app.login(CSM);
        let scope = app.world.org();
        let id = app.world.account("97500002");
        let account = urls::lab_account(scope, id);

        // Linking a Team without JavaScript: post, redirect, and a message on the account.
        let team = app.world.team(PRIMARY_CARE);
        let before = app.audit_rows("lab_account.team_linked", id).len();
        let res = c.post_form(
            &urls::lab_account_teams(scope, id),
            &[("team_id", team.as_str())],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        let location = res.location();
        assert_eq!(location, format!("{account}?done=linked"));
        assert!(c
            .get(&location)
            .text()
            .contains("Team linked to this account."),);
        assert_eq!(
            app.audit_rows("lab_account.team_linked", id).len(),
            before + 1
        );
        assert!(app.linked_team_ids(id).iter().any(|t| t == team.as_str()));

        // A status change says so, in words, in the history too.
        let res = c.post_form(
            &urls::lab_account_status(scope, id),
            &[("status", "suspended"), ("reason", "Lab contract review")],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        let page = c.get(&res.location()).text();
        assert!(page.contains("Status changed."), "{page}");
        let history = app.audit_rows("lab_account.status_changed", id);
        let last = history.last().expect("a status row");
        assert!(
            last.summary.contains("changed from Active to Suspended"),
            "{}",
            last.summary
        );

        // A link someone edited by hand says nothing.
        let quiet = c.get(&format!("{account}?done=anything")).text();
        assert!(!quiet.contains("flash-ok"), "{quiet}");
    });
}
