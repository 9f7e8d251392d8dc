//! The worker's warm solve (`recourse::optimize::warm`, `models/scope.md`, "In the
//! worker"): after events, the orders they touch are decided and every other order keeps
//! its shipments in the last plan. The plan passes the checker at the cost it reports and
//! keeps the held orders' shipments; it costs no less than the new scenario's optimum; the
//! bound it reports is the last solve's, only when every change took something away, and
//! then it is at most the new optimum.

use crate::common;

use proptest::prelude::*;
use recourse::check::evaluate;
use recourse::optimize::changes::{changes, touched, Start};
use recourse::optimize::formulate::by_name;
use recourse::optimize::highs::{Limit, SolveOptions, Status};
use recourse::optimize::strategy::Strategy;
use recourse::optimize::Outcome;
use recourse::risk::analyze;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;
use recourse::scenario::wire::{DisruptionDoc, ScenarioDoc};
use std::sync::Arc;

/// `solve`'s path (`Strategy::run`), its plan (when it has one) checked again here at its
/// reported cost.
fn run(s: &Scenario, warm: Option<Arc<Start>>) -> Outcome {
    let a = analyze(s);
    let o = Strategy::Model(by_name("tight").unwrap())
        .run(
            s,
            &a,
            &SolveOptions {
                warm,
                ..common::exact()
            },
        )
        .unwrap();
    if let Some(plan) = o.plan() {
        let eval = evaluate(s, plan);
        assert!(eval.feasible(), "{:?}", eval.violations);
        let cost = eval.cost.total;
        assert!((cost - o.objective().unwrap()).abs() <= 1e-6 * cost.abs().max(1.0));
    }
    o
}

fn scenario(doc: &ScenarioDoc) -> Scenario {
    validate(doc).expect("a valid scenario").0
}

/// What [`assert_sound`] found: the warm outcome from the last solve, the one from the same
/// plan with a bound of 0, the start, and the new scenario's optimum.
struct Sound {
    warm: Outcome,
    kept: Outcome,
    start: Start,
    optimum: f64,
}

/// Solves `before` to optimality, then `after` (the same scenario with `more` disruptions
/// appended) warm from that plan, and checks the warm outcome against `after`'s optimum.
/// `None` when `before` does not
/// validate or either scenario has no optimal plan (frozen orders a disruption made
/// impossible).
fn assert_sound(before: &ScenarioDoc, more: &[DisruptionDoc], what: &str) -> Option<Sound> {
    let mut after = before.clone();
    after.disruptions.extend(more.iter().cloned());
    // A split can leave a reference to a surge order that comes later.
    let s0 = validate(before).ok()?.0;
    let s1 = scenario(&after);
    let last = run(&s0, None);
    let cold = run(&s1, None);
    if last.status() != Status::Optimal || cold.status() != Status::Optimal {
        return None;
    }
    let start = Start {
        plan: last.plan().unwrap().clone(),
        cost: last.objective().unwrap(),
        bound: last.bound(),
        changes: changes(&s0, &s1).expect("an event appends disruptions"),
    };
    let optimum = cold.objective().unwrap();
    // The last bound as it is, where a rise in cost sends the solve to the whole model;
    // and 0 (a bound for any scenario: every cost is at least 0), which keeps the warm
    // plan unless its cost doubled.
    let zero = Start {
        bound: Some(0.0),
        ..start.clone()
    };
    let kept = check_warm(&s1, &zero, optimum, &format!("{what}, last bound 0"));
    let warm = check_warm(&s1, &start, optimum, what);
    Some(Sound {
        warm,
        kept,
        start,
        optimum,
    })
}

