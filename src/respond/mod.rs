//! From a proposed plan to ranked, approvable responses (SCENARIO.md section 5).
//!
//! 1. `units`: the difference between the baseline and the proposed plan, cut into units
//!    that are never split (an order's changes, a transfer key, an expedited receipt).
//! 2. `construct` (here): responses are built one at a time. For every remaining unit, its
//!    closure is the unit plus the fewest remaining units that make it feasible on top of
//!    the responses already built (a donor that frees the stock, the transfer that brings
//!    it, the expedite that pulls it in); the closure that protects the fewest at-risk
//!    orders and saves the most becomes the next response. Only closures that the chosen
//!    one can change (it consumed one of their units, or changed a resource they read by
//!    more than they can absorb) are recomputed; `watch` finds them.
//! 3. `requires`: a response requires the earlier ones that give what it takes (stock,
//!    node or lane capacity; past 64 givers on one resource, the latest earlier taker
//!    stands for those before it) and the latest earlier one sharing a strict resource (a
//!    fixed-charged lane-day, a resource the baseline breaks), which requires the one
//!    before it, and so on. A closed approval set is
//!    then, resource by resource, at least as good as a prefix of the construction, which
//!    the checker verified, and every cost term adds up (proof: `models/responses.md`).
//! 4. The checker evaluates every prefix (in parallel; past a budget, evenly spaced ones
//!    and the last): its numbers are the net benefits, and a prefix it rejects, or a cost
//!    that differs from the construction's prediction, is a bug.
//! 5. `actions` and `explain`: what each response does, who approves it, and why; why
//!    each at-risk order left late or short could not be helped.

mod actions;
mod explain;
mod ledger;
mod response;
pub mod units;
mod watch;
mod wording;

pub use response::{
    Action, ActionKind, Inputs, Owner, RespondError, RespondSeconds, Response, Responses,
    Unresolved,
};

use crate::base::total_f64::TotalF64;
use crate::check::{evaluate, CostBreakdown, Evaluation};
use crate::plan::{merge, Plan};
use crate::scenario::domain::Scenario;
use crate::scenario::ids::*;
use ledger::{lower, Ledger, Margin, Overlay};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use units::{PlanMaps, Resource, Unit, UnitKind};

/// Builds the ranked responses that turn `baseline` into `plan`, and explains the at-risk
/// orders that `plan` still leaves late or short.
pub fn respond(s: &Scenario, x: &Inputs<'_>) -> Result<Responses, RespondError> {
    respond_with(s, x, Budget::default())
}

/// How far the construction goes before it economises; `respond` uses the defaults, and
/// tests lower them to reach the sampled check and the chained requirements on small
/// scenarios.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Plan entries the checker may evaluate over all prefixes ([`CHECK_BUDGET`]).
    pub check_entries: usize,
    /// Earlier givers a taker names on one resource; past it, the latest earlier taker
    /// stands for those before it ([`LISTED_GIVERS`]).
    pub listed_givers: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            check_entries: CHECK_BUDGET,
            listed_givers: LISTED_GIVERS,
        }
    }
}

/// A taker names at most this many earlier givers on one resource: medium's and large's
/// lists stay as they are (at most 220 names in all on large seed 1), while 1,000,000
/// orders gave a median of 1,084 names a response (a 4.2 GB document) when every giver
/// was named.
const LISTED_GIVERS: usize = 64;

