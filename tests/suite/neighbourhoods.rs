//! Improving the priority rules' plan one neighbourhood at a time
//! (`src/optimize/neighbourhoods/`, models/neighbourhoods.md), what `solve` does when the
//! whole model is too big to build in the limit: every plan it returns is one the checker
//! accepts at the cost it reports, cheaper than the plan it started from and never below the
//! optimum; it lowers the rules' cost on the small preset, its MIP neighbourhoods reach an
//! optimum the LP ones cannot, it solves a fractional neighbourhood again in whole units,
//! and it finds nothing to improve in an optimal plan.

use crate::common;

use recourse::check::evaluate;
use recourse::optimize::formulate::by_name;
use recourse::optimize::highs::{Limit, Status};
use recourse::optimize::neighbourhoods::improve;
use recourse::optimize::{optimize, priority_rules, Outcome, Source};
use recourse::plan::Plan;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::{load_scenario, validate};
use recourse::tools::generate::{generate, GenerateConfig};

fn small(seed: u64) -> Scenario {
    let doc = generate(&GenerateConfig {
        seed,
        ..GenerateConfig::preset("small").unwrap()
    });
    validate(&doc).unwrap().0
}

fn tiny(name: &str) -> Scenario {
    load_scenario(&std::fs::read(common::tiny_path(name)).unwrap())
        .unwrap()
        .0
}

/// The scenario of a JSON document the test writes out.
fn scenario(doc: &serde_json::Value) -> Scenario {
    load_scenario(doc.to_string().as_bytes())
        .unwrap_or_else(|d| panic!("{d:?}"))
        .0
}

/// The proven optimum of `s` on the `tight` model.
fn optimum(s: &Scenario) -> f64 {
    optimize(s, by_name("tight").unwrap(), &common::exact())
        .unwrap()
        .objective()
        .expect("an optimum")
}

/// `improve` from `start` on the `tight` model with a minute to spend (it stops earlier,
/// once a round with the fed groups changes nothing).
fn improved(s: &Scenario, start: &Plan) -> Option<Outcome> {
    improve(
        s,
        by_name("tight").unwrap(),
        &common::exact(),
        start,
        Source::Rules,
    )
    .unwrap()
}

/// What every improved outcome satisfies, against the plan it started from (of cost
/// `from`) and the proven optimum; returns the checked cost.
fn checked(name: &str, s: &Scenario, out: &Outcome, from: f64, optimum: f64) -> f64 {
    out.validate().unwrap_or_else(|why| panic!("{name}: {why}"));
    let eval = evaluate(s, out.plan().expect("a plan"));
    assert!(eval.feasible(), "{name}: {:?}", eval.violations);
    let cost = eval.cost.total;
    assert!(
        (cost - out.objective().unwrap()).abs() <= 1e-6 * cost.max(1.0),
        "{name}: the outcome says {:?}, the checker {cost}",
        out.objective()
    );
    assert!(
        cost < from,
        "{name}: {cost} is not below the start's {from}"
    );
    assert!(
        cost >= optimum - 1e-6 * optimum.max(1.0),
        "{name}: {cost} below the optimum {optimum}"
    );
    let n = out
        .stats
        .as_ref()
        .and_then(|x| x.neighbourhoods.as_ref())
        .expect("the search's report");
    assert_eq!(n.from, Source::Rules, "{name}");
    assert!((n.from_cost - from).abs() <= 1e-9 * from, "{name}");
    assert!(
        n.improved + n.routed + n.closed >= 1 && n.improved <= n.solved,
        "{name}: {n:?}"
    );
    cost
}

