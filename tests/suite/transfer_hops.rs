//! How far transfers reach in a neighbourhood's model (`Hold::transfer_hops`,
//! models/neighbourhoods.md, "Transfer hops"): each hop is a restriction of the next and of
//! the whole model, the farthest pairs give only the stock the plan leaves them on every
//! day, and every plan such a model gives is one the checker accepts at the model's cost.

use recourse::check::evaluate;
use recourse::optimize::formulate::{by_name, fixed_plan, BuildOptions, Hold};
use recourse::optimize::highs::solve;
use recourse::optimize::priority_rules;
use recourse::plan::Plan;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::{load_scenario, validate};
use recourse::tools::generate::{generate, GenerateConfig};
use serde_json::json;
use std::sync::Arc;

/// `plan` with the orders in `free` decided and every other held at its shipments, its
/// transfers and expedites kept, transfers within `hops`; every yes/no decision fixed at
/// `plan`'s. The LP's objective and the checked cost of the plan it decodes to (which the
/// checker must accept), and the model's column count.
fn neighbourhood(s: &Scenario, plan: &Plan, free: &[bool], hops: Option<u32>) -> (f64, f64, usize) {
    let hold = Arc::new(Hold {
        shipments: Hold::held_shipments(s, &plan.shipments, free),
        transfers: plan.transfers.clone(),
        expedited: plan.expedited.clone(),
        priced: false,
        transfer_hops: hops,
        recall: false,
    });
    let model = by_name("time-expanded").unwrap().build(
        s,
        &BuildOptions {
            hold: Some(hold.clone()),
            ..BuildOptions::default()
        },
    );
    let mut lp = model.mip.clone().relaxed();
    for (j, v) in model.start_from(plan).into_iter().enumerate() {
        if v.is_finite() {
            lp.col_lower[j] = v;
            lp.col_upper[j] = v;
        }
    }
    let result = solve(&lp, &crate::common::exact()).unwrap();
    let objective = result.objective.expect("an optimal LP");
    let decoded = model.decode(s, &result.values.unwrap(), &fixed_plan(s, Some(&hold)));
    let eval = evaluate(s, &decoded);
    assert!(eval.feasible(), "hops {hops:?}: {:?}", eval.violations);
    (objective, eval.cost.total, model.mip.num_cols())
}

