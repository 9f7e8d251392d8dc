//! The `recourse` command line. The only place that prints and chooses the exit code.

use clap::{Parser, Subcommand, ValueEnum};
use recourse::diagnostics::{Diagnostics, DiagnosticsDoc};
use recourse::domain::Scenario;
use recourse::exit;
use recourse::generate::{generate_with_report, GenerateConfig};
use recourse::input::{display_name, read_input};
use recourse::plan::parse_plan_document;
use recourse::report;
use recourse::solve::SolveOptions;
use recourse::validate::load_scenario;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_CODES: &str = "\
Exit codes (every command):
  0  success
  1  no plan: the scenario is infeasible, or a limit was hit before a plan was found
  2  bad input or usage: the message names the JSON path and the fix
  3  internal or solver failure: please report it";

#[derive(Parser)]
#[command(
    name = "recourse",
    version,
    about = "Defends order promises: finds the orders a disruption puts at risk and proposes ranked responses.",
    after_help = EXIT_CODES,
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check that a scenario is usable and list every problem with its JSON path.
    #[command(after_help = "\
Examples:
  recourse validate datasets/tiny/demo-eu.json
  recourse validate --format json scenario.json > diagnostics.json
  cat scenario.json | recourse validate -

Text diagnostics go to stderr; --format json writes a recourse.diagnostics/1 document to
stdout. Exits 0 when the scenario is usable (warnings allowed), 2 when it is not.")]
    Validate {
        /// Scenario file, or - for standard input.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
        format: DiagFormat,
    },
    /// Find the cheapest feasible plan: one MIP over the whole network, solved with HiGHS.
    #[command(after_help = "\
Examples:
  recourse solve datasets/tiny/demo-eu.json
  recourse solve scenario.json -o proposals.json --time-limit 10 --gap 0.001
  recourse solve scenario.json --formulation time-expanded --threads 1 --seed 7

Writes a recourse.proposals/1 document (solve report, KPIs before and after, at-risk orders,
baseline plan and plan) to stdout, or atomically to -o FILE. Every plan is checked against
SCENARIO.md section 3 before it is written. Limits default to the scenario's policy
(time_limit_s 30, mip_gap 0.0001, threads 0 = all cores). Exits 0 with a plan, 1 without one
(infeasible, or a limit hit before any plan), 2 on bad input, 3 on an internal or solver
failure.")]
    Solve {
        /// Scenario file, or - for standard input.
        scenario: PathBuf,
        /// Output file (written atomically); standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        args: SolveArgs,
    },
    /// Find the orders at risk if nobody acts, with reasons, and the baseline KPIs.
    #[command(after_help = "\
Examples:
  recourse risk datasets/tiny/demo-eu.json
  recourse risk --format json scenario.json > risk.json

