//! Real `labdesk serve` processes for the benchmarks: a fresh database (a SQLite file or a new
//! PostgreSQL database) seeded with the demo, then one or more instances on free ports sharing it,
//! killed when dropped.
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use labdesk::db::DbPool;
use labdesk::seed::demo;
use labdesk::startup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The PostgreSQL server to create benchmark databases on.
pub fn pg_admin_url() -> String {
    std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `BENCH_KEEP=<folder>`: keep the grown databases (the SQLite file in that folder, the
/// PostgreSQL database by the name printed) to profile a route against them afterwards.
fn kept_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("BENCH_KEEP").map(std::path::PathBuf::from)
}

/// A benchmark database with the demo seeded; dropped (PostgreSQL) or deleted (SQLite) at the end.
pub struct BenchDb {
    pub backend: Backend,
    pub url: String,
    pub pool: DbPool,
    pub keys: demo::DemoKeys,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl BenchDb {
    pub fn create(backend: Backend) -> BenchDb {
        let (url, dir, pg_name) = match backend {
            Backend::Sqlite => {
                if let Some(keep) = kept_dir() {
                    std::fs::create_dir_all(&keep).expect("BENCH_KEEP folder");
                    let url = keep.join("bench.sqlite").to_string_lossy().to_string();
                    let _ = std::fs::remove_file(&url);
                    eprintln!("SQLite database kept at {url}");
                    (url, None, None)
                } else {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let url = dir
                        .path()
                        .join("bench.sqlite")
                        .to_string_lossy()
                        .to_string();
                    (url, Some(dir), None)
                }
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("labdesk_bench_{}", uuid::Uuid::new_v4().simple());
                diesel::PgConnection::establish(&admin)
                    .expect("connect to PostgreSQL (BENCH_DATABASE_URL)")
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the benchmark database");
                let (head, _) = admin.rsplit_once('/').expect("a database URL");
                let url = format!("{head}/{name}");
                if kept_dir().is_some() {
                    eprintln!("PostgreSQL database kept: {url}");
                    (url, None, None)
                } else {
                    (url, None, Some(name))
                }
            }
        };
        let pool = startup::prepare_database(&url, 4).expect("database ready");
        let keys = demo::ensure_demo(&mut pool.get().expect("connection")).expect("demo seed");
        BenchDb {
            backend,
            url,
            pool,
            keys,
            _dir: dir,
            pg_name,
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut admin) = diesel::PgConnection::establish(&pg_admin_url()) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// One `labdesk serve` process.
pub struct Instance {
    pub base: String,
    child: Child,
}

impl Instance {
    /// The most memory the server process has had resident (`VmHWM`), in MB, where /proc has it.
    pub fn peak_resident_mb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts `count` instances of the release binary on `db`, sharing one session key, and waits
/// until each answers `/readyz`.
pub fn start(db: &BenchDb, count: usize, extra_args: &[&str]) -> Vec<Instance> {
    let session_key = labdesk::config::generate_session_key_hex();
    let instances: Vec<Instance> = (0..count)
        .map(|_| {
            let port = free_port();
            let child = Command::new(env!("CARGO_BIN_EXE_labdesk"))
                .arg("serve")
                .args(["--bind", &format!("127.0.0.1:{port}")])
                .args(extra_args)
                .env("DATABASE_URL", &db.url)
                .env("LABDESK_SESSION_KEY", &session_key)
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start labdesk serve");
            Instance {
                base: format!("http://127.0.0.1:{port}"),
                child,
            }
        })
        .collect();
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(2))
        .build();
    for instance in &instances {
        let deadline = Instant::now() + Duration::from_secs(60);
        while agent
            .get(&format!("{}/readyz", instance.base))
            .call()
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "{} did not become ready",
                instance.base
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    instances
}
