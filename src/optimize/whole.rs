//! The whole model (or a held one) formulated, solved and checked: the continuous pass, the
//! whole-unit pass where the policy asks for it, and the LP-guided search before HiGHS where
//! `--guide` says so.

use super::error::OptimizeError;
use super::fits::{presolve_fits, LP_SHARE};
use super::link_cuts;
use super::outcome::{
    relative_gap, Outcome, Solution, SolverStats, Source, Termination, WholeUnits,
};
use crate::check::evaluate;
use crate::optimize::formulate::{fixed_plan, BuildOptions, Formulation, Hold, Meaning, Model};
use crate::optimize::guided::{guide, Budget, Guided};
use crate::optimize::highs::{
    solve_from, Cuts, Limit, SolveError, SolveOptions, SolveResult, Status,
};
use crate::optimize::mip::Mip;
use crate::scenario::domain::Scenario;
use crate::scenario::ids::OrderIx;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds `f`'s model of `s`, solves it (the LP-guided search first when `opts.guide`
/// says so; a second pass with whole quantities when the first leaves them fractional),
/// and checks the decoded plan. Falling back on other plans after a limit is
/// [`keep_the_better`](super::keep_the_better)'s, which `Strategy::run` calls.
pub fn optimize(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
) -> Result<Outcome, OptimizeError> {
    optimize_held(s, f, opts, None, None)
}

/// [`optimize`] with the orders of `hold` held at its shipments (`models/scope.md`): the
/// plan keeps them; the bound is the restricted model's (`scope` turns it into one for the
/// whole model). `built`: the first pass's model (continuous quantities, no names) when
/// the caller has it already, built with the same `hold`.
///
/// Its passes (guided search or MIP, whole-quantity pass, decoding and the check) share the
/// time left and the model, in order.
pub fn optimize_held(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    hold: Option<Arc<Hold>>,
    built: Option<Model>,
) -> Result<Outcome, OptimizeError> {
    let start = Instant::now();
    let mut tuned = SolveOptions {
        holds_orders: hold.is_some(),
        ..opts.clone()
    };
    f.tune(&mut tuned);
    let opts = &tuned;
    let mut build_seconds = 0.0;
    let mut build = |integer: bool| {
        let t = Instant::now();
        let m = f.build(
            s,
            &BuildOptions {
                integer_quantities: integer,
                names: false,
                strong_linking: false,
                hold: hold.clone(),
            },
        );
        build_seconds += t.elapsed().as_secs_f64();
        m
    };
    let model = match built {
        Some(m) => m,
        None => build(false),
    };
    // A model without columns (nothing to decide) is HiGHS's in an instant; the search's LP
    // would only report it empty.
    let guide = model.mip.num_cols() > 0
        && opts
            .guide
            .applies(model.mip.num_nonzeros(), opts.time_limit_s);
    // The links only where HiGHS's MIP solves a whole model (after the search, too: the
    // search's LPs go without them); the held models of the neighbourhoods and the worker
    // are not measured with them.
    let linked = hold.is_none() && opts.cuts == Cuts::On;
    let link = !guide && linked;
    let FirstPass {
        passes: mut p,
        guided,
        whole_start,
        cuts,
    } = first_pass(s, model, opts, start, guide, linked)?;
    let fractional = p
        .result
        .values
        .as_ref()
        .is_some_and(|v| !p.model.quantities_are_whole(v));
    // The guided path has its own whole start for the integer pass (`guided_run`).
    if s.policy.integer_quantities && fractional && !guide {
        round_at_fixed(&mut p, &in_time_left(opts, start))?;
    }
    if s.policy.integer_quantities && fractional && p.whole_units.is_none() {
        let whole_model = build(true);
        integer_pass(&mut p, whole_model, whole_start, opts, start, link)?;
    }
    let mut out = report(f, &p, build_seconds + p.cut_seconds, guided, cuts);
    if p.result.status == Status::Infeasible {
        out.termination.frozen_orders = p.model.frozen_orders.clone();
    }
    let Some(values) = p.result.values.as_ref() else {
        return Ok(out);
    };
    check_decoded(s, f, hold.as_deref(), &p, values, out)
}

