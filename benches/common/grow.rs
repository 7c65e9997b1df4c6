//! Grows a demo database to a large one with plain SQL, the way a year of use would: copies of the
//! demo's orders (with their tests and first event) under new ids and dates spread over a year,
//! and extra Teams of the demo org, each with lab accounts linked to it. Runs with the servers
//! stopped; ANALYZE afterwards so the planners know the new sizes.
use diesel::connection::SimpleConnection;
use labdesk::db::DbConnection;

use super::instances::Backend;

/// An id that looks like the app's (hex and hyphens, so routes accept it) and is unique per `n`.
fn id_sql(backend: Backend, kind: u32, n: &str) -> String {
    match backend {
        Backend::Sqlite => format!("printf('{kind:08x}-0000-4000-8000-%012x', {n})"),
        Backend::Postgres => {
            format!("'{kind:08x}-0000-4000-8000-' || lpad(to_hex({n}::bigint), 12, '0')")
        }
    }
}

/// `now - seconds` as a timestamp expression.
fn ago_sql(backend: Backend, seconds: &str) -> String {
    match backend {
        Backend::Sqlite => format!("datetime('now', '-' || ({seconds}) || ' seconds')"),
        Backend::Postgres => {
            format!("(now() at time zone 'utc') - (({seconds}) * interval '1 second')")
        }
    }
}

/// The numbers `from + 1 ..= from + count`, as a CTE `n(i)`. PostgreSQL's planner takes a
/// recursive CTE for a few dozen rows and, joining a million of them to 50 templates, hashed the
/// million on 50 keys (it ran for many minutes); `generate_series` tells it the real size.
fn numbers(backend: Backend, from: usize, count: usize) -> String {
    let (first, last) = (from + 1, from + count);
    match backend {
        Backend::Sqlite => format!(
            "WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n WHERE i < {last})"
        ),
        Backend::Postgres => {
            format!("WITH n(i) AS (SELECT generate_series({first}, {last})::integer)")
        }
    }
}

/// Adds `count` orders, copies of the existing ones taken in turn; `from` is how many this module
/// added before (ids stay unique).
pub fn orders(conn: &mut DbConnection, backend: Backend, from: usize, count: usize) {
    let new_id = id_sql(backend, 0xb0_0000, "n.i");
    let created = ago_sql(backend, "(n.i * 157) % 31536000");
    // Templates numbered 0..k so each new order copies template i % k; at most 50 of them (the
    // demo's and the first copies), so the join stays small on both planners.
    // Templates numbered 0..k so each new order copies template i % k: at most 50 of them (the
    // demo's and the first copies), their ids in a table of their own and k a literal, so both
    // planners join the million numbers to them by hash or index, never a subquery per row.
    let count_templates = {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let c: Count = diesel::RunQueryDsl::get_result(
            diesel::sql_query("SELECT COUNT(*) AS n FROM orders"),
            conn,
        )
        .expect("count orders");
        c.n.clamp(1, 50)
    };
    conn.batch_execute(
        "CREATE TABLE bench_templates AS SELECT id, t FROM \
         (SELECT o.id, ROW_NUMBER() OVER (ORDER BY o.created_at, o.id) - 1 AS t FROM orders o) \
         numbered WHERE t < 50",
    )
    .expect("order templates");
    let columns = "team_id, org_id, user_id, lab_account_id, lab_slug, collection_method, \
        billing_type, patient_details, patient_address, patient_search_name, \
        patient_search_last_name, physician, clinical_notes, notes, priority, icd_codes, \
        passthrough, activate_by, status_high, status_low, interpretation, sample_id, origin, \
        created_by";
    let sql = format!(
        "CREATE TABLE bench_map AS {numbers} \
         SELECT n.i AS i, {new_id} AS new_id, tpl.id AS old_id, {created} AS created_at \
         FROM n JOIN bench_templates tpl ON tpl.t = n.i % {count_templates};
         INSERT INTO orders (id, {columns}, created_at, updated_at)
           SELECT m.new_id, {prefixed}, m.created_at, m.created_at
           FROM bench_map m JOIN orders o ON o.id = m.old_id;
         INSERT INTO order_tests (order_id, lab_test_id, position)
           SELECT m.new_id, ot.lab_test_id, ot.position
           FROM bench_map m JOIN order_tests ot ON ot.order_id = m.old_id;
         INSERT INTO order_events (order_id, seq, status, created_at)
           SELECT m.new_id, e.seq, e.status, m.created_at
           FROM bench_map m JOIN order_events e ON e.order_id = m.old_id AND e.seq = 1;
         DROP TABLE bench_map; DROP TABLE bench_templates;",
        numbers = numbers(backend, from, count),
        prefixed = columns
            .split(',')
            .map(|c| format!("o.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    conn.batch_execute(&sql).expect("grow orders");
}

/// Adds Teams `teams.0 + 1 ..= teams.1` to the org, and accounts `accounts.0 + 1 ..= accounts.1`
/// (active Quest accounts) spread over all of them.
pub fn teams_and_accounts(
    conn: &mut DbConnection,
    backend: Backend,
    org_id: &str,
    teams: (usize, usize),
    accounts: (usize, usize),
) {
    let team_id = id_sql(backend, 0xc0_0000, "n.i");
    let account_id = id_sql(backend, 0xd0_0000, "n.i");
    let account_team = id_sql(
        backend,
        0xc0_0000,
        &format!("((n.i - 1) % {}) + 1", teams.1),
    );
    let now = ago_sql(backend, "0");
    let new_teams = if teams.1 > teams.0 {
        format!(
            "{} INSERT INTO teams (id, org_id, name, created_at)
               SELECT {team_id}, '{org_id}', 'Bench Team ' || n.i, {now} FROM n;",
            numbers(backend, teams.0, teams.1 - teams.0)
        )
    } else {
        String::new()
    };
    let sql = format!(
        "{new_teams}
         {numbers_a} INSERT INTO lab_accounts (id, lab_slug, org_id, owner_key, provider_account_id,
             account_name, status, delegated_flow, allowed_billing, business_units,
             default_clinical_notes, version, created_at, updated_at)
           SELECT {account_id}, 'quest', '{org_id}', '{org_id}', 'BENCH-' || n.i,
             'Bench account ' || n.i, 'active', 'not_delegated', '{{\"client_bill\":[\"TX\"]}}',
             NULL, NULL, 1, {now}, {now} FROM n;
         {numbers_a} INSERT INTO lab_account_teams (lab_account_id, team_id, created_at)
           SELECT {account_id}, {account_team}, {now} FROM n;",
        numbers_a = numbers(backend, accounts.0, accounts.1 - accounts.0),
    );
    conn.batch_execute(&sql).expect("grow teams and accounts");
}

/// ANALYZE, and on SQLite a checkpoint that empties the write-ahead log the growth filled, as a
/// running server's automatic checkpoints would have done long before.
pub fn analyze(conn: &mut DbConnection, backend: Backend) {
    // PostgreSQL: VACUUM too. The growth moved the order counters a million times in one
    // transaction, and until a vacuum their index still pointed at every dead version: reading
    // a Team's count took 18 ms instead of 0.3 (autovacuum gets there later; a bulk import
    // should be followed by VACUUM ANALYZE).
    let sql = match backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    conn.batch_execute(sql).expect("analyze");
    if backend == Backend::Sqlite {
        conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
    }
}
