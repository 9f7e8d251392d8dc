//! Step 4, first half: candidate disruptions of every kind, each with the orders a quick
//! estimate from the plans says it hits.

use super::calendar::Calendar;
use super::mix::{K_CANCEL, K_DELAY, K_LANE_DELAY, K_LANE_OUT, K_LOSS, K_NODE_OUT};
use super::network::Network;
use super::orders::{Book, GOrder};
use super::random::Rng;
use super::supply::Supply;
use crate::scenario::wire::DisruptionDoc;
use std::collections::HashSet;

/// A disruption and the orders the quick estimate says it hits.
pub(super) struct Candidate {
    pub(super) kind: usize,
    pub(super) doc: DisruptionDoc,
    pub(super) hits: Vec<u32>,
}

/// A planned entry, flattened, for the estimates.
#[derive(Clone, Copy)]
struct Flat {
    pub(super) order: u32,
    pub(super) lane: Option<usize>,
    pub(super) ship: i64,
    pub(super) qty: f64,
}

pub(super) struct Estimator<'a> {
    pub(super) net: &'a Network,
    pub(super) book: &'a Book,
    pub(super) supply: &'a Supply,
    pub(super) cal: &'a Calendar,
    flats: Vec<Flat>,
    pub(super) by_node: Vec<Vec<u32>>,
    pub(super) by_lane: Vec<Vec<u32>>,
    /// Per key: flat entries in rough serving order (ship day, priority, due, order).
    by_key: Vec<Vec<u32>>,
    /// Per key: available at day 0 (after reserved), on_hand, reserved.
    key_stock: Vec<(f64, f64)>,
    /// Per key: receipts (index into supply.receipts).
    key_receipts: Vec<Vec<usize>>,
    /// Days on which frozen shipments leave each node / lane; keys frozen orders draw on.
    frozen_node_days: HashSet<(usize, i64)>,
    frozen_lane_days: HashSet<(usize, i64)>,
    frozen_keys: HashSet<usize>,
}

impl<'a> Estimator<'a> {
    pub(super) fn new(
        net: &'a Network,
        book: &'a Book,
        supply: &'a Supply,
        cal: &'a Calendar,
    ) -> Self {
        let mut flats = Vec::new();
        let mut by_node = vec![Vec::new(); net.nodes.len()];
        let mut by_lane = vec![Vec::new(); net.lanes.len()];
        let mut by_key = vec![Vec::new(); book.keys.len()];
        let mut frozen_node_days = HashSet::new();
        let mut frozen_lane_days = HashSet::new();
        let mut frozen_keys = HashSet::new();
        for (oi, o) in book.orders.iter().enumerate() {
            for e in &o.plan {
                let f = flats.len() as u32;
                flats.push(Flat {
                    order: oi as u32,
                    lane: e.lane,
                    ship: e.ship,
                    qty: f64::from(e.qty),
                });
                by_node[e.node].push(f);
                if let Some(l) = e.lane {
                    by_lane[l].push(f);
                }
                let k = book.key_ix[&(e.node, e.sku)];
                by_key[k].push(f);
                if o.frozen {
                    frozen_node_days.insert((e.node, e.ship));
                    if let Some(l) = e.lane {
                        frozen_lane_days.insert((l, e.ship));
                    }
                    frozen_keys.insert(k);
                }
            }
        }
        for v in &mut by_key {
            v.sort_by_key(|&f| {
                let fl = &flats[f as usize];
                let o = &book.orders[fl.order as usize];
                (fl.ship, o.priority, o.due, fl.order)
            });
        }
        let mut key_stock = vec![(0.0, 0.0); book.keys.len()];
        for &(n, s, on_hand, reserved) in &supply.stock {
            if let Some(&k) = book.key_ix.get(&(n, s)) {
                key_stock[k] = (on_hand, reserved);
            }
        }
        let mut key_receipts = vec![Vec::new(); book.keys.len()];
        for (i, r) in supply.receipts.iter().enumerate() {
            if let Some(&k) = book.key_ix.get(&(r.node, r.sku)) {
                key_receipts[k].push(i);
            }
        }
        Self {
            net,
            book,
            supply,
            cal,
            flats,
            by_node,
            by_lane,
            by_key,
            key_stock,
            key_receipts,
            frozen_node_days,
            frozen_lane_days,
            frozen_keys,
        }
    }

