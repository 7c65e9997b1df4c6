//! Reference data every deployment needs (the labs) and the demo organization.
pub mod catalogue;
pub mod demo;
pub mod demo_history;
pub mod demo_orders;
pub mod demo_review;
pub mod demo_times;
