//! `--scope touched` (`models/scope.md`): the model decides the at-risk orders and those the
//! LP's duals price out, and holds every other order at its baseline. Its plan passes the
//! checker at the cost it reports and costs no less than the whole model's optimum; the
//! bound it reports is valid for the whole model (at most that optimum), and equals the
//! whole model's LP optimum when the pricing certifies it.

use crate::common;

use proptest::prelude::*;
use recourse::check::evaluate;
use recourse::optimize::formulate::{by_name, BuildOptions};
use recourse::optimize::highs::{solve, Limit, Scope, SolveOptions, Status};
use recourse::optimize::strategy::Strategy;
use recourse::optimize::Outcome;
use recourse::risk::analyze;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;

fn opts(scope: Scope) -> SolveOptions {
    SolveOptions {
        scope,
        ..common::exact()
    }
}

/// `solve`'s path (`Strategy::run`, which validates the outcome), with the plan checked
/// again here.
fn run(s: &Scenario, scope: Scope) -> Outcome {
    let a = analyze(s);
    let o = Strategy::Model(by_name("tight").unwrap())
        .run(s, &a, &opts(scope))
        .unwrap();
    let plan = o.plan().expect("a plan");
    let eval = evaluate(s, plan);
    assert!(eval.feasible(), "{:?}", eval.violations);
    let cost = eval.cost.total;
    assert!((cost - o.objective().unwrap()).abs() <= 1e-6 * cost.abs().max(1.0));
    o
}

/// The optimum of the whole `tight` model's LP relaxation.
fn whole_lp_optimum(s: &Scenario) -> f64 {
    let m = by_name("tight")
        .unwrap()
        .build(s, &BuildOptions::default())
        .mip
        .relaxed();
    let r = solve(&m, &common::exact()).unwrap();
    assert_eq!(r.status, Status::Optimal);
    r.objective.unwrap()
}

/// What every touched outcome must satisfy against the whole model's optimum: a plan no
/// cheaper, a bound no higher, a status that claims optimality only within the gap, and
/// the whole LP's optimum as the bound when the pricing certified it.
fn assert_sound(s: &Scenario, what: &str) -> (Outcome, f64) {
    let touched = run(s, Scope::Touched);
    let full = run(s, Scope::Full);
    assert_eq!(full.status(), Status::Optimal, "{what}");
    let optimum = full.objective().unwrap();
    let tol = 1e-6 * optimum.abs().max(1.0);
    let cost = touched.objective().unwrap();
    assert!(
        cost >= optimum - tol,
        "{what}: {cost} below the optimum {optimum}"
    );
    let scoped = touched
        .stats
        .as_ref()
        .and_then(|x| x.scope.clone())
        .unwrap_or_else(|| panic!("{what}: --scope touched did not hold orders"));
    assert!(
        scoped.rounds >= 1,
        "{what}: no pricing round: {scoped:?} {:?}",
        touched.termination
    );
    let bound = touched.bound().expect("a bound for the whole model");
    assert!(
        bound <= optimum + tol,
        "{what}: bound {bound} above the optimum {optimum}"
    );
    match touched.status() {
        Status::Optimal => assert!(cost - bound <= 1e-4 * cost.abs().max(1.0) + tol, "{what}"),
        Status::Feasible { limit } => assert_eq!(limit, Limit::Scope, "{what}"),
        other => panic!("{what}: {other:?}"),
    }
    if scoped.certified {
        let lp = whole_lp_optimum(s).max(0.0);
        assert!(
            (bound - lp).abs() <= 1e-6 * lp.abs().max(1.0),
            "{what}: certified bound {bound}, whole LP optimum {lp}"
        );
    }
    (touched, optimum)
}

#[test]
fn every_tiny_dataset_gives_a_checked_plan_and_a_bound_valid_for_the_whole_model() {
    let mut certified = 0;
    for name in common::TINY {
        let s = common::tiny_scenario(name);
        let (o, _) = assert_sound(&s, name);
        certified += usize::from(o.stats.unwrap().scope.unwrap().certified);
    }
    // The pricing reaches the whole LP's optimum on every tiny dataset: held orders that
    // could help an at-risk one price out under the LP's duals.
    assert_eq!(certified, common::TINY.len());
}

/// On `lane-capacity-fixed-cost` the optimum moves an order that is not at risk off a
/// charged lane-day: an integer effect the LP's prices do not show, so the touched model
/// keeps the rules' plan, and says so with the scope limit and a bound below the optimum.
#[test]
fn a_held_order_that_only_the_integer_problem_would_move_is_reported_not_hidden() {
    let s = common::tiny_scenario("lane-capacity-fixed-cost");
    let (o, optimum) = assert_sound(&s, "lane-capacity-fixed-cost");
    assert_eq!(optimum, 360.0);
    assert_eq!(o.objective(), Some(470.0));
    assert_eq!(
        o.status(),
        Status::Feasible {
            limit: Limit::Scope
        }
    );
    assert!((o.bound().unwrap() - 326.0).abs() < 1e-6);
}

#[test]
fn the_cli_takes_the_scope_and_writes_the_whole_models_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::tiny_path("lane-capacity-fixed-cost");
    let mut solved = Vec::new();
    for scope in ["touched", "full", "default"] {
        let out = dir.path().join(format!("{scope}.json"));
        let mut cmd = common::recourse();
        cmd.args(["solve", path.to_str().unwrap(), "-o"]).arg(&out);
        if scope != "default" {
            cmd.args(["--scope", scope]);
        }
        cmd.assert().success();
        common::recourse()
            .arg("check")
            .arg(&path)
            .arg(&out)
            .assert()
            .success();
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        solved.push(doc["solve"].clone());
    }
    assert_eq!(solved[0]["status"], "feasible");
    assert_eq!(solved[0]["limit"], "scope");
    assert_eq!(solved[0]["objective"], 470.0);
    assert!((solved[0]["bound"].as_f64().unwrap() - 326.0).abs() < 1e-6);
    // The whole model is the default.
    for doc in &solved[1..] {
        assert_eq!(doc["status"], "optimal");
        assert_eq!(doc["objective"], 360.0);
    }
}

proptest! {
    #![proptest_config(common::config(12))]

    /// On random scenarios with a feasible baseline, the touched outcome is sound against
    /// the whole model's optimum.
    #[test]
    fn random_scenarios_give_sound_touched_outcomes(doc in common::small_scenario()) {
        let (s, _) = validate(&doc).unwrap();
        prop_assume!(analyze(&s).eval.feasible());
        assert_sound(&s, "random scenario");
    }
}

/// Random seed 201: the baseline ships an order not at risk on a charged lane-day where
/// the whole model has no column (pruned), so the restricted model must still let the
/// charge open for the held units (it was infeasible before).
#[test]
fn a_held_shipment_the_whole_model_prunes_still_opens_its_charge() {
    let (s, _) = validate(&common::scenario_from_seed(201)).unwrap();
    assert!(analyze(&s).eval.feasible());
    assert_sound(&s, "seed 201");
}
