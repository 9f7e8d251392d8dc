//! The HiGHS backend on small models whose outcome is known exactly: optimal LPs and MIPs,
//! the objective offset, infeasibility, limits with and without a solution, unbounded
//! models and malformed ones, and the rule that HiGHS never writes to stdout.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use recourse::optimize::highs::{
    highs_version, solve, solve_from, Limit, SolveError, SolveOptions, SolveResult, Status, Watch,
};
use recourse::optimize::mip::{Mip, Var};

/// Objective values in these tests are integers or simple fractions; HiGHS returns them to
/// within floating-point noise (e.g. -1117.0000000000005 for -1117).
const TOL: f64 = 1e-6;

fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() <= TOL, "{actual} != {expected}");
}

fn assert_values(result: &SolveResult, expected: &[f64]) {
    let values = result.values.as_ref().expect("a solution");
    assert_eq!(values.len(), expected.len());
    for (j, (&v, &e)) in values.iter().zip(expected).enumerate() {
        assert!((v - e).abs() <= TOL, "x{j} = {v}, expected {e}");
    }
}

fn exact() -> SolveOptions {
    SolveOptions {
        mip_gap: 0.0,
        ..SolveOptions::default()
    }
}

/// Wyndor Glass (Hillier & Lieberman): max 3x + 5y s.t. x <= 4, 2y <= 12, 3x + 2y <= 18,
/// written as a minimisation. Optimum x = 2, y = 6, profit 36.
fn wyndor(offset: f64) -> Mip {
    let mut mip = Mip::new();
    mip.offset = offset;
    let x = mip.add_col(-3.0, 0.0, f64::INFINITY, false);
    let y = mip.add_col(-5.0, 0.0, f64::INFINITY, false);
    mip.add_row(f64::NEG_INFINITY, 4.0, [(x, 1.0)]);
    mip.add_row(f64::NEG_INFINITY, 12.0, [(y, 2.0)]);
    mip.add_row(f64::NEG_INFINITY, 18.0, [(x, 3.0), (y, 2.0)]);
    mip
}

/// Knapsack P01 (Burkardt's test set): capacity 165, optimum 309 with items 1-4 and 6.
/// Its LP relaxation takes item 5 fractionally (bound 309.02).
fn knapsack_p01(offset: f64) -> Mip {
    let weights = [23.0, 31.0, 29.0, 44.0, 53.0, 38.0, 63.0, 85.0, 89.0, 82.0];
    let profits = [92.0, 57.0, 49.0, 68.0, 60.0, 43.0, 67.0, 84.0, 87.0, 72.0];
    let mut mip = Mip::new();
    mip.offset = offset;
    let items: Vec<Var> = profits
        .iter()
        .map(|&p| mip.add_col(-p, 0.0, 1.0, true))
        .collect();
    mip.add_row(f64::NEG_INFINITY, 165.0, items.iter().copied().zip(weights));
    mip
}
const P01_CHOICE: [f64; 10] = [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];

/// A random multi-dimensional 0/1 knapsack (maximise profit under `constraints` capacity
/// rows, each at half the row's total weight), deterministic in `seed`. 200 items and 20
/// constraints take HiGHS far more than a second; 30 items and 5 constraints, a tenth.
fn multi_knapsack(items: usize, constraints: usize, seed: u64) -> Mip {
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
    let vars: Vec<Var> = (0..items)
        .map(|_| mip.add_col(-((next() % 100 + 1) as f64), 0.0, 1.0, true))
        .collect();
    for _ in 0..constraints {
        let weights: Vec<f64> = (0..items).map(|_| (next() % 100 + 1) as f64).collect();
        let capacity = (weights.iter().sum::<f64>() / 2.0).floor();
        mip.add_row(
            f64::NEG_INFINITY,
            capacity,
            vars.iter().copied().zip(weights),
        );
    }
    mip
}

