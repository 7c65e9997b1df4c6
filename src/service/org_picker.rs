//! The organizations a signed-in person may open: an org member's own org, a CSM's assigned
//! orgs. Names in order.
use crate::db::orgs::{self, Org};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::error::AppError;

pub fn orgs(conn: &mut DbConnection, p: &Principal) -> Result<Vec<Org>, AppError> {
    let ids = match &p.org_id {
        Some(org) => vec![org.clone()],
        None => p.csm_org_ids.clone(),
    };
    orgs::list_orgs(conn, &ids)
}
