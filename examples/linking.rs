//! Weak against strong linking on imported instances: the root LP bound (the model with
//! every integrality dropped), then the MIP, single-threaded, with the scenario's gap.
//! Prints a Markdown table (the README's "For researchers" section quotes one).
//!
//! ```text
//! cargo run --release --example linking -- mcnd/r03.6.dow mcnd/c33.dow ssfctp/g1_n500_0
//! ```
//!
//! Paths are relative to `RECOURSE_SHARED_DATA` (default `../shared/data` beside the crate);
//! `.dow` files are MCND, others SSFCTP. `--time-limit S` caps each MIP (default 600);
//! `--lp-only` skips the MIP.

use recourse::optimize::formulate::{by_name, BuildOptions};
use recourse::optimize::highs::{solve, SolveOptions};
use recourse::optimize::optimize;
use recourse::scenario::validate::load_scenario;
use recourse::tools::import::{import, Format};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut limit = 600.0;
    if let Some(i) = args.iter().position(|a| a == "--time-limit") {
        limit = args[i + 1].parse().expect("--time-limit takes seconds");
        args.drain(i..=i + 1);
    }
    let lp_only = args.iter().any(|a| a == "--lp-only");
    args.retain(|a| a != "--lp-only");
    let data = std::env::var_os("RECOURSE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    println!("| instance | formulation | rows | columns | root LP bound | LP s | MIP status | objective | MIP s |");
    println!("|---|---|---:|---:|---:|---:|---|---:|---:|");
    for name in &args {
        let path = data.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let format = if name.ends_with(".dow") {
            Format::Mcnd
        } else {
            Format::Ssfctp
        };
        let id = path.file_name().unwrap().to_string_lossy();
        let imported = import(format, &text, name, &id).unwrap_or_else(|e| panic!("{e}"));
        let (s, _) = load_scenario(&serde_json::to_vec(&imported.doc).unwrap()).unwrap();
        for formulation in ["time-expanded", "time-expanded-strong"] {
            let model = by_name(formulation)
                .unwrap()
                .build(&s, &BuildOptions::default());
            let opts = SolveOptions {
                time_limit_s: limit,
                mip_gap: s.policy.mip_gap,
                threads: 1,
                ..SolveOptions::default()
            };
            let lp = model.mip.clone().relaxed();
            let t = Instant::now();
            let relaxed = solve(&lp, &opts).expect("LP");
            let lp_s = t.elapsed().as_secs_f64();
            if lp_only {
                println!(
                    "| {id} | {formulation} | {} | {} | {:.1} | {lp_s:.2} | | | |",
                    model.mip.num_rows(),
                    model.mip.num_cols(),
                    relaxed.objective.unwrap_or(f64::NAN)
                );
                continue;
            }
            // Through `optimize`, so that the plan passes the independent checker.
            let t = Instant::now();
            let mip = optimize(&s, by_name(formulation).unwrap(), &opts).expect("MIP");
            let mip_s = t.elapsed().as_secs_f64();
            println!(
                "| {id} | {formulation} | {} | {} | {:.1} | {lp_s:.2} | {} | {} | {mip_s:.2} |",
                model.mip.num_rows(),
                model.mip.num_cols(),
                relaxed.objective.unwrap_or(f64::NAN),
                mip.status(),
                mip.objective()
                    .map_or("-".to_owned(), |o| format!("{o:.1}")),
            );
        }
    }
}