#[test]
fn lp_optimum_with_values_bound_and_sizes() {
    let result = solve(&wyndor(0.0), &SolveOptions::default()).unwrap();
    assert_eq!(result.status, Status::Optimal);
    assert_close(result.objective.unwrap(), -36.0);
    assert_values(&result, &[2.0, 6.0]);
    assert_eq!(
        result.bound, result.objective,
        "an LP's bound is its optimum"
    );
    assert_eq!(result.gap, Some(0.0));
    assert_eq!(
        (
            result.rows,
            result.cols,
            result.nonzeros,
            result.integer_cols
        ),
        (3, 2, 4, 0)
    );
    assert_eq!(result.solver, "HiGHS 1.16.0");
    assert!(result.seconds >= 0.0 && result.handoff_seconds >= 0.0);
}

#[test]
fn knapsack_is_optimal_with_a_closed_gap() {
    let result = solve(&knapsack_p01(0.0), &exact()).unwrap();
    assert_eq!(result.status, Status::Optimal);
    assert_close(result.objective.unwrap(), -309.0);
    assert_close(result.bound.unwrap(), -309.0);
    assert_eq!(result.gap, Some(0.0));
    assert_values(&result, &P01_CHOICE);
    assert_eq!(result.integer_cols, 10);
}

#[test]
fn offset_is_in_objective_and_bound() {
    let lp = solve(&wyndor(100.0), &SolveOptions::default()).unwrap();
    assert_close(lp.objective.unwrap(), 64.0);
    assert_close(lp.bound.unwrap(), 64.0);
    assert_values(&lp, &[2.0, 6.0]);

    let mip = solve(&knapsack_p01(1000.0), &exact()).unwrap();
    assert_eq!(mip.status, Status::Optimal);
    assert_close(mip.objective.unwrap(), 691.0);
    assert_close(mip.bound.unwrap(), 691.0);
    assert_values(&mip, &P01_CHOICE);
}

#[test]
fn infeasible_mip_has_no_solution_and_no_bound() {
    // Two binaries cannot sum to 1.5.
    let mut mip = Mip::new();
    let x = mip.add_col(1.0, 0.0, 1.0, true);
    let y = mip.add_col(1.0, 0.0, 1.0, true);
    mip.add_row(1.5, 1.5, [(x, 1.0), (y, 1.0)]);
    let result = solve(&mip, &SolveOptions::default()).unwrap();
    assert_eq!(result.status, Status::Infeasible);
    assert_eq!(result.status.as_str(), "infeasible");
    assert_eq!(
        (result.values, result.objective, result.bound, result.gap),
        (None, None, None, None)
    );
}

#[test]
fn infeasible_lp_is_infeasible() {
    let mut mip = wyndor(0.0);
    let x = Var(0);
    mip.add_row(5.0, f64::INFINITY, [(x, 1.0)]); // x >= 5 against x <= 4
    let result = solve(&mip, &SolveOptions::default()).unwrap();
    assert_eq!(result.status, Status::Infeasible);
    assert_eq!(result.values, None);
}

#[test]
fn without_presolve_the_optima_and_infeasibility_are_the_same() {
    let off = SolveOptions {
        presolve: false,
        ..exact()
    };
    let lp = solve(&wyndor(0.0), &off).unwrap();
    assert_eq!(lp.status, Status::Optimal);
    assert_close(lp.objective.unwrap(), -36.0);
    assert_values(&lp, &[2.0, 6.0]);

    let mip = solve(&knapsack_p01(0.0), &off).unwrap();
    assert_eq!(mip.status, Status::Optimal);
    assert_close(mip.objective.unwrap(), -309.0);
    assert_values(&mip, &P01_CHOICE);

    // The neighbourhoods skip an infeasible LP by its status: without presolve it is still
    // a status, not an error.
    let mut infeasible = wyndor(0.0);
    infeasible.add_row(5.0, f64::INFINITY, [(Var(0), 1.0)]);
    let result = solve(&infeasible, &off).unwrap();
    assert_eq!(result.status, Status::Infeasible);
    assert_eq!(result.values, None);
}

