//! Properties of `solve` on random small scenarios (see `tests/suite/common`): the optimum never
//! costs more than doing nothing, the checker accepts the plan, and its cost is the
//! objective. Plus: a tight time limit returns promptly with an honest status.

use crate::common;

use proptest::prelude::*;
use recourse::check::evaluate;
use recourse::optimize::formulate::by_name;
use recourse::optimize::highs::{SolveOptions, Status};
use recourse::optimize::optimize;
use recourse::risk::analyze;
use recourse::scenario::validate::validate;

fn opts() -> SolveOptions {
    common::exact()
}

proptest! {
    #![proptest_config(common::config(96))]

    #[test]
    fn the_optimum_is_checked_and_never_above_the_baseline(doc in common::small_scenario()) {
        let (s, _) = validate(&doc).unwrap();
        let a = analyze(&s);
        let o = optimize(&s, by_name("time-expanded").unwrap(), &opts()).unwrap();
        prop_assert_eq!(o.validate(), Ok(()));
        if a.baseline.keeps_frozen() {
            // The baseline is a feasible plan, so a plan exists and costs no more.
            prop_assert_eq!(&o.status(), &Status::Optimal);
        }
        match &o.status() {
            Status::Optimal => {
                let plan = o.plan().unwrap();
                let eval = evaluate(&s, plan);
                prop_assert!(eval.feasible(), "{:?}", eval.violations);
                let cost = eval.cost.total;
                prop_assert!((cost - o.objective().unwrap()).abs() <= 1e-6 * cost.abs().max(1.0));
                if a.baseline.keeps_frozen() {
                    prop_assert!(cost <= a.eval.cost.total + 1e-6 * cost.abs().max(1.0),
                        "optimum {} above baseline {}", cost, a.eval.cost.total);
                }
                if s.policy.integer_quantities {
                    for x in &plan.shipments {
                        prop_assert_eq!(x.quantity, x.quantity.round());
                    }
                }
            }
            Status::Infeasible => {
                prop_assert!(!a.baseline.keeps_frozen());
                prop_assert!(!o.termination.frozen_orders.is_empty());
            }
            other => prop_assert!(false, "unexpected status {:?}", other),
        }
    }
}

#[test]
fn a_tight_time_limit_returns_a_status_not_a_hang() {
    use recourse::tools::generate::{generate, GenerateConfig};
    let doc = generate(&GenerateConfig {
        orders: 1500,
        stock_nodes: 12,
        customer_zones: 16,
        skus: 60,
        ..GenerateConfig::default()
    });
    let (s, _) = validate(&doc).unwrap();
    let o = optimize(
        &s,
        by_name("time-expanded").unwrap(),
        &SolveOptions {
            time_limit_s: 0.05,
            threads: 1,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    match &o.status() {
        Status::Feasible { .. } => {
            let eval = evaluate(&s, o.plan().unwrap());
            assert!(eval.feasible());
            assert!(o.gap().unwrap() >= 0.0);
            assert!(o.bound().unwrap() <= eval.cost.total + 1e-6 * eval.cost.total);
        }
        Status::NoSolution { .. } => assert!(o.plan().is_none()),
        // A fast machine may finish anyway; then it must say so honestly.
        Status::Optimal => assert!(evaluate(&s, o.plan().unwrap()).feasible()),
        Status::Infeasible => panic!("generated scenarios keep their frozen orders"),
    }
}

/// Stopped before any plan, `solve` still answers with the do-nothing plan, marked as such,
/// so a planner never gets less than doing nothing.
#[test]
fn a_limit_hit_before_any_plan_falls_back_on_the_baseline() {
    let (s, _) = validate(&common::frozen_free(11)).unwrap();
    let a = analyze(&s);
    assert!(a.eval.feasible());
    let opts = SolveOptions {
        time_limit_s: 0.0,
        threads: 1,
        ..SolveOptions::default()
    };
    let mut with = optimize(&s, by_name("time-expanded").unwrap(), &opts).unwrap();
    assert!(
        matches!(with.status(), Status::NoSolution { .. }),
        "{:?}",
        with.status()
    );
    recourse::optimize::keep_the_better(
        &s,
        &mut with,
        &[(recourse::optimize::Source::Baseline, &a.baseline.plan)],
    );
    with.validate().unwrap();
    assert!(
        matches!(with.status(), Status::Feasible { .. }),
        "{:?}",
        with.status()
    );
    assert_eq!(with.fallback(), Some("baseline"));
    assert_eq!(with.plan(), Some(&a.baseline.plan));
    let eval = evaluate(&s, with.plan().unwrap());
    assert!(eval.feasible());
    assert_eq!(with.objective(), Some(a.eval.cost.total));
}
