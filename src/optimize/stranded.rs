//! Stock a plan leaves unused, sent to its short order lines over chains of transfers of any
//! length (`models/neighbourhoods.md`, "Stranded stock").
//!
//! A neighbourhood's transfers reach at most [`super::neighbourhoods`]' three lanes, and
//! on the generated large networks the stock that short lines could use often sits four to
//! twelve lanes away. This pass works on the plan's own state: the stock each pair can give
//! up on a day without going below zero on any later day, and the capacity each node-day and
//! lane-day has left. For each short line, costliest shortage first, it finds the earliest
//! arrival at the line's destination from any stock that can be given up (a search over days
//! and transfer lanes), and adds that chain of transfers and the final shipment when the
//! penalty it saves exceeds what it costs (transport, lateness, any lane-day charge it
//! switches on). The lines no chain served may then take units that an order cheaper to
//! leave short ships of the same SKU from a node serving their destination, on the same day
//! (the same units leave the same node-day), or from any node on a chain of transfers (the
//! donor's units stay at its node from its day on). Every movement it adds respects the rules it
//! can see (outages, departure days, capacities, `forbid`, `max_sources`), and the caller
//! checks the whole plan.

use super::plan_state::State;
use crate::check::Evaluation;
use crate::plan::{Plan, Shipment, Transfer};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::{BTreeSet, HashMap};

/// The lanes a chain can take: per node, the transfer lanes leaving it; per (node,
/// destination), the lanes between them.
struct Lanes {
    transfers: Vec<Vec<LaneIx>>,
    between: HashMap<(NodeIx, NodeIx), Vec<LaneIx>>,
    /// Per destination, the stock nodes that can ship to it (itself when it holds stock).
    into: HashMap<NodeIx, BTreeSet<NodeIx>>,
}

impl Lanes {
    fn of(s: &Scenario) -> Lanes {
        let mut transfers = vec![Vec::new(); s.nodes.len()];
        let mut between: HashMap<(NodeIx, NodeIx), Vec<LaneIx>> = HashMap::new();
        for (l, lane) in s.lanes.iter().enumerate() {
            let l = LaneIx::new(l);
            if lane.carries_transfers && s.node(lane.from).holds_stock() {
                transfers[lane.from.ix()].push(l);
            }
            between.entry((lane.from, lane.to)).or_default().push(l);
        }
        let mut into: HashMap<NodeIx, BTreeSet<NodeIx>> = HashMap::new();
        for (n, node) in s.nodes.iter().enumerate() {
            if node.holds_stock() {
                into.entry(NodeIx::new(n))
                    .or_default()
                    .insert(NodeIx::new(n));
            }
        }
        for &(from, to) in between.keys() {
            if s.node(from).holds_stock() {
                into.entry(to).or_default().insert(from);
            }
        }
        Lanes {
            transfers,
            between,
            into,
        }
    }
}

/// The earliest day a unit that can be given up can be at a node, the stock node it comes
/// from, and the transfer (lane, departure) that brought it there (none at its source).
type Label = (Day, NodeIx, Option<(LaneIx, Day)>);

/// Short lines, costliest shortage first: (order, SKU, units short).
type Short = [(OrderIx, SkuIx, f64)];

/// What the donor passes change: the state, the plan being built, and each order's sources.
struct Work {
    st: State,
    out: Plan,
    sources: Vec<BTreeSet<NodeIx>>,
}

/// Units shipped per order line in `plan`.
fn shipped(plan: &Plan) -> HashMap<(OrderIx, SkuIx), f64> {
    let mut shipped: HashMap<(OrderIx, SkuIx), f64> = HashMap::new();
    for x in &plan.shipments {
        *shipped.entry((x.order, x.sku)).or_default() += x.quantity;
    }
    shipped
}

/// Units line `(o, k)` still lacks, given `shipped` ([`shipped`]).
fn still_short(
    s: &Scenario,
    shipped: &HashMap<(OrderIx, SkuIx), f64>,
    (o, k): (OrderIx, SkuIx),
) -> f64 {
    let line = s.order(o).line_quantity(k).unwrap_or(0.0);
    line - shipped.get(&(o, k)).copied().unwrap_or(0.0)
}

/// `q` as a quantity the policy allows: whole units when it asks for them.
fn whole(s: &Scenario, q: f64) -> f64 {
    if s.policy.integer_quantities {
        q.floor()
    } else {
        q
    }
}

