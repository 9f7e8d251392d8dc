//! A plan's state as the plan-level passes read it (`stranded`, `consolidate`): the balance
//! of each (node, SKU) pair at the end of each day, and the units leaving each node-day and
//! lane-day, kept up to date as a pass moves units.

use crate::plan::{Plan, Shipment};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::{BTreeSet, HashMap};

/// A plan's stock per (node, SKU) and day for the SKUs a pass reads, and its units leaving
/// per node-day and lane-day.
pub struct State {
    pub h: usize,
    /// Balance at the end of each day.
    pub stock: HashMap<(NodeIx, SkuIx), Vec<f64>>,
    /// Per SKU, the nodes with a balance in `stock`.
    pub at: HashMap<SkuIx, BTreeSet<NodeIx>>,
    pub node_out: Vec<Vec<f64>>,
    pub lane_out: Vec<Vec<f64>>,
}

impl State {
    /// The state of `plan`, with a balance for every pair of the SKUs in `skus`.
    pub fn of(s: &Scenario, plan: &Plan, skus: &BTreeSet<SkuIx>) -> State {
        let h = s.horizon as usize;
        let day = |d: Day| d.clamp(0, h as Day) as usize;
        let mut flow: HashMap<(NodeIx, SkuIx), Vec<f64>> = HashMap::new();
        let mut add = |n: NodeIx, k: SkuIx, d: Day, q: f64| {
            if skus.contains(&k) && d < h as Day {
                flow.entry((n, k)).or_insert_with(|| vec![0.0; h])[day(d)] += q;
            }
        };
        for (n, node) in s.nodes.iter().enumerate() {
            if node.holds_stock() {
                for &k in skus {
                    let n = NodeIx::new(n);
                    add(n, k, 0, s.available_at_start(n, k));
                }
            }
        }
        let expedited: BTreeSet<InboundIx> = plan.expedited.iter().copied().collect();
        for (i, r) in s.inbound.iter().enumerate() {
            if let Some(d) = r.arrival(expedited.contains(&InboundIx::new(i))) {
                add(r.node, r.sku, Day::from(d), r.quantity);
            }
        }
        let mut node_out = vec![vec![0.0; h]; s.nodes.len()];
        let mut lane_out = vec![vec![0.0; h]; s.lanes.len()];
        for x in &plan.shipments {
            add(x.node, x.sku, x.ship.max(0), -x.quantity);
            node_out[x.node.ix()][day(x.ship).min(h - 1)] += x.quantity;
            if let Some(l) = x.lane {
                lane_out[l.ix()][day(x.ship).min(h - 1)] += x.quantity;
            }
        }
        for t in &plan.transfers {
            let l = s.lane(t.lane);
            add(l.from, t.sku, t.ship.max(0), -t.quantity);
            add(l.to, t.sku, t.ship + Day::from(l.lead_time), t.quantity);
            node_out[l.from.ix()][day(t.ship).min(h - 1)] += t.quantity;
            lane_out[t.lane.ix()][day(t.ship).min(h - 1)] += t.quantity;
        }
        let mut at: HashMap<SkuIx, BTreeSet<NodeIx>> = HashMap::new();
        for &(n, k) in flow.keys() {
            at.entry(k).or_default().insert(n);
        }
        let stock = flow
            .into_iter()
            .map(|(key, f)| {
                let mut b = 0.0;
                (
                    key,
                    f.iter()
                        .map(|x| {
                            b += x;
                            b
                        })
                        .collect(),
                )
            })
            .collect();
        State {
            h,
            stock,
            at,
            node_out,
            lane_out,
        }
    }

    /// Units of `k` that `n` can give up from day `d` on: its least balance from `d` on.
    pub fn free(&self, n: NodeIx, k: SkuIx, d: Day) -> f64 {
        self.stock.get(&(n, k)).map_or(0.0, |b| {
            b[d as usize..]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min)
                .max(0.0)
        })
    }

    /// Units that may still leave `n` on day `d`.
    pub fn node_room(&self, s: &Scenario, n: NodeIx, d: Day) -> f64 {
        let node = s.node(n);
        if !node.is_open(d) {
            return 0.0;
        }
        node.ship_capacity_per_day
            .map_or(f64::INFINITY, |c| c - self.node_out[n.ix()][d as usize])
    }

    /// The fixed charge a unit departing on `l` on day `d` switches on: the lane's, when
    /// nothing departs on it that day yet.
    pub fn charge(&self, s: &Scenario, l: LaneIx, d: Day) -> f64 {
        if self.paid(l, d) {
            0.0
        } else {
            s.lane(l).fixed_cost_per_day
        }
    }

    /// Whether something departs on `l` on day `d`, so its charge is paid.
    pub fn paid(&self, l: LaneIx, d: Day) -> bool {
        self.lane_out[l.ix()][d as usize] > crate::check::TOLERANCE
    }

    /// Units that may still depart on `l` on day `d`.
    pub fn lane_room(&self, s: &Scenario, l: LaneIx, d: Day) -> f64 {
        let lane = s.lane(l);
        if !lane.departs.get(d as usize).copied().unwrap_or(false) {
            return 0.0;
        }
        lane.capacity_per_day
            .map_or(f64::INFINITY, |c| c - self.lane_out[l.ix()][d as usize])
    }

    /// `delta` units of `k` at `n` from day `d` on.
    pub fn shift(&mut self, n: NodeIx, k: SkuIx, d: Day, delta: f64) {
        self.at.entry(k).or_default().insert(n);
        let h = self.h;
        let b = self.stock.entry((n, k)).or_insert_with(|| vec![0.0; h]);
        b[d as usize..].iter_mut().for_each(|x| *x += delta);
    }

    /// `q` units of shipment `x` no longer leave: its node keeps them from its day on.
    pub fn release(&mut self, x: &Shipment, q: f64) {
        self.ship(x.node, x.lane, x.sku, x.ship, -q);
    }

    /// `q` more units of `k` leaving `n` on day `d` (fewer when negative), on `lane` when
    /// there is one: `n`'s balance from `d` on, and the node-day's and lane-day's units.
    pub fn ship(&mut self, n: NodeIx, lane: Option<LaneIx>, k: SkuIx, d: Day, q: f64) {
        self.shift(n, k, d, -q);
        self.node_out[n.ix()][d as usize] += q;
        if let Some(l) = lane {
            self.lane_out[l.ix()][d as usize] += q;
        }
    }

    /// `q` more units of `k` transferred on lane `l` leaving on day `d` (fewer when
    /// negative): as [`State::ship`] from its source, and its destination's balance from
    /// the arrival on (when within the horizon).
    pub fn transfer(&mut self, s: &Scenario, l: LaneIx, d: Day, k: SkuIx, q: f64) {
        let lane = s.lane(l);
        self.ship(lane.from, Some(l), k, d, q);
        let arrival = d + Day::from(lane.lead_time);
        if (arrival as usize) < self.h {
            self.shift(lane.to, k, arrival, q);
        }
    }

    /// Whether `n`'s balance of `k` is at or above zero on every day.
    pub fn holds(&self, n: NodeIx, k: SkuIx) -> bool {
        self.stock
            .get(&(n, k))
            .is_none_or(|b| b.iter().all(|&x| x >= -crate::check::TOLERANCE))
    }
}