/// [`respond`] within another [`Budget`].
///
/// Long because it assembles each response from the construction's groups (deltas, costs,
/// requirements, explanations) in the document's order.
pub fn respond_with(
    s: &Scenario,
    x: &Inputs<'_>,
    budget: Budget,
) -> Result<Responses, RespondError> {
    let clock = std::time::Instant::now();
    let (bm, pm) = (PlanMaps::of(x.baseline), PlanMaps::of(x.plan));
    let units = units::diff(s, x.baseline, x.plan, &bm, &pm);
    let after: Vec<bool> = x.plan_eval.orders.iter().map(|o| o.at_risk()).collect();
    let (groups, broken) = construct(s, x.baseline, &units, x.at_risk, &after);
    // Each response's delta against the plan before it, as the document states it.
    let deltas: Vec<(Plan, Plan)> = groups
        .iter()
        .map(|g| delta(g.units.iter().map(|&u| &units[u])))
        .collect();
    let construct_seconds = clock.elapsed().as_secs_f64();
    let (costs, checked_prefixes) = verify(
        s,
        x.baseline,
        x.baseline_eval.cost,
        &units,
        &groups,
        &deltas,
        Checking {
            entries: budget.check_entries,
            until: x.check_until,
        },
    )?;
    let check_seconds = clock.elapsed().as_secs_f64() - construct_seconds;
    let want = x.plan_eval.cost.total;
    let got = costs.last().map_or(x.baseline_eval.cost.total, |c| c.total);
    if (got - want).abs() > 1e-6 * want.abs().max(1.0) {
        return Err(RespondError::TotalMismatch { got, want });
    }

    // What each response requires depends on those before it: in rank order.
    let mut by_resource: HashMap<Resource, Users> = HashMap::default();
    let strict = |r: &Resource| match *r {
        Resource::Order(_) => true,
        Resource::LaneDay(l, _) => s.lane(l).fixed_cost_per_day > 0.0,
        Resource::Stock(..) | Resource::NodeDay(..) => broken.contains(r),
    };
    let requirements: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let mut requires: BTreeSet<usize> = BTreeSet::new();
            if !g.restores_frozen && groups[0].restores_frozen {
                requires.insert(0);
            }
            for (r, sign) in signs(&units, &g.units, 1e-9) {
                let seen = by_resource.entry(r).or_default();
                if strict(&r) {
                    // The latest earlier response on a strict resource requires the one
                    // before it, and so on: naming it alone gives the same closed sets as
                    // naming all of them, in a list that does not grow with the resource's
                    // users.
                    requires.extend(seen.list.last().map(|(j, _)| *j));
                } else if sign.takes {
                    seen.givers_for_taker(budget.listed_givers, &mut requires);
                }
                seen.push(k, sign);
            }
            requires.remove(&k);
            requires.into_iter().collect()
        })
        .collect();
    drop(by_resource);
    // The rest of each response reads only its own group: built side by side.
    let pens = |e: &Evaluation, o: OrderIx| explain::penalty(s, o, &e.orders[o.ix()]);
    let responses: Vec<Response> = groups
        .par_iter()
        .zip(requirements)
        .zip(deltas)
        .enumerate()
        .map(|(k, ((g, requires), (remove, add)))| {
            let before = if k == 0 {
                x.baseline_eval.cost
            } else {
                costs[k - 1]
            };
            let now = costs[k];
            let net = before.total - now.total;
            let orders: Vec<OrderIx> = g
                .units
                .iter()
                .filter_map(|u| match units[*u].kind {
                    UnitKind::Order(o) => Some(o),
                    _ => None,
                })
                .collect();
            let d = now - before;
            let mut cost = d.transport + d.fixed + d.expedite + d.change;
            for &o in &orders {
                cost += (pens(x.plan_eval, o) - pens(x.baseline_eval, o)).max(0.0);
            }
            let protects: Vec<OrderIx> = orders
                .iter()
                .copied()
                .filter(|o| x.at_risk[o.ix()] && !after[o.ix()])
                .collect();
            let helps: Vec<OrderIx> = orders
                .iter()
                .copied()
                .filter(|o| x.at_risk[o.ix()] && after[o.ix()])
                .filter(|&o| pens(x.plan_eval, o) < pens(x.baseline_eval, o) - 1e-9)
                .collect();
            // Orders that neither gain protection nor help, and pay for the response.
            let donors: Vec<OrderIx> = g
                .units
                .iter()
                .filter_map(|&u| match units[u].kind {
                    UnitKind::Order(o) if units[u].own_cost > 1e-9 => Some(o),
                    _ => None,
                })
                .filter(|o| !protects.contains(o) && !helps.contains(o))
                .collect();
            let members: Vec<&Unit> = g.units.iter().map(|u| &units[*u]).collect();
            let actions = actions::classify(s, &bm.shipments, &pm.shipments, &members, &donors);
            let mut r = Response {
                requires,
                net_benefit: net,
                cost,
                protects,
                helps,
                donors,
                actions,
                explanation: String::new(),
                remove,
                add,
                restores_frozen: g.restores_frozen,
            };
            r.explanation = explain::response(s, &r, x);
            r
        })
        .collect();
    let unresolved = explain::unresolved(s, x, &after, &pm.shipments);
    let total = clock.elapsed().as_secs_f64();
    Ok(Responses {
        responses,
        unresolved,
        checked_prefixes,
        seconds: RespondSeconds {
            construct: construct_seconds,
            check: check_seconds,
            explain: total - construct_seconds - check_seconds,
        },
    })
}

/// The responses so far that touch one resource, in rank order.
#[derive(Default)]
struct Users {
    list: Vec<(usize, Sign)>,
    givers: usize,
    /// Position in `list` of the latest taker.
    last_taker: Option<usize>,
}

