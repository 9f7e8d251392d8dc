//! What `--formulation` names: a model for the solver (`formulate::registry`), or the
//! priority rules, which decide without a model. `solve` and `bench` take either.

use crate::check::evaluate;
use crate::optimize::formulate::{self, Formulation};
use crate::optimize::highs::{SolveOptions, Status};
use crate::optimize::{
    better_fallback, close_lane_days, neighbourhoods, optimize, priority_rules, relaxation, scope,
    take_fallback, warm, OptimizeError, Outcome, Source,
};
pub use crate::optimize::{build_fits, lp_fits, BUILD_SECONDS_PER_ORDER, BUILD_SHARE};
use crate::plan::Plan;
use crate::risk::Analysis;
use crate::scenario::domain::Scenario;
use crate::scenario::ids::OrderIx;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The share of the time limit the relaxation beside a whole model waits before it starts
/// ([`beside_a_bound`]).
const WAIT_SHARE: f64 = 0.1;

/// What `solve` and `export` build when `--formulation` is not given (`models/tight.md`).
pub const DEFAULT: &str = "tight";

#[derive(Clone, Copy)]
pub enum Strategy {
    Model(&'static dyn Formulation),
    Rules,
}

impl Strategy {
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Model(f) => f.name(),
            Strategy::Rules => priority_rules::NAME,
        }
    }

    /// The checked outcome. A model falls back on the cheaper of the do-nothing baseline and
    /// the priority rules' plan when the solver stops at a limit with nothing better (as
    /// `solve` does); the rules need no fallback.
    pub fn run(
        &self,
        s: &Scenario,
        a: &Analysis,
        opts: &SolveOptions,
    ) -> Result<Outcome, OptimizeError> {
        let doomed = frozen_over_sourced(s);
        let out = match self {
            Strategy::Model(f) if !doomed.is_empty() => {
                without_model(*f, Status::Infeasible, doomed, None)
            }
            Strategy::Model(f) => {
                // The plan every fallback starts from: a watcher hears of it at once.
                if a.eval.feasible() {
                    opts.found_plan(a.eval.cost.total);
                }
                let mut rules = None;
                // Whether the plan comes from the neighbourhoods, whose only bound is the
                // relaxation's.
                let mut improved = false;
                // The neighbourhoods prove nothing, and large's relaxation needs half their
                // time: it starts at once. A model may prove its own bound first (HiGHS on
                // ~300 orders in 0.4-2 s, the warm solve in 0.5 s): it waits a tenth of the
                // limit, and does not take the core HiGHS's second thread uses for what
                // would not be reported (~300 orders, seeds 1-20: started at once, 0.2-1.5 %
                // slower in all than without it in four runs; waiting, the same in one).
                let wait = if by_neighbourhoods(s, *f, opts) {
                    0.0
                } else {
                    WAIT_SHARE * opts.time_limit_s
                };
                let (out, relaxed) = beside_a_bound(s, opts, wait, || {
                    search(s, *f, a, opts, &mut rules, &mut improved)
                });
                let mut out = out?;
                if out.status() == Status::Infeasible {
                    name_unkept(a, &mut out);
                }
                // Only a solver stopped at a limit needs them: the rules take milliseconds
                // and usually beat doing nothing by far; the cheapest of the two is kept.
                if out.status().limit().is_some() {
                    fall_back(s, a, opts, &mut out, rules);
                }
                if close_lane_days(s, &mut out) {
                    if let Some(x) = &out.solution {
                        opts.found_plan(x.cost());
                    }
                }
                // Every plan costs at least 0: a relaxation that reached nothing proves
                // nothing. Beside a model it is reported where it proves more than the
                // model's own bound (on medium under a 10 s limit the LP-guided search's
                // pricing is cut short and proves nothing; the relaxation takes 0.3-0.5 s).
                let raised = relaxed
                    .as_ref()
                    .map(|r| r.bound)
                    .is_some_and(|b| b > 0.0 && bounded_by(&mut out, b, opts.mip_gap));
                if let Some(stats) = out.stats.as_mut() {
                    if improved || raised {
                        stats.relaxation = relaxed;
                    }
                }
                out
            }
            Strategy::Rules => priority_rules::outcome(s, a),
        };
        out.validate().map_err(|why| OptimizeError::Inconsistent {
            formulation: out.formulation,
            why,
        })?;
        Ok(out)
    }
}

