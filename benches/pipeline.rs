//! Times each stage of the pipeline separately on generated scenarios, so that a change in
//! one number points at one stage.
//!
//! - `parse/<size>`: bytes to the wire document (JSON, shape and types checked).
//! - `validate/<size>`: the wire document to a validated domain scenario with typed ids.
//! - `baseline_risk/<size>`: the do-nothing simulation, its evaluation by the checker, and
//!   the at-risk orders with reasons (issue target: under 1 s for 100,000 orders, one core).
//! - `build/<formulation>/<size>`: the `tight` model (what `solve` builds) and the
//!   `time-expanded` one, small and medium (target: under 0.3 µs per nonzero; the model
//!   sizes are printed once).
//!
//! - `rules/<size>`: the priority-rules plan from the analysed scenario, small and medium.
//! - `solve/small-80`: `optimize` with the time-expanded model, one thread, as `solve` runs
//!   it (build, continuous pass, integer pass if needed, decode, check), on the small preset
//!   cut to 80 orders. The full small preset (20-35 s a solve) and medium (no plan better
//!   than the baseline within 60 s) are measured once with `recourse bench` (README).
//!
//! - `solve/small-tight`: the same with the default `tight` formulation on the whole small
//!   preset (about 3 s an iteration).
//! - `solve/medium`: `solve`'s default on the medium preset (`tight`, LP-guided search,
//!   the policy's 30 s limit, every core): 20-30 s an iteration, so only when `medium` is
//!   among the presets; its plan's cost and gap are printed once.
//! - `propose/<size>`: responses (construction, every prefix checked, explanations) from
//!   the priority-rules plan, small and medium: the rules give a plan on medium in
//!   milliseconds, where the MIP needs minutes, and one with hundreds of changes.
//!
//! Sizes are the generator presets (`recourse generate --preset NAME --seed 1`).
//! `RECOURSE_BENCH_PRESETS=small,medium cargo bench --bench pipeline -- rules` keeps the
//! large preset from even being generated (criterion's filter only skips the timing).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use recourse::documents::proposals::responses_for;
use recourse::optimize::formulate::{by_name, BuildOptions};
use recourse::optimize::highs::SolveOptions;
use recourse::optimize::optimize;
use recourse::optimize::priority_rules;
use recourse::risk::analyze;
use recourse::scenario::load::parse_scenario;
use recourse::scenario::validate::{load_scenario, load_scenario_doc, validate};
use recourse::tools::generate::{generate, GenerateConfig};
use std::time::Duration;

/// The presets to run: `RECOURSE_BENCH_PRESETS` (comma-separated) or all three.
fn presets() -> Vec<String> {
    std::env::var("RECOURSE_BENCH_PRESETS")
        .map(|v| v.split(',').map(|p| p.trim().to_owned()).collect())
        .unwrap_or_else(|_| vec!["small".into(), "medium".into(), "large".into()])
}

