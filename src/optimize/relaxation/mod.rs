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
//!
//! `sku.rs` reads each SKU's sources and sinks, `reach.rs` the chains of lanes between
//! them, `flow.rs` solves each SKU's flow, and [`bound`] (below) adds up the SKUs' bounds
//! until `until.rs` says stop.

mod flow;
mod reach;
mod sku;
mod until;

use crate::scenario::domain::Scenario;
use flow::Flow;
use reach::Reach;
use sku::{lines_per_sku, per_sku, skus_with_lines, Sink, Source};
use std::time::Instant;
pub use until::Until;

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

/// The relaxation's bound, one SKU after another on the calling thread (the search runs
/// beside it), until `until`.
pub fn bound(s: &Scenario, until: &Until) -> Relaxation {
    let began = Instant::now();
    let Some(skus) = per_sku(s, until) else {
        return nothing(skus_with_lines(s), began);
    };
    // The chains take n^3 steps: on a network of thousands of nodes, longer than a limit.
    let Some(reach) = Reach::of(s, until) else {
        return nothing(skus.len(), began);
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
    let with_change = (change > 0.0)
        .then(|| lines_per_sku(s, change, until))
        .flatten();
    if let Some(planned) = with_change {
        // The same sources; a SKU without a planned line has the same flow in both passes.
        let planned = planned.into_iter().filter(|k| !k.is_empty());
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

/// The bound of a relaxation stopped before it reached a SKU: 0, which every plan's cost
/// is at least.
fn nothing(skus: usize, began: Instant) -> Relaxation {
    Relaxation {
        bound: 0.0,
        skus,
        solved: 0,
        arcs: 0,
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

struct Part {
    bound: f64,
    solved: bool,
    arcs: usize,
}
