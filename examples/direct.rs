//! The reference the import targets are measured against: hand-written textbook models of
//! MCND (strong linking) and SSFCTP, built straight from the instance files and solved by
//! the same HiGHS through `recourse::optimize::highs`, single-threaded, gap 1e-6. Prints the
//! objective and the wall and CPU seconds of each solve.
//!
//! ```text
//! cargo run --release --example direct -- mcnd/c33.dow ssfctp/g1_n500_1
//! ```
//!
//! Paths are relative to `RECOURSE_SHARED_DATA` (default `../shared/data` beside the crate).

use recourse::optimize::highs::{solve, SolveOptions};
use recourse::optimize::mip::{Mip, Var};
use recourse::tools::import::{mcnd, ssfctp};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let data = std::env::var_os("RECOURSE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    for name in std::env::args().skip(1) {
        let text = std::fs::read_to_string(data.join(&name)).expect("readable instance");
        let mip = if name.ends_with(".dow") {
            mcnd_strong(&mcnd::parse(&text, &name).unwrap_or_else(|e| panic!("{e}")))
        } else {
            ssfctp_model(&ssfctp::parse(&text, &name).unwrap_or_else(|e| panic!("{e}")))
        };
        let opts = SolveOptions {
            mip_gap: 1e-6,
            threads: 1,
            time_limit_s: 600.0,
            ..SolveOptions::default()
        };
        let (t, cpu0) = (Instant::now(), cpu_seconds());
        let r = solve(&mip, &opts).expect("solve");
        println!(
            "{name}: {} {:?}, {} rows, {} columns, {:.2} s wall, {:.2} s CPU",
            r.status,
            r.objective,
            mip.num_rows(),
            mip.num_cols(),
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu0
        );
    }
}

/// min sum c_a x_ka + f_a y_a; conservation per (commodity, node); sum_k x_ka <= u_a y_a;
/// x_ka <= min(d_k, u_a) y_a.
fn mcnd_strong(m: &mcnd::Mcnd) -> Mip {
    let mut mip = Mip::new();
    let y: Vec<Var> = m
        .arcs
        .iter()
        .map(|a| mip.add_col(a.fixed_cost, 0.0, 1.0, true))
        .collect();
    let mut cap: Vec<Vec<(Var, f64)>> = y
        .iter()
        .zip(&m.arcs)
        .map(|(&v, a)| vec![(v, -a.capacity)])
        .collect();
    for c in &m.commodities {
        let mut conservation: Vec<Vec<(Var, f64)>> = vec![Vec::new(); m.nodes];
        for (j, a) in m.arcs.iter().enumerate() {
            let ub = c.demand.min(a.capacity);
            let x = mip.add_col(a.unit_cost, 0.0, ub, false);
            conservation[a.tail].push((x, 1.0));
            conservation[a.head].push((x, -1.0));
            cap[j].push((x, 1.0));
            mip.add_row(f64::NEG_INFINITY, 0.0, [(x, 1.0), (y[j], -ub)]);
        }
        for (i, row) in conservation.into_iter().enumerate() {
            let b = if i == c.origin {
                c.demand
            } else if i == c.destination {
                -c.demand
            } else {
                0.0
            };
            mip.add_row(b, b, row);
        }
    }
    for row in cap {
        mip.add_row(f64::NEG_INFINITY, 0.0, row);
    }
    mip
}

/// min sum c_i x_i + f_i y_i; sum x_i = D; x_i <= min(b_i, D) y_i.
fn ssfctp_model(p: &ssfctp::Ssfctp) -> Mip {
    let mut mip = Mip::new();
    let mut demand = Vec::new();
    for i in 0..p.capacity.len() {
        let ub = p.capacity[i].min(p.demand);
        let x = mip.add_col(p.unit_cost[i], 0.0, ub, false);
        let y = mip.add_col(p.fixed_cost[i], 0.0, 1.0, true);
        mip.add_row(f64::NEG_INFINITY, 0.0, [(x, 1.0), (y, -ub)]);
        demand.push((x, 1.0));
    }
    mip.add_row(p.demand, p.demand, demand);
    mip
}

/// User + system CPU seconds of this process so far (Linux), to compare solves on a busy
/// machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
