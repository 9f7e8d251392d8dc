//! The difference between the baseline and the proposed plan, cut into units that are never
//! split: all of one order's shipment changes, one transfer key, one expedited receipt.
//!
//! An order's changes stay together because every rule and cost that reads an order (line
//! quantities, ship-complete, max sources, frozen, lateness, shortage, change) then sees
//! either its baseline or its proposed shipments, both of which obey those rules. What a
//! unit does to shared resources (stock, node-days, lane-days) is recorded as deltas, so a
//! set of units can be evaluated against any state without the whole plan.

use crate::check::CostBreakdown;
use crate::plan::{Plan, ShipmentKey, TransferKey};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::BTreeMap;

/// Net stock change at one (node, sku), per day.
pub type StockDelta = ((NodeIx, SkuIx), Vec<(Day, f64)>);

/// One order's merged shipments, in key order.
type OrderShipments = Vec<(ShipmentKey, f64)>;

/// A resource in the sense of SCENARIO.md section 5: everything that couples two changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    Order(OrderIx),
    Stock(NodeIx, SkuIx),
    NodeDay(NodeIx, Day),
    LaneDay(LaneIx, Day),
}

#[derive(Clone, Debug, PartialEq)]
pub enum UnitKind {
    Order(OrderIx),
    Transfer(TransferKey),
    Expedite(InboundIx),
}

#[derive(Clone, Debug)]
pub struct Unit {
    pub kind: UnitKind,
    /// Shipment keys whose quantity changes: (key, baseline, proposed).
    pub shipments: Vec<(ShipmentKey, f64, f64)>,
    /// The transfer key's (baseline, proposed) quantity, for a transfer unit.
    pub transfer: Option<(f64, f64)>,
    /// For an expedite unit: expedited in the baseline, expedited in the proposal.
    pub expedite: Option<(bool, bool)>,
    /// Cost change that does not depend on other units: the order's transport, lateness,
    /// shortage and change; the transfer's transport; the expedite cost. Fixed charges are
    /// shared per lane-day and priced by the ledger.
    pub own_cost: f64,
    /// `own_cost` by section-3 part (`fixed` and `total` left 0).
    pub parts: CostBreakdown,
    /// Net stock change per (node, sku) and day (arrivals positive).
    pub stock: Vec<StockDelta>,
    /// Change in units leaving per (node, day), for stock-holding nodes.
    pub node_out: Vec<((NodeIx, Day), f64)>,
    /// Change in units departing per (lane, day).
    pub lane_out: Vec<((LaneIx, Day), f64)>,
    /// Every resource the unit touches, sorted.
    pub resources: Vec<Resource>,
}

/// Collects a unit's resource deltas, summing per key.
#[derive(Default)]
struct Deltas {
    stock: BTreeMap<(NodeIx, SkuIx), BTreeMap<Day, f64>>,
    node_out: BTreeMap<(NodeIx, Day), f64>,
    lane_out: BTreeMap<(LaneIx, Day), f64>,
}

impl Deltas {
    fn stock(&mut self, s: &Scenario, node: NodeIx, sku: SkuIx, day: Day, q: f64) {
        if q != 0.0 && s.node(node).holds_stock() && (0..Day::from(s.horizon)).contains(&day) {
            *self
                .stock
                .entry((node, sku))
                .or_default()
                .entry(day)
                .or_insert(0.0) += q;
        }
    }

    fn leave(
        &mut self,
        s: &Scenario,
        node: NodeIx,
        lane: Option<LaneIx>,
        sku: SkuIx,
        day: Day,
        q: f64,
    ) {
        self.stock(s, node, sku, day, -q);
        if s.node(node).holds_stock() {
            *self.node_out.entry((node, day)).or_insert(0.0) += q;
        }
        if let Some(l) = lane {
            *self.lane_out.entry((l, day)).or_insert(0.0) += q;
        }
    }

