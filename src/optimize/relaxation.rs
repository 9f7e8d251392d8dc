//! A lower bound on the cost of every plan from a transportation relaxation
//! (`models/relaxation.md`), for where the whole model is too big to give one.
//!
//! Per SKU, units go from stock (on day 0) and receipts (on their earliest eta, expedited
//! where that is sooner, at the expedite's cost per unit of the receipt) to order lines. A
//! unit sent from node `i` to a line whose destination is `z` costs at least the cheapest
//! chain of lanes from `i` to `z` (each lane's charge counted per unit of the most a day
//! can carry) plus the late penalty of the earliest arrival at `z` from its first day (each
//! leg leaving on a day its node is open and its lane departs), each minimum taken on its
//! own; a line can be left short at its penalty; a unit the line's plan takes from a node
//! costs the change penalty too, unless a unit from that node serves it. Capacities, the
//! rest of the charges and expedite costs, and the rules that tie lines together only add
//! cost or remove options, so every plan costs at least the relaxation's optimum.
//!
//! Each SKU's relaxation is a bipartite min-cost flow, solved exactly by successive shortest
//! paths. What is reported is not the flow's cost but the Lagrangian value of the supply
//! prices read off its final potentials: for any prices `u >= 0` on the sources,
//! `sum_j d_j min(p_j, min_i (c_ij + u_i)) - sum_i S_i u_i` bounds the relaxation from below,
//! so the bound is valid whatever the flow's arithmetic did, and equals the relaxation's
//! optimum when the prices are optimal. A SKU the deadline stops counts with `u = 0` (each
//! line served by its cheapest source, or short), and one it does not reach counts 0:
//! still a valid bound.

use crate::base::total_f64::TotalF64;
use crate::scenario::domain::{Line, Order, Scenario};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// What the relaxation proved and what it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Relaxation {
    /// A lower bound on the cost of every feasible plan.
    pub bound: f64,
    /// SKUs with order lines, and those whose flow was solved before the deadline. One the
    /// deadline stopped counts with prices 0 (each line served by its cheapest source or
    /// left short); those after it count 0.
    pub skus: usize,
    pub solved: usize,
    /// Source-to-line arcs that could lower the cost, in the SKUs reached.
    pub arcs: usize,
    pub seconds: f64,
}

const INF: f64 = f64::INFINITY;

/// When the relaxation stops: at a deadline, or when someone stops the solve (the worker's
/// `$/cancelRequest`), so that a stopped solve answers at once.
pub struct Until<'a> {
    pub deadline: Instant,
    pub stopped: &'a (dyn Fn() -> bool + Sync),
}

impl Until<'_> {
    /// Until `deadline`, whatever happens.
    pub fn deadline(deadline: Instant) -> Until<'static> {
        Until {
            deadline,
            stopped: &|| false,
        }
    }

    fn passed(&self) -> bool {
        Instant::now() >= self.deadline || (self.stopped)()
    }
}

/// The relaxation's bound, one SKU after another on the calling thread (the search runs
/// beside it), until `until`.
pub fn bound(s: &Scenario, until: &Until) -> Relaxation {
    let began = Instant::now();
    let skus = per_sku(s);
    // The chains take n^3 steps: on a network of thousands of nodes, longer than a limit.
    let Some(reach) = Reach::of(s, until) else {
        return Relaxation {
            bound: 0.0,
            skus: skus.len(),
            solved: 0,
            arcs: 0,
            seconds: began.elapsed().as_secs_f64(),
        };
    };
    // Every SKU first without the change penalties, then those with a planned line with
    // them where time is left, each counting the better of its two bounds: with them,
    // large's lines split into a part per planned node, and the pass takes 8-9 s against
    // 4.5-5 s; under a 10 s limit, one pass with them reached 882 SKUs of 2,000 where this
    // one's first pass reaches 1,358.
    let mut parts: Vec<Part> = skus
        .iter()
        .map_while(|(sources, sinks)| part(&reach, sources, sinks, until))
        .collect();
    let change = s.policy.change_penalty_per_unit;
    if change > 0.0 && !until.passed() {
        // The same sources; a SKU without a planned line has the same flow in both passes.
        let planned = lines_per_sku(s, change)
            .into_iter()
            .filter(|k| !k.is_empty());
        let again = skus
            .iter()
            .zip(planned)
            .zip(parts.iter_mut())
            .filter(|((_, sinks), _)| sinks.iter().any(|x| x.planned.is_some()));
        for (((sources, _), sinks), p) in again {
            let Some(q) = part(&reach, sources, &sinks, until) else {
                break;
            };
            if q.bound > p.bound {
                *p = q;
            }
        }
    }
    Relaxation {
        bound: parts.iter().map(|p| p.bound).fold(0.0, |a, b| a + b),
        skus: skus.len(),
        solved: parts.iter().filter(|p| p.solved).count(),
        arcs: parts.iter().map(|p| p.arcs).sum(),
        seconds: began.elapsed().as_secs_f64(),
    }
}

