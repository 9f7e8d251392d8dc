//! solve: hands a [`Mip`] to HiGHS and reports what happened, in the termination vocabulary
//! of JuMP/MathOpt: *why the solver stopped* ([`Status`], [`Limit`]) is kept apart from
//! *whether a solution is in hand* (`SolveResult::values`).
//!
//! HiGHS is driven through its C API (`highs-sys`) rather than through `good_lp` or the
//! `highs` crate, because both fold statuses together (a limit with no solution becomes an
//! error, every limit becomes a time limit, `kHighsInterrupt` is not even representable) and
//! neither takes our CSR arrays as they are (see the hand-off numbers below).
//!
//! Solver outcomes are values: optimal, infeasible, and stopped at a limit with or without a
//! solution. `Err(SolveError)` is kept for what a caller cannot act on except by reporting a
//! bug: a malformed model, an unbounded model (every recourse model is bounded, so this is a
//! formulation bug), and HiGHS failures.
//!
//! Output discipline: stdout carries JSON documents, so HiGHS never writes to it
//! (`log_to_console` is off). Its log reaches us through the logging callback, which copies
//! it to stderr when `verbose` and otherwise keeps only the warning and error lines, to
//! explain a [`SolveError`].
//!
//! # Hand-off: one `Highs_passModel` call with the rows as they are
//!
//! HiGHS copies the arrays and transposes them to column-wise storage itself, as fast as
//! Rust can, so the row-wise call needs nothing from us but the row starts as `i32`; adding
//! rows one call at a time costs 4-5x as much. The measurements (`cargo run --example
//! handoff`) are in the README, "Why HiGHS directly, not through good_lp".

use std::ffi::{c_char, c_int, c_void, CStr};
use std::fmt;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use highs_sys as sys;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::optimize::mip::{Columns, Mip};

/// How to solve. `Default` is HiGHS's own defaults: no time limit, a relative gap of 1e-4,
/// all cores, seed 0, quiet.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveOptions {
    /// Wall-clock limit on the solve (not the hand-off), in seconds; `f64::INFINITY` for none.
    pub time_limit_s: f64,
    /// HiGHS's `mip_rel_gap`: stop with [`Status::Optimal`] once
    /// `|incumbent - bound| / |incumbent|` is at most this.
    pub mip_gap: f64,
    /// Worker threads; 0 lets HiGHS use every core it detects.
    pub threads: u32,
    /// HiGHS's `random_seed` (0..=2^31-1); `None` keeps HiGHS's default (0).
    pub seed: Option<u32>,
    /// Copy the HiGHS log to stderr (never stdout).
    pub verbose: bool,
    /// Show a live line on stderr (elapsed, incumbent, bound, gap). Set it only when stderr
    /// is a terminal.
    pub progress: bool,
    /// Run HiGHS's sub-MIP heuristics (RINS, RENS, root reduced-cost); on by default, as in
    /// HiGHS. They only look for incumbents, so turning them off never changes what is
    /// proven optimal; on the fixed-charge models they take most of the time
    /// (`models/tight.md`).
    pub sub_mip_heuristics: bool,
    /// Run HiGHS's feasibility jump before the root LP (`mip_heuristic_run_feasibility_jump`;
    /// on by default, as in HiGHS). It too only looks for incumbents.
    pub feasibility_jump: bool,
    /// Let HiGHS presolve again and restart the root once the root has fixed enough integer
    /// columns (`mip_allow_restart`; on by default, as in HiGHS). The proof is HiGHS's
    /// either way.
    pub root_restart: bool,
    /// Let HiGHS presolve the model before its first run (`presolve`; on by default, as in
    /// HiGHS). Presolve only rewrites the model, so turning it off never changes what is
    /// proven; the neighbourhoods' LPs are solved without it (`models/neighbourhoods.md`).
    pub presolve: bool,
    /// Whether `optimize` runs the LP-guided search (`crate::optimize::guided`) before HiGHS's MIP.
    pub guide: Guide,
    /// Which orders the model decides (`crate::optimize::scope`).
    pub scope: Scope,
    /// Whether `optimize` links each flow to its lane-day charge before HiGHS's MIP
    /// (`crate::optimize::link_cuts`).
    pub cuts: Cuts,
    /// Someone outside who sees the MIP's progress and may stop it (`recourse serve`).
    pub watch: Option<Watcher>,
    /// The last solve's plan and what changed since (`recourse serve`): decide only what
    /// the changes touch (`crate::optimize::warm`).
    pub warm: Option<std::sync::Arc<crate::optimize::changes::Start>>,
    /// The model holds orders fixed (`crate::optimize::optimize_held` sets it): its bound is
    /// only its own, so the watcher is told incumbents without bound or gap.
    pub holds_orders: bool,
}

/// What a watcher is told while a MIP runs: the incumbent, the bound and their gap so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapshot {
    pub incumbent: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
}

/// Watches solves from outside: `report` hears their progress (at most every
/// [`PROGRESS_EVERY`], and at every improving solution), and [`Watch::stop`] interrupts the
/// MIP at its next callback, which then ends with [`Limit::Interrupt`] and its incumbent.
pub struct Watch {
    stop: AtomicBool,
    report: Box<dyn Fn(Snapshot) + Send + Sync>,
    last: Mutex<Option<Instant>>,
}

impl Watch {
    pub fn watcher(report: impl Fn(Snapshot) + Send + Sync + 'static) -> Watcher {
        Watcher(std::sync::Arc::new(Watch {
            stop: AtomicBool::new(false),
            report: Box::new(report),
            last: Mutex::new(None),
        }))
    }
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// `bound_holds`: the MIP's bound is one for the whole scenario (not a model that holds
    /// orders, whose bound is only its own); otherwise no bound and no gap are told.
    fn heard(&self, out: &sys::HighsCallbackDataOut, force: bool, bound_holds: bool) {
        if !due(&self.last, force) {
            return;
        }
        let finite = |v: f64| v.is_finite().then_some(v);
        (self.report)(Snapshot {
            incumbent: finite(out.mip_primal_bound),
            bound: finite(out.mip_dual_bound).filter(|_| bound_holds),
            gap: finite(out.mip_gap).filter(|g| *g >= 0.0 && bound_holds),
        });
    }
}

/// A shared [`Watch`]; equal when it is the same watch.
#[derive(Clone)]
pub struct Watcher(pub std::sync::Arc<Watch>);

impl std::ops::Deref for Watcher {
    type Target = Watch;
    fn deref(&self) -> &Watch {
        &self.0
    }
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Watcher(stopped: {})", self.stopped())
    }
}

