//! An owned HiGHS instance and the C calls made on it.

use super::result::SolveError;
use highs_sys as sys;
use std::ffi::{c_int, c_void, CStr};
use std::ptr::NonNull;

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

/// An owned `Highs` instance.
pub(super) struct Highs(NonNull<c_void>);

impl Drop for Highs {
    fn drop(&mut self) {
        // SAFETY: created by Highs_create, destroyed once.
        unsafe { sys::Highs_destroy(self.0.as_ptr()) }
    }
}

impl Highs {
    pub(super) fn new() -> Result<Self, SolveError> {
        // SAFETY: no preconditions.
        NonNull::new(unsafe { sys::Highs_create() })
            .map(Highs)
            .ok_or_else(|| SolveError::Failed {
                what: "Highs_create returned null".into(),
                messages: vec![],
            })
    }

    pub(super) fn ptr(&self) -> *mut c_void {
        self.0.as_ptr()
    }

    pub(super) fn check(&self, call: &str, status: c_int) -> Result<(), SolveError> {
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

    pub(super) fn set_bool(
        &self,
        key: &CStr,
        name: &'static str,
        value: bool,
    ) -> Result<(), SolveError> {
        // SAFETY: valid instance, NUL-terminated option name.
        let status =
            unsafe { sys::Highs_setBoolOptionValue(self.ptr(), key.as_ptr(), value.into()) };
        Self::option_error(name, value.to_string(), status)
    }

    pub(super) fn set_string(
        &self,
        key: &CStr,
        name: &'static str,
        value: &CStr,
    ) -> Result<(), SolveError> {
        // SAFETY: as above; both strings NUL-terminated.
        let status =
            unsafe { sys::Highs_setStringOptionValue(self.ptr(), key.as_ptr(), value.as_ptr()) };
        Self::option_error(name, value.to_string_lossy().into_owned(), status)
    }

    pub(super) fn set_int(
        &self,
        key: &CStr,
        name: &'static str,
        value: i32,
    ) -> Result<(), SolveError> {
        // SAFETY: as above.
        let status = unsafe { sys::Highs_setIntOptionValue(self.ptr(), key.as_ptr(), value) };
        Self::option_error(name, value.to_string(), status)
    }

    pub(super) fn set_double(
        &self,
        key: &CStr,
        name: &'static str,
        value: f64,
    ) -> Result<(), SolveError> {
        // SAFETY: as above.
        let status = unsafe { sys::Highs_setDoubleOptionValue(self.ptr(), key.as_ptr(), value) };
        Self::option_error(name, value.to_string(), status)
    }

    pub(super) fn int_info(&self, key: &CStr) -> Option<i32> {
        let mut value = 0;
        // SAFETY: valid instance, NUL-terminated name, valid out pointer.
        let status = unsafe { sys::Highs_getIntInfoValue(self.ptr(), key.as_ptr(), &mut value) };
        (status != sys::kHighsStatusError).then_some(value)
    }

    pub(super) fn double_info(&self, key: &CStr) -> Option<f64> {
        let mut value = 0.0;
        // SAFETY: as above.
        let status = unsafe { sys::Highs_getDoubleInfoValue(self.ptr(), key.as_ptr(), &mut value) };
        (status != sys::kHighsStatusError).then_some(value)
    }

    pub(super) fn col_values(&self, expected: usize) -> Result<Vec<f64>, SolveError> {
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

pub(super) fn model_status_name(status: c_int) -> String {
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
