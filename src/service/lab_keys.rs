//! The labs' interface keys, for CSMs: one key delivers one lab's results for every org, so only
//! platform staff list, create and revoke them. Any other key (a Team's, an org's) is "not
//! found" here.
use crate::db::api_keys::{self as keys_db, ApiKeyRow};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::actor::Actor;
use crate::domain::api_key::{validate_label, KeyScope};
use crate::domain::ids::ApiKeyId;
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::service::api_keys::{self, CreatedKey, KeyError, KeyOwner, KeyProblems, Revocation};
use crate::service::policy;

pub const LAB_REQUIRED: &str = "Choose the lab that will deliver results with this key.";

fn authorize(p: &Principal) -> Result<(), AppError> {
    policy::authorize(p, Action::ManageLabKeys)
}

/// Every lab interface key, revoked ones included.
pub fn list(conn: &mut DbConnection, p: &Principal) -> Result<Vec<ApiKeyRow>, AppError> {
    authorize(p)?;
    keys_db::list_lab_keys(conn)
}

/// A key just made for a lab.
pub struct CreatedLabKey {
    pub lab: LabSlug,
    pub key: CreatedKey,
}

/// Makes a key for the lab, audited in the same transaction. No lab (`None`: none chosen, or one
/// labdesk does not know) or a label that is blank or too long is `KeyError::Invalid`, with
/// every problem of the form; nothing is made.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    lab: Option<LabSlug>,
    typed_label: &str,
) -> Result<CreatedLabKey, KeyError> {
    authorize(p)?;
    let label = validate_label(typed_label);
    let (lab, label) = match (lab, label) {
        (Some(lab), Ok(label)) => (lab, label),
        (lab, label) => {
            return Err(KeyError::Invalid(KeyProblems {
                lab: lab.is_none().then(|| LAB_REQUIRED.to_string()),
                label: label.err(),
            }))
        }
    };
    let key = api_keys::create_key(conn, actor, &KeyOwner::Lab { slug: lab }, &label)?;
    Ok(CreatedLabKey { lab, key })
}

/// A lab interface key, for the page that asks before revoking it.
pub fn to_revoke(
    conn: &mut DbConnection,
    p: &Principal,
    key_id: &ApiKeyId,
) -> Result<ApiKeyRow, AppError> {
    authorize(p)?;
    keys_db::find(conn, key_id)?
        .filter(|k| k.scope == KeyScope::Lab)
        .ok_or(AppError::NotFound)
}

/// A revoke, with the lab keys as they are after it.
pub struct RevokedLabKey {
    pub revocation: Revocation,
    pub keys: Vec<ApiKeyRow>,
}

/// Revokes a lab interface key (audited in the same transaction). Revoking one already revoked
/// changes nothing and writes no audit row.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    key_id: &ApiKeyId,
) -> Result<RevokedLabKey, KeyError> {
    authorize(p)?;
    let revocation = api_keys::revoke_lab_key(conn, actor, key_id)?;
    let keys = keys_db::list_lab_keys(conn)?;
    Ok(RevokedLabKey { revocation, keys })
}