#[test]
fn the_rules_plan_of_the_small_preset_gets_cheaper_and_stays_feasible() {
    // Optima of the small preset (README, "Performance": the tight model, proven).
    let mut mips = 0;
    for (seed, optimum) in [(1, 9_252.27), (2, 21_939.93), (3, 5_883.77)] {
        let s = small(seed);
        let a = recourse::risk::analyze(&s);
        let rules = priority_rules::plan(&s, &a);
        let from = evaluate(&s, &rules).cost.total;
        let out = improved(&s, &rules).unwrap_or_else(|| panic!("seed {seed}: no improvement"));
        // A minute is more than every neighbourhood needs: the search ends by its reach.
        assert_eq!(
            out.status(),
            Status::Feasible {
                limit: Limit::Scope
            },
            "seed {seed}"
        );
        let n = out.stats.as_ref().and_then(|x| x.neighbourhoods.as_ref());
        mips += n.map_or(0, |n| n.mips);
        // The optima are quoted to the cent.
        checked(
            &format!("small seed {seed}"),
            &s,
            &out,
            from,
            optimum - 0.01,
        );
    }
    // Where late or short orders are left once the LP rounds settle, they run as MIPs.
    assert!(
        mips >= 1,
        "no MIP neighbourhood ran on seeds 1-3 with a minute to spend"
    );
}

/// On the tiny datasets the rules' plans that are not optimal miss by a switch (a lane-day
/// to pay for or give up, another source), which an LP neighbourhood of late or short
/// orders keeps as the rules have it; the fed groups (charges open) and the MIP
/// neighbourhoods that follow free them.
#[test]
fn on_the_tiny_datasets_it_never_goes_below_the_optimum_and_frees_the_switches() {
    let mut tried = 0;
    let mut reached = Vec::new();
    for (name, optimum, _) in common::TINY_OPTIMA {
        let s = tiny(name);
        let a = recourse::risk::analyze(&s);
        let rules = priority_rules::plan(&s, &a);
        let eval = evaluate(&s, &rules);
        if !eval.feasible() {
            continue;
        }
        let from = eval.cost.total;
        tried += 1;
        if let Some(out) = improved(&s, &rules) {
            let cost = checked(name, &s, &out, from, *optimum);
            if (cost - optimum).abs() <= 1e-6 * optimum.max(1.0) {
                reached.push(*name);
            }
        }
    }
    assert!(
        tried >= 10,
        "only {tried} tiny datasets with a feasible rules plan"
    );
    eprintln!("optimum reached from the rules' plan on {reached:?}");
    // The rules' plan ships 30 of the 40 units from DC-PAR; the optimum ships all 40 from
    // DC-LYS, a source the rules' plan does not use: a switch an LP neighbourhood keeps
    // (without the MIPs, no optimum is reached).
    assert!(
        reached.contains(&"max-sources"),
        "max-sources: its optimum needs a source the rules do not use; reached only {reached:?}"
    );
    // Its optimum (360) moves an order the rules' plan ships on time off a charged
    // lane-day: only a fed group (the on-time orders on charged lanes, their charges open)
    // decides that order.
    assert!(
        reached.contains(&"lane-capacity-fixed-cost"),
        "lane-capacity-fixed-cost: its optimum re-decides an on-time order on a charged lane; reached only {reached:?}"
    );
}

#[test]
fn an_optimal_plan_has_no_cheaper_neighbourhood() {
    for seed in [1, 2] {
        let s = small(seed);
        let best = optimize(&s, by_name("tight").unwrap(), &common::exact()).unwrap();
        let plan = best.plan().unwrap();
        assert!(evaluate(&s, plan).feasible());
        let out = improved(&s, plan);
        assert!(
            out.is_none(),
            "seed {seed}: the optimum {:?} improved to {:?}",
            best.objective(),
            out.and_then(|o| o.objective())
        );
    }
}

/// A solve someone stopped (`$/cancelRequest` in the worker) starts no neighbourhood: the
/// search answers at once with what it has, here nothing better than the rules' plan.
#[test]
fn a_stopped_solve_starts_no_neighbourhood() {
    use recourse::optimize::highs::{SolveOptions, Watch};
    let s = small(1);
    let a = recourse::risk::analyze(&s);
    let rules = priority_rules::plan(&s, &a);
    let watch = Watch::watcher(|_| {});
    let opts = SolveOptions {
        watch: Some(watch.clone()),
        ..common::exact()
    };
    let f = by_name("tight").unwrap();
    let from = evaluate(&s, &rules).cost.total;
    let out = improve(&s, f, &opts, &rules, Source::Rules)
        .unwrap()
        .expect("an improvement before the stop");
    checked("small seed 1, watched", &s, &out, from, 9_252.27 - 0.01);
    watch.stop();
    assert!(improve(&s, f, &opts, &rules, Source::Rules)
        .unwrap()
        .is_none());
}