impl PartialEq for Watcher {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Which orders `solve` lets the model decide (`models/scope.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every order: the whole model.
    #[default]
    Full,
    /// The at-risk orders and the orders the LP's duals price out; every other order held
    /// at its baseline shipments, with a bound for the whole model.
    Touched,
}

/// Whether `optimize` links each flow to its lane-day charge with a cut of its own before
/// HiGHS's MIP on a whole model (`crate::optimize::link_cuts`, `models/tight.md`, "L1").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cuts {
    /// As the formulation says (`Formulation::tune`): on for `tight`; the textbook models
    /// keep HiGHS's own behaviour, for comparison.
    #[default]
    Auto,
    On,
    Off,
}

/// When `optimize` runs the LP-guided search first: a bound and a plan in seconds on
/// models where HiGHS's own root takes longer than the time limit (`models/guided.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Guide {
    /// On for models with at least [`Guide::AUTO_NONZEROS`] nonzeros, and for time limits of
    /// at most [`Guide::AUTO_SECONDS`].
    #[default]
    Auto,
    On,
    Off,
}

impl Guide {
    /// Medium-sized scenarios (5,000 orders) have about 1.6M nonzeros, small ones (200
    /// orders) about 50k, which HiGHS solves to optimality in seconds on its own.
    pub const AUTO_NONZEROS: usize = 250_000;
    /// HiGHS needs 2-3 s to prove the small preset's optima; with 1-2 s it keeps the rules'
    /// plan or a poor incumbent, while the search finds the optimum or within 0.3 % of it in
    /// 0.15 s (`models/guided.md`). With 5 s HiGHS alone proves them sooner.
    pub const AUTO_SECONDS: f64 = 2.0;

    pub fn applies(self, nonzeros: usize, time_limit_s: f64) -> bool {
        match self {
            Guide::Auto => nonzeros >= Self::AUTO_NONZEROS || time_limit_s <= Self::AUTO_SECONDS,
            Guide::On => true,
            Guide::Off => false,
        }
    }
}

impl SolveOptions {
    /// Whether a watcher has stopped the solve (`recourse serve`'s `$/cancelRequest`).
    pub fn stopped(&self) -> bool {
        self.watch.as_ref().is_some_and(|w| w.stopped())
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit_s: f64::INFINITY,
            mip_gap: 1e-4,
            threads: 0,
            seed: None,
            verbose: false,
            progress: false,
            sub_mip_heuristics: true,
            feasibility_jump: true,
            root_restart: true,
            presolve: true,
            guide: Guide::Auto,
            scope: Scope::Full,
            cuts: Cuts::Auto,
            watch: None,
            warm: None,
            holds_orders: false,
        }
    }
}

impl SolveOptions {
    /// The scenario policy's limits (`time_limit_s`, `mip_gap`, `threads`), the rest default:
    /// what `solve` uses when no option overrides them.
    pub fn from_policy(policy: &crate::scenario::domain::Policy) -> Self {
        Self {
            time_limit_s: policy.time_limit_s,
            mip_gap: policy.mip_gap,
            threads: policy.threads,
            ..Self::default()
        }
    }
}

/// Which limit stopped the run before it could prove optimality or infeasibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Time,
    Iteration,
    Solution,
    Interrupt,
    Memory,
    ObjectiveBound,
    ObjectiveTarget,
    /// A heuristic that stops by construction and proves nothing (the priority rules).
    Heuristic,
    /// The model held orders at given shipments (their baseline with `--scope touched`,
    /// the last plan in the worker's warm solve), and its plan is not proven within the gap
    /// of a bound for the whole model.
    Scope,
}

impl Limit {
    /// The snake_case name the proposals document writes.
    pub fn as_str(&self) -> &'static str {
        match self {
            Limit::Time => "time",
            Limit::Iteration => "iteration",
            Limit::Solution => "solution",
            Limit::Interrupt => "interrupt",
            Limit::Memory => "memory",
            Limit::ObjectiveBound => "objective_bound",
            Limit::ObjectiveTarget => "objective_target",
            Limit::Heuristic => "heuristic",
            Limit::Scope => "scope",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} limit", self.as_str().replace('_', " "))
    }
}

/// Why the solver stopped, and whether that left a solution in hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Proven optimal within `mip_gap` (so `gap` may be positive, never above `mip_gap`).
    Optimal,
    /// A limit was hit with a feasible solution in hand.
    Feasible { limit: Limit },
    /// A limit was hit before any feasible solution was found.
    NoSolution { limit: Limit },
    /// Proven infeasible.
    Infeasible,
}

impl Status {
    /// `"optimal"`, `"feasible"`, `"no_solution"` or `"infeasible"`: the value to serialize.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible { .. } => "feasible",
            Status::NoSolution { .. } => "no_solution",
            Status::Infeasible => "infeasible",
        }
    }

    /// The limit that stopped the solver, if one did.
    pub fn limit(&self) -> Option<&Limit> {
        match self {
            Status::Feasible { limit } | Status::NoSolution { limit } => Some(limit),
            Status::Optimal | Status::Infeasible => None,
        }
    }

    /// Whether this status comes with a feasible solution.
    pub fn has_solution(&self) -> bool {
        matches!(self, Status::Optimal | Status::Feasible { .. })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Optimal => f.write_str("optimal"),
            Status::Feasible { limit } => write!(f, "feasible ({limit} reached)"),
            Status::NoSolution { limit } => write!(f, "no solution ({limit} reached)"),
            Status::Infeasible => f.write_str("infeasible"),
        }
    }
}

/// What a solve produced. Objective and bound include the model's offset.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveResult {
    pub status: Status,
    /// Column values, `Some` exactly when `status.has_solution()`. Integer columns are as
    /// HiGHS returns them (within its feasibility tolerance of an integer, not rounded).
    pub values: Option<Vec<f64>>,
    /// Objective of `values`.
    pub objective: Option<f64>,
    /// Best proven lower bound on the objective (minimisation). For an LP it is the optimal
    /// objective; `None` where nothing finite is known (infeasible, LP stopped early).
    pub bound: Option<f64>,
    /// The relative gap `|objective - bound| / |objective|`, as HiGHS defines it; `None`
    /// without a solution or a bound, or where it is infinite (objective 0, bound not 0).
    /// 0 for an optimal LP.
    pub gap: Option<f64>,
    /// Wall-clock seconds in `Highs_run`.
    pub seconds: f64,
    /// Wall-clock seconds to convert the model and pass it to HiGHS.
    pub handoff_seconds: f64,
    pub rows: usize,
    pub cols: usize,
    pub nonzeros: usize,
    pub integer_cols: usize,
    /// `"HiGHS 1.16.0"`.
    pub solver: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// The model is malformed (checked before it crosses into C) or HiGHS refused it.
    #[error("the model was rejected: {0}")]
    Rejected(String),
    #[error("HiGHS rejected option {name} = {value}{}", messages_suffix(.messages))]
    Option {
        name: &'static str,
        value: String,
        messages: Vec<String>,
    },
    #[error(
        "the model is unbounded; every recourse model is bounded, so this is a formulation bug"
    )]
    Unbounded,
    /// HiGHS stopped with `kUnboundedOrInfeasible`. It returns `kInfeasible` when presolve
    /// or the search proves infeasibility, so this status means it proved neither; we do not
    /// re-solve to find out, since either way the formulation has a bug worth reporting.
    #[error(
        "HiGHS found the model unbounded or infeasible without telling which; \
         every recourse model is bounded, so this is a formulation bug{}",
        messages_suffix(.messages)
    )]
    UnboundedOrInfeasible { messages: Vec<String> },
    /// HiGHS reported a failure (error return, `kSolveError`, `kUnknown`, ...).
    #[error("HiGHS failed: {what}{}", messages_suffix(.messages))]
    Failed { what: String, messages: Vec<String> },
}

