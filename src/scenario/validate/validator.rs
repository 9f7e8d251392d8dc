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
    /// Whether an error was found before the diagnostics in `diags`: set for a chunk of
    /// orders validated apart from what precedes it (`chunks.rs`), read by
    /// [`Validator::has_errors`].
    pub(super) errors_before: bool,
    /// While set, unknown references get no hint yet but are noted here, for
    /// [`Validator::deferred_hint`] to find in document order: which references get the
    /// closest id as a hint depends on the comparisons made for the ones before them.
    pub(super) deferred: Option<Vec<Deferred>>,
}

/// The kinds of ids a reference names.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Sku,
    Node,
    Lane,
    Inbound,
    Order,
}

impl Kind {
    /// The word for it in messages.
    pub(super) fn word(self) -> &'static str {
        match self {
            Kind::Sku => "sku",
            Kind::Node => "node",
            Kind::Lane => "lane",
            Kind::Inbound => "inbound",
            Kind::Order => "order",
        }
    }
}

/// An unknown reference whose diagnostic, `diags.items[item]`, waits for its hint.
pub(super) struct Deferred {
    pub(super) item: usize,
    pub(super) kind: Kind,
    pub(super) id: String,
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

    /// Whether an error was found so far, in `diags` or before them.
    pub(super) fn has_errors(&self) -> bool {
        self.errors_before || self.diags.has_errors()
    }

    pub(super) fn warn(&mut self, code: &str, path: impl Into<String>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::warning(code, path, msg));
    }
}