/// Without the time for one neighbourhood, the search returns at once with nothing.
#[test]
fn without_time_for_a_neighbourhood_nothing_is_returned() {
    let s = small(2);
    let a = recourse::risk::analyze(&s);
    let rules = priority_rules::plan(&s, &a);
    let opts = recourse::optimize::highs::SolveOptions {
        time_limit_s: 0.0,
        ..common::exact()
    };
    let f = by_name("tight").unwrap();
    assert!(improve(&s, f, &opts, &rules, Source::Rules)
        .unwrap()
        .is_none());
}

/// A shipment of the first order's first SKU from the first node on the first lane (the
/// one-DC, one-zone scenarios below), leaving on day `ship`.
fn first_lane(ship: i64, quantity: f64) -> recourse::plan::Shipment {
    use recourse::scenario::ids::{LaneIx, NodeIx, OrderIx, SkuIx};
    recourse::plan::Shipment {
        order: OrderIx::new(0),
        sku: SkuIx::new(0),
        node: NodeIx::new(0),
        lane: Some(LaneIx::new(0)),
        ship,
        quantity,
    }
}

/// A DC that may ship 2.5 units a day and a customer zone a day away, 1 per unit; 5 units
/// due on day 2 at 50 a unit-day late and 1,000 a unit short, with whole units as the
/// policy says (`integer_quantities`), unless `fractional`.
fn half_units_a_day(fractional: bool) -> Scenario {
    let doc = serde_json::json!({
        "format": "recourse.scenario/1", "id": "half-units", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "DC", "kind": "dc", "ship_capacity_per_day": 2.5},
                  {"id": "ZONE", "kind": "customer"}],
        "lanes": [{"id": "D-Z", "from": "DC", "to": "ZONE", "mode": "ground",
                   "lead_time_days": 1, "cost_per_unit": 1.0}],
        "stock": [{"node": "DC", "sku": "SKU-1", "on_hand": 10}],
        "inbound": [],
        "orders": [{"id": "SO-1", "customer": "ACME", "destination": "ZONE",
                    "due": "2026-11-29", "priority": 1,
                    "lines": [{"sku": "SKU-1", "quantity": 5}], "plan": []}],
        "disruptions": [],
        "policy": {"integer_quantities": !fractional}
    });
    scenario(&doc)
}

/// A neighbourhood whose LP ships fractions (2.5 units on each of days 0 and 1) is solved
/// again with whole units: 2 + 2 on time and 1 a day late, 5 + 50 = 55, the optimum. (The
/// start is late, not short: short lines are first served by routing stranded stock.)
#[test]
fn a_fractional_neighbourhood_is_solved_again_in_whole_units() {
    let f = by_name("tight").unwrap();
    let halves = half_units_a_day(true);
    let best = optimize(&halves, f, &common::exact()).unwrap();
    let plan = best.plan().expect("a plan");
    let eval = evaluate(&halves, plan);
    assert!(eval.feasible(), "{:?}", eval.violations);
    assert!((eval.cost.total - 5.0).abs() < 1e-9, "{}", eval.cost.total);
    assert!(plan.shipments.iter().any(|x| x.quantity.fract() != 0.0));

    // The start ships everything, late (2, 2 and 1 unit on days 3, 4 and 5: 14 unit-days),
    // so the order is in a neighbourhood and no line is short.
    let s = half_units_a_day(false);
    let late = Plan {
        shipments: vec![first_lane(3, 2.0), first_lane(4, 2.0), first_lane(5, 1.0)],
        ..Plan::default()
    };
    let from = evaluate(&s, &late).cost.total;
    assert_eq!(from, 5.0 + 14.0 * 50.0);
    let out = improved(&s, &late).expect("an improvement");
    let cost = checked("half units a day", &s, &out, from, 55.0);
    assert!((cost - 55.0).abs() < 1e-9, "{cost}");
    let shipped = common::shipped(out.plan().unwrap());
    assert!(shipped.iter().all(|q| q.fract() == 0.0), "{shipped:?}");
}

