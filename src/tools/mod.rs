//! What researchers and testers run around the pipeline: the scenario generator
//! ([`generate`]), benchmark importers ([`import`]), model export ([`export`]) and the
//! benchmark runner ([`bench`](mod@bench), rows rendered by [`bench_report`]; a bench row is a
//! researcher's measurement, not a planner's document, so it stays beside its tool).
//!
//! May import any stage; no stage imports it.

pub mod bench;
pub mod bench_report;
pub mod export;
pub mod generate;
pub mod import;
