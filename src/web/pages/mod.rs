//! Dashboard pages. Handlers load what a page shows into plain view structs; templates never query.
pub mod account_form;
pub mod account_form_view;
pub mod account_links;
pub mod account_page;
pub mod account_status;
pub mod audit;
pub mod auth;
pub mod bulk_links;
pub mod home;
pub mod lab_accounts;
pub mod lab_keys;
pub mod orders;
pub mod review;
pub mod team_keys;
pub mod teams;
pub mod views;
pub mod wizard;

pub use crate::web::urls::Scope;

pub use crate::web::page::{render, render_with_status, see_other, Chrome, Nav};

/// One `<option>` of a select.
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl SelectOption {
    pub fn new(value: &str, label: &str, current: Option<&str>) -> SelectOption {
        SelectOption {
            value: value.to_string(),
            label: label.to_string(),
            selected: current == Some(value),
        }
    }
}

pub fn fmt_time(t: &chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Query-string values: blank means "not given".
pub fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
