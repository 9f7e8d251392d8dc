//! The transportation relaxation's bound (`src/optimize/relaxation/`,
//! `models/relaxation.md`): the optimum where only stock binds, never above the optimum of
//! the whole model on random scenarios, and counting nothing past its deadline.

use crate::common;

use proptest::prelude::*;
use recourse::optimize::formulate::by_name;
use recourse::optimize::highs::Status;
use recourse::optimize::optimize;
use recourse::optimize::relaxation::{bound, Until};
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::{load_scenario, validate};
use serde_json::json;
use std::time::{Duration, Instant};

fn never() -> Until<'static> {
    Until::deadline(Instant::now() + Duration::from_secs(3600))
}

/// Two DCs with 10 and 5 units, one zone a day from each (1 and 3 per unit), 8 units due
/// at priority 1 (1,000 a unit short) and 10 at priority 3 (100). The optimum: the first
/// order's 8 and 2 more from DC-A (10), 5 from DC-B (15), 3 short (300), 325 in all. Left
/// without prices, each line would take DC-A's units: 18.
#[test]
fn where_only_stock_binds_the_bound_is_the_optimum() {
    let order = |id: &str, priority: u32, quantity: f64| {
        json!({"id": id, "destination": "ZONE", "due": "2026-11-29", "priority": priority,
               "lines": [{"sku": "SKU-1", "quantity": quantity}], "plan": []})
    };
    let doc = two_dcs(
        5.0,
        json!([order("SO-1", 1, 8.0), order("SO-2", 3, 10.0)]),
        0.5,
    );
    let s = bound_is_the_optimum(&doc, 325.0);
    let r = bound(&s, &never());
    assert_eq!((r.skus, r.solved), (1, 1));
    // Past its deadline nothing is counted: a bound still, and a weak one.
    let late = bound(
        &s,
        &Until::deadline(Instant::now() - Duration::from_millis(1)),
    );
    assert_eq!((late.bound, late.solved), (0.0, 0));
    // Nor once someone stopped the solve.
    let stopped = Until {
        deadline: Instant::now() + Duration::from_secs(3600),
        stopped: &|| true,
    };
    assert_eq!(bound(&s, &stopped).solved, 0);
}

/// One DC with 10 units, its lane to the zone departing on Mondays only (lead 1, 1 per
/// unit), 10 units due on Saturday 2026-11-28 (day 1) at priority 1 (50 a unit-day late,
/// 1,000 short). Day 0 is a Friday: the first departure is day 3, arriving on day 4, three
/// days late, so the optimum is 10 + 10 x 3 x 50 = 1,510, and the bound counts the wait
/// (from the lead time alone it would be 10). With the DC closed on that Monday the next
/// departure falls outside the horizon and the order is short: 10,000 either way.
#[test]
fn the_bound_counts_the_wait_for_a_departure_day() {
    let doc = |outages: serde_json::Value| {
        json!({
            "format": "recourse.scenario/1", "id": "departures", "as_of": "2026-11-27",
            "horizon_days": 7, "currency": "EUR",
            "skus": [{"id": "SKU-1"}],
            "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
            "lanes": [{"id": "A-Z", "from": "DC-A", "to": "ZONE", "mode": "ground",
                       "lead_time_days": 1, "cost_per_unit": 1.0, "departure_days": ["mon"]}],
            "stock": [{"node": "DC-A", "sku": "SKU-1", "on_hand": 10}],
            "inbound": [],
            "orders": [{"id": "SO-1", "destination": "ZONE", "due": "2026-11-28",
                        "priority": 1, "lines": [{"sku": "SKU-1", "quantity": 10}],
                        "plan": []}],
            "disruptions": outages
        })
    };
    let closed = json!([{"kind": "node_outage", "node": "DC-A", "from": "2026-11-30",
                         "until": "2026-11-30"}]);
    for (doc, optimum) in [(doc(json!([])), 1510.0), (doc(closed), 10_000.0)] {
        bound_is_the_optimum(&doc, optimum);
    }
}

