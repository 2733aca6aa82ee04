//! The runtime shell: the only place with side effects (Kafka, HTTP, signals, threads).

pub mod admin;
pub mod consumer;
pub mod dead_letter;
pub mod delivery;
pub mod history;
pub mod kafka;
pub mod ledger;
pub mod panic_probe;
pub mod records;
pub mod registry;
pub mod shared;
pub mod shutdown;
pub mod startup;
pub mod transaction;
pub mod worker;
