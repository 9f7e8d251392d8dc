//! Step 2: responses built one at a time, each the closure that protects the fewest at-risk
//! orders and saves the most, recomputed only where the last one changed what they read.

use super::ledger::{lower, Breach, Ledger, Margin, Overlay};
use super::units::{Resource, Unit, UnitKind};
use super::watch;
use crate::base::total_f64::TotalF64;
use crate::check::TOLERANCE;
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use crate::scenario::ids::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// What a response does to one resource: gives (more stock on some day, less capacity
/// used) and/or takes (less stock on some day, more capacity used).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Sign {
    pub(super) gives: bool,
    pub(super) takes: bool,
    /// The most slack it takes: for stock the largest drop of the cumulative balance on
    /// any day, for capacity the units added (0 when it only gives).
    pub(super) loss: f64,
    /// For capacity, the units added or removed (the net change's size).
    pub(super) moved: f64,
}

/// Per resource a set of units touches, what it does to it; changes within `eps` of zero
/// count as none. For stock the sign is that of the cumulative change, day by day (the
/// balance of rule 4 is cumulative).
pub(super) fn signs(units: &[Unit], set: &[usize], eps: f64) -> BTreeMap<Resource, Sign> {
    let mut stock: BTreeMap<(NodeIx, SkuIx), BTreeMap<crate::scenario::domain::Day, f64>> =
        BTreeMap::new();
    let mut usage: BTreeMap<Resource, f64> = BTreeMap::new();
    let mut out: BTreeMap<Resource, Sign> = BTreeMap::new();
    for &u in set {
        let u = &units[u];
        for r in &u.resources {
            out.entry(*r).or_default();
        }
        for (k, days) in &u.stock {
            let e = stock.entry(*k).or_default();
            for &(d, q) in days {
                *e.entry(d).or_insert(0.0) += q;
            }
        }
        for &((n, d), q) in &u.node_out {
            *usage.entry(Resource::NodeDay(n, d)).or_insert(0.0) += q;
        }
        for &((l, d), q) in &u.lane_out {
            *usage.entry(Resource::LaneDay(l, d)).or_insert(0.0) += q;
        }
    }
    for ((n, k), days) in stock {
        let s = out.entry(Resource::Stock(n, k)).or_default();
        let mut c = 0.0;
        for q in days.values() {
            c += q;
            s.gives |= c > eps;
            s.takes |= c < -eps;
            s.loss = s.loss.max(-c);
        }
    }
    for (r, q) in usage {
        let s = out.entry(r).or_default();
        s.takes |= q > eps;
        s.gives |= q < -eps;
        s.loss = s.loss.max(q);
        s.moved = q.abs();
    }
    out
}

/// A response under construction: its units, and the cost change the ledger predicts.
#[derive(Clone, Debug)]
pub(super) struct Group {
    pub(super) units: Vec<usize>,
    pub(super) cost_delta: f64,
    /// Fixed charges switched on minus off.
    pub(super) fixed_delta: f64,
    pub(super) repairs_baseline: bool,
}

#[derive(Clone, Debug)]
struct Candidate {
    pub(super) units: Vec<usize>,
    /// What the closure read, for the watches.
    pub(super) seen: watch::Seen,
    pub(super) cost_delta: f64,
    pub(super) fixed_delta: f64,
    pub(super) protects: usize,
}

/// A candidate's place in the choice: smaller is better. Anything that saves money first,
/// then the fewest protected orders (smallness comes first), then the largest saving, then
/// the fewest units, then the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rank(bool, usize, TotalF64, usize, usize);

impl Candidate {
    pub(super) fn rank(&self, seed: usize) -> Rank {
        Rank(
            self.cost_delta >= -1e-9,
            self.protects.max(1),
            TotalF64::of(self.cost_delta),
            self.units.len(),
            seed,
        )
    }
}

struct Ctx<'a> {
    pub(super) s: &'a Scenario,
    pub(super) units: &'a [Unit],
    pub(super) by_resource: HashMap<Resource, Vec<usize>>,
    pub(super) at_risk: &'a [bool],
    pub(super) after: &'a [bool],
}

