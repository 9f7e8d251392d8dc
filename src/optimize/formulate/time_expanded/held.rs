//! Frozen orders' shipments and held orders' (`models/scope.md`) as constants, held moves
//! and the columns that recall held transfers.

use super::builder::{Builder, Pair};
use crate::optimize::formulate::hold::{Candidate, HeldLine, HeldOrder};
use crate::optimize::formulate::model::{Hold, Meaning};
use crate::optimize::mip::Var;
use crate::scenario::domain::{Day, Order, PlanEntry};
use crate::scenario::ids::*;
use std::collections::HashMap;

impl Builder<'_> {
    /// Frozen orders' shipments are constants: their costs go to the offset, their stock
    /// and capacity use to the right-hand sides.
    pub(super) fn frozen_constants(&mut self) -> Vec<OrderIx> {
        let s = self.s;
        let h = self.h;
        let mut frozen = Vec::new();
        for (oi, o) in s.orders.iter().enumerate().filter(|(_, o)| o.frozen) {
            frozen.push(OrderIx::new(oi));
            for line in &o.lines {
                let planned: f64 = o
                    .plan
                    .iter()
                    .filter(|e| e.sku == line.sku)
                    .map(|e| e.quantity)
                    .sum();
                self.mip.offset += o.short_penalty_per_unit * (line.quantity - planned).max(0.0);
            }
            for e in o.plan.iter().filter(|e| e.quantity > 0.0) {
                let day = i64::from(e.ship);
                if !s.node(e.node).is_open(day)
                    || e.lane.is_some_and(|l| !s.lane(l).departs_on(day))
                {
                    // frozen_closed: a frozen shipment on a day nothing may leave cannot be
                    // kept by any plan; an empty row 0 >= 1 makes that the solver's verdict.
                    self.row(1.0, f64::INFINITY, Vec::new(), || {
                        format!("frozen_closed[{},{day}]", o.id)
                    });
                }
                self.mip.offset += e.quantity * self.ship_cost(o, e.lane, day);
                self.frozen_node[e.node.ix() * h + e.ship as usize] += e.quantity;
                if let Some(l) = e.lane {
                    self.frozen_lane[l.ix() * h + e.ship as usize] += e.quantity;
                    if s.lane(l).fixed_cost_per_day > 0.0 && self.frozen_charged.insert((l, day)) {
                        self.mip.offset += s.lane(l).fixed_cost_per_day;
                    }
                }
                let rows = self
                    .balance
                    .entry((e.node, e.sku))
                    .or_insert_with(|| (vec![Vec::new(); h], vec![0.0; h]));
                rows.1[e.ship as usize] -= e.quantity;
            }
        }
        frozen
    }

    /// Held orders' shipments are constants too (`models/scope.md`): their cost goes to the
    /// offset, their stock use to the balances' right-hand sides, and the units leaving to
    /// `held_node` / `held_lane`, which only the capacity and link rows' right-hand sides
    /// read. A held lane-day charge is not sunk: the whole model's charge column and link
    /// row stay, with the held units on the right.
    pub(super) fn held_constants(&mut self) {
        let Some(hold) = self.opts.hold.clone() else {
            return;
        };
        // Held orders would need their strong_link rows priced too.
        assert!(
            !self.opts.strong_linking,
            "strong linking does not hold orders"
        );
        let s = self.s;
        let h = self.h;
        let change_pen = s.policy.change_penalty_per_unit;
        for (oi, kept) in hold.shipments.iter().enumerate() {
            let (Some(kept), o) = (kept, &s.orders[oi]) else {
                continue;
            };
            assert!(
                !o.frozen,
                "a frozen order is never held: its plan is its own"
            );
            let mut constant: f64 = o
                .lines
                .iter()
                .map(|l| o.short_penalty_per_unit * l.quantity)
                .sum();
            for e in kept {
                let t = e.ship as usize;
                constant +=
                    e.quantity * (self.ship_cost(o, e.lane, e.ship) - o.short_penalty_per_unit);
                self.held_node[e.node.ix() * h + t] += e.quantity;
                if let Some(l) = e.lane {
                    self.held_lane[l.ix() * h + t] += e.quantity;
                }
                // A pair no decided order can draw on has no balance: nothing the model
                // decides changes it, and the baseline keeps it.
                if let Some(rows) = self.balance.get_mut(&(e.node, e.sku)) {
                    rows.1[t] -= e.quantity;
                }
            }
            let shipped_at = |p: &PlanEntry| -> f64 {
                kept.iter()
                    .filter(|e| {
                        (e.sku, e.node, e.lane, e.ship)
                            == (p.sku, p.node, p.lane, Day::from(p.ship))
                    })
                    .map(|e| e.quantity)
                    .sum()
            };
            for p in &o.plan {
                constant += change_pen * (p.quantity - shipped_at(p)).max(0.0);
            }
            self.mip.offset += constant;
            let held = self.held.as_mut().expect("a hold builds a Held");
            self.held_at[oi] = Some(held.orders.len());
            held.orders.push(HeldOrder {
                order: OrderIx::new(oi),
                constant,
                shipments: kept.clone(),
                lines: Vec::new(),
                planned: o.plan.iter().map(|p| p.quantity).sum(),
            });
        }
        self.held_moves(&hold);
    }

    /// Held transfers leave their source and reach their destination as constants, held
    /// expedites cost their price (their early units: `receipts_and_stock`). A pair without
    /// a balance is one no decided order draws on, which they keep as the plan they come
    /// from had it.
    fn held_moves(&mut self, hold: &Hold) {
        let (s, h) = (self.s, self.h);
        for x in &hold.transfers {
            let lane = s.lane(x.lane);
            let t = x.ship as usize;
            self.mip.offset += x.quantity * lane.cost_per_unit;
            self.held_node[lane.from.ix() * h + t] += x.quantity;
            self.held_lane[x.lane.ix() * h + t] += x.quantity;
            if let Some(rows) = self.balance.get_mut(&(lane.from, x.sku)) {
                rows.1[t] -= x.quantity;
            }
            let arrival = t + lane.lead_time as usize;
            if let (Some(rows), true) = (self.balance.get_mut(&(lane.to, x.sku)), arrival < h) {
                rows.1[arrival] += x.quantity;
            }
        }
        if hold.recall {
            assert!(
                !hold.priced,
                "pricing assumes no held transfer is taken back"
            );
            self.recalls(hold);
        }
        for &r in &hold.expedited {
            let x = s.inbound[r.ix()]
                .expedite
                .expect("a held expedite has its option");
            self.mip.offset += x.cost;
        }
    }

    /// `recall[l,k,t]` per held transfer (merged by lane, SKU and day) between two pairs
    /// with a balance per day: the units of it that do not move after all, at most what it
    /// holds. They stay at the source, never reach the destination, cost nothing to move and
    /// take nothing of the source's ship capacity, the lane's capacity or its charge's
    /// link, so a model that holds the transfers of a plan can still take back those its
    /// decided orders do not need (`models/neighbourhoods.md`, "Held transfers"). A pair
    /// with a `surplus` row only, or none, keeps what the plan moves: its stock per day is
    /// not in the model. With [`Hold::recall`] only.
    fn recalls(&mut self, hold: &Hold) {
        let (s, h) = (self.s, self.h);
        let held = crate::plan::merge(hold.transfers.iter().map(|x| (x.key(), x.quantity)));
        let integer = self.integer_quantities();
        for ((l, k, day), quantity) in held {
            let lane = s.lane(l);
            let (t, arrival) = (day as usize, day as usize + lane.lead_time as usize);
            let per_day = |p: &Pair| self.balance.contains_key(p) && !self.origins.contains(p);
            if arrival >= h
                || quantity <= 0.0
                || !per_day(&(lane.from, k))
                || !per_day(&(lane.to, k))
            {
                continue;
            }
            let (lid, kid) = (lane.id.clone(), s.sku(k).id.clone());
            let r = self.col(
                -lane.cost_per_unit,
                quantity,
                integer,
                Meaning::Recall {
                    lane: l,
                    sku: k,
                    day,
                },
                || format!("recall[{lid},{kid},{t}]"),
            );
            self.balance.get_mut(&(lane.from, k)).expect("pair").0[t].push((r, -1.0));
            self.balance.get_mut(&(lane.to, k)).expect("pair").0[arrival].push((r, 1.0));
            self.recalled_node
                .entry(lane.from.ix() * h + t)
                .or_default()
                .push(r);
            self.recalled_lane
                .entry(l.ix() * h + t)
                .or_default()
                .push(r);
        }
    }

    /// A held order's columns, listed for pricing and never added: their upper bounds join
    /// the lane-days' big-Ms, as in the whole model.
    pub(super) fn held_columns(&mut self, o: &Order, order: OrderIx, at: usize) {
        let ctx = self.order_context(o, order);
        let mut lines = Vec::new();
        for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
            let mut candidates = Vec::new();
            for c in self.line_columns(o, order, line.sku, line.quantity, &ctx, true) {
                if let Some(l) = c.lane {
                    self.held_carry[l.ix() * self.h + c.day as usize] += c.ub;
                }
                candidates.push(Candidate {
                    sku: line.sku,
                    node: c.node,
                    lane: c.lane,
                    day: c.day,
                    cost: c.cost - o.short_penalty_per_unit,
                    ub: c.ub,
                    planned: c.planned.map_or(0.0, |p| o.plan[p].quantity),
                });
            }
            lines.push(HeldLine {
                quantity: line.quantity,
                short_penalty: o.short_penalty_per_unit,
                candidates,
            });
        }
        self.held.as_mut().expect("held orders need a Held").orders[at].lines = lines;
    }

    /// The recall columns of node-day or lane-day `i` in `by`, each freeing a unit.
    pub(super) fn recalled(&self, by: &HashMap<usize, Vec<Var>>, i: usize) -> Vec<(Var, f64)> {
        by.get(&i)
            .map_or_else(Vec::new, |v| v.iter().map(|&r| (r, -1.0)).collect())
    }
}