/// Whether shipment `x` may give units to order `o`: another order's, still shipping
/// something, and its order may ship part (not frozen, not ship-complete).
fn may_give(s: &Scenario, x: &Shipment, o: OrderIx) -> bool {
    let giver = s.order(x.order);
    x.order != o && x.quantity > 1e-9 && !giver.frozen && giver.allow_partial
}

/// A chain: transfers (lane, departure) in order, then the shipment (node, lane, departure).
struct Chain {
    source: NodeIx,
    transfers: Vec<(LaneIx, Day)>,
    ship: (NodeIx, Option<LaneIx>, Day),
    arrival: Day,
}

/// `plan` with short lines served from stock it leaves unused, then from orders cheaper to
/// leave short; `None` when nothing pays.
pub fn route(s: &Scenario, plan: &Plan, eval: &Evaluation) -> Option<Plan> {
    let lines = short_lines(s, eval);
    if lines.is_empty() {
        return None;
    }
    let skus: BTreeSet<SkuIx> = lines.iter().map(|l| l.1).collect();
    let mut st = State::of(s, plan, &skus);
    let mut sources: Vec<BTreeSet<NodeIx>> = vec![BTreeSet::new(); s.orders.len()];
    for x in plan.shipments.iter().filter(|x| x.quantity > 0.0) {
        sources[x.order.ix()].insert(x.node);
    }
    let lanes = Lanes::of(s);
    let mut out = plan.clone();
    let mut routed = false;
    for &(o, k, short) in &lines {
        let mut need = short;
        // A few chains per line: each takes what its source and its tightest capacity allow.
        for _ in 0..4 {
            let Some(chain) = earliest(s, &st, &lanes, (o, k), &sources[o.ix()], None) else {
                break;
            };
            let q = whole(s, st.room(s, &chain, k).min(need));
            if q <= 1e-9 || gain(s, &st, o, &chain, q) <= 0.0 {
                break;
            }
            st.apply(s, &chain, k, q);
            push(&mut out, o, k, &chain, q);
            routed = true;
            sources[o.ix()].insert(chain.ship.0);
            need -= q;
            if need <= 1e-9 {
                break;
            }
        }
    }
    let mut w = Work { st, out, sources };
    let taken = take_from_cheaper(s, &lanes, &mut w, &lines);
    let moved = take_over_transfers(s, &lanes, &mut w, &lines);
    (routed || taken || moved).then_some(w.out)
}

/// The short lines no chain served, given units a cheaper order ships of the same SKU from a
/// node with a lane to their destination, on the same day: the same units leave the same
/// node-day, so stock and node capacity are as they were; the recipient's lane-day must
/// have room. Taken when the recipient's penalty saved exceeds the donor's penalty added,
/// the transport and lateness change, a change penalty where the donor's units were planned,
/// and the charge of a lane-day first used. Whether any was taken.
fn take_from_cheaper(s: &Scenario, lanes: &Lanes, w: &mut Work, lines: &Short) -> bool {
    let mut shipped = shipped(&w.out);
    let mut at: HashMap<(SkuIx, NodeIx), Vec<usize>> = HashMap::new();
    for (i, x) in w.out.shipments.iter().enumerate() {
        at.entry((x.sku, x.node)).or_default().push(i);
    }
    let mut taken = false;
    for &(o, k, _) in lines {
        let order = s.order(o);
        let mut need = still_short(s, &shipped, (o, k));
        let mut donors: Vec<usize> = lanes
            .into
            .get(&order.destination)
            .into_iter()
            .flatten()
            .flat_map(|&m| at.get(&(k, m)).into_iter().flatten().copied())
            .collect();
        donors.sort_unstable();
        donors.dedup();
        for i in donors {
            if need <= 1e-9 {
                break;
            }
            let x = w.out.shipments[i];
            if !may_give(s, &x, o) {
                continue;
            }
            let Some((lane, q, gain)) = swap(s, &w.st, lanes, (o, k), &x, need, &w.sources[o.ix()])
            else {
                continue;
            };
            if gain <= 0.0 {
                continue;
            }
            w.out.shipments[i].quantity -= q;
            if let Some(l) = x.lane {
                w.st.lane_out[l.ix()][x.ship as usize] -= q;
            }
            if let Some(l) = lane {
                w.st.lane_out[l.ix()][x.ship as usize] += q;
            }
            w.out.shipments.push(Shipment {
                order: o,
                sku: k,
                node: x.node,
                lane,
                ship: x.ship,
                quantity: q,
            });
            *shipped.entry((o, k)).or_default() += q;
            w.sources[o.ix()].insert(x.node);
            need -= q;
            taken = true;
        }
    }
    w.out.shipments.retain(|x| x.quantity > 1e-9);
    taken
}