/// One SKU's bound; `None` once `until` has passed. Every SKU's relaxation costs at least 0
/// (costs and penalties are never negative), so leaving out the SKUs the deadline did not
/// reach keeps the sum a bound.
fn part(reach: &Reach, sources: &[Source], sinks: &[Sink], until: &Until) -> Option<Part> {
    if until.passed() {
        return None;
    }
    let flow = Flow::of(reach, sources, sinks);
    let prices = flow.prices(until);
    let solved = prices.is_some();
    let u = prices.unwrap_or_else(|| vec![0.0; flow.sources.len()]);
    // Every cost and penalty is at least 0, so the relaxation is too: a Lagrangian value
    // below it (rounding, at prices that are not quite optimal) counts 0.
    Some(Part {
        bound: flow.lagrangian(&u).max(0.0),
        solved,
        arcs: flow.arcs.len(),
    })
}

/// Per SKU with order lines, its sources (units per node and day they can first leave,
/// [`sources_per_sku`]) and its lines without the change penalties ([`lines_per_sku`]).
fn per_sku(s: &Scenario) -> Vec<(Vec<Source>, Vec<Sink>)> {
    sources_per_sku(s)
        .into_iter()
        .zip(lines_per_sku(s, 0.0))
        .filter(|(_, sinks)| !sinks.is_empty())
        .collect()
}

/// Per SKU, its lines: units per destination, due day and penalties, in parts per planned
/// node when `change` is above 0, merged where equal; empty for a SKU without lines (one
/// with lines has at least one part whatever `change`, so the same SKUs have lines in
/// both passes).
fn lines_per_sku(s: &Scenario, change: f64) -> Vec<Vec<Sink>> {
    let mut lines: Vec<Vec<Sink>> = Vec::new();
    lines.resize_with(s.skus.len(), Vec::new);
    for o in s.orders.iter() {
        for l in &o.lines {
            line_parts(o, l, change, &mut lines[l.sku.ix()]);
        }
    }
    for sinks in &mut lines {
        merge(
            sinks,
            |k| {
                let planned = k.planned.map_or(0, |n| n + 1);
                (
                    k.destination,
                    k.due,
                    k.late.to_bits(),
                    k.short.to_bits(),
                    planned,
                )
            },
            |k| &mut k.units,
        );
    }
    lines
}

/// Per SKU, the units of its stock (on day 0) and receipts (from their earliest day),
/// merged where node, day and cost are equal.
fn sources_per_sku(s: &Scenario) -> Vec<Vec<Source>> {
    let mut skus: Vec<Vec<Source>> = Vec::new();
    skus.resize_with(s.skus.len(), Default::default);
    for &(node, sku) in s.stock.keys() {
        let units = s.available_at_start(node, sku);
        if units > 0.0 {
            let node = node.ix();
            skus[sku.ix()].push(Source {
                node,
                day: 0,
                units,
                surcharge: 0.0,
                then: None,
            });
        }
    }
    for r in &s.inbound {
        if r.quantity <= 0.0 {
            continue;
        }
        // An expedite that brings the units sooner is an option at its cost shared per
        // unit: a plan that uses x of the q units before the eta pays the whole cost, at
        // least cost * x / q.
        let per_unit = r.expedite.map_or(0.0, |x| x.cost.max(0.0)) / r.quantity;
        let ways = match (r.arrival(false), r.arrival(true)) {
            (eta, Some(early)) if eta.is_none_or(|eta| early < eta) => {
                Some((i64::from(early), per_unit, eta.map(i64::from)))
            }
            (Some(eta), _) => Some((i64::from(eta), 0.0, None)),
            (None, _) => None,
        };
        if let Some((day, surcharge, then)) = ways {
            skus[r.sku.ix()].push(Source {
                node: r.node.ix(),
                day,
                units: r.quantity,
                surcharge,
                then,
            });
        }
    }
    for sources in &mut skus {
        merge(
            sources,
            |x| (x.node, x.day, x.surcharge.to_bits(), x.then),
            |x| &mut x.units,
        );
    }
    skus
}

/// Into `parts`, order `o`'s line `l`: with `change` above 0, a part per node its plan
/// ships the SKU from, with the units planned there, whose units cost the change penalty
/// unless they come from that node (SCENARIO.md: the planned quantities add up to at most
/// the line's); then the rest, even with no units left (a SKU keeps its lines whatever
/// `change`).
fn line_parts(o: &Order, l: &Line, change: f64, parts: &mut Vec<Sink>) {
    let sink = |units: f64, planned: Option<usize>| Sink {
        destination: o.destination.ix(),
        due: o.due,
        late: o.late_penalty_per_unit_day,
        short: o.short_penalty_per_unit,
        units,
        planned,
        change: if planned.is_some() { change } else { 0.0 },
    };
    let mut planned: Vec<(usize, f64)> = Vec::new();
    if change > 0.0 {
        for e in o.plan.iter().filter(|e| e.sku == l.sku && e.quantity > 0.0) {
            match planned.iter_mut().find(|p| p.0 == e.node.ix()) {
                Some(p) => p.1 += e.quantity,
                None => planned.push((e.node.ix(), e.quantity)),
            }
        }
    }
    let mut rest = l.quantity;
    for (node, units) in planned {
        let units = units.min(rest);
        rest -= units;
        parts.push(sink(units, Some(node)));
    }
    parts.push(sink(rest, None));
}

