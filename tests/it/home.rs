//! The home page per role: each block's numbers are the database's, counted here from the rows;
//! a clinician's counts stop at their Teams even on an account another Team shares; the empty
//! states say so in words; a critical result is listed until someone opens its order.
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use labdesk::db::schema::{lab_account_teams, lab_accounts, orders, teams, unmatched_results};
use labdesk::domain::access::Role;
use labdesk::domain::actor::Actor;
use labdesk::domain::home::{period_start, CHART_DAYS, WEEK_DAYS};
use labdesk::domain::ids::OrderId;
use labdesk::domain::lab_account::AccountStatus;
use labdesk::domain::order_status::LowStatus;
use labdesk::domain::result_matching::DecisionCode;
use labdesk::service::users::{self, CreateUser};
use labdesk::web::urls;

use crate::support::data::{add_clinician, fresh_team};
use crate::support::orders::place;
use crate::support::results::{delivered, jane_order, order_page};
use crate::support::{each_backend, TestApp, CLINICIAN, OPS, PRIMARY_CARE, TELEHEALTH_WEST};

const TELE_CLINICIAN: &str = "tele.clinician@northwind.test";

/// The HTML of the home page's block with this id (empty when the page has none).
fn block(html: &str, id: &str) -> String {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else {
        return String::new();
    };
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    html[start..end].to_string()
}

/// The count a tally shows for `label` (`<span class="tally-count">N</span> label</a>`).
fn tally(html: &str, label: &str) -> Option<i64> {
    let end = html.find(&format!("</span> {label}</a>"))?;
    let start = html[..end].rfind('>')? + 1;
    html[start..end].trim().parse().ok()
}

/// The total under each account's chart, by account name.
fn chart_totals(html: &str) -> BTreeMap<String, i64> {
    let charts = block(html, "home-charts");
    charts
        .split("<li class=\"card\">")
        .skip(1)
        .map(|c| {
            let name = c
                .split("<strong>")
                .nth(1)
                .unwrap()
                .split("</strong>")
                .next();
            let total = c.split("class=\"chart-text\">").nth(1).unwrap();
            let total: String = total.chars().take_while(char::is_ascii_digit).collect();
            (name.unwrap().to_string(), total.parse().unwrap())
        })
        .collect()
}

fn today() -> NaiveDate {
    labdesk::db::now().date()
}

/// (status, account name, created) of the orders of these Teams (None: the whole demo org).
fn order_rows(
    app: &TestApp,
    team_names: Option<&[&str]>,
) -> Vec<(LowStatus, String, NaiveDateTime)> {
    let rows: Vec<(LowStatus, Option<String>, String, NaiveDateTime)> = orders::table
        .inner_join(lab_accounts::table)
        .inner_join(teams::table.on(teams::id.eq(orders::team_id)))
        .filter(orders::org_id.eq(app.world.org_id.as_str()))
        .select((
            orders::status_low,
            lab_accounts::account_name,
            teams::name,
            orders::created_at,
        ))
        .load(&mut app.conn())
        .unwrap();
    rows.into_iter()
        .filter(|(_, _, team, _)| team_names.is_none_or(|names| names.contains(&team.as_str())))
        .map(|(status, account, _, at)| (status, account.unwrap_or_default(), at))
        .collect()
}

fn home(app: &TestApp, who: &str) -> String {
    let res = app.login(who).get(&urls::org_home(&app.world.org_id));
    assert_eq!(res.status, 200, "{}", res.body);
    res.body
}

fn week_counts(rows: &[(LowStatus, String, NaiveDateTime)]) -> BTreeMap<String, i64> {
    let from = period_start(today(), WEEK_DAYS);
    let mut by = BTreeMap::new();
    for (status, _, _) in rows.iter().filter(|(_, _, at)| *at >= from) {
        *by.entry(status.label()).or_insert(0) += 1;
    }
    by
}

fn chart_counts(rows: &[(LowStatus, String, NaiveDateTime)]) -> BTreeMap<String, i64> {
    let from = period_start(today(), CHART_DAYS);
    let mut by = BTreeMap::new();
    for (_, account, _) in rows.iter().filter(|(_, _, at)| *at >= from) {
        *by.entry(account.clone()).or_insert(0) += 1;
    }
    by
}

fn assert_week_block(html: &str, expected: &BTreeMap<String, i64>) {
    let week = block(html, "home-week");
    let total: i64 = expected.values().sum();
    assert!(total > 0, "the demo has orders this week");
    assert_eq!(
        tally(&week, "order placed").or(tally(&week, "orders placed")),
        Some(total),
        "{week}"
    );
    for (label, n) in expected {
        assert_eq!(tally(&week, label), Some(*n), "{label}: {week}");
    }
    assert_eq!(
        week.matches("tally-count").count(),
        expected.len() + 1,
        "{week}"
    );
}

