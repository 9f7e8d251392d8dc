//! The `tight` formulation (models/tight.md) is exact: on every hand-made dataset and on
//! random scenarios it reaches the same optimum as `time-expanded`, and its plans pass the
//! checker at the cost it reports (the optimize path checks every plan; we check again).

use crate::common;

use proptest::prelude::*;
use recourse::check::evaluate;
use recourse::optimize::formulate::{by_name, BuildOptions};
use recourse::optimize::highs::{Cuts, SolveOptions, Status};
use recourse::optimize::{optimize, Outcome};
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;

fn opts() -> SolveOptions {
    common::exact()
}

/// Solves with `formulation` and checks the plan independently.
fn solved(s: &Scenario, formulation: &str) -> Outcome {
    let o = optimize(s, by_name(formulation).unwrap(), &opts()).unwrap();
    o.validate().unwrap();
    if let Some(plan) = &o.plan() {
        let eval = evaluate(s, plan);
        assert!(eval.feasible(), "{formulation}: {:?}", eval.violations);
        let cost = eval.cost.total;
        assert!((cost - o.objective().unwrap()).abs() <= 1e-6 * cost.abs().max(1.0));
    }
    o
}

#[test]
fn every_tiny_dataset_has_the_same_optimum_as_time_expanded() {
    for (name, optimum, _) in common::TINY_OPTIMA {
        let s = common::tiny_scenario(name);
        let te = solved(&s, "time-expanded");
        let tight = solved(&s, "tight");
        assert_eq!(tight.status(), Status::Optimal, "{name}");
        let cost = tight.objective().unwrap();
        assert!(
            (cost - optimum).abs() <= 1e-6 * optimum,
            "{name}: {cost}, not {optimum}"
        );
        assert!(
            (cost - te.objective().unwrap()).abs() <= 1e-6 * optimum,
            "{name}"
        );
        let bound = tight.bound().unwrap();
        assert!(
            (bound - cost).abs() <= 1e-6 * optimum,
            "{name}: bound {bound}"
        );
    }
}

/// The tightening only removes columns and lowers bounds: never a bigger model, never a
/// looser column.
#[test]
fn the_model_is_never_larger_than_time_expanded() {
    for (name, _, _) in common::TINY_OPTIMA {
        let s = common::tiny_scenario(name);
        let te = by_name("time-expanded")
            .unwrap()
            .build(&s, &BuildOptions::default());
        let tight = by_name("tight")
            .unwrap()
            .build(&s, &BuildOptions::default());
        assert!(tight.mip.num_cols() <= te.mip.num_cols(), "{name}");
        assert!(tight.mip.num_rows() <= te.mip.num_rows(), "{name}");
        assert!(tight.mip.num_nonzeros() <= te.mip.num_nonzeros(), "{name}");
    }
}

#[test]
fn tight_turns_off_sub_mip_heuristics_jump_and_restart_and_links_flows_and_time_expanded_does_not()
{
    let mut o = SolveOptions::default();
    by_name("time-expanded").unwrap().tune(&mut o);
    assert!(o.sub_mip_heuristics && o.feasibility_jump && o.root_restart);
    assert_eq!(o.cuts, Cuts::Auto);
    by_name("tight").unwrap().tune(&mut o);
    assert!(!o.sub_mip_heuristics && !o.feasibility_jump && !o.root_restart);
    assert_eq!(o.cuts, Cuts::On);
    // `--cuts off` stands.
    let mut off = SolveOptions {
        cuts: Cuts::Off,
        ..SolveOptions::default()
    };
    by_name("tight").unwrap().tune(&mut off);
    assert_eq!(off.cuts, Cuts::Off);
}

/// A generated network with fixed charges, capacities and a few hundred columns per
/// order: small enough for CI, big enough for every pruning rule to fire.
#[test]
fn a_generated_scenario_has_the_same_optimum() {
    use recourse::tools::generate::{generate, GenerateConfig};
    let doc = generate(&GenerateConfig {
        orders: 40,
        stock_nodes: 4,
        customer_zones: 5,
        skus: 6,
        ..GenerateConfig::default()
    });
    let (s, _) = validate(&doc).unwrap();
    let te = solved(&s, "time-expanded");
    let tight = solved(&s, "tight");
    assert_eq!(te.status(), Status::Optimal);
    assert_eq!(tight.status(), Status::Optimal);
    let (a, b) = (te.objective().unwrap(), tight.objective().unwrap());
    assert!(
        (a - b).abs() <= 1e-6 * a.abs().max(1.0),
        "time-expanded {a}, tight {b}"
    );
    assert!(
        tight.stats.as_ref().unwrap().cols < te.stats.as_ref().unwrap().cols,
        "the pruning rules fire: {} vs {}",
        tight.stats.as_ref().unwrap().cols,
        te.stats.as_ref().unwrap().cols
    );
}

proptest! {
    #![proptest_config(common::config(48))]

    #[test]
    fn random_scenarios_have_the_same_optimum(doc in common::small_scenario()) {
        let (s, _) = validate(&doc).unwrap();
        let te = solved(&s, "time-expanded");
        let tight = solved(&s, "tight");
        prop_assert_eq!(&te.status(), &tight.status());
        if te.status() == Status::Optimal {
            let (a, b) = (te.objective().unwrap(), tight.objective().unwrap());
            prop_assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0),
                "time-expanded {}, tight {}", a, b);
        }
    }
}
