//! The cheapest chain of lanes from each stock node to each destination, and the earliest
//! day a unit can arrive by one.

use super::until::Until;
use crate::scenario::domain::Scenario;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub(super) const INF: f64 = f64::INFINITY;

/// Per (stock node `i`, destination `z`), `n * i + z`: the cheapest chain's cost, and the
/// cheapest transfers alone and last legs alone; per (stock node `i`, day `d`, destination
/// `z`), `(slot[i] * h + d) * n + z`: the earliest day a unit at `i` on day `d` can arrive at
/// `z`. All infinite where no chain exists. A chain is transfers between stock-holding
/// nodes, then a shipment (a hand-over at the node when it is `z`); the cheapest counts
/// lanes that depart on some day, the earliest leaves each node on a day it is open and its
/// lane departs, inside the horizon.
pub(super) struct Reach {
    pub(super) n: usize,
    h: usize,
    pub(super) cost: Vec<f64>,
    pub(super) transfers: Vec<f64>,
    last_legs: Vec<f64>,
    /// Per node, its row block in `arrive` when it holds stock (two thirds of large's nodes
    /// are delivery zones, which need none).
    slot: Vec<usize>,
    arrive: Vec<f64>,
}

impl Reach {
    /// `None` once `until` passes.
    pub(super) fn of(s: &Scenario, until: &Until) -> Option<Reach> {
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
    pub(super) fn cost_via(&self, i: usize, m: usize, z: usize) -> f64 {
        self.transfers[self.n * i + m] + self.last_legs[self.n * m + z]
    }

    /// The earliest day a unit at stock node `i` on day `d` can arrive at `z` (infinite from
    /// a node without stock, where no chain starts).
    pub(super) fn arrival(&self, i: usize, d: i64, z: usize) -> f64 {
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
pub(super) fn earliest(
    s: &Scenario,
    stock: &[bool],
    until: &Until,
) -> Option<(Vec<usize>, Vec<f64>)> {
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
    pub(super) to: usize,
    lead: usize,
    /// Its `to` holds stock.
    pub(super) transfers: bool,
    /// Per day `t` of the horizon, the first day from `t` on with the node open and the
    /// lane departing ([`NEVER`]: none), and [`NEVER`] at the horizon.
    pub(super) next: Vec<usize>,
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
    pub(super) fn of(s: &Scenario, stock: &[bool]) -> Legs {
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
    pub(super) fn leave(next: &[usize], at: usize) -> Option<usize> {
        Some(next[at]).filter(|&t| t != NEVER)
    }

    /// Into `row`, the earliest arrival at every node of a unit at stock node `i` on day
    /// `d`: a label-setting search over the stock nodes by transfers (waiting is allowed
    /// there, and a later start never arrives earlier; `at` is its scratch), then one more
    /// shipment or a hand-over.
    pub(super) fn row(&self, i: usize, d: usize, at: &mut [usize], row: &mut [f64]) {
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
