//! `recourse bench`: runs formulations and strategies over datasets and reports, per run,
//! the model size, the times, what the solver proved, what the checker says, and the
//! saving against doing nothing. One row per (dataset, strategy); `bench_report` formats
//! them.
//!
//! `lp_bound` is the optimum of the model's LP relaxation (every integer column relaxed):
//! the quantity formulations differ on when they link flows to yes/no decisions more or
//! less tightly. It costs one more build and an LP solve, so it can be switched off;
//! when the LP-guided search ran and its pricing converged, its bound is that optimum and
//! is reported instead.

use crate::optimize::formulate::BuildOptions;
use crate::optimize::highs::{solve, SolveOptions, Status};
use crate::optimize::strategy::Strategy;
use crate::risk::analyze;
use crate::scenario::domain::Scenario;
use serde::{Deserialize, Serialize};
use std::time::Instant;

pub const BENCH_FORMAT: &str = "recourse.bench/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchRow {
    /// The dataset as given on the command line.
    pub dataset: String,
    pub scenario: String,
    pub formulation: String,
    pub orders: usize,
    pub at_risk: usize,
    /// Model size; `None` for a strategy without a model (priority-rules).
    pub rows: Option<usize>,
    pub columns: Option<usize>,
    pub nonzeros: Option<usize>,
    pub build_s: Option<f64>,
    /// Solver time (for the rules: their whole run).
    pub solve_s: f64,
    /// Build, solve, decode and check.
    pub total_s: f64,
    /// `optimal`, `feasible`, `no_solution`, `infeasible` or `error`.
    pub status: String,
    /// The limit that stopped the run (`time`, or `heuristic` for rules).
    pub limit: Option<String>,
    /// The plan's cost by the checker.
    pub objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    pub lp_bound: Option<f64>,
    /// The independent checker on the plan: `feasible`, `infeasible`, or `none` (no plan).
    pub checker: String,
    pub baseline: f64,
    /// baseline - objective.
    pub saving: Option<f64>,
    /// saving as a percentage of the baseline cost.
    pub saving_pct: Option<f64>,
    /// The plan a limit fell back on (`baseline`, `priority-rules`), if any.
    pub fallback: Option<String>,
    /// Why the run failed (status `error`): an internal error to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchDoc {
    pub format: String,
    pub solver: String,
    pub rows: Vec<BenchRow>,
}

#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub solve: SolveOptions,
    /// Solve each model's LP relaxation for `lp_bound`.
    pub lp_bound: bool,
}

/// One run of `strategy` on `s`. Never fails: an internal error becomes a row with status
/// `error`, so that one bad run does not lose the others.
pub fn run(dataset: &str, s: &Scenario, strategy: Strategy, opts: &BenchOptions) -> BenchRow {
    let start = Instant::now();
    let a = analyze(s);
    let baseline = a.eval.cost.total;
    let mut row = BenchRow {
        dataset: dataset.to_owned(),
        scenario: s.id.clone(),
        formulation: strategy.name().to_owned(),
        orders: s.orders.len(),
        at_risk: a.at_risk.len(),
        rows: None,
        columns: None,
        nonzeros: None,
        build_s: None,
        solve_s: 0.0,
        total_s: 0.0,
        status: "error".to_owned(),
        limit: None,
        objective: None,
        bound: None,
        gap: None,
        lp_bound: None,
        checker: "none".to_owned(),
        baseline,
        saving: None,
        saving_pct: None,
        fallback: None,
        error: None,
    };
    let outcome = match strategy.run(s, &a, &opts.solve) {
        Ok(o) => o,
        Err(e) => {
            row.error = Some(e.to_string());
            row.total_s = start.elapsed().as_secs_f64();
            return row;
        }
    };
    row.total_s = start.elapsed().as_secs_f64();
    if let Some(stats) = &outcome.stats {
        row.rows = Some(stats.rows);
        row.columns = Some(stats.cols);
        row.nonzeros = Some(stats.nonzeros);
        row.build_s = Some(stats.build_seconds);
    }
    row.solve_s = outcome.seconds;
    row.status = outcome.status().as_str().to_owned();
    row.limit = outcome.status().limit().map(|l| l.as_str().to_owned());
    row.objective = outcome.objective();
    row.bound = outcome.bound();
    row.gap = outcome.gap();
    row.fallback = outcome.fallback().map(str::to_owned);
    if let Some(e) = outcome.eval() {
        row.checker = if e.feasible() {
            "feasible"
        } else {
            "infeasible"
        }
        .to_owned();
    }
    if let Some(obj) = outcome.objective() {
        row.saving = Some(baseline - obj);
        row.saving_pct = (baseline.abs() > 0.0).then(|| 100.0 * (baseline - obj) / baseline);
    }
    if opts.lp_bound {
        if let Strategy::Model(f) = strategy {
            // The guided search already solved this LP when its pricing converged (its
            // bound is then the LP optimum), and solving it again costs seconds on medium.
            let guided = outcome.stats.as_ref().and_then(|x| x.guided.as_ref());
            row.lp_bound = match guided.filter(|g| g.lp_converged) {
                Some(g) => g.bound,
                None => lp_bound(s, f, &opts.solve),
            };
        }
    }
    row
}

/// The optimum of the first-pass model (continuous quantities) with its yes/no columns
/// relaxed too; `None` when the LP does not solve to optimality within the limits.
pub fn lp_bound(
    s: &Scenario,
    f: &dyn crate::optimize::formulate::Formulation,
    opts: &SolveOptions,
) -> Option<f64> {
    let m = f.build(s, &BuildOptions::default()).mip.relaxed();
    let r = solve(
        &m,
        &SolveOptions {
            verbose: false,
            ..opts.clone()
        },
    )
    .ok()?;
    (r.status == Status::Optimal)
        .then_some(r.objective)
        .flatten()
}
