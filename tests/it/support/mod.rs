//! What the integration tests share, one module per kind of thing: the app under test, the
//! client, who acts, the data tests make, orders, results, sessions and the browser. The paths
//! of the dashboard come from the app's own `labdesk::web::urls`.
pub mod app;
pub mod axe;
pub mod browser;
pub mod client;
pub mod data;
pub mod fake_lab;
pub mod orders;
pub mod receiver;
pub mod results;
pub mod roles;
pub mod sessions;
pub mod skips;
pub mod template;
pub mod triggers;
pub mod webdriver;

pub use app::{backends, each_backend, Backend, TestApp};
pub use client::{Client, Resp};
pub use roles::*;
