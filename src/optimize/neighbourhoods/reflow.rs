//! One LP neighbourhood: a group decided around the plan, its yes/no decisions fixed at the
//! plan's but the open ones, which a dive makes whole.

use super::context::Ctx;
use super::dive::Dive;
use super::groups::Group;
use crate::check::{evaluate, Evaluation};
use crate::optimize::formulate::{fixed_plan, BuildOptions, Hold, Meaning, Model};
use crate::optimize::highs::{solve, solve_fixing, SolveOptions, SolveResult};
use crate::optimize::outcome::SolverStats;
use crate::optimize::OptimizeError;
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use std::sync::Arc;
use std::time::Instant;

/// How far transfers reach in a neighbourhood (`Hold::transfer_hops`): the pairs its
/// orders draw on and those up to two lanes away keep a balance per day, those three away
/// a surplus row. On large seed 1 (the rules' plan, three groups of 150) one lane gained
/// 16 % of what the whole transfer network gains per LP, two 47 %, three 66 %, at 0.3, 0.55
/// and 0.85 s per LP against 2.3 s; in 30 s, two hops reached 6.30M, three 5.53M, four
/// 5.62M, the whole network 6.21M.
pub(super) const HOPS: u32 = 3;

/// Every order outside `group` (and not frozen) held at its shipments in `plan`, with
/// `plan`'s transfers and expedites.
pub(super) fn around(s: &Scenario, plan: &Plan, group: &[usize]) -> Hold {
    let mut free = vec![false; s.orders.len()];
    for &i in group {
        free[i] = true;
    }
    Hold {
        shipments: Hold::held_shipments(s, &plan.shipments, &free),
        transfers: plan.transfers.clone(),
        expedited: plan.expedited.clone(),
        priced: false,
        transfer_hops: Some(HOPS),
        recall: true,
    }
}

/// `model` with every yes/no decision fixed at `plan`'s, except the switches of `group`'s
/// ship-complete orders that `plan` ships nothing of, the expedites it does not take and,
/// in a group that asks for it, the charges it pays ([`open_decisions`], made whole by a
/// [`Dive`]), solved with continuous quantities, and
/// again with whole ones when the policy asks for them and the LP's are not, within
/// `seconds` of `since`; `None` when it is infeasible (`plan` used a column it prunes).
fn solve_fixed(
    cx: &Ctx<'_>,
    model: &Model,
    plan: &Plan,
    group: &Group,
    seconds: f64,
    since: Instant,
) -> Result<Option<SolveResult>, OptimizeError> {
    let (s, f, opts) = (cx.s, cx.f, cx.opts);
    // The yes/no decisions fixed at `plan`'s; every column continuous first.
    let mut fixed_mip = model.mip.clone().relaxed();
    let start = model.start_from(plan);
    let open = open_decisions(model, &start, group);
    for (j, &v) in start.iter().enumerate() {
        if v.is_finite() && open.binary_search(&j).is_err() {
            fixed_mip.col_lower[j] = v;
            fixed_mip.col_upper[j] = v;
        }
    }
    let mut tuned = SolveOptions {
        time_limit_s: seconds.max(0.01),
        holds_orders: true,
        watch: None,
        ..opts.clone()
    };
    f.tune(&mut tuned);
    // Presolve took more of a neighbourhood's first LP than the simplex did (medium seed 1
    // at 5 s: 31 % of the samples against 25 %); without it, 12-15 neighbourhoods fit in
    // medium's 5 s where 10-12 did, 27-35 in large's 30 s where 19-26 did
    // (`models/neighbourhoods.md`, "Without presolve"). The dive's later solves skip it anyway.
    tuned.presolve = false;
    // Every column that lowers the cost is bounded, so "unbounded or infeasible" (from a
    // presolve) means infeasible: `plan` used a column this model prunes. The neighbourhood
    // is skipped, as it is when the LP itself says infeasible (the dive then ends without a
    // plan).
    let feasible = |r: Result<SolveResult, crate::optimize::highs::SolveError>| match r {
        Err(crate::optimize::highs::SolveError::UnboundedOrInfeasible { .. }) => Ok(None),
        other => other.map(Some),
    };
    let mut dive = Dive::new(model, &open, &start);
    let Some(first) = feasible(solve_fixing(&fixed_mip, &tuned, |r| dive.next(r)))? else {
        return Ok(None);
    };
    // A dive cut short by the time leaves a decision between 0 and 1: no plan.
    let Some(mut result) = dive.finished(first) else {
        return Ok(None);
    };
    for (&j, &w) in open.iter().zip(&dive.fixed) {
        fixed_mip.col_lower[j] = w.unwrap_or(0.0);
        fixed_mip.col_upper[j] = w.unwrap_or(0.0);
    }
    let fractional = result
        .values
        .as_ref()
        .is_some_and(|v| !model.quantities_are_whole(v));
    if s.policy.integer_quantities && fractional {
        // Whole units: the same model with its quantities integer, the fixed yes/no
        // columns left continuous (the LP's optimum is usually whole already: these are
        // flows around fixed charges).
        for (j, m) in model.meaning.iter().enumerate() {
            fixed_mip.integer[j] = m.is_quantity();
        }
        tuned.time_limit_s = (seconds - since.elapsed().as_secs_f64()).max(0.01);
        // A MIP, presolved as every other MIP is (the caller's setting).
        tuned.presolve = opts.presolve;
        let Some(whole) = feasible(solve(&fixed_mip, &tuned))? else {
            return Ok(None);
        };
        result = whole;
    }
    Ok(Some(result))
}