/// A DC holding 10 units of A and 6 of B, a day from its customers; two ship-complete
/// orders each for 4 A and 4 B, due on day 2: only one of them can ship in full.
fn two_complete_orders_one_can_ship() -> Scenario {
    let order = |id: &str| {
        serde_json::json!({"id": id, "customer": "ACME", "destination": "ZONE",
            "due": "2026-11-29", "priority": 1, "allow_partial": false,
            "lines": [{"sku": "A", "quantity": 4}, {"sku": "B", "quantity": 4}], "plan": []})
    };
    let doc = serde_json::json!({
        "format": "recourse.scenario/1", "id": "complete", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "A"}, {"id": "B"}],
        "nodes": [{"id": "DC", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
        "lanes": [{"id": "D-Z", "from": "DC", "to": "ZONE", "mode": "ground",
                   "lead_time_days": 1, "cost_per_unit": 1.0}],
        "stock": [{"node": "DC", "sku": "A", "on_hand": 10},
                  {"node": "DC", "sku": "B", "on_hand": 6}],
        "inbound": [],
        "orders": [order("SO-1"), order("SO-2")],
        "disruptions": []
    });
    scenario(&doc)
}

/// From a plan that ships neither ship-complete order, an LP neighbourhood serves one of
/// them in full: its switches are open in the LP and made whole by a dive (whose LP sets
/// one switch at 1 and the other at 1/2, and cannot ship both), and the plan reaches the
/// optimum, which ships one order (8 units at 1, the other's 8 short).
#[test]
fn a_ship_complete_order_the_start_leaves_unshipped_is_served_in_full() {
    let s = two_complete_orders_one_can_ship();
    let optimum = optimum(&s);
    let short = s.orders[0].short_penalty_per_unit;
    assert!((optimum - (8.0 + 8.0 * short)).abs() < 1e-6, "{optimum}");

    let nothing = Plan::default();
    let from = evaluate(&s, &nothing).cost.total;
    assert!((from - 16.0 * short).abs() < 1e-6, "{from}");
    let out = improved(&s, &nothing).expect("an improvement");
    let cost = checked("two complete orders", &s, &out, from, optimum);
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    let eval = evaluate(&s, out.plan().unwrap());
    let served: Vec<bool> = eval.orders.iter().map(|o| o.short_units == 0.0).collect();
    assert_eq!(served.iter().filter(|&&x| x).count(), 1, "{served:?}");
    // By an LP neighbourhood, not the MIPs that follow a round that changes nothing: only a
    // round that changed the plan is followed by another.
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(n.rounds >= 2 && n.routed == 0, "{n:?}");
}

/// A DC with nothing on hand and a receipt of 5 units on day 5 that can be pulled in to day
/// 1 for 10, a day from its customer; 5 units due on day 2 at 50 a unit-day late.
fn a_receipt_worth_expediting() -> Scenario {
    let doc = serde_json::json!({
        "format": "recourse.scenario/1", "id": "expedite", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "A"}],
        "nodes": [{"id": "DC", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
        "lanes": [{"id": "D-Z", "from": "DC", "to": "ZONE", "mode": "ground",
                   "lead_time_days": 1, "cost_per_unit": 1.0}],
        "stock": [],
        "inbound": [{"id": "PO-1", "node": "DC", "sku": "A", "quantity": 5,
                     "eta": "2026-12-02", "expedite": {"eta": "2026-11-28", "cost": 10}}],
        "orders": [{"id": "SO-1", "customer": "ACME", "destination": "ZONE",
                    "due": "2026-11-29", "priority": 1, "late_penalty_per_unit_day": 50,
                    "lines": [{"sku": "A", "quantity": 5}], "plan": []}],
        "disruptions": []
    });
    scenario(&doc)
}

