//! Which candidates a commit may change, found without visiting every candidate that reads
//! a resource the commit changed (on 1,000,000 orders, tens of thousands read one stock).
//!
//! A closure stays the same after a commit (`models/responses.md`, construction step 4)
//! unless it holds a unit the commit consumed, or reads a changed resource that it
//! repaired, or reads one that lost more slack than the least margin the closure saw on
//! it. The first two are lists per unit and per resource, emptied when the resource
//! changes. For the last, each resource counts the slack commits have taken from it so
//! far; a candidate is filed under the count at which its margin runs out, in a heap, and a
//! commit pops the candidates whose count it passes. On a lane-day with a fixed charge the
//! margin is also how far the closure's flows there stayed from switching the charge, in
//! two directions counted apart: flow added counts against the least distance up from a
//! flow that did not depart (and against the capacity), flow removed against the least
//! distance down from one that did. Counting each direction's sum, never their net, keeps
//! this safe: commits that together add at most U and remove at most D move the flow by
//! between -D and +U. Entries of a candidate recomputed since are recognised by its version
//! and dropped.

use super::ledger::Margin;
use super::units::Resource;
use crate::base::total_f64::TotalF64;
use crate::scenario::domain::Scenario;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Candidates (seed, version) by the slack taken at which their margin runs out, least first.
type Queue = BinaryHeap<Reverse<(TotalF64, usize, u32)>>;

/// What a closure read, as the watches need it.
#[derive(Clone, Debug)]
pub(super) struct Seen {
    /// Resources the closure read, sorted.
    pub reads: Vec<Resource>,
    /// Resources on which it found a breach and added a unit to repair it, sorted.
    pub repaired: Vec<Resource>,
    /// Every resource it looked at and found unbroken, with its least margin over its
    /// steps against a rise in use (more stock taken, more units leaving), sorted.
    pub margins: Vec<(Resource, Margin)>,
    /// Every lane-day with a fixed charge it moved flow on, with how much less flow there
    /// would switch off a charge it saw on, sorted.
    pub falls: Vec<(Resource, Margin)>,
}

#[derive(Default)]
pub(super) struct Watches {
    /// Per candidate (the seed unit's index), its current version.
    version: Vec<u32>,
    /// Per unit, the candidates whose closure holds it.
    holding: Vec<Vec<(usize, u32)>>,
    /// Per resource, the candidates that any change of it recomputes.
    always: HashMap<Resource, Vec<(usize, u32)>>,
    /// Margins against a rise in use (every resource).
    rises: Margins,
    /// Margins against a fall in flow (lane-days with a fixed charge).
    falls: Margins,
}

/// One direction's margins: per resource, how much commits have taken from it so far, and
/// the candidates by the amount taken at which their margin runs out.
#[derive(Default)]
struct Margins {
    queues: HashMap<Resource, Queue>,
    taken: HashMap<Resource, f64>,
}

impl Margins {
    fn file(&mut self, r: Resource, m: Margin, candidate: (usize, u32)) {
        if m.slack.is_finite() {
            let taken = self.taken.get(&r).copied().unwrap_or(0.0);
            let runs_out = taken + m.slack - 1e-3 * m.tol;
            self.queues.entry(r).or_default().push(Reverse((
                TotalF64::of(runs_out),
                candidate.0,
                candidate.1,
            )));
        }
    }

    /// A commit took `loss` from `r`: hands over every candidate whose margin that runs out.
    fn take(&mut self, r: Resource, loss: f64, mut out: impl FnMut((usize, u32))) {
        if loss <= 0.0 {
            return;
        }
        let taken = self.taken.entry(r).or_insert(0.0);
        *taken += loss;
        // A margin runs out when what is taken comes within a thousandth of the tolerance
        // of the slack: floating-point sums of the same flows in another order differ by
        // far less, and a larger usage only raises a capacity's tolerance.
        let limit = TotalF64::of(*taken);
        if let Some(heap) = self.queues.get_mut(&r) {
            while heap.peek().is_some_and(|Reverse((at, _, _))| *at < limit) {
                let Reverse((_, u, v)) = heap.pop().expect("peeked");
                out((u, v));
            }
        }
    }
}

/// A lane-day with a fixed charge, where flow removed matters as much as flow added.
fn fixed(s: &Scenario, r: &Resource) -> bool {
    matches!(*r, Resource::LaneDay(l, _) if s.lane(l).fixed_cost_per_day > 0.0)
}

impl Watches {
    pub fn new(units: usize) -> Watches {
        Watches {
            version: vec![0; units],
            holding: vec![Vec::new(); units],
            ..Watches::default()
        }
    }

    /// Files candidate `u`'s closure, which holds `holds` and saw `c`, replacing what was
    /// filed for it before.
    pub fn file(&mut self, s: &Scenario, u: usize, holds: &[usize], c: &Seen) {
        self.version[u] += 1;
        let v = self.version[u];
        for &w in holds {
            self.holding[w].push((u, v));
        }
        let margin = |list: &[(Resource, Margin)], r: &Resource| {
            list.binary_search_by(|(x, _)| x.cmp(r))
                .map_or(Margin::NONE, |i| list[i].1)
        };
        for r in &c.reads {
            if c.repaired.binary_search(r).is_ok() {
                self.always.entry(*r).or_default().push((u, v));
                continue;
            }
            self.rises.file(*r, margin(&c.margins, r), (u, v));
            if fixed(s, r) {
                self.falls.file(*r, margin(&c.falls, r), (u, v));
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
            self.rises.take(r, loss, |e| keep(e, &mut out));
            // Flow removed can switch off a fixed charge a closure saw on.
            if fixed(s, &r) {
                self.falls.take(r, moved - loss, |e| keep(e, &mut out));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
