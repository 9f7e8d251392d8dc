//! Which (node, SKU) pairs get a balance: those supply reaches and demand can use, within
//! the hops a neighbourhood allows; and the demand transfers can reach (bound B1).

use super::builder::{Builder, Pair};
use crate::optimize::formulate::model::Hold;
use crate::scenario::ids::*;
use std::collections::{HashMap, HashSet};

impl Builder<'_> {
    /// `useful`: (node, sku) from which some free order's line (of those `decided` keeps:
    /// every order but the held ones, or every order) could be served, directly or
    /// through transfers. `supplied`: (node, sku) that has or can get stock in the horizon.
    /// Columns outside both can never carry anything (pruning rule P1).
    pub(super) fn reachable_pairs(
        &self,
        decided: &dyn Fn(usize) -> bool,
    ) -> (HashSet<Pair>, HashSet<Pair>) {
        let s = self.s;
        let mut useful = HashSet::new();
        for (_, o) in s
            .orders
            .iter()
            .enumerate()
            .filter(|&(i, o)| !o.frozen && decided(i))
        {
            for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
                for n in self.sources(o.destination) {
                    useful.insert((n, line.sku));
                }
            }
        }
        let (into, out) = (&self.transfers_in, &self.transfers_out);
        // Backward: a pair that feeds a useful pair by transfer is useful.
        let mut work: Vec<Pair> = useful.iter().copied().collect();
        while let Some((n, k)) = work.pop() {
            for &m in &into[n.ix()] {
                if useful.insert((m, k)) {
                    work.push((m, k));
                }
            }
        }
        let mut supplied: HashSet<Pair> = HashSet::new();
        for (&(n, k), _) in s.stock.iter() {
            if s.available_at_start(n, k) > 0.0 {
                supplied.insert((n, k));
            }
        }
        for r in &s.inbound {
            if r.eta.is_some() || r.expedite.is_some_and(|x| x.eta.is_some()) {
                supplied.insert((r.node, r.sku));
            }
        }
        // Forward: a useful pair a supplied one feeds by transfer is supplied.
        let mut work: Vec<Pair> = supplied.iter().copied().collect();
        while let Some((n, k)) = work.pop() {
            for &m in &out[n.ix()] {
                if useful.contains(&(m, k)) && supplied.insert((m, k)) {
                    work.push((m, k));
                }
            }
        }
        (useful, supplied)
    }

    /// The pairs of a hold with [`Hold::transfer_hops`] `Some(hops)`
    /// (`models/neighbourhoods.md`, "Transfer hops"). With a balance per day: those of
    /// `pairs` a decided order's line draws on directly, and those of `pairs` a transfer
    /// lane leads from into one of them, up to `hops - 1` lanes away. With a `surplus` row
    /// only: the pairs (of `pairs`, or a frozen shipment's) `hops` lanes away. The rest keep
    /// what the plan leaves them, which the checker accepted: nothing decided reaches them.
    pub(super) fn within_hops(
        &self,
        pairs: &HashSet<Pair>,
        frozen_pairs: &[Pair],
        hold: &Hold,
        hops: u32,
    ) -> (HashSet<Pair>, HashSet<Pair>) {
        let s = self.s;
        let mut full: HashSet<Pair> = HashSet::new();
        for (i, o) in s.orders.iter().enumerate() {
            if o.frozen || hold.is_held(OrderIx::new(i)) {
                continue;
            }
            for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
                for n in self.sources(o.destination) {
                    if pairs.contains(&(n, line.sku)) {
                        full.insert((n, line.sku));
                    }
                }
            }
        }
        let into = &self.transfers_in;
        let frozen: HashSet<Pair> = frozen_pairs.iter().copied().collect();
        // One lane further out than `last`: the pairs not yet in `full` that feed it.
        let further = |last: &HashSet<Pair>, full: &HashSet<Pair>, with_frozen: bool| {
            let mut next = HashSet::new();
            for &(n, k) in last {
                for &m in &into[n.ix()] {
                    let p = (m, k);
                    let known = pairs.contains(&p) || (with_frozen && frozen.contains(&p));
                    if known && !full.contains(&p) {
                        next.insert(p);
                    }
                }
            }
            next
        };
        let mut last = full.clone();
        for _ in 1..hops {
            last = further(&last, &full, false);
            full.extend(last.iter().copied());
        }
        let origins = further(&last, &full, true);
        (full, origins)
    }

    /// Stock-holding nodes that can serve `dest`: those with a lane to it, and `dest`
    /// itself when it holds stock.
    pub(super) fn sources(&self, dest: NodeIx) -> Vec<NodeIx> {
        let mut v: Vec<NodeIx> = self.routes_into[dest.ix()].iter().map(|r| r.0).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Per (node, sku): the units that sinks reachable from the node can absorb: free
    /// order lines whose destination a node in its transfer closure serves, and frozen
    /// shipments from that closure.
    pub(super) fn reachable_demand(&self) -> Reach {
        let s = self.s;
        let n = s.nodes.len();
        let next = &self.transfers_out;
        // What each node can serve directly: destinations it has a lane to, and itself.
        let mut serves: Vec<Vec<NodeIx>> = (0..n).map(|i| vec![NodeIx::new(i)]).collect();
        for lane in &s.lanes {
            serves[lane.from.ix()].push(lane.to);
        }
        let mut sinks: HashMap<SkuIx, Vec<(NodeIx, f64)>> = HashMap::new();
        let mut frozen: HashMap<SkuIx, Vec<(NodeIx, f64)>> = HashMap::new();
        for o in s.orders.iter() {
            if o.frozen {
                for e in &o.plan {
                    frozen.entry(e.sku).or_default().push((e.node, e.quantity));
                }
            } else {
                for l in &o.lines {
                    sinks
                        .entry(l.sku)
                        .or_default()
                        .push((o.destination, l.quantity));
                }
            }
        }
        // Per node: the nodes in its transfer closure, and the destinations they serve.
        let mut closure = vec![vec![false; n]; n];
        let mut served = vec![vec![false; n]; n];
        for start in 0..n {
            let seen = &mut closure[start];
            let mut stack = vec![NodeIx::new(start)];
            seen[start] = true;
            while let Some(v) = stack.pop() {
                for d in &serves[v.ix()] {
                    served[start][d.ix()] = true;
                }
                for &w in &next[v.ix()] {
                    if !seen[w.ix()] {
                        seen[w.ix()] = true;
                        stack.push(w);
                    }
                }
            }
        }
        Reach {
            closure,
            served,
            sinks,
            frozen,
        }
    }
}