/// The passes so far: the last model and HiGHS's result on it, and what they took.
struct Passes {
    model: Model,
    result: SolveResult,
    /// Seconds in HiGHS (and handing models to it), over the passes.
    solve_seconds: f64,
    /// Seconds adding the link cuts, over the passes.
    cut_seconds: f64,
    passes: u32,
    whole_units: Option<WholeUnits>,
}

/// The first pass, with what the whole-quantity pass and the report take from it.
struct FirstPass {
    passes: Passes,
    /// The search's report, when it ran.
    guided: Option<Guided>,
    /// The search's plan when its quantities are whole: the integer pass's start.
    whole_start: Option<Vec<f64>>,
    /// The links added to the first pass's model.
    cuts: Option<link_cuts::LinkCuts>,
}

/// `opts` with the time left of the limit counted from `start`, for each step after the
/// first pass.
fn in_time_left(opts: &SolveOptions, start: Instant) -> SolveOptions {
    SolveOptions {
        time_limit_s: (opts.time_limit_s - start.elapsed().as_secs_f64()).max(0.01),
        ..opts.clone()
    }
}

/// The first pass on `model`: the LP-guided search (then HiGHS's MIP) where `guide`, else
/// HiGHS alone, with the link cuts where `linked` and no search runs.
fn first_pass(
    s: &Scenario,
    mut model: Model,
    opts: &SolveOptions,
    start: Instant,
    guide: bool,
    linked: bool,
) -> Result<FirstPass, OptimizeError> {
    let link = !guide && linked;
    let mut cuts = if link {
        link_cuts::add(&mut model.mip)
    } else {
        None
    };
    let (result, guided, whole_start) = if guide {
        let (result, guided, whole_start, added) = guided_run(s, &mut model, opts, start, linked)?;
        cuts = added;
        (result, guided, whole_start)
    } else {
        (run(&model, opts, None)?, None, None)
    };
    let cut_seconds = cuts.as_ref().map_or(0.0, |c| c.seconds);
    let solve_seconds = result.seconds + result.handoff_seconds;
    Ok(FirstPass {
        passes: Passes {
            model,
            result,
            solve_seconds,
            cut_seconds,
            passes: 1,
            whole_units: None,
        },
        guided,
        whole_start,
        cuts,
    })
}

/// Replaces `p`'s fractional result with the whole-unit plan HiGHS finds with its yes/no
/// columns fixed, when it finds one ([`whole_at_fixed`]).
fn round_at_fixed(p: &mut Passes, opts: &SolveOptions) -> Result<(), OptimizeError> {
    if let Some(whole) = whole_at_fixed(&p.model, &p.result, opts)? {
        // `whole`'s times include the first pass's.
        p.solve_seconds = whole.seconds + whole.handoff_seconds;
        p.result = whole;
        p.whole_units = Some(WholeUnits::FixedLp);
    }
    Ok(())
}

/// The second pass, on `whole_model` (the quantities integer): from `whole_start` or the
/// first pass's decisions, and not run when that start is within the gap of the first
/// pass's bound.
fn integer_pass(
    p: &mut Passes,
    whole_model: Model,
    whole_start: Option<Vec<f64>>,
    opts: &SolveOptions,
    start: Instant,
    link: bool,
) -> Result<(), OptimizeError> {
    // The first pass relaxes this one, so its bound holds here too.
    let first_bound = p.result.bound;
    let same_columns = whole_model.meaning == p.model.meaning;
    // The same columns with the quantities integer: the search's whole point is a
    // start, so this pass has a plan even when its time runs out before HiGHS finds
    // one of its own.
    let mut whole_start = whole_start.filter(|_| same_columns);
    if whole_start.is_none() && same_columns {
        let at_fixed = whole_at_fixed_decisions(
            &whole_model,
            &p.model.mip.integer,
            &p.result,
            &in_time_left(opts, start),
        )?;
        if let Some(r) = at_fixed {
            p.solve_seconds += r.seconds + r.handoff_seconds;
            whole_start = r.values;
        }
    }
    p.model = whole_model;
    let model = &mut p.model;
    let start_objective = whole_start.as_ref().map(|x| model.mip.objective(x));
    p.passes = 2;
    let proven = matches!((start_objective, first_bound),
        (Some(o), Some(b)) if relative_gap(o, b) <= opts.mip_gap);
    if let (true, Some(o)) = (proven, start_objective) {
        // Within the gap of a bound proven for a relaxation: the integer pass could
        // prove no more, and on ~300 orders it can stay in HiGHS's root past the limit.
        p.result = SolveResult {
            status: Status::Optimal,
            values: whole_start,
            objective: Some(o),
            bound: first_bound,
            gap: first_bound.map(|b| relative_gap(o, b)),
            ..unsolved(model, Status::Optimal)
        };
        p.whole_units = Some(WholeUnits::FixedMip);
    } else {
        if link {
            p.cut_seconds += link_cuts::add(&mut model.mip).map_or(0.0, |c| c.seconds);
        }
        p.result = run(model, &in_time_left(opts, start), whole_start.as_deref())?;
        raise_bound(&mut p.result, first_bound);
        prefer_start(&mut p.result, whole_start, start_objective);
        p.solve_seconds += p.result.seconds + p.result.handoff_seconds;
        p.whole_units = Some(WholeUnits::IntegerPass);
    }
    Ok(())
}

