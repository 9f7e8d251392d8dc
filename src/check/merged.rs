//! The plan summed per key (section 5: shipments per (order, sku, node, lane, day), transfers
//! per (lane, sku, day)), and the totals per resource that several rules and costs share.
//! Built once per evaluation, in one pass over the plan.
//!
//! Merged shipments are kept sorted by key, order first, so an order's shipments are one
//! slice: looking one up is a binary search in a few entries, with no hashing. Maps keyed by
//! (node, day) or (lane, day) use [`FastMap`]: the keys are small integers, so a
//! multiply-rotate hash does as well as SipHash at a fraction of its cost.

use super::tolerance::TOLERANCE;
use crate::plan::{merge, Plan, ShipmentKey, TransferKey};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash (as in rustc): fast for integer keys, not resistant to chosen collisions,
/// which does not matter for ids of our own dense indices.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

pub(crate) struct Merged {
    /// Merged shipments in key order (order first).
    pub shipments: Vec<(ShipmentKey, f64)>,
    /// `shipments[by_order[o]..by_order[o + 1]]` are order o's.
    by_order: Vec<usize>,
    /// Merged transfers in key order.
    pub transfers: Vec<(TransferKey, f64)>,
    /// Distinct expedited receipts, in index order (a duplicate means nothing more).
    pub expedited: Vec<InboundIx>,
    /// Per receipt (indexed by `InboundIx`): listed in `expedited`.
    pub is_expedited: Vec<bool>,
    /// Units moved per (order, sku), in key order; like `shipments`, one slice per order.
    pub shipped: Vec<(OrderIx, SkuIx, f64)>,
    shipped_by_order: Vec<usize>,
    /// Units leaving per (node, day): shipments (local ones too) and transfers.
    pub node_out: FastMap<(NodeIx, Day), f64>,
    /// Units departing per (lane, day): shipments and transfers.
    pub lane_out: FastMap<(LaneIx, Day), f64>,
}

/// The units a merged quantity moves: a negative quantity (a rule-1 violation) moves nothing.
pub(crate) fn moved(q: f64) -> f64 {
    q.max(0.0)
}

/// The quantity moves something, beyond a solver's noise.
pub(crate) fn positive(q: f64) -> bool {
    q > TOLERANCE
}

/// For entries sorted by order: `starts[o]..starts[o + 1]` is order o's range.
fn starts<T>(entries: &[T], orders: usize, order_of: impl Fn(&T) -> OrderIx) -> Vec<usize> {
    let mut starts = vec![0; orders + 1];
    for e in entries {
        starts[order_of(e).ix() + 1] += 1;
    }
    for o in 0..orders {
        starts[o + 1] += starts[o];
    }
    starts
}

impl Merged {
    pub fn new(s: &Scenario, plan: &Plan) -> Self {
        let shipments = merge(plan.shipments.iter().map(|x| (x.key(), x.quantity)));
        let transfers = merge(plan.transfers.iter().map(|x| (x.key(), x.quantity)));
        let by_order = starts(&shipments, s.orders.len(), |(k, _)| k.0);
        let mut is_expedited = vec![false; s.inbound.len()];
        for &i in &plan.expedited {
            is_expedited[i.ix()] = true;
        }
        let expedited = (0..s.inbound.len())
            .filter(|&i| is_expedited[i])
            .map(InboundIx::new)
            .collect();

        let mut shipped: Vec<(OrderIx, SkuIx, f64)> = Vec::new();
        let mut node_out = FastMap::default();
        let mut lane_out = FastMap::default();
        for &((order, sku, node, lane, day), q) in &shipments {
            let q = moved(q);
            match shipped.last_mut() {
                Some((o, k, total)) if *o == order && *k == sku => *total += q,
                _ => shipped.push((order, sku, q)),
            }
            if q == 0.0 {
                continue;
            }
            *node_out.entry((node, day)).or_insert(0.0) += q;
            if let Some(l) = lane {
                *lane_out.entry((l, day)).or_insert(0.0) += q;
            }
        }
        let shipped_by_order = starts(&shipped, s.orders.len(), |e| e.0);
        for &((lane, _, day), q) in &transfers {
            let q = moved(q);
            if q == 0.0 {
                continue;
            }
            *node_out.entry((s.lane(lane).from, day)).or_insert(0.0) += q;
            *lane_out.entry((lane, day)).or_insert(0.0) += q;
        }
        Merged {
            shipments,
            by_order,
            transfers,
            expedited,
            is_expedited,
            shipped,
            shipped_by_order,
            node_out,
            lane_out,
        }
    }

    /// Order o's merged shipments, in key order.
    pub fn of_order(&self, o: OrderIx) -> &[(ShipmentKey, f64)] {
        &self.shipments[self.by_order[o.ix()]..self.by_order[o.ix() + 1]]
    }

    /// The merged quantity on a key, if the plan has it.
    pub fn get(&self, key: &ShipmentKey) -> Option<f64> {
        let mine = self.of_order(key.0);
        mine.binary_search_by(|(k, _)| k.cmp(key))
            .ok()
            .map(|i| mine[i].1)
    }

    /// Units of `order`'s `sku` moved, 0 when none.
    pub fn shipped(&self, order: OrderIx, sku: SkuIx) -> f64 {
        let mine =
            &self.shipped[self.shipped_by_order[order.ix()]..self.shipped_by_order[order.ix() + 1]];
        mine.binary_search_by(|e| e.1.cmp(&sku))
            .map_or(0.0, |i| mine[i].2)
    }

    /// The day a receipt arrives under this plan: its expedited eta when expedited and it has
    /// an option, else its eta; `None` = not inside the horizon.
    pub fn receipt_day(&self, s: &Scenario, i: InboundIx) -> Option<u32> {
        s.inbound(i).arrival(self.is_expedited[i.ix()])
    }
}

#[cfg(test)]
mod tests {
    use super::merge;
    use crate::plan::{Plan, Shipment, Transfer};
    use crate::scenario::ids::*;

    #[test]
    fn merging_agrees_with_the_plans_own_merge_bit_for_bit() {
        let mut p = Plan::default();
        // Keys repeated out of order, with sums whose value depends on the order of addition.
        for i in 0..200u32 {
            p.shipments.push(Shipment {
                order: OrderIx(i % 7),
                sku: SkuIx(i % 3),
                node: NodeIx(i % 2),
                lane: (i % 5 != 0).then_some(LaneIx(i % 4)),
                ship: i64::from(i % 6) - 1,
                quantity: 0.1 * f64::from(i) + 1e-9,
            });
            p.transfers.push(Transfer {
                lane: LaneIx(i % 4),
                sku: SkuIx(i % 3),
                ship: i64::from(i % 5),
                quantity: 0.3 * f64::from(i),
            });
        }
        let ours = merge(
            p.shipments
                .iter()
                .map(|x| ((x.order, x.sku, x.node, x.lane, x.ship), x.quantity)),
        );
        let theirs: Vec<_> = p.merged_shipments().into_iter().collect();
        assert_eq!(ours, theirs);
        let ours = merge(
            p.transfers
                .iter()
                .map(|x| ((x.lane, x.sku, x.ship), x.quantity)),
        );
        let theirs: Vec<_> = p.merged_transfers().into_iter().collect();
        assert_eq!(ours, theirs);
    }
}
