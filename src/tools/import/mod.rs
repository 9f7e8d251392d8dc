//! Importers: turn benchmark instances from the operations-research literature into
//! scenarios, so that published optima test the whole pipeline (validate, formulate, solve,
//! check) on problems someone else solved. One file per format; the mapping and why it
//! keeps the optimum are in `models/mcnd-import.md` and `models/ssfctp-import.md`.

mod imported;
pub mod mcnd;
mod numbers;
pub mod ssfctp;

pub use imported::{ImportError, Imported, AS_OF};

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