    fn into_unit(self, kind: UnitKind, parts: CostBreakdown) -> Unit {
        let own_cost =
            parts.transport + parts.expedite + parts.lateness + parts.shortage + parts.change;
        let mut resources: Vec<Resource> = Vec::new();
        if let UnitKind::Order(o) = kind {
            resources.push(Resource::Order(o));
        }
        resources.extend(self.stock.keys().map(|&(n, k)| Resource::Stock(n, k)));
        resources.extend(self.node_out.keys().map(|&(n, d)| Resource::NodeDay(n, d)));
        resources.extend(self.lane_out.keys().map(|&(l, d)| Resource::LaneDay(l, d)));
        resources.sort();
        resources.dedup();
        Unit {
            kind,
            shipments: Vec::new(),
            transfer: None,
            expedite: None,
            own_cost,
            parts,
            stock: self
                .stock
                .into_iter()
                .map(|(k, days)| (k, days.into_iter().collect()))
                .collect(),
            node_out: self.node_out.into_iter().collect(),
            lane_out: self.lane_out.into_iter().collect(),
            resources,
        }
    }
}

/// Cost of one order's shipments that belongs to the order alone (section 3: transport,
/// lateness, shortage and change; not the shared fixed charges).
pub fn order_cost(s: &Scenario, o: OrderIx, shipments: &[(ShipmentKey, f64)]) -> CostBreakdown {
    let order = s.order(o);
    let mut c = CostBreakdown::default();
    for &((_, _, _, lane, day), q) in shipments {
        let q = q.max(0.0);
        let arrival = match lane {
            Some(l) => {
                c.transport += q * s.lane(l).cost_per_unit;
                day + Day::from(s.lane(l).lead_time)
            }
            None => day,
        };
        c.lateness += q * (arrival - order.due).max(0) as f64 * order.late_penalty_per_unit_day;
    }
    for line in &order.lines {
        let shipped: f64 = shipments
            .iter()
            .filter(|((_, k, ..), _)| *k == line.sku)
            .map(|(_, q)| q.max(0.0))
            .sum();
        c.shortage += (line.quantity - shipped).max(0.0) * order.short_penalty_per_unit;
    }
    for p in &order.plan {
        let got = shipments
            .iter()
            .find(|(k, _)| *k == (o, p.sku, p.node, p.lane, Day::from(p.ship)))
            .map_or(0.0, |(_, q)| q.max(0.0));
        c.change += s.policy.change_penalty_per_unit * (p.quantity - got).max(0.0);
    }
    c
}

/// A plan merged per key once, for the stages that read it.
pub struct PlanMaps {
    pub shipments: BTreeMap<ShipmentKey, f64>,
    pub transfers: BTreeMap<TransferKey, f64>,
}

impl PlanMaps {
    pub fn of(p: &Plan) -> Self {
        PlanMaps {
            shipments: p.merged_shipments(),
            transfers: p.merged_transfers(),
        }
    }
}

/// Each order with a shipment in either plan, in index order, with its merged shipments in
/// the base and in the proposal (key order): both maps are sorted by order first, so one
/// walk over each gives the groups.
fn per_order<'m>(
    b: &'m BTreeMap<ShipmentKey, f64>,
    p: &'m BTreeMap<ShipmentKey, f64>,
) -> impl Iterator<Item = (OrderIx, OrderShipments, OrderShipments)> + 'm {
    let (mut b, mut p) = (b.iter().peekable(), p.iter().peekable());
    std::iter::from_fn(move || {
        let o = match (b.peek(), p.peek()) {
            (Some((x, _)), Some((y, _))) => x.0.min(y.0),
            (Some((x, _)), None) => x.0,
            (None, Some((y, _))) => y.0,
            (None, None) => return None,
        };
        let take = |it: &mut std::iter::Peekable<
            std::collections::btree_map::Iter<'m, ShipmentKey, f64>,
        >| {
            let mut v: OrderShipments = Vec::new();
            while let Some((k, q)) = it.next_if(|(k, _)| k.0 == o) {
                v.push((*k, *q));
            }
            v
        };
        Some((o, take(&mut b), take(&mut p)))
    })
}

