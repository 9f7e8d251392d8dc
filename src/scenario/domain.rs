//! The scenario as every later stage reads it: typed references, dense indices, dates as day
//! offsets from `as_of`, disruptions applied (and remembered, so that reasons can cite them),
//! policy defaults and per-order overrides resolved.
//!
//! Built only by `validate`, so every value here has passed validation: a lane's nodes exist,
//! a plan entry's lane joins its node to the destination, quantities are finite and >= 0.

use crate::scenario::ids::*;
use crate::scenario::wire::{Location, NodeKind, Weekday};
use chrono::NaiveDate;
use ndarray::Array2;
use std::collections::HashMap;
use std::sync::Arc;

/// A day offset from `as_of`. Plannable days are 0..H-1; due days and arrivals may lie
/// outside that range.
pub type Day = i64;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub as_of: NaiveDate,
    /// H: days 0..H-1 are plannable.
    pub horizon: u32,
    pub currency: Option<String>,
    pub skus: Vec<Sku>,
    pub nodes: Vec<Node>,
    pub lanes: Vec<Lane>,
    pub inbound: Vec<Inbound>,
    /// The scenario's orders followed by those that `demand_surge` disruptions add. Shared
    /// with the scenarios the worker's events make from this one (`validate::extend`).
    pub orders: Arc<Vec<Order>>,
    pub disruptions: Vec<Disruption>,
    pub policy: Policy,
    /// Per (node, sku): what the data says and what disruptions took.
    pub stock: HashMap<(NodeIx, SkuIx), StockRecord>,
    /// Available at day 0 per [node, sku]: max(0, on_hand after losses - reserved).
    pub available: Array2<f64>,
    pub index: Index,
}

/// String id to dense index, for every kind of entity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Index {
    pub skus: HashMap<SkuId, SkuIx>,
    pub nodes: HashMap<NodeId, NodeIx>,
    pub lanes: HashMap<LaneId, LaneIx>,
    pub inbound: HashMap<InboundId, InboundIx>,
    /// Shared as `Scenario::orders` is.
    pub orders: Arc<HashMap<OrderId, OrderIx>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sku {
    pub id: SkuId,
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: NodeId,
    pub kind: NodeKind,
    pub ship_capacity_per_day: Option<f64>,
    /// For people and pictures only.
    pub name: Option<String>,
    pub location: Option<Location>,
    /// Outages from `node_outage` disruptions, clipped to the horizon.
    pub outages: Vec<Outage>,
    /// Per plannable day: whether anything may leave the node.
    pub open: Vec<bool>,
}

impl Node {
    pub fn holds_stock(&self) -> bool {
        self.kind.holds_stock()
    }
    pub fn is_open(&self, day: Day) -> bool {
        usize::try_from(day)
            .ok()
            .and_then(|d| self.open.get(d))
            .copied()
            .unwrap_or(false)
    }
}

/// Days `from..=until` (offsets, clipped to the horizon) on which something is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outage {
    pub from: Day,
    pub until: Day,
    pub disruption: DisruptionIx,
}

