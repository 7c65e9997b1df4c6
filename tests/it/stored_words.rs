//! The words the database stores for typed columns (statuses, codes, slugs, audit actions): a
//! row is read into its types, the text stays as it always was, and a word the code does not know
//! is a clear error naming the column's type and the word, never a panic or a silent default.
use diesel::prelude::*;
use labdesk::domain::order_status::LowStatus;
use labdesk::error::AppError;
use labdesk::web::urls;

use crate::support::orders::{order, place};
use crate::support::{each_backend, OPS, PRIMARY_CARE};

#[test]
fn typed_columns_keep_the_words_stored_before() {
    each_backend(|app| {
        use labdesk::db::schema::orders::dsl as o;
        let id = place(app, PRIMARY_CARE, "Ada", "Words");
        let (low, high, method, billing): (String, String, String, String) = o::orders
            .find(&id)
            .select((
                o::status_low,
                o::status_high,
                o::collection_method,
                o::billing_type,
            ))
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(
            (
                low.as_str(),
                high.as_str(),
                method.as_str(),
                billing.as_str()
            ),
            ("ordered", "received", "walk_in_test", "client_bill")
        );
        let row = order(app, &id);
        assert_eq!(row.status_low, LowStatus::Ordered);
        assert_eq!(row.status_low.as_str(), low);
        let audit: Vec<String> = {
            use labdesk::db::schema::audit_events::dsl as a;
            a::audit_events
                .filter(a::entity_id.eq(id.as_str()))
                .select(a::action)
                .load(&mut app.conn())
                .unwrap()
        };
        assert_eq!(audit, vec!["order.created".to_string()]);
    });
}

#[test]
fn a_stored_word_the_code_does_not_know_is_a_clear_error() {
    each_backend(|app| {
        use labdesk::db::schema::orders::dsl as o;
        let id = place(app, PRIMARY_CARE, "Ada", "Unknown");
        diesel::update(o::orders.find(&id))
            .set(o::status_low.eq("teleported"))
            .execute(&mut app.conn())
            .unwrap();
        let err = labdesk::db::orders::find(&mut app.conn(), &id).unwrap_err();
        assert!(matches!(err, AppError::Db { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("LowStatus") && text.contains("'teleported'") && text.contains("ordered"),
            "{text}"
        );
        // The page answers with the generic error, and the server keeps serving.
        let c = app.login(OPS);
        let page = c.get(&urls::order(&app.world.org_id, &id));
        assert_eq!(page.status, 500, "{}", page.body);
        assert!(!page.body.contains("teleported"), "{}", page.body);
        assert_eq!(c.get(&urls::org_orders(&app.world.org_id)).status, 500);
        assert_eq!(c.get(&urls::orgs()).status, 200);
    });
}