fn messages_suffix(messages: &[String]) -> String {
    if messages.is_empty() {
        String::new()
    } else {
        format!(" (HiGHS said: {})", messages.join("; "))
    }
}

/// `"HiGHS 1.16.0"`: the version linked in, from HiGHS itself.
pub fn highs_version() -> String {
    // SAFETY: plain getters of compile-time constants.
    let (major, minor, patch) = unsafe {
        (
            sys::Highs_versionMajor(),
            sys::Highs_versionMinor(),
            sys::Highs_versionPatch(),
        )
    };
    format!("HiGHS {major}.{minor}.{patch}")
}

/// Minimises `mip` with HiGHS.
pub fn solve(mip: &Mip, opts: &SolveOptions) -> Result<SolveResult, SolveError> {
    solve_from(mip, opts, None)
}

/// Like [`solve`], starting from `start` (a value for every column): HiGHS checks it and,
/// when it is feasible, begins with it as the incumbent. An infeasible start is ignored.
pub fn solve_from(
    mip: &Mip,
    opts: &SolveOptions,
    start: Option<&[f64]>,
) -> Result<SolveResult, SolveError> {
    check_model(mip)?;
    if start.is_some_and(|x| x.len() != mip.num_cols()) {
        return Err(SolveError::Rejected(format!(
            "a start with {} values for {} columns",
            start.map_or(0, <[f64]>::len),
            mip.num_cols()
        )));
    }
    let (session, handoff_seconds) = Session::holding(mip, opts)?;
    let highs = &session.highs;
    if let Some(x) = start {
        // SAFETY: `x` holds one value per column (checked above); null pointers skip the
        // row values and duals.
        highs.check("Highs_setSolution", unsafe {
            sys::Highs_setSolution(
                highs.ptr(),
                x.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
            )
        })?;
    }
    run(&session, mip, handoff_seconds)
}

/// Like [`solve`], then again after each change `next` asks for, in the same HiGHS instance:
/// `next` reads the last result and names the changes to make before the next run, or
/// `None` to stop there. An LP re-solved after a few bounds or costs change starts from its
/// last basis (HiGHS skips presolve when it has one), which is what dives over an LP's
/// yes/no columns need. `opts.time_limit_s` bounds the runs together.
pub fn solve_fixing(
    mip: &Mip,
    opts: &SolveOptions,
    mut next: impl FnMut(&SolveResult) -> Option<Vec<Change>>,
) -> Result<SolveResult, SolveError> {
    check_model(mip)?;
    let (session, handoff_seconds) = Session::holding(mip, opts)?;
    loop {
        let result = run(&session, mip, handoff_seconds)?;
        let Some(changes) = next(&result) else {
            return Ok(result);
        };
        for change in changes {
            let (Change::Fix(j, _) | Change::Cost(j, _)) = change;
            if j >= mip.num_cols() {
                return Err(SolveError::Rejected(format!(
                    "column {j} to change in a model of {} columns",
                    mip.num_cols()
                )));
            }
            let ptr = session.highs.ptr();
            // SAFETY: valid instance; `j` is one of its columns (checked above).
            match change {
                Change::Fix(j, v) => session.highs.check("Highs_changeColBounds", unsafe {
                    sys::Highs_changeColBounds(ptr, j as i32, v, v)
                })?,
                Change::Cost(j, c) => session.highs.check("Highs_changeColCost", unsafe {
                    sys::Highs_changeColCost(ptr, j as i32, c)
                })?,
            }
        }
    }
}

/// A change [`solve_fixing`] makes to a column between runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    /// Both bounds at the value.
    Fix(usize, f64),
    /// The objective coefficient.
    Cost(usize, f64),
}

/// One run of `session`, which holds `mip`, and what it left.
///
/// Long because it is one HiGHS run (scheduler, run, status, read back) whose FFI calls must
/// happen in this order on one handle.
fn run(session: &Session, mip: &Mip, handoff_seconds: f64) -> Result<SolveResult, SolveError> {
    let is_mip = mip.integer.iter().any(|&i| i);
    let highs = &session.highs;
    // HiGHS keeps one task scheduler per calling thread, sized by the first run on it, and
    // refuses to run when a later run asks for another explicit thread count. Resetting it
    // here makes `threads` mean the same thing on every call. (No run is in progress on this
    // thread, which is what HiGHS requires.)
    // SAFETY: see above.
    unsafe { sys::Highs_resetThreadScheduler(0) };

    if let Some(progress) = &session.state.progress {
        progress.start();
    }
    let run = Instant::now();
    // SAFETY: valid instance holding a model.
    let run_status = unsafe { sys::Highs_run(highs.ptr()) };
    let seconds = run.elapsed().as_secs_f64();
    session.state.finish();

    // SAFETY: valid instance.
    let model_status = unsafe { sys::Highs_getModelStatus(highs.ptr()) };
    let failed = |what: String| SolveError::Failed {
        what,
        messages: session.state.messages(),
    };
    let outcome = match model_status {
        sys::kHighsModelStatusOptimal => Optimal,
        sys::kHighsModelStatusInfeasible => Infeasible,
        // No columns: HiGHS solves nothing and leaves no solution to read.
        sys::kHighsModelStatusModelEmpty => Empty,
        sys::kHighsModelStatusUnbounded => return Err(SolveError::Unbounded),
        sys::kHighsModelStatusUnboundedOrInfeasible => {
            return Err(SolveError::UnboundedOrInfeasible {
                messages: session.state.messages(),
            })
        }
        sys::kHighsModelStatusTimeLimit => Stopped(Limit::Time),
        sys::kHighsModelStatusIterationLimit => Stopped(Limit::Iteration),
        sys::kHighsModelStatusSolutionLimit => Stopped(Limit::Solution),
        sys::kHighsModelStatusInterrupt | sys::kHighsModelStatusHighsInterrupt => {
            Stopped(Limit::Interrupt)
        }
        sys::kHighsModelStatusMemoryLimit => Stopped(Limit::Memory),
        sys::kHighsModelStatusObjectiveBound => Stopped(Limit::ObjectiveBound),
        sys::kHighsModelStatusObjectiveTarget => Stopped(Limit::ObjectiveTarget),
        status => {
            return Err(failed(format!(
                "model status '{}'",
                model_status_name(status)
            )))
        }
    };

    // An error return with any other status (HiGHS says: "the solve failed") is not to be
    // trusted, whatever the status claims.
    if run_status == sys::kHighsStatusError {
        return Err(failed(format!(
            "Highs_run returned an error with model status '{}'",
            model_status_name(model_status)
        )));
    }

    let has_solution =
        || highs.int_info(c"primal_solution_status") == Some(sys::kHighsSolutionStatusFeasible);
    // The objective is that of the values returned, computed here: HiGHS 1.16 reports the
    // objective of its incumbent in the presolved space, and when that incumbent is a start
    // it was given and it stops at a limit before finding better, the values it returns are
    // the start's as given, while the start's image in the presolved space may cost less
    // (HiGHS's `HighsMipSolverData.cpp` notes this, its issue #3510). Seen in a
    // neighbourhood MIP on medium seed 3: 155,629.63 reported for values costing
    // 155,716.26, which the checker priced, and `solve` stopped as on a model bug.
    let with_solution = |status: Status| -> Result<_, SolveError> {
        let values = highs.col_values(mip.num_cols())?;
        let objective = mip.objective(&values);
        Ok((status, Some(values), Some(objective)))
    };
    let (status, values, objective) = match outcome {
        Optimal if has_solution() => with_solution(Status::Optimal)?,
        Optimal => {
            return Err(failed(
                "HiGHS reports an optimum but no feasible solution".into(),
            ))
        }
        Infeasible => (Status::Infeasible, None, None),
        Stopped(limit) if has_solution() => with_solution(Status::Feasible { limit })?,
        Stopped(limit) => (Status::NoSolution { limit }, None, None),
        Empty => {
            // Every row's activity is 0.
            let rows = mip.row_lower.iter().zip(&mip.row_upper);
            if rows.into_iter().all(|(&l, &u)| l <= 0.0 && 0.0 <= u) {
                (Status::Optimal, Some(vec![]), Some(mip.offset))
            } else {
                (Status::Infeasible, None, None)
            }
        }
    };

    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let (bound, gap) = if status == Status::Infeasible {
        (None, None)
    } else if is_mip {
        let bound = finite(highs.double_info(c"mip_dual_bound"));
        let gap = objective.zip(bound).and_then(|(o, b)| mip_gap(o, b));
        (bound, gap)
    } else if status == Status::Optimal {
        (objective, Some(0.0))
    } else {
        (None, None)
    };

    Ok(SolveResult {
        status,
        values,
        objective,
        bound,
        gap,
        seconds,
        handoff_seconds,
        rows: mip.num_rows(),
        cols: mip.num_cols(),
        nonzeros: mip.num_nonzeros(),
        integer_cols: mip.num_integer(),
        solver: highs_version(),
    })
}