impl Outage {
    pub fn covers(&self, day: Day) -> bool {
        self.from <= day && day <= self.until
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub id: LaneId,
    pub from: NodeIx,
    pub to: NodeIx,
    pub mode: String,
    /// Lead time in the data.
    pub base_lead_time: u32,
    /// Lead time after every `lane_delay` (they add up).
    pub lead_time: u32,
    pub delays: Vec<(DisruptionIx, u32)>,
    pub cost_per_unit: f64,
    pub fixed_cost_per_day: f64,
    pub capacity_per_day: Option<f64>,
    /// `None` = departs every weekday.
    pub departure_days: Option<Vec<Weekday>>,
    pub outages: Vec<Outage>,
    /// Per plannable day: whether the lane departs (weekday allowed and no outage).
    pub departs: Vec<bool>,
    /// The `to` node holds stock, so the lane also carries transfers.
    pub carries_transfers: bool,
}

impl Lane {
    pub fn departs_on(&self, day: Day) -> bool {
        usize::try_from(day)
            .ok()
            .and_then(|d| self.departs.get(d))
            .copied()
            .unwrap_or(false)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StockRecord {
    pub on_hand: f64,
    pub reserved: f64,
    /// Units each `stock_loss` took (after clamping at 0).
    pub losses: Vec<(DisruptionIx, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Inbound {
    pub id: InboundId,
    pub node: NodeIx,
    pub sku: SkuIx,
    pub quantity: f64,
    /// Eta in the data (before disruptions), as an offset (before `as_of` = 0).
    pub planned_eta: Day,
    /// Eta after disruptions; `None` = does not arrive inside the horizon (cancelled, or
    /// eta at or after H).
    pub eta: Option<u32>,
    /// Disruptions that moved or cancelled this receipt, in order.
    pub disrupted_by: Vec<DisruptionIx>,
    pub cancelled: bool,
    /// `None` when there is no option or the receipt was cancelled.
    pub expedite: Option<Expedite>,
}

impl Inbound {
    /// The day it arrives, expedited or not (an expedite with no eta changes nothing);
    /// `None` when it does not arrive inside the horizon.
    pub fn arrival(&self, expedited: bool) -> Option<u32> {
        match self.expedite {
            Some(x) if expedited => x.eta,
            _ => self.eta,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Expedite {
    /// `None` = even expedited, it arrives after the horizon.
    pub eta: Option<u32>,
    pub cost: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub id: OrderId,
    pub customer: Option<String>,
    pub destination: NodeIx,
    pub due: Day,
    pub priority: u32,
    pub lines: Vec<Line>,
    pub plan: Vec<PlanEntry>,
    pub allow_partial: bool,
    pub max_sources: Option<u32>,
    pub frozen: bool,
    pub late_penalty_per_unit_day: f64,
    pub short_penalty_per_unit: f64,
    /// The `demand_surge` that added this order, if any.
    pub surge: Option<DisruptionIx>,
}

impl Order {
    pub fn line_quantity(&self, sku: SkuIx) -> Option<f64> {
        self.lines.iter().find(|l| l.sku == sku).map(|l| l.quantity)
    }

    /// Whether the plan ships from more nodes than `max_sources` (entries of positive
    /// quantity). Section 2 allows such a plan; a frozen one can then never be kept, since
    /// rule 7 keeps it as it stands and rule 6 refuses it.
    pub fn plan_breaks_max_sources(&self) -> bool {
        self.max_sources
            .is_some_and(|cap| self.planned_sources() > cap as usize)
    }

    /// The distinct nodes the plan ships from (entries of positive quantity).
    pub fn planned_sources(&self) -> usize {
        let mut nodes: Vec<NodeIx> = self
            .plan
            .iter()
            .filter(|e| e.quantity > 0.0)
            .map(|e| e.node)
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes.len()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    pub sku: SkuIx,
    pub quantity: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanEntry {
    pub sku: SkuIx,
    pub node: NodeIx,
    /// `None` = local fulfilment (node is the destination).
    pub lane: Option<LaneIx>,
    /// Planned ship day, 0..H-1 (a past date was moved to 0 with a warning).
    pub ship: u32,
    pub quantity: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Disruption {
    pub kind: DisruptionKind,
    /// Short human label, e.g. `inbound_delay of PO-1 to 2026-12-05`.
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DisruptionKind {
    InboundDelay {
        inbound: InboundIx,
        eta: Day,
    },
    InboundCancel {
        inbound: InboundIx,
    },
    /// `quantity` is what the data asked for; `StockRecord::losses` has what it took.
    StockLoss {
        node: NodeIx,
        sku: SkuIx,
        quantity: f64,
    },
    NodeOutage {
        node: NodeIx,
        from: Day,
        until: Day,
    },
    LaneOutage {
        lane: LaneIx,
        from: Day,
        until: Day,
    },
    LaneDelay {
        lane: LaneIx,
        extra_days: u32,
    },
    DemandSurge {
        orders: Vec<OrderIx>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Sorted by priority, never empty.
    pub priority_penalties: Vec<PriorityPenalty>,
    pub change_penalty_per_unit: f64,
    pub integer_quantities: bool,
    pub forbid: Vec<Forbid>,
    pub time_limit_s: f64,
    pub mip_gap: f64,
    /// 0 = all cores.
    pub threads: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriorityPenalty {
    pub priority: u32,
    pub late_per_unit_day: f64,
    pub short_per_unit: f64,
}

impl Policy {
    pub fn default_priority_penalties() -> Vec<PriorityPenalty> {
        vec![
            PriorityPenalty {
                priority: 1,
                late_per_unit_day: 50.0,
                short_per_unit: 1000.0,
            },
            PriorityPenalty {
                priority: 2,
                late_per_unit_day: 20.0,
                short_per_unit: 400.0,
            },
            PriorityPenalty {
                priority: 3,
                late_per_unit_day: 5.0,
                short_per_unit: 100.0,
            },
        ]
    }

    /// The entry with the largest priority <= `priority`, else the first one.
    pub fn penalty_for(&self, priority: u32) -> PriorityPenalty {
        self.priority_penalties
            .iter()
            .rev()
            .find(|p| p.priority <= priority)
            .copied()
            .unwrap_or(self.priority_penalties[0])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Forbid {
    /// No shipment of `order` matching every given field, except on a (sku, node, lane) of
    /// the order's current plan. `lane: Some(None)` matches local shipments only.
    Shipment {
        order: OrderIx,
        sku: Option<SkuIx>,
        node: Option<NodeIx>,
        lane: Option<Option<LaneIx>>,
    },
    Transfer {
        lane: LaneIx,
        sku: Option<SkuIx>,
    },
    ExpediteInbound(InboundIx),
}

impl Forbid {
    /// Whether this entry names a shipment of order `o`'s line `k` from `n` by `lane`
    /// (`None`: local). The exception for the order's current plan is not applied here:
    /// see [`Scenario::shipment_forbidden`].
    pub fn matches_shipment(&self, o: OrderIx, k: SkuIx, n: NodeIx, lane: Option<LaneIx>) -> bool {
        match *self {
            Forbid::Shipment {
                order,
                sku,
                node,
                lane: fl,
            } => {
                order == o
                    && sku.is_none_or(|x| x == k)
                    && node.is_none_or(|x| x == n)
                    && fl.is_none_or(|x| x == lane)
            }
            _ => false,
        }
    }

    /// Whether this entry names transfers of `k` on lane `l`.
    pub fn matches_transfer(&self, l: LaneIx, k: SkuIx) -> bool {
        matches!(*self, Forbid::Transfer { lane, sku } if lane == l && sku.is_none_or(|x| x == k))
    }
}

impl Scenario {
    /// Whether `policy.forbid` rules out transferring `k` on lane `l`.
    pub fn transfer_forbidden(&self, l: LaneIx, k: SkuIx) -> bool {
        self.policy.forbid.iter().any(|f| f.matches_transfer(l, k))
    }

    /// Whether `policy.forbid` rules out order `o` shipping line `k` from `n` by `lane`: an
    /// entry matches it and the (sku, node, lane) is not on the order's current plan, which
    /// section 2 exempts.
    pub fn shipment_forbidden(
        &self,
        o: OrderIx,
        k: SkuIx,
        n: NodeIx,
        lane: Option<LaneIx>,
    ) -> bool {
        self.policy
            .forbid
            .iter()
            .any(|f| f.matches_shipment(o, k, n, lane))
            && !self
                .order(o)
                .plan
                .iter()
                .any(|e| e.sku == k && e.node == n && e.lane == lane)
    }

    pub fn sku(&self, s: SkuIx) -> &Sku {
        &self.skus[s.ix()]
    }
    pub fn node(&self, n: NodeIx) -> &Node {
        &self.nodes[n.ix()]
    }
    pub fn lane(&self, l: LaneIx) -> &Lane {
        &self.lanes[l.ix()]
    }
    pub fn order(&self, o: OrderIx) -> &Order {
        &self.orders[o.ix()]
    }
    pub fn inbound(&self, i: InboundIx) -> &Inbound {
        &self.inbound[i.ix()]
    }
    pub fn available_at_start(&self, node: NodeIx, sku: SkuIx) -> f64 {
        self.available[[node.ix(), sku.ix()]]
    }
    /// The calendar date of a day offset.
    pub fn date(&self, day: Day) -> NaiveDate {
        self.as_of + chrono::Duration::days(day)
    }
    pub fn date_string(&self, day: Day) -> String {
        self.date(day).format("%Y-%m-%d").to_string()
    }
}
