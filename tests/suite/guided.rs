//! The LP-guided search (`src/optimize/guided.rs`, models/guided.md): its bound is a lower bound on
//! the optimum (equal to the LP relaxation when the pricing converges), its point is a
//! feasible plan the checker accepts at no more than the model's price, and `optimize` with
//! the search first still reaches every known optimum.

use crate::common;

use proptest::prelude::*;
use recourse::check::evaluate;
use recourse::optimize::formulate::{by_name, frozen_plan, BuildOptions, Meaning, Model};
use recourse::optimize::guided::{guide, lagrangian_bound, Budget, Guided};
use recourse::optimize::highs::{solve, Guide, LpSession, SolveOptions, Status};
use recourse::optimize::mip::Mip;
use recourse::optimize::{optimize, Outcome};
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;
use recourse::tools::generate::{generate, GenerateConfig};
use std::time::{Duration, Instant};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn model(s: &Scenario) -> Model {
    by_name("tight").unwrap().build(s, &BuildOptions::default())
}

/// The small preset of `seed`.
fn small(seed: u64) -> Scenario {
    let doc = generate(&GenerateConfig {
        seed,
        ..GenerateConfig::preset("small").unwrap()
    });
    validate(&doc).unwrap().0
}

/// The small preset's network with 60 orders.
fn sixty(seed: u64) -> Scenario {
    let doc = generate(&GenerateConfig {
        orders: 60,
        seed,
        ..GenerateConfig::preset("small").unwrap()
    });
    validate(&doc).unwrap().0
}

/// The search alone on `m`, within `budget`, its LP started from the yes/no columns.
fn search(s: &Scenario, m: &Model, budget: &Budget) -> Guided {
    let seed_cols: Vec<bool> = m.meaning.iter().map(|x| !x.is_quantity()).collect();
    guide(
        &m.mip,
        &seed_cols,
        &quantities(m),
        s.policy.integer_quantities,
        &common::exact(),
        budget,
    )
    .unwrap()
}

/// The search's point is a feasible point of the model whose plan the checker accepts at
/// the point's cost (charges left open with nothing moving are closed, so the model prices
/// the point exactly as the checker prices the plan); that cost.
fn checked_point(s: &Scenario, m: &Model, g: &Guided, case: &str) -> f64 {
    let x = g.start.as_ref().expect("a plan");
    common::assert_feasible(&m.mip, x);
    let plan = m.decode(s, x, &frozen_plan(s));
    let eval = evaluate(s, &plan);
    assert!(eval.feasible(), "{case}: {:?}", eval.violations);
    let model_cost = g.start_objective.unwrap();
    assert!(
        close(eval.cost.total, model_cost),
        "{case}: checker {} model {model_cost}",
        eval.cost.total
    );
    eval.cost.total
}

/// `optimize` on the `tight` model, the search as `guide` says, within `limit` seconds.
fn tight_within(s: &Scenario, guide: Guide, limit: f64) -> Outcome {
    let opts = SolveOptions {
        guide,
        time_limit_s: limit,
        ..SolveOptions::default()
    };
    optimize(s, by_name("tight").unwrap(), &opts).unwrap()
}

/// The LP relaxation's optimum, solved by HiGHS in one go over every column.
fn lp_optimum(mip: &Mip) -> Option<f64> {
    let r = solve(&mip.clone().relaxed(), &common::exact()).unwrap();
    (r.status == Status::Optimal).then(|| r.objective.unwrap())
}

/// Row duals of the LP relaxation with every column in.
fn lp_duals(mip: &Mip) -> Option<(f64, Vec<f64>)> {
    let mut lp = LpSession::new(mip, &common::exact()).unwrap();
    let all: Vec<usize> = (0..mip.num_cols()).collect();
    lp.add_columns(mip, &mip.columns(), &all).unwrap();
    let sol = lp.run(60.0).unwrap()?;
    Some((sol.objective, sol.row_dual))
}

fn far() -> Budget {
    let t = Instant::now() + Duration::from_secs(3600);
    Budget {
        lp: t,
        slope: t,
        polish: t,
        end: t,
        mip_polish: true,
    }
}

