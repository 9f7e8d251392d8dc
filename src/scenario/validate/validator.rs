//! The validator: where the diagnostics collect, with what every section's checks read
//! (the date and horizon once known, whether quantities are whole).

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use chrono::NaiveDate;

#[derive(Default)]
pub(super) struct Validator {
    pub(super) diags: Diagnostics,
    pub(super) as_of: Option<NaiveDate>,
    pub(super) horizon: Option<u32>,
    pub(super) integer: bool,
}

impl Validator {
    pub(super) fn err(
        &mut self,
        code: &str,
        path: impl Into<String>,
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::error(code, path, msg).hint(hint));
    }

    pub(super) fn warn(&mut self, code: &str, path: impl Into<String>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::warning(code, path, msg));
    }
}
