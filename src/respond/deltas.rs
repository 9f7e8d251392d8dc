//! What a response changes, as the plan entries it removes and adds, and a base plan those
//! changes apply to (the checker's prefixes, `recourse apply`).

use super::units::{Unit, UnitKind};
use crate::plan::{merge, Plan};
use crate::scenario::ids::*;
use std::collections::BTreeSet;

/// The response's delta against the plan before it, as section 5 writes it.
pub(super) fn delta<'a>(members: impl IntoIterator<Item = &'a Unit>) -> (Plan, Plan) {
    let mut remove = Plan::default();
    let mut add = Plan::default();
    for u in members {
        for &(key, b, p) in &u.shipments {
            let sh = |quantity| crate::plan::Shipment::at(key, quantity);
            if p > b {
                add.shipments.push(sh(p - b));
            } else if b > p {
                remove.shipments.push(sh(b - p));
            }
        }
        if let (UnitKind::Transfer((lane, sku, ship)), Some((b, p))) = (&u.kind, u.transfer) {
            let t = |quantity| crate::plan::Transfer::at((*lane, *sku, *ship), quantity);
            if p > b {
                add.transfers.push(t(p - b));
            } else if b > p {
                remove.transfers.push(t(b - p));
            }
        }
        if let (UnitKind::Expedite(i), Some((b, p))) = (&u.kind, u.expedite) {
            match (b, p) {
                (false, true) => add.expedited.push(*i),
                (true, false) => remove.expedited.push(*i),
                _ => {}
            }
        }
    }
    (remove.normalized(), add.normalized())
}

/// Applies responses' deltas, in order, to a plan (section 5): `remove` quantities are
/// taken off the matching merged entries, `add` entries are merged in.
pub fn apply_deltas<'a>(base: &Plan, deltas: impl IntoIterator<Item = &'a (Plan, Plan)>) -> Plan {
    MergedBase::of(base).apply(deltas)
}

/// A plan's entries summed per key, in key order: the base that deltas are applied to,
/// merged once for every prefix the checker builds from it.
pub struct MergedBase {
    pub(super) shipments: Vec<(crate::plan::ShipmentKey, f64)>,
    pub(super) transfers: Vec<(crate::plan::TransferKey, f64)>,
    pub(super) expedited: BTreeSet<InboundIx>,
}

impl MergedBase {
    pub fn of(base: &Plan) -> MergedBase {
        MergedBase {
            shipments: merge(base.shipments.iter().map(|s| (s.key(), s.quantity))),
            transfers: merge(base.transfers.iter().map(|t| (t.key(), t.quantity))),
            expedited: base.expedited.iter().copied().collect(),
        }
    }

    /// The plan after `deltas`, in order. Each key's quantity is its base sum, then every
    /// delta's change to it in order (removals subtracted, additions added), as a map's
    /// `entry(key) -= q` / `+= q` would give them; residues within 1e-12 of zero are zero,
    /// and zero entries are dropped. A sort of the deltas' entries merged into the base,
    /// not a map of the whole plan per prefix (a map was a third of the checker's time).
    pub fn apply<'a>(&self, deltas: impl IntoIterator<Item = &'a (Plan, Plan)>) -> Plan {
        let mut ship_ops = Vec::new();
        let mut tr_ops = Vec::new();
        let mut exp = self.expedited.clone();
        for (remove, add) in deltas {
            ship_ops.extend(remove.shipments.iter().map(|s| (s.key(), -s.quantity)));
            ship_ops.extend(add.shipments.iter().map(|s| (s.key(), s.quantity)));
            tr_ops.extend(remove.transfers.iter().map(|t| (t.key(), -t.quantity)));
            tr_ops.extend(add.transfers.iter().map(|t| (t.key(), t.quantity)));
            for i in &remove.expedited {
                exp.remove(i);
            }
            exp.extend(add.expedited.iter().copied());
        }
        Plan {
            shipments: changed(&self.shipments, ship_ops)
                .map(|(key, q)| crate::plan::Shipment::at(key, q))
                .collect(),
            transfers: changed(&self.transfers, tr_ops)
                .map(|(key, q)| crate::plan::Transfer::at(key, q))
                .collect(),
            expedited: exp.into_iter().collect(),
        }
    }
}

