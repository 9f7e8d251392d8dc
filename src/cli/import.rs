//! `recourse import`: a benchmark instance from the literature as a scenario.

use super::io::write_document;
use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use std::path::{Path, PathBuf};

/// Turn a benchmark instance from the literature into a scenario (models/*-import.md).
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse import mcnd ../shared/data/mcnd/c33.dow -o c33.json
  recourse solve c33.json --time-limit 600 --threads 1
  recourse import ssfctp ../shared/data/ssfctp/g1_n500_0 | recourse solve -

mcnd: a multicommodity fixed-charge network design instance (.dow): each commodity becomes a
SKU stocked at its origin and one order in a customer zone behind its destination, each arc
a lane with lead time 0, horizon one day, continuous quantities. ssfctp: a single-sink
fixed-charge transportation instance. The scenario's optimum is the instance's whenever all
demand is met. A commodity the arcs cannot carry even on their own is named in a warning;
`solve` lists every order its plan leaves short under `unresolved`.")]
pub struct Args {
    /// Instance format.
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// Instance file, or - for standard input.
    pub file: PathBuf,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    Mcnd,
    Ssfctp,
}

pub fn run(args: Args) -> i32 {
    match super::io::guard(args.output.as_deref(), &[&args.file]) {
        Ok(output) => import(args.kind, &args.file, output),
        Err(code) => code,
    }
}

fn import(kind: ImportKind, file: &Path, output: Option<&Path>) -> i32 {
    use recourse::tools::import::Format;
    let name = display_name(file);
    let bytes = match read_input(file) {
        Ok(b) => b,
        Err(d) => {
            eprintln!("{d}");
            return exit::BAD_INPUT;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!("error: {name} is not UTF-8 text; instance files are plain numbers");
        return exit::BAD_INPUT;
    };
    let id = match file.file_stem() {
        Some(stem) if file != Path::new("-") => stem.to_string_lossy(),
        _ => "stdin".into(),
    };
    let format = match kind {
        ImportKind::Mcnd => Format::Mcnd,
        ImportKind::Ssfctp => Format::Ssfctp,
    };
    match recourse::tools::import::import(format, &text, &name, &id) {
        Ok(imported) => {
            eprintln!("{name}: {}", imported.summary);
            for w in &imported.warnings {
                eprintln!("warning: {w}");
            }
            write_document(&imported.doc, output)
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::BAD_INPUT
        }
    }
}
