//! What the benchmarks share: real server processes and a many-connection load driver.
#![allow(dead_code)] // each benchmark uses part of it
pub mod grow;
pub mod instances;
pub mod load;
pub mod wrk;
