//! Rules 1-7 of section 3, one function each. Every violation is reported (rule 4: the
//! first day each (node, sku) goes negative), in rule order and then in key order, so that
//! the output is deterministic.

use super::evaluation::Violation;
use super::merged::{moved, positive, FastMap, Merged};
use super::tolerance::{exceeds, is_whole, num, tolerance, TOLERANCE};
use crate::base::text::agree;
use crate::plan::{ShipmentKey, TransferKey};
use crate::scenario::domain::{Day, Forbid, Outage, Scenario};
use crate::scenario::ids::*;
use chrono::Datelike;
use std::collections::{BTreeMap, HashMap, HashSet};

pub(crate) fn check(s: &Scenario, m: &Merged) -> Vec<Violation> {
    let mut v = Vec::new();
    quantities_and_days(s, m, &mut v);
    routes(s, m, &mut v);
    outages(s, m, &mut v);
    stock_balance(s, m, &mut v);
    capacities(s, m, &mut v);
    sources(s, m, &mut v);
    frozen_and_forbidden(s, m, &mut v);
    v
}

/// "SKU-1 from DC-PAR via PAR-LYO-G on 2026-11-30" (or "... (local) on ...").
fn route(s: &Scenario, sku: SkuIx, node: NodeIx, lane: Option<LaneIx>, day: Day) -> String {
    let via = match lane {
        Some(l) => format!(" via {}", s.lane(l).id),
        None => " (local)".to_owned(),
    };
    format!(
        "{} from {}{via} on {}",
        s.sku(sku).id,
        s.node(node).id,
        s.date_string(day)
    )
}

/// "SO-1's shipment of 40 SKU-1 from DC-PAR via PAR-LYO-G on 2026-11-30".
fn shipment(s: &Scenario, k: &ShipmentKey, q: f64) -> String {
    let &(o, sku, node, lane, day) = k;
    format!(
        "{}'s shipment of {} {}",
        s.order(o).id,
        num(q),
        route(s, sku, node, lane, day)
    )
}

/// "transfer of 40 SKU-1 via PAR-LYS-G on 2026-11-28".
fn transfer(s: &Scenario, k: &TransferKey, q: f64) -> String {
    let &(lane, sku, day) = k;
    format!(
        "transfer of {} {} via {} on {}",
        num(q),
        s.sku(sku).id,
        s.lane(lane).id,
        s.date_string(day)
    )
}

fn in_horizon(s: &Scenario, day: Day) -> bool {
    (0..Day::from(s.horizon)).contains(&day)
}

/// Rule 1: signs, whole units, line quantities, ship-complete, days, expedite options.
fn quantities_and_days(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    movements(s, m, v);
    lines_not_exceeded(s, m, v);
    ship_complete(s, m, v);
    expedites_offered(s, m, v);
}

/// Rule 1 on each shipment and transfer: no negative or (under whole units) fractional
/// quantity, and nothing moved outside the horizon.
fn movements(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    let h = Day::from(s.horizon);
    let horizon = format!(
        "outside the horizon {} to {}",
        s.date_string(0),
        s.date_string(h - 1)
    );
    // `what` describes the movement; called only when there is something to report.
    let quantity = |what: &dyn Fn() -> String, q: f64, day: Day, v: &mut Vec<Violation>| {
        if q < -TOLERANCE {
            v.push(Violation::new(
                1,
                "negative_quantity",
                format!("{} has a negative quantity", what()),
            ));
        } else if s.policy.integer_quantities && !is_whole(q) {
            v.push(Violation::new(
                1,
                "fractional_quantity",
                format!("{} is not a whole number of units", what()),
            ));
        }
        if q.abs() > TOLERANCE && !in_horizon(s, day) {
            v.push(Violation::new(
                1,
                "day_outside_horizon",
                format!("{} leaves {horizon}", what()),
            ));
        }
    };
    for &(ref k, q) in &m.shipments {
        quantity(&|| shipment(s, k, q), q, k.4, v);
    }
    for &(ref k, q) in &m.transfers {
        quantity(&|| transfer(s, k, q), q, k.2, v);
    }
}

