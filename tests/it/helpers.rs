//! One real labdesk per test: its own database (a temporary SQLite file, or a fresh PostgreSQL
//! database when TEST_DATABASE_URL is set), the demo world seeded through the real use cases, and
//! the real server on a free port.
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Once;

use actix_web::cookie::Key;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use labdesk::config::Settings;
use labdesk::db::audit::Actor;
use labdesk::db::lab_accounts::{self, AccountFilter};
use labdesk::db::{orgs, DbPool, PooledConn};
use labdesk::seed::demo;
use labdesk::service::api_keys::{self, KeyOwner};
use labdesk::startup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
pub fn backends() -> Vec<Backend> {
    static NOTICE: Once = Once::new();
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => vec![Backend::Sqlite, Backend::Postgres],
        _ => {
            let why =
                "TEST_DATABASE_URL is not set: the PostgreSQL variants of the integration tests";
            // Under CI every test fails here; elsewhere one notice per run is enough.
            if crate::skips::under_ci() {
                crate::skips::skip(why);
            }
            NOTICE.call_once(|| crate::skips::skip(why));
            vec![Backend::Sqlite]
        }
    }
}

/// Runs a test body once per backend on a fresh app.
pub fn each_backend(f: impl Fn(&TestApp)) {
    for backend in backends() {
        let app = TestApp::spawn(backend);
        println!("--- running on {:?}", app.backend);
        f(&app);
    }
}

/// Ids of the demo world, by name.
pub struct World {
    pub org_id: String,
    pub other_org_id: String,
    /// Team name -> id, across both orgs.
    pub teams: HashMap<String, String>,
    /// provider_account_id -> account id, across both orgs and the platform.
    pub accounts: HashMap<String, String>,
    /// Primary Care's key.
    pub team_key: String,
    /// Cardiology's key.
    pub cardio_key: String,
    /// Globex Downtown's key.
    pub other_team_key: String,
    pub org_key: String,
    pub other_org_key: String,
    /// Quest's lab interface key.
    pub lab_key: String,
}

impl World {
    pub fn team(&self, name: &str) -> &str {
        self.teams
            .get(name)
            .unwrap_or_else(|| panic!("no team {name}"))
    }
    pub fn account(&self, provider_account_id: &str) -> &str {
        self.accounts
            .get(provider_account_id)
            .unwrap_or_else(|| panic!("no account {provider_account_id}"))
    }
}

enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

pub struct TestApp {
    pub base: String,
    /// The database the app runs on (a SQLite path or a postgres:// URL).
    pub database_url: String,
    pub pool: DbPool,
    pub backend: Backend,
    pub world: World,
    db: TestDb,
}

fn pg_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL")
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (head, tail) = url.rsplit_once('/').expect("a database URL with a path");
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    if head.ends_with('/') || !head.contains("://") {
        panic!("unexpected TEST_DATABASE_URL {url}");
    }
    format!("{head}/{name}{query}")
}

