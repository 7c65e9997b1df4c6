//! One real labdesk per test: its own database (a temporary SQLite file, or a fresh PostgreSQL
//! database when TEST_DATABASE_URL is set), the demo world seeded through the real use cases, and
//! the real server on a free port.
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Once;

use actix_web::cookie::Key;
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use labdesk::config::{ServerArgs, Settings};
use labdesk::db::audit::AuditEvent;
use labdesk::db::lab_accounts::{self, AccountFilter};
use labdesk::db::{orgs, DbPool, PooledConn};
use labdesk::domain::actor::Actor;
use labdesk::domain::ids::{LabAccountId, OrgId, TeamId};
use labdesk::seed::demo;
use labdesk::service::api_keys::{self, KeyOwner};
use labdesk::startup;
use labdesk::web::urls::Scope;

use super::client::Client;
use super::roles::{CARDIOLOGY, GLOBEX_DOWNTOWN, PRIMARY_CARE};
use super::sessions::session_cookie;

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
            if super::skips::under_ci() {
                super::skips::skip(why);
            }
            NOTICE.call_once(|| super::skips::skip(why));
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
    pub org_id: OrgId,
    pub other_org_id: OrgId,
    /// Team name -> id, across both orgs.
    pub teams: HashMap<String, TeamId>,
    /// provider_account_id -> account id, across both orgs and the platform.
    pub accounts: HashMap<String, LabAccountId>,
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
    org_scope: Scope,
    other_org_scope: Scope,
}

