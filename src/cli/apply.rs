//! `recourse apply`: approved responses folded into a new scenario.

use super::io::{load_doc, load_proposals, plural, write_scenario};
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
  recourse apply scenario.json proposals.json --decisions approvals.json -o next.json
  recourse solve next.json

An approved response must come with every response it requires (the error names the missing
one). Approved shipments become the orders' plans; approved transfers become a frozen
shipment plus a receipt (TR-<lane>-<sku>-<date>); approved expedites move the receipt's eta.
Rejected responses add policy.forbid patterns, so the next solve never proposes them again
(except changes on an order's own planned route, which section 2 cannot forbid).
--decisions reads {\"approve\": [ids], \"reject\": [ids]} from a file (the planner's page
offers it as \"approvals as JSON\"), added to --approve and --reject. The page's command and
file carry --responses-digest: apply refuses proposals solved again since the page was made. The new
scenario is the approved plan's do-nothing baseline. Exits 0 on success, 2 on bad input.")]
pub struct Args {
    /// The scenario the proposals were made for, or - for standard input.
    pub scenario: PathBuf,
    /// A proposals document from `recourse solve`, or - for standard input.
    pub proposals: PathBuf,
    /// Response ids to approve, comma-separated (or repeated); `all` approves every one.
    #[arg(long)]
    pub approve: Vec<String>,
    /// Response ids to reject, comma-separated (or repeated).
    #[arg(long)]
    pub reject: Vec<String>,
    /// A JSON file {"approve": [ids], "reject": [ids]}, as the planner's page writes it.
    #[arg(long)]
    pub decisions: Option<PathBuf>,
    /// The digest of the responses the approvals were made on, as the planner's page writes
    /// it into its command: refused when PROPOSALS now holds other responses (solved again
    /// since the page was written, so the same ids would name other responses).
    #[arg(long, value_name = "DIGEST")]
    pub responses_digest: Option<String>,
    /// Output file for the new scenario (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(mut args: Args) -> i32 {
    let mut inputs = vec![args.scenario.as_path(), args.proposals.as_path()];
    inputs.extend(args.decisions.as_deref());
    let output = match super::io::guard(args.output.as_deref(), &inputs) {
        Ok(output) => output,
        Err(code) => return code,
    };
    if let Some(d) = &args.responses_digest {
        if let Err(code) = digest_shape(d, "--responses-digest") {
            return code;
        }
    }
    if let Some(file) = &args.decisions {
        match decisions(file) {
            Ok(d) => {
                args.approve.extend(d.approve);
                args.reject.extend(d.reject);
                if let Some(b) = &d.responses_digest {
                    let from = format!("{}'s responses_digest", display_name(file));
                    if let Err(code) = digest_shape(b, &from) {
                        return code;
                    }
                }
                if let (Some(a), Some(b)) = (&args.responses_digest, &d.responses_digest) {
                    if !a.trim().eq_ignore_ascii_case(b.trim()) {
                        note!(
                            "error: --responses-digest {a} and {}'s responses_digest {b} differ: they were made on different proposals",
                            display_name(file)
                        );
                        return exit::BAD_INPUT;
                    }
                }
                args.responses_digest = args.responses_digest.take().or(d.responses_digest);
            }
            Err(code) => return code,
        }
    }
    apply(
        &args.scenario,
        &args.proposals,
        (&args.approve, &args.reject),
        args.responses_digest.as_deref(),
        output,
    )
}

/// `Err` with the exit code, the message said, when `digest` (from `from`) is not shaped
/// as a responses digest: told apart from a digest of other responses, which means the
/// proposals were solved again.
fn digest_shape(digest: &str, from: &str) -> Result<(), i32> {
    let d = digest.trim();
    if d.len() == 16 && d.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    note!(
        "error: {from} \"{}\" is not a responses digest: the planner's page writes 16 hexadecimal digits (such as 0f3a9c21b4d7e655) into its command and its approvals file",
        recourse::base::text::clip(digest, 40)
    );
    note!("  hint: copy the page's command whole, or leave the digest out to apply without this check");
    Err(exit::BAD_INPUT)
}

fn decisions(file: &Path) -> Result<recourse::apply::Decisions, i32> {
    let bytes = read_input(file).map_err(|d| {
        note!("{d}");
        exit::BAD_INPUT
    })?;
    recourse::apply::parse_decisions(&bytes).map_err(|d| {
        note_part!("{d}");
        note!(
            "{}: not a decisions file: expected {{\"approve\": [ids], \"reject\": [ids]}}",
            display_name(file)
        );
        exit::BAD_INPUT
    })
}

/// Whether `doc` holds the responses the approvals were made on, when their digest is
/// given (`--responses-digest`, the page's command and file).
fn same_responses(
    doc: &recourse::documents::proposals::ProposalsDoc,
    digest: Option<&str>,
    proposals: &Path,
    scenario: &Path,
) -> Result<(), i32> {
    let Some(want) = digest else {
        return Ok(());
    };
    let got = recourse::documents::proposals::responses_digest(&doc.responses);
    if got.eq_ignore_ascii_case(want.trim()) {
        return Ok(());
    }
    note!(
        "error: {} holds other responses than the ones approved (responses digest {got}, the approvals' {want}): it was solved again since the page was written, so the same ids name other responses",
        display_name(proposals)
    );
    note!(
        "  hint: open the page for this document (recourse report {} --scenario {}) and approve there",
        display_name(proposals),
        display_name(scenario)
    );
    Err(exit::BAD_INPUT)
}

fn apply(
    scenario: &Path,
    proposals: &Path,
    (approve, reject): (&[String], &[String]),
    digest: Option<&str>,
    output: Option<&Path>,
) -> i32 {
    use recourse::apply::{apply, parse_ids, ApplyError};
    let (wire, s) = match load_doc(scenario) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let doc = match load_proposals(proposals) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if let Err(code) = same_responses(&doc, digest, proposals, scenario) {
        return code;
    }
    let (approve, reject) = (parse_ids(approve), parse_ids(reject));
    let (new, summary) = match apply(&s, &wire, &doc, &approve, &reject) {
        // Said once the proposals are known to fit the scenario: an error first would
        // follow a warning about a new scenario that is never written.
        Ok(x) if approve.is_empty() && reject.is_empty() => {
            note!(
                "warning: nothing approved or rejected; the new scenario is the same as the old one"
            );
            x
        }
        Ok(x) => x,
        Err(e @ ApplyError::Invalid(_)) => {
            note!("error: {e}");
            note!("this is a bug in recourse; please report it with the scenario and proposals");
            return exit::INTERNAL;
        }
        Err(e) => {
            note!("error: {e}");
            return exit::BAD_INPUT;
        }
    };
    // What was done is said once it is written: a failed write leaves nothing done.
    let code = write_scenario(&new, output);
    if code != exit::SUCCESS {
        return code;
    }
    note!(
        "{} replaced{}, {} and {} folded in, {} forbidden",
        plural(summary.orders_replanned.len(), "order plan"),
        if summary.all_orders_folded {
            " (every order's plan is now its approved shipments, so the baseline executes them exactly)"
        } else {
            ""
        },
        plural(summary.transfers, "transfer"),
        plural(summary.expedited.len(), "expedite"),
        plural(summary.forbidden, "movement")
    );
    if !summary.unforbiddable.is_empty() {
        note!(
            "warning: rejected {} only change{} shipments on routes the orders already plan, which `forbid` cannot exclude (SCENARIO.md section 2): the next solve may propose {} again; keep the order frozen to hold its plan",
            summary.unforbiddable.join(", "),
            if summary.unforbiddable.len() == 1 { "s" } else { "" },
            if summary.unforbiddable.len() == 1 { "it" } else { "them" },
        );
    }
    if !summary.frozen_ship_complete.is_empty() {
        note!(
            "frozen (ship-complete orders approved to leave on several days, which a plan for a ship-complete order cannot say): {}",
            summary.frozen_ship_complete.join(", ")
        );
    }
    code
}