/// The warm outcome of `s` from `start`, checked against `s`'s optimum.
fn check_warm(s: &Scenario, start: &Start, optimum: f64, what: &str) -> Outcome {
    let warm = run(s, Some(Arc::new(start.clone())));
    let tol = 1e-6 * optimum.abs().max(1.0);
    let cost = warm.objective().unwrap();
    assert!(
        cost >= optimum - tol,
        "{what}: {cost} below the optimum {optimum}"
    );
    let scoped = warm.stats.as_ref().and_then(|x| x.scope.clone());
    if let Some(scoped) = &scoped {
        assert!(scoped.warm, "{what}");
        // The warm model's plan (not the whole model's, nor a fallback): every held order
        // ships what it shipped, and every held transfer still runs.
        if !scoped.whole && warm.fallback().is_none() {
            let reach = touched(s, start);
            let now = warm.plan().unwrap();
            let shipped = now.merged_shipments();
            for e in start
                .plan
                .shipments
                .iter()
                .filter(|e| !reach.free[e.order.ix()] && !s.orders[e.order.ix()].frozen)
            {
                let key = (e.order, e.sku, e.node, e.lane, e.ship);
                let q = shipped.get(&key).copied().unwrap_or(0.0);
                assert!(
                    (q - e.quantity).abs() < 1e-9,
                    "{what}: held {e:?} ships {q}"
                );
            }
            let moved = now.merged_transfers();
            for x in start
                .plan
                .transfers
                .iter()
                .filter(|x| !reach.broken(s, &start.changes, x))
            {
                let q = moved.get(&(x.lane, x.sku, x.ship)).copied().unwrap_or(0.0);
                assert!(q >= x.quantity - 1e-9, "{what}: held {x:?} moves {q}");
            }
        }
    }
    let kept = start.bound.filter(|_| start.changes.tightens);
    match (warm.bound(), kept) {
        (Some(b), _) => {
            assert!(
                b <= optimum + tol,
                "{what}: bound {b} above the optimum {optimum}"
            );
            assert!(
                kept.is_none_or(|k| b >= k.max(0.0) - tol),
                "{what}: {b} below {kept:?}"
            );
        }
        (None, Some(_)) if scoped.is_some() => panic!("{what}: the last bound was lost"),
        (None, _) => {}
    }
    match warm.status() {
        Status::Optimal => {
            let b = warm.bound().expect("optimal needs a bound");
            assert!(cost - b <= 1e-4 * cost.abs().max(1.0) + tol, "{what}");
        }
        Status::Feasible { limit } => assert!(
            matches!(limit, Limit::Scope | Limit::Time),
            "{what}: {limit:?}"
        ),
        other => panic!("{what}: {other:?}"),
    }
    warm
}

/// Each tiny dataset with its last disruption as the event, the rest as the state solved
/// before it.
#[test]
fn every_tiny_datasets_last_disruption_as_an_event_gives_a_sound_warm_solve() {
    let mut warm = 0;
    for name in common::TINY {
        let mut doc = common::tiny_doc(name);
        let Some(last) = doc.disruptions.pop() else {
            continue;
        };
        let sound = assert_sound(&doc, &[last], name).expect(name);
        // With a bound of 0 the warm plan is kept unless its cost doubled.
        warm += usize::from(
            sound
                .kept
                .stats
                .and_then(|x| x.scope)
                .is_some_and(|x| x.warm && !x.whole),
        );
        // Every tiny dataset's disruptions take something away.
        let c = &sound.start.changes;
        assert!(c.tightens, "{name}: {c:?}");
    }
    assert!(warm >= 8, "only {warm} tiny datasets were solved warm");
}

/// A stock loss at DC-PAR touches the orders the last plan serves from there, and the
/// orders served through its transfers, no others.
#[test]
fn a_stock_loss_frees_the_orders_drawing_on_that_stock() {
    let doc = common::tiny_doc("demo-eu");
    let loss: DisruptionDoc = serde_json::from_value(serde_json::json!({
        "kind": "stock_loss", "node": "DC-PAR", "sku": "SKU-1", "quantity": 100
    }))
    .unwrap();
    let Sound {
        warm: o,
        start,
        optimum,
        ..
    } = assert_sound(&doc, std::slice::from_ref(&loss), "demo-eu + stock_loss").unwrap();
    let mut after = doc.clone();
    after.disruptions.push(loss);
    let s1 = scenario(&after);
    let par = (s1.index.nodes["DC-PAR"], s1.index.skus["SKU-1"]);
    assert_eq!(start.changes.pairs.iter().collect::<Vec<_>>(), vec![&par]);
    let free = touched(&s1, &start).free;
    assert!(free.iter().any(|f| *f), "the loss touches some order");
    // The pairs the plan's transfers feed from DC-PAR's SKU-1 lose stock too.
    let mut fed = vec![par];
    fed.extend(
        start
            .plan
            .transfers
            .iter()
            .filter(|t| (s1.lane(t.lane).from, t.sku) == par)
            .map(|t| (s1.lane(t.lane).to, t.sku)),
    );
    for (i, f) in free.iter().enumerate() {
        let draws = |pairs: &[_]| {
            start
                .plan
                .shipments
                .iter()
                .any(|e| e.order.ix() == i && pairs.contains(&(e.node, e.sku)))
        };
        let frozen = s1.orders[i].frozen;
        let id = &s1.orders[i].id;
        if draws(&[par]) && !frozen {
            assert!(*f, "order {id} draws on DC-PAR's SKU-1 but is held");
        }
        if *f {
            assert!(
                draws(&fed),
                "order {id} is free but draws on nothing the loss reaches"
            );
        }
    }
    // The loss costs something, so the plan rose above the last one, which was proven
    // optimal: the whole model was solved too, and proves the new optimum.
    assert!(o.bound().unwrap() >= start.bound.unwrap() - 1e-6 * optimum.max(1.0));
    assert!((o.objective().unwrap() - optimum).abs() <= 1e-6 * optimum.max(1.0));
}