/// The outcome has a plan the checker accepts, at `cost`.
fn assert_checked_at(s: &Scenario, o: &Outcome, name: &str, cost: f64) {
    o.validate().unwrap_or_else(|why| panic!("{name}: {why}"));
    let plan = o.plan().unwrap_or_else(|| panic!("{name}: no plan"));
    let eval = evaluate(s, plan);
    assert!(eval.feasible(), "{name}: {:?}", eval.violations);
    assert!(close(eval.cost.total, cost), "{name}: {}", eval.cost.total);
}

fn quantities(m: &Model) -> Vec<bool> {
    m.meaning.iter().map(Meaning::is_quantity).collect()
}

#[test]
fn the_bound_of_the_lp_duals_is_the_lp_optimum() {
    for name in common::TINY {
        let s = common::tiny_scenario(name);
        let m = model(&s);
        let Some((z, y)) = lp_duals(&m.mip) else {
            continue; // frozen-unkeepable scenarios have no LP optimum
        };
        let b = lagrangian_bound(&m.mip, &m.mip.columns(), &y);
        assert!(close(b, z), "{name}: bound {b}, LP {z}");
        assert!(close(z, lp_optimum(&m.mip).unwrap()), "{name}");
    }
}

#[test]
fn every_tiny_optimum_is_reached_with_the_guided_search_first() {
    let opts = SolveOptions {
        guide: Guide::On,
        ..common::exact()
    };
    for (name, optimum, _) in common::TINY_OPTIMA {
        let s = common::tiny_scenario(name);
        let o = optimize(&s, by_name("tight").unwrap(), &opts).unwrap();
        assert_eq!(o.status(), Status::Optimal, "{name}");
        assert_checked_at(&s, &o, name, *optimum);
        let g = o.guided().expect("the search ran");
        assert!(g.lp_converged, "{name}");
        let bound = g.bound.unwrap();
        assert!(bound <= optimum + 1e-6 * optimum, "{name}: bound {bound}");
        if let Some(start) = g.start_objective {
            assert!(start >= optimum - 1e-6 * optimum, "{name}: start {start}");
        }
    }
}

/// Generated scenarios with fixed charges, receipts to expedite, ship-complete orders and
/// source limits: the search alone (no MIP after it), with HiGHS polishing the dive's point
/// and without, gives a feasible point of the model, whole where it must be, priced as the
/// checker prices its plan, no cheaper than the proven optimum, and a bound equal to the LP
/// relaxation's optimum.
#[test]
fn the_search_alone_gives_a_checked_plan_and_a_valid_bound() {
    for seed in [1, 2, 3] {
        let s = sixty(seed);
        let m = model(&s);
        let lp = lp_optimum(&m.mip).unwrap();
        let optimum_outcome = optimize(
            &s,
            by_name("tight").unwrap(),
            &SolveOptions {
                guide: Guide::Off,
                ..common::exact()
            },
        )
        .unwrap();
        assert_eq!(optimum_outcome.status(), Status::Optimal);
        let optimum = optimum_outcome.objective().unwrap();
        assert_checked_at(
            &s,
            &optimum_outcome,
            &format!("seed {seed}, HiGHS alone"),
            optimum,
        );
        for mip_polish in [true, false] {
            let case = format!("seed {seed}, polish {mip_polish}");
            let g = search(
                &s,
                &m,
                &Budget {
                    mip_polish,
                    ..far()
                },
            );
            assert!(g.charges > 0, "{case}: the scenario has fixed charges");
            assert!(g.lp_converged, "{case}");
            let bound = g.bound.unwrap();
            assert!(close(bound, lp), "{case}: bound {bound}, LP {lp}");
            assert!(optimum >= bound - 1e-6 * optimum, "{case}");

            let cost = checked_point(&s, &m, &g, &case);
            // Whole wherever the model says so (a yes/no column left fractional lets a
            // source limit or a ship-complete order slip).
            for (j, &v) in g.start.as_ref().unwrap().iter().enumerate() {
                let whole =
                    m.mip.integer[j] || (s.policy.integer_quantities && m.meaning[j].is_quantity());
                assert!(
                    !whole || (v - v.round()).abs() <= 1e-6,
                    "{case}: column {j} = {v}"
                );
            }
            assert!(cost >= optimum - 1e-6 * optimum, "{case}");
        }
    }
}

