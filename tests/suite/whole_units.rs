//! Whole units where the relaxation is fractional: `datasets/tiny/shared-capacity.json`, whose
//! continuous optimum ships 5.5 units of each order (three orders, each through two of three
//! DCs of capacity 11, each DC shared by two). `optimize` first fixes the first pass's
//! yes/no decisions and solves the integer model there; the whole integer model is solved
//! only when that plan is not within the gap of the first pass's bound. Every plan goes
//! through the checker.

use crate::common;

use recourse::check::evaluate;
use recourse::optimize::formulate::by_name;
use recourse::optimize::highs::{SolveOptions, Status};
use recourse::optimize::{optimize, Outcome, WholeUnits};
use recourse::scenario::domain::Scenario;

/// The hand-derived costs (`datasets/tiny/README.md`): the continuous optimum, and the
/// whole one.
const CONTINUOUS: f64 = 13548.25;
const WHOLE: f64 = 14047.0;

fn solved(s: &Scenario, formulation: &str, gap: f64) -> (Outcome, f64) {
    let o = optimize(
        s,
        by_name(formulation).unwrap(),
        &SolveOptions {
            mip_gap: gap,
            ..common::exact()
        },
    )
    .unwrap();
    o.validate().unwrap();
    let eval = evaluate(s, o.plan().expect("a plan"));
    assert!(eval.feasible(), "{formulation}: {:?}", eval.violations);
    let cost = eval.cost.total;
    assert!((cost - o.objective().unwrap()).abs() <= 1e-6 * cost);
    (o, cost)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b
}

#[test]
fn the_whole_integer_model_proves_the_optimum_the_relaxation_misses() {
    let s = common::tiny_scenario("shared-capacity");
    for formulation in ["tight", "time-expanded"] {
        let (o, cost) = solved(&s, formulation, 0.0);
        let stats = o.stats.clone().unwrap();
        assert_eq!(stats.passes, 2, "{formulation}");
        assert_eq!(
            stats.whole_units,
            Some(WholeUnits::IntegerPass),
            "{formulation}"
        );
        assert_eq!(o.status(), Status::Optimal, "{formulation}");
        assert!(close(cost, WHOLE), "{formulation}: {cost}");
        assert!(close(o.bound().unwrap(), WHOLE), "{formulation}");
    }
}

/// With a 5 % gap the plan at the first pass's decisions (14,047, 3.6 % above the first
/// pass's bound) is enough: the whole integer model is not solved, and the bound stays
/// the first pass's, below the whole optimum.
#[test]
fn a_whole_plan_within_the_gap_at_the_first_decisions_ends_the_search() {
    let s = common::tiny_scenario("shared-capacity");
    let (o, cost) = solved(&s, "tight", 0.05);
    let stats = o.stats.clone().unwrap();
    assert_eq!(stats.passes, 2);
    assert_eq!(stats.whole_units, Some(WholeUnits::FixedMip));
    assert_eq!(o.status(), Status::Optimal);
    assert!(close(cost, WHOLE), "{cost}");
    let bound = o.bound().unwrap();
    assert!(bound <= CONTINUOUS + 1e-6 * CONTINUOUS, "{bound}");
    assert!(bound >= WHOLE * 0.95, "{bound}");
    let gap = o.termination.gap.unwrap();
    assert!((gap - (cost - bound) / cost).abs() <= 1e-9, "{gap}");
    assert!(gap > 0.0 && gap <= 0.05, "{gap}");
    assert_eq!(common::shipped(o.plan().unwrap()), vec![6.0, 5.0, 5.0]);
}

/// Divisible goods: the relaxation's 5.5 units of each order are the plan, in one pass.
#[test]
fn with_divisible_goods_the_half_units_are_the_plan() {
    let mut s = common::tiny_scenario("shared-capacity");
    s.policy.integer_quantities = false;
    let (o, cost) = solved(&s, "tight", 0.0);
    let stats = o.stats.clone().unwrap();
    assert_eq!(stats.passes, 1);
    assert_eq!(stats.whole_units, None);
    assert_eq!(o.status(), Status::Optimal);
    assert!(close(cost, CONTINUOUS), "{cost}");
    assert_eq!(common::shipped(o.plan().unwrap()), vec![5.5, 5.5, 5.5]);
}
