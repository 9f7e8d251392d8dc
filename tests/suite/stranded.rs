//! Stranded stock routed to short lines over chains of transfers longer than a
//! neighbourhood reaches (`src/optimize/stranded.rs`, models/neighbourhoods.md "Stranded
//! stock"): the chain is the optimum where a neighbourhood finds nothing, capacities split it
//! into chains that fit, a chain that costs more than the shortage is not taken, and every
//! plan goes through the checker.

use crate::common;

use recourse::check::evaluate;
use recourse::optimize::formulate::by_name;
use recourse::optimize::neighbourhoods::improve;
use recourse::optimize::stranded::route;
use recourse::optimize::{optimize, Source};
use recourse::plan::Plan;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::load_scenario;
use serde_json::json;

/// A plant, four DCs in a chain and a customer zone served only from the last DC, one lane
/// each, a day apart, 1 per unit; 30 units at the plant; 30 units due on day 6 at `short`
/// a unit short. `cap` limits the third DC's lane to the fourth.
fn chain(short: f64, cap: Option<f64>) -> Scenario {
    let lane = |id: &str, from: &str, to: &str| {
        json!({"id": id, "from": from, "to": to, "mode": "ground", "lead_time_days": 1,
               "cost_per_unit": 1.0, "capacity_per_day": if id == "C-D" { cap } else { None }})
    };
    let doc = json!({
        "format": "recourse.scenario/1", "id": "stranded", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "PLANT", "kind": "plant"}, {"id": "DC-A", "kind": "dc"},
                  {"id": "DC-B", "kind": "dc"}, {"id": "DC-C", "kind": "dc"},
                  {"id": "DC-D", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
        "lanes": [lane("P-A", "PLANT", "DC-A"), lane("A-B", "DC-A", "DC-B"),
                  lane("B-C", "DC-B", "DC-C"), lane("C-D", "DC-C", "DC-D"),
                  lane("D-Z", "DC-D", "ZONE")],
        "stock": [{"node": "PLANT", "sku": "SKU-1", "on_hand": 30}],
        "inbound": [],
        "orders": [{"id": "SO-1", "customer": "ACME", "destination": "ZONE",
                    "due": "2026-12-03", "priority": 1, "short_penalty_per_unit": short,
                    "lines": [{"sku": "SKU-1", "quantity": 30}], "plan": []}],
        "disruptions": []
    });
    load(&doc)
}

fn load(doc: &serde_json::Value) -> Scenario {
    load_scenario(doc.to_string().as_bytes())
        .unwrap_or_else(|d| panic!("{d:?}"))
        .0
}

/// The start of the donor tests: the second order ships 10 units from the first node on
/// lane `lane`, on day 0.
fn second_order_ships_10(lane: usize) -> Plan {
    use recourse::scenario::ids::{LaneIx, NodeIx, OrderIx, SkuIx};
    Plan {
        shipments: vec![recourse::plan::Shipment {
            order: OrderIx::new(1),
            sku: SkuIx::new(0),
            node: NodeIx::new(0),
            lane: Some(LaneIx::new(lane)),
            ship: 0,
            quantity: 10.0,
        }],
        ..Plan::default()
    }
}

/// The routed plan, checked feasible, and its cost.
fn routed(s: &Scenario) -> Option<(Plan, f64)> {
    routed_from(s, &Plan::default()).map(|(p, e)| (p, e.cost.total))
}

/// The plan routed from `start` (which must be feasible), checked feasible, and the
/// checker's evaluation of it.
fn routed_from(s: &Scenario, start: &Plan) -> Option<(Plan, recourse::check::Evaluation)> {
    let from = evaluate(s, start);
    assert!(from.feasible(), "{:?}", from.violations);
    let p = route(s, start, &from)?;
    let e = evaluate(s, &p);
    assert!(e.feasible(), "{:?}", e.violations);
    Some((p, e))
}

#[test]
fn stock_four_transfers_away_reaches_the_short_line_at_the_optimum() {
    let s = chain(1_000.0, None);
    let (p, cost) = routed(&s).expect("a chain");
    // Four transfers and the shipment, 30 units each, on time: 5 x 30.
    assert_eq!(cost, 150.0);
    assert_eq!(p.transfers.len(), 4);
    assert_eq!(p.shipments.len(), 1);
    assert_eq!(p.shipments[0].ship, 4);
    let best = optimize(&s, by_name("tight").unwrap(), &common::exact()).unwrap();
    let e = evaluate(&s, best.plan().unwrap());
    assert!(e.feasible());
    assert!((e.cost.total - 150.0).abs() < 1e-9, "{}", e.cost.total);

    // The search: its neighbourhoods reach three lanes, so the routing is what serves the
    // line, and the outcome says so.
    let nothing = Plan::default();
    let out = improve(
        &s,
        by_name("tight").unwrap(),
        &common::exact(),
        &nothing,
        Source::Rules,
    )
    .unwrap()
    .expect("an improvement");
    let e = evaluate(&s, out.plan().unwrap());
    assert!(e.feasible());
    assert_eq!(e.cost.total, 150.0);
    assert_eq!(out.objective(), Some(150.0));
    let n = out.stats.unwrap().neighbourhoods.unwrap();
    assert!(n.routed >= 1 && n.improved == 0, "{n:?}");
}