/// The best way for line `(o, k)` to take units of donor shipment `x`: the lane from `x`'s
/// node to `o`'s destination departing on `x`'s day (or local), the units, and the gain.
fn swap(
    s: &Scenario,
    st: &State,
    lanes: &Lanes,
    (o, k): (OrderIx, SkuIx),
    x: &Shipment,
    need: f64,
    sources: &BTreeSet<NodeIx>,
) -> Option<(Option<LaneIx>, f64, f64)> {
    let order = s.order(o);
    let d = x.ship;
    if d < 0 || d as usize >= st.h {
        return None;
    }
    if order
        .max_sources
        .is_some_and(|m| !sources.contains(&x.node) && sources.len() as u32 >= m)
    {
        return None;
    }
    let per_unit_given = given_up(s, k, x);
    let finals = lanes
        .between
        .get(&(x.node, order.destination))
        .into_iter()
        .flatten()
        .map(|&l| Some(l))
        .chain((x.node == order.destination).then_some(None));
    let mut best: Option<(Option<LaneIx>, f64, f64)> = None;
    for lane in finals {
        if s.shipment_forbidden(o, k, x.node, lane) {
            continue;
        }
        let room = match lane {
            Some(l) if Some(l) == x.lane => f64::INFINITY,
            Some(l) => st.lane_room(s, l, d),
            None => f64::INFINITY,
        };
        let q = whole(s, need.min(x.quantity).min(room));
        if q <= 1e-9 {
            continue;
        }
        let (c, lead) = lane_cost(s, lane);
        let late = (d + lead - order.due).max(0) as f64;
        let per_unit = order.short_penalty_per_unit - order.late_penalty_per_unit_day * late - c;
        let charge = lane.map_or(0.0, |l| st.charge(s, l, d));
        let gain = q * (per_unit - per_unit_given) - charge;
        if best.is_none_or(|b| gain > b.2) {
            best = Some((lane, q, gain));
        }
    }
    best
}

/// The short lines of orders that may ship part of a line (not frozen, not ship-complete),
/// costliest shortage first: (order, SKU, units short).
fn short_lines(s: &Scenario, eval: &Evaluation) -> Vec<(OrderIx, SkuIx, f64)> {
    let mut lines: Vec<(OrderIx, SkuIx, f64)> = Vec::new();
    for (i, o) in s.orders.iter().enumerate() {
        if o.frozen || !o.allow_partial {
            continue;
        }
        for (line, shipped) in o.lines.iter().zip(&eval.orders[i].shipped) {
            let short = line.quantity - shipped;
            if short > 1e-9 {
                lines.push((OrderIx::new(i), line.sku, short));
            }
        }
    }
    let pen = |o: OrderIx| s.order(o).short_penalty_per_unit;
    lines.sort_by(|a, b| pen(b.0).total_cmp(&pen(a.0)).then(a.0.cmp(&b.0)));
    lines
}

impl State {
    /// Units `chain` can carry: its source's stock and every capacity on its way.
    fn room(&self, s: &Scenario, chain: &Chain, k: SkuIx) -> f64 {
        let first = chain.transfers.first().map_or(chain.ship.2, |t| t.1);
        self.free(chain.source, k, first)
            .min(self.carries(s, chain))
    }

    /// Units every node-day and lane-day on `chain` has room for.
    fn carries(&self, s: &Scenario, chain: &Chain) -> f64 {
        let mut q = f64::INFINITY;
        for &(l, d) in &chain.transfers {
            q = q
                .min(self.node_room(s, s.lane(l).from, d))
                .min(self.lane_room(s, l, d));
        }
        let (m, lane, d) = chain.ship;
        q = q.min(self.node_room(s, m, d));
        if let Some(l) = lane {
            q = q.min(self.lane_room(s, l, d));
        }
        q
    }

    fn apply(&mut self, s: &Scenario, chain: &Chain, k: SkuIx, q: f64) {
        for &(l, d) in &chain.transfers {
            self.transfer(s, l, d, k, q);
        }
        let (m, lane, d) = chain.ship;
        self.ship(m, lane, k, d, q);
    }
}

/// The penalty `q` units on `chain` save for order `o`, less what they cost: transport,
/// lateness, and the charge of every lane-day they are the first to use.
fn gain(s: &Scenario, st: &State, o: OrderIx, chain: &Chain, q: f64) -> f64 {
    let order = s.order(o);
    let late = (chain.arrival - order.due).max(0) as f64;
    let mut per_unit = order.short_penalty_per_unit - order.late_penalty_per_unit_day * late;
    let mut charges = 0.0;
    let lanes = chain
        .transfers
        .iter()
        .copied()
        .chain(chain.ship.1.map(|l| (l, chain.ship.2)));
    for (l, d) in lanes {
        let lane = s.lane(l);
        per_unit -= lane.cost_per_unit;
        charges += st.charge(s, l, d);
    }
    q * per_unit - charges
}

