//! What a response does, as actions of the five kinds of SCENARIO.md section 5, each with
//! the function that approves it.
//!
//! Rules (also in `models/responses.md`), per order and SKU, comparing the order's
//! shipments before and after:
//! - a new (node, lane) from a node the order already ships from: `expedite_shipment` when
//!   the lane is faster than every lane it used from that node, else `reroute`;
//! - a new node while the order shipped that SKU from elsewhere: `reroute`;
//! - the same node and lane leaving earlier: `expedite_shipment`;
//! - units gained at a node (more on a lane it used, or its first stock of that SKU) and
//!   units given up there (less, later, or moved away) become one `reallocate` per
//!   (node, SKU): stock passes from the orders giving it up to those gaining it;
//! - every transfer key is a `transfer`, every expedited receipt an `expedite_inbound`.
//!
//! An order whose change fits none of these (it only ships later, to free a lane-day or
//! node-day) is a donor in a `reallocate` of that capacity.
//!
//! This module decides what each action is; `wording` writes its sentence.

use super::response::{Action, ActionKind};
use super::units::{Unit, UnitKind};
use super::wording;
use crate::plan::ShipmentKey;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::BTreeMap;

/// An order's shipment moved from `from` to `to` (node, lane, day).
fn shipment_action(
    s: &Scenario,
    kind: ActionKind,
    (o, sku, quantity): (OrderIx, SkuIx, f64),
    (from_node, from_lane, from_day): (NodeIx, Option<LaneIx>, Day),
    (to_node, to_lane, to_day): (NodeIx, Option<LaneIx>, Day),
) -> Action {
    let mut a = Action::new(kind);
    a.sku = Some(sku);
    a.quantity = quantity;
    a.orders = vec![o];
    a.from_node = Some(from_node);
    a.to_node = Some(to_node);
    a.from_lane = Some(from_lane);
    a.to_lane = Some(to_lane);
    a.from_day = Some(from_day);
    a.to_day = Some(to_day);
    a.text = wording::shipment(s, &a);
    a
}

fn lead(s: &Scenario, l: Option<LaneIx>) -> u32 {
    l.map_or(0, |l| s.lane(l).lead_time)
}

fn unit_cost(s: &Scenario, l: Option<LaneIx>) -> f64 {
    l.map_or(0.0, |l| s.lane(l).cost_per_unit)
}

/// Per (node, lane): units per ship day.
type Legs = BTreeMap<(NodeIx, Option<LaneIx>), BTreeMap<Day, f64>>;

fn legs(all: &BTreeMap<ShipmentKey, f64>, o: OrderIx, sku: SkuIx) -> Legs {
    let mut m: Legs = BTreeMap::new();
    let lo = (o, sku, NodeIx(0), None, Day::MIN);
    for (&(oo, kk, node, lane, day), &q) in all.range(lo..) {
        if oo != o || kk != sku {
            break;
        }
        if q > 1e-9 {
            *m.entry((node, lane)).or_default().entry(day).or_insert(0.0) += q;
        }
    }
    m
}

/// The orders in their first order of appearance, each once.
fn once(orders: impl Iterator<Item = OrderIx>) -> Vec<OrderIx> {
    let mut v: Vec<OrderIx> = Vec::new();
    for o in orders {
        if !v.contains(&o) {
            v.push(o);
        }
    }
    v
}

/// Units per day that `a` ships beyond `b`, in day order.
fn beyond(a: &BTreeMap<Day, f64>, b: &BTreeMap<Day, f64>) -> Vec<(Day, f64)> {
    a.iter()
        .map(|(&d, &q)| (d, q - b.get(&d).copied().unwrap_or(0.0)))
        .filter(|(_, q)| *q > 1e-9)
        .collect()
}

fn total(days: &BTreeMap<Day, f64>) -> f64 {
    days.values().sum()
}

fn first(days: &BTreeMap<Day, f64>) -> Day {
    days.keys().next().copied().unwrap_or(0)
}

/// Whether some units of the old quantity leave earlier: by some day, more of them have
/// left than before.
fn leaves_earlier(b: &BTreeMap<Day, f64>, p: &BTreeMap<Day, f64>) -> bool {
    let qb = total(b);
    let (mut cb, mut cp) = (0.0, 0.0);
    let days: std::collections::BTreeSet<Day> = b.keys().chain(p.keys()).copied().collect();
    days.into_iter().any(|d| {
        cb += b.get(&d).copied().unwrap_or(0.0);
        cp += p.get(&d).copied().unwrap_or(0.0);
        cp.min(qb) - cb > 1e-9
    })
}

/// Units that leave later than before, or not at all: the largest shortfall of the
/// cumulative quantity shipped by each day.
fn later(b: &BTreeMap<Day, f64>, p: &BTreeMap<Day, f64>) -> f64 {
    let (mut cb, mut cp, mut worst) = (0.0, 0.0, 0.0_f64);
    let days: std::collections::BTreeSet<Day> = b.keys().chain(p.keys()).copied().collect();
    for d in days {
        cb += b.get(&d).copied().unwrap_or(0.0);
        cp += p.get(&d).copied().unwrap_or(0.0);
        worst = worst.max(cb - cp);
    }
    worst
}

