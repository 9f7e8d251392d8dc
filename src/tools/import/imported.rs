//! What every importer returns and shares: the scenario with its summary and warnings, the
//! error naming file and line, the start day and the policy of an imported instance.

use crate::scenario::wire::{PolicyDoc, PriorityPenaltyDoc, ScenarioDoc};

/// The day every imported scenario starts on. Any date would do: the horizon is one day
/// and every lane departs every weekday.
pub const AS_OF: &str = "2026-01-05";

/// A scenario made from an instance, and what the importer could tell about it.
#[derive(Clone, Debug)]
pub struct Imported {
    pub doc: ScenarioDoc,
    /// One line for the user: the instance's size and the shortage penalty chosen.
    pub summary: String,
    /// Demand the importer can already see will be short, each naming the order.
    pub warnings: Vec<String>,
}

/// A file that is not a well-formed instance. Each names the file, the line (1-based) and
/// what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}:{line}: {message}; {hint}")]
    Format {
        file: String,
        line: usize,
        message: String,
        hint: String,
    },
    /// The instance parsed, but the scenario it maps to breaks the contract (a value above
    /// the 1e12 cap, an id too long): writing it would give a file `validate` refuses.
    #[error("{file}: the instance cannot be written as a valid scenario:\n{diagnostics}hint: scale the instance's numbers down (a common factor keeps the optimum's solutions) or rename the file to a shorter id")]
    Unrepresentable { file: String, diagnostics: String },
}

/// The policy of an imported instance: continuous quantities, one priority whose only
/// penalty is `short`, and a gap tight enough to compare with published optima.
pub(super) fn import_policy(short: f64) -> PolicyDoc {
    PolicyDoc {
        priority_penalties: Some(vec![PriorityPenaltyDoc {
            priority: 1,
            late_per_unit_day: 0.0,
            short_per_unit: short,
        }]),
        change_penalty_per_unit: Some(0.0),
        integer_quantities: Some(false),
        mip_gap: Some(1e-6),
        ..PolicyDoc::default()
    }
}
