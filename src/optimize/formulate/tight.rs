//! The `tight` formulation: the time-expanded model (same rows, same optimum) with column
//! bounds from what can have reached a node by each day and from capacities (S1, S2),
//! without the shipment columns that a cheaper or later twin dominates (D1, D2), solved
//! without HiGHS's sub-MIP heuristics, feasibility jump and root restart. The mathematics,
//! the proof that the optimum is unchanged, and the measurements: `models/tight.md`.

use super::model::{BuildOptions, Formulation, Model};
use super::time_expanded;
use crate::optimize::highs::{Cuts, SolveOptions};
use crate::scenario::domain::Scenario;

pub struct Tight;

impl Formulation for Tight {
    fn name(&self) -> &'static str {
        "tight"
    }
    fn description(&self) -> &'static str {
        "time-expanded with supply-by-day bounds, dominated shipments pruned, no sub-MIPs; exact"
    }
    fn build(&self, s: &Scenario, opts: &BuildOptions) -> Model {
        time_expanded::build_tight(s, opts)
    }
    /// Sub-MIP heuristics took most of the time on these models and found nothing the
    /// search does not; the feasibility jump and the root's restart cost 25-50 % of the
    /// time to a proven optimum on ~300 orders (`models/tight.md`, measurements). The
    /// proof is HiGHS's either way. The link cuts raise the root bound HiGHS starts from
    /// (`models/tight.md`, "L1").
    fn tune(&self, opts: &mut SolveOptions) {
        opts.sub_mip_heuristics = false;
        opts.feasibility_jump = false;
        opts.root_restart = false;
        if opts.cuts == Cuts::Auto {
            opts.cuts = Cuts::On;
        }
    }
    fn holds(&self) -> bool {
        true
    }
}
