//! `recourse import`: a benchmark instance from the literature, or a directory of CSV
//! files from a spreadsheet, as a scenario.

use super::io::{plural, write_scenario};
use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use std::path::{Path, PathBuf};

/// Turn CSV files from a spreadsheet, or a benchmark instance from the literature, into a
/// scenario.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse import csv extract/ -o scenario.json      # one CSV file per table (README: Spreadsheets)
  recourse import csv extract/ --delimiter ';' -o scenario.json   # or , or tab or |
  recourse import mcnd ../shared/data/mcnd/c33.dow -o c33.json
  recourse solve c33.json --time-limit 600 --threads 1
  recourse import ssfctp ../shared/data/ssfctp/g1_n500_0 | recourse solve -

csv: a directory with scenario.csv, skus.csv, nodes.csv and the other tables' files (the
columns are in the README, `recourse export csv` writes them); every problem is reported at
file:line:column, and then nothing is written.

mcnd: a multicommodity fixed-charge network design instance (.dow): each commodity becomes a
SKU stocked at its origin and one order in a customer zone behind its destination, each arc
a lane with lead time 0, horizon one day, continuous quantities. ssfctp: a single-sink
fixed-charge transportation instance. The scenario's optimum is the instance's whenever all
demand is met. A commodity the arcs cannot carry even on their own is named in a warning;
`solve` lists every order its plan leaves short under `unresolved`.")]
pub struct Args {
    /// What to read: csv (a directory of CSV files), mcnd or ssfctp (an instance file).
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// Instance file, or - for standard input; for csv, the directory of CSV files (never
    /// -: standard input is one file, not a directory).
    pub file: PathBuf,
    /// csv: the field separator, `,` `;` `tab` or `|` (nothing else); detected per file
    /// from its header when absent (`;` files may write decimal commas).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    Csv,
    Mcnd,
    Ssfctp,
}

pub fn run(args: Args) -> i32 {
    if args.delimiter.is_some() && !matches!(args.kind, ImportKind::Csv) {
        note!("error: --delimiter is for csv; instance files are whitespace-separated");
        return exit::BAD_INPUT;
    }
    match args.kind {
        ImportKind::Csv if recourse::base::output::is_stdout(&args.file) => {
            note!(
                "error: import csv reads a directory of CSV files, and - (standard input) \
                 cannot be one: name the directory that holds scenario.csv, skus.csv, \
                 nodes.csv, ... (a directory called -: ./-)"
            );
            exit::BAD_INPUT
        }
        ImportKind::Csv => {
            // The output must not replace one of the tables it is read from.
            let tables: Vec<std::path::PathBuf> = recourse::scenario::sheets::TABLES
                .iter()
                .map(|t| args.file.join(t.file))
                .filter(|p| p.exists())
                .collect();
            let inputs: Vec<&Path> = tables.iter().map(|p| p.as_path()).collect();
            match super::io::guard(args.output.as_deref(), &inputs) {
                Ok(output) => import_csv(&args.file, args.delimiter, output),
                Err(code) => code,
            }
        }
        ImportKind::Mcnd | ImportKind::Ssfctp => {
            use recourse::tools::import::Format;
            let format = match args.kind {
                ImportKind::Mcnd => Format::Mcnd,
                _ => Format::Ssfctp,
            };
            match super::io::guard(args.output.as_deref(), &[&args.file]) {
                Ok(output) => import(format, &args.file, output),
                Err(code) => code,
            }
        }
    }
}

/// The separators a CSV file may have: the three spreadsheets write, and `|`, which ERP
/// and warehouse extracts use. Any other character is refused here (a usage error, exit 2)
/// rather than read: `.` or a letter would split numbers and names into cells, and the
/// errors would be about every header instead of the option.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err(format!(
            "{s:?} is not a separator recourse reads: use , or ; or tab or |"
        )),
    }
}

/// The CSV directory as a validated scenario: problems are reported at their file, line
/// and column, and the scenario is written only when it validates.
fn import_csv(dir: &Path, delimiter: Option<u8>, output: Option<&Path>) -> i32 {
    match recourse::scenario::sheets::import_dir(dir, delimiter) {
        Ok((doc, warnings)) => {
            note_part!("{}", warnings.listing());
            let surge: usize = doc
                .disruptions
                .iter()
                .map(|d| match d {
                    recourse::scenario::wire::DisruptionDoc::DemandSurge { orders } => orders.len(),
                    _ => 0,
                })
                .sum();
            note!(
                "{}: {}, {}, {}, {}",
                dir.display(),
                plural(doc.orders.len() + surge, "order"),
                plural(doc.nodes.len(), "node"),
                plural(doc.lanes.len(), "lane"),
                plural(doc.disruptions.len(), "disruption")
            );
            write_scenario(&doc, output)
        }
        Err(diags) => {
            note_part!("{}", diags.listing());
            note!(
                "{}: {}: nothing written",
                dir.display(),
                super::io::tally(&diags)
            );
            exit::BAD_INPUT
        }
    }
}

fn import(format: recourse::tools::import::Format, file: &Path, output: Option<&Path>) -> i32 {
    let name = display_name(file);
    let bytes = match read_input(file) {
        Ok(b) => b,
        Err(d) => {
            note!("{d}");
            return exit::BAD_INPUT;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        note!("error: {name} is not UTF-8 text; instance files are plain numbers");
        return exit::BAD_INPUT;
    };
    let id = match file.file_stem() {
        Some(stem) if file != Path::new("-") => stem.to_string_lossy(),
        _ => "stdin".into(),
    };
    match recourse::tools::import::import(format, &text, &name, &id) {
        Ok(imported) => {
            // What was imported is said once it is written: a failed write imported nothing.
            let code = write_scenario(&imported.doc, output);
            if code == exit::SUCCESS {
                note!("{name}: {}", imported.summary);
                for w in &imported.warnings {
                    note!("warning: {w}");
                }
            }
            code
        }
        Err(e) => {
            note!("error: {e}");
            exit::BAD_INPUT
        }
    }
}
