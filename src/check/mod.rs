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
mod merged;
mod rules;

use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use serde::{Deserialize, Serialize};

/// Absolute tolerance for comparing quantities, scaled by the magnitude when that exceeds 1.
pub const TOLERANCE: f64 = 1e-6;

/// The six cost parts of section 3 and their total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CostBreakdown {
    pub transport: f64,
    pub fixed: f64,
    pub expedite: f64,
    pub lateness: f64,
    pub shortage: f64,
    pub change: f64,
    pub total: f64,
}

impl std::ops::Add for CostBreakdown {
    type Output = CostBreakdown;
    /// Part by part, `total` included.
    fn add(self, o: CostBreakdown) -> CostBreakdown {
        CostBreakdown {
            transport: self.transport + o.transport,
            fixed: self.fixed + o.fixed,
            expedite: self.expedite + o.expedite,
            lateness: self.lateness + o.lateness,
            shortage: self.shortage + o.shortage,
            change: self.change + o.change,
            total: self.total + o.total,
        }
    }
}

impl std::ops::Sub for CostBreakdown {
    type Output = CostBreakdown;
    /// Part by part, `total` included.
    fn sub(self, o: CostBreakdown) -> CostBreakdown {
        CostBreakdown {
            transport: self.transport - o.transport,
            fixed: self.fixed - o.fixed,
            expedite: self.expedite - o.expedite,
            lateness: self.lateness - o.lateness,
            shortage: self.shortage - o.shortage,
            change: self.change - o.change,
            total: self.total - o.total,
        }
    }
}

/// One broken rule of section 3.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule number in section 3 (1..=7).
    pub rule: u8,
    /// A machine code, e.g. `stock_negative`.
    pub code: String,
    /// Names the entities, the day and the amount.
    pub message: String,
}

impl Violation {
    pub(crate) fn new(rule: u8, code: &str, message: String) -> Self {
        Self {
            rule,
            code: code.to_owned(),
            message,
        }
    }
}

/// What a plan does for one order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderOutcome {
    /// Units shipped per line (same order as `Order::lines`).
    pub shipped: Vec<f64>,
    pub short_units: f64,
    pub late_units: f64,
    pub late_unit_days: f64,
    /// Largest lateness of any shipment, in days (0 when none is late).
    pub max_days_late: i64,
}

impl OrderOutcome {
    /// Any unit late or short.
    pub fn at_risk(&self) -> bool {
        self.short_units > 0.0 || self.late_units > 0.0
    }
    pub fn on_time_in_full(&self) -> bool {
        !self.at_risk()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    pub violations: Vec<Violation>,
    pub cost: CostBreakdown,
    /// Indexed by `OrderIx`.
    pub orders: Vec<OrderOutcome>,
}

impl Evaluation {
    pub fn feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks every rule of section 3 and computes the cost breakdown.
pub fn evaluate(s: &Scenario, plan: &Plan) -> Evaluation {
    let m = merged::Merged::new(s, plan);
    let violations = rules::check(s, &m);
    let (cost, orders) = cost::cost(s, &m);
    Evaluation {
        violations,
        cost,
        orders,
    }
}

/// The tolerance for quantities of this magnitude: [`TOLERANCE`] absolute, relative above 1.
pub fn tolerance(magnitude: f64) -> f64 {
    TOLERANCE * magnitude.abs().max(1.0)
}

/// `a` exceeds `b` by more than the tolerance.
pub(crate) fn exceeds(a: f64, b: f64) -> bool {
    a > b + tolerance(a.abs().max(b.abs()))
}

/// Whole within the tolerance: |q - round(q)| <= 1e-6.
pub(crate) fn is_whole(q: f64) -> bool {
    (q - q.round()).abs() <= TOLERANCE
}

/// A quantity for a message: whole numbers without decimals, others with at most six.
pub(crate) fn num(x: f64) -> String {
    if is_whole(x) {
        let r = x.round();
        if r == 0.0 {
            "0".to_owned()
        } else {
            format!("{r}")
        }
    } else {
        let t = format!("{x:.6}");
        t.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}