/// From a plan that ships on the receipt's day, 4 days late (5 + 5 x 4 x 50 = 1,005), an
/// LP neighbourhood expedites the receipt, which the plan does not: its expedite is open
/// in the LP, which takes it whole, and the plan reaches the optimum, on time (5 + 10).
#[test]
fn a_receipt_the_start_does_not_expedite_is_expedited_by_an_lp_neighbourhood() {
    let s = a_receipt_worth_expediting();
    let optimum = optimum(&s);
    assert!((optimum - 15.0).abs() < 1e-6, "{optimum}");
    let late = Plan {
        shipments: vec![first_lane(5, 5.0)],
        ..Plan::default()
    };
    let from = evaluate(&s, &late).cost.total;
    assert!((from - 1005.0).abs() < 1e-6, "{from}");
    let out = improved(&s, &late).expect("an improvement");
    let cost = checked("a receipt worth expediting", &s, &out, from, optimum);
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    assert_eq!(out.plan().unwrap().expedited.len(), 1);
    // By an LP neighbourhood: only a round that changed the plan is followed by another.
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(n.rounds >= 2 && n.routed == 0, "{n:?}");
}

/// A start in which the first order's first SKU ships `quantity` units from node `node` on
/// lane `lane` on day `ship`, and nothing else moves.
fn first_order_ships(node: usize, lane: usize, ship: i64, quantity: f64) -> Plan {
    use recourse::scenario::ids::{LaneIx, NodeIx, OrderIx, SkuIx};
    Plan {
        shipments: vec![recourse::plan::Shipment {
            order: OrderIx::new(0),
            sku: SkuIx::new(0),
            node: NodeIx::new(node),
            lane: Some(LaneIx::new(lane)),
            ship,
            quantity,
        }],
        transfers: Vec::new(),
        expedited: Vec::new(),
    }
}

/// The checker's evaluation of `start`, which it finds feasible at `cost`.
fn feasible_at(s: &Scenario, start: &Plan, cost: f64) -> recourse::check::Evaluation {
    let eval = evaluate(s, start);
    assert!(eval.feasible(), "{:?}", eval.violations);
    assert!((eval.cost.total - cost).abs() < 1e-6, "{}", eval.cost.total);
    eval
}

/// Two DCs a day apart and a customer zone a day from each: DC-A holds 10 units, DC-B none.
/// The lane A-B charges 100 a day it is used and 1 a unit; A ships to the zone at 3 a unit,
/// B at 1. One order for 5 units, due on day 3.
fn a_transfer_not_worth_its_charge() -> Scenario {
    let lane = |id: &str, from: &str, to: &str, unit: f64, fixed: f64| {
        serde_json::json!({"id": id, "from": from, "to": to, "mode": "ground",
            "lead_time_days": 1, "cost_per_unit": unit, "fixed_cost_per_day": fixed})
    };
    let doc = serde_json::json!({
        "format": "recourse.scenario/1", "id": "recall", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "A"}],
        "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "DC-B", "kind": "dc"},
                  {"id": "ZONE", "kind": "customer"}],
        "lanes": [lane("A-B", "DC-A", "DC-B", 1.0, 100.0),
                  lane("A-Z", "DC-A", "ZONE", 3.0, 0.0),
                  lane("B-Z", "DC-B", "ZONE", 1.0, 0.0)],
        "stock": [{"node": "DC-A", "sku": "A", "on_hand": 10}],
        "inbound": [],
        "orders": [{"id": "SO-1", "customer": "ACME", "destination": "ZONE",
                    "due": "2026-11-30", "priority": 1,
                    "lines": [{"sku": "A", "quantity": 5}], "plan": []}],
        "disruptions": []
    });
    scenario(&doc)
}

