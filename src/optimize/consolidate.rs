//! Lane-days that only transfers use, closed: each of their transfers moved onto a lane-day
//! into the same node that the plan already pays for, or dropped where its units are not
//! needed (`models/neighbourhoods.md`, "Lane-days only transfers use").
//!
//! A late or short neighbourhood holds every charge at the plan's value, so it never closes
//! a lane-day; the fed groups' LPs close one only when they find another way for its units.
//! Moving a transfer changes no shipment, so no lateness, shortage or change penalty
//! changes: only where and when its units are, which the balances per day say, and what the
//! plan pays for transport and charges, which this pass counts. A lane-day is closed when
//! every transfer on it finds a place and the charge saved exceeds the transport added.
//! Every balance stays at or above zero on every day, every node-day and lane-day within
//! its capacity, and no transfer goes where `forbid` rules it out; the caller checks the
//! whole plan.
//!
//! Then the same state drops the expedites whose units every balance can wait for until
//! the receipt's own eta: an expedite a neighbourhood took for units a later one no longer
//! needs, or one that closing a lane-day did not come to rely on.

use super::plan_state::State;
use crate::check::TOLERANCE;
use crate::plan::{Plan, Transfer, TransferKey};
use crate::scenario::domain::{Day, Scenario};
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

/// `plan` with the lane-days that only transfers use closed where that pays, then the
/// expedites nobody needs dropped; `None` when neither could be.
pub fn consolidate(s: &Scenario, plan: &Plan) -> Option<Closed> {
    let only = transfers_only(s, plan);
    if only.is_empty() && plan.expedited.is_empty() {
        return None;
    }
    let skus: BTreeSet<SkuIx> = only
        .values()
        .flatten()
        .map(|&i| plan.transfers[i].sku)
        .chain(plan.expedited.iter().map(|&r| s.inbound[r.ix()].sku))
        .collect();
    let mut st = State::of(s, plan, &skus);
    let mut into: HashMap<NodeIx, Vec<LaneIx>> = HashMap::new();
    for (l, lane) in s.lanes.iter().enumerate() {
        if lane.carries_transfers && s.node(lane.from).holds_stock() {
            into.entry(lane.to).or_default().push(LaneIx::new(l));
        }
    }
    // The lightest lane-days first: their transfers fit onto the others most easily.
    let mut candidates: Vec<((LaneIx, Day), Vec<usize>)> = only.into_iter().collect();
    let load = |ids: &[usize]| ids.iter().map(|&i| plan.transfers[i].quantity).sum::<f64>();
    candidates.sort_by(|a, b| load(&a.1).total_cmp(&load(&b.1)));
    let mut placed: HashMap<usize, Place> = HashMap::new();
    let mut lane_days = 0;
    // Lane-days that took another's transfers: closing them would have to move those too.
    let mut kept: BTreeSet<(LaneIx, Day)> = BTreeSet::new();
    for ((l, d), ids) in candidates {
        if kept.contains(&(l, d)) {
            continue;
        }
        let mut moves: Vec<(usize, Place)> = Vec::new();
        let mut gain = s.lane(l).fixed_cost_per_day;
        for &i in &ids {
            let t = &plan.transfers[i];
            let Some(to) = place(s, &mut st, &into, t) else {
                break;
            };
            gain -= t.quantity * (cost(s, to) - s.lane(l).cost_per_unit);
            moves.push((i, to));
        }
        if moves.len() == ids.len() && gain > 1e-9 {
            kept.extend(moves.iter().filter_map(|m| m.1));
            placed.extend(moves);
            lane_days += 1;
        } else {
            for &(i, to) in moves.iter().rev() {
                let t = &plan.transfers[i];
                if let Some((l2, d2)) = to {
                    carry(s, &mut st, l2, d2, t.sku, -t.quantity);
                }
                carry(s, &mut st, t.lane, t.ship, t.sku, t.quantity);
            }
        }
    }
    let dropped = unneeded_expedites(s, &mut st, plan);
    if placed.is_empty() && dropped.is_empty() {
        return None;
    }
    let mut out = rebuilt(plan, &placed);
    out.expedited.retain(|r| !dropped.contains(r));
    Some(Closed {
        plan: out,
        lane_days,
        expedites: dropped.len(),
    })
}