/// The chain that brings `k` to `o`'s destination earliest from stock that can be given
/// up, over transfer lanes with room on their days and a final shipment the order may take.
fn earliest(
    s: &Scenario,
    st: &State,
    lanes: &Lanes,
    (o, k): (OrderIx, SkuIx),
    sources: &BTreeSet<NodeIx>,
    start: Option<(NodeIx, Day)>,
) -> Option<Chain> {
    let mut label = first_labels(s, st, k, start);
    set_labels(s, st, lanes, k, &mut label);
    let (arrival, m, lane, d) = best_final(s, st, lanes, (o, k), sources, &label)?;
    let mut transfers = Vec::new();
    let mut v = m;
    while let Some((_, _, Some((l, dep)))) = label[v.ix()] {
        transfers.push((l, dep));
        v = s.lane(l).from;
    }
    transfers.reverse();
    Some(Chain {
        source: v,
        transfers,
        ship: (m, lane, d),
        arrival,
    })
}

/// The search's first labels: `start` alone when given, else each node holding `k` at the
/// first day it has a unit of `k` that can be given up.
fn first_labels(
    s: &Scenario,
    st: &State,
    k: SkuIx,
    start: Option<(NodeIx, Day)>,
) -> Vec<Option<Label>> {
    let h = st.h as Day;
    let mut label: Vec<Option<Label>> = vec![None; s.nodes.len()];
    if let Some((v, d)) = start {
        label[v.ix()] = Some((d, v, None));
    }
    for &v in st
        .at
        .get(&k)
        .into_iter()
        .flatten()
        .filter(|_| start.is_none())
    {
        if let Some(d) = (0..h).find(|&d| st.free(v, k, d) > 1e-9) {
            if label[v.ix()].is_none_or(|x| d < x.0) {
                label[v.ix()] = Some((d, v, None));
            }
        }
    }
    label
}

/// Label setting from `label`: each node's label becomes the earliest day a unit of `k`
/// can be there, over transfer lanes with room on their days, with the lane it came by.
fn set_labels(s: &Scenario, st: &State, lanes: &Lanes, k: SkuIx, label: &mut [Option<Label>]) {
    let h = st.h as Day;
    let n = s.nodes.len();
    let mut done = vec![false; n];
    loop {
        let next = (0..n)
            .filter(|&v| !done[v])
            .filter_map(|v| label[v].map(|x| (x.0, v)))
            .min();
        let Some((a, v)) = next else { break };
        done[v] = true;
        let (_, src, _) = label[v].expect("labelled");
        for &l in &lanes.transfers[v] {
            let lane = s.lane(l);
            if s.transfer_forbidden(l, k) {
                continue;
            }
            let reach = (a..h)
                .find(|&d| st.node_room(s, lane.from, d) >= 1.0 && st.lane_room(s, l, d) >= 1.0)
                .map(|d| (d, d + Day::from(lane.lead_time)))
                .filter(|&(_, arr)| arr < h);
            if let Some((d, arr)) = reach {
                let w = lane.to.ix();
                if !done[w] && label[w].is_none_or(|x| arr < x.0) {
                    label[w] = Some((arr, src, Some((l, d))));
                }
            }
        }
    }
}

/// The final shipment of `k` to `o`'s destination that arrives first from a labelled node
/// the order may ship from: (arrival, node, lane, ship day).
fn best_final(
    s: &Scenario,
    st: &State,
    lanes: &Lanes,
    (o, k): (OrderIx, SkuIx),
    sources: &BTreeSet<NodeIx>,
    label: &[Option<Label>],
) -> Option<(Day, NodeIx, Option<LaneIx>, Day)> {
    let h = st.h as Day;
    let order = s.order(o);
    let may_add = order.max_sources.is_none_or(|m| (sources.len() as u32) < m);
    let mut best: Option<(Day, NodeIx, Option<LaneIx>, Day)> = None;
    for (v, lab) in label.iter().enumerate() {
        let Some((a, _, _)) = *lab else { continue };
        let m = NodeIx::new(v);
        if !may_add && !sources.contains(&m) {
            continue;
        }
        let finals = lanes
            .between
            .get(&(m, order.destination))
            .into_iter()
            .flatten()
            .map(|&l| (Some(l), Day::from(s.lane(l).lead_time)))
            .chain((m == order.destination).then_some((None, 0)));
        for (lane, lead) in finals {
            if s.shipment_forbidden(o, k, m, lane) {
                continue;
            }
            let day = (a..h).find(|&d| {
                st.node_room(s, m, d) >= 1.0 && lane.is_none_or(|l| st.lane_room(s, l, d) >= 1.0)
            });
            if let Some(d) = day {
                if best.is_none_or(|b| d + lead < b.0) {
                    best = Some((d + lead, m, lane, d));
                }
            }
        }
    }
    best
}

