//! How long it takes to hand a 1M-nonzero model to HiGHS, four ways: the one `solve` uses
//! (one `Highs_passModel` call, rows as they are) against transposing to columns first,
//! adding the rows one `Highs_addRow` call at a time, and the `highs` crate's `RowProblem`
//! (what `good_lp` does). The numbers are quoted in the README.
//!
//! `cargo run --example handoff` (dev profile: HiGHS itself is always built in release).

use std::ffi::c_void;
use std::time::Instant;

use highs_sys as sys;
use recourse::optimize::highs::{solve, SolveOptions};
use recourse::optimize::mip::{Mip, Var};

const ROWS: usize = 100_000;
const COLS: usize = 50_000;
const PER_ROW: usize = 10;
const RUNS: usize = 3;

fn main() {
    let mip = random_mip(7);
    println!(
        "{} rows, {} cols ({} integer), {} nonzeros; best of {RUNS}",
        mip.num_rows(),
        mip.num_cols(),
        mip.num_integer(),
        mip.num_nonzeros()
    );
    // A zero time limit stops HiGHS before it presolves: only the hand-off is of interest.
    let opts = SolveOptions {
        time_limit_s: 0.0,
        ..SolveOptions::default()
    };
    // A name and a hand-off to time.
    type Way<'a> = (&'a str, &'a dyn Fn(&Mip) -> f64);
    let ways: [Way; 4] = [
        ("solve(): Highs_passModel, row-wise", &|m| {
            solve(m, &opts).unwrap().handoff_seconds
        }),
        ("Highs_passModel, transposed to column-wise in Rust", &|m| {
            timed_raw(m, pass_colwise)
        }),
        ("Highs_addCols, then Highs_addRow per row", &|m| {
            timed_raw(m, add_rows)
        }),
        (
            "highs crate RowProblem + Model::new (good_lp's way)",
            &highs_crate,
        ),
    ];
    for (name, way) in ways {
        let best = (0..RUNS).map(|_| way(&mip)).fold(f64::INFINITY, f64::min);
        println!("{:>8.1} ms  {name}", best * 1e3);
    }
}

/// `PER_ROW` distinct columns per row, 10 % of columns integer, from a fixed seed.
fn random_mip(seed: u64) -> Mip {
    let mut state = seed;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut mip = Mip::new();
    for j in 0..COLS {
        mip.add_col((next() % 100) as f64, 0.0, 10.0, j % 10 == 0);
    }
    for _ in 0..ROWS {
        let mut cols: Vec<u32> = Vec::with_capacity(PER_ROW);
        while cols.len() < PER_ROW {
            let j = (next() % COLS as u64) as u32;
            if !cols.contains(&j) {
                cols.push(j);
            }
        }
        let entries: Vec<(Var, f64)> = cols
            .into_iter()
            .map(|j| (Var(j), (next() % 9 + 1) as f64))
            .collect();
        mip.add_row(1.0, f64::INFINITY, entries);
    }
    mip
}

fn timed_raw(mip: &Mip, pass: fn(*mut c_void, &Mip)) -> f64 {
    // SAFETY: a fresh instance, used and destroyed here.
    unsafe {
        let highs = sys::Highs_create();
        sys::Highs_setBoolOptionValue(highs, c"output_flag".as_ptr(), 0);
        let start = Instant::now();
        pass(highs, mip);
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(sys::Highs_getNumNz(highs) as usize, mip.num_nonzeros());
        sys::Highs_destroy(highs);
        seconds
    }
}

fn integrality(mip: &Mip) -> Vec<i32> {
    mip.integer.iter().map(|&i| i as i32).collect()
}

fn pass_colwise(highs: *mut c_void, mip: &Mip) {
    let (n, nnz) = (mip.num_cols(), mip.num_nonzeros());
    let mut start = vec![0i32; n + 1];
    for &j in &mip.row_index {
        start[j as usize + 1] += 1;
    }
    for j in 0..n {
        start[j + 1] += start[j];
    }
    let mut next = start.clone();
    let (mut index, mut value) = (vec![0i32; nnz], vec![0.0; nnz]);
    for r in 0..mip.num_rows() {
        for k in mip.row_start[r]..mip.row_start[r + 1] {
            let slot = &mut next[mip.row_index[k] as usize];
            index[*slot as usize] = r as i32;
            value[*slot as usize] = mip.row_value[k];
            *slot += 1;
        }
    }
    let integrality = integrality(mip);
    // SAFETY: arrays of the lengths HiGHS reads.
    let status = unsafe {
        sys::Highs_passModel(
            highs,
            n as i32,
            mip.num_rows() as i32,
            nnz as i32,
            0,
            sys::kHighsMatrixFormatColwise,
            sys::kHighsHessianFormatTriangular,
            sys::kHighsObjSenseMinimize,
            mip.offset,
            mip.col_cost.as_ptr(),
            mip.col_lower.as_ptr(),
            mip.col_upper.as_ptr(),
            mip.row_lower.as_ptr(),
            mip.row_upper.as_ptr(),
            start.as_ptr(),
            index.as_ptr(),
            value.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            integrality.as_ptr(),
        )
    };
    assert_ne!(status, sys::kHighsStatusError);
}

fn add_rows(highs: *mut c_void, mip: &Mip) {
    let n = mip.num_cols();
    // SAFETY: arrays of the lengths HiGHS reads.
    unsafe {
        let status = sys::Highs_addCols(
            highs,
            n as i32,
            mip.col_cost.as_ptr(),
            mip.col_lower.as_ptr(),
            mip.col_upper.as_ptr(),
            0,
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
        );
        assert_ne!(status, sys::kHighsStatusError);
        let mask = integrality(mip);
        sys::Highs_changeColsIntegralityByMask(highs, mask.as_ptr(), mask.as_ptr());
        let mut index = Vec::with_capacity(PER_ROW);
        for r in 0..mip.num_rows() {
            let (a, b) = (mip.row_start[r], mip.row_start[r + 1]);
            index.clear();
            index.extend(mip.row_index[a..b].iter().map(|&j| j as i32));
            let status = sys::Highs_addRow(
                highs,
                mip.row_lower[r],
                mip.row_upper[r],
                (b - a) as i32,
                index.as_ptr(),
                mip.row_value[a..b].as_ptr(),
            );
            assert_ne!(status, sys::kHighsStatusError);
        }
    }
}

fn highs_crate(mip: &Mip) -> f64 {
    let start = Instant::now();
    let mut problem = highs::RowProblem::default();
    let cols: Vec<highs::Col> = (0..mip.num_cols())
        .map(|j| {
            problem.add_column_with_integrality(
                mip.col_cost[j],
                mip.col_lower[j]..=mip.col_upper[j],
                mip.integer[j],
            )
        })
        .collect();
    for r in 0..mip.num_rows() {
        problem.add_row(
            mip.row_lower[r]..,
            mip.row(r)
                .map(|(v, c)| (cols[v.ix()], c))
                .collect::<Vec<_>>(),
        );
    }
    let mut model = highs::Model::new(problem);
    let seconds = start.elapsed().as_secs_f64();
    model.make_quiet();
    assert_eq!(model.num_cols(), mip.num_cols());
    seconds
}
