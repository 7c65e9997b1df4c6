//! The Teams list (dashboard and org API) comes in keyset pages by name: following "Next page"
//! or `next_cursor` from the first page visits every Team once, in name order, each with the
//! accounts linked to it, however many Teams the org has.
use diesel::prelude::*;
use labdesk::db::schema::teams::dsl as t;
use labdesk::service::teams::{API_TEAMS_PER_PAGE, TEAMS_PER_PAGE};

use crate::support::data::{add_account, team_names, NewAccount};
use crate::support::orders::rel_href;
use crate::support::{
    each_backend, Client, TestApp, CLINICIAN, GLOBEX_DOWNTOWN, OPS, ORG_KEY_HEADER, PRIMARY_CARE,
};

/// More Teams than an API page holds, the last one (by name) linked to ten new accounts.
fn grow_teams(app: &TestApp) -> String {
    let mut conn = app.conn();
    let extra = API_TEAMS_PER_PAGE + 5;
    for i in 0..extra {
        labdesk::db::orgs::insert_team(&mut conn, &app.world.org_id, &format!("Zz Clinic {i:03}"))
            .unwrap();
    }
    drop(conn);
    let last = format!("Zz Clinic {:03}", extra - 1);
    let team_id: String = t::teams
        .filter(t::name.eq(&last))
        .select(t::id)
        .first(&mut app.conn())
        .unwrap();
    // Ten accounts on that Team: its row names eight and says how many more.
    for i in 0..10 {
        let number = format!("975412{i:02}");
        let name = format!("Quest Far End {i}");
        let account = add_account(
            app,
            &NewAccount {
                number: &number,
                name: &name,
                ..NewAccount::QUEST
            },
        );
        labdesk::service::lab_accounts::link_team(
            &mut app.conn(),
            &labdesk::domain::actor::Actor::system("test"),
            &account,
            &labdesk::domain::ids::TeamId::from_text(&team_id),
        )
        .unwrap();
    }
    last
}

/// The Team names of a list page, in order.
fn row_names(html: &str) -> Vec<String> {
    html.split("<tr data-team-id=\"")
        .skip(1)
        .map(|row| {
            let name_at = row.find("\">").unwrap() + 2;
            let rest = &row[name_at..];
            let start = rest.find("\">").unwrap() + 2;
            rest[start..].chars().take_while(|c| *c != '<').collect()
        })
        .collect()
}

fn walk_pages(client: &Client, first: &str) -> (Vec<String>, Vec<String>) {
    let (mut names, mut bodies, mut url) = (Vec::new(), Vec::new(), Some(first.to_string()));
    while let Some(u) = url {
        let page = client.get(&u);
        assert_eq!(page.status, 200, "{u}: {}", page.body);
        let shown = row_names(&page.body);
        assert!(shown.len() <= TEAMS_PER_PAGE, "{u}");
        names.extend(shown);
        url = rel_href(&page.body, "next");
        bodies.push(page.body);
        assert!(bodies.len() < 20, "the pages never end");
    }
    (names, bodies)
}

#[test]
fn following_next_page_shows_every_team_once_by_name_with_its_accounts() {
    each_backend(|app| {
        let last = grow_teams(app);
        let want = team_names(app, &app.world.org_id);
        let ops = app.login(OPS);
        let first = format!("/orgs/{}/teams", app.world.org_id);
        let (names, bodies) = walk_pages(&ops, &first);
        assert_eq!(names, want, "every Team once, in name order");
        assert_eq!(bodies.len(), want.len().div_ceil(TEAMS_PER_PAGE));
        let final_page = bodies.last().unwrap();
        let row = &final_page[final_page.find(&format!(">{last}<")).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains("Quest Far End"),
            "the last Team's linked account: {row}"
        );
        assert!(
            final_page.contains("rel=\"first\""),
            "a way back to the first page"
        );
        assert!(!bodies[0].contains("rel=\"first\""));
        // The demo's Primary Care keeps its linked accounts on the first page.
        let primary = &bodies[0][bodies[0].find(&format!(">{PRIMARY_CARE}<")).unwrap()..];
        assert!(primary[..primary.find("</tr>").unwrap()].contains("class=\"tag\""));
        // A cursor naming no Team of this org is not found.
        let other = app.world.team(GLOBEX_DOWNTOWN);
        assert_eq!(ops.get(&format!("{first}?after={other}")).status, 404);
    });
}

#[test]
fn a_clinician_pages_through_only_their_own_teams() {
    each_backend(|app| {
        grow_teams(app);
        let clinician = app.login(CLINICIAN);
        let (names, bodies) = walk_pages(&clinician, &format!("/orgs/{}/teams", app.world.org_id));
        assert_eq!(names, vec![PRIMARY_CARE.to_string()]);
        assert_eq!(bodies.len(), 1);
        assert!(!bodies[0].contains("rel=\"next\""));
    });
}

#[test]
fn org_api_team_list_pages_by_next_cursor_through_every_team() {
    each_backend(|app| {
        grow_teams(app);
        let want = team_names(app, &app.world.org_id);
        let c = app.client();
        let base = format!("/v1/org/{}/team", app.world.org_id);
        let (mut names, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
        loop {
            let path = match &cursor {
                Some(c) => format!("{base}?next_cursor={c}"),
                None => base.clone(),
            };
            let res = c.api_get(&path, ORG_KEY_HEADER, &app.world.org_key);
            assert_eq!(res.status, 200, "{path}: {}", res.body);
            let body = res.json();
            let teams = body["teams"].as_array().unwrap();
            assert!(teams.len() <= API_TEAMS_PER_PAGE);
            names.extend(
                teams
                    .iter()
                    .map(|t| t["name"].as_str().unwrap().to_string()),
            );
            pages += 1;
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
            assert!(pages < 10, "the pages never end");
        }
        assert_eq!(names, want, "every Team once, in name order");
        assert_eq!(pages, 2);

        // A cursor of another org's Team, or no UUID at all: 422 naming the parameter.
        let other = app.world.team(GLOBEX_DOWNTOWN);
        for bad in [other.to_string(), "not-a-cursor".to_string()] {
            let res = c.api_get(
                &format!("{base}?next_cursor={bad}"),
                ORG_KEY_HEADER,
                &app.world.org_key,
            );
            assert_eq!(res.status, 422, "{bad}: {}", res.body);
            assert_eq!(
                res.json()["detail"][0]["loc"][1],
                "next_cursor",
                "{}",
                res.body
            );
        }
    });
}