#[test]
fn ops_home_shows_accounts_reviews_and_orders_with_the_databases_numbers() {
    each_backend(|app| {
        let html = home(app, OPS);
        assert!(
            html.contains("aria-current=\"page\">Home</a>"),
            "Home is the current page"
        );

        // Accounts: the org's own and the platform's linked to one of its Teams.
        let org = app.world.org_id.as_str();
        let linked: Vec<String> = lab_account_teams::table
            .inner_join(teams::table)
            .filter(teams::org_id.eq(org))
            .select(lab_account_teams::lab_account_id)
            .load(&mut app.conn())
            .unwrap();
        let accounts: Vec<(String, Option<String>, AccountStatus)> = lab_accounts::table
            .select((lab_accounts::id, lab_accounts::org_id, lab_accounts::status))
            .load(&mut app.conn())
            .unwrap();
        let accounts_block = block(&html, "home-accounts");
        for status in AccountStatus::ALL {
            let n = accounts
                .iter()
                .filter(|(id, owner, s)| {
                    s == status
                        && (owner.as_deref() == Some(org)
                            || (owner.is_none() && linked.contains(id)))
                })
                .count() as i64;
            assert_eq!(tally(&accounts_block, status.label()), Some(n), "{status}");
        }
        assert!(
            accounts_block.contains("Labcorp National"),
            "the pending account waits: {accounts_block}"
        );

        // Review: the org's open items by kind, in words.
        let open: Vec<DecisionCode> = unmatched_results::table
            .filter(unmatched_results::org_id.eq(org))
            .filter(
                unmatched_results::status.eq_any(["pending_customer_review", "pending_ops_review"]),
            )
            .select(unmatched_results::decision_code)
            .load(&mut app.conn())
            .unwrap();
        let review = block(&html, "home-review");
        assert!(!open.is_empty());
        for code in DecisionCode::ALL {
            let n = open.iter().filter(|c| *c == code).count() as i64;
            assert_eq!(
                tally(&review, code.label()),
                (n > 0).then_some(n),
                "{code}: {review}"
            );
            assert!(
                !review.contains(&format!(">{code}<")),
                "no raw code as text"
            );
        }
        assert!(review.contains("oldest waiting"), "{review}");

        // Orders: every Team's, this week by status and the last four weeks per account.
        let rows = order_rows(app, None);
        assert_week_block(&html, &week_counts(&rows));
        let charts = chart_counts(&rows);
        assert!(charts.len() > 1, "{charts:?}");
        assert_eq!(chart_totals(&html), charts);
        assert_eq!(html.matches("<svg class=\"bars\"").count(), charts.len());
        assert!(html.contains("role=\"img\" aria-label=\"Orders per day on Quest West from "));
    });
}

#[test]
fn a_clinician_counts_only_their_teams_orders_on_an_account_another_team_shares() {
    each_backend(|app| {
        // Quest West serves Primary Care and Telehealth West; each Team orders on it today.
        add_clinician(app, TELE_CLINICIAN, TELEHEALTH_WEST);
        for i in 0..3 {
            place(app, PRIMARY_CARE, &format!("Ada{i}"), "Lovelace");
        }
        place(app, TELEHEALTH_WEST, "Grace", "Hopper");

        for (who, team) in [(CLINICIAN, PRIMARY_CARE), (TELE_CLINICIAN, TELEHEALTH_WEST)] {
            let html = home(app, who);
            assert!(
                block(&html, "home-accounts").is_empty(),
                "{who} sees no accounts block"
            );
            assert!(
                block(&html, "home-review").is_empty(),
                "{who} sees no review block"
            );
            assert!(
                html.contains(&format!("Orders of your Teams: {team}.")),
                "{who}"
            );
            let mine = order_rows(app, Some(&[team]));
            assert_week_block(&html, &week_counts(&mine));
            let charts = chart_totals(&html);
            assert_eq!(charts, chart_counts(&mine), "{who}");
            let whole_org = chart_counts(&order_rows(app, None));
            assert!(
                charts["Quest West"] < whole_org["Quest West"],
                "{who}: {charts:?} {whole_org:?}"
            );
        }
    });
}

#[test]
fn a_clinician_of_a_team_without_orders_sees_the_empty_states_in_words() {
    each_backend(|app| {
        let (team, _) = fresh_team(app, "Sports Medicine");
        let email = "sports@northwind.test";
        let input = CreateUser {
            email: email.into(),
            name: "Sam Sports".into(),
            role: Role::Clinician,
            orgs: vec![app.world.org_id.to_string()],
            teams: vec![team.to_string()],
            password: labdesk::seed::demo::DEMO_PASSWORD.into(),
        };
        users::create(&mut app.conn(), &Actor::system("test"), &input).unwrap();
        let text = crate::support::client::text_of(&home(app, email));
        for words in [
            "Orders of your Teams: Sports Medicine.",
            "No orders this week.",
            "No orders in the last four weeks.",
            "No critical results are waiting to be viewed.",
        ] {
            assert!(text.contains(words), "{words}: {text}");
        }
        assert!(!text.contains("orders placed"), "{text}");
        assert!(!text.contains("Quest West"), "no chart: {text}");
    });
}

fn listed_critical(app: &TestApp, html: &str, order: &OrderId) -> bool {
    block(html, "home-critical").contains(&urls::order(&app.world.org_id, order))
}

#[test]
fn a_critical_result_is_listed_until_someone_opens_its_order() {
    each_backend(|app| {
        let order = jane_order(app);
        delivered(app, "final.hl7", &order);
        let abnormal = home(app, CLINICIAN);
        assert!(
            !listed_critical(app, &abnormal, &order),
            "abnormal is not critical"
        );
        // The corrected result has a critical LDL.
        delivered(app, "corrected.hl7", &order);
        let listed_before = app
            .audit_rows("order.listed", app.world.org_id.as_str())
            .len();
        for who in [CLINICIAN, OPS] {
            let html = home(app, who);
            assert!(listed_critical(app, &html, &order), "{who}");
            assert!(block(&html, "home-critical").contains("Jane Doe"), "{who}");
        }
        // Showing patients' names is a read, recorded like the orders list's.
        let listed = app.audit_rows("order.listed", app.world.org_id.as_str());
        assert_eq!(listed.len(), listed_before + 2);
        let naming = listed.iter().filter(|r| r.details.contains(order.as_str()));
        assert_eq!(naming.count(), 2);

        order_page(app, CLINICIAN, &order);
        for who in [CLINICIAN, OPS] {
            assert!(
                !listed_critical(app, &home(app, who), &order),
                "{who}: viewed"
            );
        }
    });
}
