//! The `labdesk` command line, run as a user would.
use std::io::Write;
use std::process::{Command, Stdio};

use labdesk::seed::demo::DEMO_PASSWORD;
use labdesk::web::urls;

use crate::support::data::count;
use crate::support::orders::{event_count, place};
use crate::support::sessions::{session_rows, signed_out, user_id};
use crate::support::{
    Backend, Client, TestApp, CLINICIAN, OPS, ORG_KEY_HEADER, PRIMARY_CARE, TEAM_KEY_HEADER,
};

fn labdesk(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_labdesk"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("LABDESK_SESSION_KEY")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run labdesk");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn serve_without_a_session_key_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.sqlite");
    let (ok, _, err) = labdesk(&["serve", "--database-url", db.to_str().unwrap()], None);
    assert!(!ok);
    assert!(
        err.contains("no session key") && err.contains("labdesk session-key"),
        "{err}"
    );
    let (ok, _, err) = labdesk(&["migrate", "--database-url", ""], None);
    assert!(!ok);
    assert!(err.contains("DATABASE_URL is empty"), "{err}");
    let (ok, _, err) = labdesk(
        &[
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ],
        None,
    );
    assert!(!ok);
    assert!(err.contains("cannot connect to PostgreSQL"), "{err}");
}

#[test]
fn user_and_api_key_commands_create_working_credentials() {
    let app = TestApp::spawn(Backend::Sqlite);
    let url = app_db_url(&app);
    let (ok, out, err) = labdesk(
        &[
            "user",
            "create",
            "--email",
            "New.Ops@Northwind.test",
            "--name",
            "New Ops",
            "--role",
            "org_admin",
            "--org",
            "Northwind Health",
            "--database-url",
            &url,
        ],
        Some("a long enough password\n"),
    );
    assert!(ok, "{out}{err}");
    let mut c = app.client();
    assert_eq!(
        c.sign_in("new.ops@northwind.test", "a long enough password")
            .status,
        303
    );

    let (ok, _, err) = labdesk(
        &[
            "user",
            "create",
            "--email",
            "x@y.z",
            "--name",
            "X",
            "--role",
            "clinician",
            "--org",
            "Northwind Health",
            "--database-url",
            &url,
        ],
        Some("a long enough password"),
    );
    assert!(
        !ok && err.contains("a clinician needs at least one --team"),
        "{err}"
    );

    let (ok, out, err) = labdesk(
        &[
            "api-key",
            "create",
            "--team",
            "Primary Care",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(ok, "{err}");
    let key = out.lines().last().unwrap().trim().to_string();
    assert!(key.starts_with("ldk_team_"), "{out}");
    let res = app
        .client()
        .api_get("/v3/lab_test/lab_account", TEAM_KEY_HEADER, &key);
    assert_eq!(res.status, 200);

    let (ok, out, _) = labdesk(
        &[
            "api-key",
            "create",
            "--org",
            "Northwind Health",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(ok);
    let key = out.lines().last().unwrap().trim().to_string();
    let res = app.client().api_get(
        &format!("/v1/org/{}/team", app.world.org_id),
        ORG_KEY_HEADER,
        &key,
    );
    assert_eq!(res.status, 200);
}

#[test]
fn set_password_ends_every_session_and_only_the_new_password_works() {
    let app = TestApp::spawn(Backend::Sqlite);
    let url = app_db_url(&app);
    let (_, laptop) = app.login_with_cookie(OPS);
    let (_, phone) = app.login_with_cookie(OPS);
    let (_, other) = app.login_with_cookie(CLINICIAN);
    let set = |email: &str, password: &str| {
        labdesk(
            &[
                "user",
                "set-password",
                "--email",
                email,
                "--database-url",
                &url,
            ],
            Some(password),
        )
    };
    let (ok, _, err) = set(OPS, "too short\n");
    assert!(!ok && err.contains("at least 12 characters"), "{err}");
    let (ok, _, err) = set("nobody@northwind.test", "a long enough password\n");
    assert!(!ok && err.contains("no user with email"), "{err}");
    assert!(!signed_out(&app, &laptop), "failed commands change nothing");

    let (ok, out, err) = set("OPS@northwind.test", "a brand new password\n");
    assert!(ok, "{out}{err}");
    assert!(out.contains("2 sessions ended"), "{out}");
    assert!(signed_out(&app, &laptop) && signed_out(&app, &phone));
    assert!(!signed_out(&app, &other), "other people stay signed in");
    assert_eq!(session_rows(&app, OPS), (0, 2));
    let mut c = app.client();
    assert_eq!(c.sign_in(OPS, DEMO_PASSWORD).status, 401);
    assert_eq!(c.sign_in(OPS, "a brand new password").status, 303);
    let audit = app.audit_rows("user.password_changed", user_id(&app, OPS));
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_type.as_str(), "system");
    assert!(
        !audit[0].details.contains("brand new"),
        "{}",
        audit[0].details
    );
}

#[test]
fn a_disabled_user_is_signed_out_everywhere_and_cannot_sign_in() {
    let app = TestApp::spawn(Backend::Sqlite);
    let url = app_db_url(&app);
    let (c, cookie) = app.login_with_cookie(CLINICIAN);
    let disable = || {
        labdesk(
            &[
                "user",
                "disable",
                "--email",
                CLINICIAN,
                "--database-url",
                &url,
            ],
            None,
        )
    };
    let (ok, out, err) = disable();
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 sessions ended"), "{out}");
    assert!(signed_out(&app, &cookie));
    assert_eq!(c.get(&urls::orgs()).status, 303);
    let mut fresh = app.client();
    let refused = fresh.sign_in(CLINICIAN, DEMO_PASSWORD);
    assert_eq!(refused.status, 401);
    assert!(refused
        .text()
        .contains("That email and password do not match an account."));
    assert_eq!(session_rows(&app, CLINICIAN), (0, 1));
    let (ok, out, _) = disable();
    assert!(ok && out.contains("already disabled"), "{out}");
    let audit = app.audit_rows("user.disabled", user_id(&app, CLINICIAN));
    assert_eq!(audit.len(), 1, "disabling twice is one change");
}

/// The app's SQLite file, as the command line is given it.
fn app_db_url(app: &TestApp) -> String {
    assert_eq!(app.backend, Backend::Sqlite);
    app.database_url.clone()
}

#[test]
fn demo_seed_runs_once_and_later_runs_mint_fresh_keys() {
    let app = TestApp::spawn(Backend::Sqlite);
    let tables = [
        "organizations",
        "teams",
        "users",
        "lab_accounts",
        "patients",
        "orders",
        "results",
        "unmatched_results",
    ];
    let rows = |app: &TestApp| tables.map(|t| count(app, t));
    let (rows_before, changes_before) = (rows(&app), app.changes());
    let audit_before = app.audit_total();
    let again = labdesk::seed::demo::ensure_demo(&mut app.conn()).unwrap();
    assert_eq!(again.org_id, app.world.org_id);
    assert_ne!(again.team_key, app.world.team_key);
    assert_eq!(rows(&app), rows_before, "the demo world was not made again");
    // Only the new keys were written: one `api_key.created` row for each key returned.
    let mut written = app.changes().split_off(changes_before.len());
    written.sort();
    let mut keys: Vec<(String, String)> = [&again.team_key, &again.org_key, &again.lab_key]
        .iter()
        .map(|key| {
            let digest = labdesk::domain::api_key::digest(key);
            let row = labdesk::db::api_keys::find_active(&mut app.conn(), &digest)
                .unwrap()
                .expect("the new key is stored");
            ("api_key.created".to_string(), row.id.into_string())
        })
        .collect();
    keys.sort();
    assert_eq!(written, keys);
    assert_eq!(app.audit_total(), audit_before + keys.len() as i64);
    // Both the old and the new demo key work.
    for key in [&app.world.team_key, &again.team_key] {
        assert_eq!(
            app.client()
                .api_get("/v3/lab_test/lab_account", TEAM_KEY_HEADER, key)
                .status,
            200
        );
    }
}

/// A `labdesk` server process, stopped when dropped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts `labdesk <args> --bind 127.0.0.1:PORT` and waits until it answers /livez.
fn start_server(args: &[&str]) -> (Running, String) {
    let bind = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_labdesk"))
        .args(args)
        .args(["--bind", &bind])
        .env_remove("LABDESK_DEPLOYMENT_ENV")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run labdesk");
    let running = Running(child);
    let base = format!("http://{bind}");
    let started = std::time::Instant::now();
    while ureq::get(&format!("{base}/livez")).call().is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "labdesk {args:?} did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (running, base)
}

#[test]
fn serve_runs_production_unless_asked_and_demo_runs_sandbox() {
    let app = TestApp::spawn(Backend::Sqlite);
    let url = app_db_url(&app);
    let key = labdesk::config::generate_session_key_hex();
    let serve = ["serve", "--database-url", &url, "--session-key", &key];
    // The Org Management API answers only for this deployment's `{env}`.
    let answers = |base: &str, env: &str| {
        let path = format!("/v1/org/{}/lab_account/{env}/us", app.world.org_id);
        Client::new(base)
            .api_get(&path, ORG_KEY_HEADER, &app.world.org_key)
            .status
    };
    let (_server, base) = start_server(&serve);
    assert_eq!(
        answers(&base, "production"),
        200,
        "serve defaults to production"
    );
    assert_eq!(answers(&base, "sandbox"), 404);
    // No made-up results for a real order: the sandbox route is not there.
    let order = place(&app, PRIMARY_CARE, "Ada", "Lovelace");
    let sandbox_test = format!("/v3/order/{order}/test?final_status=completed");
    let res = Client::new(&base).api_post(
        &sandbox_test,
        TEAM_KEY_HEADER,
        &app.world.team_key,
        "{}",
        None,
    );
    assert_eq!(res.status, 404, "{}", res.body);
    assert_eq!(event_count(&app, &order), 1, "nothing moved");
    drop(_server);

    let asked: Vec<&str> = serve
        .iter()
        .copied()
        .chain(["--deployment-env", "sandbox"])
        .collect();
    let (_server, base) = start_server(&asked);
    assert_eq!(answers(&base, "sandbox"), 200, "--deployment-env sandbox");
    assert_eq!(answers(&base, "production"), 404);
    let res = Client::new(&base).api_post(
        &sandbox_test,
        TEAM_KEY_HEADER,
        &app.world.team_key,
        "{}",
        None,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(event_count(&app, &order) > 1);
    drop(_server);

    // The demo is a sandbox: its banner shows the sandbox path of the Org Management API.
    let dir = tempfile::tempdir().unwrap();
    let demo_db = dir.path().join("demo.sqlite");
    let (mut demo, _) = start_server(&["demo", "--database-url", demo_db.to_str().unwrap()]);
    let mut banner = String::new();
    let stdout = demo.0.stdout.take().expect("demo stdout");
    use std::io::BufRead;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("/lab_account/") {
            break;
        }
    }
    assert!(banner.contains("/sandbox/us"), "{banner}");
}
