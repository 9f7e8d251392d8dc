//! Which search fits the time: whether the whole model can be built, its LP got far enough
//! into, or presolved, in the share of the limit each gets (measured on this machine).

use crate::optimize::highs::SolveOptions;
use crate::scenario::domain::Scenario;

/// Seconds per order that building a model is expected to take: measured 77 us on the
/// medium preset (0.39 s, 5,081 orders) and 62-128 us on large (6.3-13 s, 101,626 orders),
/// release build, 2 cores.
pub const BUILD_SECONDS_PER_ORDER: f64 = 1e-4;

/// The share of the time limit a build may take: the LP-guided search's ([`LP_SHARE`]);
/// a model still being built then leaves the solver nothing to do before the limit.
pub const BUILD_SHARE: f64 = LP_SHARE;

/// Whether building the model of `s` is expected to leave the solver time to use it.
pub fn build_fits(s: &Scenario, opts: &SolveOptions) -> bool {
    BUILD_SECONDS_PER_ORDER * s.orders.len() as f64 <= BUILD_SHARE * opts.time_limit_s
}

/// What the whole model's LP relaxation takes by column generation on medium (5,081
/// orders): 6.0-6.6 s, release build, 2 cores.
pub const LP_SECONDS_MEDIUM: f64 = 6.5;

/// How the LP's time grows with the orders: as their number to this power. Fitted to the
/// LP's time on medium and on 200-302 orders (0.06 s, where linear growth says 0.26-0.39 s).
pub const LP_GROWTH: f64 = 1.5;

/// The share of the whole model's LP the LP-guided search must be expected to get through
/// in its share of the limit for it to run rather than the neighbourhoods: measured on
/// medium seeds 1-9, the neighbourhoods' plans are cheaper at 9 s (on six of seven seeds,
/// up to 13 %) and the search's at 10.5 s (six of nine; 0.2 % in all) and 12 s (six of
/// nine; 0.6 %), so the search runs from about 10 s (`models/neighbourhoods.md`, "Which
/// search").
pub const LP_FRACTION: f64 = 0.55;

/// The whole model's LP time expected for `orders` orders (`LP_SECONDS_MEDIUM`, grown by
/// `LP_GROWTH`).
pub fn lp_seconds(orders: usize) -> f64 {
    LP_SECONDS_MEDIUM * (orders as f64 / 5081.0).powf(LP_GROWTH)
}

/// Whether the LP-guided search is expected to get far enough into the whole model's LP in
/// its share of the limit to do better than the neighbourhoods ([`LP_FRACTION`] of it):
/// on medium from about 10 s, on 300 orders from 0.15 s, on large from about 900 s.
pub fn lp_fits(s: &Scenario, opts: &SolveOptions) -> bool {
    LP_FRACTION * lp_seconds(s.orders.len()) <= LP_SHARE * opts.time_limit_s
}

/// HiGHS's presolve per nonzero of the model, measured with `--guide off` on this 2-core
/// machine: 2.5 us on small (51k nonzeros, 0.13 s), 5.4 and 6.6 us on medium seeds 3 and 1
/// (1.45M and 1.65M, 7.9 and 10.8 s). Presolve reads the clock only between its passes:
/// given 4.3 s on medium seed 2 it stopped after 5.3-6.4 s with nothing, and the command
/// overran its 5 s limit by 1.5-2.5 s.
const PRESOLVE_SECONDS_PER_NONZERO: f64 = 4e-6;

/// Whether HiGHS's presolve of a model with `nonzeros` is expected within `seconds`; a run
/// that is not would end after its limit with nothing, so it is not started.
pub fn presolve_fits(nonzeros: usize, seconds: f64) -> bool {
    nonzeros as f64 * PRESOLVE_SECONDS_PER_NONZERO <= seconds
}

/// The share of the time limit by which the LP-guided search must have solved its LP (and
/// stops pricing): `models/guided.md` measures why 35 %.
pub const LP_SHARE: f64 = 0.35;