/// A start that moves the 5 units to DC-B on day 0 and ships them from there on day 1, on
/// time (100 + 5 + 5 = 110), leaves no order late or short. The order ships from a pair a
/// transfer feeds on a lane-day only transfers use, so a group of its own decides it with
/// that lane-day's charge open; the transfer is taken back (a recall) and the order ships
/// from DC-A: 15, the optimum. Held as a constant, the transfer would keep its 105, and
/// with the charge fixed at 1 shipping from DC-A would cost 100 + 15.
#[test]
fn a_transfer_an_on_time_order_does_not_need_is_taken_back_with_its_charge() {
    use recourse::plan::Transfer;
    use recourse::scenario::ids::{LaneIx, SkuIx};
    let s = a_transfer_not_worth_its_charge();
    let optimum = optimum(&s);
    assert!((optimum - 15.0).abs() < 1e-6, "{optimum}");
    let mut start = first_order_ships(1, 2, 1, 5.0);
    start.transfers.push(Transfer {
        lane: LaneIx::new(0),
        sku: SkuIx::new(0),
        ship: 0,
        quantity: 5.0,
    });
    let eval = feasible_at(&s, &start, 110.0);
    assert!(eval.orders[0].on_time_in_full());
    let out = improved(&s, &start).expect("an improvement");
    let cost = checked("a transfer not worth its charge", &s, &out, 110.0, optimum);
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    let plan = out.plan().unwrap();
    assert!(plan.transfers.is_empty(), "{:?}", plan.transfers);
    // By an LP neighbourhood: no order was late or short, so no MIP had a group to solve.
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(n.mips == 0 && n.routed == 0 && n.improved >= 1, "{n:?}");
}

/// Two DCs holding 10 units each and two customer zones a day away: DC-A reaches both (1
/// a unit), DC-B only Z1 (2 a unit). SO-1 and SO-2, both priority 1, want 10 units each
/// on day 3, SO-1 in Z1 (its plan: DC-A on day 1), SO-2 in Z2 with no plan.
fn stock_an_on_time_order_holds() -> Scenario {
    let lane = |id: &str, from: &str, to: &str, unit: f64| {
        serde_json::json!({"id": id, "from": from, "to": to, "mode": "ground",
            "lead_time_days": 1, "cost_per_unit": unit})
    };
    let order = |id: &str, zone: &str, plan: serde_json::Value| {
        serde_json::json!({"id": id, "customer": "ACME", "destination": zone,
            "due": "2026-11-30", "priority": 1,
            "lines": [{"sku": "A", "quantity": 10}], "plan": plan})
    };
    let doc = serde_json::json!({
        "format": "recourse.scenario/1", "id": "holders", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "A"}],
        "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "DC-B", "kind": "dc"},
                  {"id": "Z1", "kind": "customer"}, {"id": "Z2", "kind": "customer"}],
        "lanes": [lane("A-Z1", "DC-A", "Z1", 1.0), lane("A-Z2", "DC-A", "Z2", 1.0),
                  lane("B-Z1", "DC-B", "Z1", 2.0)],
        "stock": [{"node": "DC-A", "sku": "A", "on_hand": 10},
                  {"node": "DC-B", "sku": "A", "on_hand": 10}],
        "inbound": [],
        "orders": [order("SO-1", "Z1", serde_json::json!([{"sku": "A", "node": "DC-A",
                             "lane": "A-Z1", "ship": "2026-11-28", "quantity": 10}])),
                   order("SO-2", "Z2", serde_json::json!([]))],
        "disruptions": []
    });
    scenario(&doc)
}

/// A start that ships SO-1 as planned leaves SO-2 short (10 + 10 x 1,000). The optimum
/// moves SO-1 to DC-B (20, and 10 x 0.5 for the change) and serves SO-2 from DC-A (10):
/// 35. SO-2's own neighbourhood holds SO-1 at its shipments, no stock is unused where SO-2
/// can reach it, SO-1 costs as much to leave short, and no lane charges: only the group of
/// the orders holding SKU A, which decides both, finds it.
#[test]
fn stock_an_on_time_order_holds_goes_to_a_short_order_when_the_holder_can_ship_from_elsewhere() {
    let s = stock_an_on_time_order_holds();
    let optimum = optimum(&s);
    assert!((optimum - 35.0).abs() < 1e-6, "{optimum}");
    let start = first_order_ships(0, 0, 1, 10.0);
    feasible_at(&s, &start, 10_010.0);
    let out = improved(&s, &start).expect("an improvement");
    let cost = checked("stock an on-time order holds", &s, &out, 10_010.0, optimum);
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    // SO-2's group first, which changes nothing; in the next round not again (the same LP
    // around the same plan), but the holder group; then nothing is late or short.
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(
        n.holders == 1 && n.solved == 2 && n.improved == 1 && n.routed == 0,
        "{n:?}"
    );
}