/// Rule 1 on each order's shipped total per SKU: no more than its line asks for, and
/// nothing of a SKU it has no line for.
fn lines_not_exceeded(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    for &(o, sku, q) in &m.shipped {
        let order = s.order(o);
        match order.line_quantity(sku) {
            Some(line) if exceeds(q, line) => v.push(Violation::new(
                1,
                "line_exceeded",
                format!(
                    "{} ships {} {} but its line asks for {}",
                    order.id,
                    num(q),
                    s.sku(sku).id,
                    num(line)
                ),
            )),
            None if positive(q) => v.push(Violation::new(
                1,
                "line_exceeded",
                format!(
                    "{} ships {} {} but has no line for that SKU",
                    order.id,
                    num(q),
                    s.sku(sku).id
                ),
            )),
            _ => {}
        }
    }
}

/// Rule 1 on each order that may not ship in part: every line in full, or nothing.
fn ship_complete(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    for (i, order) in s.orders.iter().enumerate() {
        if order.allow_partial {
            continue;
        }
        let o = OrderIx::new(i);
        let shipped: Vec<f64> = order.lines.iter().map(|l| m.shipped(o, l.sku)).collect();
        let nothing = shipped.iter().all(|&q| !positive(q));
        let full = order
            .lines
            .iter()
            .zip(&shipped)
            .all(|(l, &q)| !exceeds(l.quantity, q));
        if !nothing && !full {
            let lines: Vec<String> = order
                .lines
                .iter()
                .zip(&shipped)
                .map(|(l, &q)| format!("{} of {} {}", num(q), num(l.quantity), s.sku(l.sku).id))
                .collect();
            v.push(Violation::new(
                1,
                "incomplete_ship_complete",
                format!(
                    "{} must ship every line in full or nothing (allow_partial: false) but ships {}",
                    order.id,
                    lines.join(", ")
                ),
            ));
        }
    }
}

/// Rule 1 on each expedited inbound receipt: it has an expedite option.
fn expedites_offered(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    for &i in &m.expedited {
        let r = s.inbound(i);
        if r.expedite.is_some() {
            continue;
        }
        let why = if r.cancelled {
            "was cancelled, so it cannot be expedited"
        } else {
            "has no expedite option"
        };
        v.push(Violation::new(
            1,
            "expedite_unavailable",
            format!("inbound {} is expedited but {why}", r.id),
        ));
    }
}

/// Rule 2: lanes join the right nodes; sources hold stock.
fn routes(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    for &(ref k, q) in &m.shipments {
        if !positive(q) {
            continue;
        }
        let &(o, _, node, lane, _) = k;
        let order = s.order(o);
        let dest = &s.node(order.destination).id;
        match lane {
            Some(l) => {
                let lane = s.lane(l);
                if lane.from != node || lane.to != order.destination {
                    v.push(Violation::new(
                        2,
                        "lane_mismatch",
                        format!(
                            "{} uses lane {}, which runs {} -> {}, not {} -> {dest}",
                            shipment(s, k, q),
                            lane.id,
                            s.node(lane.from).id,
                            s.node(lane.to).id,
                            s.node(node).id
                        ),
                    ));
                }
            }
            None if node != order.destination => v.push(Violation::new(
                2,
                "local_not_at_destination",
                format!(
                    "{} has no lane, but {} is not the order's destination {dest}",
                    shipment(s, k, q),
                    s.node(node).id
                ),
            )),
            None => {}
        }
        if !s.node(node).holds_stock() {
            v.push(Violation::new(
                2,
                "source_holds_no_stock",
                format!(
                    "{} leaves {}, which holds no stock",
                    shipment(s, k, q),
                    s.node(node).id
                ),
            ));
        }
    }
    for &(ref k, q) in &m.transfers {
        if !positive(q) {
            continue;
        }
        let lane = s.lane(k.0);
        let empty = if !s.node(lane.from).holds_stock() {
            Some(lane.from)
        } else if !lane.carries_transfers {
            Some(lane.to)
        } else {
            None
        };
        if let Some(n) = empty {
            v.push(Violation::new(
                2,
                "transfer_lane_invalid",
                format!(
                    "{} runs {} -> {}, but {} holds no stock",
                    transfer(s, k, q),
                    s.node(lane.from).id,
                    s.node(lane.to).id,
                    s.node(n).id
                ),
            ));
        }
    }
}

/// The labels of the outages covering `day` ("disruptions\[3\] node_outage at DC-LYS from ...
/// until ..."), `None` when none does.
fn outage_reason(s: &Scenario, outages: &[Outage], day: Day) -> Option<String> {
    let labels: Vec<&str> = outages
        .iter()
        .filter(|o| o.covers(day))
        .map(|o| s.disruptions[o.disruption.ix()].label.as_str())
        .collect();
    (!labels.is_empty()).then(|| labels.join("; "))
}

