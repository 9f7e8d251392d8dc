//! `recourse export`: the model `solve` solves, as MPS or LP for another solver; or, with
//! `csv`, the scenario itself as CSV files for a spreadsheet.

use super::io::{load, print_bytes};
use super::solver_args::strategy_by_name;
use recourse::base::exit;
use recourse::base::output::write_output;
use recourse::optimize::strategy::Strategy;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Write the model of a scenario for another solver (MPS or LP, with readable names), or the
/// scenario as CSV files (`export csv`).
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse export datasets/tiny/demo-eu.json -o demo.mps
  recourse export csv datasets/tiny/demo-eu.json -o demo-csv/   # one CSV file per table
  recourse export scenario.json --format lp --formulation time-expanded -o model.lp
  highs demo.mps        # any MPS reader reaches the objective `recourse solve` reports

The model is the one `solve` builds, in its final, integer form (quantities integer when
policy.integer_quantities), names included (`x[order,sku,node,lane,day]`, `balance[...]`;
see models/); the cuts `solve` adds before HiGHS (--cuts, models/tight.md \"L1\") are
left out, as they change no optimum. MPS is written by recourse itself (free format,
deterministic; the model's constant is the objective row's RHS, negated); LP is HiGHS's
translation of it, with the names in the characters an LP file allows: brackets as
parentheses, `-` and any other forbidden character as `_` (`x(SO_1,SKU_1,DC_PAR,PAR_LYO_G,3)`).

export csv writes the scenario as one CSV file per table into a new (or empty) directory,
all files or none, each UTF-8 after a byte-order mark (as Excel's \"CSV UTF-8\" writes, so
that Excel shows accented names as they are); `recourse import csv` reads them back into an
equal scenario, and exporting that writes the same bytes.")]
pub struct Args {
    /// Scenario file, or - for standard input; or `csv`, then the scenario file.
    pub scenario: PathBuf,
    /// After `csv`: the scenario file.
    #[arg(value_name = "SCENARIO")]
    pub csv_scenario: Option<PathBuf>,
    /// mps or lp (default mps).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Which model to write (see models/).
    #[arg(long, default_value = recourse::optimize::strategy::DEFAULT)]
    pub formulation: String,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Mps,
    Lp,
}

pub fn run(args: Args) -> i32 {
    if let Some(scenario) = &args.csv_scenario {
        if args.scenario != Path::new("csv") {
            note!(
                "error: export takes one scenario file, or `csv` and a scenario file; {} is not csv",
                args.scenario.display()
            );
            return exit::BAD_INPUT;
        }
        if args.format.is_some() || args.formulation != recourse::optimize::strategy::DEFAULT {
            note!("error: export csv writes the scenario, not a model: --format and --formulation do not apply");
            return exit::BAD_INPUT;
        }
        return export_csv(scenario, args.output.as_deref());
    }
    // `export csv` without its scenario, unless a file is called `csv`.
    if args.scenario == Path::new("csv") && !args.scenario.exists() {
        note!("error: export csv needs the scenario file: recourse export csv SCENARIO -o DIR");
        return exit::BAD_INPUT;
    }
    match super::io::guard(args.output.as_deref(), &[&args.scenario]) {
        Ok(output) => export(
            &args.scenario,
            args.format.unwrap_or(ExportFormat::Mps),
            &args.formulation,
            output,
        ),
        Err(code) => code,
    }
}

/// The scenario (validated first) as CSV files in the new or empty directory `dir`.
fn export_csv(file: &Path, dir: Option<&Path>) -> i32 {
    let Some(dir) = dir.filter(|d| *d != Path::new("-")) else {
        note!("error: export csv writes a directory of files: name it with -o DIR");
        return exit::BAD_INPUT;
    };
    // Before any work, as `guard` checks a file output.
    if let Err(e) = recourse::base::output::check_dir_writable(dir) {
        note!("error: cannot write {}: {e}", dir.display());
        return exit::BAD_INPUT;
    }
    let (doc, _) = match super::io::load_doc(file) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // Each file starts with a byte-order mark, so that Excel reads it as UTF-8.
    let files: Vec<(&str, Vec<u8>)> = recourse::scenario::sheets::write_files(&doc)
        .into_iter()
        .map(|(name, text)| {
            (
                name,
                format!("{}{text}", recourse::scenario::sheets::BOM).into_bytes(),
            )
        })
        .collect();
    match recourse::base::output::write_dir(dir, &files) {
        Ok(()) => {
            note!("wrote {} CSV files to {}", files.len(), dir.display());
            exit::SUCCESS
        }
        Err(e) => {
            note!("error: cannot write {}: {e}", dir.display());
            exit::BAD_INPUT
        }
    }
}

fn export(file: &Path, format: ExportFormat, formulation: &str, output: Option<&Path>) -> i32 {
    let rules = recourse::optimize::priority_rules::NAME;
    if formulation != rules && recourse::optimize::strategy::by_name(formulation).is_none() {
        // The known names that build a model: the rules build none to export.
        let known: Vec<&str> = recourse::optimize::strategy::names()
            .iter()
            .copied()
            .filter(|n| *n != rules)
            .collect();
        note!(
            "error: unknown formulation \"{formulation}\"; known: {}",
            known.join(", ")
        );
        return exit::BAD_INPUT;
    }
    let f = match strategy_by_name(formulation) {
        None => return exit::BAD_INPUT,
        Some(Strategy::Rules) => {
            note!("error: {formulation} builds no model; pick a formulation, e.g. --formulation time-expanded");
            return exit::BAD_INPUT;
        }
        Some(Strategy::Model(f)) => f,
    };
    let s = match load(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Medium-sized models take seconds to build and write (182 MB of MPS for 5,000 orders).
    let spinner = if std::io::stderr().is_terminal() {
        let p = indicatif::ProgressBar::new_spinner();
        p.enable_steady_tick(std::time::Duration::from_millis(120));
        p
    } else {
        indicatif::ProgressBar::hidden()
    };
    spinner.set_message(format!("building the {} model", f.name()));
    let model = f.build(
        &s,
        &recourse::optimize::formulate::BuildOptions {
            integer_quantities: s.policy.integer_quantities,
            names: true,
            ..Default::default()
        },
    );
    spinner.set_message("writing");
    let format = match format {
        ExportFormat::Mps => recourse::tools::export::Format::Mps,
        ExportFormat::Lp => recourse::tools::export::Format::Lp,
    };
    let bytes = recourse::tools::export::export(&model.mip, &s.id, format);
    let written = match (&bytes, output) {
        (Ok(b), Some(path)) => write_output(path, b).map_err(|e| (path, e)),
        _ => Ok(()),
    };
    spinner.finish_and_clear();
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return export_failed(&e),
    };
    if let Err((path, e)) = written {
        note!("error: cannot write {}: {e}", path.display());
        return exit::BAD_INPUT;
    }
    note!(
        "{} model of \"{}\": {} rows, {} columns ({} integer), {} nonzeros",
        f.name(),
        s.id,
        model.mip.num_rows(),
        model.mip.num_cols(),
        model.mip.num_integer(),
        model.mip.num_nonzeros()
    );
    match output {
        Some(_) => exit::SUCCESS,
        None => print_bytes(&bytes),
    }
}

/// Says why the model could not be written out, and the exit code: the machine's temporary
/// directory failing is the place written to failing, as for an output (2); HiGHS failing
/// to translate a model recourse built is recourse's failure (3).
fn export_failed(e: &recourse::tools::export::ExportError) -> i32 {
    note!("error: {e}");
    if matches!(e, recourse::tools::export::ExportError::Temp { .. }) {
        note!("  hint: the LP file is made in the temporary directory (TMPDIR, or /tmp): point TMPDIR at a writable directory, or write --format mps");
        exit::BAD_INPUT
    } else {
        exit::INTERNAL
    }
}