/// The keys of one order whose merged quantity differs between the base (`bs`) and the
/// proposal (`ps`), in key order, with both quantities (0 where a plan lacks the key).
fn changed_keys(
    bs: &[(ShipmentKey, f64)],
    ps: &[(ShipmentKey, f64)],
) -> Vec<(ShipmentKey, f64, f64)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    loop {
        let (k, x, y) = match (bs.get(i), ps.get(j)) {
            (Some(&(kb, x)), Some(&(kp, y))) if kb == kp => {
                (i, j) = (i + 1, j + 1);
                (kb, x, y)
            }
            (Some(&(kb, x)), Some(&(kp, _))) if kb < kp => {
                i += 1;
                (kb, x, 0.0)
            }
            (Some(&(kb, x)), None) => {
                i += 1;
                (kb, x, 0.0)
            }
            (_, Some(&(kp, y))) => {
                j += 1;
                (kp, 0.0, y)
            }
            (None, None) => return out,
        };
        if x != y {
            out.push((k, x, y));
        }
    }
}

/// Cuts the difference between `base` and `prop` into units, orders first (in index
/// order), then transfers and expedites in key order.
pub fn diff(s: &Scenario, base: &Plan, prop: &Plan, bm: &PlanMaps, pm: &PlanMaps) -> Vec<Unit> {
    let mut units = Vec::new();
    for (o, bs, ps) in per_order(&bm.shipments, &pm.shipments) {
        let changed = changed_keys(&bs, &ps);
        if changed.is_empty() {
            continue;
        }
        let mut d = Deltas::default();
        for &((_, sku, node, lane, day), x, y) in &changed {
            d.leave(s, node, lane, sku, day, y.max(0.0) - x.max(0.0));
        }
        let own = order_cost(s, o, &ps) - order_cost(s, o, &bs);
        let mut u = d.into_unit(UnitKind::Order(o), own);
        u.shipments = changed;
        units.push(u);
    }

    let (bt, pt) = (&bm.transfers, &pm.transfers);
    let mut tkeys: BTreeMap<TransferKey, (f64, f64)> = BTreeMap::new();
    for (k, &q) in bt {
        tkeys.entry(*k).or_default().0 = q;
    }
    for (k, &q) in pt {
        tkeys.entry(*k).or_default().1 = q;
    }
    for (k, (x, y)) in tkeys {
        if x == y {
            continue;
        }
        let (lane, sku, day) = k;
        let l = s.lane(lane);
        let dq = y.max(0.0) - x.max(0.0);
        let mut d = Deltas::default();
        d.leave(s, l.from, Some(lane), sku, day, dq);
        d.stock(s, l.to, sku, day + Day::from(l.lead_time), dq);
        let parts = CostBreakdown {
            transport: dq * l.cost_per_unit,
            ..CostBreakdown::default()
        };
        let mut u = d.into_unit(UnitKind::Transfer(k), parts);
        u.transfer = Some((x, y));
        units.push(u);
    }

    let was: Vec<bool> = flags(s, base);
    let now: Vec<bool> = flags(s, prop);
    for (i, (&x, &y)) in was.iter().zip(&now).enumerate() {
        if x == y {
            continue;
        }
        let ix = InboundIx::new(i);
        let r = s.inbound(ix);
        let mut d = Deltas::default();
        let day = |e: bool| s.inbound(ix).arrival(e).map(Day::from);
        if let Some(t) = day(x) {
            d.stock(s, r.node, r.sku, t, -r.quantity);
        }
        if let Some(t) = day(y) {
            d.stock(s, r.node, r.sku, t, r.quantity);
        }
        // Moving a receipt to the same day still touches its stock: keep the resource so
        // that the unit is ordered after anything else using that stock.
        d.stock.entry((r.node, r.sku)).or_default();
        let cost = r.expedite.map_or(0.0, |e| e.cost);
        let sign = if y { 1.0 } else { -1.0 };
        let parts = CostBreakdown {
            expedite: sign * cost,
            ..CostBreakdown::default()
        };
        let mut u = d.into_unit(UnitKind::Expedite(ix), parts);
        u.expedite = Some((x, y));
        units.push(u);
    }
    units
}

/// Which receipts `p` expedites, by index.
pub(super) fn flags(s: &Scenario, p: &Plan) -> Vec<bool> {
    let mut f = vec![false; s.inbound.len()];
    for i in &p.expedited {
        f[i.ix()] = true;
    }
    f
}
