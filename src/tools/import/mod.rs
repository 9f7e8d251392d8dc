//! Importers: turn benchmark instances from the operations-research literature into
//! scenarios, so that published optima test the whole pipeline (validate, formulate, solve,
//! check) on problems someone else solved. One file per format; the mapping and why it
//! keeps the optimum are in `models/mcnd-import.md` and `models/ssfctp-import.md`.

pub mod mcnd;
mod numbers;
pub mod ssfctp;

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

/// The formats `recourse import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Multicommodity capacitated fixed-charge network design, `.dow` files.
    Mcnd,
    /// Single-sink fixed-charge transportation (Legault, Côté and Gendron).
    Ssfctp,
}

/// Imports `text`, read from `file` (named in errors); `id` becomes the scenario's id.
/// The scenario is validated before it is returned, so what an import writes is always
/// something `validate` accepts.
pub fn import(format: Format, text: &str, file: &str, id: &str) -> Result<Imported, ImportError> {
    let imported = match format {
        Format::Mcnd => mcnd::parse(text, file).map(|m| m.to_scenario(id)),
        Format::Ssfctp => ssfctp::parse(text, file).map(|p| p.to_scenario(id)),
    }?;
    match crate::scenario::validate::validate(&imported.doc) {
        Ok(_) => Ok(imported),
        Err(diags) => Err(ImportError::Unrepresentable {
            file: file.to_string(),
            diagnostics: diags.to_string(),
        }),
    }
}

/// The policy of an imported instance: continuous quantities, one priority whose only
/// penalty is `short`, and a gap tight enough to compare with published optima.
fn import_policy(short: f64) -> PolicyDoc {
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
