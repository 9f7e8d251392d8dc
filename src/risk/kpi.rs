//! Key figures of a plan: cost, at-risk orders, on-time-in-full, fill rate, late unit-days
//! and short units, overall and per priority. Computed from the checker's evaluation, so
//! the baseline and a proposed plan are measured by one ruler.

use crate::check::{CostBreakdown, Evaluation};
use crate::scenario::domain::Scenario;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Kpis {
    pub cost: CostBreakdown,
    pub orders: usize,
    pub at_risk_orders: usize,
    /// Share of all orders whose every line ships in full, every shipment on time.
    pub on_time_in_full: f64,
    /// Units shipped (up to each line's quantity) over units ordered.
    pub fill_rate: f64,
    pub late_unit_days: f64,
    pub short_units: f64,
    pub per_priority: Vec<PriorityKpis>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriorityKpis {
    pub priority: u32,
    pub orders: usize,
    pub at_risk_orders: usize,
    pub on_time_in_full: f64,
    pub fill_rate: f64,
    pub late_unit_days: f64,
    pub short_units: f64,
}

#[derive(Default)]
struct Tally {
    orders: usize,
    at_risk: usize,
    otif: usize,
    ordered: f64,
    shipped: f64,
    late_unit_days: f64,
    short_units: f64,
}

impl Tally {
    fn share(n: usize, of: usize) -> f64 {
        if of == 0 {
            1.0
        } else {
            n as f64 / of as f64
        }
    }
}

/// `at_risk` flags per order (see `risk::at_risk_flags`; for a proposed plan, the
/// evaluation's own outcome).
pub fn kpis(s: &Scenario, eval: &Evaluation, at_risk: &[bool]) -> Kpis {
    let mut all = Tally::default();
    let mut per: BTreeMap<u32, Tally> = BTreeMap::new();
    for (i, (o, out)) in s.orders.iter().zip(&eval.orders).enumerate() {
        let ordered: f64 = o.lines.iter().map(|l| l.quantity).sum();
        let shipped: f64 = o
            .lines
            .iter()
            .zip(&out.shipped)
            .map(|(l, q)| q.min(l.quantity))
            .sum();
        for t in [&mut all, per.entry(o.priority).or_default()] {
            t.orders += 1;
            t.at_risk += usize::from(at_risk[i]);
            t.otif += usize::from(out.on_time_in_full());
            t.ordered += ordered;
            t.shipped += shipped;
            t.late_unit_days += out.late_unit_days;
            t.short_units += out.short_units;
        }
    }
    let fill = |t: &Tally| {
        if t.ordered > 0.0 {
            t.shipped / t.ordered
        } else {
            1.0
        }
    };
    Kpis {
        cost: eval.cost,
        orders: all.orders,
        at_risk_orders: all.at_risk,
        on_time_in_full: Tally::share(all.otif, all.orders),
        fill_rate: fill(&all),
        late_unit_days: all.late_unit_days,
        short_units: all.short_units,
        per_priority: per
            .iter()
            .map(|(&priority, t)| PriorityKpis {
                priority,
                orders: t.orders,
                at_risk_orders: t.at_risk,
                on_time_in_full: Tally::share(t.otif, t.orders),
                fill_rate: fill(t),
                late_unit_days: t.late_unit_days,
                short_units: t.short_units,
            })
            .collect(),
    }
}