fn node_closed(
    s: &Scenario,
    node: NodeIx,
    day: Day,
    what: impl Fn() -> String,
) -> Option<Violation> {
    let n = s.node(node);
    if !in_horizon(s, day) || !n.holds_stock() || n.is_open(day) {
        return None;
    }
    let why = outage_reason(s, &n.outages, day).unwrap_or_else(|| "closed".to_owned());
    Some(Violation::new(
        3,
        "node_closed",
        format!("{} leaves {} on a day it is closed ({why})", what(), n.id),
    ))
}

fn lane_closed(
    s: &Scenario,
    lane: LaneIx,
    day: Day,
    what: impl Fn() -> String,
) -> Option<Violation> {
    let l = s.lane(lane);
    if !in_horizon(s, day) || l.departs_on(day) {
        return None;
    }
    let why = outage_reason(s, &l.outages, day)
        .unwrap_or_else(|| format!("{} is not one of its departure days", s.date(day).weekday()));
    Some(Violation::new(
        3,
        "lane_not_departing",
        format!("{}, but {} does not depart that day ({why})", what(), l.id),
    ))
}

/// Rule 3: node outages (local shipments too), lane outages and departure days.
fn outages(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    for &(ref k, q) in &m.shipments {
        if !positive(q) {
            continue;
        }
        let &(_, _, node, lane, day) = k;
        v.extend(node_closed(s, node, day, || shipment(s, k, q)));
        if let Some(l) = lane {
            v.extend(lane_closed(s, l, day, || shipment(s, k, q)));
        }
    }
    for &(ref k, q) in &m.transfers {
        if !positive(q) {
            continue;
        }
        let &(lane, _, day) = k;
        v.extend(node_closed(s, s.lane(lane).from, day, || transfer(s, k, q)));
        v.extend(lane_closed(s, lane, day, || transfer(s, k, q)));
    }
}

/// Rule 4: per stock-holding (node, sku), the balance never goes below zero on days 0..H-1.
/// Only pairs with an outflow can go negative, so only those are followed: O(plan +
/// receipts + pairs x H).
fn stock_balance(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    let h = s.horizon as usize;
    // Per (node, sku): net change per day, and the gross volume (for the tolerance).
    let mut flows: FastMap<(NodeIx, SkuIx), (Vec<f64>, f64)> = FastMap::default();
    let mut leave = |node: NodeIx, sku: SkuIx, day: Day, q: f64| {
        if q == 0.0 || day >= h as Day || !s.node(node).holds_stock() {
            return;
        }
        let e = flows
            .entry((node, sku))
            .or_insert_with(|| (vec![0.0; h], 0.0));
        e.0[day.max(0) as usize] -= q;
        e.1 += q;
    };
    for &((_, sku, node, _, day), q) in &m.shipments {
        leave(node, sku, day, moved(q));
    }
    for &((lane, sku, day), q) in &m.transfers {
        leave(s.lane(lane).from, sku, day, moved(q));
    }
    let mut arrive = |node: NodeIx, sku: SkuIx, day: Day, q: f64| {
        if let Some(e) = flows.get_mut(&(node, sku)) {
            if day < h as Day {
                e.0[day.max(0) as usize] += q;
                e.1 += q;
            }
        }
    };
    for &((lane, sku, day), q) in &m.transfers {
        let l = s.lane(lane);
        arrive(l.to, sku, day + Day::from(l.lead_time), moved(q));
    }
    for (i, r) in s.inbound.iter().enumerate() {
        if let Some(day) = m.receipt_day(s, InboundIx::new(i)) {
            arrive(r.node, r.sku, Day::from(day), r.quantity);
        }
    }
    let mut pairs: Vec<_> = flows.into_iter().collect();
    pairs.sort_by_key(|(k, _)| *k);
    for ((node, sku), (deltas, gross)) in pairs {
        let mut balance = s.available_at_start(node, sku);
        let tol = tolerance(balance + gross);
        for (t, d) in deltas.iter().enumerate() {
            balance += d;
            if balance < -tol {
                v.push(Violation::new(
                    4,
                    "stock_negative",
                    format!(
                        "stock of {} at {} falls to {} on {}",
                        s.sku(sku).id,
                        s.node(node).id,
                        num(balance),
                        s.date_string(t as Day)
                    ),
                ));
                break;
            }
        }
    }
}

