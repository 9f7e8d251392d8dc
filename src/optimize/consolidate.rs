//! Charged lane-days closed: each transfer on one moved onto a lane-day into the same node
//! that the plan already pays for, or dropped where its units are not needed, and (when
//! asked) each shipment on one moved to another day its lane is paid for
//! (`models/neighbourhoods.md`, "Lane-days only transfers use").
//!
//! A late or short neighbourhood holds every charge at the plan's value, so it never closes
//! a lane-day; the fed groups' LPs close one only when they find another way for its units.
//! Moving a transfer changes no shipment, so no lateness, shortage or change penalty
//! changes: only where and when its units are, which the balances per day say, and what the
//! plan pays for transport and charges, which this pass counts. A shipment keeps its order,
//! node, lane and units; its day changes its lateness and change penalty, which the pass
//! counts too. A lane-day is closed when everything on it finds a place and the charge
//! saved exceeds what the moves add. Every balance stays at or above zero on every day,
//! every node-day and lane-day within its capacity, no transfer goes where `forbid` rules it
//! out, and a frozen order's shipments stay; the caller checks the whole plan.
//!
//! Then the same state drops the expedites whose units every balance can wait for until
//! the receipt's own eta: an expedite a neighbourhood took for units a later one no longer
//! needs, or one that closing a lane-day did not come to rely on.

use super::plan_state::State;
use crate::check::TOLERANCE;
use crate::plan::{Plan, Shipment, ShipmentKey, Transfer};
use crate::scenario::domain::{Day, PlanEntry, Scenario};
use crate::scenario::ids::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where a transfer went: nowhere (dropped), or onto another lane-day.
type Place = Option<(LaneIx, Day)>;

/// A plan with lane-days closed and expedites dropped, and how many of each.
pub struct Closed {
    pub plan: Plan,
    pub lane_days: usize,
    pub expedites: usize,
}

/// `plan` with its charged lane-days closed where that pays (only those no shipment uses
/// unless `shipments`), then the expedites nobody needs dropped; `None` when neither could
/// be.
pub fn consolidate(s: &Scenario, plan: &Plan, shipments: bool) -> Option<Closed> {
    let mut charged = charged(s, plan);
    if !shipments {
        charged.retain(|_, c| c.shipments.is_empty());
    }
    if charged.is_empty() && plan.expedited.is_empty() {
        return None;
    }
    let skus: BTreeSet<SkuIx> = charged
        .values()
        .flat_map(|c| {
            let t = c.transfers.iter().map(|&i| plan.transfers[i].sku);
            t.chain(c.shipments.iter().map(|&j| plan.shipments[j].sku))
        })
        .chain(plan.expedited.iter().map(|&r| s.inbound[r.ix()].sku))
        .collect();
    let mut shipped: HashMap<ShipmentKey, f64> = HashMap::new();
    for x in &plan.shipments {
        *shipped.entry(x.key()).or_default() += x.quantity;
    }
    let mut st = State::of(s, plan, &skus);
    let mut into: HashMap<NodeIx, Vec<LaneIx>> = HashMap::new();
    for (l, lane) in s.lanes.iter().enumerate() {
        if lane.carries_transfers && s.node(lane.from).holds_stock() {
            into.entry(lane.to).or_default().push(LaneIx::new(l));
        }
    }
    // The lightest lane-days first: their movements fit onto the others most easily.
    let mut candidates: Vec<((LaneIx, Day), Carried)> = charged.into_iter().collect();
    let load = |c: &Carried| {
        let t = c.transfers.iter().map(|&i| plan.transfers[i].quantity);
        t.chain(c.shipments.iter().map(|&j| plan.shipments[j].quantity))
            .sum::<f64>()
    };
    candidates.sort_by(|a, b| load(&a.1).total_cmp(&load(&b.1)));
    let mut placed: HashMap<usize, Place> = HashMap::new();
    let mut rescheduled: HashMap<usize, Day> = HashMap::new();
    let mut lane_days = 0;
    // Lane-days that took another's movements: closing them would have to move those too.
    let mut kept: BTreeSet<(LaneIx, Day)> = BTreeSet::new();
    for ((l, d), carried) in candidates {
        if kept.contains(&(l, d)) {
            continue;
        }
        let mut tried = Tried {
            state: &mut st,
            shipped: &mut shipped,
            moves: Vec::new(),
            later: Vec::new(),
        };
        if tried.close(s, plan, &into, l, &carried) {
            kept.extend(tried.moves.iter().filter_map(|m| m.1));
            kept.extend(tried.later.iter().map(|&(_, d2)| (l, d2)));
            placed.extend(tried.moves);
            rescheduled.extend(tried.later);
            lane_days += 1;
        } else {
            tried.undo(s, plan);
        }
    }
    let dropped = unneeded_expedites(s, &mut st, plan);
    if placed.is_empty() && rescheduled.is_empty() && dropped.is_empty() {
        return None;
    }
    Some(Closed {
        plan: rebuilt(plan, &placed, &rescheduled, &dropped),
        lane_days,
        expedites: dropped.len(),
    })
}

