//! One SKU's relaxation as a bipartite min-cost flow, solved by successive shortest paths,
//! and the Lagrangian value of the supply prices read off its potentials.

use super::reach::{Reach, INF};
use super::sku::{Sink, Source};
use super::until::Until;
use crate::base::total_f64::TotalF64;

/// One SKU's relaxation as a flow: `sources` with their units, `sinks` with their demand
/// and short penalty, and the arcs `(source, sink, c - p)` on which a unit costs less than
/// leaving it short.
pub(super) struct Flow {
    pub(super) sources: Vec<f64>,
    pub(super) sinks: Vec<(f64, f64)>,
    pub(super) arcs: Vec<(usize, usize, f64)>,
}

impl Flow {
    pub(super) fn of(reach: &Reach, sources: &[Source], sinks: &[Sink]) -> Flow {
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
    pub(super) fn lagrangian(&self, u: &[f64]) -> f64 {
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
    pub(super) fn prices(&self, until: &Until) -> Option<Vec<f64>> {
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
    pub(super) first: Vec<usize>,
    head: Vec<u32>,
    pub(super) cost: Vec<f64>,
    pub(super) cap: Vec<f64>,
    /// The arc's reverse.
    pub(super) rev: Vec<u32>,
    pub(super) sink: usize,
}

impl Residual {
    /// The empty flow of `f` over `arcs`.
    pub(super) fn of(f: &Flow, arcs: &[(usize, usize, f64)]) -> Residual {
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

    pub(super) fn nodes(&self) -> usize {
        self.first.len() - 1
    }

    pub(super) fn arcs(&self, v: usize) -> std::ops::Range<usize> {
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
    pub(super) fn shortest(&self, pi: &mut [f64]) -> bool {
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
    use super::Flow;
    use crate::optimize::highs::{solve, SolveOptions};
    use crate::optimize::mip::Mip;
    use crate::optimize::relaxation::until::Until;
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
