//! One MIP given to HiGHS: [`solve`], from a start ([`solve_from`]) or with columns fixed
//! ([`solve_fixing`]), and what HiGHS left read back.

use super::handle::{highs_version, model_status_name};
use super::options::SolveOptions;
use super::result::{Limit, SolveError, SolveResult, Status};
use super::session::{check_model, Session};
use crate::optimize::mip::Mip;
use highs_sys as sys;
use std::time::Instant;

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
pub(super) fn run(
    session: &Session,
    mip: &Mip,
    handoff_seconds: f64,
) -> Result<SolveResult, SolveError> {
    let is_mip = mip.integer.iter().any(|&i| i);
    let (run_status, seconds) = run_highs(session);

    // SAFETY: valid instance.
    let model_status = unsafe { sys::Highs_getModelStatus(session.highs.ptr()) };
    let outcome = stop_of(session, model_status)?;

    // An error return with any other status (HiGHS says: "the solve failed") is not to be
    // trusted, whatever the status claims.
    if run_status == sys::kHighsStatusError {
        return Err(failed(
            session,
            format!(
                "Highs_run returned an error with model status '{}'",
                model_status_name(model_status)
            ),
        ));
    }

    let (status, values, objective) = read_back(session, mip, outcome)?;
    let (bound, gap) = bound_and_gap(session, is_mip, status, objective);

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

/// Runs HiGHS on `session`'s model with a fresh thread scheduler: `Highs_run`'s status and
/// the seconds it took.
fn run_highs(session: &Session) -> (i32, f64) {
    let highs = &session.highs;
    // HiGHS keeps one task scheduler per calling thread, sized by the first run on it, and
    // refuses to run when a later run asks for another explicit thread count. Resetting it
    // here makes `threads` mean the same thing on every call. (No run is in progress on this
    // thread, which is what HiGHS requires.)
    // SAFETY: see above.
    unsafe { sys::Highs_resetThreadScheduler(0) };

    let run = Instant::now();
    // SAFETY: valid instance holding a model.
    let run_status = unsafe { sys::Highs_run(highs.ptr()) };
    let seconds = run.elapsed().as_secs_f64();
    session.state.finish();
    (run_status, seconds)
}

/// A failure of `session`'s run described by `what`, with the messages HiGHS logged.
fn failed(session: &Session, what: String) -> SolveError {
    SolveError::Failed {
        what,
        messages: session.state.messages(),
    }
}

/// How HiGHS stopped, from its model status; the statuses that leave nothing to read back
/// are errors.
fn stop_of(session: &Session, model_status: i32) -> Result<Stop, SolveError> {
    Ok(match model_status {
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
            return Err(failed(
                session,
                format!("model status '{}'", model_status_name(status)),
            ))
        }
    })
}

/// What a run left: its status, values and objective.
type Left = (Status, Option<Vec<f64>>, Option<f64>);

/// The status, values and objective a run that stopped as `outcome` left.
fn read_back(session: &Session, mip: &Mip, outcome: Stop) -> Result<Left, SolveError> {
    let highs = &session.highs;
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
    Ok(match outcome {
        Optimal if has_solution() => with_solution(Status::Optimal)?,
        Optimal => {
            return Err(failed(
                session,
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
    })
}

/// The bound and gap a run with `status` and `objective` proves: HiGHS's dual bound for a
/// MIP, the objective itself for an LP solved to optimality.
fn bound_and_gap(
    session: &Session,
    is_mip: bool,
    status: Status,
    objective: Option<f64>,
) -> (Option<f64>, Option<f64>) {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    if status == Status::Infeasible {
        (None, None)
    } else if is_mip {
        let bound = finite(session.highs.double_info(c"mip_dual_bound"));
        let gap = objective.zip(bound).and_then(|(o, b)| mip_gap(o, b));
        (bound, gap)
    } else if status == Status::Optimal {
        (objective, Some(0.0))
    } else {
        (None, None)
    }
}

/// HiGHS's relative gap of `objective` to `bound` (`HighsMipSolver::gap_`): `None` where it
/// is infinite (objective 0, bound not 0). 0 where the two meet within rounding: the
/// objective is summed from the values returned, and a plan that costs nothing can sum to
/// 1e-15, which the formula would call a gap of 1 to a bound of 0 (a random scenario of
/// `tests/suite/solve_props.rs` did; `Outcome::validate` then stopped the solve as
/// inconsistent).
pub(super) fn mip_gap(objective: f64, bound: f64) -> Option<f64> {
    if (objective - bound).abs() <= 1e-9 * objective.abs().max(1.0) {
        Some(0.0)
    } else if objective == 0.0 {
        None
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

#[cfg(test)]
mod tests {
    use super::mip_gap;

    #[test]
    fn a_gap_is_highs_formula_and_0_where_objective_and_bound_meet() {
        assert_eq!(mip_gap(200.0, 150.0), Some(0.25));
        assert_eq!(mip_gap(-200.0, -250.0), Some(0.25));
        assert_eq!(mip_gap(0.0, -3.0), None);
        assert_eq!(mip_gap(0.0, 0.0), Some(0.0));
        assert_eq!(mip_gap(1e-15, 0.0), Some(0.0));
        assert_eq!(mip_gap(1e6, 1e6 - 1e-4), Some(0.0));
    }
}