/// Per (node, SKU): the orders gaining units there (flagged when a reroute already
/// describes the gain) and the orders giving units up there, with how many of those units
/// no shipment action says are replaced.
type Flows = BTreeMap<(NodeIx, SkuIx), (Vec<(OrderIx, f64, bool)>, Vec<(OrderIx, f64, f64)>)>;

/// What the orders' changes give while they are read: the shipment actions and the stock
/// flows that become reallocations.
#[derive(Default)]
struct Found {
    actions: Vec<Action>,
    flows: Flows,
    /// Units of a route an order keeps that stay on it and only leave later: said by the
    /// shipment action that names the route, when one does ([`later_on_named_routes`]).
    later: Vec<Later>,
}

/// `units` of order `o`'s `sku` on (node, lane) that left on `from` and leave on `to`,
/// later.
struct Later {
    o: OrderIx,
    sku: SkuIx,
    node: NodeIx,
    lane: Option<LaneIx>,
    units: f64,
    from: Vec<(Day, f64)>,
    to: Vec<(Day, f64)>,
}

impl Found {
    /// `o` draws `units` more of `sku` at `node`; `rerouted` when a shipment action already
    /// says so.
    fn gains(&mut self, (node, sku): (NodeIx, SkuIx), o: OrderIx, units: f64, rerouted: bool) {
        let flows = self.flows.entry((node, sku)).or_default();
        flows.0.push((o, units, rerouted));
    }
}

/// The actions of response `k` (0-based), ids `R{k+1}.{i}` assigned by the caller's order.
pub fn classify(
    s: &Scenario,
    base: &BTreeMap<ShipmentKey, f64>,
    prop: &BTreeMap<ShipmentKey, f64>,
    members: &[&Unit],
    donors: &[OrderIx],
) -> Vec<Action> {
    let mut found = Found::default();
    for u in members {
        let UnitKind::Order(o) = u.kind else { continue };
        let mut skus: Vec<SkuIx> = u.shipments.iter().map(|(k, ..)| k.1).collect();
        skus.dedup();
        for sku in skus {
            order_changes(
                s,
                &legs(base, o, sku),
                &legs(prop, o, sku),
                (o, sku),
                &mut found,
            );
        }
    }
    let Found {
        mut actions,
        flows,
        later,
    } = found;
    later_on_named_routes(s, &later, &mut actions);
    for ((node, sku), (gains, losses)) in flows {
        if let Some(a) = reallocation(s, (node, sku), &gains, &losses, donors) {
            actions.push(a);
        }
    }
    for u in members {
        match &u.kind {
            UnitKind::Order(o) => {
                let freed = freed_capacity(s, u, *o, &actions);
                actions.extend(freed);
            }
            UnitKind::Transfer(key) => actions.push(transfer(s, u, *key)),
            UnitKind::Expedite(i) => actions.push(expedite_inbound(s, u, *i)),
        }
    }
    actions.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.text.cmp(&b.text)));
    actions
}

/// Order `o`'s shipments of `sku` before (`b`) and after (`p`), per (node, lane): each
/// leg it keeps and each leg it takes up, then each node it leaves.
fn order_changes(s: &Scenario, b: &Legs, p: &Legs, (o, sku): (OrderIx, SkuIx), found: &mut Found) {
    let mut pool = lost_legs(b, p);
    for (&(node, lane), pdays) in p {
        match b.get(&(node, lane)) {
            Some(bdays) => kept_leg(s, (o, sku), (node, lane), (bdays, pdays), &mut pool, found),
            None => new_leg(s, (o, sku), (node, lane), b, pdays, &mut pool, found),
        }
    }
    // What each old leg gives up at its node: units leaving later (a leg kept, its first
    // day not earlier) or no longer leaving there, less those another leg of the order at
    // the same node took over (they free no stock); those no action replaced are unsaid.
    let none = BTreeMap::new();
    for (&(node, lane), bdays) in b {
        let lost = pool.iter().find(|l| (l.node, l.lane) == (node, lane));
        let (here, unsaid) = lost.map_or((0.0, 0.0), |l| (l.here, l.units));
        let pdays = p.get(&(node, lane)).unwrap_or(&none);
        let gave = if pdays.is_empty() || first(pdays) >= first(bdays) {
            later(bdays, pdays)
        } else {
            (total(bdays) - total(pdays)).max(0.0)
        } - here;
        if gave > 1e-9 {
            found
                .flows
                .entry((node, sku))
                .or_default()
                .1
                .push((o, gave, unsaid));
        }
    }
}

/// A leg of the old plan that ships fewer units now in all (one whose units only moved to
/// other days lost none), the first day it ships fewer on, and its units that no new leg or
/// gain has been said to replace yet.
#[derive(Clone, Copy, Debug)]
struct Lost {
    node: NodeIx,
    lane: Option<LaneIx>,
    day: Day,
    units: f64,
    /// Of its lost units, those another leg at the same node took over.
    here: f64,
}

fn lost_legs(b: &Legs, p: &Legs) -> Vec<Lost> {
    let none = BTreeMap::new();
    b.iter()
        .filter_map(|(&(node, lane), bd)| {
            let pd = p.get(&(node, lane)).unwrap_or(&none);
            let units = total(bd) - total(pd);
            let day = beyond(bd, pd).first()?.0;
            (units > 1e-9).then_some(Lost {
                node,
                lane,
                day,
                units,
                here: 0.0,
            })
        })
        .collect()
}