/// `v` sorted by `key`, with the units of equal keys added into one.
fn merge<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K, units: impl Fn(&mut T) -> &mut f64) {
    v.sort_by_key(|x| key(x));
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v.drain(..) {
        match out.last_mut() {
            Some(last) if key(last) == key(&x) => {
                let mut x = x;
                *units(last) += *units(&mut x);
            }
            _ => out.push(x),
        }
    }
    *v = out;
}

struct Part {
    bound: f64,
    solved: bool,
    arcs: usize,
}

struct Source {
    node: usize,
    day: i64,
    units: f64,
    /// What a unit leaving from `day` costs first: 0, or for a receipt that only an
    /// expedite brings by `day`, the expedite's cost per unit of the receipt.
    surcharge: f64,
    /// Such a receipt's own eta, when it arrives inside the horizon: from there its units
    /// cost nothing first.
    then: Option<i64>,
}

struct Sink {
    destination: usize,
    due: i64,
    late: f64,
    short: f64,
    units: f64,
    /// The node the units of this part of a line were planned from, if any, and the change
    /// penalty each of them costs unless a unit from that node serves it, short or not
    /// ([`Flow::of`]); 0 without a plan.
    planned: Option<usize>,
    change: f64,
}

/// Per (stock node `i`, destination `z`), `n * i + z`: the cheapest chain's cost, and the
/// cheapest transfers alone and last legs alone; per (stock node `i`, day `d`, destination
/// `z`), `(slot[i] * h + d) * n + z`: the earliest day a unit at `i` on day `d` can arrive at
/// `z`. All infinite where no chain exists. A chain is transfers between stock-holding
/// nodes, then a shipment (a hand-over at the node when it is `z`); the cheapest counts
/// lanes that depart on some day, the earliest leaves each node on a day it is open and its
/// lane departs, inside the horizon.
struct Reach {
    n: usize,
    h: usize,
    cost: Vec<f64>,
    transfers: Vec<f64>,
    last_legs: Vec<f64>,
    /// Per node, its row block in `arrive` when it holds stock (two thirds of large's nodes
    /// are delivery zones, which need none).
    slot: Vec<usize>,
    arrive: Vec<f64>,
}

impl Reach {
    /// `None` once `until` passes.
    fn of(s: &Scenario, until: &Until) -> Option<Reach> {
        let n = s.nodes.len();
        let h = s.horizon as usize;
        let stock: Vec<bool> = s.nodes.iter().map(|x| x.holds_stock()).collect();
        // Transfers: all-pairs cheapest.
        let mut tc = vec![INF; n * n];
        // Final legs: a lane from a stock node, or the node itself.
        let mut fc = vec![INF; n * n];
        for i in (0..n).filter(|&i| stock[i]) {
            tc[n * i + i] = 0.0;
            fc[n * i + i] = 0.0;
        }
        for lane in s.lanes.iter().filter(|l| l.departs.iter().any(|&d| d)) {
            let (f, t) = (lane.from.ix(), lane.to.ix());
            // At most `cap` units depart on a lane-day, so its charge is at least
            // `fixed / cap` per unit it carries.
            let cap = lane
                .capacity_per_day
                .unwrap_or(INF)
                .min(s.nodes[f].ship_capacity_per_day.unwrap_or(INF));
            if !stock[f] || cap <= 0.0 {
                continue;
            }
            let charge = if lane.fixed_cost_per_day > 0.0 {
                lane.fixed_cost_per_day / cap
            } else {
                0.0
            };
            let unit = lane.cost_per_unit + charge;
            let k = n * f + t;
            fc[k] = fc[k].min(unit);
            if lane.carries_transfers {
                tc[k] = tc[k].min(unit);
            }
        }
        closure(&mut tc, n, until)?;
        let mut cost = vec![INF; n * n];
        for i in (0..n).filter(|&i| stock[i]) {
            if until.passed() {
                return None;
            }
            for m in (0..n).filter(|&m| tc[n * i + m] < INF) {
                let c = tc[n * i + m];
                for z in (0..n).filter(|&z| fc[n * m + z] < INF) {
                    let k = n * i + z;
                    cost[k] = cost[k].min(c + fc[n * m + z]);
                }
            }
        }
        let (slot, arrive) = earliest(s, &stock, until)?;
        Some(Reach {
            n,
            h,
            cost,
            transfers: tc,
            last_legs: fc,
            slot,
            arrive,
        })
    }

