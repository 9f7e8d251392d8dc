//! `recourse report`: the planner's page from a proposals document already written.

use super::io::{load, load_proposals, write_text};
use recourse::apply::ApplyError;
use recourse::base::exit;
use recourse::base::input::display_name;
use recourse::documents::page;
use std::path::{Path, PathBuf};

/// Write the planner's HTML page for a proposals document and its scenario.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse solve scenario.json -o proposals.json
  recourse report proposals.json --scenario scenario.json -o report.html
  recourse solve scenario.json --format html -o report.html   # the same page in one step

The page is one self-contained file (style, script and pictures inline; it fetches nothing)
that opens in a current browser and prints: the headline (cost if nobody acts, cost of the
plan, proven gap, at-risk orders before and after), KPI bars overall and per priority, the
network with what each disruption hit, the responses most valuable first with approval
ticks that keep every required response, the `recourse apply` command for the ticked ones,
the unresolved orders and the at-risk orders per due day. Exits 0 on success, 2 on bad
input (including proposals made for another scenario, or for another version of it:
after an `apply`, solve the new scenario again).")]
pub struct Args {
    /// A proposals document from `recourse solve -o`, or - for standard input.
    pub proposals: PathBuf,
    /// The scenario the proposals were made for, or - for standard input.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    match super::io::guard(args.output.as_deref(), &[&args.proposals, &args.scenario]) {
        Ok(output) => report(&args.proposals, &args.scenario, output),
        Err(code) => code,
    }
}

fn report(proposals: &Path, scenario: &Path, output: Option<&Path>) -> i32 {
    let doc = match load_proposals(proposals) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let s = match load(scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match recourse::apply::made_for(&s, &doc) {
        Err(ApplyError::OtherScenario { .. }) => {
            note!(
                "error: {} was made for scenario \"{}\", but {} is scenario \"{}\": pass the scenario the proposals were made for",
                display_name(proposals),
                doc.scenario,
                display_name(scenario),
                s.id
            );
            return exit::BAD_INPUT;
        }
        // The page's `recourse apply` command would be refused for the same reason.
        Err(e) => {
            note!("error: {}: {e}", display_name(proposals));
            return exit::BAD_INPUT;
        }
        Ok(_) => {}
    }
    let files = page::Files {
        scenario: file_word(scenario, "SCENARIO.json"),
        proposals: Some(file_word(proposals, "PROPOSALS.json")),
    };
    write_text(&page::render(&s, &doc, &files), output)
}

/// How the page's `recourse apply` command names an input: its path as given, or a
/// placeholder for standard input.
pub fn file_word(path: &Path, placeholder: &str) -> String {
    if recourse::base::output::is_stdout(path) {
        placeholder.to_owned()
    } else {
        path.display().to_string()
    }
}