/// Two DCs and a customer zone, three days from DC-A (1 a unit) and one from DC-B (2 a
/// unit), holding `stock` (node, SKU, units), with one order per `(id, sku, allow_partial)`
/// for 10 units due on day 2, each limited to one source.
fn two_dcs_a_day_and_three_days_away(
    stock: &[(&str, &str, f64)],
    orders: &[(&str, &str, bool)],
) -> Scenario {
    let lane = |id: &str, from: &str, days: u32, unit: f64| {
        serde_json::json!({"id": id, "from": from, "to": "ZONE", "mode": "ground",
            "lead_time_days": days, "cost_per_unit": unit})
    };
    let mut skus: Vec<&str> = stock.iter().map(|x| x.1).collect();
    skus.dedup();
    let doc = serde_json::json!({
        "format": "recourse.scenario/1", "id": "sources", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": skus.iter().map(|k| serde_json::json!({"id": k})).collect::<Vec<_>>(),
        "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "DC-B", "kind": "dc"},
                  {"id": "ZONE", "kind": "customer"}],
        "lanes": [lane("A-Z", "DC-A", 3, 1.0), lane("B-Z", "DC-B", 1, 2.0)],
        "stock": stock.iter().map(|(node, sku, units)| serde_json::json!(
            {"node": node, "sku": sku, "on_hand": units})).collect::<Vec<_>>(),
        "inbound": [],
        "orders": orders.iter().map(|(id, sku, partial)| serde_json::json!(
            {"id": id, "customer": "ACME", "destination": "ZONE", "due": "2026-11-29",
             "priority": 1, "max_sources": 1, "allow_partial": partial,
             "lines": [{"sku": sku, "quantity": 10}], "plan": []})).collect::<Vec<_>>(),
        "disruptions": []
    });
    scenario(&doc)
}

/// [`two_dcs_a_day_and_three_days_away`], both DCs holding 10 units of SKU A, one order
/// for A.
fn a_source_limit() -> Scenario {
    two_dcs_a_day_and_three_days_away(
        &[("DC-A", "A", 10.0), ("DC-B", "A", 10.0)],
        &[("SO-1", "A", true)],
    )
}

/// A start that ships the order from DC-A on day 0 leaves it a day late. The optimum ships
/// it from DC-B on day 1, on time: 20. With its source choice fixed at the start's, as
/// every yes/no decision of an LP neighbourhood is, only a MIP neighbourhood would find
/// that; the late order's own LP neighbourhood, its sources open, does.
#[test]
fn a_late_order_limited_to_one_source_moves_to_another_in_an_lp_neighbourhood() {
    let s = a_source_limit();
    let optimum = optimum(&s);
    assert!((optimum - 20.0).abs() < 1e-6, "{optimum}");
    let start = first_order_ships(0, 0, 0, 10.0);
    let eval = evaluate(&s, &start);
    assert!(eval.feasible(), "{:?}", eval.violations);
    assert!(eval.orders[0].late_unit_days > 0.0 && eval.cost.total > optimum);
    let from = eval.cost.total;
    let out = improved(&s, &start).expect("an improvement");
    let cost = checked("a source limit", &s, &out, from, optimum);
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    let plan = out.plan().unwrap();
    assert!(plan.shipments.iter().all(|e| e.node.ix() == 1), "{plan:?}");
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(n.mips == 0 && n.routed == 0 && n.improved == 1, "{n:?}");
}

