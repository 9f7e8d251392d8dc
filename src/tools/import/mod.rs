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

/// A warning when `text` ends inside a number. Neither format has an end marker, so a file
/// cut inside its last number still parses, with that number shortened; the published
/// files end with a newline (MCND) or a space (SSFCTP), so a last byte that is part of a
/// number is the one trace such a cut leaves.
fn cut_inside_a_number(text: &str, file: &str) -> Option<String> {
    let last = *text.as_bytes().last()?;
    (last.is_ascii_digit() || last == b'.').then(|| {
        let number = text
            .rsplit(|c: char| c.is_ascii_whitespace())
            .next()
            .unwrap_or("");
        format!(
            "{file} ends inside a number ({number}), without the newline or space a published \
             instance ends with: if the file was cut there, its last number is wrong; compare \
             the file's size with the original's"
        )
    })
}

/// Imports `text`, read from `file` (named in errors); `id` becomes the scenario's id.
/// The scenario is validated before it is returned, so what an import writes is always
/// something `validate` accepts.
pub fn import(format: Format, text: &str, file: &str, id: &str) -> Result<Imported, ImportError> {
    let mut imported = match format {
        Format::Mcnd => mcnd::parse(text, file).map(|m| m.to_scenario(id)),
        Format::Ssfctp => ssfctp::parse(text, file).map(|p| p.to_scenario(id)),
    }?;
    imported.warnings.extend(cut_inside_a_number(text, file));
    match crate::scenario::validate::validate(&imported.doc) {
        Ok(_) => Ok(imported),
        Err(diags) => Err(ImportError::Unrepresentable {
            file: file.to_string(),
            diagnostics: diags.to_string(),
        }),
    }
}