#[test]
fn time_limit_stops_a_hard_mip_with_or_without_a_solution() {
    let mip = multi_knapsack(200, 20, 7);
    let opts = SolveOptions {
        time_limit_s: 0.05,
        ..SolveOptions::default()
    };
    let started = Instant::now();
    let result = solve(&mip, &opts).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    match &result.status {
        Status::Feasible { limit: Limit::Time } => {
            let (objective, bound) = (result.objective.unwrap(), result.bound.unwrap());
            assert!(
                objective >= bound,
                "objective {objective} below bound {bound}"
            );
            let gap = result.gap.unwrap();
            assert!(gap > 0.0);
            assert_close(gap, (objective - bound) / objective.abs());
            let values = result.values.as_ref().unwrap();
            common::assert_feasible(&mip, values);
            assert_close(mip.objective(values), objective);
            assert_eq!(result.status.as_str(), "feasible");
        }
        Status::NoSolution { limit: Limit::Time } => {
            assert_eq!(
                (&result.values, result.objective, result.gap),
                (&None, None, None)
            );
        }
        other => panic!("expected a time limit, got {other:?}"),
    }
    assert_eq!(result.status.limit(), Some(&Limit::Time));
}

#[test]
fn a_start_left_as_the_incumbent_is_priced_as_given() {
    // A column that costs 10 and constrains nothing: presolve fixes it at 0, so the start,
    // which takes it, costs 10 as given and 0 in HiGHS's presolved space. Stopped at once,
    // HiGHS 1.16 returns the start's values as given and reports the presolved objective;
    // the result must price the values it returns.
    let mut mip = multi_knapsack(200, 20, 7);
    let idle = mip.add_col(10.0, 0.0, 1.0, true);
    let mut start = vec![0.0; mip.num_cols()];
    start[idle.ix()] = 1.0;
    let watch = Watch::watcher(|_| {});
    watch.0.stop();
    let opts = SolveOptions {
        watch: Some(watch),
        ..SolveOptions::default()
    };
    let result = solve_from(&mip, &opts, Some(&start)).unwrap();
    assert_eq!(
        result.status,
        Status::Feasible {
            limit: Limit::Interrupt
        }
    );
    let values = result.values.as_ref().expect("the start");
    common::assert_feasible(&mip, values);
    let objective = result.objective.unwrap();
    assert_close(objective, mip.objective(values));
    assert_close(objective, 10.0);
    // Stopped before the root LP: no bound, so no gap.
    assert_eq!((result.bound, result.gap), (None, None));
}

