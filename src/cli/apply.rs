//! `recourse apply`: approved responses folded into a new scenario.

use super::io::{load_doc, write_document};
use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use std::path::{Path, PathBuf};

/// Fold approved responses into a new scenario; forbid what rejected ones would add.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse solve scenario.json -o proposals.json
  recourse apply scenario.json proposals.json --approve R1,R2 --reject R3 -o next.json
  recourse apply scenario.json proposals.json --approve all -o next.json
  recourse solve next.json

An approved response must come with every response it requires (the error names the missing
one). Approved shipments become the orders' plans; approved transfers become a frozen
shipment plus a receipt (TR-<lane>-<sku>-<date>); approved expedites move the receipt's eta.
Rejected responses add policy.forbid patterns, so the next solve never proposes them again
(except changes on an order's own planned route, which section 2 cannot forbid). The new
scenario is the approved plan's do-nothing baseline. Exits 0 on success, 2 on bad input.")]
pub struct Args {
    /// The scenario the proposals were made for.
    pub scenario: PathBuf,
    /// A proposals document from `recourse solve`.
    pub proposals: PathBuf,
    /// Response ids to approve, comma-separated (or repeated); `all` approves every one.
    #[arg(long)]
    pub approve: Vec<String>,
    /// Response ids to reject, comma-separated (or repeated).
    #[arg(long)]
    pub reject: Vec<String>,
    /// Output file for the new scenario (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    match super::io::guard(args.output.as_deref(), &[&args.scenario, &args.proposals]) {
        Ok(output) => apply(
            &args.scenario,
            &args.proposals,
            &args.approve,
            &args.reject,
            output,
        ),
        Err(code) => code,
    }
}

fn apply(
    scenario: &Path,
    proposals: &Path,
    approve: &[String],
    reject: &[String],
    output: Option<&Path>,
) -> i32 {
    use recourse::apply::{apply, parse_ids, ApplyError};
    let (wire, s) = match load_doc(scenario) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let bytes = match read_input(proposals) {
        Ok(b) => b,
        Err(d) => {
            eprintln!("{d}");
            return exit::BAD_INPUT;
        }
    };
    let doc = recourse::documents::proposals::parse_proposals(&bytes);
    let doc = match doc {
        Ok(d) => d,
        Err(d) => {
            eprint!("{d}");
            eprintln!(
                "{}: not a proposals document (write one with `recourse solve -o`)",
                display_name(proposals)
            );
            return exit::BAD_INPUT;
        }
    };
    let (approve, reject) = (parse_ids(approve), parse_ids(reject));
    if approve.is_empty() && reject.is_empty() {
        eprintln!(
            "warning: nothing approved or rejected; the new scenario is the same as the old one"
        );
    }
    let (new, summary) = match apply(&s, &wire, &doc, &approve, &reject) {
        Ok(x) => x,
        Err(e @ ApplyError::Invalid(_)) => {
            eprintln!("error: {e}");
            eprintln!(
                "this is a bug in recourse; please report it with the scenario and proposals"
            );
            return exit::INTERNAL;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    eprintln!(
        "{} order plans replaced{}, {} transfers and {} expedites folded in, {} movements forbidden",
        summary.orders_replanned.len(),
        if summary.all_orders_folded {
            " (every order's plan is now its approved shipments, so the baseline executes them exactly)"
        } else {
            ""
        },
        summary.transfers,
        summary.expedited.len(),
        summary.forbidden
    );
    if !summary.frozen_ship_complete.is_empty() {
        eprintln!(
            "frozen (ship-complete orders approved to leave on several days, which a plan for a ship-complete order cannot say): {}",
            summary.frozen_ship_complete.join(", ")
        );
    }
    write_document(&new, output)
}
