//! The section-3 cost breakdown and the per-order outcome, computed whether or not the plan
//! is feasible. Sums run in key order (never in hash order), so the same plan always gives
//! the same bits.

use super::evaluation::{CostBreakdown, OrderOutcome};
use super::merged::{moved, positive, Merged};
use super::tolerance::tolerance;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;

/// The cost formula of SCENARIO.md section 3, term by term, and each order's outcome.
pub(crate) fn cost(s: &Scenario, m: &Merged) -> (CostBreakdown, Vec<OrderOutcome>) {
    let mut c = CostBreakdown::default();
    let mut outcomes: Vec<OrderOutcome> = s
        .orders
        .iter()
        .map(|o| OrderOutcome {
            shipped: vec![0.0; o.lines.len()],
            ..OrderOutcome::default()
        })
        .collect();
    transport_and_lateness(s, m, &mut c, &mut outcomes);
    fixed(s, m, &mut c);
    expedite(s, m, &mut c);
    shortage_and_change(s, m, &mut c, &mut outcomes);
    c.total = c.transport + c.fixed + c.expedite + c.lateness + c.shortage + c.change;
    (c, outcomes)
}

/// Adds transport and lateness, shipment by shipment, then transport of each transfer;
/// the late units, unit-days and days to each order's outcome.
fn transport_and_lateness(
    s: &Scenario,
    m: &Merged,
    c: &mut CostBreakdown,
    outcomes: &mut [OrderOutcome],
) {
    for &((o, _, _, lane, day), q) in &m.shipments {
        let q = moved(q);
        if q == 0.0 {
            continue;
        }
        let order = s.order(o);
        let arrival = match lane {
            Some(l) => {
                let lane = s.lane(l);
                c.transport += q * lane.cost_per_unit;
                day + Day::from(lane.lead_time)
            }
            None => day,
        };
        let late = (arrival - order.due).max(0);
        if late > 0 {
            c.lateness += q * late as f64 * order.late_penalty_per_unit_day;
            if positive(q) {
                let out = &mut outcomes[o.ix()];
                out.late_units += q;
                out.late_unit_days += q * late as f64;
                out.max_days_late = out.max_days_late.max(late);
            }
        }
    }
    for &((lane, _, _), q) in &m.transfers {
        c.transport += moved(q) * s.lane(lane).cost_per_unit;
    }
}

/// Adds the fixed cost: once per (lane, day) with a departure; counted per lane, summed in
/// lane order.
fn fixed(s: &Scenario, m: &Merged, c: &mut CostBreakdown) {
    let mut days = vec![0u32; s.lanes.len()];
    for (&(l, _), &q) in &m.lane_out {
        if positive(q) {
            days[l.ix()] += 1;
        }
    }
    for (lane, &n) in s.lanes.iter().zip(&days) {
        if n > 0 {
            c.fixed += f64::from(n) * lane.fixed_cost_per_day;
        }
    }
}

/// Adds the cost of each expedited receipt that can be expedited.
fn expedite(s: &Scenario, m: &Merged, c: &mut CostBreakdown) {
    for &i in &m.expedited {
        if let Some(x) = s.inbound(i).expedite {
            c.expedite += x.cost;
        }
    }
}

/// Adds shortage per line and change per planned entry, order by order; what each line
/// shipped and the short units to each order's outcome.
fn shortage_and_change(
    s: &Scenario,
    m: &Merged,
    c: &mut CostBreakdown,
    outcomes: &mut [OrderOutcome],
) {
    for (i, order) in s.orders.iter().enumerate() {
        let o = OrderIx::new(i);
        let out = &mut outcomes[i];
        for (j, line) in order.lines.iter().enumerate() {
            let shipped = m.shipped(o, line.sku);
            out.shipped[j] = shipped;
            let short = (line.quantity - shipped).max(0.0);
            c.shortage += short * order.short_penalty_per_unit;
            if short > tolerance(line.quantity) {
                out.short_units += short;
            }
        }
        for p in &order.plan {
            let got = m
                .get(&(o, p.sku, p.node, p.lane, Day::from(p.ship)))
                .map_or(0.0, moved);
            c.change += s.policy.change_penalty_per_unit * (p.quantity - got).max(0.0);
        }
    }
}
