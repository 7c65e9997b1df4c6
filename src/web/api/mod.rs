//! The Junction-compatible JSON APIs: the team API (`x-vital-api-key`) and the Org Management API
//! (`X-Management-Key`). Errors are rendered in Junction's shapes by `web::errors`.
pub mod catalogue;
pub mod keys;
pub mod lab_interface;
pub mod order_body;
pub mod orders;
pub mod org;
pub mod org_webhooks;
pub mod query;
pub mod results;
pub mod simulation_body;
pub mod team;
pub mod unmatched;
pub mod users;
// The wire objects are shared with webhooks, so they live outside the web layer.
pub use crate::wire;
pub use crate::wire::orders as wire_orders;
