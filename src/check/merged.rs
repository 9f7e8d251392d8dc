//! The plan summed per key (section 5: shipments per (order, sku, node, lane, day), transfers
//! per (lane, sku, day)), and the totals per resource that several rules and costs share.
//! Built once per evaluation, in one pass over the plan.

use super::TOLERANCE;
use crate::domain::{Day, Scenario};
use crate::ids::*;
use crate::plan::{Plan, ShipmentKey, TransferKey};
use std::collections::{BTreeMap, HashMap};

pub(crate) struct Merged {
    pub shipments: BTreeMap<ShipmentKey, f64>,
    pub transfers: BTreeMap<TransferKey, f64>,
    /// Distinct expedited receipts, in index order (a duplicate means nothing more).
    pub expedited: Vec<InboundIx>,
    /// Per receipt (indexed by `InboundIx`): listed in `expedited`.
    pub is_expedited: Vec<bool>,
    /// Units moved per (order, sku).
    pub shipped: HashMap<(OrderIx, SkuIx), f64>,
    /// Units leaving per (node, day): shipments (local ones too) and transfers.
    pub node_out: HashMap<(NodeIx, Day), f64>,
    /// Units departing per (lane, day): shipments and transfers.
    pub lane_out: HashMap<(LaneIx, Day), f64>,
}

/// The units a merged quantity moves: a negative quantity (a rule-1 violation) moves nothing.
pub(crate) fn moved(q: f64) -> f64 {
    q.max(0.0)
}

/// The quantity moves something, beyond a solver's noise.
pub(crate) fn positive(q: f64) -> bool {
    q > TOLERANCE
}

impl Merged {
    pub fn new(s: &Scenario, plan: &Plan) -> Self {
        let shipments = plan.merged_shipments();
        let transfers = plan.merged_transfers();
        let mut is_expedited = vec![false; s.inbound.len()];
        for &i in &plan.expedited {
            is_expedited[i.ix()] = true;
        }
        let expedited = (0..s.inbound.len())
            .filter(|&i| is_expedited[i])
            .map(InboundIx::new)
            .collect();

        let mut shipped = HashMap::new();
        let mut node_out = HashMap::new();
        let mut lane_out = HashMap::new();
        for (&(order, sku, node, lane, day), &q) in &shipments {
            let q = moved(q);
            if q == 0.0 {
                continue;
            }
            *shipped.entry((order, sku)).or_insert(0.0) += q;
            *node_out.entry((node, day)).or_insert(0.0) += q;
            if let Some(l) = lane {
                *lane_out.entry((l, day)).or_insert(0.0) += q;
            }
        }
        for (&(lane, _, day), &q) in &transfers {
            let q = moved(q);
            if q == 0.0 {
                continue;
            }
            *node_out.entry((s.lane(lane).from, day)).or_insert(0.0) += q;
            *lane_out.entry((lane, day)).or_insert(0.0) += q;
        }
        Merged {
            shipments,
            transfers,
            expedited,
            is_expedited,
            shipped,
            node_out,
            lane_out,
        }
    }

    /// Units of `order`'s `sku` moved, 0 when none.
    pub fn shipped(&self, order: OrderIx, sku: SkuIx) -> f64 {
        self.shipped.get(&(order, sku)).copied().unwrap_or(0.0)
    }

    /// The day a receipt arrives under this plan: its expedited eta when expedited and it has
    /// an option, else its eta; `None` = not inside the horizon.
    pub fn receipt_day(&self, s: &Scenario, i: InboundIx) -> Option<u32> {
        let r = s.inbound(i);
        match r.expedite {
            Some(x) if self.is_expedited[i.ix()] => x.eta,
            _ => r.eta,
        }
    }
}
