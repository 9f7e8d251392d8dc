//! JSON Schemas of the documents `recourse` reads and writes, generated from the wire types so that
//! they cannot drift from what the program accepts.

use crate::scenario::wire::ScenarioDoc;

pub fn scenario_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(ScenarioDoc);
    serde_json::to_value(schema).expect("a schema always serializes")
}

pub fn proposals_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(crate::documents::proposals::ProposalsDoc);
    serde_json::to_value(schema).expect("a schema always serializes")
}