    /// The cheapest chain from `i` to `z` whose shipment leaves from `m` (infinite where
    /// none does).
    fn cost_via(&self, i: usize, m: usize, z: usize) -> f64 {
        self.transfers[self.n * i + m] + self.last_legs[self.n * m + z]
    }

    /// The earliest day a unit at stock node `i` on day `d` can arrive at `z` (infinite from
    /// a node without stock, where no chain starts).
    fn arrival(&self, i: usize, d: i64, z: usize) -> f64 {
        match (usize::try_from(d), self.slot[i]) {
            (Ok(d), k) if d < self.h && k != usize::MAX => {
                self.arrive[(k * self.h + d) * self.n + z]
            }
            _ => INF,
        }
    }
}

/// [`Reach::slot`] and [`Reach::arrive`]: per stock node and day, the earliest arrival at
/// every node ([`Legs::row`]); `None` once `until` passes.
fn earliest(s: &Scenario, stock: &[bool], until: &Until) -> Option<(Vec<usize>, Vec<f64>)> {
    let n = s.nodes.len();
    let h = s.horizon as usize;
    let legs = Legs::of(s, stock);
    let mut slot = vec![usize::MAX; n];
    let holding: Vec<usize> = (0..n).filter(|&i| stock[i]).collect();
    let mut arrive = vec![INF; holding.len() * h * n];
    let mut at = vec![NEVER; n];
    for (k, &i) in holding.iter().enumerate() {
        if until.passed() {
            return None;
        }
        slot[i] = k;
        for d in 0..h {
            let row = &mut arrive[(k * h + d) * n..(k * h + d + 1) * n];
            legs.row(i, d, &mut at, row);
        }
    }
    Some((slot, arrive))
}

/// A day that never comes: no leg leaves, no unit arrives.
const NEVER: usize = usize::MAX;

/// A lane from a stock node, with the first day from every day on which it can leave.
struct Leg {
    to: usize,
    lead: usize,
    /// Its `to` holds stock.
    transfers: bool,
    /// Per day `t` of the horizon, the first day from `t` on with the node open and the
    /// lane departing ([`NEVER`]: none), and [`NEVER`] at the horizon.
    next: Vec<usize>,
}

/// The legs a unit can take from the stock nodes.
struct Legs {
    h: usize,
    legs: Vec<Leg>,
    out_of: Vec<Vec<usize>>,
    /// Per stock node and day: the first day from then on it can hand units over locally.
    handover: Vec<Vec<usize>>,
}

impl Legs {
    fn of(s: &Scenario, stock: &[bool]) -> Legs {
        let (n, h) = (s.nodes.len(), s.horizon as usize);
        let leaves = |from: usize, departs: &dyn Fn(usize) -> bool| -> Vec<usize> {
            let mut next = vec![NEVER; h + 1];
            for t in (0..h).rev() {
                let open = s.nodes[from].is_open(t as i64) && departs(t);
                next[t] = if open { t } else { next[t + 1] };
            }
            next
        };
        let mut out_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut legs = Vec::new();
        for l in s.lanes.iter().filter(|l| stock[l.from.ix()]) {
            out_of[l.from.ix()].push(legs.len());
            legs.push(Leg {
                to: l.to.ix(),
                lead: l.lead_time as usize,
                transfers: l.carries_transfers,
                next: leaves(l.from.ix(), &|t| l.departs_on(t as i64)),
            });
        }
        let handover = (0..n)
            .map(|m| {
                if stock[m] {
                    leaves(m, &|_| true)
                } else {
                    Vec::new()
                }
            })
            .collect();
        Legs {
            h,
            legs,
            out_of,
            handover,
        }
    }

    /// The first day from `at` (below the horizon) on which `next` leaves.
    fn leave(next: &[usize], at: usize) -> Option<usize> {
        Some(next[at]).filter(|&t| t != NEVER)
    }

    /// Into `row`, the earliest arrival at every node of a unit at stock node `i` on day
    /// `d`: a label-setting search over the stock nodes by transfers (waiting is allowed
    /// there, and a later start never arrives earlier; `at` is its scratch), then one more
    /// shipment or a hand-over.
    fn row(&self, i: usize, d: usize, at: &mut [usize], row: &mut [f64]) {
        at.fill(NEVER);
        at[i] = d;
        let mut heap = BinaryHeap::from([Reverse((d, i))]);
        while let Some(Reverse((t, m))) = heap.pop() {
            if t > at[m] || t >= self.h {
                continue;
            }
            for leg in self.out_of[m].iter().map(|&k| &self.legs[k]) {
                if let Some(a) = Self::leave(&leg.next, t).filter(|_| leg.transfers) {
                    let a = a + leg.lead;
                    if a < at[leg.to] {
                        at[leg.to] = a;
                        heap.push(Reverse((a, leg.to)));
                    }
                }
            }
        }
        for m in (0..at.len()).filter(|&m| at[m] < self.h) {
            if let Some(t) = Self::leave(&self.handover[m], at[m]) {
                row[m] = row[m].min(t as f64);
            }
            for leg in self.out_of[m].iter().map(|&k| &self.legs[k]) {
                if let Some(t) = Self::leave(&leg.next, at[m]) {
                    row[leg.to] = row[leg.to].min((t + leg.lead) as f64);
                }
            }
        }
    }
}