/// After a limit, the cheaper of the search's plan, the do-nothing baseline and the rules'
/// plan (`rules`, computed now unless the search started from it); the watcher hears of it,
/// since the rules' plan may be new to it.
fn fall_back(
    s: &Scenario,
    a: &Analysis,
    opts: &SolveOptions,
    out: &mut Outcome,
    rules: Option<Plan>,
) {
    let rules = rules.unwrap_or_else(|| priority_rules::plan(s, a));
    let rules_eval = evaluate(s, &rules);
    // The analysis has judged the baseline already; the rules' plan is moved, not copied.
    let mut judged = Vec::new();
    if a.eval.feasible() {
        judged.push((Source::Baseline, &a.eval));
    }
    judged.push((Source::Rules, &rules_eval));
    match better_fallback(out, &judged).map(|k| judged[k].0) {
        Some(Source::Baseline) => take_fallback(
            out,
            Source::Baseline,
            a.baseline.plan.clone(),
            a.eval.clone(),
        ),
        Some(source) => take_fallback(out, source, rules, rules_eval),
        None => {}
    }
    if let Some(x) = &out.solution {
        opts.found_plan(x.cost());
    }
}

/// The model's search for `run`: the warm solve in the worker after events, the
/// neighbourhoods where the whole model does not fit (`improved` set, and the rules' plan
/// they start from left in `rules`), the touched orders under `--scope touched`, or the
/// whole model.
fn search(
    s: &Scenario,
    f: &'static dyn Formulation,
    a: &Analysis,
    opts: &SolveOptions,
    rules: &mut Option<Plan>,
    improved: &mut bool,
) -> Result<Outcome, OptimizeError> {
    // Only where the whole model fits: a warm model can grow to a large part of it
    // (measured on large: 217k columns, 41 s under a 30 s limit).
    if let Some(start) = opts.warm.as_deref().filter(|_| f.holds()) {
        if build_fits(s, opts) {
            if let Some(out) = warm::optimize_warm(s, f, opts, start)? {
                return Ok(out);
            }
        }
    }
    if by_neighbourhoods(s, f, opts) {
        *improved = true;
        let rules = rules.insert(priority_rules::plan(s, a));
        let (start, from) = neighbourhood_start(s, f, opts, rules);
        let mut out = neighbourhoods::improve(s, f, opts, &start, from)?
            .unwrap_or_else(|| not_built(f, opts));
        if let Some(stats) = out.stats.as_mut() {
            stats.not_built = !build_fits(s, opts);
        }
        return Ok(out);
    }
    if scope::applies(f, a, opts) {
        return scope::optimize_touched(s, f, opts, a);
    }
    optimize(s, f, opts)
}

/// Whether `run` improves the rules' plan one neighbourhood at a time rather than solve the
/// whole model: it is too big to build whole, or to get far into its LP, in the time there
/// is (by a formulation that holds orders; another gets its whole model).
fn by_neighbourhoods(s: &Scenario, f: &dyn Formulation, opts: &SolveOptions) -> bool {
    !build_fits(s, opts) || (!lp_fits(s, opts) && f.holds())
}

/// The plan the neighbourhoods start from: in the worker after events (`opts.warm`), the
/// last plan with the orders the events touch shipping nothing (`warm::held_start`) when
/// the checker accepts it and it costs less than `rules`; otherwise `rules`. On large the
/// worker's last plan is far cheaper than the rules' and the events touch a few orders, so
/// the search goes on from where it was rather than starting again.
pub fn neighbourhood_start(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    rules: &Plan,
) -> (Plan, Source) {
    if let Some(start) = opts.warm.as_deref().filter(|_| f.holds()) {
        let last = warm::held_start(s, start);
        let eval = evaluate(s, &last);
        if eval.feasible() && eval.cost.total < evaluate(s, rules).cost.total {
            return (last, Source::LastPlan);
        }
    }
    (rules.clone(), Source::Rules)
}

