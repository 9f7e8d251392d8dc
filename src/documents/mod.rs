//! Every document `recourse` writes for people and programs, and their renderings: the
//! proposals document, its table and Markdown forms ([`proposals`], [`proposals_report`])
//! and the planner's HTML page ([`page`]), the risk and check documents ([`report`]) and the JSON Schemas
//! ([`schema`]). Builds values and strings; only the CLI prints them.
//!
//! May import every stage below it (`base` to `respond`); never `tools`, `apply` or the CLI.

pub mod page;
pub mod proposals;
pub mod proposals_report;
pub mod report;
pub mod schema;
