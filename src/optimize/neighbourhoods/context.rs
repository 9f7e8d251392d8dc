//! What every step of the search reads, the rounds in `mod.rs` and one neighbourhood's LP
//! in `reflow.rs` alike.

use crate::optimize::formulate::Formulation;
use crate::optimize::highs::SolveOptions;
use crate::scenario::domain::Scenario;
use std::time::Instant;

/// What every step of the search reads: the scenario, the formulation, the options, and
/// when the search began.
pub(super) struct Ctx<'a> {
    pub(super) s: &'a Scenario,
    pub(super) f: &'a dyn Formulation,
    pub(super) opts: &'a SolveOptions,
    pub(super) began: Instant,
}

impl Ctx<'_> {
    /// The search's seconds left of the limit since it began (the caller's limit already
    /// keeps its reserve for the responses: on large an improved plan's took 2.1-3.0 s
    /// against its 4.1 s).
    pub(super) fn left(&self) -> f64 {
        self.opts.time_limit_s - self.began.elapsed().as_secs_f64()
    }
}
