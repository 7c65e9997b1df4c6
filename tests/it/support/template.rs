//! The demo world is seeded once per test run and backend into a template database, and each test
//! starts from a copy of it: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
//! A copy takes milliseconds; seeding three months of demo orders through the use cases takes
//! seconds, and did so once per test on a machine the browser tests already keep busy.
//!
//! A template is named after the test process; one left behind by a process that has ended (a
//! run that was killed) is removed when the next run makes its own.
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use labdesk::seed::demo;
use labdesk::startup;

const PREFIX: &str = "labdesk_template_";

/// A test's own database waits this long for its first connection: generous, because a loaded
/// machine is no reason to fail a test.
pub const FIRST_CONNECTION: Duration = Duration::from_secs(30);

/// Seeds the demo data into `url` and leaves nothing open on it.
fn seed(url: &str) {
    let pool = startup::prepare_database_with(url, 1, FIRST_CONNECTION).expect("template ready");
    let mut conn = pool.get().expect("template connection");
    demo::ensure_demo_data(&mut conn).expect("demo seed");
    if let labdesk::db::DbConnection::Sqlite(c) = &mut *conn {
        // Everything into the main file, so copying that one file copies the database.
        c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint the template");
    }
}

fn process_is_gone(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
}

/// The seeded SQLite file this run's tests copy.
pub fn sqlite() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let tmp = std::env::temp_dir();
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if process_is_gone(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = tmp.join(format!("{PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("template folder");
        let path = dir.join("labdesk.sqlite");
        seed(&path.to_string_lossy());
        path
    })
}

/// Copies the template to `to`, a new file.
pub fn copy_sqlite(to: &Path) {
    std::fs::copy(sqlite(), to).expect("copy the seeded template");
}

/// The name of this run's seeded PostgreSQL database on the server of `admin_url`.
fn postgres(admin_url: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let mut admin = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
        let existing: Vec<String> = diesel::sql_query(format!(
            "SELECT datname AS name FROM pg_database WHERE datname LIKE '{PREFIX}%'"
        ))
        .load::<Name>(&mut admin)
        .expect("list databases")
        .into_iter()
        .map(|n| n.name)
        .collect();
        let name = format!("{PREFIX}{}", std::process::id());
        for old in existing {
            if old == name || process_is_gone(&old) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"));
            }
        }
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the template database");
        seed(&super::app::with_database(admin_url, &name));
        name.clone()
    })
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Creates database `name` as a copy of the seeded template.
pub fn copy_postgres(admin: &mut PgConnection, admin_url: &str, name: &str) {
    let template = postgres(admin_url);
    // Copies are made one at a time: a copy needs the template to itself for a moment, and two
    // at once could see each other as "other users" of it.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .expect("copy the template database");
}
