//! What every stage shares and nothing in it depends on a stage: diagnostics, exit codes,
//! reading inputs, writing outputs, limits on values and the wording of counts.
//!
//! Imports nothing from the rest of the crate.

pub mod diagnostics;
pub mod exit;
pub mod input;
pub mod limits;
pub mod output;
pub mod text;
