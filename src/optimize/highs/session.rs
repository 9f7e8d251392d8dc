//! A HiGHS instance holding a checked model, with the callback state it points to.

use super::callback::{on_highs_callback, CallbackState};
use super::handle::Highs;
use super::options::SolveOptions;
use super::result::SolveError;
use crate::optimize::mip::Mip;
use highs_sys as sys;
use std::ffi::c_void;
use std::time::Instant;

/// `column 3 ("ship[PAR,LYO,2]")`, or `column 3` when the model has no names.
fn name_of(names: &[String], what: &str, i: usize) -> String {
    match names.get(i) {
        Some(name) => format!("{what} {i} ({name:?})"),
        None => format!("{what} {i}"),
    }
}

/// What HiGHS does not check for us. The array lengths and indices come first: HiGHS trusts
/// them blindly, and reading past an array would be undefined behaviour.
pub(super) fn check_model(mip: &Mip) -> Result<(), SolveError> {
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
pub(super) struct Session {
    pub(super) highs: Highs,
    pub(super) state: Box<CallbackState>,
}

impl Session {
    /// A session holding `mip` (checked by the caller, `check_model`), and the seconds the
    /// hand-off took.
    pub(super) fn holding(mip: &Mip, opts: &SolveOptions) -> Result<(Session, f64), SolveError> {
        let session = Session::open(opts)?;
        let handoff = Instant::now();
        pass_model(&session.highs, mip, &session.state)?;
        Ok((session, handoff.elapsed().as_secs_f64()))
    }

    /// A HiGHS instance with its logging callback in place and `opts` applied.
    pub(super) fn open(opts: &SolveOptions) -> Result<Session, SolveError> {
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
        if session.state.watch.is_some() {
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
