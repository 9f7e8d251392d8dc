//! Reading a model file and writing it in another format, by HiGHS ([`translate_model`]).

use super::handle::Highs;
use highs_sys as sys;
use std::ffi::CStr;

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
