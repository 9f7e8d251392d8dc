//! `recourse bench`: every formulation and the rules on datasets, side by side.

use super::io::{guard, load, output_extension, write_document, write_text};
use super::solver_args::{strategy_by_name, LimitArgs};
use recourse::base::exit;
use recourse::base::input::display_name;
use recourse::optimize::strategy::Strategy;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `--time-limit`'s help here: what the limit bounds in `bench`.
const TIME_LIMIT_HELP: &str =
    "Seconds each run (one dataset and formulation) may take, and the lp_bound column's LP \
     as much again (overrides policy.time_limit_s)";

/// Compare formulations and strategies on datasets: size, time, bound, saving.
#[derive(clap::Args)]
#[command(mut_arg("time_limit", |a| a.help(TIME_LIMIT_HELP)))]
#[command(after_help = "\
Examples:
  recourse bench datasets/tiny/*.json -o tiny.csv   # csv rows: -o's extension names the format
  recourse bench small.json --formulation time-expanded,priority-rules --time-limit 60 --threads 1
  recourse bench medium.json --time-limit 60 --no-lp-bound --format json

One row per dataset and formulation: model rows, columns and nonzeros, build / solve / total
seconds, status, objective (the checker's cost of the plan), bound, gap, lp_bound (the
optimum of the model's LP relaxation), the checker's verdict, and the saving against doing
nothing (baseline cost - plan cost, and %). priority-rules has no model, so its size, bound
and lp_bound are empty. Every formulation and priority-rules run unless --formulation
names some. Without --format, -o's name chooses it as for solve and risk: .csv the csv rows,
.json the recourse.bench document, any other name (and standard output) the table. Exits 3
if any run failed (the row says why).")]
pub struct Args {
    /// Scenario files.
    #[arg(required = true)]
    pub datasets: Vec<PathBuf>,
    /// Comma-separated formulations (and/or priority-rules); all when absent.
    #[arg(long, value_delimiter = ',')]
    pub formulation: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Skip the LP relaxation solve (saves a build and an LP per model).
    #[arg(long)]
    pub no_lp_bound: bool,
    /// table (aligned columns for a terminal), csv (one row per run, for a spreadsheet) or
    /// json (a recourse.bench document). Default: what -o's extension says (.csv, .json),
    /// else table.
    #[arg(long, value_enum)]
    pub format: Option<BenchFormat>,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BenchFormat {
    Table,
    Csv,
    Json,
}

pub fn run(args: Args) -> i32 {
    let inputs: Vec<&Path> = args.datasets.iter().map(PathBuf::as_path).collect();
    let output = args.output.clone();
    match guard(output.as_deref(), &inputs) {
        Ok(output) => {
            let format = args.format.unwrap_or_else(|| default_format(output));
            bench(args, format, output)
        }
        Err(code) => code,
    }
}

/// The format `bench` writes without `--format`: the one -o's extension names, as for
/// `solve` and `risk`, else the table.
fn default_format(output: Option<&Path>) -> BenchFormat {
    match output_extension(output).as_deref() {
        Some("csv") => BenchFormat::Csv,
        Some("json") => BenchFormat::Json,
        _ => BenchFormat::Table,
    }
}

/// The formulations to run: those named, each once in the order first named, or all.
fn chosen(names: Vec<String>) -> Vec<String> {
    if names.is_empty() {
        return recourse::optimize::strategy::names()
            .iter()
            .map(|n| n.to_string())
            .collect();
    }
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

fn bench(args: Args, format: BenchFormat, output: Option<&Path>) -> i32 {
    use recourse::tools::bench::{run, BenchDoc, BenchOptions, BENCH_FORMAT};
    let Args {
        datasets: files,
        formulation: names,
        limits,
        no_lp_bound,
        format: _,
        output: _,
    } = args;
    let lp_bound = !no_lp_bound;
    let names = chosen(names);
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
        BenchFormat::Table => write_text(&recourse::tools::bench_report::table(&rows), output),
        BenchFormat::Csv => write_text(&recourse::tools::bench_report::csv(&rows), output),
        BenchFormat::Json => write_document(
            &BenchDoc {
                format: BENCH_FORMAT.to_owned(),
                solver: recourse::optimize::highs::highs_version(),
                rows,
            },
            output,
        ),
    };
    if code == exit::SUCCESS && failed {
        exit::INTERNAL
    } else {
        code
    }
}
