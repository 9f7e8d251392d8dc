//! Solve what the disruptions touch (`--scope touched`, `models/scope.md`).
//!
//! The model decides the at-risk orders and holds every other order at its baseline
//! shipments, with every row, bound and big-M of the whole model. Its LP's duals then price
//! the held orders' own columns ([`crate::optimize::formulate::hold`]): an order with a
//! column cheaper than what it holds is freed, and the LP solved again, until no held
//! order prices out or the pricing's share of the time is spent. Each round also gives a
//! lower bound for the whole model (the restricted Lagrangian minus what pricing found),
//! which is the bound reported: the restricted model's own bound is not one.

use super::formulate::{BuildOptions, Formulation, Hold, Model};
use super::guided::{lagrangian_bound, relaxation, Guided};
use super::highs::{Limit, Scope, SolveOptions, Status};
use super::outcome::Scoped;
use super::{guide_seed, optimize_held, relative_gap, OptimizeError, Outcome};
use crate::plan::Shipment;
use crate::risk::Analysis;
use crate::scenario::domain::Scenario;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The share of the time limit the pricing rounds may use before the restricted model is
/// solved for a plan.
pub const PRICING_SHARE: f64 = 0.4;

/// Whether `solve` holds orders for `f`: the scope asks for it, the formulation can, and
/// the baseline is feasible (a held baseline that breaks a rule would make the
/// restricted model infeasible while the whole one is not).
pub fn applies(f: &dyn Formulation, a: &Analysis, opts: &SolveOptions) -> bool {
    opts.scope == Scope::Touched && f.holds() && a.eval.feasible()
}

/// [`super::optimize`] over the touched orders: pricing rounds, then the restricted model
/// solved for a plan in the time left, with the whole model's bound.
pub fn optimize_touched(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    a: &Analysis,
) -> Result<Outcome, OptimizeError> {
    let start = Instant::now();
    let limit = opts.time_limit_s;
    let pricing_until = start + Duration::from_secs_f64((limit * PRICING_SHARE).min(3.0e7));
    let mut baseline: Vec<Vec<Shipment>> = vec![Vec::new(); s.orders.len()];
    for e in &a.baseline.plan.shipments {
        baseline[e.order.ix()].push(*e);
    }
    let mut free: Vec<bool> = a.flags.clone();
    let (mut scoped, model, hold) = price_rounds(s, f, opts, &baseline, &mut free, pricing_until)?;
    scoped.held = hold.len();
    scoped.free = s.orders.iter().filter(|o| !o.frozen).count() - scoped.held;
    scoped.seconds = start.elapsed().as_secs_f64();
    let rest = SolveOptions {
        time_limit_s: (limit - start.elapsed().as_secs_f64()).max(0.01),
        ..opts.clone()
    };
    // The last round's model is the one to solve: no order was freed after it was built.
    let mut out = optimize_held(s, f, &rest, Some(hold), Some(model))?;
    if out.status() == Status::Infeasible {
        // The restricted model contains the feasible baseline, so this is numerical; the
        // whole model decides.
        return super::optimize(s, f, &rest);
    }
    whole_bound(&mut out, &scoped, opts.mip_gap);
    out.seconds += scoped.seconds;
    if let Some(stats) = out.stats.as_mut() {
        stats.scope = Some(scoped);
    }
    Ok(out)
}

/// The pricing rounds: the restricted LP over the orders `free` marks, the held orders
/// priced under its duals, those that price out freed, until none does or `until`.
/// Returns the rounds, the orders freed and the best bound for the whole model, with the
/// last model built and its hold (those of `free` as it is left).
fn price_rounds(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    baseline: &[Vec<Shipment>],
    free: &mut [bool],
    until: Instant,
) -> Result<(Scoped, Model, Arc<Hold>), OptimizeError> {
    let mut scoped = Scoped::default();
    // The restricted LP's own bound holds for it alone; the whole model's is told below.
    let held_opts = SolveOptions {
        holds_orders: true,
        ..opts.clone()
    };
    loop {
        let held_at = Arc::new(hold(s, free, baseline));
        let model = f.build(
            s,
            &BuildOptions {
                hold: Some(held_at.clone()),
                ..BuildOptions::default()
            },
        );
        let held = model
            .held
            .as_ref()
            .expect("a formulation that holds fills Model::held");
        let relaxed = if model.mip.num_cols() == 0 {
            // Nothing to decide: no LP to solve, and every multiplier 0 gives the bound.
            let y = vec![0.0; model.mip.num_rows()];
            Guided {
                bound: Some(lagrangian_bound(&model.mip, &model.mip.columns(), &y)),
                duals: Some(y),
                lp_converged: true,
                ..Guided::default()
            }
        } else {
            relaxation(&model.mip, &guide_seed(s, &model), &held_opts, until)?
        };
        let (Some(y), Some(b)) = (relaxed.duals.as_ref(), relaxed.bound) else {
            return Ok((scoped, model, held_at));
        };
        scoped.rounds += 1;
        let priced = held.price(y);
        let whole = b - priced.total;
        if scoped.bound.is_none_or(|x| whole > x) {
            scoped.bound = Some(whole);
            opts.found_bound(whole);
        }
        // Reduced costs below this are the LP's rounding, not a cheaper column.
        let tolerance = 1e-7 * b.abs().max(1.0);
        let out: Vec<_> = priced
            .deltas
            .iter()
            .filter(|d| d.1 > tolerance)
            .map(|d| d.0)
            .collect();
        if out.is_empty() {
            scoped.certified = relaxed.lp_converged;
            return Ok((scoped, model, held_at));
        }
        if Instant::now() >= until {
            return Ok((scoped, model, held_at));
        }
        scoped.priced_out += out.len();
        for o in out {
            free[o.ix()] = true;
        }
    }
}

/// Every order that is neither free nor frozen, held at its baseline shipments.
fn hold(s: &Scenario, free: &[bool], baseline: &[Vec<Shipment>]) -> Hold {
    Hold {
        shipments: s
            .orders
            .iter()
            .enumerate()
            .map(|(i, o)| (!free[i] && !o.frozen).then(|| baseline[i].clone()))
            .collect(),
        // The baseline uses no transfer and no expedite.
        transfers: Vec::new(),
        expedited: Vec::new(),
        priced: true,
        transfer_hops: None,
        recall: false,
    }
}

/// Replaces the restricted model's bound by the whole model's: the plan is optimal only
/// when it is within `mip_gap` of that; otherwise it is feasible, stopped by the scope.
fn whole_bound(out: &mut Outcome, scoped: &Scoped, mip_gap: f64) {
    // No plan costs less than 0 (every cost of the contract is at least 0).
    let bound = scoped.bound.map(|b| b.max(0.0));
    let cost = out.objective();
    let t = &mut out.termination;
    t.bound = bound;
    t.gap = cost.zip(bound).map(|(c, b)| relative_gap(c, b));
    if t.status == Status::Optimal && t.gap.is_none_or(|g| g > mip_gap) {
        t.status = Status::Feasible {
            limit: Limit::Scope,
        };
    }
}