/// Rule 5: node ship capacity and lane capacity per day.
fn capacities(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    let mut nodes: Vec<_> = m
        .node_out
        .iter()
        .filter_map(|(&(n, day), &q)| {
            let node = s.node(n);
            let cap = node.ship_capacity_per_day.filter(|_| node.holds_stock())?;
            exceeds(q, cap).then_some((n, day, q, cap))
        })
        .collect();
    nodes.sort_by_key(|&(n, day, _, _)| (n, day));
    for (n, day, q, cap) in nodes {
        v.push(Violation::new(
            5,
            "node_capacity_exceeded",
            format!(
                "{} {} {} on {}, over its ship capacity of {} per day",
                num(q),
                agree(q, "unit leaves", "units leave"),
                s.node(n).id,
                s.date_string(day),
                num(cap)
            ),
        ));
    }
    let mut lanes: Vec<_> = m
        .lane_out
        .iter()
        .filter_map(|(&(l, day), &q)| {
            let cap = s.lane(l).capacity_per_day?;
            exceeds(q, cap).then_some((l, day, q, cap))
        })
        .collect();
    lanes.sort_by_key(|&(l, day, _, _)| (l, day));
    for (l, day, q, cap) in lanes {
        v.push(Violation::new(
            5,
            "lane_capacity_exceeded",
            format!(
                "{} {} on {} on {}, over its capacity of {} per day",
                num(q),
                agree(q, "unit departs", "units depart"),
                s.lane(l).id,
                s.date_string(day),
                num(cap)
            ),
        ));
    }
}

/// Rule 6: distinct source nodes per order.
fn sources(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    let mut by_order: BTreeMap<OrderIx, Vec<NodeIx>> = BTreeMap::new();
    for &((o, _, node, _, _), q) in &m.shipments {
        if positive(q) && s.order(o).max_sources.is_some() {
            by_order.entry(o).or_default().push(node);
        }
    }
    for (o, mut nodes) in by_order {
        nodes.sort();
        nodes.dedup();
        let order = s.order(o);
        let max = order.max_sources.unwrap_or(u32::MAX);
        if nodes.len() > max as usize {
            let mut ids: Vec<&str> = nodes.iter().map(|&n| s.node(n).id.as_str()).collect();
            ids.sort();
            v.push(Violation::new(
                6,
                "too_many_sources",
                format!(
                    "{} ships from {} nodes ({}), more than its max_sources of {max}",
                    order.id,
                    nodes.len(),
                    ids.join(", ")
                ),
            ));
        }
    }
}

/// Rule 7: frozen orders ship exactly their plan; nothing matches a `forbid` pattern.
fn frozen_and_forbidden(s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
    for (i, _) in s.orders.iter().enumerate().filter(|(_, o)| o.frozen) {
        frozen(s, m, OrderIx::new(i), v);
    }
    if s.policy.forbid.is_empty() {
        return;
    }
    let f = Forbidden::of(s);
    f.shipments(s, m, v);
    f.transfers(s, m, v);
    f.expedites(s, m, v);
}

/// Rule 7 on frozen order `o`: each merged key compared with the plan, then planned keys
/// not shipped.
fn frozen(s: &Scenario, m: &Merged, o: OrderIx, v: &mut Vec<Violation>) {
    let order = s.order(o);
    let mut planned: Vec<(ShipmentKey, f64)> = order
        .plan
        .iter()
        .map(|p| ((o, p.sku, p.node, p.lane, Day::from(p.ship)), p.quantity))
        .collect();
    planned.sort_by_key(|e| e.0);
    for &(ref k, q) in m.of_order(o) {
        let p = planned
            .binary_search_by(|(x, _)| x.cmp(k))
            .map_or(0.0, |j| planned[j].1);
        if (q - p).abs() > tolerance(q.abs().max(p.abs())) {
            v.push(Violation::new(
                7,
                "frozen_changed",
                format!(
                    "frozen order {} ships {} {} where its plan has {}",
                    order.id,
                    num(q),
                    route(s, k.1, k.2, k.3, k.4),
                    num(p)
                ),
            ));
        }
    }
    for &(ref k, p) in &planned {
        if positive(p) && m.get(k).is_none() {
            v.push(Violation::new(
                7,
                "frozen_changed",
                format!(
                    "frozen order {} does not ship its planned {} {}",
                    order.id,
                    num(p),
                    route(s, k.1, k.2, k.3, k.4)
                ),
            ));
        }
    }
}