/// What sinks each node's transfers can reach (`Builder::reachable_demand`).
pub(super) struct Reach {
    /// Per node: the nodes transfers from it can reach, itself included.
    closure: Vec<Vec<bool>>,
    /// Per node: the destinations a node in its closure serves.
    served: Vec<Vec<bool>>,
    /// Per SKU: free order lines' (destination, units).
    pub(super) sinks: HashMap<SkuIx, Vec<(NodeIx, f64)>>,
    /// Per SKU: frozen shipments' (source, units).
    pub(super) frozen: HashMap<SkuIx, Vec<(NodeIx, f64)>>,
}

impl Reach {
    /// The units of `k` that sinks reachable from `n` can absorb (bound B1).
    pub(super) fn demand(&self, n: NodeIx, k: SkuIx) -> f64 {
        let (served, closure) = (&self.served[n.ix()], &self.closure[n.ix()]);
        let lines: f64 = self.sinks.get(&k).map_or(0.0, |v| {
            v.iter()
                .filter(|(d, _)| served[d.ix()])
                .map(|(_, q)| q)
                .sum()
        });
        let frozen: f64 = self.frozen.get(&k).map_or(0.0, |v| {
            v.iter()
                .filter(|(m, _)| closure[m.ix()])
                .map(|(_, q)| q)
                .sum()
        });
        lines + frozen
    }
}
