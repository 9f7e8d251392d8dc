//! Re-solving after events from the last solve's plan (`recourse serve`; `models/scope.md`,
//! "In the worker").
//!
//! The warm solve decides the orders the changes since the last solve reach
//! ([`crate::optimize::changes`]) and holds every other order at its shipments in the last
//! plan, with the last plan's transfers that still run and its expedites where supply did
//! not change; the model may add transfers and expedites, so the held part plus nothing for
//! the free orders is one of its points. When the changes only tightened, no plan of the
//! new scenario costs less than the old optimum, so the last solve's bound is still a bound
//! and the gap is reported against it. A warm plan that drifted (its cost rose by more than
//! the last plan's unproven gap, or no bound to judge by) gets the whole model in the time
//! left, and the cheaper plan is kept.

use super::changes::{touched, Start, Touched};
use super::formulate::{fixed_plan, Formulation, Hold};
use super::highs::{Limit, SolveOptions, Status};
use super::outcome::Scoped;
use super::{optimize_held, relative_gap, OptimizeError, Outcome};
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use std::sync::Arc;
use std::time::Instant;

/// Every order neither free nor frozen, held at its shipments in the last plan, with the
/// last plan's transfers that still run as they did and its expedites at pairs that are
/// not affected; unpriced.
fn hold(s: &Scenario, start: &Start, touched: &Touched) -> Hold {
    Hold {
        shipments: Hold::held_shipments(s, &start.plan.shipments, &touched.free),
        transfers: start
            .plan
            .transfers
            .iter()
            .filter(|t| !touched.broken(s, &start.changes, t))
            .copied()
            .collect(),
        expedited: start
            .plan
            .expedited
            .iter()
            .filter(|r| {
                let r = &s.inbound[r.ix()];
                !touched.affected.contains(&(r.node, r.sku))
            })
            .copied()
            .collect(),
        priced: false,
        transfer_hops: None,
        recall: false,
    }
}

/// The last plan with every order the changes since touch shipping nothing: the held part
/// of the warm model (`hold`), which is one of its points, so a plan of the current
/// scenario when the checker agrees. Where the whole model does not fit, the neighbourhoods
/// start from it rather than from the rules' plan (`crate::optimize::strategy`).
pub fn held_start(s: &Scenario, start: &Start) -> Plan {
    fixed_plan(s, Some(&hold(s, start, &touched(s, start))))
}

/// Whether the warm plan moved too far to keep: its cost rose above the last plan's by more
/// than the last plan's unproven gap to `bound` (the last bound, when it still holds: what
/// the whole model might still have found), or there is no bound to judge by, or no plan.
/// Then the whole model gets the time left.
fn drifted(start: &Start, bound: Option<f64>, cost: Option<f64>) -> bool {
    match (cost, bound) {
        (Some(c), Some(b)) => c - start.cost > start.cost - b,
        _ => true,
    }
}

/// The touched orders decided, the rest held at the last plan; `None` when the held part
/// leaves the model infeasible (numerically: it holds a point), so the caller solves cold.
pub fn optimize_warm(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    start: &Start,
) -> Result<Option<Outcome>, OptimizeError> {
    let began = Instant::now();
    let reach = touched(s, start);
    let hold = Arc::new(hold(s, start, &reach));
    let held = hold.len();
    let mut bound = start
        .bound
        .filter(|_| start.changes.tightens)
        .map(|b| b.max(0.0));
    let mut out = optimize_held(s, f, opts, Some(hold), None)?;
    if out.status() == Status::Infeasible {
        return Ok(None);
    }
    let mut kept_whole = false;
    // A solve someone stopped answers with what it has.
    let stopped = opts.stopped();
    let rest = SolveOptions {
        time_limit_s: (opts.time_limit_s - began.elapsed().as_secs_f64()).max(0.01),
        warm: None,
        ..opts.clone()
    };
    // The whole model only where it fits the time left.
    if !stopped && drifted(start, bound, out.objective()) && super::build_fits(s, &rest) {
        let whole = super::optimize(s, f, &rest)?;
        let cheaper = |a: &Outcome, b: &Outcome| match (a.objective(), b.objective()) {
            (Some(x), Some(y)) => x < y,
            (x, y) => x.is_some() && y.is_none(),
        };
        let whole_bound = whole.bound();
        kept_whole = cheaper(&whole, &out);
        if kept_whole {
            out = whole;
        }
        bound = match (bound, whole_bound.map(|b| b.max(0.0))) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    let cost = out.objective();
    let t = &mut out.termination;
    t.bound = bound;
    t.gap = cost.zip(bound).map(|(c, b)| relative_gap(c, b));
    let within = t.gap.is_some_and(|g| g <= opts.mip_gap);
    t.status = match t.status {
        Status::Optimal | Status::Feasible { .. } if within => Status::Optimal,
        Status::Optimal => Status::Feasible {
            limit: Limit::Scope,
        },
        other => other,
    };
    if let Some(stats) = out.stats.as_mut() {
        stats.scope = Some(Scoped {
            free: s.orders.iter().filter(|o| !o.frozen).count() - held,
            held,
            bound,
            seconds: began.elapsed().as_secs_f64(),
            warm: true,
            whole: kept_whole,
            ..Scoped::default()
        });
    }
    Ok(Some(out))
}
