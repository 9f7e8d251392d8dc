//! Step 3: capacities, stock and receipts sized so that every plan holds before the
//! disruptions, with spare stock to rescue orders with.

use super::calendar::Calendar;
use super::config::GenerateConfig;
use super::network::{Mode, Network};
use super::orders::Book;
use super::random::{Rng, STREAM_CAPACITY, STREAM_SUPPLY};
use super::rounding::lot;
use crate::scenario::wire::NodeKind;
use std::collections::HashSet;

pub(super) struct Receipt {
    pub(super) id: String,
    pub(super) node: usize,
    pub(super) sku: usize,
    pub(super) qty: f64,
    pub(super) eta: i64,
    pub(super) expedite: Option<(i64, f64)>,
}

pub(super) struct Supply {
    /// (node, sku, on_hand, reserved), sorted by (node, sku).
    pub(super) stock: Vec<(usize, usize, f64, f64)>,
    pub(super) receipts: Vec<Receipt>,
    pub(super) node_cap: Vec<Option<f64>>,
    pub(super) lane_cap: Vec<Option<f64>>,
}

/// The supply for `book`'s plans: capacities (from the capacity stream), then stock and
/// receipts per planned (node, SKU), spare stock, and the receipts' ids and expedites (from
/// the supply stream).
pub(super) fn build_supply(
    cfg: &GenerateConfig,
    net: &Network,
    book: &Book,
    cal: &Calendar,
) -> Supply {
    let h = cal.h;
    let mut rng = Rng::new(cfg.seed, STREAM_CAPACITY);
    let node_cap = node_capacities(&mut rng, net, book);
    let lane_cap = lane_capacities(&mut rng, net, book, h);

    let mut rng = Rng::new(cfg.seed, STREAM_SUPPLY);
    let mut stock: Vec<(usize, usize, f64, f64)> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let sku_demand = planned_stock(&mut rng, book, h, &mut stock, &mut pending);
    add_spare_stock(
        &mut rng,
        net,
        book,
        h,
        &sku_demand,
        &mut stock,
        &mut pending,
    );
    stock.sort_by_key(|s| (s.0, s.1));
    stock.dedup_by_key(|s| (s.0, s.1));
    let receipts = number_receipts(&mut rng, net, pending);
    Supply {
        stock,
        receipts,
        node_cap,
        lane_cap,
    }
}

/// A receipt before it has an id: (node, sku, quantity, eta).
type Pending = (usize, usize, f64, i64);

/// Capacities on some stock-holding nodes (40 %), above the plan's peak use.
fn node_capacities(rng: &mut Rng, net: &Network, book: &Book) -> Vec<Option<f64>> {
    net.nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            if !node.kind.holds_stock() || !rng.chance(0.4) {
                return None;
            }
            let peak = book.node_use[i].iter().copied().fold(0.0, f64::max);
            let c = if peak > 0.0 {
                lot(peak * (1.2 + 0.4 * rng.unit())).max(20.0)
            } else {
                lot(100.0 + 400.0 * rng.unit())
            };
            Some(c)
        })
        .collect()
}

/// Capacities on every air lane, half the transfer lanes and a quarter of the customer
/// ground lanes, above the plan's peak use (transfer lanes: a share of a DC's average daily
/// volume over `h` days on top).
fn lane_capacities(rng: &mut Rng, net: &Network, book: &Book, h: usize) -> Vec<Option<f64>> {
    let total_units: f64 = book.node_use.iter().flatten().sum();
    let per_dc_day = total_units / (net.dcs.len().max(1) * h) as f64;
    net.lanes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let peak = book.lane_use[i].iter().copied().fold(0.0, f64::max);
            match (l.mode, l.transfer) {
                (Mode::Air, _) => {
                    let base = f64::from(20 + 10 * rng.below(5) as u32);
                    Some(lot(peak * 1.3).max(base))
                }
                (Mode::Ground, true) => rng
                    .chance(0.5)
                    .then(|| lot((per_dc_day * (0.3 + 0.5 * rng.unit())).max(50.0) + peak)),
                (Mode::Ground, false) => rng
                    .chance(0.25)
                    .then(|| lot(peak * (1.2 + 0.4 * rng.unit())).max(20.0)),
            }
        })
        .collect()
}

