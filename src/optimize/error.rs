//! What stops `optimize` other than the solver's own outcomes: bad input and broken
//! invariants.

use crate::check::Violation;
use crate::optimize::highs::SolveError;

#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    #[error("{0}")]
    Solver(#[from] SolveError),
    #[error("internal error: the {formulation} plan breaks {} rule(s) of SCENARIO.md section 3, first: rule {}: {}", .violations.len(), .violations[0].rule, .violations[0].message)]
    PlanRejected {
        formulation: &'static str,
        violations: Vec<Violation>,
    },
    #[error("internal error: the {formulation} model says the plan costs {model}, the checker says {checked}")]
    CostMismatch {
        formulation: &'static str,
        model: f64,
        checked: f64,
    },
    #[error("internal error: the {formulation} outcome is inconsistent: {why}")]
    Inconsistent {
        formulation: &'static str,
        why: String,
    },
}