/// A shipment pattern of `policy.forbid`: its index, then the SKU, node and lane it names
/// (`None`: any).
type ShipmentPattern = (usize, Option<SkuIx>, Option<NodeIx>, Option<Option<LaneIx>>);

/// The `forbid` patterns indexed by what they name, each with its index in the policy,
/// and the (order, sku, node, lane) of the current plans their exception keeps.
struct Forbidden {
    shipments: HashMap<OrderIx, Vec<ShipmentPattern>>,
    transfers: HashMap<LaneIx, Vec<(usize, Option<SkuIx>)>>,
    /// The first pattern naming each receipt.
    expedites: HashMap<InboundIx, usize>,
    /// The exception: a (sku, node, lane) of the order's current plan, on any day.
    kept: HashSet<(OrderIx, SkuIx, NodeIx, Option<LaneIx>)>,
}

/// How a violation of rule 7's `forbid` ends.
const REJECTED: &str = "a movement a person rejected";

impl Forbidden {
    fn of(s: &Scenario) -> Self {
        let mut shipments: HashMap<OrderIx, Vec<ShipmentPattern>> = HashMap::new();
        let mut transfers: HashMap<LaneIx, Vec<(usize, Option<SkuIx>)>> = HashMap::new();
        let mut expedites: HashMap<InboundIx, usize> = HashMap::new();
        for (i, f) in s.policy.forbid.iter().enumerate() {
            match *f {
                Forbid::Shipment {
                    order,
                    sku,
                    node,
                    lane,
                } => shipments
                    .entry(order)
                    .or_default()
                    .push((i, sku, node, lane)),
                Forbid::Transfer { lane, sku } => transfers.entry(lane).or_default().push((i, sku)),
                Forbid::ExpediteInbound(r) => {
                    expedites.entry(r).or_insert(i);
                }
            }
        }
        let mut kept: HashSet<(OrderIx, SkuIx, NodeIx, Option<LaneIx>)> = HashSet::new();
        for &o in shipments.keys() {
            for p in &s.order(o).plan {
                kept.insert((o, p.sku, p.node, p.lane));
            }
        }
        Forbidden {
            shipments,
            transfers,
            expedites,
            kept,
        }
    }

    /// Rule 7 on each shipment: it matches no pattern of its order, unless its plan keeps it.
    fn shipments(&self, s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
        for &(ref k, q) in &m.shipments {
            let &(o, sku, node, lane, _) = k;
            let Some(patterns) = self.shipments.get(&o) else {
                continue;
            };
            if !positive(q) || self.kept.contains(&(o, sku, node, lane)) {
                continue;
            }
            let hit = patterns.iter().find(|&&(_, ps, pn, pl)| {
                ps.is_none_or(|x| x == sku)
                    && pn.is_none_or(|x| x == node)
                    && pl.is_none_or(|x| x == lane)
            });
            if let Some(&(i, ..)) = hit {
                v.push(Violation::new(
                    7,
                    "forbidden_shipment",
                    format!(
                        "{} matches policy.forbid[{i}], {REJECTED}",
                        shipment(s, k, q)
                    ),
                ));
            }
        }
    }

    /// Rule 7 on each transfer: it matches no pattern of its lane.
    fn transfers(&self, s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
        for &(ref k, q) in &m.transfers {
            let &(lane, sku, _) = k;
            let Some(patterns) = self.transfers.get(&lane) else {
                continue;
            };
            if !positive(q) {
                continue;
            }
            if let Some(&(i, _)) = patterns
                .iter()
                .find(|&&(_, ps)| ps.is_none_or(|x| x == sku))
            {
                v.push(Violation::new(
                    7,
                    "forbidden_transfer",
                    format!(
                        "{} matches policy.forbid[{i}], {REJECTED}",
                        transfer(s, k, q)
                    ),
                ));
            }
        }
    }

    /// Rule 7 on each expedited receipt: no pattern names it.
    fn expedites(&self, s: &Scenario, m: &Merged, v: &mut Vec<Violation>) {
        for &r in &m.expedited {
            if let Some(&i) = self.expedites.get(&r) {
                v.push(Violation::new(
                    7,
                    "forbidden_expedite",
                    format!(
                        "expediting inbound {} matches policy.forbid[{i}], {REJECTED}",
                        s.inbound(r).id
                    ),
                ));
            }
        }
    }
}