/// The outcome the passes report, before their plan is decoded: status, bound and gap,
/// and the solver's statistics (`build_seconds` with the cuts' time in it).
fn report(
    f: &dyn Formulation,
    p: &Passes,
    build_seconds: f64,
    guided: Option<Guided>,
    cuts: Option<link_cuts::LinkCuts>,
) -> Outcome {
    let result = &p.result;
    let stats = SolverStats {
        solver: result.solver.clone(),
        build_seconds,
        passes: p.passes,
        rows: result.rows,
        cols: result.cols,
        nonzeros: result.nonzeros,
        integer_cols: result.integer_cols,
        guided,
        link_cuts: cuts,
        whole_units: p.whole_units,
        scope: None,
        not_built: false,
        neighbourhoods: None,
        relaxation: None,
        closed: None,
    };
    Outcome {
        formulation: f.name(),
        termination: Termination {
            status: result.status,
            bound: result.bound,
            gap: result.gap,
            frozen_orders: Vec::new(),
        },
        solution: None,
        stats: Some(stats),
        seconds: p.solve_seconds,
    }
}

/// `out` with the plan decoded from `values` (`p`'s result), checked: an error when the
/// checker rejects it or prices it off the model's cost or bound; the bound and gap
/// then follow the checked cost.
fn check_decoded(
    s: &Scenario,
    f: &dyn Formulation,
    hold: Option<&Hold>,
    p: &Passes,
    values: &[f64],
    mut out: Outcome,
) -> Result<Outcome, OptimizeError> {
    let (model, result) = (&p.model, &p.result);
    let fixed = fixed_plan(s, hold);
    let mut plan = model.decode(s, values, &fixed);
    if hold.is_some_and(|h| !h.transfers.is_empty()) {
        // A held transfer and the model's on the same lane, SKU and day are one transfer.
        plan = plan.normalized();
    }
    let eval = evaluate(s, &plan);
    if !eval.feasible() {
        return Err(OptimizeError::PlanRejected {
            formulation: f.name(),
            violations: eval.violations,
        });
    }
    let model_cost = result.objective.expect("a solution has an objective");
    let checked = eval.cost.total;
    // The model's cost is a sum of terms that cancel: the constant holds every unit's short
    // penalty, which each shipped unit's column takes back. With penalties near the
    // contract's 1e12 those terms reach 1e13 and more, where a double carries a few
    // hundredths at best, so the comparison allows for their size as well as the cost's.
    let slack = 1e-6 * model_cost.abs().max(1.0) + 1e-9 * magnitude(&model.mip, values);
    // The checker may find the plan cheaper than the model did (a yes/no charge left on
    // with nothing moving, in a solution stopped at a limit); dearer would be a bug.
    if checked > model_cost + slack {
        return Err(OptimizeError::CostMismatch {
            formulation: f.name(),
            model: model_cost,
            checked,
        });
    }
    // A plan cheaper than the proven bound means the model prices plans wrongly.
    if let Some(b) = out.bound().filter(|b| checked < b - slack) {
        return Err(OptimizeError::CostMismatch {
            formulation: f.name(),
            model: b,
            checked,
        });
    }
    // A bound above the checked cost by no more than the slack is that rounding: the plan
    // is as good as HiGHS could tell, and its cost bounds the optimum.
    if out.bound().is_some_and(|b| b > checked) {
        out.termination.bound = Some(checked);
    }
    // A plan stopped at a limit, or one the checker prices otherwise than the model (then
    // at any status), carries the gap of its checked cost.
    let differs = (checked - model_cost).abs() > 1e-9 * model_cost.abs().max(1.0);
    if let (Some(b), true) = (
        out.bound(),
        differs || matches!(out.status(), Status::Feasible { .. }),
    ) {
        out.termination.gap = Some(relative_gap(checked, b));
    }
    out.solution = Some(Solution {
        plan,
        eval,
        source: Source::Solver,
    });
    out.validate().map_err(|why| OptimizeError::Inconsistent {
        formulation: f.name(),
        why,
    })?;
    Ok(out)
}