/// Two DCs with 10 units each, one zone a day from each (1 and 3 per unit); 10 units due at
/// priority 1, all planned from DC-B. Moving them to DC-A saves 20 of transport and costs
/// the change penalty of the 10 planned units: at 0.5 a unit the optimum moves them (10 +
/// 5 = 15), at 5 a unit it keeps the plan (30). The bound is the optimum in both (without
/// the change penalties it would be 10).
#[test]
fn the_bound_counts_the_change_of_planned_units() {
    let doc = |change: f64| {
        let order = json!({"id": "SO-1", "destination": "ZONE", "due": "2026-11-29",
                           "priority": 1, "lines": [{"sku": "SKU-1", "quantity": 10}],
                           "plan": [{"sku": "SKU-1", "node": "DC-B", "lane": "B-Z",
                                     "ship": "2026-11-27", "quantity": 10}]});
        two_dcs(10.0, json!([order]), change)
    };
    for (change, optimum) in [(0.5, 15.0), (5.0, 30.0)] {
        bound_is_the_optimum(&doc(change), optimum);
    }
}

/// A line planned as a local hand-over at DC-B, whose stock is all at DC-A, one transfer
/// lane away (2 a unit, same day). The transfer then the hand-over keeps the plan: 20, no
/// change. The bound is 20: a unit whose shipment leaves from the planned node after
/// transfers pays no change penalty (charging one would give 25, above the optimum).
#[test]
fn a_planned_node_reached_by_transfer_pays_no_change() {
    let doc = json!({
        "format": "recourse.scenario/1", "id": "handover", "as_of": "2026-11-27",
        "horizon_days": 7, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "DC-B", "kind": "dc"}],
        "lanes": [{"id": "A-B", "from": "DC-A", "to": "DC-B", "mode": "ground",
                   "lead_time_days": 0, "cost_per_unit": 2.0}],
        "stock": [{"node": "DC-A", "sku": "SKU-1", "on_hand": 10}],
        "inbound": [],
        "orders": [{"id": "SO-1", "destination": "DC-B", "due": "2026-11-27", "priority": 1,
                    "lines": [{"sku": "SKU-1", "quantity": 10}],
                    "plan": [{"sku": "SKU-1", "node": "DC-B", "lane": null,
                              "ship": "2026-11-27", "quantity": 10}]}],
        "disruptions": []
    });
    bound_is_the_optimum(&doc, 20.0);
}

/// DC-A with 10 units of SKU-1 and DC-B with `b`, each a day from ZONE (1 and 3 a unit),
/// `orders`, and a change penalty of `change` a unit.
fn two_dcs(b: f64, orders: serde_json::Value, change: f64) -> serde_json::Value {
    let lane = |id: &str, from: &str, cost: f64| {
        json!({"id": id, "from": from, "to": "ZONE", "mode": "ground", "lead_time_days": 1,
               "cost_per_unit": cost})
    };
    json!({
        "format": "recourse.scenario/1", "id": "two-dcs", "as_of": "2026-11-27",
        "horizon_days": 7, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "DC-B", "kind": "dc"},
                  {"id": "ZONE", "kind": "customer"}],
        "lanes": [lane("A-Z", "DC-A", 1.0), lane("B-Z", "DC-B", 3.0)],
        "stock": [{"node": "DC-A", "sku": "SKU-1", "on_hand": 10},
                  {"node": "DC-B", "sku": "SKU-1", "on_hand": b}],
        "inbound": [],
        "orders": orders,
        "disruptions": [],
        "policy": {"change_penalty_per_unit": change}
    })
}

/// The relaxation's bound of `doc` is `optimum`, and so is the checked cost of the plan
/// the whole `tight` model proves optimal; the scenario.
fn bound_is_the_optimum(doc: &serde_json::Value, optimum: f64) -> Scenario {
    let s = load_scenario(doc.to_string().as_bytes()).unwrap().0;
    let r = bound(&s, &never());
    assert!((r.bound - optimum).abs() < 1e-9, "{r:?} against {optimum}");
    let o = optimize(&s, by_name("tight").unwrap(), &common::exact()).unwrap();
    assert_eq!(o.status(), Status::Optimal);
    let eval = recourse::check::evaluate(&s, o.plan().unwrap());
    assert!(eval.feasible(), "{:?}", eval.violations);
    let cost = eval.cost.total;
    assert!((cost - optimum).abs() < 1e-6, "{cost} against {optimum}");
    s
}

