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

use super::units::{Unit, UnitKind};
use crate::base::text::qty;
use crate::plan::ShipmentKey;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionKind {
    Reallocate,
    Transfer,
    ExpediteInbound,
    ExpediteShipment,
    Reroute,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Reallocate => "reallocate",
            ActionKind::Transfer => "transfer",
            ActionKind::ExpediteInbound => "expedite_inbound",
            ActionKind::ExpediteShipment => "expedite_shipment",
            ActionKind::Reroute => "reroute",
        }
    }
    pub fn owner(self) -> Owner {
        match self {
            ActionKind::Reallocate | ActionKind::Transfer => Owner::Inventory,
            ActionKind::ExpediteInbound => Owner::Supply,
            ActionKind::ExpediteShipment | ActionKind::Reroute => Owner::Logistics,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Inventory,
    Supply,
    Logistics,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Inventory => "inventory",
            Owner::Supply => "supply",
            Owner::Logistics => "logistics",
        }
    }
}

/// One action. Fields that do not apply to the kind are empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub kind: ActionKind,
    pub sku: Option<SkuIx>,
    pub quantity: f64,
    /// Every order the action changes.
    pub orders: Vec<OrderIx>,
    /// For `reallocate`: orders giving up stock or capacity, and orders receiving it.
    pub from_orders: Vec<OrderIx>,
    pub to_orders: Vec<OrderIx>,
    /// Source node before and after (the same for `expedite_shipment`), or the node whose
    /// stock is reallocated, or a transfer's ends.
    pub from_node: Option<NodeIx>,
    pub to_node: Option<NodeIx>,
    /// Lanes before and after (`None` inside = local).
    pub from_lane: Option<Option<LaneIx>>,
    pub to_lane: Option<Option<LaneIx>>,
    /// Ship days before and after, or a receipt's etas.
    pub from_day: Option<Day>,
    pub to_day: Option<Day>,
    pub inbound: Option<InboundIx>,
    /// Money it adds on its own: transport for a transfer, the expedite cost, the transport
    /// difference of a reroute or faster lane. Shared charges are in the response's cost.
    pub cost: f64,
    /// One line a planner reads.
    pub text: String,
}

impl Action {
    fn new(kind: ActionKind) -> Self {
        Action {
            kind,
            sku: None,
            quantity: 0.0,
            orders: Vec::new(),
            from_orders: Vec::new(),
            to_orders: Vec::new(),
            from_node: None,
            to_node: None,
            from_lane: None,
            to_lane: None,
            from_day: None,
            to_day: None,
            inbound: None,
            cost: 0.0,
            text: String::new(),
        }
    }
}

/// An order's shipment moved from `from` to `to` (node, lane, day), described as
/// "ship O's q x K from <to's route> on <to's day> instead of <instead>".
fn shipment_action(
    s: &Scenario,
    kind: ActionKind,
    (o, sku, quantity): (OrderIx, SkuIx, f64),
    (from_node, from_lane, from_day): (NodeIx, Option<LaneIx>, Day),
    (to_node, to_lane, to_day): (NodeIx, Option<LaneIx>, Day),
    instead: &str,
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
    a.text = format!(
        "ship {}'s {} x {} from {} on {} instead of {instead}",
        s.order(o).id,
        qty(quantity),
        s.sku(sku).id,
        route(s, to_node, to_lane),
        s.date_string(to_day),
    );
    a
}

fn lead(s: &Scenario, l: Option<LaneIx>) -> u32 {
    l.map_or(0, |l| s.lane(l).lead_time)
}

fn unit_cost(s: &Scenario, l: Option<LaneIx>) -> f64 {
    l.map_or(0.0, |l| s.lane(l).cost_per_unit)
}

fn route(s: &Scenario, node: NodeIx, lane: Option<LaneIx>) -> String {
    match lane {
        Some(l) => format!("{} via {}", s.node(node).id, s.lane(l).id),
        None => format!("{} (local)", s.node(node).id),
    }
}

