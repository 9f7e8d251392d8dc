//! `recourse check`: every rule a plan breaks, and its cost.

use super::io::{load, print_json, print_text};
use super::DiagFormat;
use recourse::base::diagnostics::Diagnostics;
use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use recourse::documents::proposals::parse_plan_of;
use recourse::documents::report;
use recourse::plan::reading_warnings;
use std::path::{Path, PathBuf};

/// Check a plan against a scenario: every broken rule, and the cost breakdown.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse check datasets/tiny/demo-eu.json proposals.json
  recourse check --format json scenario.json plan.json

PLAN is a proposals document, any JSON object with a `plan`, a risk document (its
`baseline_plan`, the do-nothing plan), or a bare plan
{\"shipments\": [...], \"transfers\": [...], \"expedited_inbound\": [...]}.
A receipt named twice in expedited_inbound is expedited, and charged, once, and lists
written beside a document's `plan` are not judged: both are warned of on stderr.
Exits 0 when the plan is feasible, 1 when it breaks a rule, 2 on bad input.")]
pub struct Args {
    /// Scenario file, or - for standard input.
    pub scenario: PathBuf,
    /// Plan or proposals file, or - for standard input.
    pub plan: PathBuf,
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,
}

pub fn run(args: Args) -> i32 {
    match super::io::guard(None, &[&args.scenario, &args.plan]) {
        Ok(_) => check(&args.scenario, &args.plan, args.format),
        Err(code) => code,
    }
}

fn check(scenario: &Path, plan_file: &Path, format: DiagFormat) -> i32 {
    let s = match load(scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = read_input(plan_file)
        .map_err(|d| Diagnostics { items: vec![d] })
        .and_then(|bytes| {
            let (doc, prefix) = parse_plan_of(&bytes, Some(&s.id))?;
            let plan = doc.to_domain(&s, prefix)?;
            Ok((plan, reading_warnings(&bytes, &doc, prefix)))
        });
    let plan = match plan {
        Ok((p, warnings)) => {
            note_part!("{}", warnings.listing());
            p
        }
        Err(d) => {
            note_part!("{d}");
            note!("{}: the plan cannot be read", display_name(plan_file));
            return exit::BAD_INPUT;
        }
    };
    let eval = recourse::check::evaluate(&s, &plan);
    let code = match format {
        DiagFormat::Json => print_json(&report::check_doc(&s, &eval)),
        DiagFormat::Text => print_text(&report::check_text(&s, &eval)),
    };
    match (code, eval.feasible()) {
        (exit::SUCCESS, true) => exit::SUCCESS,
        (exit::SUCCESS, false) => exit::NO_PLAN,
        (other, _) => other,
    }
}