/// As [`a_source_limit`], with a second SKU: DC-A holds 10 units of each, DC-B 6 of A and
/// 10 of B. SO-1 wants 10 of A shipped complete (`allow_partial: false`), SO-2 10 of B.
fn a_source_limit_and_a_complete_order() -> Scenario {
    two_dcs_a_day_and_three_days_away(
        &[
            ("DC-A", "A", 10.0),
            ("DC-B", "A", 6.0),
            ("DC-A", "B", 10.0),
            ("DC-B", "B", 10.0),
        ],
        &[("SO-1", "A", false), ("SO-2", "B", true)],
    )
}

/// A start that ships both orders from DC-A on day 0 leaves both a day late. Their
/// neighbourhood's LP splits SO-1 between the nodes (6 on time from DC-B, 4 late from
/// DC-A) and moves SO-2 to DC-B whole. Rounding SO-1 to DC-B, which cannot ship it
/// complete, is infeasible, so SO-1 goes back to DC-A, and the LP after it keeps SO-2 on
/// DC-B: the optimum, in that LP neighbourhood. SO-1, late at the optimum, gets its own LP
/// neighbourhood once more, and then a MIP neighbourhood that finds nothing: 3 solved. Without
/// the way back the dive ends with no plan, twice (no round changes anything), and only the
/// MIP neighbourhood finds the optimum: 4 solved.
#[test]
fn a_source_rounding_that_is_infeasible_goes_back_to_the_starts_sources() {
    use recourse::scenario::ids::{LaneIx, NodeIx, OrderIx, SkuIx};
    let s = a_source_limit_and_a_complete_order();
    let optimum = optimum(&s);
    let ship = |order: usize, sku: usize| recourse::plan::Shipment {
        order: OrderIx::new(order),
        sku: SkuIx::new(sku),
        node: NodeIx::new(0),
        lane: Some(LaneIx::new(0)),
        ship: 0,
        quantity: 10.0,
    };
    let start = Plan {
        shipments: vec![ship(0, 0), ship(1, 1)],
        transfers: Vec::new(),
        expedited: Vec::new(),
    };
    let eval = evaluate(&s, &start);
    assert!(eval.feasible(), "{:?}", eval.violations);
    assert!(eval.orders.iter().all(|o| o.late_unit_days > 0.0));
    let from = eval.cost.total;
    // The optimum moves SO-2 only: 10 more in transport, SO-2's lateness gone.
    let late = from - 20.0;
    assert!(
        (optimum - (from + 10.0 - late / 2.0)).abs() < 1e-6,
        "{optimum} from {from}"
    );
    let out = improved(&s, &start).expect("an improvement");
    let cost = checked(
        "a source limit and a complete order",
        &s,
        &out,
        from,
        optimum,
    );
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    let plan = out.plan().unwrap();
    let node = |o: usize| {
        plan.shipments
            .iter()
            .find(|e| e.order.ix() == o)
            .unwrap()
            .node
            .ix()
    };
    assert_eq!((node(0), node(1)), (0, 1), "{plan:?}");
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(
        n.solved == 3 && n.mips == 1 && n.improved == 1 && n.routed == 0,
        "{n:?}"
    );
}

/// The search under half a second, less than a group of 300 orders is expected to take
/// (1.8 s) but far more than the one late order's LP needs: that order's neighbourhood is
/// solved and moves it to the node that is on time (`a_source_limit`). No MIP neighbourhood
/// starts with less than a second left.
#[test]
fn a_search_shorter_than_a_full_group_still_solves_its_few_late_orders() {
    let s = a_source_limit();
    let start = first_order_ships(0, 0, 0, 10.0);
    let from = evaluate(&s, &start).cost.total;
    let opts = recourse::optimize::highs::SolveOptions {
        time_limit_s: 0.5,
        ..common::exact()
    };
    let out = improve(&s, by_name("tight").unwrap(), &opts, &start, Source::Rules)
        .unwrap()
        .expect("an improvement");
    let cost = checked("a source limit in half a second", &s, &out, from, 20.0);
    assert!((cost - 20.0).abs() < 1e-6, "{cost}");
    let n = out.stats.as_ref().unwrap().neighbourhoods.as_ref().unwrap();
    assert!(n.mips == 0 && n.improved == 1, "{n:?}");
}