/// `search` run with the transportation relaxation's bound (`super::relaxation`) computed
/// on a thread beside it, from `wait` seconds on or once the search returns, whichever
/// comes first, until the deadline, or until someone stops the solve; or, once
/// the search returns with a bound of its own (or fails), at once, with what it has. On
/// medium it takes 0.3-0.5 s, on large 13.8-16.2 s for both its passes (under
/// `--time-limit 10` the deadline comes first: 1,010-1,382 of 2,000 SKUs in the first,
/// run to run). A search that returns early with no bound leaves it the
/// rest of its time; one with a bound does not wait for it (the worker's warm solve keeps
/// its last bound and answers in 0.5 s on medium). The neighbourhoods run on one core
/// (measured on large: 27.3 s of CPU in 27.7 s), so the bound takes the other one; with
/// `threads` 1, or on one core, it is not computed (it would take the search's time).
fn beside_a_bound(
    s: &Scenario,
    opts: &SolveOptions,
    wait: f64,
    search: impl FnOnce() -> Result<Outcome, OptimizeError>,
) -> (
    Result<Outcome, OptimizeError>,
    Option<relaxation::Relaxation>,
) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if opts.threads == 1 || cores < 2 {
        return (search(), None);
    }
    let (done, returned) = (AtomicBool::new(false), AtomicBool::new(false));
    let stopped = || done.load(Ordering::Relaxed) || opts.stopped();
    let began = Instant::now();
    let until = relaxation::Until {
        deadline: began + Duration::from_secs_f64(opts.time_limit_s.max(0.0)),
        stopped: &stopped,
    };
    let start = began + Duration::from_secs_f64(wait.clamp(0.0, 3.0e7));
    std::thread::scope(|scope| {
        let bound = scope.spawn(|| {
            while Instant::now() < start && !returned.load(Ordering::Relaxed) && !stopped() {
                std::thread::sleep(Duration::from_millis(5));
            }
            let relaxed = relaxation::bound(s, &until);
            if relaxed.bound > 0.0 {
                opts.found_bound(relaxed.bound);
            }
            relaxed
        });
        let out = search();
        if out
            .as_ref()
            .map_or(true, |o| o.bound().is_some_and(|b| b > 0.0))
        {
            done.store(true, Ordering::Relaxed);
        }
        returned.store(true, Ordering::Relaxed);
        // The relaxation returns by the deadline, or once told; a panic in it is a broken
        // invariant.
        let bound = bound.join().expect("the relaxation's thread");
        (out, Some(bound))
    })
}

/// `out` with `bound` (a lower bound on every plan's cost) where it has none or a weaker
/// one, and the gap of its plan to it, `optimal` when that gap is within `mip_gap`; whether
/// it took the bound. Not where no plan keeps the frozen commitments: there is no cost to
/// bound (the relaxation beside the model leaves those commitments out).
fn bounded_by(out: &mut Outcome, bound: f64, mip_gap: f64) -> bool {
    let t = &mut out.termination;
    if t.status == Status::Infeasible || t.bound.is_some_and(|b| b >= bound) {
        return false;
    }
    t.bound = Some(bound);
    t.gap = out
        .solution
        .as_ref()
        .map(|x| crate::optimize::relative_gap(x.cost(), bound));
    if t.status.has_solution() && t.gap.is_some_and(|g| g <= mip_gap) {
        t.status = Status::Optimal;
    }
    true
}

/// Why a model was not built, for a person.
pub fn not_built_why(orders: usize) -> String {
    format!(
        "the model was not built: at about {:.1} ms per order, building it for {orders} orders would take more than {:.0} % of the solver's time",
        BUILD_SECONDS_PER_ORDER * 1e3,
        BUILD_SHARE * 100.0
    )
}

/// Frozen orders whose own plan ships from more nodes than their `max_sources`: no plan
/// keeps them (rule 7 keeps the plan as it stands, rule 6 refuses it), whatever the model.
fn frozen_over_sourced(s: &Scenario) -> Vec<OrderIx> {
    (0..s.orders.len())
        .map(OrderIx::new)
        .filter(|&o| s.order(o).frozen && s.order(o).plan_breaks_max_sources())
        .collect()
}

/// The outcome of a model that was not built because building it would take the solver's
/// share of the limit, and of neighbourhoods that improved nothing: no plan yet, stopped by
/// the time limit, or by the watcher when it was stopped (the fallbacks follow): a solve
/// cancelled before the neighbourhoods found anything says `interrupt`, not that its limit
/// ran out.
fn not_built(f: &dyn Formulation, opts: &SolveOptions) -> Outcome {
    use crate::optimize::highs::Limit;
    let limit = if opts.stopped() {
        Limit::Interrupt
    } else {
        Limit::Time
    };
    let stats = crate::optimize::SolverStats {
        solver: crate::optimize::highs::highs_version(),
        not_built: true,
        ..crate::optimize::SolverStats::default()
    };
    without_model(f, Status::NoSolution { limit }, Vec::new(), Some(stats))
}

