//! The OpenAPI document (`/openapi.json`) lists exactly the API routes `routes.rs` registers, says
//! for each what it takes and answers, and its core schemas agree with Junction's own document;
//! the reference page (`/docs`) shows the same operations.
mod junction;

use std::collections::BTreeSet;

use labdesk::openapi::document;
use labdesk::web::urls;
use serde_json::Value;

use self::junction::{compare, junction_document, Side};
use crate::support::{each_backend, TEAM_KEY_HEADER};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// (METHOD, path) of every route under the API prefixes, from the same function that mounts them.
fn api_routes() -> BTreeSet<(String, String)> {
    labdesk::routes::table()
        .into_iter()
        .filter(|(_, path)| labdesk::web::errors::is_api_path(path))
        .map(|(method, path)| (method.to_string(), path))
        .collect()
}

/// (METHOD, path) of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("path item");
            item.keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .map(|m| (m.to_ascii_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            ops.push((format!("{} {path}", method.to_ascii_uppercase()), op));
        }
    }
    ops
}

#[test]
fn every_api_route_is_in_the_document_and_nothing_else_is() {
    let routes = api_routes();
    assert!(
        routes.len() >= 19,
        "the route table is incomplete: {routes:?}"
    );
    let doc = documented(document());
    let missing: Vec<_> = routes.difference(&doc).collect();
    let extra: Vec<_> = doc.difference(&routes).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes the document lacks: {missing:?}; operations no route serves: {extra:?}"
    );
}

#[test]
fn every_operation_names_its_key_and_the_errors_it_can_answer() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    let headers: BTreeSet<&str> = schemes
        .values()
        .filter_map(|s| s["name"].as_str())
        .collect();
    let expected: BTreeSet<&str> = ["x-vital-api-key", "X-Management-Key", "X-Lab-Interface-Key"]
        .into_iter()
        .collect();
    assert_eq!(headers, expected);
    for (what, op) in operations(doc) {
        let security = op["security"].as_array().expect(&what);
        assert_eq!(security.len(), 1, "{what}: one key");
        let scheme = security[0].as_object().and_then(|s| s.keys().next());
        assert!(
            scheme.is_some_and(|s| schemes.contains_key(s)),
            "{what}: {scheme:?}"
        );
        let responses = op["responses"].as_object().expect(&what);
        assert!(
            responses.keys().any(|code| code.starts_with('2')),
            "{what}: a success"
        );
        assert!(responses.contains_key("401"), "{what}: 401");
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let takes_input = op.get("requestBody").is_some()
            || params
                .iter()
                .any(|p| p["in"] == "query" || p["in"] == "path");
        let lab_interface = what.contains("/lab-interface/");
        if takes_input && !lab_interface {
            assert!(responses.contains_key("422"), "{what}: 422");
        }
        if params.iter().any(|p| p["in"] == "path") {
            assert!(responses.contains_key("404"), "{what}: 404");
        }
        let extension = op.get("x-labdesk-extension").is_some();
        let ours_only =
            what.contains("bulk_link") || what.contains("webhook_endpoint") || lab_interface;
        assert_eq!(extension, ours_only, "{what}: x-labdesk-extension");
    }
}

#[test]
fn the_core_schemas_agree_with_junctions() {
    let Some(junction) = junction_document() else {
        crate::support::skips::skip(
            "Junction's OpenAPI document is not present (set LABDESK_JUNCTION_OPENAPI to it)",
        );
        return;
    };
    let (ours, theirs) = (Side { doc: document() }, Side { doc: &junction });
    let mut problems = Vec::new();
    for name in [
        "ClientFacingLabAccount",
        "ClientFacingOrder",
        "PostOrderResponse",
        "LabResultsRaw",
    ] {
        let pointer = format!("/components/schemas/{name}");
        let o = ours.doc.pointer(&pointer).expect(name);
        let t = theirs.doc.pointer(&pointer).expect(name);
        let (of, _) = ours.fields(o);
        assert!(of.len() >= 3, "{name} has its fields: {of:?}");
        compare(&ours, o, &theirs, t, name, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Text as askama writes it into HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn the_document_and_the_reference_page_are_served() {
    each_backend(|app| {
        let c = app.client();
        let res = c.get(&urls::openapi_document());
        assert_eq!(res.status, 200);
        assert!(res
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")));
        assert_eq!(&res.json(), document());

        let page = c.get(&urls::api_docs());
        assert_eq!(page.status, 200);
        let text = page.text();
        for (what, op) in operations(document()) {
            let path = what.split_once(' ').map(|(_, p)| p).unwrap_or_default();
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(text.contains(path), "/docs lacks {what}");
            assert!(text.contains(&escaped(summary)), "/docs lacks {summary:?}");
        }
        assert!(text.contains("labdesk extension"));
        assert!(text.contains(TEAM_KEY_HEADER));

        // A method the path does not take: 405 naming the ones it does, as Junction answers.
        let res = ureq::request("TRACE", &app.url("/v3/orders")).call();
        let res = match res {
            Err(ureq::Error::Status(_, r)) | Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(res.status(), 405);
        assert_eq!(res.header("allow"), Some("GET"));
    });
}
