//! recourse: finds the orders a disruption puts at risk and proposes ranked, approvable
//! responses from one mixed-integer program over the whole network.
//!
//! The modules read in pipeline order, each a layer that imports only the layers above it
//! in this list (`tests/suite/architecture.rs` fails on an import cycle):
//!
//! - [`base`]: diagnostics, exit codes, input and output, limits, wording of counts;
//! - [`scenario`]: wire format -> validation -> domain model;
//! - [`plan`]: shipments, transfers and expedites, as wire and domain types;
//! - [`check`]: the independent checker (feasibility and the exact cost of a plan);
//! - [`risk`]: the do-nothing baseline, the at-risk orders and their reasons, the KPIs;
//! - [`optimize`]: formulate -> solve (HiGHS) -> decode -> check, and the priority rules;
//! - [`respond`]: the plan cut into ranked, approvable responses (the *propose* stage);
//! - [`documents`]: the documents written for people and programs (the *report* stage);
//! - [`apply`]: approved responses folded back into a scenario;
//! - [`serve`]: the persistent worker's state and methods (`recourse serve`);
//! - [`tools`]: generator, importers, export, bench.
//!
//! The command line (`src/main.rs` and `src/cli/`, modules of the binary) is the only place that prints or chooses
//! an exit code.

// A `Diagnostic` (code, JSON path, message, hint) is the error of every input reader; at
// 136 bytes it is just over clippy's limit, and boxing it would buy nothing on a path that
// runs once per bad input.
#![allow(clippy::result_large_err)]

pub mod apply;
pub mod base;
pub mod check;
pub mod documents;
pub mod optimize;
pub mod plan;
pub mod respond;
pub mod risk;
pub mod scenario;
pub mod serve;
pub mod tools;
