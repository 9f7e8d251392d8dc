//! solve: hands a [`Mip`](crate::optimize::mip::Mip) to HiGHS and reports what happened, in
//! the termination vocabulary of JuMP/MathOpt: *why the solver stopped* ([`Status`],
//! [`Limit`]) is kept apart from *whether a solution is in hand* (`SolveResult::values`).
//!
//! HiGHS is driven through its C API (`highs-sys`) rather than through `good_lp` or the
//! `highs` crate, because both fold statuses together (a limit with no solution becomes an
//! error, every limit becomes a time limit, `kHighsInterrupt` is not even representable) and
//! neither takes our CSR arrays as they are (see the hand-off numbers below).
//!
//! Solver outcomes are values: optimal, infeasible, and stopped at a limit with or without a
//! solution. `Err(SolveError)` is kept for what a caller cannot act on except by reporting a
//! bug: a malformed model, an unbounded model (every recourse model is bounded, so this is a
//! formulation bug), and HiGHS failures.
//!
//! Output discipline: stdout carries JSON documents, so HiGHS never writes to it
//! (`log_to_console` is off). Its log reaches us through the logging callback, which copies
//! it to stderr when `verbose` and otherwise keeps only the warning and error lines, to
//! explain a [`SolveError`].
//!
//! # Hand-off: one `Highs_passModel` call with the rows as they are
//!
//! HiGHS copies the arrays and transposes them to column-wise storage itself, as fast as
//! Rust can, so the row-wise call needs nothing from us but the row starts as `i32`; adding
//! rows one call at a time costs 4-5x as much. The measurements (`cargo run --example
//! handoff`) are in the README, "Why HiGHS directly, not through good_lp".
//!
//! # The files
//!
//! What a caller sets and hears: `options.rs` (how to solve), `watch.rs` (progress and a
//! stop from outside), `result.rs` (statuses, values, errors). What runs: `run.rs` (one MIP),
//! `lp.rs` (an LP kept across solves), `translate.rs` (model files). Beneath them:
//! `session.rs` (a checked model in an instance), `handle.rs` (the instance and its C calls)
//! and `callback.rs` (what HiGHS calls back).

mod callback;
mod handle;
mod lp;
mod options;
mod result;
mod run;
mod session;
mod translate;
mod watch;

pub use handle::highs_version;
pub use lp::{LpSession, LpSolution};
pub use options::{Cuts, Guide, Scope, SolveOptions};
pub use result::{relative_gap, Limit, SolveError, SolveResult, Status};
pub use run::{solve, solve_fixing, solve_from, Change};
pub use translate::{translate_model, TranslateError};
pub use watch::{Snapshot, Watch, Watcher};