/// HiGHS's relative gap of `objective` to `bound` (`HighsMipSolver::gap_`): `None` where it
/// is infinite (objective 0, bound not 0).
fn mip_gap(objective: f64, bound: f64) -> Option<f64> {
    if objective == 0.0 {
        (bound == 0.0).then_some(0.0)
    } else {
        Some((objective - bound).abs() / objective.abs())
    }
}

/// How HiGHS stopped, before asking whether it left a solution.
enum Stop {
    Optimal,
    Infeasible,
    Stopped(Limit),
    /// No columns.
    Empty,
}
use Stop::{Empty, Infeasible, Optimal, Stopped};

/// `column 3 ("ship[PAR,LYO,2]")`, or `column 3` when the model has no names.
fn name_of(names: &[String], what: &str, i: usize) -> String {
    match names.get(i) {
        Some(name) => format!("{what} {i} ({name:?})"),
        None => format!("{what} {i}"),
    }
}

/// What HiGHS does not check for us. The array lengths and indices come first: HiGHS trusts
/// them blindly, and reading past an array would be undefined behaviour.
fn check_model(mip: &Mip) -> Result<(), SolveError> {
    let reject = |msg: String| Err(SolveError::Rejected(msg));
    let n = mip.col_cost.len();
    if [mip.col_lower.len(), mip.col_upper.len(), mip.integer.len()] != [n; 3] {
        return reject(format!(
            "column arrays differ in length: cost {n}, lower {}, upper {}, integer {}",
            mip.col_lower.len(),
            mip.col_upper.len(),
            mip.integer.len()
        ));
    }
    let m = mip.row_lower.len();
    if mip.row_upper.len() != m || mip.row_start.len() != m + 1 {
        return reject(format!(
            "row arrays differ in length: lower {m}, upper {}, start {} (want {})",
            mip.row_upper.len(),
            mip.row_start.len(),
            m + 1
        ));
    }
    let nnz = mip.row_index.len();
    if mip.row_value.len() != nnz {
        return reject(format!(
            "{nnz} row indices but {} row values",
            mip.row_value.len()
        ));
    }
    if mip.row_start[0] != 0
        || mip.row_start[m] != nnz
        || mip.row_start.windows(2).any(|w| w[0] > w[1])
    {
        return reject("row starts do not run from 0 up to the number of nonzeros".into());
    }
    if let Some(&j) = mip.row_index.iter().find(|&&j| j as usize >= n) {
        return reject(format!(
            "a row refers to column {j}, but there are {n} columns"
        ));
    }
    // HiGHS rejects infinite bounds on the wrong side and huge coefficients itself, but
    // takes NaN anywhere and reports an "optimal" NaN objective.
    let col = |j: usize| name_of(&mip.col_names, "column", j);
    let row = |r: usize| name_of(&mip.row_names, "row", r);
    if !mip.offset.is_finite() {
        return reject(format!("the objective offset is {}", mip.offset));
    }
    if let Some(j) = mip.col_cost.iter().position(|c| !c.is_finite()) {
        return reject(format!("{} has cost {}", col(j), mip.col_cost[j]));
    }
    if let Some(j) = (0..n).find(|&j| mip.col_lower[j].is_nan() || mip.col_upper[j].is_nan()) {
        return reject(format!("{} has a NaN bound", col(j)));
    }
    if let Some(r) = (0..m).find(|&r| mip.row_lower[r].is_nan() || mip.row_upper[r].is_nan()) {
        return reject(format!("{} has a NaN bound", row(r)));
    }
    if let Some(k) = mip.row_value.iter().position(|v| !v.is_finite()) {
        let r = mip.row_start.partition_point(|&s| s <= k) - 1;
        let j = mip.row_index[k] as usize;
        return reject(format!(
            "{} has coefficient {} on {}",
            row(r),
            mip.row_value[k],
            col(j)
        ));
    }
    let limit = i32::MAX as usize;
    if n > limit || m > limit || nnz > limit {
        return reject(format!(
            "{n} columns, {m} rows, {nnz} nonzeros: HiGHS (32-bit indices) takes at most {limit} each"
        ));
    }
    Ok(())
}