/// Every recourse model is bounded (each column that lowers the cost has a finite upper
/// bound), so a HiGHS "unbounded or infeasible" means infeasible.
pub(super) fn run(
    model: &Model,
    opts: &SolveOptions,
    start: Option<&[f64]>,
) -> Result<SolveResult, SolveError> {
    if !presolve_fits(model.mip.num_nonzeros(), opts.time_limit_s) {
        return Ok(unsolved(model, Status::NoSolution { limit: Limit::Time }));
    }
    match solve_from(&model.mip, opts, start) {
        Err(SolveError::UnboundedOrInfeasible { .. }) => Ok(unsolved(model, Status::Infeasible)),
        other => other,
    }
}

/// A result with `status` for `model` that no HiGHS run produced: no values, no times.
fn unsolved(model: &Model, status: Status) -> SolveResult {
    SolveResult {
        status,
        values: None,
        objective: None,
        bound: None,
        gap: None,
        seconds: 0.0,
        handoff_seconds: 0.0,
        rows: model.mip.num_rows(),
        cols: model.mip.num_cols(),
        nonzeros: model.mip.num_nonzeros(),
        integer_cols: model.mip.num_integer(),
        solver: crate::optimize::highs::highs_version(),
    }
}

/// The search's result, its report, its point when its quantities are whole (a start for
/// the whole-units pass, should HiGHS's continuous incumbent need one), and the links added
/// for HiGHS's MIP after it.
type GuidedRun = (
    SolveResult,
    Option<Guided>,
    Option<Vec<f64>>,
    Option<link_cuts::LinkCuts>,
);

/// The LP-guided search (`crate::optimize::guided`), then HiGHS's MIP from its plan when enough time
/// is left for HiGHS to improve on it; the bound is the better of the two. The search gets
/// [`LP_SHARE`] of the time limit for the LP, up to 65 % with slope scaling and 90 % with the
/// polish; HiGHS runs only when what is left is at least 4 times the LP's time (its own
/// presolve and root LP take about that on these models: `models/guided.md`), and never
/// when not even the restricted LP solved once in its time. With `link`, the model's MIP
/// gets each flow linked to its charge before HiGHS runs (`link_cuts`).
fn guided_run(
    s: &Scenario,
    model: &mut Model,
    opts: &SolveOptions,
    start: Instant,
    link: bool,
) -> Result<GuidedRun, SolveError> {
    let limit = opts.time_limit_s;
    let at = |share: f64| {
        let secs = (limit * share - start.elapsed().as_secs_f64()).clamp(0.0, 3.0e7);
        Instant::now() + Duration::from_secs_f64(secs)
    };
    let budget = Budget {
        lp: at(LP_SHARE),
        slope: at(0.65),
        polish: at(0.9),
        end: at(1.0),
        mip_polish: true,
    };
    let quantities: Vec<bool> = model.meaning.iter().map(Meaning::is_quantity).collect();
    let mut g = guide(
        &model.mip,
        &guide_seed(s, model),
        &quantities,
        s.policy.integer_quantities,
        opts,
        &budget,
    )?;
    // Duals from a pricing cut short give a bound far below 0 (-8 million on medium at a
    // 10 s limit); every cost of the contract is at least 0, so no plan costs less than 0,
    // and a gap of 100 % says "nothing proven" plainly.
    g.bound = g.bound.map(|b| b.max(0.0));
    let left = limit - start.elapsed().as_secs_f64();
    let proven = matches!((g.start_objective, g.bound),
        (Some(o), Some(b)) if relative_gap(o, b) <= opts.mip_gap);
    // The report keeps the numbers; the point goes into the result.
    let point = g.start.take();
    // When not even the restricted LP solved once in its time, HiGHS's root on the whole
    // model will not either, and it cannot be stopped inside its root LP (models/guided.md
    // has the measurements).
    // An infeasible restricted LP says nothing of the whole model: HiGHS decides (a frozen
    // commitment no plan keeps is then named, as without the search).
    let hopeless = g.pricing_rounds == 0 && !g.lp_infeasible;
    // Stopped by a watcher (the worker's `$/cancelRequest`): HiGHS would first presolve the
    // whole model, which it does not interrupt (5.6 s on medium).
    let stopped = opts.stopped();
    if proven || hopeless || stopped || left < 4.0 * g.lp_seconds {
        let result = searched(model, &g, point, proven, stopped);
        return Ok((result, Some(g), None, None));
    }
    let whole = point
        .as_ref()
        .filter(|x| model.quantities_are_whole(x))
        .cloned();
    // HiGHS's MIP gets the links the search's LPs go without (the plan satisfies them:
    // its yes/no columns are whole). Under `--guide auto`'s short limits on small and ~300
    // orders they lowered the plan or proved it on 13 runs of 63 and lost a proof on 4
    // (`models/tight.md`, "L1").
    let cuts = if link {
        link_cuts::add(&mut model.mip)
    } else {
        None
    };
    let mut result = run(
        model,
        &SolveOptions {
            time_limit_s: left.max(0.01),
            ..opts.clone()
        },
        point.as_deref(),
    )?;
    result.seconds += g.lp_seconds + g.slope_seconds + g.polish_seconds;
    raise_bound(&mut result, g.bound);
    prefer_start(&mut result, point, g.start_objective);
    Ok((result, Some(g), whole, cuts))
}