/// `base` (summed per key, in key order) with `ops` added in their order, key by key;
/// residues within 1e-12 of zero are zero, and zero entries dropped.
pub(super) fn changed<K: Ord + Copy>(
    base: &[(K, f64)],
    mut ops: Vec<(K, f64)>,
) -> impl Iterator<Item = (K, f64)> {
    // Stable: a key's changes stay in the order they were made.
    ops.sort_by_key(|(k, _)| *k);
    let mut out: Vec<(K, f64)> = Vec::with_capacity(base.len() + ops.len());
    let (mut i, mut j) = (0, 0);
    while i < base.len() || j < ops.len() {
        if j == ops.len() || (i < base.len() && base[i].0 < ops[j].0) {
            out.push(base[i]);
            i += 1;
            continue;
        }
        let k = ops[j].0;
        // x - q is x + (-q) exactly, so subtracting a removal and adding its negation agree.
        let mut q = match base.get(i) {
            Some(&(bk, bq)) if bk == k => {
                i += 1;
                bq
            }
            _ => 0.0,
        };
        while j < ops.len() && ops[j].0 == k {
            q += ops[j].1;
            j += 1;
        }
        out.push((k, q));
    }
    out.into_iter()
        .map(|(k, q)| (k, if q.abs() <= 1e-12 { 0.0 } else { q }))
        .filter(|(_, q)| *q != 0.0)
}

#[cfg(test)]
mod tests {
    use super::apply_deltas;
    use crate::plan::{Plan, Shipment, Transfer};
    use crate::scenario::ids::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// Applying deltas through maps of the whole plan: what `apply_deltas` computed before
    /// it merged sorted deltas into the base.
    fn by_maps<'a>(base: &Plan, deltas: impl IntoIterator<Item = &'a (Plan, Plan)>) -> Plan {
        let mut ship = base.merged_shipments();
        let mut tr = base.merged_transfers();
        let mut exp: BTreeSet<InboundIx> = base.expedited.iter().copied().collect();
        for (remove, add) in deltas {
            for s in &remove.shipments {
                *ship.entry(s.key()).or_insert(0.0) -= s.quantity;
            }
            for s in &add.shipments {
                *ship.entry(s.key()).or_insert(0.0) += s.quantity;
            }
            for t in &remove.transfers {
                *tr.entry(t.key()).or_insert(0.0) -= t.quantity;
            }
            for t in &add.transfers {
                *tr.entry(t.key()).or_insert(0.0) += t.quantity;
            }
            for i in &remove.expedited {
                exp.remove(i);
            }
            exp.extend(add.expedited.iter().copied());
        }
        let clean = |q: &mut f64| {
            if q.abs() <= 1e-12 {
                *q = 0.0;
            }
        };
        ship.values_mut().for_each(clean);
        tr.values_mut().for_each(clean);
        Plan::from_merged(&ship, &tr, exp.into_iter().collect())
    }

    /// A small plan from raw numbers: few distinct keys, quantities in thirds around 0, so
    /// that keys repeat, sums cancel and residues appear.
    fn plan(raw: &[(u8, u8, u8, i8)]) -> Plan {
        Plan {
            shipments: raw
                .iter()
                .map(|&(o, k, d, q)| Shipment {
                    order: OrderIx::new(usize::from(o % 3)),
                    sku: SkuIx::new(usize::from(k % 2)),
                    node: NodeIx::new(0),
                    lane: (d % 2 == 0).then(|| LaneIx::new(0)),
                    ship: i64::from(d % 3),
                    quantity: f64::from(q % 5) / 3.0,
                })
                .collect(),
            transfers: raw
                .iter()
                .map(|&(o, k, d, q)| Transfer {
                    lane: LaneIx::new(usize::from(o % 2)),
                    sku: SkuIx::new(usize::from(k % 2)),
                    ship: i64::from(d % 2),
                    quantity: f64::from(q % 4) / 3.0,
                })
                .collect(),
            expedited: raw
                .iter()
                .map(|&(o, ..)| InboundIx::new(usize::from(o % 4)))
                .collect(),
        }
    }

    proptest! {
        /// The merge of sorted deltas gives what maps of the whole plan gave, bit for bit.
        #[test]
        fn applying_deltas_by_merge_is_applying_them_by_maps(
            base in proptest::collection::vec(any::<(u8, u8, u8, i8)>(), 0..30),
            deltas in proptest::collection::vec(
                (
                    proptest::collection::vec(any::<(u8, u8, u8, i8)>(), 0..6),
                    proptest::collection::vec(any::<(u8, u8, u8, i8)>(), 0..6),
                ),
                0..6,
            ),
        ) {
            let base = plan(&base);
            let deltas: Vec<(Plan, Plan)> =
                deltas.iter().map(|(r, a)| (plan(r), plan(a))).collect();
            let got = apply_deltas(&base, &deltas);
            let want = by_maps(&base, &deltas);
            let ships = |p: &Plan| -> Vec<_> {
                p.shipments.iter().map(|s| (s.key(), s.quantity.to_bits())).collect()
            };
            let transfers = |p: &Plan| -> Vec<_> {
                p.transfers.iter().map(|t| (t.key(), t.quantity.to_bits())).collect()
            };
            prop_assert_eq!(ships(&got), ships(&want));
            prop_assert_eq!(transfers(&got), transfers(&want));
            prop_assert_eq!(got.expedited, want.expedited);
        }
    }
}
