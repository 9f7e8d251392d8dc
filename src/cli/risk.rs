//! `recourse risk`: the orders at risk if nobody acts, with reasons.

use super::io::{guard, load, output_extension, text_width, write_document, write_text};
use recourse::documents::report;
use std::path::{Path, PathBuf};

/// Find the orders at risk if nobody acts, with reasons, and the baseline KPIs.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse risk datasets/tiny/demo-eu.json
  recourse risk scenario.json -o risk.json   # a .json name: the recourse.risk/1 document

The baseline is the do-nothing plan of SCENARIO.md section 4: every planned shipment keeps
its node and lane and leaves on its planned day if it can, else on the first later day it
can. --format json writes a recourse.risk/1 document with the baseline plan.")]
pub struct Args {
    /// Scenario file, or - for standard input.
    pub scenario: PathBuf,
    /// table (a terminal report) or json (a recourse.risk/1 document). Default: json when -o
    /// names a .json file, else table.
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
}

pub fn run(args: Args) -> i32 {
    match guard(args.output.as_deref(), &[&args.scenario]) {
        Ok(output) => {
            let format = args
                .format
                .unwrap_or(match output_extension(output).as_deref() {
                    Some("json") => ReportFormat::Json,
                    _ => ReportFormat::Table,
                });
            risk(&args.scenario, format, output)
        }
        Err(code) => code,
    }
}

fn risk(file: &Path, format: ReportFormat, output: Option<&Path>) -> i32 {
    let s = match load(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let analysis = recourse::risk::analyze(&s);
    let doc = report::risk_doc(&s, &analysis);
    match format {
        ReportFormat::Json => write_document(&doc, output),
        ReportFormat::Table => write_text(
            &report::risk_table(&doc, s.currency.as_deref(), text_width(output)),
            output,
        ),
    }
}