impl TestApp {
    pub fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_in(backend, "sandbox")
    }

    /// An app whose deployment environment is `env` (`sandbox` or `production`).
    pub fn spawn_in(backend: Backend, env: &str) -> TestApp {
        let (db, url) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = dir
                    .path()
                    .join("labdesk.sqlite")
                    .to_string_lossy()
                    .to_string();
                (TestDb::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url();
                let name = format!("labdesk_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let url = with_database(&admin_url, &name);
                (TestDb::Postgres { admin_url, name }, url)
            }
        };
        let pool = startup::prepare_database(&url, 8).expect("database ready");
        let world = {
            let mut conn = pool.get().expect("connection");
            let keys = demo::ensure_demo(&mut conn).expect("demo seed");
            world(&mut conn, keys)
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let settings = Settings {
            bind: addr,
            database_url: url.clone(),
            session_key: Key::generate(),
            deployment_env: env.into(),
            region: "us".into(),
            https: false,
            insecure_cookies: false,
            public_url: None,
            trust_proxy: false,
            pool_size: 8,
            max_body_bytes: 1024 * 1024,
        };
        let server = startup::build(settings, pool.clone(), listener).expect("server");
        std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
        TestApp {
            base: format!("http://{addr}"),
            database_url: url,
            pool,
            backend,
            world,
            db,
        }
    }

    pub fn conn(&self) -> PooledConn {
        self.pool.get().expect("connection")
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed in as one of the demo people.
    pub fn login(&self, email: &str) -> Client {
        let mut c = self.client();
        let res = c.sign_in(email, demo::DEMO_PASSWORD);
        assert_eq!(res.status, 303, "sign-in of {email} failed: {}", res.body);
        c.refresh_csrf();
        c
    }

    /// Audit rows with this action for this entity.
    pub fn audit_rows(&self, action: &str, entity_id: &str) -> Vec<labdesk::db::audit::AuditEvent> {
        use labdesk::db::schema::audit_events::dsl as a;
        a::audit_events
            .filter(a::action.eq(action))
            .filter(a::entity_id.eq(entity_id))
            .select(labdesk::db::audit::AuditEvent::as_select())
            .load(&mut self.conn())
            .expect("audit rows")
    }

    pub fn audit_total(&self) -> i64 {
        use labdesk::db::schema::audit_events::dsl as a;
        a::audit_events
            .count()
            .get_result(&mut self.conn())
            .expect("count")
    }

    pub fn linked_team_ids(&self, account_id: &str) -> Vec<String> {
        labdesk::db::account_links::all_linked_team_ids(&mut self.conn(), account_id)
            .expect("links")
    }

    pub fn account(&self, account_id: &str) -> labdesk::domain::lab_account::LabAccount {
        lab_accounts::find(&mut self.conn(), account_id, lab_accounts::TeamScope::All)
            .expect("query")
            .expect("account exists")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = &self.db {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn world(conn: &mut labdesk::db::DbConnection, keys: demo::DemoKeys) -> World {
    let other = orgs::find_org_by_id_or_name(conn, demo::OTHER_ORG)
        .unwrap()
        .unwrap();
    let mut teams = HashMap::new();
    for org in [&keys.org_id, &other.id] {
        for t in orgs::list_teams(conn, org).unwrap() {
            teams.insert(t.name, t.id);
        }
    }
    let mut accounts = HashMap::new();
    for org in [&keys.org_id, &other.id] {
        for a in lab_accounts::list_for_org(conn, org, &AccountFilter::default()).unwrap() {
            accounts.insert(a.provider_account_id, a.id);
        }
    }
    for a in lab_accounts::list_platform(conn).unwrap() {
        accounts.insert(a.provider_account_id, a.id);
    }
    let actor = Actor::system("test");
    let mut team_key = |name: &str| {
        let team_id = teams[name].clone();
        let team = orgs::find_team(conn, &team_id).unwrap().unwrap();
        api_keys::create(
            conn,
            &actor,
            &KeyOwner::Team {
                team_id,
                org_id: team.org_id,
            },
            "test",
        )
        .unwrap()
        .1
    };
    let cardio_key = team_key("Cardiology");
    let other_team_key = team_key("Globex Downtown");
    let other_org_key = api_keys::create(
        conn,
        &actor,
        &KeyOwner::Org {
            org_id: other.id.clone(),
        },
        "test",
    )
    .unwrap()
    .1;
    World {
        org_id: keys.org_id,
        other_org_id: other.id,
        teams,
        accounts,
        team_key: keys.team_key,
        cardio_key,
        other_team_key,
        org_key: keys.org_key,
        other_org_key,
        lab_key: keys.lab_key,
    }
}

/// A response, whatever its status.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The body with tags removed and whitespace folded, for asserting on what a person reads.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for ch in self.body.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn to_resp(result: Result<ureq::Response, ureq::Error>) -> Resp {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_string())))
        .collect();
    let body = response.into_string().unwrap_or_default();
    Resp {
        status,
        body,
        headers,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects, adds the CSRF token to forms.
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub csrf: Option<String>,
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].chars().take_while(|c| *c != '"').collect())
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            base: base.to_string(),
            csrf: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Resp {
        to_resp(self.agent.get(&self.url(path)).call())
    }

    pub fn htmx_get(&self, path: &str) -> Resp {
        to_resp(
            self.agent
                .get(&self.url(path))
                .set("HX-Request", "true")
                .call(),
        )
    }

    /// A form post with the session's CSRF token.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf.clone().expect("no CSRF token: sign in first");
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all)
    }

    /// A form post exactly as given (no token added).
    pub fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        to_resp(self.agent.post(&self.url(path)).send_form(fields))
    }

    /// What htmx sends: the token in a header, and HX-Request.
    pub fn htmx_post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf.clone().expect("no CSRF token");
        to_resp(
            self.agent
                .post(&self.url(path))
                .set("HX-Request", "true")
                .set("X-CSRF-Token", &token)
                .send_form(fields),
        )
    }

    /// A post carrying extra headers (for example a foreign Origin) plus the CSRF header.
    pub fn post_with_headers(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Resp {
        let token = self.csrf.clone().expect("no CSRF token");
        let mut req = self.agent.post(&self.url(path)).set("X-CSRF-Token", &token);
        for (k, v) in headers {
            req = req.set(k, v);
        }
        to_resp(req.send_form(fields))
    }

    pub fn sign_in(&mut self, email: &str, password: &str) -> Resp {
        let page = self.get("/login");
        let token = extract_csrf(&page.body).expect("login form has a CSRF token");
        self.post_form_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
            ],
        )
    }

    /// Reads the current CSRF token from a signed-in page.
    pub fn refresh_csrf(&mut self) {
        let page = self.get("/orgs");
        self.csrf = extract_csrf(&page.body);
        assert!(self.csrf.is_some(), "no CSRF token on /orgs: {}", page.body);
    }

    pub fn api_get(&self, path: &str, header: &str, key: &str) -> Resp {
        to_resp(self.agent.get(&self.url(path)).set(header, key).call())
    }

    /// A JSON post with an API key and an optional idempotency key.
    pub fn api_post(
        &self,
        header: &str,
        key: &str,
        path: &str,
        body: &str,
        idempotency_key: Option<&str>,
    ) -> Resp {
        let mut req = self
            .agent
            .post(&self.url(path))
            .set(header, key)
            .set("Content-Type", "application/json");
        if let Some(k) = idempotency_key {
            req = req.set("X-Idempotency-Key", k);
        }
        to_resp(req.send_string(body))
    }

    /// A raw post with headers (for the lab interface).
    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let mut req = self.agent.post(&self.url(path));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        to_resp(req.send_bytes(body))
    }

    /// A JSON post with an API key (path first).
    pub fn api_post_json(&self, path: &str, header: &str, key: &str, body: &str) -> Resp {
        to_resp(
            self.agent
                .post(&self.url(path))
                .set(header, key)
                .set("Content-Type", "application/json")
                .send_string(body),
        )
    }

    pub fn api_patch(&self, path: &str, header: &str, key: &str, body: &str) -> Resp {
        to_resp(
            self.agent
                .request("PATCH", &self.url(path))
                .set(header, key)
                .set("Content-Type", "application/json")
                .send_string(body),
        )
    }
}
