//! The validator: where the diagnostics collect, with what every section's checks read
//! (the date and horizon once known, whether quantities are whole).

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Validator {
    pub(super) diags: Diagnostics,
    pub(super) as_of: Option<NaiveDate>,
    pub(super) horizon: Option<u32>,
    pub(super) integer: bool,
    /// The hint for an unknown reference, per (kind, number of declared ids, id): finding
    /// the closest declared id compares with every one, and a bad column repeats a few
    /// unknown ids in thousands of rows. The number of ids tells a grown map (a surge's
    /// orders) from the one the hint was found in.
    pub(super) near: HashMap<(&'static str, usize, String), String>,
    /// The pairs of characters compared so far in finding those closest ids, which
    /// `refs::NEAR_BUDGET` bounds.
    pub(super) compared: usize,
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