#[test]
fn zero_time_limit_stops_before_any_solution() {
    // HiGHS reads the clock before presolve, so a zero limit reliably leaves no solution,
    // even on a model where the all-zero point is feasible.
    let mip = multi_knapsack(200, 20, 7);
    let result = solve(
        &mip,
        &SolveOptions {
            time_limit_s: 0.0,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    assert_eq!(result.status, Status::NoSolution { limit: Limit::Time });
    assert_eq!(result.status.as_str(), "no_solution");
    assert!(!result.status.has_solution());
    assert_eq!(
        (result.values, result.objective, result.gap),
        (None, None, None)
    );
}

#[test]
fn one_thread_and_a_seed_reach_the_default_optimum() {
    let mip = multi_knapsack(30, 5, 3);
    let default = solve(&mip, &exact()).unwrap();
    let pinned = solve(
        &mip,
        &SolveOptions {
            threads: 1,
            seed: Some(42),
            ..exact()
        },
    )
    .unwrap();
    assert_eq!(
        (&default.status, &pinned.status),
        (&Status::Optimal, &Status::Optimal)
    );
    assert_close(default.objective.unwrap(), -954.0);
    assert_close(pinned.objective.unwrap(), default.objective.unwrap());
    // And back to all cores on the same thread (HiGHS sizes a per-thread scheduler once).
    let again = solve(&mip, &exact()).unwrap();
    assert_close(again.objective.unwrap(), -954.0);
}

/// A watcher hears the MIP's incumbents and bounds and leaves the outcome alone: the last
/// incumbent it hears is the optimum, each one cheaper than the one before, and every bound
/// it hears is at most the optimum.
#[test]
fn a_watcher_hears_every_cheaper_incumbent_and_leaves_the_outcome_alone() {
    use recourse::optimize::highs::{Snapshot, Watch};
    use std::sync::{Arc, Mutex};
    let mip = multi_knapsack(30, 5, 3);
    let heard: Arc<Mutex<Vec<Snapshot>>> = Arc::default();
    let log = heard.clone();
    let result = solve(
        &mip,
        &SolveOptions {
            watch: Some(Watch::watcher(move |s| log.lock().unwrap().push(s))),
            ..exact()
        },
    )
    .unwrap();
    assert_eq!(result.status, Status::Optimal);
    assert_close(result.objective.unwrap(), -954.0);
    let heard = heard.lock().unwrap();
    let incumbents: Vec<f64> = heard.iter().filter_map(|s| s.incumbent).collect();
    assert_close(*incumbents.last().expect("an incumbent was heard"), -954.0);
    assert!(
        incumbents.windows(2).all(|w| w[1] <= w[0]),
        "{incumbents:?}"
    );
    assert!(
        heard
            .iter()
            .filter_map(|s| s.bound)
            .all(|b| b <= -954.0 + 1e-6),
        "{heard:?}"
    );
}

#[test]
fn unbounded_models_are_errors() {
    let mut lp = Mip::new();
    let x = lp.add_col(-1.0, 0.0, f64::INFINITY, false);
    lp.add_row(0.0, f64::INFINITY, [(x, 1.0)]);
    assert!(matches!(
        solve(&lp, &SolveOptions::default()),
        Err(SolveError::Unbounded)
    ));

    // For a MIP, HiGHS finds the relaxation unbounded before any integer solution and stops
    // with "unbounded or infeasible".
    let mut mip = lp.clone();
    mip.integer[0] = true;
    let err = solve(&mip, &SolveOptions::default()).unwrap_err();
    assert!(
        matches!(err, SolveError::UnboundedOrInfeasible { .. }),
        "{err}"
    );
}

#[test]
fn malformed_models_are_rejected_before_highs_sees_them() {
    let rejected = |mip: &Mip| match solve(mip, &SolveOptions::default()) {
        Err(SolveError::Rejected(why)) => why,
        other => panic!("expected a rejection, got {other:?}"),
    };
    let mut nan_cost = wyndor(0.0);
    nan_cost.col_cost[1] = f64::NAN;
    assert_eq!(rejected(&nan_cost), "column 1 has cost NaN");

    let mut named = wyndor(0.0);
    named.row_names = vec!["plant_a".into(), "plant_b".into(), "plant_c".into()];
    named.col_names = vec!["doors".into(), "windows".into()];
    named.row_value[3] = f64::INFINITY;
    assert_eq!(
        rejected(&named),
        r#"row 2 ("plant_c") has coefficient inf on column 1 ("windows")"#
    );

    let mut out_of_range = wyndor(0.0);
    out_of_range.row_index[0] = 2;
    assert_eq!(
        rejected(&out_of_range),
        "a row refers to column 2, but there are 2 columns"
    );

    let mut short = wyndor(0.0);
    short.col_upper.pop();
    assert_eq!(
        rejected(&short),
        "column arrays differ in length: cost 2, lower 2, upper 1, integer 2"
    );

    // HiGHS's own checks come back with HiGHS's words.
    let mut duplicate = Mip::new();
    let x = duplicate.add_col(1.0, 0.0, 1.0, false);
    duplicate.add_row(0.0, 1.0, [(x, 1.0), (x, 2.0)]);
    let why = rejected(&duplicate);
    assert!(why.contains("duplicate entries for index 0"), "{why}");
}

#[test]
fn empty_model_is_solved_by_its_offset() {
    let mut mip = Mip::new();
    mip.offset = 3.5;
    let result = solve(&mip, &SolveOptions::default()).unwrap();
    assert_eq!(result.status, Status::Optimal);
    assert_eq!(
        (result.values, result.objective, result.bound),
        (Some(vec![]), Some(3.5), Some(3.5))
    );

    mip.add_row(1.0, 2.0, []); // 1 <= 0
    assert_eq!(
        solve(&mip, &SolveOptions::default()).unwrap().status,
        Status::Infeasible
    );
}

#[test]
fn statuses_serialize_as_the_report_spells_them() {
    let time = Limit::Time;
    let interrupt = Limit::Interrupt;
    assert_eq!(Status::Optimal.as_str(), "optimal");
    assert_eq!(Status::Feasible { limit: time }.as_str(), "feasible");
    assert_eq!(
        Status::NoSolution { limit: interrupt }.as_str(),
        "no_solution"
    );
    assert_eq!(Status::Infeasible.as_str(), "infeasible");
    assert_eq!((time.as_str(), interrupt.as_str()), ("time", "interrupt"));
    assert_eq!(
        Status::Feasible { limit: time }.to_string(),
        "feasible (time limit reached)"
    );
    assert_eq!(highs_version(), "HiGHS 1.16.0");
}

#[test]
fn bad_options_are_errors() {
    let err = solve(
        &wyndor(0.0),
        &SolveOptions {
            time_limit_s: -1.0,
            ..SolveOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            SolveError::Option {
                name: "time_limit",
                ..
            }
        ),
        "{err}"
    );
    let err = solve(
        &wyndor(0.0),
        &SolveOptions {
            seed: Some(u32::MAX),
            ..SolveOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            SolveError::Option {
                name: "random_seed",
                ..
            }
        ),
        "{err}"
    );
}

/// Run by `verbose_log_goes_to_stderr_never_stdout` and `presolve_off_is_what_highs_runs`
/// in a child process, whose stdout and stderr (C's, not Rust's captured ones) they read:
/// the knapsack, logged, with presolve unless `RECOURSE_TEST_PRESOLVE` is `off`.
#[test]
#[ignore = "run in a child process by verbose_log_goes_to_stderr_never_stdout and presolve_off_is_what_highs_runs"]
fn verbose_child() {
    let presolve = std::env::var("RECOURSE_TEST_PRESOLVE").as_deref() != Ok("off");
    let result = solve(
        &knapsack_p01(0.0),
        &SolveOptions {
            verbose: true,
            presolve,
            ..exact()
        },
    )
    .unwrap();
    assert_eq!(result.status, Status::Optimal);
}

/// `verbose_child` run in a child process with `presolve` (`on` or `off`): its stdout and
/// its stderr, once it has passed.
fn verbose_child_output(presolve: &str) -> (String, String) {
    // The test's name as the harness knows it: its path below the crate, `solve::verbose_child`.
    let (_, module) = module_path!().split_once("::").unwrap();
    let child = format!("{module}::verbose_child");
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &child,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RECOURSE_TEST_PRESOLVE", presolve)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("test {child} ... ok")), "{stdout}");
    (stdout, stderr)
}

#[test]
fn presolve_off_is_what_highs_runs() {
    let (_, on) = verbose_child_output("on");
    assert!(on.contains("Presolving model"), "{on}");
    let (_, off) = verbose_child_output("off");
    assert!(
        off.contains("Running HiGHS") && !off.contains("Presolving model"),
        "{off}"
    );
}

#[test]
fn verbose_log_goes_to_stderr_never_stdout() {
    let (stdout, stderr) = verbose_child_output("on");
    assert!(
        !stdout.contains("HiGHS") && !stdout.contains("Presolv"),
        "HiGHS wrote to stdout:\n{stdout}"
    );
    assert!(
        stderr.contains("Running HiGHS 1.16.0"),
        "no HiGHS header on stderr:\n{stderr}"
    );
    assert!(
        stderr.contains("Solving report"),
        "no solving report on stderr:\n{stderr}"
    );
}