    fn order_of(&self, f: u32) -> &GOrder {
        &self.book.orders[self.flats[f as usize].order as usize]
    }

    /// Whether the entry misses its due date when it cannot leave before `from` (and not
    /// on days `closed` rules out).
    fn late_if_held(&self, f: u32, from: i64, closed: impl Fn(i64) -> bool) -> bool {
        let fl = &self.flats[f as usize];
        let due = self.order_of(f).due;
        match fl.lane {
            None => (from..self.cal.h as i64)
                .find(|&d| !closed(d))
                .is_none_or(|d| d > due),
            Some(l) => {
                let lane = &self.net.lanes[l];
                lane.next_departure(self.cal, from, closed)
                    .is_none_or(|d| d + lane.lead > due)
            }
        }
    }

    fn hits_of(&self, flats: impl Iterator<Item = u32>) -> Vec<u32> {
        let mut v: Vec<u32> = flats.map(|f| self.flats[f as usize].order).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub(super) fn lane_delay(&self, l: usize, extra: i64) -> Vec<u32> {
        let lead = self.net.lanes[l].lead + extra;
        self.hits_of(self.by_lane[l].iter().copied().filter(|&f| {
            let fl = &self.flats[f as usize];
            fl.ship + lead > self.order_of(f).due
        }))
    }

    pub(super) fn lane_outage(&self, l: usize, from: i64, until: i64) -> Vec<u32> {
        self.hits_of(self.by_lane[l].iter().copied().filter(|&f| {
            let s = self.flats[f as usize].ship;
            from <= s && s <= until && self.late_if_held(f, s, |d| from <= d && d <= until)
        }))
    }

    pub(super) fn node_outage(&self, n: usize, from: i64, until: i64) -> Vec<u32> {
        self.hits_of(self.by_node[n].iter().copied().filter(|&f| {
            let s = self.flats[f as usize].ship;
            from <= s && s <= until && self.late_if_held(f, s, |d| from <= d && d <= until)
        }))
    }

    /// Orders of key `k` that cannot ship on time in serving order when the available stock
    /// at day 0 is `avail` and receipts arrive as `etas` says (None = never).
    fn stock_hits(&self, k: usize, avail: f64, etas: &[(Option<i64>, f64)]) -> Vec<u32> {
        let h = self.cal.h;
        let mut supply = vec![avail; h];
        for &(eta, q) in etas {
            if let Some(e) = eta.filter(|&e| e < h as i64) {
                for s in supply.iter_mut().skip(e.max(0) as usize) {
                    *s += q;
                }
            }
        }
        let mut cum = 0.0;
        let mut hit = Vec::new();
        for &f in &self.by_key[k] {
            let fl = &self.flats[f as usize];
            cum += fl.qty;
            if supply[fl.ship as usize] + 1e-9 >= cum {
                continue;
            }
            match (fl.ship as usize..h).find(|&d| supply[d] + 1e-9 >= cum) {
                None => hit.push(f),
                Some(d) => {
                    if self.late_if_held(f, d as i64, |_| false) {
                        hit.push(f);
                    }
                }
            }
        }
        self.hits_of(hit.into_iter())
    }

    fn key_etas(&self, k: usize, change: Option<(usize, Option<i64>)>) -> Vec<(Option<i64>, f64)> {
        self.key_receipts[k]
            .iter()
            .map(|&r| {
                let rec = &self.supply.receipts[r];
                match change {
                    Some((c, eta)) if c == r => (eta, rec.qty),
                    _ => (Some(rec.eta), rec.qty),
                }
            })
            .collect()
    }

    pub(super) fn available(&self, k: usize, loss: f64) -> f64 {
        let (on_hand, reserved) = self.key_stock[k];
        ((on_hand - loss).max(0.0) - reserved).max(0.0)
    }
}

/// Lazily draws candidates of each kind, in a shuffled order of the things they hit.
pub(super) struct Pools {
    pub(super) lanes_delay: Vec<usize>,
    pub(super) lanes_out: Vec<usize>,
    pub(super) nodes: Vec<usize>,
    pub(super) receipts_delay: Vec<usize>,
    pub(super) receipts_cancel: Vec<usize>,
    pub(super) keys: Vec<usize>,
    pub(super) pos: [usize; 6],
    pub(super) used_receipts: HashSet<usize>,
    /// The first zero-hit candidate of each kind, kept in case nothing better exists.
    pub(super) fallback: [Option<Candidate>; 6],
}

impl Pools {
    /// The position in kind `kind`'s pool to draw from next (advancing past it), or None
    /// when the pool is spent.
    fn advance(&mut self, kind: usize) -> Option<usize> {
        let pool_len = match kind {
            K_DELAY => self.receipts_delay.len(),
            K_CANCEL => self.receipts_cancel.len(),
            K_LOSS => self.keys.len(),
            K_NODE_OUT => self.nodes.len(),
            K_LANE_OUT => self.lanes_out.len(),
            _ => self.lanes_delay.len(),
        };
        if self.pos[kind] >= pool_len {
            return None;
        }
        let i = self.pos[kind];
        self.pos[kind] += 1;
        Some(i)
    }

