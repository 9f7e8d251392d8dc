//! What every stage shares and nothing in it depends on a stage: diagnostics, exit codes,
//! dates, reading inputs, writing outputs, the layout of JSON documents, scenario JSON with whole numbers as people write them,
//! limits on values, the wording of counts and a totally ordered `f64`.
//!
//! Imports nothing from the rest of the crate.

pub mod by_name;
pub mod dates;
pub mod diagnostics;
pub mod exit;
pub mod input;
pub mod json;
pub mod layout;
pub mod limits;
pub mod output;
pub mod text;
pub mod total_f64;
