//! `recourse validate`: every problem of a scenario, with its JSON path.

use super::io::plural;
use super::io::print_json;
use super::DiagFormat;
use recourse::base::diagnostics::{Diagnostics, DiagnosticsDoc};
use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use recourse::scenario::validate::load_scenario;
use std::path::{Path, PathBuf};

/// Check that a scenario is usable and list every problem with its JSON path.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse validate datasets/tiny/demo-eu.json
  recourse validate --format json scenario.json > diagnostics.json
  cat scenario.json | recourse validate -

Text diagnostics go to stderr; --format json writes a recourse.diagnostics/1 document to
stdout. Exits 0 when the scenario is usable (warnings allowed), 2 when it is not.")]
pub struct Args {
    /// Scenario file, or - for standard input.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,
}

pub fn run(args: Args) -> i32 {
    validate(&args.file, args.format)
}

fn validate(file: &Path, format: DiagFormat) -> i32 {
    let name = display_name(file);
    let (diags, summary) = match read_input(file) {
        Err(d) => (Diagnostics { items: vec![d] }, None),
        Ok(bytes) => match load_scenario(&bytes) {
            Ok((s, warnings)) => {
                let summary = format!(
                    "{name}: scenario \"{}\" is valid: {}, {}, {}, {}, {}, {} from {}",
                    s.id,
                    plural(s.orders.len(), "order"),
                    plural(s.nodes.len(), "node"),
                    plural(s.lanes.len(), "lane"),
                    plural(s.skus.len(), "SKU"),
                    plural(s.disruptions.len(), "disruption"),
                    plural(s.horizon as usize, "day"),
                    s.as_of
                );
                (warnings, Some(summary))
            }
            Err(d) => (d, None),
        },
    };
    match format {
        DiagFormat::Json => {
            let code = print_json(&DiagnosticsDoc::new(&name, &diags));
            if code != exit::SUCCESS {
                return code;
            }
        }
        DiagFormat::Text => {
            let last = match &summary {
                Some(s) if diags.items.is_empty() => s.clone(),
                Some(s) => format!("{s} ({})", plural(diags.warning_count(), "warning")),
                None => format!(
                    "{name}: {}: the scenario cannot be used",
                    super::io::tally(&diags)
                ),
            };
            note_part!("{}{last}\n", diags.listing());
        }
    }
    if diags.has_errors() {
        exit::BAD_INPUT
    } else {
        exit::SUCCESS
    }
}
