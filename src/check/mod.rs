//! The independent checker: is a plan feasible under `../shared/SCENARIO.md` section 3, and
//! what does it cost? It reads only the domain scenario and the plan; it never imports the
//! formulation or the solver (a test enforces this), so it can judge their output.

use crate::domain::Scenario;
use crate::plan::Plan;
use serde::{Deserialize, Serialize};

/// The six cost parts of section 3 and their total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CostBreakdown {
    pub transport: f64,
    pub fixed: f64,
    pub expedite: f64,
    pub lateness: f64,
    pub shortage: f64,
    pub change: f64,
    pub total: f64,
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
    let _ = (s, plan);
    todo!("checker: being written")
}