The baseline is the do-nothing plan of SCENARIO.md section 4: every planned shipment keeps
its node and lane and leaves on its planned day if it can, else on the first later day it
can. --format json writes a recourse.risk/1 document with the baseline plan.")]
    Risk {
        /// Scenario file, or - for standard input.
        scenario: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Check a plan against a scenario: every broken rule, and the cost breakdown.
    #[command(after_help = "\
Examples:
  recourse check datasets/tiny/demo-eu.json proposals.json
  recourse check --format json scenario.json plan.json

PLAN is a proposals document, any JSON object with a `plan`, or a bare plan
{\"shipments\": [...], \"transfers\": [...], \"expedited_inbound\": [...]}.
Exits 0 when the plan is feasible, 1 when it breaks a rule, 2 on bad input.")]
    Check {
        /// Scenario file, or - for standard input.
        scenario: PathBuf,
        /// Plan or proposals file, or - for standard input.
        plan: PathBuf,
        #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
        format: DiagFormat,
    },
    /// Write a synthetic scenario: a network, orders with feasible plans, then disruptions.
    #[command(after_help = "\
Examples:
  recourse generate --preset medium --seed 1 -o medium.json
  recourse generate --orders 1000 --skus 50 --disruption-rate 0.15 > scenario.json

The same arguments always give the same bytes. Presets: small (200 orders), medium (5,000
orders, 30 stock nodes, 300 SKUs), large (100,000 orders); the size options override them.")]
    Generate {
        #[arg(long, default_value = "small", value_parser = ["small", "medium", "large"])]
        preset: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        orders: Option<usize>,
        #[arg(long)]
        stock_nodes: Option<usize>,
        #[arg(long)]
        zones: Option<usize>,
        #[arg(long)]
        skus: Option<usize>,
        #[arg(long)]
        horizon: Option<u32>,
        /// Target share of orders at risk in the do-nothing baseline.
        #[arg(long)]
        disruption_rate: Option<f64>,
        /// Output file (written atomically); standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of a document format.
    #[command(after_help = "\
Examples:
  recourse schema scenario > scenario.schema.json")]
    Schema {
        #[arg(value_enum)]
        document: SchemaDoc,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaDoc {
    Scenario,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate { file, format } => validate(&file, format),
        Command::Risk { scenario, format } => risk(&scenario, format),
        Command::Solve {
            scenario,
            output,
            args,
        } => solve(&scenario, output.as_deref(), args),
        Command::Check {
            scenario,
            plan,
            format,
        } => check(&scenario, &plan, format),
        Command::Generate {
            preset,
            seed,
            orders,
            stock_nodes,
            zones,
            skus,
            horizon,
            disruption_rate,
            output,
        } => {
            let mut cfg = GenerateConfig::preset(&preset).expect("clap checks the preset names");
            cfg.seed = seed;
            cfg.orders = orders.unwrap_or(cfg.orders);
            cfg.stock_nodes = stock_nodes.unwrap_or(cfg.stock_nodes);
            cfg.customer_zones = zones.unwrap_or(cfg.customer_zones);
            cfg.skus = skus.unwrap_or(cfg.skus);
            cfg.horizon_days = horizon.unwrap_or(cfg.horizon_days);
            cfg.disruption_rate = disruption_rate.unwrap_or(cfg.disruption_rate);
            generate(&cfg, output.as_deref())
        }
        Command::Schema {
            document: SchemaDoc::Scenario,
        } => print_json(&recourse::schema::scenario_schema()),
    };
    ExitCode::from(code as u8)
}

fn validate(file: &Path, format: DiagFormat) -> i32 {
    let name = display_name(file);
    let (diags, summary) = match read_input(file) {
        Err(d) => (Diagnostics { items: vec![d] }, None),
        Ok(bytes) => match load_scenario(&bytes) {
            Ok((s, warnings)) => {
                let summary = format!(
                    "{name}: scenario \"{}\" is valid: {} orders, {} nodes, {} lanes, {} SKUs, {} disruptions, {} days from {}",
                    s.id,
                    s.orders.len(),
                    s.nodes.len(),
                    s.lanes.len(),
                    s.skus.len(),
                    s.disruptions.len(),
                    s.horizon,
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
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{diags}");
            let _ = match &summary {
                Some(s) if diags.items.is_empty() => writeln!(err, "{s}"),
                Some(s) => writeln!(err, "{s} ({})", plural(diags.warning_count(), "warning")),
                None => writeln!(
                    err,
                    "{name}: {}, {}: the scenario cannot be used",
                    plural(diags.error_count(), "error"),
                    plural(diags.warning_count(), "warning")
                ),
            };
        }
    }
    if diags.has_errors() {
        exit::BAD_INPUT
    } else {
        exit::SUCCESS
    }
}

/// Loads and validates a scenario for a command that goes on to use it. Problems and
/// warnings go to stderr; `Err` is the exit code.
fn load(file: &Path) -> Result<Scenario, i32> {
    let name = display_name(file);
    let bytes = read_input(file).map_err(|d| {
        eprintln!("{d}");
        exit::BAD_INPUT
    })?;
    match load_scenario(&bytes) {
        Ok((s, warnings)) => {
            eprint!("{warnings}");
            Ok(s)
        }
        Err(d) => {
            eprint!("{d}");
            eprintln!(
                "{name}: {}: the scenario cannot be used (see `recourse validate`)",
                plural(d.error_count(), "error")
            );
            Err(exit::BAD_INPUT)
        }
    }
}

#[derive(clap::Args)]
struct SolveArgs {
    /// Seconds the solver may take (overrides policy.time_limit_s).
    #[arg(long)]
    time_limit: Option<f64>,
    /// Relative optimality gap at which to stop (overrides policy.mip_gap).
    #[arg(long)]
    gap: Option<f64>,
    /// Solver threads, 0 = all cores (overrides policy.threads).
    #[arg(long)]
    threads: Option<u32>,
    /// Solver random seed.
    #[arg(long)]
    seed: Option<u32>,
    /// Which model to build (see models/).
    #[arg(long, default_value = "time-expanded")]
    formulation: String,
    /// Copy the solver log to stderr.
    #[arg(long)]
    verbose: bool,
}

fn solve(file: &Path, output: Option<&Path>, args: SolveArgs) -> i32 {
    let Some(formulation) = recourse::formulate::by_name(&args.formulation) else {
        let known: Vec<&str> = recourse::formulate::registry()
            .iter()
            .map(|f| f.name())
            .collect();
        eprintln!(
            "error: unknown formulation \"{}\"; known: {}",
            args.formulation,
            known.join(", ")
        );
        return exit::BAD_INPUT;
    };
    // Written so that NaN is refused too.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    if let Some(t) = args.time_limit.filter(|t| !(*t > 0.0)) {
        eprintln!("error: --time-limit must be a positive number of seconds, not {t}");
        return exit::BAD_INPUT;
    }
    if let Some(g) = args.gap.filter(|g| !(0.0..=1.0).contains(g)) {
        eprintln!("error: --gap must be a relative gap in 0..=1 (0.001 = 0.1 %), not {g}");
        return exit::BAD_INPUT;
    }
    let s = match load(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let start = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let opts = SolveOptions {
        time_limit_s: args.time_limit.unwrap_or(s.policy.time_limit_s),
        mip_gap: args.gap.unwrap_or(s.policy.mip_gap),
        threads: args.threads.unwrap_or(s.policy.threads),
        seed: args.seed,
        verbose: args.verbose,
        progress: terminal && !args.verbose,
        ..SolveOptions::default()
    };
    let analysis = recourse::risk::analyze(&s);
    if terminal {
        // Building a large model takes seconds before the solver's own progress line starts.
        eprintln!(
            "{} orders, {} at risk if nobody acts; building the {} model...",
            s.orders.len(),
            analysis.at_risk.len(),
            formulation.name()
        );
    }
    // The baseline is a feasible plan whenever it keeps the frozen commitments: the answer
    // is never worse than doing nothing, even when the solver stops early.
    let fallback = analysis.eval.feasible().then_some(&analysis.baseline.plan);
    let outcome = match recourse::optimize::optimize_with(&s, formulation, &opts, fallback) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("this is a bug in recourse; please report it with the scenario");
            return exit::INTERNAL;
        }
    };
    let doc =
        recourse::proposals::proposals_doc(&s, &analysis, &outcome, start.elapsed().as_secs_f64());
    if terminal || args.verbose {
        let base = doc.kpis.baseline.cost.total;
        match (&outcome.objective, &doc.kpis.proposed) {
            (Some(cost), Some(k)) => eprintln!(
                "{}: cost {cost:.2} against {base:.2} if nobody acts; {} of {} orders at risk (baseline {}); {:.2} s",
                outcome.status,
                k.at_risk_orders,
                k.orders,
                doc.kpis.baseline.at_risk_orders,
                doc.solve.seconds
            ),
            _ => eprintln!("{}: no plan", outcome.status),
        }
        if outcome.fell_back {
            eprintln!("the plan is the do-nothing baseline: the solver found nothing better within the limit");
        }
    }
    if !outcome.frozen_orders.is_empty() {
        eprintln!(
            "infeasible: no plan keeps every frozen order's commitment: {}",
            doc.infeasible_frozen_orders.join(", ")
        );
    }
    match write_document(&doc, output) {
        exit::SUCCESS if outcome.plan.is_some() => exit::SUCCESS,
        exit::SUCCESS => exit::NO_PLAN,
        code => code,
    }
}

fn risk(file: &Path, format: ReportFormat) -> i32 {
    let s = match load(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let analysis = recourse::risk::analyze(&s);
    let doc = report::risk_doc(&s, &analysis);
    match format {
        ReportFormat::Json => print_json(&doc),
        ReportFormat::Table => print_text(&report::risk_table(&doc, s.currency.as_deref())),
    }
}

fn check(scenario: &Path, plan_file: &Path, format: DiagFormat) -> i32 {
    if scenario == Path::new("-") && plan_file == Path::new("-") {
        eprintln!("error: only one of SCENARIO and PLAN can be read from standard input");
        return exit::BAD_INPUT;
    }
    let s = match load(scenario) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = read_input(plan_file)
        .map_err(|d| Diagnostics { items: vec![d] })
        .and_then(|bytes| parse_plan_document(&bytes))
        .and_then(|(doc, prefix)| doc.to_domain(&s, prefix));
    let plan = match plan {
        Ok(p) => p,
        Err(d) => {
            eprint!("{d}");
            eprintln!("{}: the plan cannot be read", display_name(plan_file));
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

fn generate(cfg: &GenerateConfig, output: Option<&Path>) -> i32 {
    let problems = cfg.problems();
    if !problems.is_empty() {
        for p in problems {
            eprintln!("error: {p}");
        }
        return exit::BAD_INPUT;
    }
    let (doc, report) = generate_with_report(cfg);
    eprintln!(
        "generated {} orders ({} of them from demand surges), {} disruptions; {} orders ({:.1}%) at risk",
        report.orders,
        report.surge_orders,
        report.disruptions_by_kind.iter().sum::<usize>(),
        report.at_risk,
        100.0 * report.at_risk_share
    );
    write_document(&doc, output)
}

/// Writes a JSON document to a file (atomically) or to stdout.
fn write_document<T: serde::Serialize>(doc: &T, output: Option<&Path>) -> i32 {
    let Some(path) = output else {
        return print_json(doc);
    };
    let mut bytes = serde_json::to_vec_pretty(doc).expect("documents always serialize");
    bytes.push(b'\n');
    match recourse::output::write_atomic(path, &bytes) {
        Ok(()) => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            exit::BAD_INPUT
        }
    }
}

fn print_text(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            exit::INTERNAL
        }
    }
}

/// Writes a document to stdout; a closed pipe or full disk is an internal failure.
fn print_json<T: serde::Serialize>(doc: &T) -> i32 {
    let mut out = std::io::stdout().lock();
    let r = serde_json::to_writer_pretty(&mut out, doc)
        .map_err(std::io::Error::from)
        .and_then(|_| writeln!(out))
        .and_then(|_| out.flush());
    match r {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            exit::INTERNAL
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
