//! What a solve reports: why it stopped ([`Status`], [`Limit`]), its values, and the errors
//! a caller can only report.

use std::fmt;

/// `(objective - bound) / |objective|`, at least 0: how far a plan may be from optimal (as
/// HiGHS's `mip_gap`).
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    ((objective - bound) / objective.abs().max(1e-9)).max(0.0)
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
