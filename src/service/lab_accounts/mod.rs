//! Lab accounts: `reads` (what a person sees), `managed` (what a person changes from the
//! dashboard, authorized there), `writes` (the changes themselves, each in one transaction with
//! its audit row, shared with the Org Management API and the demo seed) and `AccountError` (why a
//! change was refused).
mod errors;
pub mod managed;
pub mod reads;
mod writes;

pub use errors::AccountError;
pub use writes::{change_status, create, link_team, replace_allowlist, unlink_team, update};
