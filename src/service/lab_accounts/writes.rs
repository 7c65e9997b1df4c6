//! Creating, configuring, moving and linking lab accounts, for whoever is already allowed to:
//! the dashboard's `managed` operations, the Org Management API, the demo seed and the tests.
use serde_json::json;

use super::AccountError;
use crate::db::audit::{self, AuditEntry};
use crate::db::lab_accounts::{self as accounts_db, TeamScope};
use crate::db::{account_links, account_status_changes, orgs, write_tx, DbConnection};
use crate::domain::account_config::{self, AccountConfig, AccountConfigInput};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab_account::{self, AccountStatus, LabAccount, Owner};
use crate::domain::validation::FieldErrors;

fn snapshot(a: &LabAccount) -> serde_json::Value {
    json!({
        "lab": a.lab.as_str(),
        "provider_account_id": a.provider_account_id,
        "account_name": a.account_name,
        "status": a.status.as_str(),
        "delegated_flow": a.delegated_flow.as_str(),
        "allowed_billing": a.allowed_billing.to_json(),
        "business_units": a.business_units,
        "default_clinical_notes": a.default_clinical_notes,
    })
}

fn config_snapshot(c: &AccountConfig) -> serde_json::Value {
    json!({
        "lab": c.lab.as_str(),
        "provider_account_id": c.provider_account_id,
        "account_name": c.account_name,
        "delegated_flow": c.delegated_flow.as_str(),
        "allowed_billing": c.allowed_billing.to_json(),
        "business_units": c.business_units,
        "default_clinical_notes": c.default_clinical_notes,
    })
}

fn check_unique(
    conn: &mut DbConnection,
    owner: &Owner,
    config: &AccountConfig,
    editing: Option<&LabAccountId>,
) -> Result<(), AccountError> {
    let rows = accounts_db::owner_accounts(conn, owner)?;
    account_config::check_unique(config, editing, &accounts_db::as_existing(&rows))
        .map_err(AccountError::Invalid)
}

/// Creates a `pending` account. Returns its id.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    owner: &Owner,
    input: &AccountConfigInput,
) -> Result<LabAccountId, AccountError> {
    let config = account_config::validate_config(input).map_err(AccountError::Invalid)?;
    write_tx(conn, |conn| {
        check_unique(conn, owner, &config, None)?;
        let id = accounts_db::insert(conn, owner, &config, AccountStatus::Pending)?;
        account_status_changes::record(
            conn,
            &id,
            None,
            AccountStatus::Pending,
            "Account created",
            &actor.label,
        )?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabAccountCreated,
                entity_type: EntityType::LabAccount,
                entity_id: id.as_str(),
                org_id: owner.org_id(),
                team_id: None,
                summary: format!(
                    "Created {} account {}",
                    config.lab.display_name(),
                    config.provider_account_id
                ),
                details: json!({"before": null, "after": config_snapshot(&config)}),
            },
        )?;
        Ok(id)
    })
}

/// Replaces the configuration if the account is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    account_id: &LabAccountId,
    expected_version: i32,
    input: &AccountConfigInput,
) -> Result<(), AccountError> {
    let config = account_config::validate_config(input).map_err(AccountError::Invalid)?;
    write_tx(conn, |conn| {
        let before =
            accounts_db::find(conn, account_id, TeamScope::All)?.ok_or(AccountError::NotFound)?;
        if before.version != expected_version {
            return Err(AccountError::Stale {
                message: "Someone changed this account while you were editing it. Nothing was saved: the form now shows the current values; apply your changes again.",
            });
        }
        check_unique(conn, &before.owner, &config, Some(account_id))?;
        if !accounts_db::update_config(conn, account_id, expected_version, &config)? {
            return Err(AccountError::Stale {
                message:
                    "Someone changed this account while you were editing it. Nothing was saved.",
            });
        }
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabAccountUpdated,
                entity_type: EntityType::LabAccount,
                entity_id: account_id.as_str(),
                org_id: before.owner.org_id(),
                team_id: None,
                summary: format!("Edited configuration of {}", before.display_name()),
                details: json!({"before": snapshot(&before), "after": config_snapshot(&config)}),
            },
        )?;
        Ok(())
    })
}

pub fn change_status(
    conn: &mut DbConnection,
    actor: &Actor,
    account_id: &LabAccountId,
    to: AccountStatus,
    reason: &str,
) -> Result<(), AccountError> {
    write_tx(conn, |conn| {
        let before =
            accounts_db::find(conn, account_id, TeamScope::All)?.ok_or(AccountError::NotFound)?;
        lab_account::check_status_move(before.status, to, reason).map_err(AccountError::Invalid)?;
        if !accounts_db::set_status(conn, account_id, before.status, to)? {
            return Err(AccountError::Stale {
                message: "The account's status changed meanwhile; reload and try again.",
            });
        }
        let reason = reason.trim();
        account_status_changes::record(
            conn,
            account_id,
            Some(before.status),
            to,
            reason,
            &actor.label,
        )?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabAccountStatusChanged,
                entity_type: EntityType::LabAccount,
                entity_id: account_id.as_str(),
                org_id: before.owner.org_id(),
                team_id: None,
                summary: format!(
                    "Status of {} changed from {} to {}: {}",
                    before.display_name(),
                    before.status.label(),
                    to.label(),
                    reason
                ),
                details: json!({"before": {"status": before.status.as_str()}, "after": {"status": to.as_str()}, "reason": reason}),
            },
        )?;
        Ok(())
    })
}

