//! Times each stage of the pipeline separately on generated scenarios, so that a change in
//! one number points at one stage.
//!
//! - `parse_validate/<size>`: bytes to a validated domain scenario.
//! - `baseline_risk/<size>`: the do-nothing simulation, its evaluation by the checker, and
//!   the at-risk orders with reasons (issue target: under 1 s for 100,000 orders, one core).
//! - `build/<size>`: the time-expanded model, small and medium (target: under 0.3 µs per
//!   nonzero; the model sizes are printed once).
//!
//! Sizes are the generator presets (`recourse generate --preset NAME --seed 1`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use recourse::formulate::{by_name, BuildOptions};
use recourse::generate::{generate, GenerateConfig};
use recourse::risk::analyze;
use recourse::validate::load_scenario;
use std::time::Duration;

fn stages(c: &mut Criterion) {
    for preset in ["small", "medium", "large"] {
        let doc = generate(&GenerateConfig::preset(preset).unwrap());
        let bytes = serde_json::to_vec(&doc).unwrap();
        let (scenario, _) = load_scenario(&bytes).unwrap();

        let mut g = c.benchmark_group("parse_validate");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_with_input(BenchmarkId::from_parameter(preset), &bytes, |b, bytes| {
            b.iter(|| load_scenario(bytes).unwrap())
        });
        g.finish();

        let mut g = c.benchmark_group("baseline_risk");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.bench_with_input(BenchmarkId::from_parameter(preset), &scenario, |b, s| {
            b.iter(|| analyze(s))
        });
        g.finish();

        if preset != "large" {
            let f = by_name("time-expanded").unwrap();
            let m = f.build(&scenario, &BuildOptions::default());
            eprintln!(
                "build/{preset}: {} rows, {} columns, {} nonzeros, {} integer",
                m.mip.num_rows(),
                m.mip.num_cols(),
                m.mip.num_nonzeros(),
                m.mip.num_integer()
            );
            let mut g = c.benchmark_group("build");
            g.sample_size(10).measurement_time(Duration::from_secs(5));
            g.bench_with_input(BenchmarkId::from_parameter(preset), &scenario, |b, s| {
                b.iter(|| f.build(s, &BuildOptions::default()))
            });
            g.finish();
        }
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
