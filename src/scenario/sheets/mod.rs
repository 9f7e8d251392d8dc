//! A scenario as a directory of CSV files, one per table of SCENARIO.md section 2: what
//! planners get from an ERP or a warehouse system. [`write`](mod@write) turns a scenario document into
//! the files, [`read`] turns the files back into a document, naming the file, line and
//! column of every problem, and [`read::Origins`] points validation's JSON paths back at the CSV
//! rows they came from. The columns, file by file, are in the README ("Spreadsheets").

pub mod read;
pub mod tables;
pub mod write;

pub use read::{import_dir, import_files, read_dir, read_files, Sheets};
pub use tables::*;
pub use write::write_files;