/// Passes the whole model in one call, rows as they are (see the module docs for why).
fn pass_model(highs: &Highs, mip: &Mip, state: &CallbackState) -> Result<(), SolveError> {
    // Sizes were checked by `check_model`, so none of these conversions truncates.
    let (n, m, nnz) = (
        mip.num_cols() as i32,
        mip.num_rows() as i32,
        mip.num_nonzeros() as i32,
    );
    let a_start: Vec<i32> = mip.row_start.iter().map(|&s| s as i32).collect();
    // SAFETY: u32 and i32 have the same size and alignment, and every index is below the
    // column count, itself at most i32::MAX, so each u32 reads as the same i32.
    let a_index: &[i32] = unsafe {
        std::slice::from_raw_parts(mip.row_index.as_ptr().cast::<i32>(), mip.row_index.len())
    };
    let integrality: Option<Vec<i32>> = mip.integer.iter().any(|&i| i).then(|| {
        mip.integer
            .iter()
            .map(|&i| {
                if i {
                    sys::kHighsVarTypeInteger
                } else {
                    sys::kHighsVarTypeContinuous
                }
            })
            .collect()
    });
    // SAFETY: every array has the length HiGHS reads (checked by `check_model`); HiGHS copies
    // them before returning. A null integrality pointer means an LP.
    let status = unsafe {
        sys::Highs_passModel(
            highs.ptr(),
            n,
            m,
            nnz,
            0,
            sys::kHighsMatrixFormatRowwise,
            sys::kHighsHessianFormatTriangular,
            sys::kHighsObjSenseMinimize,
            mip.offset,
            mip.col_cost.as_ptr(),
            mip.col_lower.as_ptr(),
            mip.col_upper.as_ptr(),
            mip.row_lower.as_ptr(),
            mip.row_upper.as_ptr(),
            a_start.as_ptr(),
            a_index.as_ptr(),
            mip.row_value.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            integrality
                .as_ref()
                .map_or(std::ptr::null(), |v| v.as_ptr()),
        )
    };
    if status == sys::kHighsStatusError {
        let messages = state.messages();
        let why = if messages.is_empty() {
            "Highs_passModel failed".into()
        } else {
            messages.join("; ")
        };
        return Err(SolveError::Rejected(why));
    }
    Ok(())
}

/// Owns a HiGHS instance together with the state its callback points to. Fields drop in
/// declaration order: the instance goes first, so HiGHS never holds a dangling pointer.
struct Session {
    highs: Highs,
    state: Box<CallbackState>,
}

impl Session {
    /// A session holding `mip` (checked by the caller, `check_model`), and the seconds the
    /// hand-off took.
    fn holding(mip: &Mip, opts: &SolveOptions) -> Result<(Session, f64), SolveError> {
        let session = Session::open(opts)?;
        let handoff = Instant::now();
        pass_model(&session.highs, mip, &session.state)?;
        Ok((session, handoff.elapsed().as_secs_f64()))
    }

    /// A HiGHS instance with its logging callback in place and `opts` applied.
    fn open(opts: &SolveOptions) -> Result<Session, SolveError> {
        // The callback state must outlive every call HiGHS can make into it: `Session` drops
        // the HiGHS instance before the state, also when unwinding.
        let session = Session {
            highs: Highs::new()?,
            state: Box::new(CallbackState::new(opts)),
        };
        let highs = &session.highs;

        // Never the console (stdout). Output stays off until the logging callback is in place:
        // HiGHS logs its header once per process, at the first call that finds output on, and
        // `Highs_setCallback` is such a call.
        highs.set_bool(c"log_to_console", "log_to_console", false)?;
        highs.set_bool(c"output_flag", "output_flag", false)?;
        let state_ptr = &*session.state as *const CallbackState as *mut c_void;
        // SAFETY: `state_ptr` stays valid until the instance is destroyed (see `Session`).
        highs.check("Highs_setCallback", unsafe {
            sys::Highs_setCallback(highs.ptr(), Some(on_highs_callback), state_ptr)
        })?;
        let mut callbacks = vec![sys::kHighsCallbackLogging];
        if session.state.progress.is_some() || session.state.watch.is_some() {
            callbacks.extend([
                sys::kHighsCallbackMipInterrupt,
                sys::kHighsCallbackMipImprovingSolution,
            ]);
        }
        for kind in callbacks {
            // SAFETY: valid instance, valid callback kind.
            highs.check("Highs_startCallback", unsafe {
                sys::Highs_startCallback(highs.ptr(), kind)
            })?;
        }
        highs.set_bool(c"output_flag", "output_flag", true)?;

        highs.set_double(c"time_limit", "time_limit", opts.time_limit_s)?;
        highs.set_double(c"mip_rel_gap", "mip_rel_gap", opts.mip_gap)?;
        let threads = i32::try_from(opts.threads).map_err(|_| SolveError::Option {
            name: "threads",
            value: opts.threads.to_string(),
            messages: vec![],
        })?;
        highs.set_int(c"threads", "threads", threads)?;
        if let Some(seed) = opts.seed {
            let seed = i32::try_from(seed).map_err(|_| SolveError::Option {
                name: "random_seed",
                value: seed.to_string(),
                messages: vec!["the seed must be at most 2147483647".into()],
            })?;
            highs.set_int(c"random_seed", "random_seed", seed)?;
        }

        if !opts.sub_mip_heuristics {
            highs.set_bool(c"mip_heuristic_run_rins", "mip_heuristic_run_rins", false)?;
            highs.set_bool(c"mip_heuristic_run_rens", "mip_heuristic_run_rens", false)?;
            highs.set_bool(
                c"mip_heuristic_run_root_reduced_cost",
                "mip_heuristic_run_root_reduced_cost",
                false,
            )?;
        }
        if !opts.feasibility_jump {
            highs.set_bool(
                c"mip_heuristic_run_feasibility_jump",
                "mip_heuristic_run_feasibility_jump",
                false,
            )?;
        }
        if !opts.root_restart {
            highs.set_bool(c"mip_allow_restart", "mip_allow_restart", false)?;
        }
        if !opts.presolve {
            highs.set_string(c"presolve", "presolve", c"off")?;
        }
        Ok(session)
    }
}

/// A linear program kept in one HiGHS instance across solves, for methods that solve a
/// sequence of related LPs (`crate::optimize::guided`): columns are added and coefficients and bounds
/// changed between runs, and each run starts from the previous basis. Every row of `mip` is there
/// from the start; columns come in through [`LpSession::add_columns`], always continuous.
pub struct LpSession {
    session: Session,
    rows: usize,
    cols: usize,
}

/// An LP solve's values: the objective (offset included), columns in the order they were
/// added, then rows, then row duals (`cost_j - sum_i a_ij dual_i` is column j's reduced
/// cost).
pub struct LpSolution {
    pub objective: f64,
    pub col_value: Vec<f64>,
    pub row_value: Vec<f64>,
    pub row_dual: Vec<f64>,
}