#[test]
fn a_lane_capacity_splits_the_stock_into_chains_that_fit() {
    let s = chain(1_000.0, Some(20.0));
    let (p, cost) = routed(&s).expect("chains");
    // 20 units leave DC-C on day 3, the other 10 on day 4; both arrive by day 6.
    assert_eq!(cost, 150.0);
    let mut on_c_d: Vec<(i64, f64)> = p
        .transfers
        .iter()
        .filter(|t| s.lane(t.lane).id.0 == "C-D")
        .map(|t| (t.ship, t.quantity))
        .collect();
    on_c_d.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(on_c_d, vec![(3, 20.0), (4, 10.0)]);
}

#[test]
fn a_chain_dearer_than_the_shortage_is_not_taken() {
    // 5 a unit to move against 4 a unit short.
    assert!(routed(&chain(4.0, None)).is_none());
    // 6 a unit short: the chain pays.
    assert_eq!(routed(&chain(6.0, None)).map(|x| x.1), Some(150.0));
}

/// A DC holding 10 units and a zone a day away, 1 per unit; two orders of 10 due on day 2,
/// one at `first` a unit short, the other at `second`. The start ships all 10 to the second.
fn two_orders(first: f64, second: f64) -> (Scenario, Plan) {
    let order = |id: &str, short: f64| {
        json!({"id": id, "customer": "ACME", "destination": "ZONE", "due": "2026-11-29",
               "priority": 1, "short_penalty_per_unit": short,
               "lines": [{"sku": "SKU-1", "quantity": 10}], "plan": []})
    };
    let doc = json!({
        "format": "recourse.scenario/1", "id": "donor", "as_of": "2026-11-27",
        "horizon_days": 5, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "DC", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
        "lanes": [{"id": "D-Z", "from": "DC", "to": "ZONE", "mode": "ground",
                   "lead_time_days": 1, "cost_per_unit": 1.0}],
        "stock": [{"node": "DC", "sku": "SKU-1", "on_hand": 10}],
        "inbound": [],
        "orders": [order("SO-1", first), order("SO-2", second)],
        "disruptions": []
    });
    let s = load(&doc);
    (s, second_order_ships_10(0))
}

#[test]
fn a_short_line_takes_the_units_of_an_order_cheaper_to_leave_short() {
    let (s, start) = two_orders(1_000.0, 100.0);
    assert_eq!(evaluate(&s, &start).cost.total, 10.0 + 10_000.0);
    let (_, e) = routed_from(&s, &start).expect("a swap");
    // SO-1 ships the 10 units on the same day and lane; SO-2 is short: 10 + 1,000, the
    // optimum.
    assert_eq!(e.cost.total, 1_010.0);
    assert_eq!(e.orders[0].shipped, vec![10.0]);
    assert_eq!(e.orders[1].shipped, vec![0.0]);
    let best = optimize(&s, by_name("tight").unwrap(), &common::exact()).unwrap();
    assert_eq!(best.objective(), Some(1_010.0));

    // The other way round nothing pays: the order shipping is the dearer one to leave short.
    let (s, start) = two_orders(100.0, 1_000.0);
    assert!(routed_from(&s, &start).is_none());
}

/// DC-A holds 10 units and serves zone Z2; DC-B, a transfer a day away, serves zone Z1;
/// every lane 1 per unit and a day long. SO-1 (Z1, 1,000 a unit short) and SO-2 (Z2, 100)
/// want 10 each by day 2; the start ships DC-A's 10 to SO-2.
fn donor_a_transfer_away() -> (Scenario, Plan) {
    let lane = |id: &str, from: &str, to: &str| {
        json!({"id": id, "from": from, "to": to, "mode": "ground", "lead_time_days": 1,
               "cost_per_unit": 1.0})
    };
    let order = |id: &str, zone: &str, short: f64| {
        json!({"id": id, "customer": "ACME", "destination": zone, "due": "2026-11-29",
               "priority": 1, "short_penalty_per_unit": short,
               "lines": [{"sku": "SKU-1", "quantity": 10}], "plan": []})
    };
    let doc = json!({
        "format": "recourse.scenario/1", "id": "donor-far", "as_of": "2026-11-27",
        "horizon_days": 5, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "DC-A", "kind": "dc"}, {"id": "DC-B", "kind": "dc"},
                  {"id": "Z1", "kind": "customer"}, {"id": "Z2", "kind": "customer"}],
        "lanes": [lane("A-B", "DC-A", "DC-B"), lane("B-Z1", "DC-B", "Z1"),
                  lane("A-Z2", "DC-A", "Z2")],
        "stock": [{"node": "DC-A", "sku": "SKU-1", "on_hand": 10}],
        "inbound": [],
        "orders": [order("SO-1", "Z1", 1_000.0), order("SO-2", "Z2", 100.0)],
        "disruptions": []
    });
    let s = load(&doc);
    (s, second_order_ships_10(2))
}

#[test]
fn a_short_line_takes_a_cheaper_orders_units_over_a_transfer() {
    let (s, start) = donor_a_transfer_away();
    assert_eq!(evaluate(&s, &start).cost.total, 10.0 + 10_000.0);
    let (p, e) = routed_from(&s, &start).expect("a take");
    // DC-A's 10 units go to DC-B on day 0 and to Z1 on day 1, on time; SO-2 is short:
    // 2 x 10 + 1,000, the optimum.
    assert_eq!(e.cost.total, 1_020.0);
    assert_eq!(e.orders[0].shipped, vec![10.0]);
    assert_eq!(e.orders[1].shipped, vec![0.0]);
    assert_eq!(p.transfers.len(), 1);
    let best = optimize(&s, by_name("tight").unwrap(), &common::exact()).unwrap();
    assert_eq!(best.objective(), Some(1_020.0));
}