/// What a charged lane-day carries: transfers and shipments, by their index in the plan.
#[derive(Default)]
struct Carried {
    transfers: Vec<usize>,
    shipments: Vec<usize>,
}

/// What each charged lane-day of `plan` carries, but those that carry a frozen order's
/// shipment (which must leave as planned).
fn charged(s: &Scenario, plan: &Plan) -> BTreeMap<(LaneIx, Day), Carried> {
    let within = |d: Day| (0..s.horizon as Day).contains(&d);
    let mut out: BTreeMap<(LaneIx, Day), Carried> = BTreeMap::new();
    for (i, t) in plan.transfers.iter().enumerate() {
        if t.quantity > 0.0 && within(t.ship) && s.lane(t.lane).fixed_cost_per_day > 0.0 {
            out.entry((t.lane, t.ship)).or_default().transfers.push(i);
        }
    }
    let mut frozen = BTreeSet::new();
    for (j, x) in plan.shipments.iter().enumerate() {
        let Some(l) = x.lane.filter(|&l| s.lane(l).fixed_cost_per_day > 0.0) else {
            continue;
        };
        if x.quantity > 0.0 && within(x.ship) {
            out.entry((l, x.ship)).or_default().shipments.push(j);
            if s.order(x.order).frozen {
                frozen.insert((l, x.ship));
            }
        }
    }
    out.retain(|k, _| !frozen.contains(k));
    out
}

/// Takes shipment `x` off its lane-day in `st` and moves it to the paid day of its lane
/// that adds the least lateness and change penalty and keeps its node's balance at or above
/// zero: that day and what it adds. `None`, with `st` and `shipped` as they were, when no
/// day does.
fn reschedule(
    s: &Scenario,
    st: &mut State,
    shipped: &mut HashMap<ShipmentKey, f64>,
    x: &Shipment,
) -> Option<(Day, f64)> {
    let l = x.lane?;
    let order = s.order(x.order);
    let lead = Day::from(s.lane(l).lead_time);
    let late = |d: Day| (d + lead - order.due).max(0) as f64 * order.late_penalty_per_unit_day;
    let planned = |d: Day| {
        let on = |p: &&PlanEntry| {
            (p.sku, p.node, p.lane, Day::from(p.ship)) == (x.sku, x.node, x.lane, d)
        };
        order
            .plan
            .iter()
            .filter(on)
            .map(|p| p.quantity)
            .sum::<f64>()
    };
    let missing = |shipped: &HashMap<ShipmentKey, f64>, d: Day, delta: f64| {
        let got = shipped
            .get(&(x.order, x.sku, x.node, x.lane, d))
            .copied()
            .unwrap_or(0.0);
        (planned(d) - got - delta).max(0.0)
    };
    let q = x.quantity;
    let change = s.policy.change_penalty_per_unit;
    let mut best: Option<(Day, f64)> = None;
    move_shipment(st, shipped, x, x.ship, -1);
    for d2 in (0..st.h as Day).filter(|&d2| d2 != x.ship) {
        if !st.paid(l, d2)
            || st.lane_room(s, l, d2) < q - TOLERANCE
            || st.node_room(s, x.node, d2) < q - TOLERANCE
        {
            continue;
        }
        // `shipped` holds the plan without x: x's own key now misses what x shipped.
        let added = q * (late(d2) - late(x.ship))
            + change * (missing(shipped, d2, q) - missing(shipped, d2, 0.0))
            + change * (missing(shipped, x.ship, 0.0) - missing(shipped, x.ship, q));
        if best.is_some_and(|(_, b)| b <= added) {
            continue;
        }
        st.shift(x.node, x.sku, d2, -q);
        if st.holds(x.node, x.sku) {
            best = Some((d2, added));
        }
        st.shift(x.node, x.sku, d2, q);
    }
    match best {
        Some((d2, _)) => move_shipment(st, shipped, x, -1, d2),
        None => move_shipment(st, shipped, x, -1, x.ship),
    }
    best
}