impl LpSession {
    pub fn new(mip: &Mip, opts: &SolveOptions) -> Result<Self, SolveError> {
        check_model(mip)?;
        let session = Session::open(&SolveOptions {
            progress: false,
            ..opts.clone()
        })?;
        let m = mip.num_rows();
        let starts = vec![0i32; m];
        // SAFETY: `m` row bounds and starts, no entries; HiGHS copies them. The row count
        // fits in i32 (checked by `check_model`).
        session.highs.check("Highs_addRows", unsafe {
            sys::Highs_addRows(
                session.highs.ptr(),
                m as i32,
                mip.row_lower.as_ptr(),
                mip.row_upper.as_ptr(),
                0,
                starts.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
            )
        })?;
        // SAFETY: valid instance.
        session.highs.check("Highs_changeObjectiveOffset", unsafe {
            sys::Highs_changeObjectiveOffset(session.highs.ptr(), mip.offset)
        })?;
        // A watcher's stop ends an LP within its simplex iterations, not only at the next
        // solve: the LP-guided search's first LP on medium takes seconds, and the worker's
        // `$/cancelRequest` waited 6-9 s for it.
        if session.state.watch.is_some() {
            for kind in [
                sys::kHighsCallbackSimplexInterrupt,
                sys::kHighsCallbackIpmInterrupt,
            ] {
                // SAFETY: valid instance, valid callback kind.
                session.highs.check("Highs_startCallback", unsafe {
                    sys::Highs_startCallback(session.highs.ptr(), kind)
                })?;
            }
        }
        Ok(Self {
            session,
            rows: m,
            cols: 0,
        })
    }

    /// Adds columns `js` of `mip` (whose matrix, column by column, is `columns`), continuous,
    /// with their costs and bounds. They take the next positions, in order.
    pub fn add_columns(
        &mut self,
        mip: &Mip,
        columns: &Columns,
        js: &[usize],
    ) -> Result<(), SolveError> {
        let mut starts = Vec::with_capacity(js.len());
        let (mut index, mut value) = (Vec::new(), Vec::new());
        for &j in js {
            starts.push(index.len() as i32);
            for (r, a) in columns.entries(j) {
                index.push(r as i32);
                value.push(a);
            }
        }
        let pick = |v: &[f64]| js.iter().map(|&j| v[j]).collect::<Vec<f64>>();
        let (cost, lower, upper) = (
            pick(&mip.col_cost),
            pick(&mip.col_lower),
            pick(&mip.col_upper),
        );
        let too_many =
            i32::try_from(self.cols + js.len()).is_err() || i32::try_from(index.len()).is_err();
        if too_many {
            return Err(SolveError::Rejected(
                "more than 2^31 columns or nonzeros".into(),
            ));
        }
        // SAFETY: every array has one entry per new column (or per nonzero), row indices come
        // from `mip`'s own rows, all of which are in the instance; HiGHS copies them.
        self.session.highs.check("Highs_addCols", unsafe {
            sys::Highs_addCols(
                self.session.highs.ptr(),
                js.len() as i32,
                cost.as_ptr(),
                lower.as_ptr(),
                upper.as_ptr(),
                index.len() as i32,
                starts.as_ptr(),
                index.as_ptr(),
                value.as_ptr(),
            )
        })?;
        self.cols += js.len();
        Ok(())
    }

    /// Changes the coefficient of column `k` in row `row`.
    pub fn set_coefficient(&mut self, row: usize, k: usize, value: f64) -> Result<(), SolveError> {
        debug_assert!(k < self.cols && row < self.rows);
        // SAFETY: valid instance; `row` and `k` are within it.
        self.session.highs.check("Highs_changeCoeff", unsafe {
            sys::Highs_changeCoeff(self.session.highs.ptr(), row as i32, k as i32, value)
        })
    }

    /// Changes the bounds of column `k`.
    pub fn set_bounds(&mut self, k: usize, lower: f64, upper: f64) -> Result<(), SolveError> {
        debug_assert!(k < self.cols);
        // SAFETY: valid instance; `k` is one of its columns.
        self.session.highs.check("Highs_changeColBounds", unsafe {
            sys::Highs_changeColBounds(self.session.highs.ptr(), k as i32, lower, upper)
        })
    }

    /// Whether the last run proved the LP infeasible (rather than stopping at a limit).
    pub fn infeasible(&self) -> bool {
        // SAFETY: valid instance.
        let status = unsafe { sys::Highs_getModelStatus(self.session.highs.ptr()) };
        status == sys::kHighsModelStatusInfeasible
    }

    /// Solves from the last basis within `time_limit_s`. `Some` with the solution when the
    /// LP is solved to optimality, `None` when a limit stopped it (or it is infeasible).
    pub fn run(&mut self, time_limit_s: f64) -> Result<Option<LpSolution>, SolveError> {
        let highs = &self.session.highs;
        // HiGHS measures `time_limit` against its clocks summed over every run of the
        // instance; zeroed, they measure this run alone.
        // SAFETY: valid instance.
        highs.check("Highs_zeroAllClocks", unsafe {
            sys::Highs_zeroAllClocks(highs.ptr())
        })?;
        highs.set_double(c"time_limit", "time_limit", time_limit_s.max(0.0))?;
        // SAFETY: no run is in progress on this thread (see `solve_from`).
        unsafe { sys::Highs_resetThreadScheduler(0) };
        // SAFETY: valid instance.
        let run_status = unsafe { sys::Highs_run(highs.ptr()) };
        self.session.state.finish();
        // SAFETY: valid instance.
        let model_status = unsafe { sys::Highs_getModelStatus(highs.ptr()) };
        if run_status == sys::kHighsStatusError {
            return Err(SolveError::Failed {
                what: format!(
                    "Highs_run returned an error with model status '{}'",
                    model_status_name(model_status)
                ),
                messages: self.session.state.messages(),
            });
        }
        if model_status != sys::kHighsModelStatusOptimal {
            return Ok(None);
        }
        let mut out = LpSolution {
            objective: highs
                .double_info(c"objective_function_value")
                .unwrap_or(f64::NAN),
            col_value: vec![0.0; self.cols],
            row_value: vec![0.0; self.rows],
            row_dual: vec![0.0; self.rows],
        };
        // SAFETY: the instance has `self.cols` columns and `self.rows` rows, the lengths of
        // the arrays HiGHS writes; a null pointer skips the column duals.
        highs.check("Highs_getSolution", unsafe {
            sys::Highs_getSolution(
                highs.ptr(),
                out.col_value.as_mut_ptr(),
                std::ptr::null_mut(),
                out.row_value.as_mut_ptr(),
                out.row_dual.as_mut_ptr(),
            )
        })?;
        Ok(Some(out))
    }
}

/// Why [`translate_model`] failed: the step (`"create an instance to read"`, `"read back"`
/// or `"write"`), whether it concerns the output file (else the input), and HiGHS's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TranslateError {
    pub step: &'static str,
    pub output_file: bool,
    pub status: i32,
}

