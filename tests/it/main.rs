//! The integration test binary: the real app over a real database per test.
mod helpers;

mod api_lab_accounts;
mod auth;
mod cli;
mod migrations;
mod mutations;
mod pages;
