//! What `--formulation` names: a model for the solver (`formulate::registry`), or the
//! priority rules, which decide without a model. `solve` and `bench` take either.

use crate::check::evaluate;
use crate::optimize::formulate::{self, Formulation};
use crate::optimize::highs::SolveOptions;
pub use crate::optimize::{build_fits, lp_fits, BUILD_SECONDS_PER_ORDER, BUILD_SHARE};
use crate::optimize::{keep_the_better, optimize, OptimizeError, Outcome, Source};
use crate::optimize::{neighbourhoods, priority_rules, relaxation, scope, warm};
use crate::plan::Plan;
use crate::risk::Analysis;
use crate::scenario::domain::Scenario;
use std::time::{Duration, Instant};

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
        let out = match self {
            Strategy::Model(f) => {
                // Only where the whole model fits: a warm model can grow to a large part of
                // it (measured on large: 217k columns, 41 s under a 30 s limit).
                let warm = match opts.warm.as_deref().filter(|_| f.holds()) {
                    Some(start) if build_fits(s, opts) => warm::optimize_warm(s, *f, opts, start)?,
                    _ => None,
                };
                let mut rules = None;
                let mut out = if let Some(out) = warm {
                    out
                } else if !build_fits(s, opts) || (!lp_fits(s, opts) && f.holds()) {
                    // Too big to build whole, or to get far into its LP: the rules' plan
                    // improved one neighbourhood at a time in the time there is (by a
                    // formulation that holds orders; another gets its whole model).
                    let rules = rules.insert(priority_rules::plan(s, a));
                    let (start, from) = neighbourhood_start(s, *f, opts, rules);
                    let (out, relaxed) = beside_a_bound(s, opts, || {
                        neighbourhoods::improve(s, *f, opts, &start, from)
                    });
                    let mut out = out?.unwrap_or_else(|| not_built(*f));
                    if let Some(stats) = out.stats.as_mut() {
                        stats.not_built = !build_fits(s, opts);
                        stats.relaxation = relaxed;
                    }
                    out
                } else if scope::applies(*f, a, opts) {
                    scope::optimize_touched(s, *f, opts, a)?
                } else {
                    optimize(s, *f, opts)?
                };
                // Only a solver stopped at a limit needs them: the rules take milliseconds
                // and usually beat doing nothing by far; the cheapest of the two is kept.
                if out.status().limit().is_some() {
                    let rules = rules.unwrap_or_else(|| priority_rules::plan(s, a));
                    let mut fallbacks = Vec::new();
                    if a.eval.feasible() {
                        fallbacks.push((Source::Baseline, &a.baseline.plan));
                    }
                    fallbacks.push((Source::Rules, &rules));
                    keep_the_better(s, &mut out, &fallbacks);
                }
                // Every plan costs at least 0: a relaxation that reached nothing proves nothing.
                let relaxed = out.stats.as_ref().and_then(|x| x.relaxation.as_ref());
                if let Some(bound) = relaxed.map(|r| r.bound).filter(|&b| b > 0.0) {
                    bounded_by(&mut out, bound);
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
/// on a thread beside it until the same deadline, or until someone stops the solve (then
/// both answer at once). The search runs on one core (measured on
/// large: 27.3 s of CPU in 27.7 s), so the bound takes the other one; with `threads` 1, or
/// on one core, it is not computed (it would take the search's time).
fn beside_a_bound<T: Send>(
    s: &Scenario,
    opts: &SolveOptions,
    search: impl FnOnce() -> T + Send,
) -> (T, Option<relaxation::Relaxation>) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if opts.threads == 1 || cores < 2 {
        return (search(), None);
    }
    let stopped = || opts.watch.as_ref().is_some_and(|w| w.stopped());
    let until = relaxation::Until {
        deadline: Instant::now() + Duration::from_secs_f64(opts.time_limit_s.max(0.0)),
        stopped: &stopped,
    };
    std::thread::scope(|scope| {
        let bound = scope.spawn(|| relaxation::bound(s, &until));
        let out = search();
        // The relaxation returns by the deadline; a panic in it is a broken invariant.
        let bound = bound.join().expect("the relaxation's thread");
        (out, Some(bound))
    })
}

/// `out` with `bound` (a lower bound on every plan's cost) where it has none or a weaker
/// one, and the gap of its plan to it.
fn bounded_by(out: &mut Outcome, bound: f64) {
    let t = &mut out.termination;
    if t.bound.is_some_and(|b| b >= bound) {
        return;
    }
    t.bound = Some(bound);
    t.gap = out
        .solution
        .as_ref()
        .map(|x| crate::optimize::relative_gap(x.cost(), bound));
}

/// Why a model was not built, for a person.
pub fn not_built_why(orders: usize) -> String {
    format!(
        "the model was not built: at about {:.1} ms per order, building it for {orders} orders would take more than {:.0} % of the solver's time",
        BUILD_SECONDS_PER_ORDER * 1e3,
        BUILD_SHARE * 100.0
    )
}

/// The outcome of a model that was not built because building it would take the solver's
/// share of the limit: no plan yet, stopped by the time limit (the fallbacks follow).
fn not_built(f: &dyn Formulation) -> Outcome {
    use crate::optimize::highs::{Limit, Status};
    Outcome {
        formulation: f.name(),
        termination: crate::optimize::Termination {
            status: Status::NoSolution { limit: Limit::Time },
            bound: None,
            gap: None,
            frozen_orders: Vec::new(),
        },
        solution: None,
        stats: Some(crate::optimize::SolverStats {
            solver: crate::optimize::highs::highs_version(),
            not_built: true,
            ..crate::optimize::SolverStats::default()
        }),
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
    #[test]
    fn the_default_names_a_model() {
        assert!(matches!(
            super::by_name(super::DEFAULT),
            Some(super::Strategy::Model(_))
        ));
    }
}
