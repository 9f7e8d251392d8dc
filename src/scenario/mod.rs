//! The scenario: its wire types ([`wire`]), how they are read from bytes ([`load`]), the
//! domain model every later stage reads ([`domain`], with the typed ids of [`ids`]) and the
//! validation that turns one into the other ([`validate`]); [`sheets`] reads and writes a
//! scenario as CSV files, one per table.
//!
//! Imports only `base`: every other layer reads the scenario, and it reads none of them.

pub mod domain;
pub mod ids;
pub mod load;
pub mod sheets;
pub mod validate;
pub mod wire;

pub use load::parse_scenario;
pub use wire::ScenarioDoc;