/// A dive its deadline cuts short still ends with a point: the yes/no decisions it had not
/// made go to their lower bound and the LP is solved once more, within the search's end.
/// Here the dive's deadline has passed before it starts. Before, the search ended with no
/// plan, and `solve` kept the rules' (medium seed 8 at `--time-limit 12`: three runs of four).
#[test]
fn a_dive_cut_short_by_its_deadline_still_gives_a_checked_plan() {
    for seed in [1, 2, 3] {
        let s = sixty(seed);
        let m = model(&s);
        let budget = Budget {
            polish: Instant::now(),
            ..far()
        };
        let g = search(&s, &m, &budget);
        let case = format!("seed {seed}");
        assert!(g.dive_cut, "{case}: the dive's deadline had passed");
        let cost = checked_point(&s, &m, &g, &case);
        assert!(cost >= g.bound.unwrap() - 1e-6 * cost, "{case}");
    }
}

/// `--guide auto` runs the search for a short time limit whatever the model's size, and
/// the tiny optima are still reached within 2 s.
#[test]
fn auto_runs_the_search_under_a_short_limit_and_still_reaches_the_tiny_optima() {
    for (name, optimum, _) in common::TINY_OPTIMA {
        let s = common::tiny_scenario(name);
        let o = optimize(
            &s,
            by_name("tight").unwrap(),
            &SolveOptions {
                guide: Guide::Auto,
                time_limit_s: Guide::AUTO_SECONDS,
                ..common::exact()
            },
        )
        .unwrap();
        assert!(o.guided().is_some(), "{name}: the search ran");
        assert_checked_at(&s, &o, name, *optimum);
    }
}

/// With the search off, HiGHS is not started on a model whose presolve it could not finish
/// in the time it has (it would end past the limit with nothing): the outcome says no
/// solution, at the time limit, without a second spent in HiGHS; with time enough for its
/// presolve it runs as before.
#[test]
fn highs_is_not_started_when_its_presolve_cannot_fit_the_limit() {
    let s = small(2);
    let nonzeros = model(&s).mip.num_nonzeros();
    let short = 0.05;
    assert!(!recourse::optimize::presolve_fits(nonzeros, short));
    let o = tight_within(&s, Guide::Off, short);
    assert_eq!(
        o.status(),
        Status::NoSolution {
            limit: recourse::optimize::highs::Limit::Time
        }
    );
    assert_eq!(o.seconds, 0.0, "HiGHS ran");
    assert!(recourse::optimize::presolve_fits(nonzeros, 30.0));
    let o = tight_within(&s, Guide::Off, 30.0);
    assert!(o.seconds > 0.0, "HiGHS did not run");
    let plan = o.plan().expect("a plan within 30 s on small");
    let eval = evaluate(&s, plan);
    assert!(eval.feasible(), "{:?}", eval.violations);
    assert!(close(eval.cost.total, o.objective().unwrap()));
}

