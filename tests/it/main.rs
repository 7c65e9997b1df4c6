//! The integration test binary: the real app over a real database per test.
mod helpers;
mod hl7_samples;
mod webdriver;

mod api_lab_accounts;
mod api_orders;
mod auth;
mod browser;
mod cli;
mod concurrency;
mod migrations;
mod mutations;
mod order_helpers;
mod pages;
mod results_ingest;
mod review;