/// A plant, two DCs in a chain and a customer zone served only from the second DC, one
/// lane each, a day apart, 1 per unit; 30 units due on day 5 at 1,000 a unit short. The
/// plant holds `stock` at day 0 and receives `receipt` on day 1.
fn chain(stock: f64, receipt: f64) -> Scenario {
    let lane = |id: &str, from: &str, to: &str| {
        json!({"id": id, "from": from, "to": to, "mode": "ground", "lead_time_days": 1,
               "cost_per_unit": 1.0, "fixed_cost_per_day": 0})
    };
    let mut inbound = Vec::new();
    if receipt > 0.0 {
        inbound.push(json!({"id": "PO-1", "node": "PLANT", "sku": "SKU-1",
                            "quantity": receipt, "eta": "2026-11-28"}));
    }
    let doc = json!({
        "format": "recourse.scenario/1", "id": "chain", "as_of": "2026-11-27",
        "horizon_days": 10, "currency": "EUR",
        "skus": [{"id": "SKU-1"}],
        "nodes": [{"id": "PLANT", "kind": "plant"}, {"id": "DC-A", "kind": "dc"},
                  {"id": "DC-B", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
        "lanes": [lane("P-A", "PLANT", "DC-A"), lane("A-B", "DC-A", "DC-B"),
                  lane("B-Z", "DC-B", "ZONE")],
        "stock": [{"node": "PLANT", "sku": "SKU-1", "on_hand": stock}],
        "inbound": inbound,
        "orders": [{"id": "SO-1", "customer": "ACME", "destination": "ZONE",
                    "due": "2026-12-02", "priority": 1,
                    "lines": [{"sku": "SKU-1", "quantity": 30}], "plan": []}],
        "disruptions": []
    });
    load_scenario(doc.to_string().as_bytes())
        .unwrap_or_else(|d| panic!("{d:?}"))
        .0
}

#[test]
fn transfers_reach_as_many_lanes_as_the_hops_allow() {
    // Stock two lanes from DC-B: one hop leaves DC-A (no stock of its own) as the only
    // pair to draw on, and nothing reaches the zone; two hops bring the plant's stock
    // through DC-A: 3 lanes x 30 units x 1.
    let s = chain(50.0, 0.0);
    let nothing = Plan::default();
    let free = [true];
    let (one, one_cost, _) = neighbourhood(&s, &nothing, &free, Some(1));
    assert!((one - 30_000.0).abs() < 1e-6, "{one}");
    assert!((one_cost - 30_000.0).abs() < 1e-6, "{one_cost}");
    for hops in [Some(2), Some(3), None] {
        let (lp, cost, _) = neighbourhood(&s, &nothing, &free, hops);
        assert!((lp - 90.0).abs() < 1e-6, "hops {hops:?}: {lp}");
        assert!((cost - 90.0).abs() < 1e-6, "hops {hops:?}: {cost}");
    }
}

#[test]
fn the_farthest_pairs_give_only_what_they_hold_on_every_day() {
    // The plant holds nothing at day 0 and receives 50 on day 1. Two hops make it the
    // farthest pair: its surplus row offers the least stock it holds at the end of any day
    // (0), a restriction; three hops give it a balance per day, and the receipt arrives on
    // time (day 1 -> A on 2 -> B on 3 -> the zone on 4, due 5).
    let s = chain(0.0, 50.0);
    let nothing = Plan::default();
    let (two, _, _) = neighbourhood(&s, &nothing, &[true], Some(2));
    assert!((two - 30_000.0).abs() < 1e-6, "{two}");
    let (three, cost, _) = neighbourhood(&s, &nothing, &[true], Some(3));
    assert!((three - 90.0).abs() < 1e-6, "{three}");
    assert!((cost - 90.0).abs() < 1e-6, "{cost}");
}

#[test]
fn each_hop_restricts_the_next_and_the_whole_model_on_the_small_preset() {
    let mut shrank = 0;
    for seed in 1..=3 {
        let s = validate(&generate(&GenerateConfig {
            seed,
            ..GenerateConfig::preset("small").unwrap()
        }))
        .unwrap()
        .0;
        let a = recourse::risk::analyze(&s);
        let rules = priority_rules::plan(&s, &a);
        let start = evaluate(&s, &rules);
        assert!(start.feasible());
        let free: Vec<bool> = (0..s.orders.len())
            .map(|i| !s.orders[i].frozen && !start.orders[i].on_time_in_full())
            .collect();
        let mut last: Option<(f64, usize)> = None;
        for hops in [Some(1), Some(2), Some(3), None] {
            let (lp, cost, cols) = neighbourhood(&s, &rules, &free, hops);
            let tol = 1e-6 * lp.abs().max(1.0);
            // The plan's own part is a point of every one of these LPs, and the decoded
            // plan pays no charge the LP did not.
            assert!(
                lp <= start.cost.total + tol,
                "seed {seed} hops {hops:?}: {lp}"
            );
            assert!(cost <= lp + tol, "seed {seed} hops {hops:?}: {cost} > {lp}");
            if let Some((before, before_cols)) = last {
                assert!(
                    lp <= before + tol,
                    "seed {seed} hops {hops:?}: {lp} > {before}"
                );
                assert!(cols >= before_cols, "seed {seed} hops {hops:?}");
                shrank += usize::from(cols > before_cols);
            }
            last = Some((lp, cols));
        }
    }
    // The hops do restrict the model: some further hop added columns.
    assert!(shrank > 0);
}