/// The LP-guided search's outcome where HiGHS does not run after it: its point, its bound,
/// `proven` when the point is within the gap of it, and otherwise stopped by the time, or
/// by a watcher when `stopped`.
fn searched(
    model: &Model,
    g: &Guided,
    point: Option<Vec<f64>>,
    proven: bool,
    stopped: bool,
) -> SolveResult {
    let limit = if stopped {
        Limit::Interrupt
    } else {
        Limit::Time
    };
    let objective = g.start_objective;
    let status = match (&point, proven) {
        (_, true) => Status::Optimal,
        (Some(_), false) => Status::Feasible { limit },
        (None, false) => Status::NoSolution { limit },
    };
    SolveResult {
        objective,
        bound: g.bound,
        gap: objective.zip(g.bound).map(|(o, b)| relative_gap(o, b)),
        values: point,
        seconds: g.lp_seconds + g.slope_seconds + g.polish_seconds,
        ..unsolved(model, status)
    }
}

/// The first pass's yes/no decisions fixed where it left them and its quantities' LP
/// solved again, to a vertex of the model's own rows. HiGHS's MIP point is a vertex of
/// its cut rows as well, and can be fractional where such a vertex is whole (on ~300
/// orders with the link cuts, `models/tight.md`, "L1"). `Some` when the new point is
/// whole and costs no more than `first`'s: it is then a plan of the integer model, and
/// `first`'s bound, proven for a relaxation of that model, holds for it (status and bound
/// are `first`'s, the gap is the new point's). `None` otherwise, and the integer pass
/// runs as before.
fn whole_at_fixed(
    model: &Model,
    first: &SolveResult,
    opts: &SolveOptions,
) -> Result<Option<SolveResult>, SolveError> {
    let (Some(values), Some(objective)) = (first.values.as_ref(), first.objective) else {
        return Ok(None);
    };
    let (lp, _) = fixed_at(&model.mip, &model.mip.integer, values);
    let again = match solve_from(&lp.relaxed(), opts, None) {
        Err(SolveError::UnboundedOrInfeasible { .. }) => return Ok(None),
        other => other?,
    };
    let (Some(x), Some(o)) = (again.values, again.objective) else {
        return Ok(None);
    };
    if !model.quantities_are_whole(&x) || o > objective + 1e-9 * objective.abs().max(1.0) {
        return Ok(None);
    }
    Ok(Some(SolveResult {
        values: Some(x),
        objective: Some(o),
        gap: first.bound.map(|b| relative_gap(o, b)),
        seconds: first.seconds + again.seconds,
        handoff_seconds: first.handoff_seconds + again.handoff_seconds,
        ..first.clone()
    }))
}