/// `want` units at `node` attributed to the legs of `pool` that lost units, each leg's
/// units once: at `node` first, fastest lane first, then the others in turn. The legs with
/// the units each gives, and what none gave: units the order was short of, since every
/// unit it ships now beyond the legs' losses is one it did not ship.
fn replaced(s: &Scenario, pool: &mut [Lost], want: f64, node: NodeIx) -> (Vec<Lost>, f64) {
    let mut order: Vec<usize> = (0..pool.len()).filter(|&i| pool[i].units > 1e-9).collect();
    order.sort_by_key(|&i| {
        (
            pool[i].node != node,
            (pool[i].node == node).then(|| lead(s, pool[i].lane)),
        )
    });
    let mut left = want;
    let mut parts = Vec::new();
    for i in order {
        if left <= 1e-9 {
            break;
        }
        let units = pool[i].units.min(left);
        pool[i].units -= units;
        if pool[i].node == node {
            pool[i].here += units;
        }
        left -= units;
        parts.push(Lost { units, ..pool[i] });
    }
    (parts, left.max(0.0))
}

/// Fills in what `parts` and `short` say beyond the action's one old route: the legs
/// replaced with their units, when there are several or some units were short before.
fn name_replaced(a: &mut Action, parts: &[Lost], short: f64) {
    if parts.len() > 1 || short > 1e-9 {
        a.instead = parts.iter().map(|l| (l.node, l.lane, l.units)).collect();
        a.short_units = short;
    }
}

/// A (node, lane) the order used before and still uses: units of the old schedule leaving
/// earlier are an `expedite_shipment`; more units, drawn from legs at other nodes that
/// ship fewer now (`replaced`), a `reroute` from them (beside the earlier units, if any);
/// other gains are a gain at the node, later or fewer units a loss.
fn kept_leg(
    s: &Scenario,
    (o, sku): (OrderIx, SkuIx),
    (node, lane): (NodeIx, Option<LaneIx>),
    (bdays, pdays): (&BTreeMap<Day, f64>, &BTreeMap<Day, f64>),
    pool: &mut [Lost],
    found: &mut Found,
) {
    let qp = total(pdays);
    let qb = total(bdays);
    let fewer = beyond(bdays, pdays);
    let more = beyond(pdays, bdays);
    // The leg's own units on other days: those that left a day of the old schedule, less
    // those the leg lost in all (they left the leg, and another action says where to). When
    // some leave earlier, the action says the whole new schedule of them, later days too.
    let own = fewer.iter().map(|d| d.1).sum::<f64>() - (qb - qp).max(0.0);
    if own > 1e-9 && !leaves_earlier(bdays, pdays) {
        found.later.push(Later {
            o,
            sku,
            node,
            lane,
            units: own,
            from: first_units(&fewer, own),
            to: first_units(&more, own),
        });
    }
    if own > 1e-9 && leaves_earlier(bdays, pdays) {
        let (from_days, to_days) = (first_units(&fewer, own), first_units(&more, own));
        let mut a = shipment_action(
            s,
            ActionKind::ExpediteShipment,
            (o, sku, own),
            (node, lane, from_days[0].0),
            (node, lane, to_days[0].0),
        );
        a.to_days = to_days;
        a.from_days = from_days;
        a.text = wording::shipment(s, &a);
        found.actions.push(a);
    }
    let gain = qp - qb;
    if gain <= 1e-9 {
        return;
    }
    // Also beside units of the old schedule leaving earlier: both are said. With those
    // moved as well, `more` mixes them with the gain, so only its first day is said.
    let (parts, short) = replaced(s, pool, gain, node);
    let days = if fewer.is_empty() {
        more
    } else {
        more[..1].to_vec()
    };
    let a = replacing(s, (o, sku, gain), (node, lane, &days), &parts, short);
    let rerouted = a.is_some();
    found.actions.extend(a);
    found.gains((node, sku), o, gain, rerouted);
}

/// The shipment of `units` of `o`'s `sku` on (node, lane), leaving on `days` (day order,
/// at least one), that replaces what `parts` lost and `short` units the order was short
/// of: an `expedite_shipment` when the first route it replaces is at the same node and
/// slower, else a `reroute`; `None` when it replaces no route. Its cost is its transport
/// less what the replaced units paid.
fn replacing(
    s: &Scenario,
    (o, sku, units): (OrderIx, SkuIx, f64),
    (node, lane, days): (NodeIx, Option<LaneIx>, &[(Day, f64)]),
    parts: &[Lost],
    short: f64,
) -> Option<Action> {
    let from = parts.first()?;
    let faster = from.node == node && lead(s, lane) < lead(s, from.lane);
    let kind = if faster {
        ActionKind::ExpediteShipment
    } else {
        ActionKind::Reroute
    };
    let mut a = shipment_action(
        s,
        kind,
        (o, sku, units),
        (from.node, from.lane, from.day),
        (node, lane, days[0].0),
    );
    a.cost = units * unit_cost(s, lane) - parts_cost(s, parts);
    if days.len() > 1 {
        a.to_days = days.to_vec();
    }
    name_replaced(&mut a, parts, short);
    a.text = wording::shipment(s, &a);
    Some(a)
}

/// The first `units` of `days` (day, units), in day order: the days an action's units
/// leave, or left, when the leg's other units are said by other actions.
fn first_units(days: &[(Day, f64)], units: f64) -> Vec<(Day, f64)> {
    let mut left = units;
    let mut out = Vec::new();
    for &(d, q) in days {
        if left <= 1e-9 {
            break;
        }
        out.push((d, q.min(left)));
        left -= q.min(left);
    }
    out
}

