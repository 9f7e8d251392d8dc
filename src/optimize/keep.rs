//! Which plan to keep: the cheaper of a solver's plan and the fallbacks, a checked plan
//! over another, and the charged lane-days only transfers use closed.

use super::consolidate::consolidate;
use super::outcome::{relative_gap, ClosedLaneDays, Outcome, Solution, Source};
use crate::check::{evaluate, Evaluation};
use crate::optimize::highs::Status;
use crate::plan::Plan;
use crate::scenario::domain::Scenario;

/// After a limit, replaces the solver's plan (or its lack of one) by the cheapest of
/// `fallbacks` (named plans: the do-nothing baseline, the priority rules' plan) that is
/// feasible and cheaper, so a planner always gets at least what they give: status
/// `feasible`, the plan's own cost, the solver's bound. Does nothing when no limit was hit.
pub fn keep_the_better(s: &Scenario, out: &mut Outcome, fallbacks: &[(Source, &Plan)]) {
    if out.status().limit().is_none() {
        return;
    }
    let evals: Vec<Evaluation> = fallbacks.iter().map(|(_, p)| evaluate(s, p)).collect();
    let judged: Vec<_> = fallbacks.iter().map(|f| f.0).zip(&evals).collect();
    if let Some(k) = better_fallback(out, &judged) {
        let (source, plan) = fallbacks[k];
        take_fallback(out, source, plan.clone(), evals[k].clone());
    }
}

/// Which of `fallbacks` (each with its evaluation by the checker) [`keep_the_better`]
/// takes after a limit: the cheapest feasible one that costs less than the solver's plan,
/// the first of equals; `None` when no limit was hit or none is cheaper.
pub(crate) fn better_fallback(out: &Outcome, fallbacks: &[(Source, &Evaluation)]) -> Option<usize> {
    out.status().limit()?;
    let mut best: Option<(usize, f64)> = None;
    for (k, (_, eval)) in fallbacks.iter().enumerate() {
        let cost = eval.cost.total;
        let to_beat = best.map(|b| b.1).or(out.objective());
        if eval.feasible() && to_beat.is_none_or(|o| cost < o) {
            best = Some((k, cost));
        }
    }
    best.map(|b| b.0)
}

/// `plan`, which the checker judged `eval`, in place of the solver's after its limit:
/// status `feasible`, the plan's own cost, the solver's bound.
pub(crate) fn take_fallback(out: &mut Outcome, source: Source, plan: Plan, eval: Evaluation) {
    let Some(limit) = out.status().limit().copied() else {
        return;
    };
    let t = &mut out.termination;
    t.status = Status::Feasible { limit };
    t.gap = t.bound.map(|b| relative_gap(eval.cost.total, b));
    out.solution = Some(Solution { plan, eval, source });
}

/// `candidate` in place of `plan` when the checker finds it feasible and cheaper; whether it
/// was.
pub(crate) fn keep_if_cheaper(
    s: &Scenario,
    plan: &mut Plan,
    eval: &mut Evaluation,
    candidate: Option<Plan>,
) -> bool {
    let Some(p) = candidate else {
        return false;
    };
    let e = evaluate(s, &p);
    if !e.feasible() || !cheaper(e.cost.total, eval) {
        return false;
    }
    *plan = p;
    *eval = e;
    true
}

/// Whether `cost` is below `eval`'s by more than rounding.
pub(crate) fn cheaper(cost: f64, eval: &Evaluation) -> bool {
    let than = eval.cost.total;
    cost < than - 1e-9 * than.abs().max(1.0)
}

/// Closes the charged lane-days of the solver's plan in `out` where moving what they carry
/// pays, and drops the expedites nobody needs (`consolidate`), keeping the result when the
/// checker finds it feasible and cheaper ([`keep_cheaper_plan`]). Whether it did.
pub fn close_lane_days(s: &Scenario, out: &mut Outcome) -> bool {
    let Some(sol) = replaceable(out) else {
        return false;
    };
    let Some(closed) = consolidate(s, &sol.plan, true) else {
        return false;
    };
    let (from, lane_days, expedites) = (sol.eval.cost.total, closed.lane_days, closed.expedites);
    if !keep_cheaper_plan(s, out, closed.plan) {
        return false;
    }
    if let Some(stats) = out.stats.as_mut() {
        if let Some(n) = stats.neighbourhoods.as_mut() {
            n.closed += 1;
        }
        stats.closed = Some(ClosedLaneDays {
            lane_days,
            expedites,
            from_cost: from,
        });
    }
    true
}

/// The solver's plan in `out`, unless it was a restricted model's (see below).
fn replaceable(out: &Outcome) -> Option<&Solution> {
    if out.stats.as_ref().is_some_and(|x| x.scope.is_some()) {
        return None;
    }
    out.solution.as_ref().filter(|x| x.source == Source::Solver)
}

/// Whether [`keep_cheaper_plan`] may replace `out`'s plan: a solver's plan of the whole
/// model.
pub fn replaceable_plan(out: &Outcome) -> bool {
    replaceable(out).is_some()
}

/// `plan` in place of the solver's plan in `out` when the checker finds it feasible and
/// cheaper. The status and bound stand: a cheaper plan only narrows the gap. A fallback
/// (the baseline, the rules' plan) is left as the document names it, and so is a
/// restricted model's plan (`--scope touched`, the worker's warm solve): the orders and
/// transfers it holds stay as they were (`models/scope.md`). Whether it was kept.
pub fn keep_cheaper_plan(s: &Scenario, out: &mut Outcome, plan: Plan) -> bool {
    if replaceable(out).is_none() {
        return false;
    }
    let Some(sol) = out.solution.as_mut() else {
        return false;
    };
    if !keep_if_cheaper(s, &mut sol.plan, &mut sol.eval, Some(plan)) {
        return false;
    }
    let cost = sol.eval.cost.total;
    let t = &mut out.termination;
    t.gap = t.bound.map(|b| relative_gap(cost, b));
    true
}
