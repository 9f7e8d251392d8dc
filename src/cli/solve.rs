//! `recourse solve`: the plan, the responses and the proposals document.

use super::io::{load, plural, write_document, write_text};
use super::solver_args::{strategy_by_name, LimitArgs};
use recourse::base::exit;
use recourse::documents::proposals::{self, ProposalsDoc, Proposed};
use recourse::documents::proposals_report::{render, Style};
use recourse::optimize::guided::Guided;
use recourse::optimize::highs::{Snapshot, SolveOptions, Watch, Watcher};
use recourse::optimize::strategy::Strategy;
use recourse::optimize::{SolverStats, WholeUnits};
use recourse::plan::PlanView;
use recourse::scenario::domain::Scenario;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `--time-limit`'s help here: what the limit bounds in `solve`.
const TIME_LIMIT_HELP: &str = "Seconds the whole command may take, from reading the scenario \
     to the written document (overrides policy.time_limit_s)";

/// Find the cheapest feasible plan with HiGHS, and the ranked responses that reach it.
#[derive(clap::Args)]
#[command(mut_arg("time_limit", |a| a.help(TIME_LIMIT_HELP)))]
#[command(after_help = "\
Examples:
  recourse solve datasets/tiny/demo-eu.json
  recourse solve scenario.json -o proposals.json --time-limit 10 --gap 0.001
  recourse solve scenario.json --formulation time-expanded --threads 1 --seed 7
  recourse solve scenario.json --formulation priority-rules   # what rule-based ATP would do
  recourse solve scenario.json --format markdown > ticket.md
  recourse solve scenario.json -o report.html   # the planner's page (-o's extension names the format)
  recourse solve big.json --time-limit 60 --verbose   # LP-guided search first (--guide auto)
  recourse solve big.json --scope touched --verbose   # decide only what the disruptions touch

Writes a recourse.proposals/1 document (solve report, KPIs before and after, at-risk orders,
ranked responses with their deltas and approvals, unresolved orders, baseline plan and plan)
to stdout, or atomically to -o FILE; --format table or markdown writes a readable report of
the same, --format html the planner's page (see `recourse report --help`). Approve or
reject responses with `recourse apply`. Every plan is checked against SCENARIO.md section 3
before it is written. Limits default to the scenario's policy
(time_limit_s 30, mip_gap 0.0001, threads 0 = all cores). The time limit bounds the whole
command, from reading the scenario to the written document: the solver gets what is left
after a reserve for the responses and the writing; where the whole model does not fit its
share, the rules' plan is improved one neighbourhood at a time (models/neighbourhoods.md),
with a transportation relaxation's bound beside it; and the checker evaluates the
responses' prefixes while time is left (always the last one). On models of 250k nonzeros
or more, and under limits of 2 s or less (--guide auto), an LP-guided search runs before
the MIP; its bound is proven once its LP converges (models/guided.md). Exits 0 with a plan,
1 without one (infeasible, or a limit hit before any plan), 2 on bad input, 3 on an
internal or solver failure.")]
pub struct Args {
    /// Scenario file, or - for standard input.
    pub scenario: PathBuf,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// json (the proposals document), table (a terminal report), markdown, or html (the
    /// planner's page, as `recourse report` writes it). Default: what -o's extension says
    /// (.html or .htm, .md or .markdown, .txt for the table), else table on a terminal and
    /// json otherwise.
    #[arg(long, value_enum)]
    pub format: Option<ProposalsFormat>,
    #[command(flatten)]
    pub args: SolveArgs,
}

