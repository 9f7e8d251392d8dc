//! A linear program kept in one HiGHS instance across solves ([`LpSession`]).

use super::handle::model_status_name;
use super::options::SolveOptions;
use super::result::SolveError;
use super::session::{check_model, Session};
use crate::optimize::mip::{Columns, Mip};
use highs_sys as sys;

/// A linear program kept in one HiGHS instance across solves, for methods that solve a
/// sequence of related LPs (`crate::optimize::guided`): columns are added and coefficients
/// and bounds changed between runs, and each run starts from the previous basis. Every row
/// of `mip` is there from the start; columns come in through [`LpSession::add_columns`],
/// always continuous.
pub struct LpSession {
    pub(super) session: Session,
    pub(super) rows: usize,
    pub(super) cols: usize,
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
        let session = Session::open(opts)?;
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