impl Ctx<'_> {
    pub(super) fn protects(&self, u: usize) -> bool {
        matches!(self.units[u].kind, UnitKind::Order(o) if self.at_risk[o.ix()] && !self.after[o.ix()])
    }

    /// The remaining unit outside `set` that covers breach `b` entirely at the least own
    /// cost, else the one that relieves it most; none when no unit relieves it.
    fn helper(&self, b: &Breach, remaining: &[bool], set: &[usize]) -> Option<usize> {
        let helpers: Vec<(usize, f64)> = self
            .by_resource
            .get(&b.resource())
            .into_iter()
            .flatten()
            .copied()
            .filter(|u| remaining[*u] && !set.contains(u))
            .map(|u| (u, b.relief(&self.units[u])))
            .filter(|(_, r)| *r > 1e-9)
            .collect();
        let need = b.amount();
        helpers
            .iter()
            .filter(|(_, r)| *r >= need - 1e-9)
            .min_by(|a, b| {
                self.units[a.0]
                    .own_cost
                    .total_cmp(&self.units[b.0].own_cost)
                    .then(a.0.cmp(&b.0))
            })
            .or_else(|| {
                helpers
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            })
            .map(|(u, _)| *u)
    }

    /// `seeds` plus the fewest remaining units that make the state feasible on every
    /// resource they touch (and on `also`).
    pub(super) fn closure(
        &self,
        ledger: &Ledger,
        remaining: &[bool],
        seeds: &[usize],
        also: &[Resource],
    ) -> Candidate {
        let mut ov = Overlay::new(ledger);
        let mut set: Vec<usize> = Vec::new();
        let mut breached: Vec<Resource> = Vec::new();
        let mut margins: Vec<(Resource, Margin)> = Vec::new();
        for &u in seeds {
            ov.apply(self.s, &self.units[u]);
            set.push(u);
        }
        while let Some(b) = ov.first_breach(self.s, also, &mut margins) {
            breached.push(b.resource());
            match self.helper(&b, remaining, &set) {
                Some(u) => {
                    ov.apply(self.s, &self.units[u]);
                    set.push(u);
                }
                None => {
                    // Cannot happen in exact arithmetic (all remaining units give the
                    // proposed plan, which is feasible); take them all rather than fail.
                    let rest: Vec<usize> = (0..self.units.len())
                        .filter(|u| remaining[*u] && !set.contains(u))
                        .collect();
                    for u in rest {
                        ov.apply(self.s, &self.units[u]);
                        set.push(u);
                    }
                    break;
                }
            }
        }
        set.sort_unstable();
        breached.sort_unstable();
        breached.dedup();
        // Keyed by (lane, day) in order: `falls` is sorted by resource.
        let mut falls = Vec::with_capacity(ov.switches.len());
        for (&(l, d), sw) in &ov.switches {
            lower(&mut margins, Resource::LaneDay(l, d), sw.rise);
            falls.push((Resource::LaneDay(l, d), sw.fall));
        }
        margins.sort_unstable_by_key(|m| m.0);
        let mut reads = std::mem::take(&mut ov.touched);
        reads.sort_unstable();
        Candidate {
            protects: set.iter().filter(|u| self.protects(**u)).count(),
            cost_delta: ov.cost_delta(),
            fixed_delta: ov.fixed_delta,
            seen: watch::Seen {
                reads,
                repaired: breached,
                margins,
                falls,
            },
            units: set,
        }
    }
}

/// The units of the orders whose baseline shipments come from more nodes than their
/// `max_sources` (rule 6). The scenario's plan may do that, and the baseline keeps each
/// shipment's node; every order's proposed shipments keep the rule.
fn over_sourced(s: &Scenario, baseline: &Plan, units: &[Unit]) -> Vec<usize> {
    let mut sources: HashMap<OrderIx, BTreeSet<NodeIx>> = HashMap::default();
    for x in baseline.shipments.iter().filter(|x| x.quantity > TOLERANCE) {
        sources.entry(x.order).or_default().insert(x.node);
    }
    units
        .iter()
        .enumerate()
        .filter_map(|(u, unit)| match unit.kind {
            UnitKind::Order(o) => {
                let cap = s.order(o).max_sources? as usize;
                (sources.get(&o).map_or(0, BTreeSet::len) > cap).then_some(u)
            }
            _ => None,
        })
        .collect()
}

