//! Business rules as plain functions over plain types: no actix, no diesel.
pub mod access;
pub mod account_config;
pub mod actor;
pub mod api_key;
pub mod audit;
pub mod billing;
pub mod bulk_links;
pub mod charts;
pub mod credentials;
pub mod date_range;
pub mod eligibility;
pub mod home;
pub mod ids;
pub mod lab;
pub mod lab_account;
pub mod lab_link;
pub mod lockout;
pub mod npi;
pub mod order_input;
pub mod order_status;
pub mod paging;
pub mod result_diff;
pub mod result_matching;
pub mod result_values;
pub mod return_to;
pub mod review;
pub mod scope;
pub mod session;
pub mod simulated_values;
pub mod simulation;
pub mod sparkline;
pub mod string_enum;
pub mod validation;
pub mod webhooks;
pub mod wizard;

#[cfg(test)]
mod labels_tests;
#[cfg(test)]
mod rule_edges_tests;
