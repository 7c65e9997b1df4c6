//! Use cases shared by the dashboard, the API and the command line: each runs the domain rules
//! and its writes in one transaction together with the audit row.
pub mod api_keys;
pub mod audit_log;
pub mod drafts;
pub mod idempotency;
pub mod lab_accounts;
pub mod lab_keys;
pub mod order_errors;
pub mod order_history;
pub mod order_page;
pub mod order_progress;
pub mod order_reads;
pub mod orders;
pub mod org_orders;
pub mod org_picker;
pub mod patients;
pub mod policy;
pub mod result_json;
pub mod results;
pub mod review;
pub mod sandbox;
pub mod sessions;
pub mod team_keys;
pub mod team_queue;
pub mod teams;
pub mod users;
pub mod visibility;