/// The construction of section 5: responses one at a time, each the best small closure.
/// Returns them with the resources the baseline breaks, which the first one repairs.
pub(super) fn construct(
    s: &Scenario,
    baseline: &Plan,
    units: &[Unit],
    at_risk: &[bool],
    after: &[bool],
) -> (Vec<Group>, Vec<Resource>) {
    let ctx = Ctx {
        s,
        units,
        by_resource: by_resource(units),
        at_risk,
        after,
    };
    let mut ledger = Ledger::new(s, baseline, units);
    let mut remaining = vec![true; units.len()];
    // Closures hold only remaining units, so a commit takes exactly its units off.
    let mut left = units.len();
    let mut groups = Vec::new();

    // A baseline that cannot keep a frozen commitment breaks some resource, and one whose
    // plan ships an order from more nodes than its max_sources breaks that order (rule 6;
    // its unit holds the order's proposed shipments, which keep it): the first response
    // repairs exactly that.
    let broken = broken(&ctx, &ledger);
    let over_sourced = over_sourced(s, baseline, units);
    if !broken.is_empty() || !over_sourced.is_empty() {
        let c = ctx.closure(&ledger, &remaining, &over_sourced, &broken);
        commit(&ctx, &mut ledger, &mut remaining, &c);
        left -= c.units.len();
        groups.push(c.into_group(true));
    }

    let mut cands = Candidates::new(&ctx, &ledger, &remaining);
    while left > 0 {
        let c = cands.take_best();
        commit(&ctx, &mut ledger, &mut remaining, &c);
        left -= c.units.len();
        let changed = signs(units, &c.units, 0.0);
        let stale = cands.watches.stale(
            s,
            &c.units,
            changed.iter().map(|(r, x)| (*r, x.loss, x.moved)),
        );
        groups.push(c.into_group(false));
        // Debug builds (the tests) confirm on small cases that every closure left alone
        // comes out the same.
        if cfg!(debug_assertions) && units.len() <= 400 {
            cands.assert_unchanged(&ctx, &ledger, &remaining, &stale);
        }
        cands.refresh(&ctx, &ledger, &remaining, stale);
    }
    (groups, broken)
}

/// Per resource, the units that touch it, in unit order.
fn by_resource(units: &[Unit]) -> HashMap<Resource, Vec<usize>> {
    let mut by_resource: HashMap<Resource, Vec<usize>> = HashMap::default();
    for (i, u) in units.iter().enumerate() {
        for r in &u.resources {
            by_resource.entry(*r).or_default().push(i);
        }
    }
    by_resource
}

/// The resources any unit touches that the baseline (`ledger` before any commit) breaks,
/// in resource order.
fn broken(ctx: &Ctx<'_>, ledger: &Ledger) -> Vec<Resource> {
    let all: Vec<Resource> = ctx
        .by_resource
        .keys()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ledger
        .breaches(ctx.s, &all)
        .iter()
        .map(|b| b.resource())
        .collect()
}

/// Applies candidate `c`'s units to `ledger` and takes them off `remaining`.
fn commit(ctx: &Ctx<'_>, ledger: &mut Ledger, remaining: &mut [bool], c: &Candidate) {
    let mut ov = Overlay::new(ledger);
    for &u in &c.units {
        ov.apply(ctx.s, &ctx.units[u]);
        remaining[u] = false;
    }
    let change = ov.into_change();
    ledger.apply_change(change);
}

impl Candidate {
    /// The response this candidate becomes once committed.
    fn into_group(self, repairs_baseline: bool) -> Group {
        Group {
            units: self.units,
            cost_delta: self.cost_delta,
            fixed_delta: self.fixed_delta,
            repairs_baseline,
        }
    }
}

/// The fewest stale closures computed on the pool's threads rather than in turn.
const PARALLEL_FROM: usize = 16;

/// Per unit, the closure it seeds while it remains (`cands`), ranked, with the watches that
/// say which closures a commit may change.
struct Candidates {
    cands: Vec<Option<Candidate>>,
    ranked: BTreeSet<(Rank, usize)>,
    watches: watch::Watches,
}

impl Candidates {
    /// Every remaining unit's closure under `ledger`, ranked and watched.
    fn new(ctx: &Ctx<'_>, ledger: &Ledger, remaining: &[bool]) -> Self {
        let cands: Vec<Option<Candidate>> = (0..ctx.units.len())
            .into_par_iter()
            .map(|u| remaining[u].then(|| ctx.closure(ledger, remaining, &[u], &[])))
            .collect();
        let ranked: BTreeSet<(Rank, usize)> = cands
            .iter()
            .enumerate()
            .filter_map(|(u, c)| c.as_ref().map(|c| (c.rank(u), u)))
            .collect();
        let mut watches = watch::Watches::new(ctx.units.len());
        for (u, c) in cands.iter().enumerate() {
            if let Some(c) = c {
                watches.file(ctx.s, u, &c.units, &c.seen);
            }
        }
        Candidates {
            cands,
            ranked,
            watches,
        }
    }

