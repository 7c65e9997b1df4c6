//! The integration test binary: the real app over a real database per test.
mod helpers;
mod webdriver;

mod api_lab_accounts;
mod auth;
mod browser;
mod browser_wizard;
mod cli;
mod migrations;
mod mutations;
mod pages;
mod wizard;
