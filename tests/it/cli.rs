//! The `labdesk` command line, run as a user would.
use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{Backend, TestApp};
use crate::order_fixtures::{CLINICIAN, OPS};
use crate::sessions::{session_rows, sign_in, signed_out, user_id};
use labdesk::seed::demo::DEMO_PASSWORD;

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
        .api_get("/v3/lab_test/lab_account", "x-vital-api-key", &key);
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
        "X-Management-Key",
        &key,
    );
    assert_eq!(res.status, 200);
}

#[test]
fn set_password_ends_every_session_and_only_the_new_password_works() {
    let app = TestApp::spawn(Backend::Sqlite);
    let url = app_db_url(&app);
    let (_, laptop) = sign_in(&app, OPS);
    let (_, phone) = sign_in(&app, OPS);
    let (_, other) = sign_in(&app, CLINICIAN);
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
    let audit = app.audit_rows("user.password_changed", &user_id(&app, OPS));
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_type, "system");
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
    let (c, cookie) = sign_in(&app, CLINICIAN);
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
    assert_eq!(c.get("/orgs").status, 303);
    let mut fresh = app.client();
    let refused = fresh.sign_in(CLINICIAN, DEMO_PASSWORD);
    assert_eq!(refused.status, 401);
    assert!(refused
        .text()
        .contains("That email and password do not match an account."));
    assert_eq!(session_rows(&app, CLINICIAN), (0, 1));
    let (ok, out, _) = disable();
    assert!(ok && out.contains("already disabled"), "{out}");
    let audit = app.audit_rows("user.disabled", &user_id(&app, CLINICIAN));
    assert_eq!(audit.len(), 1, "disabling twice is one change");
}

fn app_db_url(app: &TestApp) -> String {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct File {
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    let rows: Vec<File> =
        diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .load(&mut app.conn())
            .unwrap();
    rows[0].file.clone()
}

#[test]
fn demo_seed_runs_once_and_later_runs_mint_fresh_keys() {
    let app = TestApp::spawn(Backend::Sqlite);
    let before = app.audit_total();
    let again = labdesk::seed::demo::ensure_demo(&mut app.conn()).unwrap();
    assert_eq!(again.org_id, app.world.org_id);
    assert_ne!(again.team_key, app.world.team_key);
    // Only the three new keys were written.
    assert_eq!(app.audit_total(), before + 3);
    use diesel::prelude::*;
    use labdesk::db::schema::organizations::dsl as o;
    let orgs: i64 = o::organizations
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(orgs, 2);
    // Both the old and the new demo key work.
    for key in [&app.world.team_key, &again.team_key] {
        assert_eq!(
            app.client()
                .api_get("/v3/lab_test/lab_account", "x-vital-api-key", key)
                .status,
            200
        );
    }
}