/// An `inbound_delay` to an earlier date adds stock early: the last bound proves nothing
/// about the new scenario and is not reported; the whole model's is.
#[test]
fn a_receipt_brought_forward_loosens_and_the_whole_model_decides() {
    let doc = common::tiny_doc("inbound-expedite");
    let s = scenario(&doc);
    let r = s
        .inbound
        .iter()
        .find(|r| r.eta.is_some_and(|e| e > 0))
        .expect("a receipt after day 0");
    let earlier: DisruptionDoc = serde_json::from_value(serde_json::json!({
        "kind": "inbound_delay", "inbound": r.id.to_string(), "eta": s.as_of.to_string()
    }))
    .unwrap();
    let Sound {
        warm: o,
        start,
        optimum,
        ..
    } = assert_sound(&doc, &[earlier], "inbound brought forward").unwrap();
    assert!(!start.changes.tightens);
    // No bound to judge the warm plan by: the whole model decides, and proves its optimum.
    assert_eq!(o.status(), Status::Optimal);
    assert!((o.bound().unwrap() - optimum).abs() <= 1e-4 * optimum.max(1.0));
}

proptest! {
    #![proptest_config(common::config(12))]

    /// Random scenarios with their disruptions split at a random point: the first part
    /// solved, the rest arriving as one event.
    #[test]
    fn random_events_give_sound_warm_solves(doc in common::small_scenario(), cut in 0usize..8) {
        prop_assume!(!doc.disruptions.is_empty());
        let cut = cut.min(doc.disruptions.len() - 1);
        let mut before = doc.clone();
        let more = before.disruptions.split_off(cut);
        prop_assume!(assert_sound(&before, &more, "random scenario").is_some());
    }
}

/// Which stock record of the last plan an event takes away.
enum Shipped {
    Least,
    Most,
}

/// The small preset's seed 1 solved to optimality, then all the stock of the (node, SKU) its
/// plan ships `which` from (among those holding stock) lost: the new scenario and the start
/// of a warm solve from that plan.
fn small_seed_1_losing(which: Shipped) -> (Scenario, Start) {
    use recourse::tools::generate::{generate, GenerateConfig};
    let doc = generate(&GenerateConfig {
        seed: 1,
        ..GenerateConfig::preset("small").unwrap()
    });
    let s0 = scenario(&doc);
    let last = run(&s0, None);
    assert_eq!(last.status(), Status::Optimal);
    let plan = last.plan().unwrap();
    let mut shipped: std::collections::HashMap<_, f64> = Default::default();
    for e in &plan.shipments {
        *shipped.entry((e.node, e.sku)).or_default() += e.quantity;
    }
    let mut records: Vec<_> = shipped
        .into_iter()
        .filter(|((n, k), _)| s0.available_at_start(*n, *k) > 0.0)
        .collect();
    records.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let ((n, k), _) = match which {
        Shipped::Least => records[0],
        Shipped::Most => records[records.len() - 1],
    };
    let loss: DisruptionDoc = serde_json::from_value(serde_json::json!({
        "kind": "stock_loss", "node": s0.node(n).id, "sku": s0.sku(k).id,
        "quantity": s0.available_at_start(n, k)
    }))
    .unwrap();
    let mut after = doc.clone();
    after.disruptions.push(loss);
    let s1 = scenario(&after);
    let start = Start {
        plan: plan.clone(),
        cost: last.objective().unwrap(),
        bound: last.bound(),
        changes: changes(&s0, &s1).unwrap(),
    };
    (s1, start)
}