/// Min-plus closure of an `n x n` matrix (Floyd-Warshall); `None` once `until` passes.
fn closure(m: &mut [f64], n: usize, until: &Until) -> Option<()> {
    for k in 0..n {
        if until.passed() {
            return None;
        }
        for i in 0..n {
            let ik = m[n * i + k];
            if ik == INF {
                continue;
            }
            for j in 0..n {
                let c = ik + m[n * k + j];
                if c < m[n * i + j] {
                    m[n * i + j] = c;
                }
            }
        }
    }
    Some(())
}

/// One SKU's relaxation as a flow: `sources` with their units, `sinks` with their demand
/// and short penalty, and the arcs `(source, sink, c - p)` on which a unit costs less than
/// leaving it short.
struct Flow {
    sources: Vec<f64>,
    sinks: Vec<(f64, f64)>,
    arcs: Vec<(usize, usize, f64)>,
}

impl Flow {
    fn of(reach: &Reach, sources: &[Source], sinks: &[Sink]) -> Flow {
        let n = reach.n;
        let mut arcs = Vec::new();
        // A line with no units takes nothing (it counts 0 whatever its arcs).
        for (j, k) in sinks.iter().enumerate().filter(|(_, k)| k.units > 0.0) {
            for (i, x) in sources.iter().enumerate() {
                let r = n * x.node + k.destination;
                if reach.cost[r] == INF {
                    continue;
                }
                // Lateness from the expedited day at the expedite's cost per unit, or from
                // the receipt's own eta, whichever costs less.
                let late = |day: i64| {
                    let arrival = reach.arrival(x.node, day, k.destination);
                    if arrival == INF {
                        INF
                    } else {
                        k.late * (arrival - k.due as f64).max(0.0)
                    }
                };
                let mut waiting = late(x.day) + x.surcharge;
                if let Some(day) = x.then {
                    waiting = waiting.min(late(day));
                }
                if waiting == INF {
                    continue;
                }
                // A unit serves its part's plan when its shipment leaves from the planned
                // node, which transfers may reach first; otherwise it pays the change.
                let cost = match k.planned {
                    Some(m) => {
                        (reach.cost[r] + k.change).min(reach.cost_via(x.node, m, k.destination))
                    }
                    None => reach.cost[r],
                };
                let c = cost + waiting - (k.short + k.change);
                if c < 0.0 {
                    arcs.push((i, j, c));
                }
            }
        }
        Flow {
            sources: sources.iter().map(|x| x.units).collect(),
            sinks: sinks
                .iter()
                .map(|k| (k.units, k.short + k.change))
                .collect(),
            arcs,
        }
    }

    /// `sum_j d_j (p_j + min(0, min_i (c_ij - p_j + u_i))) - sum_i S_i u_i` for prices
    /// `u >= 0`: a lower bound on this SKU's relaxation for any such prices.
    fn lagrangian(&self, u: &[f64]) -> f64 {
        let best = self.line_values(&self.arcs, u);
        let served: f64 = self
            .sinks
            .iter()
            .zip(&best)
            .map(|(&(d, p), b)| d * (p + b))
            .sum();
        served - self.sources.iter().zip(u).map(|(s, u)| s * u).sum::<f64>()
    }

    /// Optimal supply prices by column generation: the flow over each line's
    /// [`FIRST_ARCS`] cheapest arcs, then every arc priced under its prices and the
    /// [`ARCS_PER_ROUND`] best that would lower the cost added, until none would (or after
    /// [`ROUNDS`]: the prices are still valid, maybe not optimal). `None` once `until`
    /// passes.
    fn prices(&self, until: &Until) -> Option<Vec<f64>> {
        let by_line = self.by_line();
        let mut active = Vec::new();
        for arcs in &by_line {
            let mut arcs = arcs.to_vec();
            arcs.sort_by(|a, b| a.2.total_cmp(&b.2));
            active.extend(arcs.into_iter().take(FIRST_ARCS));
        }
        let mut round = 0;
        loop {
            round += 1;
            let u = self.exact_prices(&active, until)?;
            // An arc below its line's value over the arcs in the flow would lower its cost.
            let value = self.line_values(&active, &u);
            let before = active.len();
            for arcs in &by_line {
                let mut better: Vec<(f64, (usize, usize, f64))> = arcs
                    .iter()
                    .map(|&(i, j, c)| (c + u[i], (i, j, c)))
                    .filter(|&(r, (_, j, _))| r < value[j] - TIGHT * (1.0 + value[j].abs()))
                    .collect();
                better.sort_by(|a, b| a.0.total_cmp(&b.0));
                active.extend(better.into_iter().take(ARCS_PER_ROUND).map(|(_, a)| a));
            }
            if active.len() == before || round == ROUNDS {
                return Some(u);
            }
        }
    }

