//! The independent checker: is a plan feasible under `../shared/SCENARIO.md` section 3, and
//! what does it cost? It reads only the domain scenario and the plan; it never imports the
//! formulation or the solver (a test enforces this), so it can judge their output.
//!
//! Layout: `merged` sums the plan per key once and derives the per-resource totals that
//! several rules share; `rules` reports the violations of rules 1-7; `cost` computes the
//! six cost parts and what the plan does for each order. Everything is linear in the size
//! of the plan plus the scenario (at most nodes x SKUs x H for the stock balance), because
//! the checker runs on every plan that a search produces.
//!
//! Choices where section 3 leaves room (the main ones also in `ARCHITECTURE.md`):
//! - A negative quantity is reported under rule 1 and otherwise moves nothing (the other
//!   rules and the costs take it as 0). Costs and sums use quantities exactly as given.
//! - A movement counts as departing only above [`TOLERANCE`]: rules 2 and 3, the sources of
//!   rule 6, the forbid patterns of rule 7 and the fixed charge ignore a solver's 1e-9.
//! - A movement outside days 0..H-1 is reported under rule 1; rule 3 does not report it
//!   again; rule 4 counts a departure before day 0 as leaving on day 0 and one at or after
//!   H as never leaving inside the horizon; it still counts for capacities and costs.
//! - A movement from a node that holds no stock is reported under rule 2 only (such a node
//!   has no balance for rule 4, no ship capacity for rule 5 and no open days for rule 3).
//! - Rule 3 is reported per merged movement (naming the order), rule 5 per (node, day) and
//!   (lane, day), rule 4 once per (node, sku) on its first negative day.
//! - Expediting a receipt without an option is reported under rule 1; the receipt then
//!   arrives on its ordinary eta and costs nothing.
//! - Ship-complete (rule 1) asks for every line in full or nothing, not for one ship day
//!   (that is a requirement on the scenario's current plan, checked by `validate`).
//! - A forbidden movement is reported once, naming the first pattern it matches.
//! - `OrderOutcome` ignores shortfalls within the tolerance and late quantities that do
//!   not depart, so noise does not put an order at risk; the costs are not rounded.

mod cost;
mod evaluation;
mod merged;
mod rules;
mod tolerance;

pub use evaluation::{CostBreakdown, Evaluation, OrderOutcome, Violation};
pub(crate) use tolerance::exceeds;
pub use tolerance::{tolerance, TOLERANCE};

use crate::plan::Plan;
use crate::scenario::domain::Scenario;

/// Checks every rule of section 3 and computes the cost breakdown. The rules and the costs
/// read the merged plan only, so they run side by side.
pub fn evaluate(s: &Scenario, plan: &Plan) -> Evaluation {
    let m = merged::Merged::new(s, plan);
    let (violations, (cost, orders)) = rayon::join(|| rules::check(s, &m), || cost::cost(s, &m));
    Evaluation {
        violations,
        cost,
        orders,
    }
}
