//! What changed since the worker's last solve, and which orders that touches
//! (`models/scope.md`, "In the worker"): the warm solve's start ([`crate::optimize::warm`]).
//!
//! Events only append disruptions, and every disruption kind but an `inbound_delay` to an
//! earlier date takes something away: stock, a receipt, days on which a node or lane
//! departs, lead time, or adds orders. [`changes`] compares the scenario the last plan was
//! made for with the current one and says what moved and whether it only tightened.

use crate::plan::{Plan, Transfer};
use crate::scenario::domain::Scenario;
use crate::scenario::ids::*;
use std::collections::HashSet;

type Pair = (NodeIx, SkuIx);

/// What changed between the scenario a plan was made for and the current one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// (node, sku) pairs whose stock or receipts differ.
    pub pairs: HashSet<Pair>,
    /// Lanes whose lead time differs.
    pub lanes: HashSet<LaneIx>,
    /// Orders from this index on are new.
    pub orders_before: usize,
    /// Every change takes something away or adds orders, so no plan of the current scenario
    /// costs less than the best plan of the earlier one.
    pub tightens: bool,
}

/// `new` compared with `old`, when `new` is `old` with disruptions appended (the same
/// entities in the same order, orders possibly added); `None` otherwise.
pub fn changes(old: &Scenario, new: &Scenario) -> Option<Changes> {
    let same = old.skus.len() == new.skus.len()
        && old.nodes.len() == new.nodes.len()
        && old.lanes.len() == new.lanes.len()
        && old.inbound.len() == new.inbound.len()
        && old.orders.len() <= new.orders.len()
        && old.horizon == new.horizon
        && old.as_of == new.as_of
        && old.available.dim() == new.available.dim()
        && old.nodes.iter().zip(&new.nodes).all(|(a, b)| a.id == b.id)
        && old.lanes.iter().zip(&new.lanes).all(|(a, b)| a.id == b.id)
        && old
            .inbound
            .iter()
            .zip(&new.inbound)
            .all(|(a, b)| a.id == b.id)
        && old
            .orders
            .iter()
            .zip(new.orders.iter())
            .all(|(a, b)| a.id == b.id);
    if !same {
        return None;
    }
    let mut c = Changes {
        orders_before: old.orders.len(),
        tightens: true,
        ..Changes::default()
    };
    for ((n, k), &was) in old.available.indexed_iter() {
        let now = new.available[(n, k)];
        if now != was {
            c.pairs.insert((NodeIx::new(n), SkuIx::new(k)));
            c.tightens &= now < was;
        }
    }
    // A receipt that arrives later (or never) takes stock away until it comes; earlier,
    // it adds.
    let later = |now: Option<u32>, was: Option<u32>| match (now, was) {
        (_, None) => now.is_none(),
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a >= b,
    };
    for (a, b) in old.inbound.iter().zip(&new.inbound) {
        let (was_x, now_x) = (a.arrival(true), b.arrival(true));
        if a.eta != b.eta || was_x != now_x || a.expedite.is_some() != b.expedite.is_some() {
            c.pairs.insert((b.node, b.sku));
            // An event never adds an expedite option nor changes its cost.
            c.tightens &= later(b.eta, a.eta) && later(now_x, was_x);
        }
    }
    for (a, b) in old.nodes.iter().zip(&new.nodes) {
        // Days on which nothing may leave: only more of them tightens.
        c.tightens &= a.open.iter().zip(&b.open).all(|(was, now)| *was || !*now);
    }
    for (i, (a, b)) in old.lanes.iter().zip(&new.lanes).enumerate() {
        if a.lead_time != b.lead_time {
            c.lanes.insert(LaneIx::new(i));
            c.tightens &= b.lead_time > a.lead_time;
        }
        c.tightens &= a
            .departs
            .iter()
            .zip(&b.departs)
            .all(|(was, now)| *was || !*now);
    }
    Some(c)
}

/// What a warm solve starts from: the last plan, its bound, and what changed since.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub plan: Plan,
    /// The last plan's cost in the scenario it was made for.
    pub cost: f64,
    /// The last solve's proven lower bound for its scenario, if it had one.
    pub bound: Option<f64>,
    pub changes: Changes,
}

/// What the changes reach in the last plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Touched {
    /// Per order: the model decides it again. New orders, and orders whose shipments in
    /// the last plan draw on an affected pair, leave on a day that is now closed, or use a
    /// lane whose lead time changed. Frozen orders never.
    pub free: Vec<bool>,
    /// Pairs whose supply in the last plan may have changed: their stock or receipts
    /// changed, or a transfer of the last plan into them no longer runs as it did or
    /// leaves an affected pair.
    pub affected: HashSet<Pair>,
}

impl Touched {
    /// Whether a transfer of the last plan no longer runs as it did: its lane or source no
    /// longer departs that day, its lead time changed, or its source is affected.
    pub fn broken(&self, s: &Scenario, c: &Changes, t: &Transfer) -> bool {
        let lane = s.lane(t.lane);
        !lane.departs_on(t.ship)
            || !s.node(lane.from).is_open(t.ship)
            || c.lanes.contains(&t.lane)
            || self.affected.contains(&(lane.from, t.sku))
    }
}

/// What the changes since the last plan reach ([`Touched`]).
pub fn touched(s: &Scenario, start: &Start) -> Touched {
    let c = &start.changes;
    let mut out = Touched {
        free: (0..s.orders.len()).map(|o| o >= c.orders_before).collect(),
        affected: c.pairs.clone(),
    };
    // Each round adds a pair or ends: the fixpoint is reached.
    loop {
        let before = out.affected.len();
        for t in &start.plan.transfers {
            if out.broken(s, c, t) {
                out.affected.insert((s.lane(t.lane).to, t.sku));
            }
        }
        if out.affected.len() == before {
            break;
        }
    }
    for e in &start.plan.shipments {
        let moved = out.affected.contains(&(e.node, e.sku))
            || !s.node(e.node).is_open(e.ship)
            || e.lane
                .is_some_and(|l| c.lanes.contains(&l) || !s.lane(l).departs_on(e.ship));
        if moved {
            out.free[e.order.ix()] = true;
        }
    }
    for (o, order) in s.orders.iter().enumerate() {
        out.free[o] &= !order.frozen;
    }
    out
}
