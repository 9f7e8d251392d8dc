//! Receipts (expedites among them) and stock, and the bounds supply puts on each flow (S1).

use super::builder::{Builder, Pair};
use crate::optimize::formulate::model::Meaning;
use crate::scenario::domain::Forbid;
use crate::scenario::ids::*;

impl Builder<'_> {
    /// Available stock at day 0 and receipts go to the right-hand sides; expedite options
    /// become yes/no columns.
    pub(super) fn receipts_and_stock(&mut self) {
        let s = self.s;
        let pairs: Vec<Pair> = self.balance.keys().copied().collect();
        for p in pairs {
            let avail = s.available_at_start(p.0, p.1);
            self.balance.get_mut(&p).expect("pair").1[0] += avail;
        }
        for (i, r) in s.inbound.iter().enumerate() {
            let ri = InboundIx::new(i);
            if !self.balance.contains_key(&(r.node, r.sku)) {
                continue;
            }
            let held = self
                .opts
                .hold
                .as_ref()
                .is_some_and(|h| h.expedited.contains(&ri));
            if held {
                // Expedited for good: its cost is in the constant, its units arrive early.
                if let Some(eta) = r.arrival(true) {
                    self.balance.get_mut(&(r.node, r.sku)).expect("pair").1[eta as usize] +=
                        r.quantity;
                }
                continue;
            }
            let forbidden = s.policy.forbid.contains(&Forbid::ExpediteInbound(ri));
            let option = r
                .expedite
                .filter(|x| !forbidden && x.eta.is_some() && x.eta != r.eta);
            // Pruning rule P2: an expedite that arrives no earlier than the receipt itself
            // only costs money.
            let option = option.filter(|x| r.eta.is_none_or(|eta| x.eta.expect("checked") < eta));
            // A surplus pair offers its stock as the plan leaves it, receipts unmoved.
            let option = option.filter(|_| !self.origins.contains(&(r.node, r.sku)));
            let rows = self.balance.get_mut(&(r.node, r.sku)).expect("pair");
            if let Some(eta) = r.eta {
                rows.1[eta as usize] += r.quantity;
            }
            if let Some(x) = option {
                let id = r.id.clone();
                let e = self.col(x.cost, 1.0, true, Meaning::Expedite(ri), || {
                    format!("expedite[{id}]")
                });
                let rows = self.balance.get_mut(&(r.node, r.sku)).expect("pair");
                if let Some(eta) = r.eta {
                    // Receipts enter the balance with a minus sign (it reads stock >= 0
                    // as: inventory + outflow - inflow = constants).
                    rows.0[eta as usize].push((e, r.quantity));
                }
                rows.0[x.eta.expect("checked") as usize].push((e, -r.quantity));
            }
        }
    }

    /// Bound S2 (`models/tight.md`): with `tight`, a flow of k leaving n on day t (on
    /// `lane`) is at most `ub`, what can have reached n by t (S1), the node's capacity left
    /// that day and the lane's. Every feasible plan keeps these (balance, node_cap,
    /// lane_cap), so tightening a column bound to them changes no plan.
    pub(super) fn flow_bound(
        &self,
        n: NodeIx,
        lane: Option<LaneIx>,
        k: SkuIx,
        t: usize,
        ub: f64,
    ) -> f64 {
        if !self.tight {
            return ub;
        }
        let s = self.s;
        let h = self.h;
        let mut b = ub.min(self.reach_by_day[(n.ix() * s.skus.len() + k.ix()) * h + t]);
        if let Some(c) = s.node(n).ship_capacity_per_day {
            b = b.min(c - self.frozen_node[n.ix() * h + t]);
        }
        if let Some(c) = lane.and_then(|l| s.lane(l).capacity_per_day) {
            b = b.min(c - self.frozen_lane[lane.expect("lane").ix() * h + t]);
        }
        b.max(0.0)
    }

    /// Bound S1 (`models/tight.md`): `R[n,k,t]` = stock at day 0 + receipts that can
    /// arrive by t (expedited where that is earlier) + for each transfer lane into n,
    /// `R[from,k,t - L]`, capped by all the stock and receipts of k (a lane with lead time
    /// 0 contributes the cap). R bounds the distinct units that can have been at n by day
    /// t, so no single movement leaving n on day t carries more (a bound on one day's
    /// flows, not on cumulative ones: with transfer cycles a unit may leave n twice).
    pub(super) fn supply_by_day(&self) -> Vec<f64> {
        let s = self.s;
        let (nn, nk, h) = (s.nodes.len(), s.skus.len(), self.h);
        let total = self.total_supply();
        let at = |n: usize, k: usize, t: usize| (n * nk + k) * h + t;
        let mut own = vec![0.0; nn * nk * h];
        for ((n, k), &a) in s.available.indexed_iter() {
            own[at(n, k, 0)] += a;
        }
        for r in &s.inbound {
            let earliest = [r.eta, r.expedite.and_then(|x| x.eta)]
                .into_iter()
                .flatten()
                .min();
            if let Some(e) = earliest.filter(|&e| (e as usize) < h) {
                own[at(r.node.ix(), r.sku.ix(), e as usize)] += r.quantity;
            }
        }
        let mut into: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nn];
        for lane in s.lanes.iter().filter(|l| l.carries_transfers) {
            into[lane.to.ix()].push((lane.from.ix(), lane.lead_time));
        }
        // Cumulative own supply, then the transfer recursion day by day: R[.,.,t] reads
        // only earlier days (or the cap, for lead time 0).
        for n in 0..nn {
            for k in 0..nk {
                for t in 1..h {
                    own[at(n, k, t)] += own[at(n, k, t - 1)];
                }
            }
        }
        let mut r = vec![0.0; nn * nk * h];
        for t in 0..h {
            for n in 0..nn {
                for k in 0..nk {
                    let mut v = own[at(n, k, t)];
                    for &(m, lead) in &into[n] {
                        v += match lead as usize {
                            0 => total[k],
                            l if l <= t => r[at(m, k, t - l)],
                            _ => 0.0,
                        };
                    }
                    r[at(n, k, t)] = v.min(total[k]);
                }
            }
        }
        r
    }

    /// Per SKU: all stock at day 0 and every receipt, network-wide.
    pub(super) fn total_supply(&self) -> Vec<f64> {
        let s = self.s;
        let mut supply = vec![0.0; s.skus.len()];
        // Dense and in order, so the bounds are the same bits on every run.
        for ((_, k), &a) in s.available.indexed_iter() {
            supply[k] += a;
        }
        for r in &s.inbound {
            supply[r.sku.ix()] += r.quantity;
        }
        supply
    }
}