fn names(s: &Scenario, orders: &[OrderIx]) -> String {
    let v: Vec<&str> = orders.iter().map(|o| s.order(*o).id.as_str()).collect();
    v.join(", ")
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

fn total(days: &BTreeMap<Day, f64>) -> f64 {
    days.values().sum()
}

fn first(days: &BTreeMap<Day, f64>) -> Day {
    days.keys().next().copied().unwrap_or(0)
}

/// Units of the old quantity that leave earlier: how many, the old day they left on and
/// the new day by which they leave (where the lead is largest).
fn earlier(b: &BTreeMap<Day, f64>, p: &BTreeMap<Day, f64>) -> Option<(f64, Day, Day)> {
    let qb = total(b);
    let (mut cb, mut cp) = (0.0, 0.0);
    let mut best: Option<(f64, Day)> = None;
    let days: std::collections::BTreeSet<Day> = b.keys().chain(p.keys()).copied().collect();
    for d in days {
        cb += b.get(&d).copied().unwrap_or(0.0);
        cp += p.get(&d).copied().unwrap_or(0.0);
        let lead = cp.min(qb) - cb;
        if lead > 1e-9 && best.is_none_or(|(x, _)| lead > x + 1e-9) {
            best = Some((lead, d));
        }
    }
    let (units, to) = best?;
    let from = b.keys().copied().find(|d| *d > to)?;
    Some((units, from, to))
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

/// The actions of response `k` (0-based), ids `R{k+1}.{i}` assigned by the caller's order.
pub fn classify(
    s: &Scenario,
    base: &BTreeMap<ShipmentKey, f64>,
    prop: &BTreeMap<ShipmentKey, f64>,
    members: &[&Unit],
    donors: &[OrderIx],
) -> Vec<Action> {
    let mut actions = Vec::new();
    // Per (node, sku): (order, units gained) and (order, units given up).
    // A gain flagged true comes with a reroute that already describes it.
    type Flows = BTreeMap<(NodeIx, SkuIx), (Vec<(OrderIx, f64, bool)>, Vec<(OrderIx, f64)>)>;
    let mut flows: Flows = BTreeMap::new();
    let mut described: Vec<OrderIx> = Vec::new();
    for u in members {
        let UnitKind::Order(o) = u.kind else { continue };
        let mut skus: Vec<SkuIx> = u.shipments.iter().map(|(k, ..)| k.1).collect();
        skus.dedup();
        for sku in skus {
            let b = legs(base, o, sku);
            let p = legs(prop, o, sku);
            for (&(node, lane), pdays) in &p {
                let (qp, dp) = (total(pdays), first(pdays));
                if let Some(bdays) = b.get(&(node, lane)) {
                    let (qb, db) = (total(bdays), first(bdays));
                    if let Some((units, from_day, to_day)) = earlier(bdays, pdays) {
                        let instead = s.date_string(from_day);
                        actions.push(shipment_action(
                            s,
                            ActionKind::ExpediteShipment,
                            (o, sku, units),
                            (node, lane, from_day),
                            (node, lane, to_day),
                            &instead,
                        ));
                        described.push(o);
                    }
                    let e = flows.entry((node, sku)).or_default();
                    if qp > qb + 1e-9 {
                        e.0.push((o, qp - qb, false));
                    }
                    let gave = later(bdays, pdays);
                    if gave > 1e-9 && dp >= db {
                        e.1.push((o, gave));
                    }
                    continue;
                }
                let same_node: Vec<(Option<LaneIx>, Day)> = b
                    .iter()
                    .filter(|((n, _), _)| *n == node)
                    .map(|((_, l), days)| (*l, first(days)))
                    .collect();
                let from = same_node
                    .iter()
                    .min_by_key(|(l, _)| lead(s, *l))
                    .map(|&(l, d)| (node, l, d))
                    .or_else(|| b.iter().next().map(|(&(n, l), days)| (n, l, first(days))));
                let Some((fnode, flane, fday)) = from else {
                    // The order's first stock of this SKU: an allocation.
                    flows.entry((node, sku)).or_default().0.push((o, qp, false));
                    continue;
                };
                let faster = fnode == node && lead(s, lane) < lead(s, flane);
                let kind = if faster {
                    ActionKind::ExpediteShipment
                } else {
                    ActionKind::Reroute
                };
                let instead = route(s, fnode, flane);
                let mut a = shipment_action(
                    s,
                    kind,
                    (o, sku, qp),
                    (fnode, flane, fday),
                    (node, lane, dp),
                    &instead,
                );
                a.cost = qp * (unit_cost(s, lane) - unit_cost(s, flane));
                actions.push(a);
                described.push(o);
                // The stock it now draws at a node it did not ship from is taken there:
                // a reallocation when someone gives it up (the reroute describes it
                // otherwise).
                if !b.keys().any(|(n, _)| *n == node) {
                    flows.entry((node, sku)).or_default().0.push((o, qp, true));
                }
            }
            for (&(node, lane), bdays) in &b {
                if !p.contains_key(&(node, lane)) && !p.keys().any(|(n, _)| *n == node) {
                    flows
                        .entry((node, sku))
                        .or_default()
                        .1
                        .push((o, total(bdays)));
                }
            }
        }
    }
    for ((node, sku), (gains, losses)) in flows {
        let giver_is_donor = losses.iter().any(|(o, _)| donors.contains(o));
        let plain_gain = gains.iter().any(|(_, _, rerouted)| !rerouted);
        let exchange = !gains.is_empty() && !losses.is_empty();
        if !plain_gain && !giver_is_donor && !exchange {
            continue;
        }
        let gained: f64 = gains.iter().map(|(_, q, _)| q).sum();
        let given: f64 = losses.iter().map(|(_, q)| q).sum();
        let mut a = Action::new(ActionKind::Reallocate);
        a.sku = Some(sku);
        a.quantity = gained.max(given);
        a.from_orders = losses.iter().map(|(o, _)| *o).collect();
        a.to_orders = gains.iter().map(|(o, ..)| *o).collect();
        a.orders = a.from_orders.iter().chain(&a.to_orders).copied().collect();
        a.orders.sort();
        a.orders.dedup();
        a.from_node = Some(node);
        a.to_node = Some(node);
        a.text = match (a.from_orders.is_empty(), a.to_orders.is_empty()) {
            (false, false) => format!(
                "reallocate {} x {} at {} from {} to {}",
                qty(a.quantity),
                s.sku(sku).id,
                s.node(node).id,
                names(s, &a.from_orders),
                names(s, &a.to_orders)
            ),
            (true, _) => format!(
                "allocate {} x {} at {} to {}",
                qty(a.quantity),
                s.sku(sku).id,
                s.node(node).id,
                names(s, &a.to_orders)
            ),
            (false, true) => format!(
                "{} gives up {} x {} at {}",
                names(s, &a.from_orders),
                qty(a.quantity),
                s.sku(sku).id,
                s.node(node).id
            ),
        };
        described.extend(a.orders.iter().copied());
        actions.push(a);
    }
    for u in members {
        match &u.kind {
            UnitKind::Order(o) if !described.contains(o) => {
                // Only later or fewer on its own lanes with nobody at that node gaining: it
                // frees a node-day or lane-day for another order in this response.
                let moved: f64 = u.shipments.iter().map(|(_, b, p)| (b - p).abs()).sum();
                let mut a = Action::new(ActionKind::Reallocate);
                a.quantity = moved;
                a.sku = u.shipments.first().map(|(k, ..)| k.1);
                a.orders = vec![*o];
                a.from_orders = vec![*o];
                a.text = format!(
                    "{} changes its shipments ({} moved) to free capacity",
                    s.order(*o).id,
                    crate::base::text::units(moved)
                );
                actions.push(a);
            }
            UnitKind::Transfer((lane, sku, day)) => {
                let (b, p) = u.transfer.expect("a transfer unit has quantities");
                let l = s.lane(*lane);
                let mut a = Action::new(ActionKind::Transfer);
                a.sku = Some(*sku);
                a.quantity = p - b;
                a.from_node = Some(l.from);
                a.to_node = Some(l.to);
                a.to_lane = Some(Some(*lane));
                a.to_day = Some(*day);
                a.cost = (p - b) * l.cost_per_unit;
                a.text = if p >= b {
                    format!(
                        "transfer {} x {} from {} to {} on {}, leaving {}",
                        qty(p - b),
                        s.sku(*sku).id,
                        s.node(l.from).id,
                        s.node(l.to).id,
                        l.id,
                        s.date_string(*day)
                    )
                } else {
                    format!(
                        "cancel {} x {} of the transfer on {} leaving {}",
                        qty(b - p),
                        s.sku(*sku).id,
                        l.id,
                        s.date_string(*day)
                    )
                };
                actions.push(a);
            }
            UnitKind::Expedite(i) => {
                let (_, now) = u.expedite.expect("an expedite unit has flags");
                let r = s.inbound(*i);
                let mut a = Action::new(ActionKind::ExpediteInbound);
                a.sku = Some(r.sku);
                a.quantity = r.quantity;
                a.inbound = Some(*i);
                a.to_node = Some(r.node);
                let eta = |e: bool| s.inbound(*i).arrival(e).map(Day::from);
                a.from_day = eta(!now);
                a.to_day = eta(now);
                a.cost = u.own_cost;
                let day =
                    |d: Option<Day>| d.map_or("after the horizon".to_owned(), |d| s.date_string(d));
                a.text = if now {
                    format!(
                        "expedite {} ({} x {} into {}): arrives {} instead of {}",
                        r.id,
                        qty(r.quantity),
                        s.sku(r.sku).id,
                        s.node(r.node).id,
                        day(a.to_day),
                        day(a.from_day)
                    )
                } else {
                    format!("do not expedite {}", r.id)
                };
                actions.push(a);
            }
            _ => {}
        }
    }
    actions.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.text.cmp(&b.text)));
    actions
}