    /// Per line, the least of 0 and `c_ij + u_i` over `arcs` into it: what a unit of the
    /// line costs, beyond its short penalty, under prices `u`.
    fn line_values(&self, arcs: &[(usize, usize, f64)], u: &[f64]) -> Vec<f64> {
        let mut value = vec![0.0f64; self.sinks.len()];
        for &(i, j, c) in arcs {
            value[j] = value[j].min(c + u[i]);
        }
        value
    }

    /// The arcs, which [`Flow::of`] makes line by line, in one slice per line.
    fn by_line(&self) -> Vec<&[(usize, usize, f64)]> {
        self.arcs.chunk_by(|a, b| a.1 == b.1).collect()
    }

    /// The prices of this flow over `arcs` (some of its own): successive shortest paths in
    /// phases, then
    /// `u_i = max(0, pi_i - pi_s)` for potentials `pi` under which no arc of the optimal
    /// flow's residual graph has a negative reduced cost. `None` once `until` passes.
    fn exact_prices(&self, arcs: &[(usize, usize, f64)], until: &Until) -> Option<Vec<f64>> {
        let mut g = Residual::of(self, arcs);
        let mut pi = g.initial_potentials(self.sources.len(), arcs);
        // Each phase: the cheapest paths' cost (`pi` of the super sink once updated), then
        // every path of that cost at once; until none costs less than 0.
        while g.shortest(&mut pi) && pi[g.sink] < 0.0 {
            if until.passed() {
                return None;
            }
            g.blocking_flow(&pi);
        }
        g.settle(&mut pi);
        Some(
            (0..self.sources.len())
                .map(|i| (pi[1 + i] - pi[0]).max(0.0))
                .collect(),
        )
    }
}

/// Arcs per line in the first flow, and at most added per line in each round after it, and
/// the rounds. Measured on large seed 1 (2,000 SKUs, 7.4M arcs, two threads): every arc at
/// once 19.4 s; 8 first and 3 per round 10.1 s; 16 and 3 8.2 s; 16 and 8 8.5 s; all with
/// the same bound.
const FIRST_ARCS: usize = 16;
const ARCS_PER_ROUND: usize = 3;
const ROUNDS: usize = 20;

/// The residual graph of a [`Flow`]: node 0 the super source, then the sources, the sinks,
/// and the super sink last; each node's arcs side by side (`first[v]..first[v + 1]`).
struct Residual {
    first: Vec<usize>,
    head: Vec<u32>,
    cost: Vec<f64>,
    cap: Vec<f64>,
    /// The arc's reverse.
    rev: Vec<u32>,
    sink: usize,
}

impl Residual {
    /// The empty flow of `f` over `arcs`.
    fn of(f: &Flow, arcs: &[(usize, usize, f64)]) -> Residual {
        let (ni, nj) = (f.sources.len(), f.sinks.len());
        let sink = ni + nj + 1;
        let mut all: Vec<(usize, usize, f64, f64)> = Vec::new();
        all.extend(
            f.sources
                .iter()
                .enumerate()
                .map(|(i, &s)| (0, 1 + i, s, 0.0)),
        );
        all.extend(arcs.iter().map(|&(i, j, c)| (1 + i, 1 + ni + j, INF, c)));
        all.extend(
            f.sinks
                .iter()
                .enumerate()
                .map(|(j, &(d, _))| (1 + ni + j, sink, d, 0.0)),
        );
        let mut first = vec![0usize; sink + 2];
        for &(from, to, _, _) in &all {
            first[from + 1] += 1;
            first[to + 1] += 1;
        }
        for v in 0..=sink {
            first[v + 1] += first[v];
        }
        let m = first[sink + 1];
        let mut g = Residual {
            first: first.clone(),
            head: vec![0; m],
            cost: vec![0.0; m],
            cap: vec![0.0; m],
            rev: vec![0; m],
            sink,
        };
        let mut next = first;
        for (from, to, cap, cost) in all {
            let (a, r) = (next[from], next[to]);
            next[from] += 1;
            next[to] += 1;
            for (x, head, cap, cost, rev) in [(a, to, cap, cost, r), (r, from, 0.0, -cost, a)] {
                g.head[x] = head as u32;
                g.cap[x] = cap;
                g.cost[x] = cost;
                g.rev[x] = rev as u32;
            }
        }
        g
    }

    fn nodes(&self) -> usize {
        self.first.len() - 1
    }

    fn arcs(&self, v: usize) -> std::ops::Range<usize> {
        self.first[v]..self.first[v + 1]
    }

