//! The link cuts (models/tight.md, "L1"): each flow linked to its lane-day charge before
//! HiGHS's MIP. They give exactly the LP bound of the strong links, change no optimum, and
//! a MIP point they leave fractional is made whole at its decisions without an integer
//! pass. Every plan goes through the checker.

use recourse::check::evaluate;
use recourse::optimize::formulate::{by_name, BuildOptions};
use recourse::optimize::highs::{solve, Cuts, Guide, SolveOptions, Status};
use recourse::optimize::link_cuts;
use recourse::optimize::{optimize, Outcome, WholeUnits};
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;
use recourse::tools::generate::{generate, GenerateConfig};

/// `recourse generate --orders 300 --disruption-rate 0.05 --seed N`.
fn about_300_orders(seed: u64) -> Scenario {
    let doc = generate(&GenerateConfig {
        seed,
        orders: 300,
        disruption_rate: 0.05,
        ..GenerateConfig::preset("small").unwrap()
    });
    validate(&doc).unwrap().0
}

fn lp_bound(mip: &recourse::optimize::mip::Mip) -> f64 {
    let r = solve(
        &mip.clone().relaxed(),
        &SolveOptions {
            threads: 1,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    assert_eq!(r.status, Status::Optimal);
    r.objective.unwrap()
}

fn solved(s: &Scenario, cuts: Cuts) -> Outcome {
    solved_with(s, cuts, Guide::Auto)
}

fn solved_with(s: &Scenario, cuts: Cuts, guide: Guide) -> Outcome {
    let o = optimize(
        s,
        by_name("tight").unwrap(),
        &SolveOptions {
            time_limit_s: 60.0,
            mip_gap: 0.0,
            threads: 1,
            cuts,
            guide,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    o.validate().unwrap();
    let plan = o.plan().expect("a plan");
    let eval = evaluate(s, plan);
    assert!(eval.feasible(), "{cuts:?}: {:?}", eval.violations);
    let cost = eval.cost.total;
    assert!((cost - o.objective().unwrap()).abs() <= 1e-6 * cost.max(1.0));
    o
}

/// Added to `tight`, the cuts give the LP bound of `tight` with every flow linked
/// (`strong_linking`), with fewer rows, and a higher bound than `tight` alone.
#[test]
fn the_cuts_give_the_strong_links_lp_bound() {
    let s = about_300_orders(9);
    let tight = by_name("tight").unwrap();
    let plain = tight.build(&s, &BuildOptions::default());
    let strong = tight.build(
        &s,
        &BuildOptions {
            strong_linking: true,
            ..BuildOptions::default()
        },
    );
    let mut cut = plain.mip.clone();
    let added = link_cuts::add(&mut cut).expect("the model has charges");
    assert_eq!(cut.num_rows(), plain.mip.num_rows() + added.added);
    assert!(added.added > 0 && added.charges > 0, "{added:?}");
    let strong_rows = strong.mip.num_rows() - plain.mip.num_rows();
    assert!(
        added.added < strong_rows,
        "{} of {strong_rows}",
        added.added
    );

    let (without, with, all) = (lp_bound(&plain.mip), lp_bound(&cut), lp_bound(&strong.mip));
    assert!(
        (with - all).abs() <= 1e-6 * all.abs(),
        "with the cuts {with}, every flow linked {all}"
    );
    assert!(with > without * 1.005, "with {with}, without {without}");
}

/// The same optimum with the cuts and without, on ~300 orders (seeds 2 and 9, where the
/// cuts raise the LP bound most).
#[test]
fn the_cuts_change_no_optimum() {
    for seed in [2, 9] {
        let s = about_300_orders(seed);
        let on = solved(&s, Cuts::On);
        let off = solved(&s, Cuts::Off);
        assert_eq!(on.status(), Status::Optimal, "seed {seed}");
        assert_eq!(off.status(), Status::Optimal, "seed {seed}");
        let (a, b) = (on.objective().unwrap(), off.objective().unwrap());
        assert!(
            (a - b).abs() <= 1e-6 * a,
            "seed {seed}: {a} with, {b} without"
        );
        let stats = |o: &Outcome| o.stats.clone().unwrap();
        assert!(stats(&on).link_cuts.is_some_and(|c| c.added > 0));
        assert!(stats(&off).link_cuts.is_none());
    }
}

/// After the LP-guided search (as `--guide auto` runs it under limits of 2 s or less),
/// HiGHS's MIP on the whole model gets the cuts too, starting from the search's plan, and
/// proves the same optimum as without them.
#[test]
fn the_mip_after_the_guided_search_gets_the_cuts_and_the_same_optimum() {
    let s = about_300_orders(9);
    let on = solved_with(&s, Cuts::On, Guide::On);
    let off = solved_with(&s, Cuts::Off, Guide::On);
    for o in [&on, &off] {
        assert_eq!(o.status(), Status::Optimal);
        assert!(o.stats.as_ref().unwrap().guided.is_some());
    }
    let (a, b) = (on.objective().unwrap(), off.objective().unwrap());
    assert!((a - b).abs() <= 1e-6 * a, "{a} with, {b} without");
    let cuts = |o: &Outcome| o.stats.clone().unwrap().link_cuts;
    assert!(cuts(&on).is_some_and(|c| c.added > 0));
    assert!(cuts(&off).is_none());
}

/// On seed 11 HiGHS's MIP point with the cuts has fractional quantities; the policy asks
/// for whole units, and the LP at the point's decisions gives them at the same cost, so
/// no integer pass runs (it took 24 s here before).
#[test]
fn a_fractional_mip_point_is_made_whole_at_its_decisions() {
    let s = about_300_orders(11);
    assert!(s.policy.integer_quantities);
    let on = solved(&s, Cuts::On);
    let stats = on.stats.clone().unwrap();
    assert_eq!(
        stats.whole_units,
        Some(WholeUnits::FixedLp),
        "the path under test ran"
    );
    assert_eq!(stats.passes, 1);
    assert_eq!(on.status(), Status::Optimal);
    let off = solved(&s, Cuts::Off);
    let (a, b) = (on.objective().unwrap(), off.objective().unwrap());
    assert!((a - b).abs() <= 1e-6 * a, "{a} with the cuts, {b} without");
    let plan = on.plan().unwrap();
    for q in plan.shipments.iter().map(|x| x.quantity) {
        assert_eq!(q, q.round());
    }
    for q in plan.transfers.iter().map(|x| x.quantity) {
        assert_eq!(q, q.round());
    }
}