/// The transfers of each charged lane-day that no shipment of `plan` uses, by lane-day.
fn transfers_only(s: &Scenario, plan: &Plan) -> BTreeMap<(LaneIx, Day), Vec<usize>> {
    let h = s.horizon as usize;
    let within = |d: Day| (0..h as Day).contains(&d);
    let mut shipped = vec![vec![false; h]; s.lanes.len()];
    for x in plan.shipments.iter().filter(|x| x.quantity > 0.0) {
        if let (Some(l), true) = (x.lane, within(x.ship)) {
            shipped[l.ix()][x.ship as usize] = true;
        }
    }
    let mut only: BTreeMap<(LaneIx, Day), Vec<usize>> = BTreeMap::new();
    for (i, t) in plan.transfers.iter().enumerate() {
        if t.quantity > 0.0
            && within(t.ship)
            && s.lane(t.lane).fixed_cost_per_day > 0.0
            && !shipped[t.lane.ix()][t.ship as usize]
        {
            only.entry((t.lane, t.ship)).or_default().push(i);
        }
    }
    only
}

/// The expedites of `plan` whose units every balance in `st` can wait for until the
/// receipt's own eta, taken out of `st` one after another.
fn unneeded_expedites(s: &Scenario, st: &mut State, plan: &Plan) -> BTreeSet<InboundIx> {
    let mut dropped = BTreeSet::new();
    for &r in &plan.expedited {
        let x = &s.inbound[r.ix()];
        let (fast, slow) = (x.arrival(true), x.arrival(false));
        arrive(st, x.node, x.sku, x.quantity, fast, slow);
        if holds(st, x.node, x.sku) {
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
    carry(s, st, t.lane, t.ship, k, -q);
    if holds(st, lane.from, k) && holds(st, lane.to, k) {
        return Some(None);
    }
    let arrival = t.ship + Day::from(lane.lead_time);
    let mut targets: Vec<(LaneIx, Day)> = Vec::new();
    for &l2 in into.get(&lane.to).into_iter().flatten() {
        if s.transfer_forbidden(l2, k) {
            continue;
        }
        for d2 in 0..st.h as Day {
            let paid = st.lane_out[l2.ix()][d2 as usize] > TOLERANCE;
            if paid
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
        carry(s, st, l2, d2, k, q);
        if holds(st, lane.from, k) && holds(st, lane.to, k) && holds(st, s.lane(l2).from, k) {
            return Some(Some((l2, d2)));
        }
        carry(s, st, l2, d2, k, -q);
    }
    carry(s, st, t.lane, t.ship, k, q);
    None
}

/// `q` more units of `k` (fewer when negative) transferred on lane `l` leaving on day `d`:
/// its source's balance from `d` on, its destination's from the arrival on (when within
/// the horizon), and the units leaving the node-day and lane-day.
fn carry(s: &Scenario, st: &mut State, l: LaneIx, d: Day, k: SkuIx, q: f64) {
    let lane = s.lane(l);
    st.shift(lane.from, k, d, -q);
    st.node_out[lane.from.ix()][d as usize] += q;
    st.lane_out[l.ix()][d as usize] += q;
    let arrival = d + Day::from(lane.lead_time);
    if (arrival as usize) < st.h {
        st.shift(lane.to, k, arrival, q);
    }
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

/// Whether `n`'s balance of `k` is at or above zero on every day.
fn holds(st: &State, n: NodeIx, k: SkuIx) -> bool {
    st.stock
        .get(&(n, k))
        .is_none_or(|b| b.iter().all(|&x| x >= -TOLERANCE))
}

/// `plan` with each transfer in `placed` taken off its lane-day and, unless dropped, merged
/// into the transfer of the same lane, SKU and day (or added after the others).
fn rebuilt(plan: &Plan, placed: &HashMap<usize, Place>) -> Plan {
    let mut out = plan.clone();
    out.transfers = plan
        .transfers
        .iter()
        .enumerate()
        .filter(|(i, _)| !placed.contains_key(i))
        .map(|(_, t)| *t)
        .collect();
    let mut at: HashMap<TransferKey, usize> = out
        .transfers
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.lane, t.sku, t.ship), i))
        .collect();
    let mut moved: Vec<(&usize, &Place)> = placed.iter().collect();
    moved.sort();
    for (&i, &to) in moved {
        let Some((lane, ship)) = to else { continue };
        let t = plan.transfers[i];
        match at.get(&(lane, t.sku, ship)) {
            Some(&j) => out.transfers[j].quantity += t.quantity,
            None => {
                at.insert((lane, t.sku, ship), out.transfers.len());
                out.transfers.push(Transfer { lane, ship, ..t });
            }
        }
    }
    out
}
