//! Triggers a test installs in its own database to make one kind of write fail, on both
//! backends, so it can check that the change the write belonged to did not happen either.
use diesel::connection::SimpleConnection;

use super::app::{Backend, TestApp};

/// From now on, `event` (`INSERT` or `UPDATE`) on `table` fails whenever `when` (an SQL
/// condition over `NEW`) holds.
pub fn refuse(app: &TestApp, name: &str, event: &str, table: &str, when: &str) {
    let sql = match app.backend {
        Backend::Sqlite => format!(
            "CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test trigger {name}'); END;"
        ),
        Backend::Postgres => format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'refused by the test trigger {name}'; END $$; \
             CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN ({when}) \
             EXECUTE FUNCTION {name}();"
        ),
    };
    app.conn().batch_execute(&sql).expect("create the trigger");
}

/// Removes a trigger made by `refuse`.
pub fn allow(app: &TestApp, name: &str, table: &str) {
    let sql = match app.backend {
        Backend::Sqlite => format!("DROP TRIGGER {name};"),
        Backend::Postgres => format!("DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();"),
    };
    app.conn().batch_execute(&sql).expect("drop the trigger");
}