    /// Potentials of the empty flow (its arcs form layers: super source, sources, sinks,
    /// super sink): each node's cheapest path.
    fn initial_potentials(&self, sources: usize, arcs: &[(usize, usize, f64)]) -> Vec<f64> {
        let mut pi = vec![0.0; self.nodes()];
        for &(i, j, c) in arcs {
            let k = 1 + sources + j;
            pi[k] = f64::min(pi[k], c + pi[1 + i]);
        }
        pi[self.sink] = pi[1 + sources..self.sink]
            .iter()
            .copied()
            .fold(0.0, f64::min);
        pi
    }

    /// Dijkstra on reduced costs from the super source, stopped once the super sink is
    /// settled; each node's potential grows by its distance, capped at the super sink's
    /// (which keeps every residual arc's reduced cost at least 0). Whether the super sink
    /// was reached.
    fn shortest(&self, pi: &mut [f64]) -> bool {
        use std::cmp::Reverse;
        let n = self.nodes();
        let mut dist = vec![INF; n];
        let mut done = vec![false; n];
        let mut heap = std::collections::BinaryHeap::new();
        dist[0] = 0.0;
        heap.push((Reverse(TotalF64::of(0.0)), 0));
        while let Some((_, v)) = heap.pop() {
            if done[v] {
                continue;
            }
            // The first entry of `v` out of the heap carries its distance now.
            let d = dist[v];
            done[v] = true;
            if v == self.sink {
                break;
            }
            let base = d + pi[v];
            for a in self.arcs(v) {
                let w = self.head[a] as usize;
                if self.cap[a] <= EPS || done[w] {
                    continue;
                }
                let nd = d.max(base + self.cost[a] - pi[w]);
                if nd < dist[w] {
                    dist[w] = nd;
                    heap.push((Reverse(TotalF64::of(nd)), w));
                }
            }
        }
        if !done[self.sink] {
            return false;
        }
        let cap = dist[self.sink];
        for (p, d) in pi.iter_mut().zip(&dist) {
            *p += d.min(cap);
        }
        true
    }

