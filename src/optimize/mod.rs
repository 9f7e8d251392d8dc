//! Formulate, solve, decode and check: the one path from a scenario to a proven plan.
//!
//! Quantities are first solved as continuous with every yes/no decision binary. On these
//! models that relaxation almost always comes out whole, and then it is provably optimal
//! for the integer problem too (a relaxation's optimum that is feasible for the restricted
//! problem is its optimum). Only when a quantity comes out fractional and the policy asks
//! for whole units is a second look taken: at the first pass's yes/no decisions, the LP,
//! then the integer model, and the whole integer model only when neither settles it
//! (`models/time-expanded.md`, "Solving"). Declaring every quantity integer from the start
//! stalls HiGHS at the root on a few hundred orders (`models/tight.md`).
//!
//! Every plan leaves through the checker: a violation, or a plan that costs more than the
//! model said, is an internal error.
//!
//! The layer: [`strategy`] (what `--formulation` names), [`formulate`] (the models),
//! [`mip`] (the solver-neutral matrix), [`highs`] (every call into HiGHS), [`guided`] (the
//! LP-guided search), [`charges`] and [`link_cuts`] (each flow linked to its lane-day
//! charge before HiGHS's MIP), [`priority_rules`] (the yardstick without a model), [`scope`],
//! [`changes`] / [`warm`] and [`neighbourhoods`] (models that hold some orders fixed),
//! [`stranded`] (unused stock sent to short lines over chains of transfers). It
//! may import `base`, `scenario`, `plan`, `check` and `risk`; never `respond`, `documents`,
//! `tools` or `apply`.
//!
//! The path itself is in `whole.rs` ([`optimize`], [`optimize_held`]); `fits.rs` says which
//! search fits the time, `keep.rs` which plan to keep, `error.rs` what stops it. This file
//! only declares and re-exports: the files it re-exports do not import it, so there is no
//! cycle (`tests/suite/architecture.rs`).

pub mod changes;
pub mod charges;
pub mod consolidate;
pub mod formulate;
pub mod guided;
pub mod highs;
pub mod link_cuts;
pub mod mip;
pub mod neighbourhoods;
pub mod outcome;
pub mod plan_state;
pub mod priority_rules;
pub mod relaxation;
pub mod scope;
pub mod stranded;
pub mod strategy;
pub mod warm;

mod error;
mod fits;
mod keep;
mod whole;

pub use error::OptimizeError;
pub use fits::{
    build_fits, lp_fits, lp_seconds, presolve_fits, BUILD_SECONDS_PER_ORDER, BUILD_SHARE,
    LP_FRACTION, LP_GROWTH, LP_SECONDS_MEDIUM, LP_SHARE,
};
pub(crate) use keep::{better_fallback, cheaper, keep_if_cheaper, take_fallback};
pub use keep::{close_lane_days, keep_cheaper_plan, keep_the_better, replaceable_plan};
pub(crate) use outcome::relative_gap;
pub use outcome::{Outcome, Solution, SolverStats, Source, Termination, WholeUnits};
use whole::guide_seed;
pub use whole::{optimize, optimize_held};
