//! Pricing the orders a restricted model holds fixed (`models/scope.md`).
//!
//! A model built with [`super::BuildOptions::hold`] is the whole model with the held
//! orders' shipment columns replaced by the values they hold (their use of stock and
//! capacity moved to the right-hand sides, their cost to the constant) and their own rows
//! (line, change, ship-complete, source limits) dropped: every other column, row, bound
//! and big-M is the whole model's. So, under the restricted LP's row duals `y` (and 0 for
//! rows it lacks), the whole model's Lagrangian differs from the restricted one only by
//! the held orders: each contributes the least cost of its own columns under `y`, `v_o`,
//! where the restricted model counted the held shipments' reduced cost `b_o`. Hence
//! `L_whole(y) = L_restricted(y) - sum_o (b_o - v_o)`, a valid lower bound on the whole
//! model, and an order with `b_o - v_o > 0` "prices out": some column of its own is
//! cheaper under `y` than what it holds.
//!
//! The restricted model also leaves out the (node, sku) balances no decided order can draw
//! on, with their inventories, expedites and transfers: the balances' multipliers are taken
//! as 0 (inventories cost 0 and expedites at least 0, so neither adds anything), and the
//! transfers left out are priced here, each adding its reduced cost times its bound when
//! that is negative.
//!
//! `v_o` relaxes the order's ship-complete and source-limit rows (it keeps each line's
//! `shipped <= quantity` and the change penalty): a relaxation of the order's own
//! problem, so the bound stays valid and is at worst weaker.

use crate::plan::Shipment;
use crate::scenario::domain::Day;
use crate::scenario::ids::*;
use rayon::prelude::*;
use std::collections::HashMap;

/// A row index that does not exist.
pub(super) const NONE: u32 = u32::MAX;

/// What pricing the held orders needs: their columns as the whole model would have them,
/// and where the shared rows they touch sit in the restricted model.
#[derive(Clone, Debug, Default)]
pub struct Held {
    pub orders: Vec<HeldOrder>,
    /// Per (node, sku) with a balance: the row of day 0; day t is that row + t.
    pub(super) balance_row: HashMap<(NodeIx, SkuIx), u32>,
    /// Per node-day / lane-day (`index * h + day`): the capacity row, the charge's link
    /// row, or [`NONE`].
    pub(super) node_cap_row: Vec<u32>,
    pub(super) lane_cap_row: Vec<u32>,
    pub(super) link_row: Vec<u32>,
    pub(super) h: usize,
    pub(super) change_penalty: f64,
    /// Transfers of the whole model that the restricted one leaves out: one of their
    /// (node, sku) pairs has no balance there, since no decided order can draw on it.
    pub outside: Vec<Outside>,
}

/// A transfer column of the whole model between pairs the restricted model does not hold
/// both of.
#[derive(Clone, Copy, Debug)]
pub struct Outside {
    pub lane: LaneIx,
    pub from: NodeIx,
    pub to: NodeIx,
    pub sku: SkuIx,
    pub day: Day,
    pub arrival: Day,
    pub cost: f64,
    pub ub: f64,
}

/// One held order.
#[derive(Clone, Debug)]
pub struct HeldOrder {
    pub order: OrderIx,
    /// The cost the restricted model counts for it, in the model's terms: each held unit
    /// at its shipping cost minus the short penalty, every ordered unit at the short
    /// penalty, and the change penalty of the planned units it does not ship as planned.
    pub(super) constant: f64,
    pub(super) shipments: Vec<Shipment>,
    pub lines: Vec<HeldLine>,
    /// The order's planned units (all change-penalty constants of the whole model).
    pub(super) planned: f64,
}

#[derive(Clone, Debug)]
pub struct HeldLine {
    pub quantity: f64,
    pub short_penalty: f64,
    pub candidates: Vec<Candidate>,
}

