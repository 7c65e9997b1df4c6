//! How each lab takes orders, as the platform's CSMs set it: the list of labs with their
//! connection, and changing one (validated, written with its audit row in one transaction).
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::lab_messages as db;
use crate::db::lab_tests::{self, LabRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::access::{Action, Principal};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::lab::LabSlug;
use crate::domain::lab_link::{connection, Connection, ConnectionProblems};
use crate::error::AppError;
use crate::service::policy;

/// Every lab with its connection ("none" until one is set).
pub fn list(conn: &mut DbConnection, p: &Principal) -> Result<Vec<(LabRow, Connection)>, AppError> {
    policy::authorize(p, Action::ManageLabConnections)?;
    let mut out = Vec::new();
    for lab in lab_tests::list_labs(conn)? {
        let c = db::connection_of(conn, lab.slug)?;
        out.push((lab, c));
    }
    Ok(out)
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("The connection has problems; nothing was saved.")]
    Invalid(ConnectionProblems),
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for ConnectionError {
    fn from(e: diesel::result::Error) -> Self {
        ConnectionError::Failed(e.into())
    }
}

/// The connection as typed.
pub struct ConnectionInput<'a> {
    pub kind: &'a str,
    pub host: &'a str,
    pub port: &'a str,
    pub folder: &'a str,
}

/// Sets the lab's connection; messages still waiting go the new way.
pub fn set(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    lab: LabSlug,
    input: &ConnectionInput,
) -> Result<Connection, ConnectionError> {
    policy::authorize(p, Action::ManageLabConnections)?;
    let c = connection(input.kind, input.host, input.port, input.folder)
        .map_err(ConnectionError::Invalid)?;
    write_tx(conn, |conn| {
        let before = db::connection_of(conn, lab)?;
        db::set_connection(conn, lab, &c, &actor.label)?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabConnectionChanged,
                entity_type: EntityType::Lab,
                entity_id: lab.as_str(),
                org_id: None,
                team_id: None,
                summary: format!(
                    "{} takes orders by {} (was {})",
                    lab.display_name(),
                    c.kind,
                    before.kind
                ),
                details: json!({
                    "before": {"kind": before.kind, "address": before.address(), "folder": before.folder},
                    "after": {"kind": c.kind, "address": c.address(), "folder": c.folder},
                }),
            },
        )?;
        Ok(c)
    })
}