    /// The best-ranked candidate, taken out of the ranking and no longer watched.
    fn take_best(&mut self) -> Candidate {
        let (_, best) = self
            .ranked
            .pop_first()
            .expect("a remaining unit has a candidate");
        let c = self.cands[best].take().expect("chosen candidate exists");
        self.watches.drop(best);
        c
    }

    /// Panics when a closure outside `stale` comes out otherwise under `ledger`: a watch
    /// missed a change.
    fn assert_unchanged(
        &self,
        ctx: &Ctx<'_>,
        ledger: &Ledger,
        remaining: &[bool],
        stale: &[usize],
    ) {
        for (u, c) in self.cands.iter().enumerate() {
            if let (Some(c), Err(_)) = (c, stale.binary_search(&u)) {
                let again = ctx.closure(ledger, remaining, &[u], &[]);
                assert!(
                    again.units == c.units && again.rank(u) == c.rank(u),
                    "the closure of unit {u} changed although no watch saw it"
                );
            }
        }
    }

    /// The closures of the `stale` units computed again under `ledger` (none for a unit no
    /// longer remaining), re-ranked and re-watched.
    fn refresh(&mut self, ctx: &Ctx<'_>, ledger: &Ledger, remaining: &[bool], stale: Vec<usize>) {
        let again = |u: usize| {
            (
                u,
                remaining[u].then(|| ctx.closure(ledger, remaining, &[u], &[])),
            )
        };
        // Handing a few closures to the pool costs more than computing them: the caller
        // waits for the pool's threads to wake, once per response.
        let fresh: Vec<(usize, Option<Candidate>)> = if stale.len() < PARALLEL_FROM {
            stale.into_iter().map(again).collect()
        } else {
            stale.into_par_iter().map(again).collect()
        };
        for (u, c) in fresh {
            let old = self.cands[u].take().expect("a stale candidate exists");
            self.ranked.remove(&(old.rank(u), u));
            match &c {
                Some(c) => {
                    self.watches.file(ctx.s, u, &c.units, &c.seen);
                    self.ranked.insert((c.rank(u), u));
                }
                None => self.watches.drop(u),
            }
            self.cands[u] = c;
        }
    }
}

/// `v` reordered: its last element, then its first, then the elements at the middle, the
/// quarters, the eighths, ... of the list (each once), so that any leading part of the
/// result is spread over the whole list.
pub(super) fn coarse_to_fine(v: &[usize]) -> Vec<usize> {
    let n = v.len();
    if n == 0 {
        return Vec::new();
    }
    let mut taken = vec![false; n];
    let mut out = Vec::with_capacity(n);
    let mut take = |i: usize, out: &mut Vec<usize>| {
        if !taken[i] {
            taken[i] = true;
            out.push(v[i]);
        }
    };
    take(n - 1, &mut out);
    take(0, &mut out);
    // Once the parts are shorter than one element, every index has been reached.
    let mut parts = 2;
    while parts < 2 * n {
        for j in (1..parts).step_by(2) {
            take(j * (n - 1) / parts, &mut out);
        }
        parts *= 2;
    }
    debug_assert_eq!(out.len(), n);
    out
}

#[cfg(test)]
mod tests {
    use super::coarse_to_fine;

    #[test]
    fn coarse_to_fine_takes_the_last_the_first_then_halves() {
        assert_eq!(coarse_to_fine(&[]), Vec::<usize>::new());
        assert_eq!(coarse_to_fine(&[7]), vec![7]);
        assert_eq!(coarse_to_fine(&[3, 9]), vec![9, 3]);
        let v: Vec<usize> = (10..19).collect();
        assert_eq!(coarse_to_fine(&v), vec![18, 10, 14, 12, 16, 11, 13, 15, 17]);
        for n in 0..200 {
            let v: Vec<usize> = (0..n).collect();
            let mut got = coarse_to_fine(&v);
            got.sort_unstable();
            assert_eq!(got, v, "a permutation for n = {n}");
        }
    }
}