/// A (node, lane) the order takes up: from a node it shipped from, an `expedite_shipment`
/// when the lane is faster than the fastest it used there, else a `reroute` (also from
/// another node); the order's first stock of the SKU is a gain at the node. Its units
/// replace those the order's other legs ship fewer of (`replaced`), and beyond them units
/// it was short of.
fn new_leg(
    s: &Scenario,
    (o, sku): (OrderIx, SkuIx),
    (node, lane): (NodeIx, Option<LaneIx>),
    b: &Legs,
    pdays: &BTreeMap<Day, f64>,
    pool: &mut [Lost],
    found: &mut Found,
) {
    let qp = total(pdays);
    let (parts, short) = replaced(s, pool, qp, node);
    let days: Vec<(Day, f64)> = pdays.iter().map(|(&d, &q)| (d, q)).collect();
    let Some(a) = replacing(s, (o, sku, qp), (node, lane, &days), &parts, short) else {
        if b.is_empty() {
            // The order's first stock of this SKU: an allocation.
            found.gains((node, sku), o, qp, false);
        } else {
            short_before_leg(s, (o, sku), (node, lane), pdays, found);
        }
        return;
    };
    found.actions.push(a);
    // The stock it now draws at a node it did not ship from is taken there: a
    // reallocation when someone gives it up (the reroute describes it otherwise).
    if !b.keys().any(|(n, _)| *n == node) {
        found.gains((node, sku), o, qp, true);
    }
}

/// The transport the replaced legs' units paid.
fn parts_cost(s: &Scenario, parts: &[Lost]) -> f64 {
    parts.iter().map(|l| l.units * unit_cost(s, l.lane)).sum()
}

/// A new (node, lane) for units the order was short of before: it replaces none of its
/// shipments, so it is a `reroute` that names no old route; the stock it draws at the node
/// is a gain there (the reroute describes it unless someone gives it up).
fn short_before_leg(
    s: &Scenario,
    (o, sku): (OrderIx, SkuIx),
    (node, lane): (NodeIx, Option<LaneIx>),
    pdays: &BTreeMap<Day, f64>,
    found: &mut Found,
) {
    let (qp, dp) = (total(pdays), first(pdays));
    let mut a = shipment_action(
        s,
        ActionKind::Reroute,
        (o, sku, qp),
        (node, lane, dp),
        (node, lane, dp),
    );
    a.short_before = true;
    (a.from_node, a.from_lane, a.from_day) = (None, None, None);
    if pdays.len() > 1 {
        a.to_days = pdays.iter().map(|(&d, &q)| (d, q)).collect();
    }
    a.text = wording::shipment(s, &a);
    a.cost = qp * unit_cost(s, lane);
    found.actions.push(a);
    found.gains((node, sku), o, qp, true);
}

/// The `reallocate` of `sku`'s stock at `node` from the orders giving it up to those
/// gaining it, unless it only repeats what reroutes describe (no plain gain, no donor
/// among the givers, not both sides). An order on both sides gives nothing to another: its
/// own units there leave later (a route it keeps), which the text adds.
fn reallocation(
    s: &Scenario,
    (node, sku): (NodeIx, SkuIx),
    gains: &[(OrderIx, f64, bool)],
    losses: &[(OrderIx, f64, f64)],
    donors: &[OrderIx],
) -> Option<Action> {
    let (own, losses): (Vec<_>, Vec<_>) = losses
        .iter()
        .partition(|(o, ..)| gains.iter().any(|(g, ..)| g == o));
    let own_later: f64 = own.iter().map(|(_, q, _)| q).sum();
    let own = once(own.iter().map(|(o, ..)| *o));
    let losses = &losses[..];
    let giver_is_donor = losses.iter().any(|(o, ..)| donors.contains(o));
    let plain_gain = gains.iter().any(|(_, _, rerouted)| !rerouted);
    let exchange = !gains.is_empty() && !losses.is_empty();
    // Units an order stops shipping from here that no new route replaces: the order ships
    // fewer in all, which only this action can say.
    let dropped = losses.iter().any(|(.., unsaid)| *unsaid > 1e-9);
    if !plain_gain && !giver_is_donor && !exchange && !dropped {
        return None;
    }
    let gained: f64 = gains.iter().map(|(_, q, _)| q).sum();
    let given: f64 = losses.iter().map(|(_, q, _)| q).sum();
    let mut a = Action::new(ActionKind::Reallocate);
    a.sku = Some(sku);
    // What passes from the givers to the takers; the wording adds what one side has beyond
    // it (units given up that no order here takes, or free units the takers get besides).
    a.quantity = match (losses.is_empty(), gains.is_empty()) {
        (false, false) => gained.min(given),
        _ => gained.max(given),
    };
    // An order may gain or give at the node on two lanes: named once.
    a.from_orders = once(losses.iter().map(|(o, ..)| *o));
    a.to_orders = once(gains.iter().map(|(o, ..)| *o));
    a.orders = a.from_orders.iter().chain(&a.to_orders).copied().collect();
    a.orders.sort();
    a.orders.dedup();
    a.from_node = Some(node);
    a.to_node = Some(node);
    a.text = wording::reallocation(s, &a, (given, gained), (&own, own_later));
    Some(a)
}

