//! The scenario format: its wire types and how they are read from bytes.

pub mod load;
pub mod wire;

pub use load::parse_scenario;
pub use wire::ScenarioDoc;
