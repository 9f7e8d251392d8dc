//! Which candidates a commit may change, found without visiting every candidate that reads
//! a resource the commit changed (on 1,000,000 orders, tens of thousands read one stock).
//!
//! A closure stays the same after a commit (`models/responses.md`, construction step 4)
//! unless it holds a unit the commit consumed, or reads a changed resource that it
//! repaired, or reads one that lost more slack than the least margin the closure saw on
//! it. The first two are lists per unit and per resource, emptied when the resource
//! changes. For the last, each resource counts the slack commits have taken from it so
//! far; a candidate is filed under the count at which its margin runs out, in a heap, and a
//! commit pops the candidates whose count it passes. On a lane-day with a fixed charge every
//! unit moved counts as taken, and the margin is also how far the closure's flows there
//! stayed from switching the charge. Entries of a candidate recomputed since are recognised
//! by its version and dropped.

use super::ledger::Margin;
use super::units::Resource;
use crate::base::total_f64::TotalF64;
use crate::scenario::domain::Scenario;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Candidates (seed, version) by the slack taken at which their margin runs out, least first.
type Queue = BinaryHeap<Reverse<(TotalF64, usize, u32)>>;

#[derive(Default)]
pub(super) struct Watches {
    /// Per candidate (the seed unit's index), its current version.
    version: Vec<u32>,
    /// Per unit, the candidates whose closure holds it.
    holding: Vec<Vec<(usize, u32)>>,
    /// Per resource, the candidates that any change of it recomputes.
    always: HashMap<Resource, Vec<(usize, u32)>>,
    /// Per resource, candidates by the slack taken at which their margin runs out.
    margins: HashMap<Resource, Queue>,
    /// Per resource, the slack commits have taken from it.
    taken: HashMap<Resource, f64>,
}

impl Watches {
    pub fn new(units: usize) -> Watches {
        Watches {
            version: vec![0; units],
            holding: vec![Vec::new(); units],
            ..Watches::default()
        }
    }

    /// Files candidate `u`'s closure, replacing what was filed for it before: the units it
    /// holds, the resources it read, those it repaired, and the least margin it saw on each
    /// resource it found unbroken (all sorted by resource).
    pub fn file(
        &mut self,
        u: usize,
        holds: &[usize],
        reads: &[Resource],
        repaired: &[Resource],
        margins: &[(Resource, Margin)],
    ) {
        self.version[u] += 1;
        let v = self.version[u];
        for &w in holds {
            self.holding[w].push((u, v));
        }
        for r in reads {
            if repaired.binary_search(r).is_ok() {
                self.always.entry(*r).or_default().push((u, v));
                continue;
            }
            let m = margins
                .binary_search_by(|(x, _)| x.cmp(r))
                .map_or(Margin::NONE, |i| margins[i].1);
            if m.slack.is_finite() {
                let taken = self.taken.get(r).copied().unwrap_or(0.0);
                let runs_out = taken + m.slack - 1e-3 * m.tol;
                self.margins
                    .entry(*r)
                    .or_default()
                    .push(Reverse((TotalF64::of(runs_out), u, v)));
            }
        }
    }

    /// Forgets candidate `u` (chosen, or left without a closure).
    pub fn drop(&mut self, u: usize) {
        self.version[u] += 1;
    }

    /// The candidates (ascending, each once) that the commit of `consumed` units may
    /// change; `changed` is every resource the commit touched with the most slack it took
    /// there (0 when it only gave) and the units it moved there (capacity resources: the
    /// net change, either way).
    pub fn stale(
        &mut self,
        s: &Scenario,
        consumed: &[usize],
        changed: impl IntoIterator<Item = (Resource, f64, f64)>,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let version = &self.version;
        let keep = |(u, v): (usize, u32), out: &mut Vec<usize>| {
            if version[u] == v {
                out.push(u);
            }
        };
        for &w in consumed {
            for e in std::mem::take(&mut self.holding[w]) {
                keep(e, &mut out);
            }
        }
        for (r, loss, moved) in changed {
            for e in self.always.remove(&r).unwrap_or_default() {
                keep(e, &mut out);
            }
            // Flow added or removed can switch a fixed charge: both count.
            let fixed = matches!(r, Resource::LaneDay(l, _) if s.lane(l).fixed_cost_per_day > 0.0);
            let loss = if fixed { moved } else { loss };
            if loss > 0.0 {
                let taken = self.taken.entry(r).or_insert(0.0);
                *taken += loss;
                // A margin runs out when what is taken comes within a thousandth of the
                // tolerance of the slack: floating-point sums of the same flows in another
                // order differ by far less, and a larger usage only raises a capacity's
                // tolerance.
                let limit = TotalF64::of(*taken);
                if let Some(heap) = self.margins.get_mut(&r) {
                    while heap.peek().is_some_and(|Reverse((at, _, _))| *at < limit) {
                        let Reverse((_, u, v)) = heap.pop().expect("peeked");
                        keep((u, v), &mut out);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