/// Adds to the shipment action that names each route in `later` (a reroute instead of
/// some of its units, an expedite from it) that its other units there now leave later:
/// no other action says so, and without it the action's units and the route's do not add
/// up to what the order ships. A route no shipment action names is said by a reallocation
/// or by [`freed_capacity`].
fn later_on_named_routes(s: &Scenario, later: &[Later], actions: &mut [Action]) {
    for l in later {
        let leg = (l.sku, l.node, l.lane);
        if let Some(a) = actions
            .iter_mut()
            .find(|a| a.kind != ActionKind::Reallocate && names_leg(a, l.o, leg))
        {
            a.text.push_str(&wording::own_later(
                s,
                (l.node, l.lane),
                l.units,
                (&l.from, &l.to),
            ));
        }
    }
}

/// Whether `a` names order `o`'s route (SKU, node, lane): a shipment from, to or instead of
/// it, or a reallocation of that SKU at its node that names the order.
fn names_leg(a: &Action, o: OrderIx, (sku, node, lane): (SkuIx, NodeIx, Option<LaneIx>)) -> bool {
    if !a.orders.contains(&o) || a.sku != Some(sku) {
        return false;
    }
    match a.kind {
        ActionKind::Reallocate => a.from_node == Some(node),
        _ => {
            [(a.from_node, a.from_lane), (a.to_node, a.to_lane)].contains(&(Some(node), Some(lane)))
                || a.instead.iter().any(|&(n, l, _)| (n, l) == (node, lane))
        }
    }
}

/// An order's changed routes no other action names: it only ships later or fewer there,
/// with nobody at that node gaining, which frees a node-day or lane-day for another order
/// in this response. One action for the whole order when no action names any of its
/// routes, else one per SKU with a route left unsaid, counting those routes' units.
fn freed_capacity(s: &Scenario, u: &Unit, o: OrderIx, actions: &[Action]) -> Vec<Action> {
    let leg = |k: &ShipmentKey| (k.1, k.2, k.3);
    let mut legs: Vec<(SkuIx, NodeIx, Option<LaneIx>)> =
        u.shipments.iter().map(|(k, ..)| leg(k)).collect();
    legs.dedup();
    let unsaid: Vec<(SkuIx, NodeIx, Option<LaneIx>)> = legs
        .iter()
        .copied()
        .filter(|l| !actions.iter().any(|a| names_leg(a, o, *l)))
        .collect();
    let mut which: Vec<Option<SkuIx>> = if unsaid.is_empty() {
        Vec::new()
    } else if unsaid.len() == legs.len() {
        vec![None]
    } else {
        unsaid.iter().map(|l| Some(l.0)).collect()
    };
    which.dedup();
    which
        .into_iter()
        .map(|sku| {
            let keys = || {
                u.shipments
                    .iter()
                    .filter(move |(k, ..)| sku.is_none_or(|x| k.1 == x))
                    .filter(|(k, ..)| unsaid.contains(&leg(k)))
            };
            // Units that left the day, node or lane they had: a day's move counted once.
            let moved: f64 = keys().map(|(_, b, p)| (b - p).max(0.0)).sum();
            let mut a = Action::new(ActionKind::Reallocate);
            a.quantity = moved;
            a.sku = sku.or_else(|| u.shipments.first().map(|(k, ..)| k.1));
            // The node whose capacity it frees, where its changes are all at one.
            let node = keys().map(|(k, ..)| k.2).next();
            if keys().all(|(k, ..)| Some(k.2) == node) {
                (a.from_node, a.to_node) = (node, node);
            }
            a.orders = vec![o];
            a.from_orders = vec![o];
            a.text = wording::freed_capacity(s, o, sku, moved);
            a
        })
        .collect()
}

/// A transfer key's change: more units (a `transfer`) or fewer (a cancelled part).
fn transfer(s: &Scenario, u: &Unit, (lane, sku, day): (LaneIx, SkuIx, Day)) -> Action {
    let (b, p) = u.transfer.expect("a transfer unit has quantities");
    let l = s.lane(lane);
    let mut a = Action::new(ActionKind::Transfer);
    a.sku = Some(sku);
    a.quantity = p - b;
    a.from_node = Some(l.from);
    a.to_node = Some(l.to);
    a.to_lane = Some(Some(lane));
    a.to_day = Some(day);
    a.cost = (p - b) * l.cost_per_unit;
    a.text = wording::transfer(s, &a);
    a
}