proptest! {
    #![proptest_config(common::config(64))]

    /// Outages, delays, expedites, capacities, charges, frozen orders and `forbid` only
    /// add cost or remove options: the bound never passes the optimum.
    #[test]
    fn the_bound_never_exceeds_the_optimum(doc in common::small_scenario()) {
        let (s, _) = validate(&doc).unwrap();
        let r = bound(&s, &never());
        prop_assert_eq!(r.solved, r.skus);
        prop_assert!(r.bound >= 0.0);
        // Stopped before it reads a line, it still names the SKUs with lines, and bounds
        // with 0.
        let late = bound(&s, &Until::deadline(Instant::now() - Duration::from_millis(1)));
        prop_assert_eq!((late.bound, late.skus, late.solved, late.arcs), (0.0, r.skus, 0, 0));
        let o = optimize(&s, by_name("time-expanded").unwrap(), &common::exact()).unwrap();
        if o.status() == Status::Optimal {
            let eval = recourse::check::evaluate(&s, o.plan().unwrap());
            prop_assert!(eval.feasible(), "{:?}", eval.violations);
            let cost = eval.cost.total;
            prop_assert!(r.bound <= cost + 1e-6 * cost.max(1.0), "bound {} above the optimum {}", r.bound, cost);
        }
    }
}

/// One DC, a zone a day away (1 a unit), one order for 10 units due on day 1 at 50 a
/// unit-day late; the DC's only units, 10, arrive on day 5 unless expedited to day 0 for
/// 50 (`capacity` a day may leave the DC). Expediting is the optimum: 50 + 10. The bound
/// counts the expedite's cost per unit of the receipt (5), where it used to take the
/// expedited units for free (10).
#[test]
fn the_bound_counts_an_expedite_by_the_unit() {
    let doc = one_receipt(json!({"eta": "2026-11-27", "cost": 50.0}), None, 0.0);
    bound_is_the_optimum(&doc, 60.0);
}

/// The same DC with its 10 units on hand, the lane charging 100 a day and carrying at most
/// 10 units a day: the optimum ships all 10 in one departure, 10 + 100. The bound counts
/// the charge per unit of a full lane-day (10), where it used to count none (10); with the
/// DC's own capacity of 10 a day and the lane unlimited, the same.
#[test]
fn the_bound_counts_a_lane_days_charge_by_the_unit_of_its_capacity() {
    for (lane, node) in [(Some(10.0), None), (None, Some(10.0))] {
        let mut doc = one_receipt(serde_json::Value::Null, node, 100.0);
        doc["stock"] = json!([{"node": "DC-A", "sku": "SKU-1", "on_hand": 10}]);
        doc["inbound"] = json!([]);
        if let Some(cap) = lane {
            doc["lanes"][0]["capacity_per_day"] = json!(cap);
        }
        bound_is_the_optimum(&doc, 110.0);
    }
}

/// DC-A (ship capacity `node_cap` a day, if any) with a receipt of 10 units of SKU-1 on day
/// 5 (its expedite option `expedite`, if any), a day from ZONE (1 a unit, a charge of
/// `fixed` a day), and one order for the 10 due on day 1, 50 a unit-day late.
fn one_receipt(
    expedite: serde_json::Value,
    node_cap: Option<f64>,
    fixed: f64,
) -> serde_json::Value {
    let mut dc = json!({"id": "DC-A", "kind": "dc"});
    if let Some(cap) = node_cap {
        dc["ship_capacity_per_day"] = json!(cap);
    }
    let mut receipt = json!({"id": "PO-1", "node": "DC-A", "sku": "SKU-1", "quantity": 10,
                             "eta": "2026-12-02"});
    if !expedite.is_null() {
        receipt["expedite"] = expedite;
    }
    json!({
        "format": "recourse.scenario/1", "id": "one-receipt", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [dc, {"id": "ZONE", "kind": "customer"}],
        "lanes": [{"id": "A-Z", "from": "DC-A", "to": "ZONE", "mode": "ground",
                   "lead_time_days": 1, "cost_per_unit": 1.0, "fixed_cost_per_day": fixed}],
        "stock": [],
        "inbound": [receipt],
        "orders": [{"id": "SO-1", "destination": "ZONE", "due": "2026-11-28", "priority": 1,
                    "late_penalty_per_unit_day": 50.0,
                    "lines": [{"sku": "SKU-1", "quantity": 10}], "plan": []}],
        "disruptions": []
    })
}