/// The integer model `whole` with every yes/no decision fixed where the first pass left it
/// (`yes_no`: the first pass's integer columns, the same columns as `whole`'s), solved
/// by HiGHS: a MIP over the quantities alone, whose point is a plan of the integer model.
/// On ~300 orders seed 11 it took 0.22 s where the whole integer model stayed 22.8 s in
/// HiGHS's root (`models/tight.md`, "L1"). `None` when it has no point, or when there is
/// nothing to fix (it would be the integer pass itself).
fn whole_at_fixed_decisions(
    whole: &Model,
    yes_no: &[bool],
    first: &SolveResult,
    opts: &SolveOptions,
) -> Result<Option<SolveResult>, SolveError> {
    let Some(values) = first.values.as_ref() else {
        return Ok(None);
    };
    let (mip, fixed) = fixed_at(&whole.mip, yes_no, values);
    if fixed == 0 || !presolve_fits(mip.num_nonzeros(), opts.time_limit_s) {
        return Ok(None);
    }
    match solve_from(&mip, opts, None) {
        Err(SolveError::UnboundedOrInfeasible { .. }) => Ok(None),
        Ok(r) if r.values.is_none() => Ok(None),
        other => other.map(Some),
    }
}

/// `mip` with every column `fix` marks held at `values`' rounded value, and how many.
fn fixed_at(mip: &Mip, fix: &[bool], values: &[f64]) -> (Mip, usize) {
    let mut fixed = mip.clone();
    let mut n = 0;
    for (j, v) in values.iter().enumerate().filter(|(j, _)| fix[*j]) {
        fixed.col_lower[j] = v.round();
        fixed.col_upper[j] = v.round();
        n += 1;
    }
    (fixed, n)
}

/// Takes `bound` (another valid lower bound: the search's, or a relaxation's) when it is
/// higher than the result's own, and the gap with it.
fn raise_bound(result: &mut SolveResult, bound: Option<f64>) {
    if let Some(b) = bound.filter(|&b| result.bound.is_none_or(|r| b > r)) {
        result.bound = Some(b);
        result.gap = result.objective.map(|o| relative_gap(o, b));
    }
}

/// Puts a start back into `result` when HiGHS came back without a point (it stopped before
/// it read the start) or with a dearer one (it rejected the start): the start is a feasible
/// point of the model, at `start_objective`.
fn prefer_start(result: &mut SolveResult, start: Option<Vec<f64>>, start_objective: Option<f64>) {
    let (Some(x), Some(objective)) = (start, start_objective) else {
        return;
    };
    let kept = result.values.is_some() && result.objective.is_some_and(|o| o <= objective);
    // HiGHS calling a model with a feasible start infeasible would be a numerical accident;
    // its verdict stands rather than a plan under an "infeasible" status.
    if kept || result.status == Status::Infeasible {
        return;
    }
    result.objective = Some(objective);
    result.gap = result.bound.map(|b| relative_gap(objective, b));
    result.values = Some(x);
    if let Status::NoSolution { limit } = result.status {
        result.status = Status::Feasible { limit };
    }
}

/// The columns the guided LP starts from: everything that is not a shipment or a transfer,
/// and the shipments on each order's planned (sku, node, lane, day). The rest is priced in.
pub(super) fn guide_seed(s: &Scenario, model: &Model) -> Vec<bool> {
    let planned: HashSet<_> = s
        .orders
        .iter()
        .enumerate()
        .flat_map(|(o, order)| {
            order
                .plan
                .iter()
                .map(move |e| (OrderIx::new(o), e.sku, e.node, e.lane, e.ship.into()))
        })
        .collect();
    model
        .meaning
        .iter()
        .map(|m| match *m {
            Meaning::Shipment {
                order,
                sku,
                node,
                lane,
                day,
            } => planned.contains(&(order, sku, node, lane, day)),
            Meaning::Transfer { .. } | Meaning::Recall { .. } => false,
            _ => true,
        })
        .collect()
}

/// The size of the terms that make a model's cost at `values`: its constant and every
/// column's cost, in absolute value.
fn magnitude(mip: &crate::optimize::mip::Mip, values: &[f64]) -> f64 {
    let columns: f64 = mip
        .col_cost
        .iter()
        .zip(values)
        .map(|(c, x)| (c * x).abs())
        .sum();
    mip.offset.abs() + columns
}