impl World {
    /// Northwind Health's pages.
    pub fn org(&self) -> &Scope {
        &self.org_scope
    }
    /// Globex's pages.
    pub fn other_org(&self) -> &Scope {
        &self.other_org_scope
    }
    pub fn team(&self, name: &str) -> &TeamId {
        self.teams
            .get(name)
            .unwrap_or_else(|| panic!("no team {name}"))
    }
    /// The Team API key the world holds for a Team, by name.
    pub fn key(&self, team: &str) -> &str {
        match team {
            PRIMARY_CARE => &self.team_key,
            CARDIOLOGY => &self.cardio_key,
            GLOBEX_DOWNTOWN => &self.other_team_key,
            other => panic!("no key for Team {other}"),
        }
    }
    pub fn account(&self, provider_account_id: &str) -> &LabAccountId {
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
pub(super) fn with_database(url: &str, name: &str) -> String {
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
                let path = dir.path().join("labdesk.sqlite");
                super::template::copy_sqlite(&path);
                (TestDb::Sqlite(dir), path.to_string_lossy().to_string())
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url();
                let name = format!("labdesk_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("connect to TEST_DATABASE_URL");
                super::template::copy_postgres(&mut admin, &admin_url, &name);
                let url = with_database(&admin_url, &name);
                (TestDb::Postgres { admin_url, name }, url)
            }
        };
        let pool = startup::prepare_database_with(&url, 8, super::template::FIRST_CONNECTION)
            .expect("database ready");
        let world = {
            let mut conn = pool.get().expect("connection");
            let keys = demo::ensure_demo(&mut conn).expect("demo seed");
            world(&mut conn, keys)
        };
        let base = serve(settings(&url, env), pool.clone());
        TestApp {
            base,
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

    /// This app's address for a path, as a browser is sent to it.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client signed in as one of the demo people.
    pub fn login(&self, email: &str) -> Client {
        self.login_with_cookie(email).0
    }

    /// A fresh client signed in as one of the demo people (with its CSRF token), and the
    /// session cookie it was given.
    pub fn login_with_cookie(&self, email: &str) -> (Client, String) {
        let mut c = self.client();
        let res = c.sign_in(email, demo::DEMO_PASSWORD);
        assert_eq!(res.status, 303, "sign-in of {email} failed: {}", res.body);
        let cookie = session_cookie(&res);
        c.refresh_csrf();
        (c, cookie)
    }

    /// Another server on this app's database, with the test settings changed by `adjust`.
    pub fn serve_again(&self, adjust: impl FnOnce(&mut Settings)) -> String {
        let mut s = settings(&self.database_url, "sandbox");
        adjust(&mut s);
        serve(s, self.pool.clone())
    }

    /// Audit rows with this action for this entity.
    pub fn audit_rows(&self, action: &str, entity_id: impl AsRef<str>) -> Vec<AuditEvent> {
        use labdesk::db::schema::audit_events::dsl as a;
        a::audit_events
            .filter(a::action.eq(action))
            .filter(a::entity_id.eq(entity_id.as_ref()))
            .select(AuditEvent::as_select())
            .load(&mut self.conn())
            .expect("audit rows")
    }

    /// (action, entity) of every audit row that records a change, oldest first: the reads of
    /// patient data (`READS`) left out, for "a refused request changes nothing" where the
    /// refusal still shows (and so records reading) patient data.
    pub fn changes(&self) -> Vec<(String, String)> {
        use labdesk::db::schema::audit_events::dsl as a;
        a::audit_events
            .filter(a::action.ne_all(READS))
            .order(a::id.asc())
            .select((a::action, a::entity_id))
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

    /// The ids of the Teams linked to an account, as text, sorted.
    pub fn linked_team_ids(&self, account_id: &LabAccountId) -> Vec<String> {
        labdesk::db::account_links::all_linked_team_ids(&mut self.conn(), account_id)
            .expect("links")
            .into_iter()
            .map(TeamId::into_string)
            .collect()
    }

    pub fn account(&self, account_id: &LabAccountId) -> labdesk::domain::lab_account::LabAccount {
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
    for a in lab_accounts::list_platform(conn, &AccountFilter::default()).unwrap() {
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
    let cardio_key = team_key(CARDIOLOGY);
    let other_team_key = team_key(GLOBEX_DOWNTOWN);
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
        org_scope: Scope::Org(keys.org_id.clone()),
        other_org_scope: Scope::Org(other.id.clone()),
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

/// The audit actions that record a read of patient data rather than a change.
pub const READS: [&str; 6] = [
    "order.viewed",
    "order.requisition_viewed",
    "order.listed",
    "result.viewed",
    "result.review_listed",
    "result.review_viewed",
];

/// The settings of a test server: plain HTTP on loopback (the port is chosen when it starts),
/// in deployment environment `env`.
fn settings(database_url: &str, env: &str) -> Settings {
    Settings {
        bind: "127.0.0.1:0".parse().expect("an address"),
        database_url: database_url.to_string(),
        session_key: Key::generate(),
        deployment_env: env.into(),
        region: "us".into(),
        https: false,
        insecure_cookies: false,
        public_url: None,
        trust_proxy: false,
        pool_size: 8,
        max_body_bytes: 1024 * 1024,
        // Only the webhook tests run a delivery worker (a server of a test lives to the end of
        // the run, and so would its worker).
        webhook_worker: false,
        mllp: None,
        mllp_allow: Vec::new(),
        webhook_first_retry: std::time::Duration::from_millis(200),
    }
}

/// Settings as `labdesk serve` resolves these flags (and the LABDESK_* environment).
pub fn settings_from_flags(flags: &[&str], database_url: &str) -> Settings {
    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        server: ServerArgs,
    }
    let mut args = vec!["labdesk"];
    if !flags.contains(&"--bind") {
        args.extend(["--bind", "127.0.0.1:0"]);
    }
    args.extend(flags);
    let flags = Flags::parse_from(args);
    Settings::new(&flags.server, database_url.to_string(), Key::generate())
}

/// Runs the real server over `pool` on a free port of `settings.bind`'s address, in a thread of
/// its own; its base URL on loopback.
pub fn serve(mut settings: Settings, pool: DbPool) -> String {
    let listener = TcpListener::bind(settings.bind).expect("bind");
    settings.bind = listener.local_addr().expect("addr");
    let port = settings.bind.port();
    let server = startup::build(settings, pool, listener).expect("server");
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
    format!("http://127.0.0.1:{port}")
}
