//! The integration test binary: the real app over a real database per test.
mod helpers;
mod order_fixtures;
mod webdriver;

mod api_lab_accounts;
mod auth;
mod browser;
mod cli;
mod migrations;
mod mutations;
mod orders_list;
mod orders_show;
mod pages;
mod team_keys;