#[derive(clap::Args)]
pub struct SolveArgs {
    #[command(flatten)]
    limits: LimitArgs,
    /// Solver random seed.
    #[arg(long)]
    seed: Option<u32>,
    /// Which model to build (see models/), or `priority-rules`: no model, the plan that
    /// rule-based order promising gives (status feasible, limit heuristic, no bound).
    #[arg(long, default_value = recourse::optimize::strategy::DEFAULT)]
    formulation: String,
    /// Copy the solver log to stderr.
    #[arg(long)]
    verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProposalsFormat {
    Json,
    Table,
    Markdown,
    Html,
}

pub fn run(args: Args) -> i32 {
    match super::io::guard(args.output.as_deref(), &[&args.scenario]) {
        Ok(output) => solve(&args.scenario, output, args.format, args.args),
        Err(code) => code,
    }
}

/// The command's script: the flags checked, the scenario loaded and analysed, the plan and
/// its responses proposed (under the progress line on a terminal), what happened said on
/// stderr, the document written; 0 with a plan, 1 without one, else the error's code.
fn solve(
    file: &Path,
    output: Option<&Path>,
    format: Option<ProposalsFormat>,
    args: SolveArgs,
) -> i32 {
    let strategy = match checked_strategy(&args) {
        Ok(strategy) => strategy,
        Err(code) => return code,
    };
    let clock = std::time::Instant::now();
    let s = match load(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let loaded = clock.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let analysis = recourse::risk::analyze(&s);
    if terminal {
        // What is solved, above the progress line.
        note!(
            "{}, {} at risk if nobody acts; running {}...",
            plural(s.orders.len(), "order"),
            analysis.at_risk.len(),
            args.formulation
        );
    }
    let line = (terminal && !args.verbose).then(progress_line);
    let opts = SolveOptions {
        seed: args.seed,
        verbose: args.verbose,
        watch: line.as_ref().map(|(_, watch)| watch.clone()),
        ..args.limits.options(&s)
    };
    // A model's answer is never worse than doing nothing or the rules, even when the solver
    // stops early (Strategy::run falls back on the cheaper of the baseline and the rules'
    // plan).
    let deadline = proposals::deadline(clock, opts.time_limit_s);
    let proposed = match proposals::propose(&s, &analysis, &strategy, &opts, start, deadline) {
        Ok(p) => p,
        Err(e) => {
            note!("error: {e}");
            note!("this is a bug in recourse; please report it with the scenario");
            return exit::INTERNAL;
        }
    };
    if let Some((bar, _)) = &line {
        bar.finish_and_clear();
    }
    let built = clock.elapsed().as_secs_f64();
    if terminal || args.verbose {
        summary(&proposed, s.orders.len(), args.verbose);
    }
    let Proposed { outcome, doc, .. } = &proposed;
    if !outcome.termination.frozen_orders.is_empty() {
        note!(
            "infeasible: no plan keeps every frozen order's commitment: {}",
            doc.infeasible_frozen_orders.join(", ")
        );
    }
    let written = write_proposals(file, output, format, &s, doc);
    if args.verbose {
        timeline(&proposed, loaded, built, clock.elapsed().as_secs_f64());
    }
    let code = match written {
        exit::SUCCESS if outcome.solution.is_some() => exit::SUCCESS,
        exit::SUCCESS => exit::NO_PLAN,
        code => code,
    };
    // The process ends with this command: its memory goes back to the system at exit,
    // without freeing millions of entries one by one first.
    std::mem::forget(proposed);
    std::mem::forget((s, analysis));
    code
}

/// The strategy `--formulation` names, once the limits are in their ranges and fit it;
/// `Err` is the exit code, the message said.
fn checked_strategy(args: &SolveArgs) -> Result<Strategy, i32> {
    let Some(strategy) = strategy_by_name(&args.formulation) else {
        return Err(exit::BAD_INPUT);
    };
    args.limits.check()?;
    args.limits.fit(&strategy)?;
    Ok(strategy)
}

/// The seconds spent on the responses: building and checking them, and checking the plan
/// without those taken out.
fn respond_seconds(p: &Proposed) -> f64 {
    p.respond_steps.map_or(0.0, |t| t.total()) + p.unneeded.map_or(0.0, |u| u.seconds)
}

/// What `solve` says on stderr once the plan is in hand, on a terminal or under
/// `--verbose`: how the run ended, how the model's searches went (only under `--verbose`),
/// what the searches around the plan did, where the plan came from, and its responses.
fn summary(p: &Proposed, orders: usize, verbose: bool) {
    let (outcome, doc) = (&p.outcome, &p.doc);
    let base = doc.kpis.baseline.cost.total;
    match (outcome.objective(), &doc.kpis.proposed) {
        (Some(cost), Some(k)) => note!(
            "{}: cost {cost:.2} against {base:.2} if nobody acts; {} of {} at risk (baseline {}); {:.2} s",
            outcome.status(),
            k.at_risk_orders,
            plural(k.orders, "order"),
            doc.kpis.baseline.at_risk_orders,
            doc.solve.seconds
        ),
        _ => note!("{}: no plan", outcome.status()),
    }
    let stats = outcome.stats.as_ref();
    if verbose {
        model_lines(stats);
    }
    search_lines(p, orders);
    if outcome.solution.is_some() {
        note!(
            "{}; {} left late or short; built and checked in {:.2} s",
            recourse::documents::proposals_report::granularity(doc),
            plural(doc.unresolved.len(), "at-risk order"),
            respond_seconds(p)
        );
    }
    if let (Some(t), true) = (p.respond_steps, verbose) {
        note!(
            "responses: construction {:.2} s, checker {:.2} s ({} of {} prefixes), explanations {:.2} s",
            t.construct,
            t.check,
            doc.checked_prefixes,
            doc.responses.len(),
            t.explain
        );
    }
}

/// The `--verbose` lines on the model's own searches, for those that ran: the LP-guided
/// search, the link cuts, how whole units were reached, and the restricted model's scope.
fn model_lines(stats: Option<&SolverStats>) {
    if let Some(g) = stats.and_then(|x| x.guided.as_ref()) {
        guided_line(g, stats.map_or(0, |x| x.cols));
    }
    if let Some(c) = stats.and_then(|x| x.link_cuts.as_ref()) {
        note!(
            "link cuts: {} linked each to its charge, over {}, before the MIP ({:.2} s)",
            plural(c.added, "flow"),
            plural(c.charges, "yes/no charge"),
            c.seconds,
        );
    }
    if let Some(w) = stats.and_then(|x| x.whole_units) {
        let how = match w {
            WholeUnits::FixedLp => {
                "the LP at its yes/no decisions gave whole ones at no more cost, so no integer pass ran"
            }
            WholeUnits::FixedMip => {
                "the integer model at its yes/no decisions gave a plan within the gap of the first bound, so the whole integer model was not solved"
            }
            WholeUnits::IntegerPass => "a second pass solved the integer model",
        };
        note!("whole units: the MIP's point had fractional quantities; {how}");
    }
    if let Some(sc) = stats.and_then(|x| x.scope.as_ref()) {
        note!(
            "scope: decided {}, held {} at their baseline; {} freed {} in {:.2} s; whole-model bound {}{}",
            plural(sc.free, "order"),
            plural(sc.held, "order"),
            plural(sc.rounds, "pricing round"),
            plural(sc.priced_out, "order"),
            sc.seconds,
            sc.bound.map_or("none".into(), |b| format!("{b:.2}")),
            if sc.certified { " (the whole LP's optimum: no held order prices out)" } else { "" },
        );
    }
}

/// The LP-guided search's line (`g`), its columns out of the model's `cols`: its bound,
/// its pricing, slope scaling, dive and polish, and the plan it started the MIP from.
fn guided_line(g: &Guided, cols: usize) {
    note!(
        "guided: {} ({}, {} LP solves, {} of {} columns) in {:.2} s; slope scaling over {} charges, {} rounds, {:.2} s; dive {} rounds{} and polish {:.2} s, plan {}",
        match g.bound {
            Some(b) if g.lp_converged => format!("LP bound {b:.2}"),
            Some(b) if b > 0.0 => format!("bound {b:.2}"),
            _ => "nothing proven".to_owned(),
        },
        if g.lp_converged { "converged" } else { "pricing stopped at its share of the time" },
        g.pricing_rounds,
        g.columns,
        cols,
        g.lp_seconds,
        g.charges,
        g.slope_rounds,
        g.slope_seconds,
        g.dive_rounds,
        if g.dive_cut { " (cut short: the decisions left open rounded down)" } else { "" },
        g.polish_seconds,
        g.start_objective.map_or("none".into(), |o| format!("{o:.2}")),
    );
}

/// The lines on what the searches around the plan did, for those that ran: the
/// neighbourhoods, the lane-days closed, the responses taken out, the relaxation's bound;
/// then why no model was built (a scenario of `orders` orders), and where the plan came
/// from when it is not the solver's.
fn search_lines(p: &Proposed, orders: usize) {
    let stats = p.outcome.stats.as_ref();
    if let Some(n) = stats.and_then(|x| x.neighbourhoods.as_ref()) {
        note!(
            "neighbourhoods: the {} plan ({:.2}) improved in {} of {} solved ({} over the late or short orders, joined once they settle by the on-time orders that charged transfers feed or charged lanes carry and by the orders holding the SKUs late or short lines lack ({}); {} of the rounds starting with short lines served from unused stock or cheaper orders, then {} as MIPs) in {:.2} s",
            n.from.as_str(),
            n.from_cost,
            n.improved,
            plural(n.solved, "neighbourhood"),
            plural(n.rounds, "round"),
            plural(n.holders, "neighbourhood"),
            n.routed,
            n.mips,
            n.seconds
        );
    }
    if let Some(c) = stats.and_then(|x| x.closed) {
        note!(
            "closed {} (what left on them moved onto lane-days already paid, or dropped) and dropped {} nobody needed ({:.2} before)",
            plural(c.lane_days, "charged lane-day"),
            plural(c.expedites, "expedite"),
            c.from_cost
        );
    }
    if let Some(u) = p.unneeded {
        note!(
            "took out {} that raised the cost on their own and that nothing required ({:.2} before)",
            plural(u.responses, "response"),
            u.from_cost
        );
    }
    if let Some(r) = stats.and_then(|x| x.relaxation.as_ref()) {
        note!(
            "relaxation: bound {:.2} from {} ({} solved before the deadline, {} that could lower the cost) in {:.2} s, beside the search",
            r.bound,
            plural(r.skus, "SKU"),
            r.solved,
            plural(r.arcs, "arc"),
            r.seconds
        );
    }
    let not_built = stats.is_some_and(|x| x.not_built);
    if not_built {
        note!("{}", recourse::optimize::strategy::not_built_why(orders));
    }
    match p.outcome.fallback() {
        Some(name) if not_built => note!("the plan is the {name} plan"),
        Some(name) => {
            note!("the plan is the {name} plan: the solver found nothing better within the limit")
        }
        None => {}
    }
}

/// Writes `doc` (the proposals for `s`, read from `file`) to `output` in `format`, or the
/// format `output`'s extension or the terminal says; returns the exit code of the writing.
fn write_proposals(
    file: &Path,
    output: Option<&Path>,
    format: Option<ProposalsFormat>,
    s: &Scenario,
    doc: &ProposalsDoc<PlanView>,
) -> i32 {
    let format = format.unwrap_or_else(|| default_format(output));
    let currency = s.currency.as_deref();
    match format {
        ProposalsFormat::Json => write_document(doc, output),
        ProposalsFormat::Table => write_text(
            &render(doc, currency, Style::Table(super::io::text_width(output))),
            output,
        ),
        ProposalsFormat::Markdown => write_text(&render(doc, currency, Style::Markdown), output),
        ProposalsFormat::Html => {
            let files = recourse::documents::page::Files {
                scenario: super::report::file_word(file, "SCENARIO.json"),
                proposals: None,
            };
            // The page draws the plans from their documents.
            let page = recourse::documents::page::render(s, &doc.owned(), &files);
            write_text(&page, output)
        }
    }
}

/// The `--verbose` timeline: where the `total` seconds went, the scenario `loaded` and the
/// document `built` by those seconds since the command began.
fn timeline(p: &Proposed, loaded: f64, built: f64, total: f64) {
    let solve = p.doc.solve.seconds;
    let respond = respond_seconds(p);
    note!(
        "timeline: load {loaded:.2} s, analysis and solve {:.2} s, responses {:.2} s{}, writing {:.2} s (the document {:.2} s, its text {:.2} s); {total:.2} s in all",
        solve - respond,
        respond,
        p.unneeded.map_or(String::new(), |u| format!(
            " ({:.2} s of it checking the plan without {})",
            u.seconds,
            plural(u.responses, "response")
        )),
        total - loaded - solve,
        built - loaded - solve,
        total - built,
    );
}

/// The line a terminal shows while `solve` runs: the time, the cheapest plan so far, the
/// highest bound and their gap, as every search tells its watcher (the neighbourhoods, the
/// LP-guided search, the relaxation beside them, HiGHS), one line for the whole solve.
fn progress_line() -> (indicatif::ProgressBar, Watcher) {
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(5),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
        bar.set_style(style);
    }
    bar.set_message("solving");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let shown = bar.clone();
    let watch = Watch::watcher(move |s: Snapshot| shown.set_message(progress_text(s.of_a_plan())));
    (bar, watch)
}

/// "plan 211557.11  bound 188032.16  gap 11.12%", a dash for what is not known yet.
fn progress_text(s: Snapshot) -> String {
    let money = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
    format!(
        "plan {}  bound {}  gap {}",
        money(s.incumbent),
        money(s.bound),
        s.gap
            .map_or("-".to_owned(), |g| format!("{:.2}%", 100.0 * g))
    )
}

/// The format `solve` writes without `--format`: the one -o's extension names, else the
/// table on a terminal and the document anywhere else (a pipe, a file), which a service reads.
fn default_format(output: Option<&Path>) -> ProposalsFormat {
    match super::io::output_extension(output).as_deref() {
        Some("html" | "htm") => ProposalsFormat::Html,
        Some("md" | "markdown") => ProposalsFormat::Markdown,
        Some("txt") => ProposalsFormat::Table,
        _ if output.is_none() && std::io::stdout().is_terminal() => ProposalsFormat::Table,
        _ => ProposalsFormat::Json,
    }
}