/// Shipment `x` leaving on day `to` instead of `from` (-1: not leaving at all) in `st` and
/// `shipped`.
fn move_shipment(
    st: &mut State,
    shipped: &mut HashMap<ShipmentKey, f64>,
    x: &Shipment,
    from: Day,
    to: Day,
) {
    for (d, sign) in [(from, -1.0), (to, 1.0)] {
        if d < 0 {
            continue;
        }
        let q = sign * x.quantity;
        st.ship(x.node, x.lane, x.sku, d, q);
        *shipped
            .entry((x.order, x.sku, x.node, x.lane, d))
            .or_default() += q;
    }
}

/// One lane-day's attempt: the state it changes, and the moves made so far.
struct Tried<'a> {
    state: &'a mut State,
    shipped: &'a mut HashMap<ShipmentKey, f64>,
    /// Transfers, by index, and where each went.
    moves: Vec<(usize, Place)>,
    /// Shipments, by index, and the day each now leaves.
    later: Vec<(usize, Day)>,
}

impl Tried<'_> {
    /// Places everything lane `l`'s lane-day carries; whether all of it found a place and
    /// the charge saved exceeds what the moves add.
    fn close(
        &mut self,
        s: &Scenario,
        plan: &Plan,
        into: &HashMap<NodeIx, Vec<LaneIx>>,
        l: LaneIx,
        carried: &Carried,
    ) -> bool {
        let mut gain = s.lane(l).fixed_cost_per_day;
        for &i in &carried.transfers {
            let t = &plan.transfers[i];
            let Some(to) = place(s, self.state, into, t) else {
                return false;
            };
            gain -= t.quantity * (cost(s, to) - s.lane(l).cost_per_unit);
            self.moves.push((i, to));
        }
        for &j in &carried.shipments {
            let x = &plan.shipments[j];
            let Some((d2, added)) = reschedule(s, self.state, self.shipped, x) else {
                return false;
            };
            gain -= added;
            self.later.push((j, d2));
        }
        gain > 1e-9
    }

    /// Every move made, taken back.
    fn undo(self, s: &Scenario, plan: &Plan) {
        for &(j, d2) in self.later.iter().rev() {
            let x = &plan.shipments[j];
            move_shipment(self.state, self.shipped, x, d2, x.ship);
        }
        for &(i, to) in self.moves.iter().rev() {
            let t = &plan.transfers[i];
            if let Some((l2, d2)) = to {
                self.state.transfer(s, l2, d2, t.sku, -t.quantity);
            }
            self.state.transfer(s, t.lane, t.ship, t.sku, t.quantity);
        }
    }
}

/// The expedites of `plan` whose units every balance in `st` can wait for until the
/// receipt's own eta, taken out of `st` one after another.
fn unneeded_expedites(s: &Scenario, st: &mut State, plan: &Plan) -> BTreeSet<InboundIx> {
    let mut dropped = BTreeSet::new();
    for &r in &plan.expedited {
        let x = &s.inbound[r.ix()];
        let (fast, slow) = (x.arrival(true), x.arrival(false));
        arrive(st, x.node, x.sku, x.quantity, fast, slow);
        if st.holds(x.node, x.sku) {
            dropped.insert(r);
        } else {
            arrive(st, x.node, x.sku, x.quantity, slow, fast);
        }
    }
    dropped
}