/// Links one Team. Linking a Team that is already linked changes nothing and writes no audit row.
pub fn link_team(
    conn: &mut DbConnection,
    actor: &Actor,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<bool, AccountError> {
    write_tx(conn, |conn| {
        if !accounts_db::touch(conn, account_id)? {
            return Err(AccountError::NotFound);
        }
        let account =
            accounts_db::find(conn, account_id, TeamScope::All)?.ok_or(AccountError::NotFound)?;
        let team = orgs::find_team(conn, team_id)?.ok_or(AccountError::NotFound)?;
        lab_account::check_link(&account.owner, &team.org_id).map_err(AccountError::LinkRefused)?;
        if account.team_ids.contains(&team.id) {
            return Ok(false);
        }
        account_links::link(conn, account_id, &team.id)?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabAccountTeamLinked,
                entity_type: EntityType::LabAccount,
                entity_id: account_id.as_str(),
                org_id: Some(&team.org_id),
                team_id: Some(&team.id),
                summary: format!("Linked Team {} to {}", team.name, account.display_name()),
                details: json!({"team_id": team.id, "team_name": team.name}),
            },
        )?;
        Ok(true)
    })
}

pub fn unlink_team(
    conn: &mut DbConnection,
    actor: &Actor,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<bool, AccountError> {
    write_tx(conn, |conn| {
        if !accounts_db::touch(conn, account_id)? {
            return Err(AccountError::NotFound);
        }
        let account =
            accounts_db::find(conn, account_id, TeamScope::All)?.ok_or(AccountError::NotFound)?;
        let team = orgs::find_team(conn, team_id)?.ok_or(AccountError::NotFound)?;
        if !account_links::unlink(conn, account_id, team_id)? {
            return Ok(false);
        }
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabAccountTeamUnlinked,
                entity_type: EntityType::LabAccount,
                entity_id: account_id.as_str(),
                org_id: Some(&team.org_id),
                team_id: Some(&team.id),
                summary: format!(
                    "Unlinked Team {} from {}",
                    team.name,
                    account.display_name()
                ),
                details: json!({"team_id": team.id, "team_name": team.name}),
            },
        )?;
        Ok(true)
    })
}

/// Replaces the whole allowlist of an org's account in one transaction (Org Management API).
/// Every Team must belong to `org_id`; otherwise nothing changes.
pub fn replace_allowlist(
    conn: &mut DbConnection,
    actor: &Actor,
    org_id: &OrgId,
    account_id: &LabAccountId,
    team_ids: &[TeamId],
) -> Result<(), AccountError> {
    write_tx(conn, |conn| {
        let account = accounts_db::find(conn, account_id, TeamScope::Org(org_id))?
            .ok_or(AccountError::NotFound)?;
        if account.owner.org_id() != Some(org_id) {
            return Err(if account.team_ids.is_empty() {
                AccountError::NotFound
            } else {
                AccountError::PlatformManaged
            });
        }
        let mut wanted: Vec<TeamId> = team_ids.to_vec();
        wanted.sort();
        wanted.dedup();
        let found = orgs::teams_by_ids(conn, &wanted)?;
        let mut problems = FieldErrors::default();
        for id in &wanted {
            match found.iter().find(|t| &t.id == id) {
                Some(t) if t.org_id == *org_id => {}
                _ => problems.push(
                    "team_id_allowlist",
                    format!("Team {id} is not a Team of this organization."),
                    "value_error",
                ),
            }
        }
        if !problems.is_empty() {
            return Err(AccountError::TeamsOfAnotherOrg {
                message: format!(
                    "{} Nothing was changed.",
                    problems
                        .0
                        .iter()
                        .map(|e| e.msg.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            });
        }
        accounts_db::touch(conn, account_id)?;
        let before = account_links::all_linked_team_ids(conn, account_id)?;
        if before == wanted {
            return Ok(());
        }
        for gone in before.iter().filter(|t| !wanted.contains(t)) {
            account_links::unlink(conn, account_id, gone)?;
        }
        for added in wanted.iter().filter(|t| !before.contains(t)) {
            account_links::link(conn, account_id, added)?;
        }
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::LabAccountAllowlistReplaced,
                entity_type: EntityType::LabAccount,
                entity_id: account_id.as_str(),
                org_id: Some(org_id),
                team_id: None,
                summary: format!(
                    "Replaced the Team allowlist of {} ({} -> {} Teams)",
                    account.display_name(),
                    before.len(),
                    wanted.len()
                ),
                details: json!({"before": before, "after": wanted}),
            },
        )?;
        Ok(())
    })
}
