//! CSV files to a scenario document (`recourse import csv`), as a spreadsheet user writes
//! them: a byte-order mark, CRLF or CR line ends, quoted cells, blank lines, cells padded with
//! spaces, `;` separators with decimal commas (detected per file, or given). Every problem
//! is reported at once, each at `file:line:column`; nothing is read past the input limit.
//!
//! `parse.rs` reads one file into rows of cells, `absent.rs` says what an optional file's
//! absence means when other files rely on it, `cells.rs` reads a cell as text, a number or
//! yes/no, `document.rs` and `orders.rs` build the document's parts from the rows, and
//! `origins.rs` remembers the row each part came from.

mod absent;
mod cells;
mod document;
mod orders;
mod origins;
mod parse;

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::base::input::{max_input_bytes, read_input};
use crate::scenario::sheets::tables::*;
use crate::scenario::wire::*;
use cells::Builder;
pub use origins::Origins;
use parse::{parse_table, suggest, Row};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A document read from CSV files, where each of its parts came from, and the cells that
/// could not be read (each read as empty or 0 in `doc`).
#[derive(Debug)]
pub struct Sheets {
    pub doc: ScenarioDoc,
    pub origins: Origins,
    pub problems: Diagnostics,
}

/// Reads the scenario in `dir` (one CSV file per table of [`TABLES`]). `delimiter`: the
/// field separator, or `None` to detect it per file from its header (`,`, `;`, tab or `|`).
/// `Err` when a file or a header is unusable; cells that cannot be read are in
/// [`Sheets::problems`].
pub fn read_dir(dir: &Path, delimiter: Option<u8>) -> Result<Sheets, Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(present) = list_tables(dir, &mut diags) else {
        return Err(diags);
    };
    let mut files = Vec::new();
    for t in TABLES.iter().filter(|t| present.contains_key(t.file)) {
        match read_input(&dir.join(t.file)) {
            Ok(bytes) => files.push((t.file, bytes)),
            Err(d) => diags.push(Diagnostic {
                path: t.file.to_owned(),
                ..d
            }),
        }
    }
    read_files(&files, delimiter, diags)
}

/// [`read_dir`] from the files' contents, `(file name, bytes)`: names that are not
/// tables are skipped, a required table missing from `files` is an error. `diags` holds
/// what reading the files found.
pub fn read_files(
    files: &[(&str, Vec<u8>)],
    delimiter: Option<u8>,
    mut diags: Diagnostics,
) -> Result<Sheets, Diagnostics> {
    let said = said_tables(&diags);
    let mut tables: HashMap<&'static str, Vec<Row>> = HashMap::new();
    for t in TABLES {
        let Some((_, bytes)) = files.iter().find(|f| f.0 == t.file) else {
            if t.must_exist && !said.contains(t.file) {
                diags.push(
                    Diagnostic::error("missing_table", t.file, format!("{} is missing", t.file))
                        .hint(format!("write it with the columns {}", t.columns.join(","))),
                );
            }
            continue;
        };
        if let Some(rows) = parse_table(t, bytes, delimiter, &mut diags) {
            tables.insert(t.file, rows);
        }
    }
    // Absent: not among the files, and not a file whose absence is said already.
    let absent = |file: &str| !files.iter().any(|f| f.0 == file) && !said.contains(file);
    absent::absent_tables(&tables, absent, &mut diags);
    // Problems so far are with the files and their headers: rows read past them would
    // only add noise (every reference to a missing table's ids dangling).
    let whole = !diags.has_errors();
    let mut b = Builder {
        diags,
        origins: Origins::default(),
        unread: TABLES
            .iter()
            .map(|t| t.file)
            .filter(|f| !tables.contains_key(f))
            .collect(),
        tables,
        refused: HashMap::new(),
    };
    let doc = b.document();
    if !whole {
        return Err(b.diags);
    }
    Ok(Sheets {
        doc,
        origins: b.origins,
        problems: b.diags,
    })
}

/// The tables whose absence `diags` explains already: a file that could not be read (the
/// diagnostic is at its name), or one saved under another extension (`stock.txt` for
/// stock.csv), so that neither is also "missing".
fn said_tables(diags: &Diagnostics) -> HashSet<String> {
    diags
        .items
        .iter()
        .map(|d| match d.code.as_str() {
            NOT_CSV => format!("{}.csv", stem(&d.path)),
            _ => d.path.clone(),
        })
        .collect()
}

/// The code of a file named as a table but saved in another format (`stock.txt`).
const NOT_CSV: &str = "not_csv";

/// A file name up to its first `.`, in lower case: `Stock.txt` and `stock.csv.bak` are
/// named as the stock table.
fn stem(name: &str) -> String {
    name.split('.').next().unwrap_or(name).to_ascii_lowercase()
}

/// Reads the scenario in `dir` and validates it: the document and validation's warnings,
/// or every problem at once, cells that could not be read and validation's findings
/// together, each at its file, line and column. A finding at a cell (or on a row without
/// a column) that already has a reading error is left out, and so is one whose message
/// cites a row with a reading error (`the line (order_lines.csv:10) asks for 0`): each
/// would be about the placeholder read in the unreadable cell's place.
pub fn import_dir(
    dir: &Path,
    delimiter: Option<u8>,
) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    validated(read_dir(dir, delimiter)?)
}

/// [`import_dir`] from the files' contents (see [`read_files`]).
pub fn import_files(
    files: &[(&str, Vec<u8>)],
    delimiter: Option<u8>,
) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    validated(read_files(files, delimiter, Diagnostics::default())?)
}

