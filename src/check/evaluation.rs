//! What the checker returns: the broken rules, the cost breakdown and each order's outcome.

use serde::{Deserialize, Serialize};

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