/// When the events touch so much that the last plan without those orders costs more than
/// the rules' plan (all the stock the last plan ships most from lost), the search starts
/// from the rules' plan.
#[test]
fn a_last_plan_dearer_than_the_rules_is_not_the_start() {
    use recourse::optimize::strategy::neighbourhood_start;
    use recourse::optimize::warm::held_start;
    use recourse::optimize::{priority_rules, Source};

    let (s1, start) = small_seed_1_losing(Shipped::Most);
    let held = evaluate(&s1, &held_start(&s1, &start));
    let rules = priority_rules::plan(&s1, &analyze(&s1));
    let rules_eval = evaluate(&s1, &rules);
    assert!(held.feasible() && rules_eval.feasible());
    assert!(held.cost.total > rules_eval.cost.total);
    let opts = SolveOptions {
        warm: Some(Arc::new(start)),
        ..common::exact()
    };
    let f = by_name("tight").unwrap();
    assert_eq!(
        neighbourhood_start(&s1, f, &opts, &rules),
        (rules.clone(), Source::Rules)
    );
}

/// Where the whole model does not fit (large, in the worker), the neighbourhoods start
/// from the last plan without the orders an event touched: a plan of the new scenario the
/// checker accepts, every other order as it was, cheaper than the rules' plan; improving
/// it re-decides the touched orders and never goes below the new optimum.
#[test]
fn without_room_for_the_whole_model_the_search_goes_on_from_the_last_plan() {
    use recourse::optimize::neighbourhoods::improve;
    use recourse::optimize::strategy::neighbourhood_start;
    use recourse::optimize::warm::held_start;
    use recourse::optimize::{priority_rules, Source};

    let (s1, start) = small_seed_1_losing(Shipped::Least);
    let plan = &start.plan;
    let free = touched(&s1, &start).free;
    assert!(free.iter().any(|f| *f) && !free.iter().all(|f| *f));

    let held = held_start(&s1, &start);
    let held_eval = evaluate(&s1, &held);
    assert!(held_eval.feasible(), "{:?}", held_eval.violations);
    for (i, f) in free.iter().enumerate() {
        let of = |p: &recourse::plan::Plan| -> Vec<_> {
            let mut v: Vec<_> = p
                .shipments
                .iter()
                .filter(|e| e.order.ix() == i)
                .map(|e| (e.sku, e.node, e.lane, e.ship, e.quantity.to_bits()))
                .collect();
            v.sort();
            v
        };
        let expected = if *f { Vec::new() } else { of(plan) };
        assert_eq!(of(&held), expected, "order {}", s1.orders[i].id);
    }

    let f = by_name("tight").unwrap();
    let a = analyze(&s1);
    let rules = priority_rules::plan(&s1, &a);
    let rules_eval = evaluate(&s1, &rules);
    assert!(rules_eval.feasible(), "{:?}", rules_eval.violations);
    let rules_cost = rules_eval.cost.total;
    let warm_opts = SolveOptions {
        warm: Some(Arc::new(start)),
        ..common::exact()
    };
    let (from, source) = neighbourhood_start(&s1, f, &warm_opts, &rules);
    assert_eq!(source, Source::LastPlan);
    assert_eq!(from, held);
    assert!(
        held_eval.cost.total < rules_cost,
        "{} >= {rules_cost}",
        held_eval.cost.total
    );
    // Without a last plan, the rules' plan.
    let (cold_from, cold_source) = neighbourhood_start(&s1, f, &common::exact(), &rules);
    assert_eq!((cold_from, cold_source), (rules.clone(), Source::Rules));

    let optimum = run(&s1, None).objective().unwrap();
    let out = improve(&s1, f, &common::exact(), &from, source)
        .unwrap()
        .expect("the touched orders re-decided");
    let eval = evaluate(&s1, out.plan().unwrap());
    assert!(eval.feasible(), "{:?}", eval.violations);
    let cost = eval.cost.total;
    assert!((cost - out.objective().unwrap()).abs() <= 1e-6 * cost);
    assert!(cost < held_eval.cost.total);
    assert!(
        cost >= optimum - 1e-6 * optimum,
        "{cost} below the optimum {optimum}"
    );
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert_eq!(n.from, Source::LastPlan);
}
