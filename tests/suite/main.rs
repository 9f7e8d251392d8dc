//! The integration tests, in one binary: one link of the library and of HiGHS instead of
//! one per file, and one place for what the modules share ([`common`]).
//!
//! Modules in pipeline order. Each is named after what it exercises; `*_cli` modules drive
//! the real binary, `*_props` ones are property tests over random scenarios. Run one with
//! `scripts/test MODULE::` (a name filter), e.g. `scripts/test validate_cli::`.

mod common;

// scenario -> validate
mod domain;
mod events;
mod roundtrip;
mod validate_cli;

// check, risk
mod baseline;
mod baseline_props;
mod check;
mod risk_cli;

// optimize
mod consolidate;
mod guided;
mod link_cuts;
mod neighbourhoods;
mod priority_rules;
mod random_scenarios;
mod relaxation;
mod scope;
mod solve;
mod solve_props;
mod solve_tiny;
mod stranded;
mod tight;
mod transfer_hops;
mod warm;
mod whole_units;

// respond, apply
mod apply_cli;
mod respond;

// the command line as a user runs it
mod bench_cli;
mod csv_cli;
mod hostile_cli;
mod page;
mod serve_cli;
mod solve_cli;

// tools
mod export;
mod fuzz_replay;
mod generate;
mod generate_cli;
mod import;

// the code's own shape
mod architecture;