/// Per unit, what a transfer costs where it went: nothing when dropped.
fn cost(s: &Scenario, to: Place) -> f64 {
    to.map_or(0.0, |(l, _)| s.lane(l).cost_per_unit)
}

/// Takes `t` off its lane-day in `st` and finds it a place: dropped when every balance stays
/// at or above zero without it, else the paid lane-day into its destination that adds the
/// least transport, then arrives nearest its own arrival, and keeps every balance and
/// capacity. `None`, with `st` as it was, when there is none.
fn place(
    s: &Scenario,
    st: &mut State,
    into: &HashMap<NodeIx, Vec<LaneIx>>,
    t: &Transfer,
) -> Option<Place> {
    let lane = s.lane(t.lane);
    let (k, q) = (t.sku, t.quantity);
    st.transfer(s, t.lane, t.ship, k, -q);
    if st.holds(lane.from, k) && st.holds(lane.to, k) {
        return Some(None);
    }
    let arrival = t.ship + Day::from(lane.lead_time);
    let mut targets: Vec<(LaneIx, Day)> = Vec::new();
    for &l2 in into.get(&lane.to).into_iter().flatten() {
        if s.transfer_forbidden(l2, k) {
            continue;
        }
        for d2 in 0..st.h as Day {
            if st.paid(l2, d2)
                && (l2, d2) != (t.lane, t.ship)
                && st.lane_room(s, l2, d2) >= q - TOLERANCE
                && st.node_room(s, s.lane(l2).from, d2) >= q - TOLERANCE
            {
                targets.push((l2, d2));
            }
        }
    }
    let order = |&(l2, d2): &(LaneIx, Day)| {
        let lane2 = s.lane(l2);
        (
            lane2.cost_per_unit,
            (d2 + Day::from(lane2.lead_time) - arrival).abs(),
        )
    };
    targets.sort_by(|a, b| {
        let (ca, da) = order(a);
        let (cb, db) = order(b);
        ca.total_cmp(&cb).then(da.cmp(&db))
    });
    for (l2, d2) in targets {
        st.transfer(s, l2, d2, k, q);
        if st.holds(lane.from, k) && st.holds(lane.to, k) && st.holds(s.lane(l2).from, k) {
            return Some(Some((l2, d2)));
        }
        st.transfer(s, l2, d2, k, -q);
    }
    st.transfer(s, t.lane, t.ship, k, q);
    None
}

/// `q` units of `k` arriving at `n` on day `to` instead of `from` (either `None`: after the
/// horizon).
fn arrive(st: &mut State, n: NodeIx, k: SkuIx, q: f64, from: Option<u32>, to: Option<u32>) {
    for (day, delta) in [(from, -q), (to, q)] {
        if let Some(d) = day.filter(|&d| (d as usize) < st.h) {
            st.shift(n, k, Day::from(d), delta);
        }
    }
}

/// `plan` with each transfer in `placed` moved to its lane-day (or dropped), each shipment
/// in `rescheduled` on its new day and the expedites in `dropped` not taken, its entries
/// merged ([`Plan::normalized`]: a moved transfer or shipment may join one on the same key).
fn rebuilt(
    plan: &Plan,
    placed: &HashMap<usize, Place>,
    rescheduled: &HashMap<usize, Day>,
    dropped: &BTreeSet<InboundIx>,
) -> Plan {
    let mut out = plan.clone();
    for (&j, &day) in rescheduled {
        out.shipments[j].ship = day;
    }
    out.transfers = plan
        .transfers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match placed.get(&i) {
            None => Some(*t),
            Some(None) => None,
            Some(&Some((lane, ship))) => Some(Transfer { lane, ship, ..*t }),
        })
        .collect();
    out.expedited.retain(|r| !dropped.contains(r));
    out.normalized()
}