fn stages(c: &mut Criterion) {
    for preset in presets() {
        let preset = preset.as_str();
        let doc = generate(&GenerateConfig::preset(preset).unwrap());
        let bytes = serde_json::to_vec(&doc).unwrap();
        let (wire, scenario, _) = load_scenario_doc(&bytes).unwrap();

        let mut g = c.benchmark_group("parse");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_with_input(BenchmarkId::from_parameter(preset), &bytes, |b, bytes| {
            b.iter(|| parse_scenario(bytes).unwrap())
        });
        g.finish();

        let mut g = c.benchmark_group("validate");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_with_input(BenchmarkId::from_parameter(preset), &wire, |b, wire| {
            b.iter(|| validate(wire).unwrap())
        });
        g.finish();

        let mut g = c.benchmark_group("baseline_risk");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_with_input(BenchmarkId::from_parameter(preset), &scenario, |b, s| {
            b.iter(|| analyze(s))
        });
        g.finish();

        if preset != "large" {
            let mut g = c.benchmark_group("build");
            g.sample_size(10).measurement_time(Duration::from_secs(5));
            for name in ["tight", "time-expanded"] {
                let f = by_name(name).unwrap();
                let m = f.build(&scenario, &BuildOptions::default());
                eprintln!(
                    "build/{name}/{preset}: {} rows, {} columns, {} nonzeros, {} integer",
                    m.mip.num_rows(),
                    m.mip.num_cols(),
                    m.mip.num_nonzeros(),
                    m.mip.num_integer()
                );
                drop(m);
                g.bench_with_input(BenchmarkId::new(name, preset), &scenario, |b, s| {
                    b.iter(|| f.build(s, &BuildOptions::default()))
                });
            }
            g.finish();

            let a = analyze(&scenario);
            let mut g = c.benchmark_group("rules");
            g.sample_size(10).measurement_time(Duration::from_secs(5));
            g.bench_with_input(BenchmarkId::from_parameter(preset), &scenario, |b, s| {
                b.iter(|| priority_rules::plan(s, &a))
            });
            g.finish();

            let outcome = priority_rules::outcome(&scenario, &a);
            let n = responses_for(&scenario, &a, &outcome, None)
                .unwrap()
                .map_or(0, |r| r.responses.len());
            eprintln!("propose/{preset}: {n} responses from the rules plan");
            let mut g = c.benchmark_group("propose");
            g.sample_size(10).measurement_time(Duration::from_secs(10));
            g.bench_with_input(BenchmarkId::from_parameter(preset), &scenario, |b, s| {
                b.iter(|| responses_for(s, &a, &outcome, None).unwrap())
            });
            g.finish();
        }
    }
}

/// `solve` on the small preset cut to 80 orders: the full small preset takes 20-35 s an
/// iteration on the development machine (README), which criterion's minimum of 10 samples
/// would turn into minutes.
fn solve_small(c: &mut Criterion) {
    let cfg = GenerateConfig {
        orders: 80,
        ..GenerateConfig::preset("small").unwrap()
    };
    let (scenario, _) = load_scenario(&serde_json::to_vec(&generate(&cfg)).unwrap()).unwrap();
    let opts = SolveOptions {
        time_limit_s: 120.0,
        threads: 1,
        ..SolveOptions::default()
    };
    let mut g = c.benchmark_group("solve");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(30));
    g.bench_with_input(
        BenchmarkId::from_parameter("small-80"),
        &scenario,
        |b, s| b.iter(|| optimize(s, by_name("time-expanded").unwrap(), &opts).unwrap()),
    );
    let (small, _) = load_scenario(
        &serde_json::to_vec(&generate(&GenerateConfig::preset("small").unwrap())).unwrap(),
    )
    .unwrap();
    g.bench_with_input(
        BenchmarkId::from_parameter("small-tight"),
        &small,
        |b, s| b.iter(|| optimize(s, by_name("tight").unwrap(), &opts).unwrap()),
    );
    g.finish();
}

/// `solve`'s default on the medium preset, only when it is among the presets.
fn solve_medium(c: &mut Criterion) {
    if !presets().iter().any(|p| p == "medium") {
        return;
    }
    let (s, _) = load_scenario(
        &serde_json::to_vec(&generate(&GenerateConfig::preset("medium").unwrap())).unwrap(),
    )
    .unwrap();
    let opts = SolveOptions::from_policy(&s.policy);
    let tight = by_name("tight").unwrap();
    let o = optimize(&s, tight, &opts).unwrap();
    eprintln!(
        "solve/medium: {} {:?} bound {:?} gap {:?}, checker: {}",
        o.status().as_str(),
        o.objective(),
        o.bound(),
        o.gap(),
        o.eval().map_or("no plan", |e| if e.feasible() {
            "feasible"
        } else {
            "infeasible"
        })
    );
    let mut g = c.benchmark_group("solve");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(250));
    g.bench_with_input(BenchmarkId::from_parameter("medium"), &s, |b, s| {
        b.iter(|| optimize(s, tight, &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, stages, solve_small, solve_medium);
criterion_main!(benches);