/// A shipment column the whole model has for a held order's line.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    pub sku: SkuIx,
    pub node: NodeIx,
    pub lane: Option<LaneIx>,
    pub day: Day,
    /// The column's objective coefficient: shipping cost minus the short penalty.
    pub cost: f64,
    pub ub: f64,
    /// Planned units on this (sku, node, lane, day), which the change penalty counts.
    pub planned: f64,
}

/// What the duals say of the held orders.
#[derive(Clone, Debug, Default)]
pub struct Pricing {
    /// Each held order and `b_o - v_o` (at least 0 up to rounding).
    pub deltas: Vec<(OrderIx, f64)>,
    /// The least the transfers left out add under `y` (at most 0).
    pub outside: f64,
    /// `sum_o (b_o - v_o) - outside`: what `L_whole` is below `L_restricted`.
    pub total: f64,
}

impl Held {
    /// The held orders priced under `y`, the restricted model's row duals with rows whose
    /// finite side cannot carry them set to 0 (`crate::optimize::guided::usable_duals`).
    pub fn price(&self, y: &[f64]) -> Pricing {
        let deltas: Vec<(OrderIx, f64)> = self
            .orders
            .par_iter()
            .map(|o| {
                (
                    o.order,
                    self.held_reduced_cost(o, y) - self.least_cost(o, y),
                )
            })
            .collect();
        let outside: f64 = self
            .outside
            .par_iter()
            .map(|x| {
                let d = x.cost - self.dual(y, x.sku, x.from, Some(x.lane), x.day)
                    + self
                        .balance_row
                        .get(&(x.to, x.sku))
                        .map_or(0.0, |&r| y[r as usize + x.arrival as usize]);
                d.min(0.0) * x.ub
            })
            .sum();
        let total = deltas.iter().map(|d| d.1).sum::<f64>() - outside;
        Pricing {
            deltas,
            outside,
            total,
        }
    }

    /// The sum of the duals of the shared rows a unit shipped on (node, lane, day) of
    /// `sku` enters, each with coefficient 1.
    fn dual(&self, y: &[f64], sku: SkuIx, node: NodeIx, lane: Option<LaneIx>, day: Day) -> f64 {
        let t = day as usize;
        let at = |row: u32| if row == NONE { 0.0 } else { y[row as usize] };
        let mut d = self
            .balance_row
            .get(&(node, sku))
            .map_or(0.0, |&r| y[r as usize + t]);
        d += at(self.node_cap_row[node.ix() * self.h + t]);
        if let Some(l) = lane {
            d += at(self.lane_cap_row[l.ix() * self.h + t]);
            d += at(self.link_row[l.ix() * self.h + t]);
        }
        d
    }

    /// `b_o`: the held shipments' contribution to the restricted Lagrangian.
    fn held_reduced_cost(&self, o: &HeldOrder, y: &[f64]) -> f64 {
        o.shipments.iter().fold(o.constant, |b, e| {
            b - e.quantity * self.dual(y, e.sku, e.node, e.lane, e.ship)
        })
    }

    /// `v_o`: the least cost of the order's own columns under `y`, line by line: units go
    /// to the cheapest reduced costs while they are negative, up to the line's quantity;
    /// a planned column's first planned units are cheaper by the change penalty they save.
    fn least_cost(&self, o: &HeldOrder, y: &[f64]) -> f64 {
        let mut v = self.change_penalty * o.planned;
        let mut segments: Vec<(f64, f64)> = Vec::new();
        for line in &o.lines {
            v += line.short_penalty * line.quantity;
            segments.clear();
            for c in &line.candidates {
                let d = c.cost - self.dual(y, c.sku, c.node, c.lane, c.day);
                let saved = c.planned.min(c.ub);
                if saved > 0.0 && self.change_penalty > 0.0 {
                    segments.push((d - self.change_penalty, saved));
                    segments.push((d, c.ub - saved));
                } else {
                    segments.push((d, c.ub));
                }
            }
            segments.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut left = line.quantity;
            for &(d, cap) in &segments {
                if d >= 0.0 || left <= 0.0 {
                    break;
                }
                let take = cap.min(left);
                v += d * take;
                left -= take;
            }
        }
        v
    }
}
