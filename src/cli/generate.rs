//! `recourse generate`: a synthetic scenario from sizes and a seed.

use super::io::{guard, plural, write_scenario};
use recourse::base::exit;
use recourse::tools::generate::{generate_with_report, GenerateConfig};
use std::path::{Path, PathBuf};

/// Write a synthetic scenario: a network, orders with feasible plans, then disruptions.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse generate --preset medium --seed 1 -o medium.json
  recourse generate --orders 1000 --skus 50 --disruption-rate 0.15 > scenario.json
  recourse generate --mix lane_outage=1,stock_loss=3 --modes ground -o outages.json

The same arguments always give the same bytes. Presets: small (200 orders), medium (5,000
orders, 30 stock nodes, 300 SKUs), large (100,000 orders); the size options override them.")]
pub struct Args {
    /// The sizes to start from; the options below override them.
    #[arg(long, default_value = "small", value_parser = ["small", "medium", "large"])]
    pub preset: String,
    /// Random seed: the same arguments and seed always give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Orders with a plan (demand-surge orders come on top).
    #[arg(long)]
    pub orders: Option<usize>,
    /// Plants, DCs and stores together (about 1 in 8 a plant, 1 in 6 a store).
    #[arg(long)]
    pub stock_nodes: Option<usize>,
    /// Customer zones (order destinations that hold no stock).
    #[arg(long)]
    pub zones: Option<usize>,
    /// SKUs (demand is skewed: a few sell most).
    #[arg(long)]
    pub skus: Option<usize>,
    /// Planning horizon in days (1..=366).
    #[arg(long)]
    pub horizon: Option<u32>,
    /// Transport modes, comma-separated, each once: ground (required) and air. Default:
    /// ground,air.
    #[arg(long, value_delimiter = ',')]
    pub modes: Vec<String>,
    /// Target share of orders at risk in the do-nothing baseline (0..=1).
    #[arg(long, allow_negative_numbers = true)]
    pub disruption_rate: Option<f64>,
    /// Relative weights of the disruption kinds, e.g. lane_outage=2,stock_loss=1; kinds
    /// left out get 0. Kinds: inbound_delay, inbound_cancel, stock_loss, node_outage,
    /// lane_outage, lane_delay, demand_surge. Default: all of them (20/8/14/16/10/16/16).
    #[arg(long)]
    pub mix: Option<String>,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    let Args {
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
    } = args;
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

/// `problems`: what the command line already found wrong; the configuration's own are added.
fn generate(cfg: &GenerateConfig, mut problems: Vec<String>, output: Option<&Path>) -> i32 {
    problems.extend(cfg.problems());
    if let Some(available) = recourse::base::limits::available_memory() {
        problems.extend(cfg.memory_problem(available));
    }
    if !problems.is_empty() {
        for p in problems {
            note!("error: {p}");
        }
        return exit::BAD_INPUT;
    }
    let (doc, report) = generate_with_report(cfg);
    note!(
        "generated {} ({} of them from demand surges), {}; {} ({:.1}%) at risk",
        plural(report.orders, "order"),
        report.surge_orders,
        plural(
            report.disruptions_by_kind.iter().sum::<usize>(),
            "disruption"
        ),
        plural(report.at_risk, "order"),
        100.0 * report.at_risk_share
    );
    if report.missed_target() {
        note!(
            "warning: aimed at {} orders at risk (--disruption-rate {}) but reached {}: the disruption kinds in the mix ran out of candidates on this network; name more kinds in --mix, or lower the rate",
            report.target_at_risk, cfg.disruption_rate, report.at_risk
        );
    }
    write_scenario(&doc, output)
}
