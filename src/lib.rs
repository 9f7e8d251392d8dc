//! recourse: finds the orders a disruption puts at risk and proposes ranked, approvable
//! responses from one mixed-integer program over the whole network.
//!
//! The pipeline, one module per stage: [`scenario`] (wire format) -> [`validate`] (domain
//! model in [`domain`]) -> risk -> formulate -> solve -> propose -> check -> report.

// A `Diagnostic` (code, JSON path, message, hint) is the error of every input reader; at
// 136 bytes it is just over clippy's limit, and boxing it would buy nothing on a path that
// runs once per bad input.
#![allow(clippy::result_large_err)]

pub mod apply;
pub mod baseline;
pub mod bench;
pub mod bench_report;
pub mod check;
pub mod diagnostics;
pub mod domain;
pub mod exit;
pub mod export;
pub mod formulate;
pub mod generate;
pub mod guided;
pub mod ids;
pub mod import;
pub mod input;
pub mod kpi;
pub mod mip;
pub mod optimize;
pub mod output;
pub mod plan;
pub mod priority_rules;
pub mod proposals;
pub mod proposals_report;
pub mod report;
pub mod respond;
pub mod risk;
pub mod scenario;
pub mod schema;
pub mod solve;
pub mod strategy;
pub mod validate;