/// Reads the model file `input` and writes it to `output` in the format its extension
/// names: HiGHS's own translation, quiet (stdout may carry the result).
pub fn translate_model(input: &CStr, output: &CStr) -> Result<(), TranslateError> {
    let created = TranslateError {
        step: "create an instance to read",
        output_file: false,
        status: sys::kHighsStatusError,
    };
    let highs = Highs::new().map_err(|_| created)?;
    highs
        .set_bool(c"output_flag", "output_flag", false)
        .map_err(|_| created)?;
    // SAFETY: valid instance, NUL-terminated paths that outlive the calls.
    let read = unsafe { sys::Highs_readModel(highs.ptr(), input.as_ptr()) };
    if read == sys::kHighsStatusError {
        return Err(TranslateError {
            step: "read back",
            output_file: false,
            status: read,
        });
    }
    // SAFETY: as above.
    let write = unsafe { sys::Highs_writeModel(highs.ptr(), output.as_ptr()) };
    if write == sys::kHighsStatusError {
        return Err(TranslateError {
            step: "write",
            output_file: true,
            status: write,
        });
    }
    Ok(())
}

/// An owned `Highs` instance.
struct Highs(NonNull<c_void>);

impl Drop for Highs {
    fn drop(&mut self) {
        // SAFETY: created by Highs_create, destroyed once.
        unsafe { sys::Highs_destroy(self.0.as_ptr()) }
    }
}

impl Highs {
    fn new() -> Result<Self, SolveError> {
        // SAFETY: no preconditions.
        NonNull::new(unsafe { sys::Highs_create() })
            .map(Highs)
            .ok_or_else(|| SolveError::Failed {
                what: "Highs_create returned null".into(),
                messages: vec![],
            })
    }

    fn ptr(&self) -> *mut c_void {
        self.0.as_ptr()
    }

    fn check(&self, call: &str, status: c_int) -> Result<(), SolveError> {
        if status == sys::kHighsStatusError {
            Err(SolveError::Failed {
                what: format!("{call} returned an error"),
                messages: vec![],
            })
        } else {
            Ok(())
        }
    }

    fn option_error(name: &'static str, value: String, status: c_int) -> Result<(), SolveError> {
        if status == sys::kHighsStatusError {
            Err(SolveError::Option {
                name,
                value,
                messages: vec![],
            })
        } else {
            Ok(())
        }
    }

    fn set_bool(&self, key: &CStr, name: &'static str, value: bool) -> Result<(), SolveError> {
        // SAFETY: valid instance, NUL-terminated option name.
        let status =
            unsafe { sys::Highs_setBoolOptionValue(self.ptr(), key.as_ptr(), value.into()) };
        Self::option_error(name, value.to_string(), status)
    }

    fn set_string(&self, key: &CStr, name: &'static str, value: &CStr) -> Result<(), SolveError> {
        // SAFETY: as above; both strings NUL-terminated.
        let status =
            unsafe { sys::Highs_setStringOptionValue(self.ptr(), key.as_ptr(), value.as_ptr()) };
        Self::option_error(name, value.to_string_lossy().into_owned(), status)
    }

    fn set_int(&self, key: &CStr, name: &'static str, value: i32) -> Result<(), SolveError> {
        // SAFETY: as above.
        let status = unsafe { sys::Highs_setIntOptionValue(self.ptr(), key.as_ptr(), value) };
        Self::option_error(name, value.to_string(), status)
    }

    fn set_double(&self, key: &CStr, name: &'static str, value: f64) -> Result<(), SolveError> {
        // SAFETY: as above.
        let status = unsafe { sys::Highs_setDoubleOptionValue(self.ptr(), key.as_ptr(), value) };
        Self::option_error(name, value.to_string(), status)
    }

    fn int_info(&self, key: &CStr) -> Option<i32> {
        let mut value = 0;
        // SAFETY: valid instance, NUL-terminated name, valid out pointer.
        let status = unsafe { sys::Highs_getIntInfoValue(self.ptr(), key.as_ptr(), &mut value) };
        (status != sys::kHighsStatusError).then_some(value)
    }

    fn double_info(&self, key: &CStr) -> Option<f64> {
        let mut value = 0.0;
        // SAFETY: as above.
        let status = unsafe { sys::Highs_getDoubleInfoValue(self.ptr(), key.as_ptr(), &mut value) };
        (status != sys::kHighsStatusError).then_some(value)
    }