/// Whatever the time limit cuts short (the pricing, slope scaling, the dive), the answer
/// is consistent: a plan the checker accepts at the reported cost, and a bound between 0
/// and that cost (a pricing cut short gives duals whose bound is far below 0).
#[test]
fn short_limits_give_a_checked_plan_or_none_and_a_bound_of_at_least_0() {
    let s = small(1);
    for limit in [0.02, 0.1, 0.4, 1.0, 1.5] {
        let o = tight_within(&s, Guide::On, limit);
        let g = o.guided().expect("the search ran");
        if let Some(b) = o.bound() {
            assert!(b >= 0.0, "limit {limit}: bound {b}");
        }
        if let Some(b) = g.bound {
            assert!(b >= 0.0, "limit {limit}: search bound {b}");
        }
        let Some(plan) = o.plan() else {
            assert!(
                g.start_objective.is_none(),
                "limit {limit}: the search's plan was lost"
            );
            continue;
        };
        let eval = evaluate(&s, plan);
        assert!(eval.feasible(), "limit {limit}: {:?}", eval.violations);
        let cost = o.objective().unwrap();
        // Whatever HiGHS does after the search (a continuous incumbent, a whole-units pass
        // cut short), the answer is never dearer than the search's own point.
        if let Some(start) = g.start_objective {
            assert!(
                cost <= start + 1e-6 * start,
                "limit {limit}: {cost} above the search's {start}"
            );
        }
        assert!(
            close(eval.cost.total, cost),
            "limit {limit}: {} vs {cost}",
            eval.cost.total
        );
        if let Some(b) = o.bound() {
            assert!(
                b <= cost + 1e-6 * cost,
                "limit {limit}: bound {b} above {cost}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any multipliers give a lower bound: the LP duals scaled and shifted at random never
    /// rise above the LP optimum.
    #[test]
    fn any_multipliers_give_a_lower_bound(
        doc in common::small_scenario_frozen_free(),
        scale in 0.0f64..2.0,
        noise in proptest::collection::vec(-50.0f64..50.0, 8),
    ) {
        let s = validate(&doc).unwrap().0;
        let m = model(&s);
        if let Some((z, y)) = lp_duals(&m.mip) {
            let columns = m.mip.columns();
            prop_assert!(close(lagrangian_bound(&m.mip, &columns, &y), z));
            let moved: Vec<f64> = y
                .iter()
                .enumerate()
                .map(|(i, v)| v * scale + noise[i % noise.len()])
                .collect();
            let b = lagrangian_bound(&m.mip, &columns, &moved);
            prop_assert!(b <= z + 1e-6 * z.abs().max(1.0), "bound {} above LP {}", b, z);
        }
    }
}

/// A solve stopped from outside before it starts (`recourse serve`'s `$/cancelRequest`):
/// the search's first LP is interrupted within its simplex iterations (on medium it takes
/// seconds), no later step runs, nor HiGHS's MIP (whose presolve of a whole medium model
/// took 5.6 s before it heard the stop), and the answer is still a plan the checker accepts
/// at the reported cost, with a bound that is no more than the optimum.
#[test]
fn a_stopped_solve_ends_at_once_with_a_checked_plan() {
    use recourse::optimize::highs::{Limit, Watch};
    let doc = generate(&GenerateConfig {
        orders: 120,
        seed: 4,
        ..GenerateConfig::preset("small").unwrap()
    });
    let s = validate(&doc).unwrap().0;
    let optimum = optimize(&s, by_name("tight").unwrap(), &common::exact())
        .unwrap()
        .objective()
        .unwrap();
    let heard: std::sync::Arc<std::sync::Mutex<Vec<Option<f64>>>> = Default::default();
    let log = heard.clone();
    let watch = Watch::watcher(move |s| log.lock().unwrap().push(s.incumbent));
    watch.stop();
    let opts = SolveOptions {
        guide: Guide::On,
        watch: Some(watch),
        ..common::exact()
    };
    // The model alone: interrupted before any plan.
    let o = optimize(&s, by_name("tight").unwrap(), &opts).unwrap();
    let g = o.guided().expect("the search ran");
    assert_eq!(g.pricing_rounds, 0, "the first LP ran to its end");
    assert_eq!((g.slope_rounds, g.start_objective), (0, None));
    assert_eq!(
        o.status(),
        Status::NoSolution {
            limit: Limit::Interrupt
        }
    );
    // As `solve` and the worker run it: the rules' or the do-nothing plan, checked.
    let strategy = recourse::optimize::strategy::by_name("tight").unwrap();
    let o = strategy
        .run(&s, &recourse::risk::analyze(&s), &opts)
        .unwrap();
    assert_eq!(
        o.status(),
        Status::Feasible {
            limit: Limit::Interrupt
        }
    );
    assert!(o.fallback().is_some());
    let cost = o
        .objective()
        .expect("a plan: the solver's, the rules' or the baseline");
    assert_checked_at(&s, &o, "stopped", cost);
    assert!(cost >= optimum - 1e-6 * optimum);
    // The watcher knows the plan answered, though the rules' plan was computed after the stop.
    assert_eq!(opts.watch.as_ref().unwrap().known().incumbent, Some(cost));
    assert!(heard.lock().unwrap().contains(&Some(cost)), "{heard:?}");
    if let Some(b) = o.bound() {
        assert!(
            b <= optimum + 1e-6 * optimum,
            "bound {b} above the optimum {optimum}"
        );
    }
}