/// Validation's findings joined to the reading problems of `sheets` (see [`import_dir`]).
fn validated(sheets: Sheets) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    let (validated, mut found) = match crate::scenario::validate::validate(&sheets.doc) {
        Ok((_, warnings)) => (true, warnings),
        Err(diags) => (false, diags),
    };
    let mut out = sheets.problems;
    let unreadable: HashSet<String> = out
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| origins::row_of(&d.path).to_owned())
        .collect();
    // The places said so far, in a set: a scan of `out` per finding took time in the
    // square of the findings (a bad column of the large preset: 100,000 of them).
    // Only errors: a cell read with a warning holds its value, which validation judges.
    let mut said: HashSet<String> = out
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.path.clone())
        .collect();
    // The rows that repeat an id. A repeated order's lines and planned shipments go to the
    // first row with its id, so the later row has none: its duplicate is what to mend, and
    // a `no_lines` there would only repeat it. (Validation says a duplicate first.)
    let mut repeats: HashSet<String> = HashSet::new();
    for d in std::mem::take(&mut found.items) {
        let d = sheets.origins.in_row_order(d);
        let cites_unreadable = sheets
            .origins
            .cited_rows(&d.message)
            .iter()
            .any(|row| unreadable.contains(row));
        let d = sheets.origins.relocate(d);
        let row = origins::row_of(&d.path);
        if d.code == "duplicate_id" {
            repeats.insert(row.to_owned());
        }
        let consequence = d.code == "no_lines" && repeats.contains(row);
        let same_row = d.path.matches(':').count() == 1 && unreadable.contains(&d.path);
        if !same_row && !cites_unreadable && !consequence && said.insert(d.path.clone()) {
            out.push(d);
        }
    }
    if validated && !out.has_errors() {
        Ok((sheets.doc, out))
    } else {
        Err(out)
    }
}

/// The CSV files in `dir` and their sizes; `None` (with the reason in `diags`) when the
/// directory cannot be read or holds more than the input limit. A `.csv` file that is not
/// a table of the format is an error, not ignored, and so is a table saved in another
/// format in its `.csv` file's place ([`saved_as_other`]).
fn list_tables(dir: &Path, diags: &mut Diagnostics) -> Option<HashMap<String, u64>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "io",
                    "",
                    format!("cannot read the directory {}: {e}", dir.display()),
                )
                .hint("pass the directory that holds scenario.csv, skus.csv, nodes.csv, ..."),
            );
            return None;
        }
    };
    let (mut present, mut others): (HashMap<String, u64>, Vec<String>) = Default::default();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if kept_by_other_programs(&name) {
            continue;
        }
        if name.to_ascii_lowercase().ends_with(".csv") {
            present.insert(name, e.metadata().map(|m| m.len()).unwrap_or(0));
        } else if !e.file_type().is_ok_and(|t| t.is_dir()) {
            others.push(name);
        }
    }
    saved_as_other(others, &present, diags);
    let known: Vec<&str> = TABLES.iter().map(|t| t.file).collect();
    let mut unknown: Vec<&String> = present
        .keys()
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    unknown.sort();
    for name in unknown {
        diags.push(
            Diagnostic::error(
                "unknown_table",
                name.as_str(),
                "not a table of the scenario format",
            )
            .hint(suggest(name, &known)),
        );
    }
    let total: u64 = present.values().sum();
    let cap = match max_input_bytes() {
        Ok(cap) => cap,
        Err(e) => {
            diags.push(e.diagnostic());
            return None;
        }
    };
    if total > cap {
        diags.push(
            Diagnostic::error(
                "input_too_large",
                "",
                format!(
                    "the CSV files in {} hold {total} bytes, more than the {cap} recourse reads",
                    dir.display(),
                ),
            )
            .hint(format!(
                "split the scenario, or raise the limit with {} (e.g. 2G) if this machine has \
                 the memory",
                crate::base::input::MAX_INPUT_ENV
            )),
        );
        return None;
    }
    Some(present)
}

/// Whether `name` is a file another program keeps beside a document, never a table: an
/// Office owner file while the document is open in Excel (`~$orders.csv`, hidden on
/// Windows) or macOS's resource fork on a volume without one (`._orders.csv`, beside every
/// file a Mac copies to a USB stick or a share). Taken for tables, they refused the import
/// over files the user never made, with a hint naming the table that is there.
fn kept_by_other_programs(name: &str) -> bool {
    name.starts_with("~$") || name.starts_with("._")
}

/// Reports each file of `others` (not `.csv`) named as a table whose `.csv` file is not in
/// `present` (`stock.txt`, `stock.tsv`, `orders.xlsx`): the import would go on without the
/// table, an optional one only with a warning that it is missing. Beside its table's
/// `.csv` file such a file is the workbook it was saved from, and is left alone.
fn saved_as_other(
    mut others: Vec<String>,
    present: &HashMap<String, u64>,
    diags: &mut Diagnostics,
) {
    others.sort();
    for name in others {
        let stem = stem(&name);
        let Some(t) = TABLES
            .iter()
            .find(|t| t.file.strip_suffix(".csv") == Some(stem.as_str()))
        else {
            continue;
        };
        if present.contains_key(t.file) {
            continue;
        }
        diags.push(
            Diagnostic::error(
                NOT_CSV,
                name.as_str(),
                format!("looks like the {stem} table, but only .csv files are read"),
            )
            .hint(format!("save it as {} (CSV UTF-8)", t.file)),
        );
    }
}