impl Users {
    fn push(&mut self, k: usize, sign: Sign) {
        if sign.gives {
            self.givers += 1;
        }
        if sign.takes {
            self.last_taker = Some(self.list.len());
        }
        self.list.push((k, sign));
    }

    /// What a new taker requires on a resource that is not strict: every earlier giver.
    /// Past `listed` of them, the latest earlier taker stands for the givers before it (it
    /// required them, or a taker that did), and only the givers after it are named: the
    /// taker is then approved with that one too, a closed set still holds every earlier
    /// giver, and the list no longer grows with the resource's users.
    fn givers_for_taker(&self, listed: usize, requires: &mut BTreeSet<usize>) {
        let from = match self.last_taker {
            Some(t) if self.givers > listed => {
                requires.insert(self.list[t].0);
                t + 1
            }
            _ => 0,
        };
        requires.extend(
            self.list[from..]
                .iter()
                .filter(|(_, x)| x.gives)
                .map(|(j, _)| *j),
        );
    }
}

/// The response's delta against the plan before it, as section 5 writes it.
fn delta<'a>(members: impl IntoIterator<Item = &'a Unit>) -> (Plan, Plan) {
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
    shipments: Vec<(crate::plan::ShipmentKey, f64)>,
    transfers: Vec<(crate::plan::TransferKey, f64)>,
    expedited: BTreeSet<InboundIx>,
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
fn changed<K: Ord + Copy>(
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

/// What a response does to one resource: gives (more stock on some day, less capacity
/// used) and/or takes (less stock on some day, more capacity used).
#[derive(Clone, Copy, Debug, Default)]
struct Sign {
    gives: bool,
    takes: bool,
    /// The most slack it takes: for stock the largest drop of the cumulative balance on
    /// any day, for capacity the units added (0 when it only gives).
    loss: f64,
    /// For capacity, the units added or removed (the net change's size).
    moved: f64,
}

/// Per resource a set of units touches, what it does to it; changes within `eps` of zero
/// count as none. For stock the sign is that of the cumulative change, day by day (the
/// balance of rule 4 is cumulative).
fn signs(units: &[Unit], set: &[usize], eps: f64) -> BTreeMap<Resource, Sign> {
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
struct Group {
    units: Vec<usize>,
    cost_delta: f64,
    /// Fixed charges switched on minus off.
    fixed_delta: f64,
    restores_frozen: bool,
}

#[derive(Clone, Debug)]
struct Candidate {
    units: Vec<usize>,
    /// What the closure read, for the watches.
    seen: watch::Seen,
    cost_delta: f64,
    fixed_delta: f64,
    protects: usize,
}

/// A candidate's place in the choice: smaller is better. Anything that saves money first,
/// then the fewest protected orders (smallness comes first), then the largest saving, then
/// the fewest units, then the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rank(bool, usize, TotalF64, usize, usize);

impl Candidate {
    fn rank(&self, seed: usize) -> Rank {
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
    s: &'a Scenario,
    units: &'a [Unit],
    by_resource: HashMap<Resource, Vec<usize>>,
    at_risk: &'a [bool],
    after: &'a [bool],
}

impl Ctx<'_> {
    fn protects(&self, u: usize) -> bool {
        matches!(self.units[u].kind, UnitKind::Order(o) if self.at_risk[o.ix()] && !self.after[o.ix()])
    }

    /// The remaining unit outside `set` that covers breach `b` entirely at the least own
    /// cost, else the one that relieves it most; none when no unit relieves it.
    fn helper(&self, b: &ledger::Breach, remaining: &[bool], set: &[usize]) -> Option<usize> {
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

    /// `seed` plus the fewest remaining units that make the state feasible on every
    /// resource they touch (and on `also`).
    fn closure(
        &self,
        ledger: &Ledger,
        remaining: &[bool],
        seed: Option<usize>,
        also: &[Resource],
    ) -> Candidate {
        let mut ov = Overlay::new(ledger);
        let mut set: Vec<usize> = Vec::new();
        let mut breached: Vec<Resource> = Vec::new();
        let mut margins: Vec<(Resource, Margin)> = Vec::new();
        if let Some(u) = seed {
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

/// The construction of section 5: responses one at a time, each the best small closure.
///
/// Long because the construction's loop and the closures it shares (commit, by-resource
/// index, ranking) work on one ledger.
fn construct(
    s: &Scenario,
    baseline: &Plan,
    units: &[Unit],
    at_risk: &[bool],
    after: &[bool],
) -> (Vec<Group>, Vec<Resource>) {
    let mut by_resource: HashMap<Resource, Vec<usize>> = HashMap::default();
    for (i, u) in units.iter().enumerate() {
        for r in &u.resources {
            by_resource.entry(*r).or_default().push(i);
        }
    }
    let ctx = Ctx {
        s,
        units,
        by_resource,
        at_risk,
        after,
    };
    let mut ledger = Ledger::new(s, baseline, units);
    let mut remaining = vec![true; units.len()];
    // Closures hold only remaining units, so a commit takes exactly its units off.
    let mut left = units.len();
    let mut groups = Vec::new();

    let commit = |ledger: &mut Ledger, remaining: &mut [bool], c: &Candidate| {
        let mut ov = Overlay::new(ledger);
        for &u in &c.units {
            ov.apply(s, &units[u]);
            remaining[u] = false;
        }
        let change = ov.into_change();
        ledger.apply_change(change);
    };

    // A baseline that cannot keep a frozen commitment breaks some resource; the first
    // response repairs exactly that.
    let all: Vec<Resource> = ctx
        .by_resource
        .keys()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let broken: Vec<Resource> = ledger
        .breaches(s, &all)
        .iter()
        .map(|b| b.resource())
        .collect();
    if !broken.is_empty() {
        let c = ctx.closure(&ledger, &remaining, None, &broken);
        commit(&mut ledger, &mut remaining, &c);
        left -= c.units.len();
        groups.push(Group {
            units: c.units,
            cost_delta: c.cost_delta,
            fixed_delta: c.fixed_delta,
            restores_frozen: true,
        });
    }

    let mut cands: Vec<Option<Candidate>> = (0..units.len())
        .into_par_iter()
        .map(|u| remaining[u].then(|| ctx.closure(&ledger, &remaining, Some(u), &[])))
        .collect();
    let mut ranked: BTreeSet<(Rank, usize)> = cands
        .iter()
        .enumerate()
        .filter_map(|(u, c)| c.as_ref().map(|c| (c.rank(u), u)))
        .collect();
    let mut watches = watch::Watches::new(units.len());
    for (u, c) in cands.iter().enumerate() {
        if let Some(c) = c {
            watches.file(s, u, &c.units, &c.seen);
        }
    }
    while left > 0 {
        let (_, best) = ranked
            .pop_first()
            .expect("a remaining unit has a candidate");
        let c = cands[best].take().expect("chosen candidate exists");
        watches.drop(best);
        commit(&mut ledger, &mut remaining, &c);
        left -= c.units.len();
        let changed = signs(units, &c.units, 0.0);
        let stale = watches.stale(
            s,
            &c.units,
            changed.iter().map(|(r, x)| (*r, x.loss, x.moved)),
        );
        groups.push(Group {
            units: c.units,
            cost_delta: c.cost_delta,
            fixed_delta: c.fixed_delta,
            restores_frozen: false,
        });
        // Debug builds (the tests) confirm on small cases that every closure left alone
        // comes out the same.
        if cfg!(debug_assertions) && units.len() <= 400 {
            for (u, c) in cands.iter().enumerate() {
                if let (Some(c), Err(_)) = (c, stale.binary_search(&u)) {
                    let again = ctx.closure(&ledger, &remaining, Some(u), &[]);
                    assert!(
                        again.units == c.units && again.rank(u) == c.rank(u),
                        "the closure of unit {u} changed although no watch saw it"
                    );
                }
            }
        }
        let fresh: Vec<(usize, Option<Candidate>)> = stale
            .into_par_iter()
            .map(|u| {
                (
                    u,
                    remaining[u].then(|| ctx.closure(&ledger, &remaining, Some(u), &[])),
                )
            })
            .collect();
        for (u, c) in fresh {
            let old = cands[u].take().expect("a stale candidate exists");
            ranked.remove(&(old.rank(u), u));
            match &c {
                Some(c) => {
                    watches.file(s, u, &c.units, &c.seen);
                    ranked.insert((c.rank(u), u));
                }
                None => watches.drop(u),
            }
            cands[u] = c;
        }
    }
    (groups, broken)
}

/// `v` reordered: its last element, then its first, then the elements at the middle, the
/// quarters, the eighths, ... of the list (each once), so that any leading part of the
/// result is spread over the whole list.
fn coarse_to_fine(v: &[usize]) -> Vec<usize> {
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

/// Work the checker may spend on prefixes, in plan entries evaluated: every prefix on the
/// medium preset (seed 1: 587 responses x 13,064 entries, 7.7 million), a sample on larger
/// plans, where checking all of them would cost responses x plan size (large: 38 of 9,366
/// prefixes of 262,638 entries, about 1.8 s on 2 cores).
const CHECK_BUDGET: usize = 10_000_000;

/// What the checker may spend: plan entries evaluated, and time.
#[derive(Clone, Copy)]
struct Checking {
    entries: usize,
    until: Option<std::time::Instant>,
}

/// The cost breakdown after each prefix of responses. The construction predicts each one;
/// the checker evaluates every prefix (or, past [`CHECK_BUDGET`], evenly spaced prefixes
/// and the last; past `until`, those it reached, the last always among them): a prefix it
/// rejects, or a cost that differs from the prediction by more than 1e-6 relative, is an
/// internal error. Where the checker evaluated, its numbers are the ones used. Returns the
/// breakdowns and how many prefixes the checker evaluated.
///
/// Long because the checked and the predicted prefixes are compared in one pass that keeps the
/// checker's numbers where it ran.
fn verify(
    s: &Scenario,
    baseline: &Plan,
    baseline_cost: CostBreakdown,
    units: &[Unit],
    groups: &[Group],
    deltas: &[(Plan, Plan)],
    checking: Checking,
) -> Result<(Vec<CostBreakdown>, usize), RespondError> {
    let Checking {
        entries: budget,
        until,
    } = checking;
    let n = groups.len();
    // The construction's prediction, prefix by prefix.
    let mut predicted = Vec::with_capacity(n);
    let mut c = baseline_cost;
    for g in groups {
        for &u in &g.units {
            let p = &units[u].parts;
            c.transport += p.transport;
            c.expedite += p.expedite;
            c.lateness += p.lateness;
            c.shortage += p.shortage;
            c.change += p.change;
        }
        c.fixed += g.fixed_delta;
        c.total += g.cost_delta;
        predicted.push(c);
    }
    let size = baseline.shipments.len() + baseline.transfers.len() + s.orders.len() + 1;
    let chosen: Vec<usize> = if n.saturating_mul(size) <= budget {
        (0..n).collect()
    } else {
        // n >= 1 here (0 responses fit any budget); at least the first and the last.
        let m = (budget / size).max(2).min(n);
        if m == 1 {
            vec![n - 1]
        } else {
            let mut v: Vec<usize> = (0..m).map(|i| i * (n - 1) / (m - 1)).collect();
            v.dedup();
            v
        }
    };
    // Each prefix is built the way `apply` builds an approval set, from the responses'
    // deltas on the baseline, so what is checked here is what gets approved. The last
    // first, then coarse to fine (halves, quarters, ...), a batch per round, so that a
    // check cut short by `until` has still spread its prefixes over the whole list.
    let order = coarse_to_fine(&chosen);
    let batch = 2 * rayon::current_num_threads();
    let base = MergedBase::of(baseline);
    let check = |k: usize| {
        let plan = base.apply(&deltas[..=k]);
        let e = evaluate(s, &plan);
        let checked = match e.violations.first() {
            Some(v) => Err(RespondError::PrefixInfeasible {
                prefix: k + 1,
                rule: v.rule,
                message: v.message.clone(),
            }),
            None => Ok(e.cost),
        };
        (k, checked)
    };
    let mut results: Vec<(usize, Result<CostBreakdown, RespondError>)> = Vec::new();
    for (i, round) in order.chunks(batch).enumerate() {
        if i > 0 && until.is_some_and(|t| std::time::Instant::now() >= t) {
            break;
        }
        results.extend(round.par_iter().map(|&k| check(k)).collect::<Vec<_>>());
    }
    // In prefix order, so that a failure names the first prefix found to fail.
    results.sort_unstable_by_key(|r| r.0);
    let checked_prefixes = results.len();
    let mut costs = predicted.clone();
    let mut checked_at = Vec::with_capacity(checked_prefixes);
    for (k, checked) in results {
        let checked = checked?;
        checked_at.push(k);
        let want = predicted[k].total;
        let scale = baseline_cost.total.abs().max(want.abs()).max(1.0);
        if (checked.total - want).abs() > 1e-6 * scale {
            let before = if k == 0 {
                baseline_cost.total
            } else {
                predicted[k - 1].total
            };
            return Err(RespondError::BenefitMismatch {
                response: k + 1,
                estimated: before - want,
                checked: before - checked.total,
            });
        }
        costs[k] = checked;
    }
    // Between checked prefixes, carry the predicted changes from the last checked one.
    let mut prev = baseline_cost;
    let mut prev_pred = baseline_cost;
    for k in 0..n {
        if checked_at.binary_search(&k).is_err() {
            costs[k] = prev + (predicted[k] - prev_pred);
        }
        prev = costs[k];
        prev_pred = predicted[k];
    }
    Ok((costs, checked_prefixes))
}

#[cfg(test)]
mod tests {
    use super::{apply_deltas, coarse_to_fine};
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