    fn col_values(&self, expected: usize) -> Result<Vec<f64>, SolveError> {
        // SAFETY: valid instance.
        let n = unsafe { sys::Highs_getNumCol(self.ptr()) };
        if usize::try_from(n).ok() != Some(expected) {
            return Err(SolveError::Failed {
                what: format!("HiGHS holds {n} columns, the model has {expected}"),
                messages: vec![],
            });
        }
        let mut values = vec![0.0; expected];
        // SAFETY: `values` has room for the n column values HiGHS writes; null pointers
        // skip the duals and row values.
        let status = unsafe {
            sys::Highs_getSolution(
                self.ptr(),
                values.as_mut_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        self.check("Highs_getSolution", status)?;
        Ok(values)
    }
}

fn model_status_name(status: c_int) -> String {
    let name = match status {
        sys::kHighsModelStatusNotset => "not set",
        sys::kHighsModelStatusLoadError => "load error",
        sys::kHighsModelStatusModelError => "model error",
        sys::kHighsModelStatusPresolveError => "presolve error",
        sys::kHighsModelStatusSolveError => "solve error",
        sys::kHighsModelStatusPostsolveError => "postsolve error",
        sys::kHighsModelStatusModelEmpty => "empty",
        sys::kHighsModelStatusOptimal => "optimal",
        sys::kHighsModelStatusInfeasible => "infeasible",
        sys::kHighsModelStatusUnboundedOrInfeasible => "unbounded or infeasible",
        sys::kHighsModelStatusUnbounded => "unbounded",
        sys::kHighsModelStatusObjectiveBound => "objective bound",
        sys::kHighsModelStatusObjectiveTarget => "objective target",
        sys::kHighsModelStatusTimeLimit => "time limit",
        sys::kHighsModelStatusIterationLimit => "iteration limit",
        sys::kHighsModelStatusUnknown => "unknown",
        sys::kHighsModelStatusSolutionLimit => "solution limit",
        sys::kHighsModelStatusInterrupt => "interrupt",
        sys::kHighsModelStatusMemoryLimit => "memory limit",
        sys::kHighsModelStatusHighsInterrupt => "HiGHS interrupt",
        other => return format!("unknown status {other}"),
    };
    name.to_string()
}

/// HiGHS's `HighsLogType`: kInfo = 1, kDetailed, kVerbose, kWarning, kError.
const LOG_WARNING: c_int = 4;
const LOG_ERROR: c_int = 5;
/// Warning and error lines kept for an error message.
const MAX_MESSAGES: usize = 20;
/// The progress line changes at most this often (an improving solution shows at once).
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Whether a progress report is due: forced (an improving solution), or [`PROGRESS_EVERY`]
/// after the last one, which `last` records.
fn due(last: &Mutex<Option<Instant>>, force: bool) -> bool {
    let now = Instant::now();
    let Ok(mut last) = last.lock() else {
        return false;
    };
    if !force && last.is_some_and(|t| now.duration_since(t) < PROGRESS_EVERY) {
        return false;
    }
    *last = Some(now);
    true
}

/// What the callback reaches through its `user_data` pointer. Shared with HiGHS's threads,
/// hence the mutexes.
struct CallbackState {
    verbose: bool,
    progress: Option<Progress>,
    watch: Option<Watcher>,
    /// The MIP decides every order: its bound is one for the scenario, which the watcher
    /// may be told.
    bound_holds: bool,
    messages: Mutex<Vec<String>>,
    /// The start of a log line whose end HiGHS has not sent yet.
    pending: Mutex<String>,
    /// Set if the callback ever panicked; it then does nothing more.
    panicked: AtomicBool,
}

impl Drop for CallbackState {
    /// Also on the error paths, which leave before `solve` calls `finish`.
    fn drop(&mut self) {
        self.finish();
    }
}

struct Progress {
    bar: ProgressBar,
    last: Mutex<Option<Instant>>,
}

impl CallbackState {
    fn new(opts: &SolveOptions) -> Self {
        let progress = opts.progress.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(5));
            if let Ok(style) = ProgressStyle::with_template("{spinner} HiGHS {elapsed:>4} {msg}") {
                bar.set_style(style);
            }
            Progress {
                bar,
                last: Mutex::new(None),
            }
        });
        Self {
            verbose: opts.verbose,
            progress,
            watch: opts.watch.clone(),
            bound_holds: !opts.holds_orders,
            messages: Mutex::new(Vec::new()),
            pending: Mutex::new(String::new()),
            panicked: AtomicBool::new(false),
        }
    }

    /// Clears the progress line and writes whatever is left of the last log line.
    fn finish(&self) {
        if let Some(progress) = &self.progress {
            progress.bar.finish_and_clear();
        }
        if let Ok(mut pending) = self.pending.lock() {
            let rest = std::mem::take(&mut *pending);
            self.to_stderr(&rest);
        }
    }

    fn to_stderr(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        // Not eprint!: a closed stderr must not panic inside the solver.
        let write = || {
            let _ = std::io::stderr().write_all(text.as_bytes());
        };
        match &self.progress {
            Some(p) => p.bar.suspend(write),
            None => write(),
        }
    }

    fn messages(&self) -> Vec<String> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn on_log(&self, log_type: c_int, text: &str) {
        if self.verbose {
            // HiGHS logs a line in pieces; the progress line is redrawn between writes, so
            // only whole lines go out.
            let lines = match self.pending.lock() {
                Ok(mut pending) => {
                    pending.push_str(text);
                    match pending.rfind('\n') {
                        Some(end) => pending.drain(..=end).collect(),
                        None => String::new(),
                    }
                }
                Err(_) => text.to_string(),
            };
            self.to_stderr(&lines);
        }
        if log_type == LOG_WARNING || log_type == LOG_ERROR {
            // "ERROR:   Col             0  has ..." -> "Col 0 has ...".
            let text = text.trim_start();
            let text = text
                .strip_prefix("ERROR:")
                .or_else(|| text.strip_prefix("WARNING:"))
                .unwrap_or(text);
            let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !line.is_empty() {
                if let Ok(mut messages) = self.messages.lock() {
                    if messages.len() < MAX_MESSAGES {
                        messages.push(line);
                    }
                }
            }
        }
    }
}

impl Progress {
    fn start(&self) {
        self.bar.set_message("solving");
        self.bar.enable_steady_tick(PROGRESS_EVERY);
    }

    fn update(&self, out: &sys::HighsCallbackDataOut, force: bool) {
        if !due(&self.last, force) {
            return;
        }
        let show = |v: f64| {
            if v.is_finite() {
                // At most 4 decimals, no trailing zeros: -7137, 12.5, 0.0001.
                let s = format!("{v:.4}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                "-".into()
            }
        };
        let gap = if out.mip_gap.is_finite() && out.mip_gap >= 0.0 {
            format!("{:.2}%", 100.0 * out.mip_gap)
        } else {
            "-".into()
        };
        self.bar.set_message(format!(
            "incumbent {}  bound {}  gap {gap}  nodes {}",
            show(out.mip_primal_bound),
            show(out.mip_dual_bound),
            out.mip_node_count
        ));
    }
}

/// The one function HiGHS calls back. It must not unwind into C, so everything runs inside
/// `catch_unwind`; after a panic it does nothing more (the solve goes on unobserved).
unsafe extern "C" fn on_highs_callback(
    kind: c_int,
    message: *const c_char,
    out: *const sys::HighsCallbackDataOut,
    data_in: *mut sys::HighsCallbackDataIn,
    user_data: *mut c_void,
) {
    if user_data.is_null() {
        return;
    }
    // SAFETY: `user_data` is the `CallbackState` that `Session` keeps alive for as long as
    // the HiGHS instance exists.
    let state = unsafe { &*(user_data as *const CallbackState) };
    if state.panicked.load(Ordering::Relaxed) {
        return;
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: HiGHS passes a valid data_out for every callback kind, and a NUL-terminated
        // message (or null).
        let out = unsafe { out.as_ref() };
        match kind {
            sys::kHighsCallbackLogging => {
                if message.is_null() {
                    return;
                }
                // SAFETY: see above.
                let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
                state.on_log(out.map_or(0, |o| o.log_type), &text);
            }
            sys::kHighsCallbackMipInterrupt | sys::kHighsCallbackMipImprovingSolution => {
                let improving = kind == sys::kHighsCallbackMipImprovingSolution;
                if let (Some(progress), Some(out)) = (&state.progress, out) {
                    progress.update(out, improving);
                }
                if let Some(watch) = &state.watch {
                    if let Some(out) = out {
                        watch.heard(out, improving, state.bound_holds);
                    }
                    if kind == sys::kHighsCallbackMipInterrupt && watch.stopped() {
                        // SAFETY: HiGHS passes a valid data_in to the interrupt callback.
                        if let Some(data_in) = unsafe { data_in.as_mut() } {
                            data_in.user_interrupt = 1;
                        }
                    }
                }
            }
            sys::kHighsCallbackSimplexInterrupt | sys::kHighsCallbackIpmInterrupt
                if state.watch.as_ref().is_some_and(|w| w.stopped()) =>
            {
                // SAFETY: HiGHS passes a valid data_in to the interrupt callbacks.
                if let Some(data_in) = unsafe { data_in.as_mut() } {
                    data_in.user_interrupt = 1;
                }
            }
            _ => {}
        }
    }));
    if result.is_err() {
        state.panicked.store(true, Ordering::Relaxed);
    }
}