fn push(out: &mut Plan, o: OrderIx, k: SkuIx, chain: &Chain, q: f64) {
    for &(lane, ship) in &chain.transfers {
        out.transfers.push(Transfer {
            lane,
            sku: k,
            ship,
            quantity: q,
        });
    }
    let (node, lane, ship) = chain.ship;
    out.shipments.push(Shipment {
        order: o,
        sku: k,
        node,
        lane,
        ship,
        quantity: q,
    });
}

/// A lane's cost per unit and lead time; a local shipment's are 0.
fn lane_cost(s: &Scenario, lane: Option<LaneIx>) -> (f64, Day) {
    lane.map_or((0.0, 0), |l| {
        (s.lane(l).cost_per_unit, Day::from(s.lane(l).lead_time))
    })
}

/// What each unit of shipment `x` (of SKU `k`) its order gives up costs that order: its
/// shortage and a change penalty where the units were planned, less the transport and
/// lateness it no longer pays.
fn given_up(s: &Scenario, k: SkuIx, x: &Shipment) -> f64 {
    let giver = s.order(x.order);
    let d = x.ship;
    let planned = giver
        .plan
        .iter()
        .any(|e| e.sku == k && e.node == x.node && e.lane == x.lane && Day::from(e.ship) == d);
    let change = if planned {
        s.policy.change_penalty_per_unit
    } else {
        0.0
    };
    let (cost, lead) = lane_cost(s, x.lane);
    let late = (d + lead - giver.due).max(0) as f64;
    giver.short_penalty_per_unit + change - cost - giver.late_penalty_per_unit_day * late
}

/// The short lines still short given units a cheaper order ships of their SKU from a node
/// that does not serve them, carried over a chain of transfers: the donor's shipment gives
/// its units back to its node from its day on, and the earliest chain from there takes them.
/// Taken on the same terms as a same-day swap, with the chain's transport and charges.
/// Whether any was taken.
fn take_over_transfers(s: &Scenario, lanes: &Lanes, w: &mut Work, lines: &Short) -> bool {
    let mut shipped = shipped(&w.out);
    let mut of_sku: HashMap<SkuIx, Vec<usize>> = HashMap::new();
    for (i, x) in w.out.shipments.iter().enumerate() {
        of_sku.entry(x.sku).or_default().push(i);
    }
    let mut taken = false;
    for &(o, k, _) in lines {
        let order = s.order(o);
        let mut need = still_short(s, &shipped, (o, k));
        // The donors cheapest to leave short first.
        let mut donors: Vec<(f64, usize)> = of_sku
            .get(&k)
            .into_iter()
            .flatten()
            .filter(|&&i| {
                let x = &w.out.shipments[i];
                may_give(s, x, o)
                    && s.order(x.order).short_penalty_per_unit < order.short_penalty_per_unit
                    && (0..w.st.h as Day).contains(&x.ship)
            })
            .map(|&i| (given_up(s, k, &w.out.shipments[i]), i))
            .collect();
        donors.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (per_unit_given, i) in donors {
            if need <= 1e-9 {
                break;
            }
            let x = w.out.shipments[i];
            let start = Some((x.node, x.ship));
            let Some(chain) = earliest(s, &w.st, lanes, (o, k), &w.sources[o.ix()], start) else {
                continue;
            };
            let q = whole(s, need.min(x.quantity).min(w.st.carries(s, &chain)));
            if q <= 1e-9 || gain(s, &w.st, o, &chain, q) - q * per_unit_given <= 0.0 {
                continue;
            }
            w.st.release(&x, q);
            w.out.shipments[i].quantity -= q;
            w.st.apply(s, &chain, k, q);
            push(&mut w.out, o, k, &chain, q);
            *shipped.entry((o, k)).or_default() += q;
            w.sources[o.ix()].insert(chain.ship.0);
            need -= q;
            taken = true;
        }
    }
    w.out.shipments.retain(|x| x.quantity > 1e-9);
    taken
}