    /// Augments along every path of arcs with reduced cost 0 (within rounding) from the
    /// super source to the super sink, by levels so that no path repeats a node.
    fn blocking_flow(&mut self, pi: &[f64]) {
        let n = self.nodes();
        let tight = |g: &Residual, v: usize, a: usize| {
            let w = g.head[a] as usize;
            g.cap[a] > EPS && g.cost[a] + pi[v] - pi[w] <= TIGHT * (1.0 + pi[w].abs())
        };
        let mut level = vec![u32::MAX; n];
        let mut queue = std::collections::VecDeque::from([0]);
        level[0] = 0;
        while let Some(v) = queue.pop_front() {
            for a in self.arcs(v) {
                let w = self.head[a] as usize;
                if level[w] == u32::MAX && tight(self, v, a) {
                    level[w] = level[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        let mut next: Vec<usize> = self.first[..n].to_vec();
        // The path as (node, arc taken from it).
        let mut path: Vec<(usize, usize)> = Vec::new();
        let mut v = 0;
        loop {
            if v == self.sink {
                let units = path.iter().map(|&(_, a)| self.cap[a]).fold(INF, f64::min);
                for &(_, a) in &path {
                    self.cap[a] -= units;
                    self.cap[self.rev[a] as usize] += units;
                }
                path.clear();
                v = 0;
                continue;
            }
            let end = self.first[v + 1];
            while next[v] < end {
                let a = next[v];
                let w = self.head[a] as usize;
                if level[w] != u32::MAX && level[w] == level[v] + 1 && tight(self, v, a) {
                    break;
                }
                next[v] += 1;
            }
            if next[v] < end {
                path.push((v, next[v]));
                v = self.head[next[v]] as usize;
            } else if let Some((u, _)) = path.pop() {
                // A dead end: no path goes on from here in this phase.
                level[v] = u32::MAX;
                v = u;
                next[v] += 1;
            } else {
                return;
            }
        }
    }

    /// `pi` made feasible for the final residual graph with the flow's value free (an arc
    /// of cost 0 from the super sink back to the super source, and its reverse when anything
    /// flows): Bellman-Ford passes from `pi`, which the phases left feasible up to rounding
    /// and the cap. Improvements within rounding are ignored, so cycles of cost 0 that
    /// rounding makes slightly negative end the passes rather than loop.
    fn settle(&self, pi: &mut [f64]) {
        let n = self.nodes();
        let flows = self.arcs(0).any(|a| self.cap[self.rev[a] as usize] > EPS);
        let lower = |p: &mut f64, to: f64| {
            let better = to < *p - TIGHT * (1.0 + p.abs());
            if better {
                *p = to;
            }
            better
        };
        for _ in 0..n {
            let mut changed = false;
            for v in 0..n {
                for a in self.arcs(v) {
                    if self.cap[a] > EPS {
                        let to = pi[v] + self.cost[a];
                        changed |= lower(&mut pi[self.head[a] as usize], to);
                    }
                }
            }
            let (s, t) = (pi[0], pi[self.sink]);
            changed |= lower(&mut pi[0], t);
            if flows {
                changed |= lower(&mut pi[self.sink], s);
            }
            if !changed {
                return;
            }
        }
    }
}

/// Residual capacity below this is none (quantities are units; a fraction this small is
/// rounding).
const EPS: f64 = 1e-9;

/// A reduced cost at most this (relative to the potential) counts as 0 in a phase.
const TIGHT: f64 = 1e-9;

#[cfg(test)]
mod tests {
    use super::{Flow, Until};
    use crate::optimize::highs::{solve, SolveOptions};
    use crate::optimize::mip::Mip;
    use std::time::{Duration, Instant};

    /// The flow's optimum as HiGHS solves it as an LP: shipments on the arcs, each line and
    /// each source within its units, whatever is not shipped short.
    fn lp_optimum(f: &Flow) -> f64 {
        let mut m = Mip::new();
        let x: Vec<_> = f
            .arcs
            .iter()
            .map(|a| m.add_col(a.2, 0.0, f64::INFINITY, false))
            .collect();
        // The arcs `keep` takes, each with coefficient 1.
        let row = |keep: &dyn Fn(&(usize, usize, f64)) -> bool| -> Vec<_> {
            f.arcs
                .iter()
                .zip(&x)
                .filter(|(a, _)| keep(a))
                .map(|(_, &v)| (v, 1.0))
                .collect()
        };
        for (j, &(d, _)) in f.sinks.iter().enumerate() {
            m.add_row(f64::NEG_INFINITY, d, row(&|a| a.1 == j));
        }
        for (i, &s) in f.sources.iter().enumerate() {
            m.add_row(f64::NEG_INFINITY, s, row(&|a| a.0 == i));
        }
        let short: f64 = f.sinks.iter().map(|&(d, p)| d * p).sum();
        let opts = SolveOptions {
            threads: 1,
            ..SolveOptions::default()
        };
        short + solve(&m, &opts).unwrap().objective.unwrap()
    }

    /// Random flows: up to 60 small sources and 8 large lines (a line needs more sources
    /// than the first flow gives it), three pairs in four joined, whole or fractional units,
    /// arcs sorted by line as `Flow::of` makes them.
    fn random_flow(seed: u64) -> Flow {
        use proptest::prelude::Rng;
        use proptest::test_runner::{RngAlgorithm, TestRng};
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let mut next = move |n: u64| rng.next_u64() % n;
        let (ni, nj) = (1 + next(60) as usize, 1 + next(8) as usize);
        let units = |x: u64| {
            if seed.is_multiple_of(2) {
                x as f64
            } else {
                x as f64 / 4.0
            }
        };
        let sources = (0..ni).map(|_| units(next(12))).collect();
        let sinks: Vec<(f64, f64)> = (0..nj)
            .map(|_| (units(1 + next(200)), [5.0, 100.0, 400.0][next(3) as usize]))
            .collect();
        let mut arcs = Vec::new();
        for (j, &(_, p)) in sinks.iter().enumerate() {
            for i in 0..ni {
                let c = next(500) as f64 / 2.0;
                if next(4) != 0 && c < p {
                    arcs.push((i, j, c - p));
                }
            }
        }
        Flow {
            sources,
            sinks,
            arcs,
        }
    }

    #[test]
    fn the_prices_give_the_lp_optimum_and_no_prices_give_more() {
        let never = Until::deadline(Instant::now() + Duration::from_secs(3600));
        for seed in 0..60 {
            let f = random_flow(seed);
            let lp = lp_optimum(&f);
            let u = f.prices(&never).expect("no deadline");
            assert!(u.iter().all(|&x| x >= 0.0));
            let bound = f.lagrangian(&u);
            assert!(
                (bound - lp).abs() <= 1e-6 * lp.abs().max(1.0),
                "seed {seed}: {bound} against the LP's {lp}"
            );
            // Any prices at least 0 give a bound, never above the optimum.
            for scale in [0.0, 0.5, 2.0, 50.0] {
                let other: Vec<f64> = u
                    .iter()
                    .enumerate()
                    .map(|(i, x)| scale * x + i as f64)
                    .collect();
                assert!(
                    f.lagrangian(&other) <= lp + 1e-6 * lp.abs().max(1.0),
                    "seed {seed}"
                );
            }
        }
    }

    #[test]
    fn a_passed_deadline_or_a_stop_gives_no_prices() {
        let f = random_flow(3);
        assert!(!f.arcs.is_empty());
        let passed = Until::deadline(Instant::now() - Duration::from_millis(1));
        assert_eq!(f.prices(&passed), None);
        let stopped = Until {
            deadline: Instant::now() + Duration::from_secs(3600),
            stopped: &|| true,
        };
        assert_eq!(f.prices(&stopped), None);
    }
}
