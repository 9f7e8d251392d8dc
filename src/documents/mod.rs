//! Every document `recourse` writes for people and programs, and their renderings: the
//! proposals document and its table and Markdown forms ([`proposals`],
//! [`proposals_report`]), the risk and check documents ([`report`]) and the JSON Schemas
//! ([`schema`]). Builds values and strings; only the CLI prints them.
//!
//! May import every stage below it (`base` to `respond`); never `tools`, `apply` or the CLI.

pub mod proposals;
pub mod proposals_report;
pub mod report;
pub mod schema;
