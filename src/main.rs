//! The `recourse` command line. The only place that prints and chooses the exit code.

use clap::{Parser, Subcommand, ValueEnum};
use recourse::base::diagnostics::{Diagnostics, DiagnosticsDoc};
use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use recourse::base::limits::{MAX_THREADS, MAX_TIME_LIMIT_S};
use recourse::base::output::{is_stdout, refuse_same_file, write_output};
use recourse::base::text::printable;
use recourse::documents::report;
use recourse::optimize::highs::{Guide, SolveOptions};
use recourse::optimize::strategy::Strategy;
use recourse::plan::parse_plan_document;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::{load_scenario, load_scenario_doc};
use recourse::scenario::wire::ScenarioDoc;
use recourse::tools::generate::{generate_with_report, GenerateConfig};
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
  recourse solve scenario.json --formulation priority-rules   # what rule-based ATP would do
  recourse solve scenario.json --format markdown > ticket.md
  recourse solve big.json --time-limit 60 --verbose   # LP-guided search first (--guide auto)

Writes a recourse.proposals/1 document (solve report, KPIs before and after, at-risk orders,
ranked responses with their deltas and approvals, unresolved orders, baseline plan and plan)
to stdout, or atomically to -o FILE; --format table or markdown writes a readable report of
the same. Approve or reject responses with `recourse apply`. Every plan is checked against
SCENARIO.md section 3 before it is written. Limits default to the scenario's policy
(time_limit_s 30, mip_gap 0.0001, threads 0 = all cores). On models of 250k nonzeros or
more, and under limits of 2 s or less (--guide auto), an LP-guided search runs before the
MIP; its bound is proven once its LP converges (models/guided.md). Exits 0 with a plan, 1 without one
(infeasible, or a limit hit before any plan), 2 on bad input, 3 on an internal or solver
failure.")]
    Solve {
        /// Scenario file, or - for standard input.
        scenario: PathBuf,
        /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// json (the proposals document), table (a terminal report) or markdown. Default:
        /// table on a terminal, json otherwise (and with -o).
        #[arg(long, value_enum)]
        format: Option<ProposalsFormat>,
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
  recourse generate --mix lane_outage=1,stock_loss=3 --modes ground -o outages.json

The same arguments always give the same bytes. Presets: small (200 orders), medium (5,000
orders, 30 stock nodes, 300 SKUs), large (100,000 orders); the size options override them.")]
    Generate {
        /// The sizes to start from; the options below override them.
        #[arg(long, default_value = "small", value_parser = ["small", "medium", "large"])]
        preset: String,
        /// Random seed: the same arguments and seed always give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Orders with a plan (demand-surge orders come on top).
        #[arg(long)]
        orders: Option<usize>,
        /// Plants, DCs and stores together (about 1 in 8 a plant, 1 in 6 a store).
        #[arg(long)]
        stock_nodes: Option<usize>,
        /// Customer zones (order destinations that hold no stock).
        #[arg(long)]
        zones: Option<usize>,
        /// SKUs (demand is skewed: a few sell most).
        #[arg(long)]
        skus: Option<usize>,
        /// Planning horizon in days (1..=366).
        #[arg(long)]
        horizon: Option<u32>,
        /// Transport modes, comma-separated: ground (required) and air. Default: ground,air.
        #[arg(long, value_delimiter = ',')]
        modes: Vec<String>,
        /// Target share of orders at risk in the do-nothing baseline (0..=1).
        #[arg(long, allow_negative_numbers = true)]
        disruption_rate: Option<f64>,
        /// Relative weights of the disruption kinds, e.g. lane_outage=2,stock_loss=1; kinds
        /// left out get 0. Kinds: inbound_delay, inbound_cancel, stock_loss, node_outage,
        /// lane_outage, lane_delay, demand_surge. Default: all of them (20/8/14/16/10/16/16).
        #[arg(long)]
        mix: Option<String>,
        /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write the model of a scenario for another solver: MPS or LP, with readable names.
    #[command(after_help = "\
Examples:
  recourse export datasets/tiny/demo-eu.json -o demo.mps
  recourse export scenario.json --format lp --formulation time-expanded -o model.lp
  highs demo.mps        # any MPS reader reaches the objective `recourse solve` reports

The model is the one `solve` solves in its final, integer form (quantities integer when
policy.integer_quantities), names included (`x[order,sku,node,lane,day]`, `balance[...]`;
see models/). MPS is written by recourse itself (free format, deterministic; the model's
constant is the objective row's RHS, negated); LP is HiGHS's translation of it, with the
names in the characters an LP file allows: brackets as parentheses, `-` and any other
forbidden character as `_` (`x(SO_1,SKU_1,DC_PAR,PAR_LYO_G,3)`).")]
    Export {
        /// Scenario file, or - for standard input.
        scenario: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Mps)]
        format: ExportFormat,
        /// Which model to write (see models/).
        #[arg(long, default_value = "tight")]
        formulation: String,
        /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Compare formulations and strategies on datasets: size, time, bound, saving.
    #[command(after_help = "\
Examples:
  recourse bench datasets/tiny/*.json --format csv > tiny.csv
  recourse bench small.json --formulation time-expanded,priority-rules --time-limit 60 --threads 1
  recourse bench medium.json --time-limit 60 --no-lp-bound --format json

One row per dataset and formulation: model rows, columns and nonzeros, build / solve / total
seconds, status, objective (the checker's cost of the plan), bound, gap, lp_bound (the
optimum of the model's LP relaxation), the checker's verdict, and the saving against doing
nothing (baseline cost - plan cost, and %). priority-rules has no model, so its size, bound
and lp_bound are empty. Every formulation and priority-rules run unless --formulation
names some. Exits 3 if any run failed (the row says why).")]
    Bench(BenchArgs),
    /// Fold approved responses into a new scenario; forbid what rejected ones would add.
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
    Apply {
        /// The scenario the proposals were made for.
        scenario: PathBuf,
        /// A proposals document from `recourse solve`.
        proposals: PathBuf,
        /// Response ids to approve, comma-separated (or repeated); `all` approves every one.
        #[arg(long)]
        approve: Vec<String>,
        /// Response ids to reject, comma-separated (or repeated).
        #[arg(long)]
        reject: Vec<String>,
        /// Output file for the new scenario (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Turn a benchmark instance from the literature into a scenario (models/*-import.md).
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
    Import {
        /// Instance format.
        #[arg(value_enum)]
        kind: ImportKind,
        /// Instance file, or - for standard input.
        file: PathBuf,
        /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of a document format.
    #[command(after_help = "\
Examples:
  recourse schema scenario > scenario.schema.json
  recourse schema proposals > proposals.schema.json")]
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

#[derive(clap::Args)]
struct BenchArgs {
    /// Scenario files.
    #[arg(required = true)]
    datasets: Vec<PathBuf>,
    /// Comma-separated formulations (and/or priority-rules); all when absent.
    #[arg(long, value_delimiter = ',')]
    formulation: Vec<String>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Skip the LP relaxation solve (saves a build and an LP per model).
    #[arg(long)]
    no_lp_bound: bool,
    /// table (aligned columns for a terminal), csv (one row per run, for a spreadsheet) or
    /// json (a recourse.bench document).
    #[arg(long, value_enum, default_value_t = BenchFormat::Table)]
    format: BenchFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Mps,
    Lp,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProposalsFormat {
    Json,
    Table,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    Mcnd,
    Ssfctp,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaDoc {
    Scenario,
    Proposals,
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    // Lets the tests prove that a panic reaches the user as exit 3 and one line; no input
    // can make the program panic on purpose, so the tests need a way in. Undocumented.
    if std::env::var_os("RECOURSE_TEST_PANIC").is_some() {
        panic!("RECOURSE_TEST_PANIC is set");
    }
    let code = match cli.command {
        Command::Validate { file, format } => validate(&file, format),
        Command::Risk { scenario, format } => risk(&scenario, format),
        Command::Solve {
            scenario,
            output,
            format,
            args,
        } => match guard(output.as_deref(), &[&scenario]) {
            Ok(output) => solve(&scenario, output, format, args),
            Err(code) => code,
        },
        Command::Check {
            scenario,
            plan,
            format,
        } => match guard(None, &[&scenario, &plan]) {
            Ok(_) => check(&scenario, &plan, format),
            Err(code) => code,
        },
        Command::Generate {
            preset,
            seed,
            orders,
            stock_nodes,
            zones,
            skus,
            horizon,
            modes,
            disruption_rate,
            mix,
            output,
        } => {
            let mut cfg = GenerateConfig::preset(&preset).expect("clap checks the preset names");
            if !modes.is_empty() {
                cfg.modes = modes;
            }
            let mut problems = Vec::new();
            if let Some(spec) = mix {
                match recourse::tools::generate::DisruptionMix::parse(&spec) {
                    Ok(m) => cfg.mix = m,
                    Err(e) => problems.push(e),
                }
            }
            cfg.seed = seed;
            cfg.orders = orders.unwrap_or(cfg.orders);
            cfg.stock_nodes = stock_nodes.unwrap_or(cfg.stock_nodes);
            cfg.customer_zones = zones.unwrap_or(cfg.customer_zones);
            cfg.skus = skus.unwrap_or(cfg.skus);
            cfg.horizon_days = horizon.unwrap_or(cfg.horizon_days);
            cfg.disruption_rate = disruption_rate.unwrap_or(cfg.disruption_rate);
            match guard(output.as_deref(), &[]) {
                Ok(output) => generate(&cfg, problems, output),
                Err(code) => code,
            }
        }
        Command::Bench(args) => {
            let inputs: Vec<&Path> = args.datasets.iter().map(PathBuf::as_path).collect();
            match guard(None, &inputs) {
                Ok(_) => bench(args),
                Err(code) => code,
            }
        }
        Command::Export {
            scenario,
            format,
            formulation,
            output,
        } => match guard(output.as_deref(), &[&scenario]) {
            Ok(output) => export(&scenario, format, &formulation, output),
            Err(code) => code,
        },
        Command::Apply {
            scenario,
            proposals,
            approve,
            reject,
            output,
        } => match guard(output.as_deref(), &[&scenario, &proposals]) {
            Ok(output) => apply(&scenario, &proposals, &approve, &reject, output),
            Err(code) => code,
        },
        Command::Import { kind, file, output } => match guard(output.as_deref(), &[&file]) {
            Ok(output) => import(kind, &file, output),
            Err(code) => code,
        },
        Command::Schema {
            document: SchemaDoc::Scenario,
        } => print_json(&recourse::documents::schema::scenario_schema()),
        Command::Schema {
            document: SchemaDoc::Proposals,
        } => print_json(&recourse::documents::schema::proposals_schema()),
    };
    ExitCode::from(code as u8)
}

/// A panic is a bug in recourse, never the user's doing: it ends the process with exit 3
/// and one line saying where, from whichever thread it happens in (a rayon worker's panic
/// would otherwise surface as exit 101 with Rust's own message). `RUST_BACKTRACE=1` adds
/// the backtrace for the bug report.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "internal error: {what}{place}. This is a bug in recourse {}; please report it \
             with the command and its input.",
            env!("CARGO_PKG_VERSION")
        );
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
        std::process::exit(exit::INTERNAL);
    }));
}

/// Checks a command's files before any work and gives the output to write to (`None`:
/// standard output, which `-o -` also names). Standard input can be read once, and an
/// output that is one of the inputs would destroy it: both are usage errors.
fn guard<'a>(output: Option<&'a Path>, inputs: &[&Path]) -> Result<Option<&'a Path>, i32> {
    let stdin_uses = inputs.iter().filter(|p| is_stdout(p)).count();
    if stdin_uses > 1 {
        eprintln!(
            "error: - (standard input) is named {stdin_uses} times; it can be read only once: \
             save all but one of the inputs to files"
        );
        return Err(exit::BAD_INPUT);
    }
    let output = output.filter(|p| !is_stdout(p));
    if let Some(out) = output {
        if let Err(message) = refuse_same_file(out, inputs) {
            eprintln!("error: {message}");
            return Err(exit::BAD_INPUT);
        }
    }
    Ok(output)
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
    load_doc(file).map(|(_, s)| s)
}

/// [`load`] that also keeps the parsed document.
fn load_doc(file: &Path) -> Result<(ScenarioDoc, Scenario), i32> {
    let name = display_name(file);
    let bytes = read_input(file).map_err(|d| {
        eprintln!("{d}");
        exit::BAD_INPUT
    })?;
    match load_scenario_doc(&bytes) {
        Ok((doc, s, warnings)) => {
            eprint!("{warnings}");
            Ok((doc, s))
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
    #[command(flatten)]
    limits: LimitArgs,
    /// Solver random seed.
    #[arg(long)]
    seed: Option<u32>,
    /// Which model to build (see models/), or `priority-rules`: no model, the plan that
    /// rule-based order promising gives (status feasible, limit heuristic, no bound).
    #[arg(long, default_value = "tight")]
    formulation: String,
    /// Copy the solver log to stderr.
    #[arg(long)]
    verbose: bool,
}

/// The solver settings `solve` and `bench` share; each overrides the scenario's policy.
#[derive(clap::Args)]
struct LimitArgs {
    /// Seconds each solve may take (overrides policy.time_limit_s).
    // So that `--time-limit -3` gets this program's message, not clap's "use -- -3".
    #[arg(long, allow_negative_numbers = true)]
    time_limit: Option<f64>,
    /// Relative optimality gap at which to stop (overrides policy.mip_gap).
    #[arg(long, allow_negative_numbers = true)]
    gap: Option<f64>,
    /// Solver threads, 0 = all cores (overrides policy.threads).
    // Negative numbers reach the value parser, which names the flag, instead of clap's
    // "use -- -1" tip.
    #[arg(long, allow_negative_numbers = true)]
    threads: Option<u32>,
    /// LP-guided search before the MIP (column generation for a bound, slope scaling
    /// for the lane-day charges, a polished plan; models/guided.md): auto = for models of
    /// 250k nonzeros or more, and for time limits of 2 s or less.
    #[arg(long, value_enum, default_value_t = GuideArg::Auto)]
    guide: GuideArg,
}

impl LimitArgs {
    /// `--time-limit`, `--gap` and `--threads`, when given, must be in the ranges a
    /// scenario's policy allows; the message says why not,
    /// and `Err` is the exit code.
    fn check(&self) -> Result<(), i32> {
        // Written so that NaN is refused too.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if let Some(t) = self
            .time_limit
            .filter(|t| !(*t > 0.0 && *t <= MAX_TIME_LIMIT_S))
        {
            eprintln!(
                "error: --time-limit must be a positive number of seconds up to {MAX_TIME_LIMIT_S:e}, not {t}"
            );
            return Err(exit::BAD_INPUT);
        }
        if let Some(n) = self.threads.filter(|n| i64::from(*n) > MAX_THREADS) {
            eprintln!("error: --threads must be in 0..={MAX_THREADS} (0 = all cores), not {n}");
            return Err(exit::BAD_INPUT);
        }
        if let Some(g) = self.gap.filter(|g| !(0.0..=1.0).contains(g)) {
            eprintln!("error: --gap must be a relative gap in 0..=1 (0.001 = 0.1 %), not {g}");
            return Err(exit::BAD_INPUT);
        }
        Ok(())
    }

    /// The options for solving `s`: these arguments where given, else its policy.
    fn options(&self, s: &Scenario) -> SolveOptions {
        let policy = SolveOptions::from_policy(&s.policy);
        SolveOptions {
            time_limit_s: self.time_limit.unwrap_or(policy.time_limit_s),
            mip_gap: self.gap.unwrap_or(policy.mip_gap),
            threads: self.threads.unwrap_or(policy.threads),
            guide: self.guide.into(),
            ..policy
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum GuideArg {
    Auto,
    On,
    Off,
}

impl From<GuideArg> for Guide {
    fn from(g: GuideArg) -> Guide {
        match g {
            GuideArg::Auto => Guide::Auto,
            GuideArg::On => Guide::On,
            GuideArg::Off => Guide::Off,
        }
    }
}

fn solve(
    file: &Path,
    output: Option<&Path>,
    format: Option<ProposalsFormat>,
    args: SolveArgs,
) -> i32 {
    let Some(strategy) = strategy_by_name(&args.formulation) else {
        return exit::BAD_INPUT;
    };
    if let Err(code) = args.limits.check() {
        return code;
    }
    let s = match load(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let start = std::time::Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let opts = SolveOptions {
        seed: args.seed,
        verbose: args.verbose,
        progress: terminal && !args.verbose,
        ..args.limits.options(&s)
    };
    let analysis = recourse::risk::analyze(&s);
    if terminal {
        // Building a large model takes seconds before the solver's own progress line starts.
        eprintln!(
            "{} orders, {} at risk if nobody acts; running {}...",
            s.orders.len(),
            analysis.at_risk.len(),
            args.formulation
        );
    }
    // A model's answer is never worse than doing nothing or the rules, even when the solver
    // stops early (Strategy::run falls back on the cheaper of the baseline and the rules'
    // plan).
    let outcome = match strategy.run(&s, &analysis, &opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("this is a bug in recourse; please report it with the scenario");
            return exit::INTERNAL;
        }
    };
    let respond_start = std::time::Instant::now();
    let responses = match recourse::documents::proposals::responses_for(&s, &analysis, &outcome) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("this is a bug in recourse; please report it with the scenario");
            return exit::INTERNAL;
        }
    };
    let respond_seconds = respond_start.elapsed().as_secs_f64();
    let doc = recourse::documents::proposals::proposals_doc(
        &s,
        &analysis,
        &outcome,
        responses.as_ref(),
        start.elapsed().as_secs_f64(),
    );
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
        if let (Some(g), true) = (&outcome.guided, args.verbose) {
            eprintln!(
                "guided: {} ({}, {} LP solves, {} of {} columns) in {:.2} s; slope scaling over {} charges, {} rounds, {:.2} s; dive {} rounds and polish {:.2} s, plan {}",
                match g.bound {
                    Some(b) if g.lp_converged => format!("LP bound {b:.2}"),
                    Some(b) if b > 0.0 => format!("bound {b:.2}"),
                    _ => "nothing proven".to_owned(),
                },
                if g.lp_converged { "converged" } else { "pricing stopped at its share of the time" },
                g.pricing_rounds,
                g.columns,
                outcome.cols,
                g.lp_seconds,
                g.charges,
                g.slope_rounds,
                g.slope_seconds,
                g.dive_rounds,
                g.polish_seconds,
                g.start_objective.map_or("none".into(), |o| format!("{o:.2}")),
            );
        }
        if let Some(name) = outcome.fallback {
            eprintln!(
                "the plan is the {name} plan: the solver found nothing better within the limit"
            );
        }
        if outcome.plan.is_some() {
            eprintln!(
                "{}; {} at-risk orders left late or short; built and checked in {:.2} s",
                recourse::documents::proposals_report::granularity(&doc),
                doc.unresolved.len(),
                respond_seconds
            );
        }
    }
    if !outcome.frozen_orders.is_empty() {
        eprintln!(
            "infeasible: no plan keeps every frozen order's commitment: {}",
            doc.infeasible_frozen_orders.join(", ")
        );
    }
    let format = format.unwrap_or(if output.is_none() && std::io::stdout().is_terminal() {
        ProposalsFormat::Table
    } else {
        ProposalsFormat::Json
    });
    let style = match format {
        ProposalsFormat::Json => None,
        ProposalsFormat::Table => Some(recourse::documents::proposals_report::Style::Table),
        ProposalsFormat::Markdown => Some(recourse::documents::proposals_report::Style::Markdown),
    };
    let written = match style {
        None => write_document(&doc, output),
        Some(style) => {
            let text =
                recourse::documents::proposals_report::render(&doc, s.currency.as_deref(), style);
            write_text(&text, output)
        }
    };
    match written {
        exit::SUCCESS if outcome.plan.is_some() => exit::SUCCESS,
        exit::SUCCESS => exit::NO_PLAN,
        code => code,
    }
}

/// The strategy of that name; prints the known names and returns `None` when unknown.
fn strategy_by_name(name: &str) -> Option<Strategy> {
    let found = recourse::optimize::strategy::by_name(name);
    if found.is_none() {
        eprintln!(
            "error: unknown formulation \"{name}\"; known: {}",
            recourse::optimize::strategy::names().join(", ")
        );
    }
    found
}

fn bench(args: BenchArgs) -> i32 {
    use recourse::tools::bench::{run, BenchDoc, BenchOptions, BENCH_FORMAT};
    let BenchArgs {
        datasets: files,
        formulation: names,
        limits,
        no_lp_bound,
        format,
    } = args;
    let lp_bound = !no_lp_bound;
    let names: Vec<String> = if names.is_empty() {
        recourse::optimize::strategy::names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    } else {
        names
    };
    let Some(strategies) = names
        .iter()
        .map(|n| strategy_by_name(n))
        .collect::<Option<Vec<Strategy>>>()
    else {
        return exit::BAD_INPUT;
    };
    if let Err(code) = limits.check() {
        return code;
    }
    // Every dataset is read first: a typo should not surface after an hour of solving.
    let mut scenarios = Vec::new();
    for f in &files {
        match load(f) {
            Ok(s) => scenarios.push((display_name(f), s)),
            Err(code) => return code,
        }
    }
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new((scenarios.len() * strategies.len()) as u64)
            .with_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} runs, {elapsed}  {wide_msg}",
                )
                .expect("a valid template"),
            );
        // One run can take minutes: keep the elapsed time moving between runs.
        bar.enable_steady_tick(std::time::Duration::from_millis(250));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut rows = Vec::new();
    for (name, s) in &scenarios {
        let opts = BenchOptions {
            solve: limits.options(s),
            lp_bound,
        };
        for st in &strategies {
            bar.set_message(format!("{name} / {}", st.name()));
            rows.push(run(name, s, *st, &opts));
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let failed = rows.iter().any(|r| r.error.is_some());
    let code = match format {
        BenchFormat::Table => print_text(&recourse::tools::bench_report::table(&rows)),
        BenchFormat::Csv => print_text(&recourse::tools::bench_report::csv(&rows)),
        BenchFormat::Json => print_json(&BenchDoc {
            format: BENCH_FORMAT.to_owned(),
            solver: recourse::optimize::highs::highs_version(),
            rows,
        }),
    };
    if code == exit::SUCCESS && failed {
        exit::INTERNAL
    } else {
        code
    }
}

fn export(file: &Path, format: ExportFormat, formulation: &str, output: Option<&Path>) -> i32 {
    let f = match strategy_by_name(formulation) {
        None => return exit::BAD_INPUT,
        Some(Strategy::Rules) => {
            eprintln!("error: {formulation} builds no model; pick a formulation, e.g. --formulation time-expanded");
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
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INTERNAL;
        }
    };
    if let Err((path, e)) = written {
        eprintln!("error: cannot write {}: {e}", path.display());
        return exit::BAD_INPUT;
    }
    eprintln!(
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
    let mut diags = Diagnostics::default();
    let doc = recourse::scenario::load::parse_json(&bytes, "proposals document", &mut diags)
        .ok_or(diags)
        .and_then(|value| {
            recourse::scenario::load::typed::<recourse::documents::proposals::ProposalsDoc>(
                &value, "",
            )
            .map_err(|d| Diagnostics { items: vec![d] })
        });
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

/// `problems`: what the command line already found wrong; the configuration's own are added.
fn generate(cfg: &GenerateConfig, mut problems: Vec<String>, output: Option<&Path>) -> i32 {
    problems.extend(cfg.problems());
    if let Some(available) = recourse::base::limits::available_memory() {
        problems.extend(cfg.memory_problem(available));
    }
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
    if report.missed_target() {
        eprintln!(
            "warning: aimed at {} orders at risk (--disruption-rate {}) but reached {}: the disruption kinds in the mix ran out of candidates on this network; name more kinds in --mix, or lower the rate",
            report.target_at_risk, cfg.disruption_rate, report.at_risk
        );
    }
    write_document(&doc, output)
}

/// Writes a JSON document to a file (see `base::output`) or to stdout.
fn write_document<T: serde::Serialize>(doc: &T, output: Option<&Path>) -> i32 {
    let Some(path) = output else {
        return print_json(doc);
    };
    let mut bytes = serde_json::to_vec_pretty(doc).expect("documents always serialize");
    bytes.push(b'\n');
    match write_output(path, &bytes) {
        Ok(()) => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            exit::BAD_INPUT
        }
    }
}

/// Writes text to a file (see `base::output`) or to stdout.
fn write_text(text: &str, output: Option<&Path>) -> i32 {
    let Some(path) = output else {
        return print_text(text);
    };
    match write_output(path, printable(text).as_bytes()) {
        Ok(()) => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            exit::BAD_INPUT
        }
    }
}

/// Text for a person (tables, Markdown, CSV) goes out through [`printable`], so no id can
/// put a raw control character on the reader's terminal.
fn print_text(text: &str) -> i32 {
    print_bytes(printable(text).as_bytes())
}

/// Writes bytes to stdout; a closed pipe is exit 0 (see [`print_json`]), any other error 3.
fn print_bytes(bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            exit::INTERNAL
        }
    }
}

/// Writes a document to stdout. A closed pipe means the reader stopped reading (as `head`
/// does), which is not a failure: exit 0. Any other write error is exit 3.
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
    recourse::base::text::plural(n as f64, word)
}
