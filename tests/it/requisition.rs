//! The requisition PDF: served at Junction's URL for the Team's key and linked from the order
//! page; it names the patient, the account the lab bills, the tests and the order number; opening
//! it is audited; another Team's order is not found.
use labdesk::web::urls;

use crate::support::results::jane_order;
use crate::support::{each_backend, Resp, OPS, TEAM_KEY_HEADER};

fn text_of(pdf: &Resp) -> String {
    let doc = lopdf::Document::load_mem(pdf.body_bytes()).expect("a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("its text")
}

#[test]
fn the_requisition_names_the_patient_the_account_the_tests_and_the_order() {
    each_backend(|app| {
        let order = jane_order(app);
        let c = app.client();
        let path = format!("/v3/order/{order}/requisition/pdf");
        let res = c.api_get(&path, TEAM_KEY_HEADER, &app.world.team_key);
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.header("content-type"), Some("application/pdf"));
        assert!(res.body_bytes().starts_with(b"%PDF-"));
        let text = text_of(&res);
        for expected in [
            "97500001",
            "Doe, Jane",
            "Lipid Panel",
            order.as_str(),
            "Laboratory requisition",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert_eq!(app.audit_rows("order.requisition_viewed", &order).len(), 1);
        // Another Team's key: not found, nothing recorded.
        let other = c.api_get(&path, TEAM_KEY_HEADER, &app.world.cardio_key);
        assert_eq!(other.status, 404);
        assert_eq!(app.audit_rows("order.requisition_viewed", &order).len(), 1);

        // The order page links to it, and the link serves the same PDF.
        let ops = app.login(OPS);
        let page = ops.get(&urls::order(&app.world.org_id, &order));
        let link = urls::order_requisition(&app.world.org_id, &order);
        assert!(page.body.contains(&link));
        let pdf = ops.get(&link);
        assert_eq!(pdf.header("content-type"), Some("application/pdf"));
        assert!(text_of(&pdf).contains("97500001"));
        assert_eq!(app.audit_rows("order.requisition_viewed", &order).len(), 2);
    });
}