/// A receipt expedited (or an expedite given up): its etas before and after.
fn expedite_inbound(s: &Scenario, u: &Unit, i: InboundIx) -> Action {
    let (_, now) = u.expedite.expect("an expedite unit has flags");
    let r = s.inbound(i);
    let mut a = Action::new(ActionKind::ExpediteInbound);
    a.sku = Some(r.sku);
    a.quantity = r.quantity;
    a.inbound = Some(i);
    a.to_node = Some(r.node);
    let eta = |e: bool| r.arrival(e).map(Day::from);
    a.from_day = eta(!now);
    a.to_day = eta(now);
    a.cost = u.own_cost;
    a.text = wording::expedite_inbound(s, &a, now);
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::respond::units::{Unit, UnitKind};
    use crate::scenario::validate::load_scenario;

    /// SO-1 (3 x A) at Z-1, served from PL-1 or DC-1, each on its own lane of one day
    /// (L-PL, L-DC): a scenario whose order plans `plan`, entries (node, lane, day, units).
    fn two_sources(plan: &[(&str, &str, &str, u32)]) -> Scenario {
        let lane = |id: &str, from: &str| {
            serde_json::json!({"id": id, "from": from, "to": "Z-1", "mode": "ground",
                "lead_time_days": 1, "cost_per_unit": 1.0})
        };
        let plan: Vec<_> = plan
            .iter()
            .map(|(node, lane, ship, q)| serde_json::json!({"sku": "A", "node": node, "lane": lane, "ship": ship, "quantity": q}))
            .collect();
        scenario(serde_json::json!({
            "format": "recourse.scenario/1", "id": "t", "as_of": "2026-11-27", "horizon_days": 10,
            "skus": [{"id": "A"}],
            "nodes": [{"id": "PL-1", "kind": "plant"}, {"id": "DC-1", "kind": "dc"},
                {"id": "Z-1", "kind": "customer"}],
            "lanes": [lane("L-PL", "PL-1"), lane("L-DC", "DC-1")],
            "stock": [{"node": "PL-1", "sku": "A", "on_hand": 5}, {"node": "DC-1", "sku": "A", "on_hand": 5}],
            "inbound": [],
            "orders": [{"id": "SO-1", "destination": "Z-1", "due": "2026-12-03", "priority": 1,
                "lines": [{"sku": "A", "quantity": 3}], "plan": plan}],
            "disruptions": []
        }))
    }

    /// SO-1 ships 2 from PL-1 and 1 from DC-1 before; after, all 3 from DC-1 a day
    /// earlier than DC-1's unit left (medium seed 4's SO-02169 had this shape).
    #[test]
    fn units_gained_on_a_route_whose_old_units_leave_earlier_name_the_route_they_replace() {
        let s = two_sources(&[
            ("PL-1", "L-PL", "2026-12-01", 2),
            ("DC-1", "L-DC", "2026-12-02", 1),
        ]);
        let (o, a) = (OrderIx::new(0), SkuIx::new(0));
        let (pl, dc) = (NodeIx::new(0), NodeIx::new(1));
        let (l_pl, l_dc) = (Some(LaneIx::new(0)), Some(LaneIx::new(1)));
        let base = BTreeMap::from([((o, a, pl, l_pl, 4), 2.0), ((o, a, dc, l_dc, 5), 1.0)]);
        let prop = BTreeMap::from([((o, a, dc, l_dc, 4), 3.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec![
                "ship SO-1's 1 x A from DC-1 via L-DC on 2026-12-01 instead of 2026-12-02",
                "ship SO-1's 2 x A from DC-1 via L-DC on 2026-12-01 instead of PL-1 via L-PL",
            ]
        );
    }

    /// SO-1 shipped its 3 from DC-1 on 2026-12-01; now 2 leave PL-1 and the third leaves
    /// DC-1 a day later. The reroute names DC-1's route, so it also says where the unit
    /// left there goes (large seed 1's R4287 left 1 x SKU-0283 moved a day later unsaid).
    #[test]
    fn a_reroute_says_the_units_left_on_the_route_it_replaces_that_now_leave_later() {
        let s = two_sources(&[("DC-1", "L-DC", "2026-12-01", 3)]);
        let (o, a) = (OrderIx::new(0), SkuIx::new(0));
        let (pl, dc) = (NodeIx::new(0), NodeIx::new(1));
        let (l_pl, l_dc) = (Some(LaneIx::new(0)), Some(LaneIx::new(1)));
        let base = BTreeMap::from([((o, a, dc, l_dc, 4), 3.0)]);
        let prop = BTreeMap::from([((o, a, pl, l_pl, 2), 2.0), ((o, a, dc, l_dc, 5), 1.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec![
                "ship SO-1's 2 x A from PL-1 via L-PL on 2026-11-29 instead of DC-1 via L-DC; \
                 its 1 other unit from DC-1 via L-DC now leaves 2026-12-02 instead of 2026-12-01",
            ]
        );
    }

    /// SO-1's A leaves a day earlier and its one unit of B is dropped, replaced by nothing:
    /// the order is better off in all (no donor), and the unit given up is still said
    /// (large seed 1's SO-042266 gave up 1 x SKU-0651 unsaid).
    #[test]
    fn units_an_order_stops_shipping_that_nothing_replaces_are_given_up() {
        let doc = one_dc(&[("A", 20, 20, "2026-12-01"), ("B", 1, 1, "2026-12-01")]);
        let s = scenario(doc);
        let (o, a, b, dc, l) = one_dc_ids();
        let base = BTreeMap::from([((o, a, dc, l, 5), 20.0), ((o, b, dc, l, 5), 1.0)]);
        let prop = BTreeMap::from([((o, a, dc, l, 4), 20.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec![
                "SO-1 gives up 1 x B at DC-1",
                "ship SO-1's 20 x A from DC-1 via L on 2026-12-01 instead of 2026-12-02",
            ]
        );
    }

    /// SO-1 shipped 2 of its 10 on 2026-11-27; now all 10 leave on 2026-11-30: it takes 8
    /// more at DC-1, and its own 2 pass to nobody (large seed 1 had "reallocate 2 x
    /// SKU-0232 at DC-02 from SO-049319 to SO-049319, and 6 free units besides").
    #[test]
    fn an_order_taking_more_where_its_own_units_now_leave_later_gives_nothing_to_itself() {
        let doc = one_dc(&[("A", 10, 2, "2026-11-27")]);
        let s = scenario(doc);
        let (o, a, _, dc, l) = one_dc_ids();
        let base = BTreeMap::from([((o, a, dc, l, 0), 2.0)]);
        let prop = BTreeMap::from([((o, a, dc, l, 3), 10.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec!["allocate 8 x A at DC-1 to SO-1 (SO-1's own 2 there now leave later)"]
        );
    }

    /// An order whose only change is units leaving later frees capacity; where another
    /// action says its other SKU, the one left unsaid is named with its units (large seed
    /// 1's SO-049319 moved 5 x SKU-0391 a few days later, which no action said). A day's
    /// move counts its units once.
    #[test]
    fn a_later_departure_no_other_action_says_frees_capacity_per_sku() {
        let s = scenario(one_dc(&[
            ("A", 10, 2, "2026-11-27"),
            ("B", 5, 5, "2026-11-27"),
        ]));
        let (o, a, b, dc, l) = one_dc_ids();
        let base = BTreeMap::from([((o, a, dc, l, 0), 2.0), ((o, b, dc, l, 0), 5.0)]);
        let prop = BTreeMap::from([((o, a, dc, l, 3), 10.0), ((o, b, dc, l, 3), 5.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec![
                "SO-1 changes its B shipments (5 units moved) to free capacity",
                "allocate 8 x A at DC-1 to SO-1 (SO-1's own 2 there now leave later)",
            ]
        );
        let prop = BTreeMap::from([((o, a, dc, l, 0), 2.0), ((o, b, dc, l, 3), 5.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec!["SO-1 changes its shipments (5 units moved) to free capacity"]
        );
    }

    /// SO-1's units on L-A leave a day earlier and those on L-B a day later: the earlier
    /// departure names L-A only, so L-B's change is said as freed capacity (a route of a
    /// SKU some action describes went unsaid before).
    #[test]
    fn a_route_no_action_names_is_said_even_beside_another_route_of_its_sku() {
        let lane = |id: &str| {
            serde_json::json!({"id": id, "from": "DC-1", "to": "Z-1", "mode": "ground",
                "lead_time_days": 1, "cost_per_unit": 1.0})
        };
        let entry = |lane: &str| serde_json::json!({"sku": "A", "node": "DC-1", "lane": lane, "ship": "2026-12-01", "quantity": 5});
        let s = scenario(serde_json::json!({
            "format": "recourse.scenario/1", "id": "t", "as_of": "2026-11-27", "horizon_days": 10,
            "skus": [{"id": "A"}],
            "nodes": [{"id": "DC-1", "kind": "dc"}, {"id": "Z-1", "kind": "customer"}],
            "lanes": [lane("L-A"), lane("L-B")],
            "stock": [{"node": "DC-1", "sku": "A", "on_hand": 10}],
            "inbound": [],
            "orders": [{"id": "SO-1", "destination": "Z-1", "due": "2026-12-05", "priority": 1,
                "lines": [{"sku": "A", "quantity": 10}], "plan": [entry("L-A"), entry("L-B")]}],
            "disruptions": []
        }));
        let (o, a, _, dc, _) = one_dc_ids();
        let (la, lb) = (Some(LaneIx::new(0)), Some(LaneIx::new(1)));
        let base = BTreeMap::from([((o, a, dc, la, 4), 5.0), ((o, a, dc, lb, 4), 5.0)]);
        let prop = BTreeMap::from([((o, a, dc, la, 3), 5.0), ((o, a, dc, lb, 5), 5.0)]);
        assert_eq!(
            texts(&s, &base, &prop, o),
            vec![
                "SO-1 changes its A shipments (5 units moved) to free capacity",
                "ship SO-1's 5 x A from DC-1 via L-A on 2026-11-30 instead of 2026-12-01",
            ]
        );
    }

    /// DC-1 ships SO-1's lines to Z-1 on lane L (1 day); per line (SKU, quantity, units
    /// planned, planned day), DC-1 holds the line's quantity.
    fn one_dc(lines: &[(&str, u32, u32, &str)]) -> serde_json::Value {
        serde_json::json!({
            "format": "recourse.scenario/1", "id": "t", "as_of": "2026-11-27", "horizon_days": 10,
            "skus": lines.iter().map(|l| serde_json::json!({"id": l.0})).collect::<Vec<_>>(),
            "nodes": [{"id": "DC-1", "kind": "dc"}, {"id": "Z-1", "kind": "customer"}],
            "lanes": [{"id": "L", "from": "DC-1", "to": "Z-1", "mode": "ground",
                "lead_time_days": 1, "cost_per_unit": 1.0}],
            "stock": lines.iter()
                .map(|l| serde_json::json!({"node": "DC-1", "sku": l.0, "on_hand": l.1}))
                .collect::<Vec<_>>(),
            "inbound": [],
            "orders": [{"id": "SO-1", "destination": "Z-1", "due": "2026-12-03", "priority": 1,
                "lines": lines.iter()
                    .map(|l| serde_json::json!({"sku": l.0, "quantity": l.1}))
                    .collect::<Vec<_>>(),
                "plan": lines.iter()
                    .map(|l| serde_json::json!({"sku": l.0, "node": "DC-1", "lane": "L",
                        "ship": l.3, "quantity": l.2}))
                    .collect::<Vec<_>>()}],
            "disruptions": []
        })
    }

    /// `one_dc`'s order, its first two SKUs, DC-1 and lane L.
    fn one_dc_ids() -> (OrderIx, SkuIx, SkuIx, NodeIx, Option<LaneIx>) {
        (
            OrderIx::new(0),
            SkuIx::new(0),
            SkuIx::new(1),
            NodeIx::new(0),
            Some(LaneIx::new(0)),
        )
    }

    fn scenario(doc: serde_json::Value) -> Scenario {
        load_scenario(doc.to_string().as_bytes())
            .expect("a valid scenario")
            .0
    }

    /// The texts of the actions `classify` gives for order `o` alone, no donors.
    fn texts(
        s: &Scenario,
        base: &BTreeMap<ShipmentKey, f64>,
        prop: &BTreeMap<ShipmentKey, f64>,
        o: OrderIx,
    ) -> Vec<String> {
        orders_texts(s, base, prop, &[o])
    }

    /// The same for several orders, each its own unit.
    fn orders_texts(
        s: &Scenario,
        base: &BTreeMap<ShipmentKey, f64>,
        prop: &BTreeMap<ShipmentKey, f64>,
        orders: &[OrderIx],
    ) -> Vec<String> {
        let units: Vec<Unit> = orders.iter().map(|&o| unit(base, prop, o)).collect();
        let members: Vec<&Unit> = units.iter().collect();
        classify(s, base, prop, &members, &[])
            .into_iter()
            .map(|a| a.text)
            .collect()
    }

    fn unit(
        base: &BTreeMap<ShipmentKey, f64>,
        prop: &BTreeMap<ShipmentKey, f64>,
        o: OrderIx,
    ) -> Unit {
        let at = |m: &BTreeMap<ShipmentKey, f64>, k: &ShipmentKey| m.get(k).copied().unwrap_or(0.0);
        // A unit holds the order's keys whose quantity changes.
        let mut keys: Vec<ShipmentKey> = base.keys().chain(prop.keys()).copied().collect();
        keys.sort();
        keys.dedup();
        keys.retain(|k| k.0 == o && at(base, k) != at(prop, k));
        Unit {
            kind: UnitKind::Order(o),
            shipments: keys
                .iter()
                .map(|k| (*k, at(base, k), at(prop, k)))
                .collect(),
            transfer: None,
            expedite: None,
            own_cost: 0.0,
            parts: Default::default(),
            stock: Vec::new(),
            node_out: Vec::new(),
            lane_out: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// SO-1 ships 20 via L-A before and 17 via L-B (another lane from DC-1) after; SO-2
    /// takes 5 more at DC-1. The 3 SO-1 drops pass to SO-2, and the 17 on L-B free no stock
    /// (the generated ~300-order seed 21 said "allocate 5 ... to SO-0120" with SO-0027's 3
    /// units unsaid); SO-2's own 10 leaving a day earlier are its own 10, not the 5 it gains.
    #[test]
    fn units_dropped_beside_a_lane_change_pass_to_the_order_that_takes_them() {
        let lane = |id: &str| {
            serde_json::json!({"id": id, "from": "DC-1", "to": "Z-1", "mode": "ground",
                "lead_time_days": 1, "cost_per_unit": 1.0})
        };
        let order = |id: &str, q: u32, lane: &str| {
            serde_json::json!({"id": id, "destination": "Z-1", "due": "2026-12-05", "priority": 1,
                "lines": [{"sku": "A", "quantity": q}],
                "plan": [{"sku": "A", "node": "DC-1", "lane": lane, "ship": "2026-12-01", "quantity": q}]})
        };
        let s = scenario(serde_json::json!({
            "format": "recourse.scenario/1", "id": "t", "as_of": "2026-11-27", "horizon_days": 10,
            "skus": [{"id": "A"}],
            "nodes": [{"id": "DC-1", "kind": "dc"}, {"id": "Z-1", "kind": "customer"}],
            "lanes": [lane("L-A"), lane("L-B")],
            "stock": [{"node": "DC-1", "sku": "A", "on_hand": 40}],
            "inbound": [],
            "orders": [order("SO-1", 20, "L-A"), order("SO-2", 15, "L-A")],
            "disruptions": []
        }));
        let (o1, o2, a, dc) = (
            OrderIx::new(0),
            OrderIx::new(1),
            SkuIx::new(0),
            NodeIx::new(0),
        );
        let (la, lb) = (Some(LaneIx::new(0)), Some(LaneIx::new(1)));
        let base = BTreeMap::from([((o1, a, dc, la, 4), 20.0), ((o2, a, dc, la, 4), 10.0)]);
        let prop = BTreeMap::from([((o1, a, dc, lb, 4), 17.0), ((o2, a, dc, la, 3), 15.0)]);
        assert_eq!(
            orders_texts(&s, &base, &prop, &[o1, o2]),
            vec![
                "reallocate 3 x A at DC-1 from SO-1 to SO-2, and 2 free units besides",
                "ship SO-2's 10 x A from DC-1 via L-A on 2026-11-30 instead of 2026-12-01",
                "ship SO-1's 17 x A from DC-1 via L-B on 2026-12-01 instead of DC-1 via L-A",
            ]
        );
    }
}