    /// The receipt at position `i` of the delay pool (kind `K_DELAY`) or the cancel pool.
    fn receipt(&self, kind: usize, i: usize) -> usize {
        if kind == K_DELAY {
            self.receipts_delay[i]
        } else {
            self.receipts_cancel[i]
        }
    }
}

/// The next candidate of kind `kind` that hits some order, drawn from its pool; when the
/// pool is spent, the first candidate of that kind that hit none, if any. A receipt is
/// delayed or cancelled at most once.
pub(super) fn next_candidate(
    kind: usize,
    pools: &mut Pools,
    est: &Estimator,
    rng: &mut Rng,
    book: &Book,
    net: &Network,
) -> Option<Candidate> {
    loop {
        let Some(i) = pools.advance(kind) else {
            return pools.fallback[kind].take();
        };
        let drawn = match kind {
            K_LANE_DELAY => Some(lane_delay(pools.lanes_delay[i], rng, est, net)),
            K_LANE_OUT => lane_outage(pools.lanes_out[i], rng, est, net),
            K_NODE_OUT => node_outage(pools.nodes[i], rng, est, net),
            K_DELAY | K_CANCEL => {
                receipt_change(kind, pools.receipt(kind, i), pools, rng, est, book)
            }
            _ => stock_loss(pools.keys[i], rng, est, book, net),
        };
        let Some(cand) = drawn else {
            continue;
        };
        if cand.hits.is_empty() {
            if pools.fallback[kind].is_none() {
                pools.fallback[kind] = Some(cand);
            }
            continue;
        }
        if let DisruptionDoc::InboundDelay { .. } | DisruptionDoc::InboundCancel { .. } = cand.doc {
            let r = pools.receipt(kind, i);
            pools.used_receipts.insert(r);
        }
        return Some(cand);
    }
}

/// An outage's days: from one of `days` (any day when it is empty) for 1 to 3 days, cut at
/// the horizon's end `h`.
fn outage_days(rng: &mut Rng, days: &[i64], h: i64) -> (i64, i64) {
    let from = if days.is_empty() {
        rng.range(0, h - 1)
    } else {
        days[rng.below(days.len())]
    };
    let len = match rng.below(10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    (from, (from + len - 1).min(h - 1))
}

/// A delay of 1 to 3 days on lane `l`.
fn lane_delay(l: usize, rng: &mut Rng, est: &Estimator, net: &Network) -> Candidate {
    let extra = match rng.below(10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    Candidate {
        kind: K_LANE_DELAY,
        hits: est.lane_delay(l, extra),
        doc: DisruptionDoc::LaneDelay {
            lane: net.lanes[l].id.clone(),
            extra_days: extra,
        },
    }
}

/// The first and last day of an outage of lane or node `ix` from one of the ship days of
/// its planned shipments (`flats`, positions in the estimator's), or None when a day of the
/// outage is one a frozen shipment leaves by it (`frozen`).
fn outage_span(
    ix: usize,
    flats: &[u32],
    frozen: &HashSet<(usize, i64)>,
    rng: &mut Rng,
    est: &Estimator,
) -> Option<(i64, i64)> {
    let days: Vec<i64> = flats.iter().map(|&f| est.flats[f as usize].ship).collect();
    let (from, until) = outage_days(rng, &days, est.cal.h as i64);
    (!(from..=until).any(|d| frozen.contains(&(ix, d)))).then_some((from, until))
}

/// An outage of lane `l` from one of its planned ship days, or None when it would close
/// the lane on a day a frozen shipment leaves by it.
fn lane_outage(l: usize, rng: &mut Rng, est: &Estimator, net: &Network) -> Option<Candidate> {
    let cal = est.cal;
    let (from, until) = outage_span(l, &est.by_lane[l], &est.frozen_lane_days, rng, est)?;
    Some(Candidate {
        kind: K_LANE_OUT,
        hits: est.lane_outage(l, from, until),
        doc: DisruptionDoc::LaneOutage {
            lane: net.lanes[l].id.clone(),
            from: cal.date(from),
            until: cal.date(until),
        },
    })
}

/// An outage of node `n` from one of its planned ship days, or None when it would close
/// the node on a day a frozen shipment leaves it.
fn node_outage(n: usize, rng: &mut Rng, est: &Estimator, net: &Network) -> Option<Candidate> {
    let cal = est.cal;
    let (from, until) = outage_span(n, &est.by_node[n], &est.frozen_node_days, rng, est)?;
    Some(Candidate {
        kind: K_NODE_OUT,
        hits: est.node_outage(n, from, until),
        doc: DisruptionDoc::NodeOutage {
            node: net.nodes[n].id.clone(),
            from: cal.date(from),
            until: cal.date(until),
        },
    })
}

/// A delay of 2 to 6 days (kind `K_DELAY`) or a cancellation of receipt `r`, or None when
/// the receipt was used already or its key feeds a frozen order.
fn receipt_change(
    kind: usize,
    r: usize,
    pools: &Pools,
    rng: &mut Rng,
    est: &Estimator,
    book: &Book,
) -> Option<Candidate> {
    let cal = est.cal;
    if pools.used_receipts.contains(&r) {
        return None;
    }
    let rec = &est.supply.receipts[r];
    let k = book.key_ix[&(rec.node, rec.sku)];
    if est.frozen_keys.contains(&k) {
        return None;
    }
    let avail = est.available(k, 0.0);
    Some(if kind == K_DELAY {
        let eta = rec.eta.max(0) + rng.range(2, 6);
        let hits = est.stock_hits(k, avail, &est.key_etas(k, Some((r, Some(eta)))));
        Candidate {
            kind,
            hits,
            doc: DisruptionDoc::InboundDelay {
                inbound: rec.id.clone(),
                eta: cal.date(eta),
            },
        }
    } else {
        let hits = est.stock_hits(k, avail, &est.key_etas(k, Some((r, None))));
        Candidate {
            kind,
            hits,
            doc: DisruptionDoc::InboundCancel {
                inbound: rec.id.clone(),
            },
        }
    })
}

/// A loss at key `k` of its slack and the last one to three shipments' worth of units, or
/// None when the key feeds a frozen order or holds nothing.
fn stock_loss(
    k: usize,
    rng: &mut Rng,
    est: &Estimator,
    book: &Book,
    net: &Network,
) -> Option<Candidate> {
    let h = est.cal.h as i64;
    if est.frozen_keys.contains(&k) {
        return None;
    }
    let (on_hand, reserved) = est.key_stock[k];
    if on_hand <= 0.0 {
        return None;
    }
    let etas = est.key_etas(k, None);
    let entries = &est.by_key[k];
    let total_in = est.available(k, 0.0)
        + etas
            .iter()
            .filter(|e| e.0.is_some_and(|d| d < h))
            .map(|e| e.1)
            .sum::<f64>();
    let need: f64 = entries.iter().map(|&f| est.flats[f as usize].qty).sum();
    let take = 1 + rng.below(3);
    let tail: f64 = entries
        .iter()
        .rev()
        .take(take)
        .map(|&f| est.flats[f as usize].qty)
        .sum();
    let q = ((total_in - need).max(0.0) + tail).min(on_hand - reserved.min(on_hand));
    let q = q.max(1.0).min(on_hand).round();
    let hits = est.stock_hits(k, est.available(k, q), &etas);
    let (n, s) = book.keys[k];
    Some(Candidate {
        kind: K_LOSS,
        hits,
        doc: DisruptionDoc::StockLoss {
            node: net.nodes[n].id.clone(),
            sku: book.skus[s].0.clone(),
            quantity: q,
        },
    })
}