/// Stock and receipts per planned (node, SKU), in (node, SKU) order, so that the balance
/// never goes negative, with some slack, reserved units and now and then a replenishment
/// no plan counts on. Returns the planned units per SKU.
fn planned_stock(
    rng: &mut Rng,
    book: &Book,
    h: usize,
    stock: &mut Vec<(usize, usize, f64, f64)>,
    pending: &mut Vec<Pending>,
) -> Vec<f64> {
    let mut order: Vec<usize> = (0..book.keys.len()).collect();
    order.sort_by_key(|&k| book.keys[k]);
    let mut sku_demand = vec![0.0; book.skus.len()];
    for &k in &order {
        let (node, sku) = book.keys[k];
        let out = &book.key_out[k];
        let total: f64 = out.iter().sum();
        sku_demand[sku] += total;
        let frac = if rng.chance(0.45) {
            1.0
        } else {
            0.3 + 0.6 * rng.unit()
        };
        let mut avail = (total * frac).ceil();
        // Receipts where the balance would go negative.
        let mut bal = avail;
        for (t, &q) in out.iter().enumerate() {
            bal -= q;
            if bal < 0.0 {
                let qty = lot(-bal * (1.0 + 0.15 * rng.unit()));
                let eta = t as i64 - rng.range(0, (t as i64).min(2));
                pending.push((node, sku, qty, eta));
                bal += qty;
            }
        }
        avail += (total * (0.03 + 0.12 * rng.unit())).round();
        if rng.chance(0.08) {
            // A replenishment that no plan counts on.
            let eta = rng.range(2, h as i64 + 3);
            pending.push((node, sku, lot(total * 0.5).max(1.0), eta));
        }
        let reserved = if rng.chance(0.25) {
            (avail * (0.1 + 0.1 * rng.unit())).round().max(1.0)
        } else {
            0.0
        };
        stock.push((node, sku, avail + reserved, reserved));
    }
    sku_demand
}

/// Spare stock that no plan uses, for each SKU with demand (`sku_demand`): at a random
/// plant (sometimes with a receipt), and for 60 % at a random DC, where no plan draws on it.
fn add_spare_stock(
    rng: &mut Rng,
    net: &Network,
    book: &Book,
    h: usize,
    sku_demand: &[f64],
    stock: &mut Vec<(usize, usize, f64, f64)>,
    pending: &mut Vec<Pending>,
) {
    let planned: HashSet<(usize, usize)> = book.keys.iter().copied().collect();
    for (sku, &demand) in sku_demand.iter().enumerate() {
        if demand <= 0.0 {
            continue;
        }
        if !net.plants.is_empty() {
            let p = net.plants[rng.below(net.plants.len())];
            if !planned.contains(&(p, sku)) {
                stock.push((p, sku, lot(demand * (0.2 + 0.3 * rng.unit())), 0.0));
                if rng.chance(0.5) {
                    // From day 3 where the horizon has one; the last day in a shorter one.
                    let last = h as i64 - 1;
                    let eta = rng.range(3.min(last), last);
                    pending.push((p, sku, lot(demand * 0.4), eta));
                }
            }
        }
        if !net.dcs.is_empty() && rng.chance(0.6) {
            let d = net.dcs[rng.below(net.dcs.len())];
            if !planned.contains(&(d, sku)) {
                stock.push((d, sku, lot(demand * (0.1 + 0.2 * rng.unit())), 0.0));
            }
        }
    }
}

/// The receipts of `pending`, in its order: numbered per kind (MO- at plants, PO-
/// elsewhere), 40 % of those due after day 0 expeditable at a cost, by 1 to 3 days but
/// not before day 0.
fn number_receipts(rng: &mut Rng, net: &Network, pending: Vec<Pending>) -> Vec<Receipt> {
    let mut receipts = Vec::with_capacity(pending.len());
    let (mut po, mut mo) = (0, 0);
    for (node, sku, qty, eta) in pending {
        let id = if net.nodes[node].kind == NodeKind::Plant {
            mo += 1;
            format!("MO-{mo:05}")
        } else {
            po += 1;
            format!("PO-{po:05}")
        };
        let expedite = (eta >= 1 && rng.chance(0.4)).then(|| {
            let pull = rng.range(1, eta.min(3));
            let cost = ((80.0 + qty * (1.5 + 2.5 * rng.unit())) / 10.0).round() * 10.0;
            (eta - pull, cost)
        });
        receipts.push(Receipt {
            id,
            node,
            sku,
            qty,
            eta,
            expedite,
        });
    }
    receipts
}
