//! Dashboard pages. Handlers load what a page shows into plain view structs; templates never query.
pub mod account_form;
pub mod account_form_view;
pub mod account_links;
pub mod account_page;
pub mod account_status;
pub mod api_reference;
pub mod audit;
pub mod auth;
pub mod bulk_links;
pub mod home;
pub mod lab_accounts;
pub mod lab_connections;
pub mod lab_keys;
pub mod orders;
pub mod review;
pub mod team_keys;
pub mod teams;
pub mod views;
pub mod webhooks;
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

/// How many characters of an id a table shows: enough to tell rows apart at a glance.
const SHORT_ID_CHARS: usize = 8;

/// The start of an id as tables show it (the whole id when it is short).
pub fn short_id<T: AsRef<str> + ?Sized>(id: &T) -> &str {
    let id = id.as_ref();
    id.char_indices()
        .nth(SHORT_ID_CHARS)
        .map_or(id, |(end, _)| &id[..end])
}

/// The rest of the id after `short_id`, for screen readers and copying by hand.
pub fn id_rest<T: AsRef<str> + ?Sized>(id: &T) -> &str {
    let id = id.as_ref();
    &id[short_id(id).len()..]
}

#[cfg(test)]
mod short_id_tests {
    use super::{id_rest, short_id};

    #[test]
    fn a_short_id_and_its_rest_make_the_whole_id() {
        for (id, short) in [
            ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", "1b4e28ba"),
            ("12345678", "12345678"),
            ("abc", "abc"),
            ("", ""),
            ("éééééééééé", "éééééééé"),
        ] {
            assert_eq!(short_id(id), short, "{id}");
            assert_eq!(format!("{}{}", short_id(id), id_rest(id)), id);
        }
    }
}
