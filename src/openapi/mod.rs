//! The OpenAPI 3.1 document of labdesk's JSON APIs (`GET /openapi.json`, read as a page at
//! `/docs`). Schemas and operations are Rust items (`schemas`, `paths`) that utoipa turns into
//! the document; `marks` then applies the few rules that hold across the whole document.
pub mod marks;
pub mod paths;
pub mod reference;
pub mod schemas;

use std::sync::OnceLock;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The key headers as Junction's documents spell them; the extractors (`web::api::keys`) read
/// them in any case, as HTTP headers are.
const TEAM_KEY_HEADER: &str = "x-vital-api-key";
const ORG_KEY_HEADER: &str = "X-Management-Key";
const LAB_KEY_HEADER: &str = "X-Lab-Interface-Key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "labdesk API",
        description = "Junction's lab-testing API (Team API and Org Management API) as labdesk \
            serves it, and the lab interface labs deliver results to. Operations and fields that \
            are labdesk's own carry `x-labdesk-extension: true`; clients of Junction's API ignore \
            fields they do not know."
    ),
    paths(
        paths::team::lab_accounts,
        paths::team::lab_tests,
        paths::team::labs,
        paths::users::create_user,
        paths::users::get_user,
        paths::orders::create_order,
        paths::orders::list_orders,
        paths::orders::get_order,
        paths::orders::cancel_order,
        paths::results::result,
        paths::results::result_metadata,
        paths::results::simulate,
        paths::results::requisition,
        paths::results::list_unmatched,
        paths::results::get_unmatched,
        paths::org::teams,
        paths::org::lab_accounts,
        paths::org::replace_allowlist,
        paths::org::bulk_link,
        paths::webhooks::list,
        paths::webhooks::create,
        paths::webhooks::get,
        paths::webhooks::update,
        paths::webhooks::delete,
        paths::webhooks::rotate_secret,
        paths::webhooks::send_test,
        paths::webhooks::replay,
        paths::lab_interface::deliver,
    ),
    components(schemas(
        schemas::errors::ErrorDetail,
        schemas::errors::RuleRefusal,
        schemas::errors::HTTPValidationError,
        // Named only by parameters or map values, which utoipa does not follow.
        schemas::enums::FinalStatus,
        schemas::lenient::FinalStatusParam,
        schemas::lenient::Seconds,
        schemas::lenient::DateOrTimestamp,
        schemas::lenient::DateOrEmpty,
        schemas::enums::UsState,
        crate::domain::order_status::LowStatus,
    )),
    modifiers(&KeySchemes),
    tags(
        (name = "Lab accounts", description = "The lab accounts the calling Team may order on."),
        (name = "Lab tests", description = "The test catalogue."),
        (name = "Users", description = "The Team's users: the patients orders are for."),
        (name = "Orders", description = "Placing, reading, listing and cancelling the Team's orders."),
        (name = "Results", description = "Results of the Team's orders, and the sandbox's simulation."),
        (name = "Unmatched results", description = "Delivered results that did not attach to an order by themselves."),
        (name = "Org management", description = "Junction's Org Management API: an organization's lab accounts and Teams, with its management key."),
        (name = "Webhooks", description = "labdesk extension of the Org Management API: a Team's webhook endpoints, signed as Svix signs."),
        (name = "Lab interface", description = "labdesk extension: labs deliver results."),
    )
)]
struct ApiDoc;

/// The three kinds of API key, each in its own header.
struct KeySchemes;

impl Modify for KeySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let header = |name: &str, what: &str| {
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(name, what)))
        };
        components.add_security_scheme(
            paths::TEAM_KEY,
            header(
                TEAM_KEY_HEADER,
                "A Team API key: the Team API acts for that Team only.",
            ),
        );
        components.add_security_scheme(
            paths::ORG_KEY,
            header(
                ORG_KEY_HEADER,
                "An organization's management key: the Org Management API acts for that \
                 organization only.",
            ),
        );
        components.add_security_scheme(
            paths::LAB_KEY,
            header(
                LAB_KEY_HEADER,
                "A lab interface key: one lab delivers its results with it.",
            ),
        );
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        marks::apply(&mut doc);
        doc
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::document;
    use super::marks::{EXTENSION_KEY, EXTENSION_PREFIX};

    fn walk<'a>(v: &'a Value, found: &mut Vec<&'a Value>) {
        found.push(v);
        match v {
            Value::Object(m) => m.values().for_each(|x| walk(x, found)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, found)),
            _ => {}
        }
    }

    fn everything() -> Vec<&'static Value> {
        let mut found = Vec::new();
        walk(document(), &mut found);
        found
    }

    #[test]
    fn the_key_headers_are_the_ones_the_extractors_read() {
        use crate::web::api::keys::{LAB_HEADER, ORG_HEADER, TEAM_HEADER};
        assert!(super::TEAM_KEY_HEADER.eq_ignore_ascii_case(TEAM_HEADER));
        assert!(super::ORG_KEY_HEADER.eq_ignore_ascii_case(ORG_HEADER));
        assert!(super::LAB_KEY_HEADER.eq_ignore_ascii_case(LAB_HEADER));
    }

    #[test]
    fn every_reference_names_a_schema_of_the_document() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        for v in everything() {
            if let Some(r) = v.get("$ref").and_then(Value::as_str) {
                let pointer = r.trim_start_matches('#');
                assert!(doc.pointer(pointer).is_some(), "{r} names nothing");
            }
        }
    }

    #[test]
    fn what_says_it_is_labdesks_own_is_marked() {
        let marked: Vec<&Value> = everything()
            .into_iter()
            .filter(|v| v.get(EXTENSION_KEY).is_some())
            .collect();
        for v in &marked {
            let own_description = v["description"]
                .as_str()
                .is_some_and(|d| d.starts_with(EXTENSION_PREFIX));
            assert!(own_description || v.get("operationId").is_some(), "{v}");
        }
        let schemas = &document()["components"]["schemas"];
        for (schema, field) in [
            ("ClientFacingOrder", "lab_account_id"),
            ("RuleRefusal", "code"),
            ("UnmatchedResult", "reason_codes"),
        ] {
            assert_eq!(
                schemas[schema]["properties"][field][EXTENSION_KEY],
                Value::Bool(true),
                "{schema}.{field}"
            );
        }
        let short = &schemas["FinalStatus"]["oneOf"][1];
        assert_eq!(
            short[EXTENSION_KEY],
            Value::Bool(true),
            "short final_status"
        );
        assert!(marked.len() >= 10, "{}", marked.len());
    }

    #[test]
    fn the_reference_page_has_every_operation_once() {
        let r = super::reference::build(document());
        let ops: Vec<&str> = r
            .tags
            .iter()
            .flat_map(|t| t.operations.iter().map(|o| o.anchor.as_str()))
            .collect();
        let unique: std::collections::BTreeSet<&&str> = ops.iter().collect();
        assert_eq!(ops.len(), unique.len(), "anchors are unique");
        let documented: usize = document()["paths"]
            .as_object()
            .map(|p| {
                p.values()
                    .map(|item| item.as_object().map_or(0, |m| m.len()))
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(ops.len(), documented, "every operation is under a tag");
        assert!(
            r.tags.iter().all(|t| !t.operations.is_empty()),
            "no empty tag"
        );
        assert_eq!(r.keys.len(), 3);
    }
}