/// The columns (ascending) of the yes/no decisions an LP neighbourhood leaves open: the
/// switches of `group`'s ship-complete orders that `plan` ships nothing of, and every
/// expedite the model has that `plan` does not take. At 0, `plan`'s value, they would keep
/// such an order unserved and such a receipt at its eta for good: on large seed 5, 52 such
/// orders held 454,400 of the search's 1,854,900 shortage, every one of their SKUs with
/// stock left unshipped in the network. With [`Group::charges`], also every charge of a
/// lane-day `plan` pays for: at 1 it would keep the charge paid after the LP has moved
/// everything off the lane-day. And the source choices (`use[o,n]`, under an order's
/// source limit) of the group's late or short orders: at `plan`'s they keep such an order
/// on the nodes it is late or short from (medium seed 2: three of the orders latest in
/// the search's plan, each limited to one source, shipped late from DC-19 where the best
/// plan known ships them on time from DC-18 and PL-03). `start` is `plan`'s value per
/// column ([`Model::start_from`]).
pub(super) fn open_decisions(model: &Model, start: &[f64], group: &Group) -> Vec<usize> {
    let mut ours: Vec<usize> = group.orders.clone();
    ours.sort_unstable();
    model
        .meaning
        .iter()
        .zip(start)
        .enumerate()
        .filter_map(|(j, (m, &v))| match *m {
            Meaning::Complete(o) if v == 0.0 && ours.binary_search(&o.ix()).is_ok() => Some(j),
            Meaning::Source { order, .. } if group.sourcing.binary_search(&order.ix()).is_ok() => {
                Some(j)
            }
            Meaning::Expedite(_) if v == 0.0 => Some(j),
            Meaning::Charge { .. } if v == 1.0 && group.charges => Some(j),
            _ => None,
        })
        .collect()
}

/// One neighbourhood: `group` decided around `plan`, every yes/no decision at `plan`'s
/// but the open ones ([`solve_fixed`]); the checked plan when the LP solved within
/// `seconds`.
pub(super) fn reflow(
    cx: &Ctx<'_>,
    plan: &Plan,
    group: &Group,
    seconds: f64,
    stats: &mut SolverStats,
) -> Result<Option<(Plan, Evaluation)>, OptimizeError> {
    let (s, f) = (cx.s, cx.f);
    let hold = Arc::new(around(s, plan, &group.orders));
    let built = Instant::now();
    let model = f.build(
        s,
        &BuildOptions {
            hold: Some(hold.clone()),
            ..BuildOptions::default()
        },
    );
    stats.build_seconds += built.elapsed().as_secs_f64();
    let Some(result) = solve_fixed(cx, &model, plan, group, seconds, built)? else {
        return Ok(None);
    };
    stats.rows = result.rows;
    stats.cols = result.cols;
    stats.nonzeros = result.nonzeros;
    let Some(values) = result.values.as_ref() else {
        return Ok(None);
    };
    let found = model.decode(s, values, &fixed_plan(s, Some(&hold)));
    let eval = evaluate(s, &found);
    if !eval.feasible() {
        return Err(OptimizeError::PlanRejected {
            formulation: f.name(),
            violations: eval.violations,
        });
    }
    Ok(Some((found, eval)))
}