/// An infeasible model names the frozen orders the do-nothing plan cannot keep (in the
/// scenario's order), not every frozen order: with those released, that plan keeps every
/// other commitment (it keeps each frozen shipment that the ones kept before it leave room
/// for, `crate::risk::baseline`), so a plan exists, and a planner knows which commitments
/// to renegotiate. The model's list stays if the analysis names none, which an infeasible
/// model rules out (the baseline would then be a plan).
fn name_unkept(a: &Analysis, out: &mut Outcome) {
    let mut unkept: Vec<OrderIx> = a.baseline.unkept_frozen.iter().map(|u| u.order).collect();
    unkept.sort_unstable();
    unkept.dedup();
    if !unkept.is_empty() {
        out.termination.frozen_orders = unkept;
    }
}

/// An outcome with no plan and no bound, no model solved: `status`, naming `frozen` as the
/// orders no plan can keep when it is `infeasible`.
fn without_model(
    f: &dyn Formulation,
    status: Status,
    frozen: Vec<OrderIx>,
    stats: Option<crate::optimize::SolverStats>,
) -> Outcome {
    Outcome {
        formulation: f.name(),
        termination: crate::optimize::Termination {
            status,
            bound: None,
            gap: None,
            frozen_orders: frozen,
        },
        solution: None,
        stats,
        seconds: 0.0,
    }
}

pub fn by_name(name: &str) -> Option<Strategy> {
    if name == priority_rules::NAME {
        return Some(Strategy::Rules);
    }
    formulate::by_name(name).map(Strategy::Model)
}

/// Every name `--formulation` takes: the formulations, then `priority-rules`.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&str> = formulate::registry().iter().map(|f| f.name()).collect();
    v.push(priority_rules::NAME);
    v
}

#[cfg(test)]
mod tests {
    use super::bounded_by;
    use crate::optimize::highs::{Limit, Status};
    use crate::optimize::SolverStats;
    use crate::scenario::validate::load_scenario;

    /// The rules' plan on demo-eu as a solver stopped by the time would report it, with
    /// `bound`.
    fn stopped(bound: Option<f64>) -> (crate::optimize::Outcome, f64) {
        let bytes = include_bytes!("../../datasets/tiny/demo-eu.json");
        let (s, _) = load_scenario(bytes).unwrap();
        let mut out = super::priority_rules::outcome(&s, &crate::risk::analyze(&s));
        let cost = out.objective().unwrap();
        out.stats = Some(SolverStats::default());
        out.termination.status = Status::Feasible { limit: Limit::Time };
        out.termination.bound = bound;
        out.termination.gap = bound.map(|b| crate::optimize::relative_gap(cost, b));
        (out, cost)
    }

    #[test]
    fn a_stronger_bound_replaces_the_outcomes_and_proves_a_plan_within_the_gap() {
        // No bound: the relaxation's, and its gap; still feasible beyond the gap.
        let (mut out, cost) = stopped(None);
        assert!(bounded_by(&mut out, 0.9 * cost, 1e-4));
        assert_eq!(out.termination.bound, Some(0.9 * cost));
        assert!((out.termination.gap.unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(
            out.termination.status,
            Status::Feasible { limit: Limit::Time }
        );
        assert_eq!(out.validate(), Ok(()));
        // A weaker one changes nothing.
        assert!(!bounded_by(&mut out, 0.5 * cost, 1e-4));
        assert_eq!(out.termination.bound, Some(0.9 * cost));
        // One within the gap proves the plan.
        let (mut out, cost) = stopped(Some(0.5 * cost));
        assert!(bounded_by(&mut out, cost * (1.0 - 1e-5), 1e-4));
        assert_eq!(out.termination.status, Status::Optimal);
        assert_eq!(out.validate(), Ok(()));
    }

    #[test]
    fn the_default_names_a_model() {
        assert!(matches!(
            super::by_name(super::DEFAULT),
            Some(super::Strategy::Model(_))
        ));
    }
}
