//! HL7 v2 (2.3 to 2.5.1): a small parser of our own for the ORU^R01 result messages labs send.
//! No crate on crates.io was both maintained and tolerant of the odd-but-real shapes labs use
//! (batch envelopes, BOMs, mixed terminators, 5-character encoding fields), so this keeps to what
//! result matching needs and refuses everything else with a reason.
pub mod ack;
pub mod build;
pub mod escape;
pub mod message;
pub mod mllp;
pub mod orm;
pub mod oru;
pub mod refusal;
pub mod time;
