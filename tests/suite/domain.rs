//! The domain model after validation: disruptions applied in order, dates as day offsets,
//! policy defaults and overrides resolved. Checked on the hand-made datasets and on small
//! inline scenarios.

use recourse::scenario::domain::Scenario;
use recourse::scenario::ids::*;
use recourse::scenario::validate::load_scenario;
use std::path::Path;

fn tiny(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets/tiny")
        .join(name);
    load_scenario(&std::fs::read(path).unwrap()).unwrap().0
}

fn from_json(v: serde_json::Value) -> Result<Scenario, recourse::base::diagnostics::Diagnostics> {
    load_scenario(v.to_string().as_bytes()).map(|(s, _)| s)
}

fn base() -> serde_json::Value {
    serde_json::json!({
        "format": "recourse.scenario/1", "id": "t", "as_of": "2026-11-27", "horizon_days": 10,
        "skus": [{"id": "A"}],
        "nodes": [{"id": "DC", "kind": "dc"}, {"id": "Z", "kind": "customer"}],
        "lanes": [{"id": "L", "from": "DC", "to": "Z", "mode": "ground", "lead_time_days": 2,
                   "cost_per_unit": 1.0, "departure_days": ["mon", "wed", "fri"]}],
        "stock": [{"node": "DC", "sku": "A", "on_hand": 100, "reserved": 10}],
        "inbound": [{"id": "PO", "node": "DC", "sku": "A", "quantity": 50, "eta": "2026-11-30",
                     "expedite": {"eta": "2026-11-28", "cost": 100}}],
        "orders": [{"id": "O1", "destination": "Z", "due": "2026-12-02", "priority": 2,
                    "lines": [{"sku": "A", "quantity": 10}],
                    "plan": [{"sku": "A", "node": "DC", "lane": "L", "ship": "2026-11-30", "quantity": 10}]},
                   {"id": "O2", "destination": "Z", "due": "2026-11-20", "priority": 7,
                    "late_penalty_per_unit_day": 3.5, "lines": [{"sku": "A", "quantity": 5}]}],
        "disruptions": []
    })
}

#[test]
fn inbound_delay_moves_the_eta_and_keeps_the_expedite_option() {
    let s = tiny("inbound-delay.json");
    let po = &s.inbound[s.index.inbound[&InboundId::from("PO-1")].ix()];
    assert_eq!(po.planned_eta, 3);
    assert_eq!(po.eta, Some(7));
    assert_eq!(po.disrupted_by.len(), 1);

    let mut v = base();
    v["disruptions"] =
        serde_json::json!([{"kind": "inbound_delay", "inbound": "PO", "eta": "2026-12-20"}]);
    let s = from_json(v).unwrap();
    assert_eq!(s.inbound[0].eta, None, "an eta at or after H never arrives");
    assert_eq!(s.inbound[0].expedite.unwrap().eta, Some(1));
    assert_eq!(s.inbound[0].expedite.unwrap().cost, 100.0);
}

#[test]
fn a_cancelled_receipt_cannot_be_expedited() {
    let mut v = base();
    v["disruptions"] = serde_json::json!([{"kind": "inbound_cancel", "inbound": "PO"}]);
    let s = from_json(v).unwrap();
    assert!(s.inbound[0].cancelled);
    assert_eq!(s.inbound[0].eta, None);
    assert!(s.inbound[0].expedite.is_none());
}

#[test]
fn stock_loss_comes_off_on_hand_before_reserved_and_stops_at_zero() {
    let mut v = base();
    v["disruptions"] =
        serde_json::json!([{"kind": "stock_loss", "node": "DC", "sku": "A", "quantity": 95}]);
    let s = from_json(v.clone()).unwrap();
    // on_hand 100 - 95 = 5 < reserved 10: nothing available.
    assert_eq!(s.available_at_start(NodeIx(0), SkuIx(0)), 0.0);
    v["disruptions"] = serde_json::json!([
        {"kind": "stock_loss", "node": "DC", "sku": "A", "quantity": 30},
        {"kind": "stock_loss", "node": "DC", "sku": "A", "quantity": 500}]);
    let s = from_json(v).unwrap();
    let rec = &s.stock[&(NodeIx(0), SkuIx(0))];
    assert_eq!(rec.on_hand, 0.0);
    assert_eq!(
        rec.losses.iter().map(|l| l.1).collect::<Vec<_>>(),
        vec![30.0, 70.0]
    );
}

#[test]
fn weekdays_outages_and_delays_shape_the_lane() {
    let mut v = base();
    v["disruptions"] = serde_json::json!([
        {"kind": "lane_outage", "lane": "L", "from": "2026-12-02", "until": "2026-12-02"},
        {"kind": "lane_delay", "lane": "L", "extra_days": 1},
        {"kind": "lane_delay", "lane": "L", "extra_days": 2},
        {"kind": "node_outage", "node": "DC", "from": "2026-11-20", "until": "2026-11-28"}]);
    let s = from_json(v).unwrap();
    let lane = &s.lanes[0];
    // Day 0 is Friday 2026-11-27: mon/wed/fri are days 0, 3, 5, 7; day 5 (Wed 12-02) is out.
    let departs: Vec<i64> = (0..10).filter(|&d| lane.departs_on(d)).collect();
    assert_eq!(departs, vec![0, 3, 7]);
    assert_eq!(lane.lead_time, 5);
    assert_eq!(lane.base_lead_time, 2);
    let open: Vec<i64> = (0..4).filter(|&d| s.nodes[0].is_open(d)).collect();
    assert_eq!(
        open,
        vec![2, 3],
        "an outage that began before as_of still closes days 0 and 1"
    );
    assert!(!s.nodes[1].is_open(0), "a customer zone ships nothing");
    // Labels, which the reasons quote, count in words a planner would use.
    let labels: Vec<&str> = s.disruptions.iter().map(|d| d.label.as_str()).collect();
    assert_eq!(labels[1], "disruptions[1] lane_delay of L by 1 day");
    assert_eq!(labels[2], "disruptions[2] lane_delay of L by 2 days");
}

#[test]
fn penalties_resolve_by_priority_with_per_order_overrides() {
    let s = from_json(base()).unwrap();
    let o1 = &s.orders[0];
    assert_eq!(
        (o1.late_penalty_per_unit_day, o1.short_penalty_per_unit),
        (20.0, 400.0)
    );
    let o2 = &s.orders[1];
    // Priority 7 takes the entry for 3; the late penalty is overridden field by field.
    assert_eq!(
        (o2.late_penalty_per_unit_day, o2.short_penalty_per_unit),
        (3.5, 100.0)
    );
    assert_eq!(o2.due, -7, "a due date before as_of stays negative");
    assert_eq!(s.policy.change_penalty_per_unit, 0.5);
    assert!(s.policy.integer_quantities);

    let mut v = base();
    v["policy"] = serde_json::json!({"priority_penalties": [
        {"priority": 2, "late_per_unit_day": 7, "short_per_unit": 70},
        {"priority": 5, "late_per_unit_day": 1, "short_per_unit": 10}]});
    v["orders"][0]["priority"] = serde_json::json!(1);
    let s = from_json(v).unwrap();
    assert_eq!(
        s.orders[0].short_penalty_per_unit, 70.0,
        "below every entry: the first one"
    );
    assert_eq!(s.orders[1].short_penalty_per_unit, 10.0);
}

#[test]
fn demand_surge_orders_join_the_order_list_and_share_its_id_space() {
    let s = tiny("demand-surge.json");
    let surge: Vec<_> = s.orders.iter().filter(|o| o.surge.is_some()).collect();
    assert_eq!(surge.len(), 1);
    assert_eq!(
        s.disruptions[0].label,
        "disruptions[0] demand_surge of 1 order"
    );
    assert!(surge[0].plan.is_empty());

    let mut v = base();
    v["disruptions"] = serde_json::json!([{"kind": "demand_surge", "orders": [
        {"id": "O1", "destination": "Z", "due": "2026-12-01", "priority": 1, "lines": [{"sku": "A", "quantity": 1}]}]}]);
    let err = from_json(v).unwrap_err();
    assert!(
        err.items
            .iter()
            .any(|d| d.code == "duplicate_id" && d.path == "disruptions[0].orders[0].id"),
        "{err}"
    );
}

#[test]
fn past_dates_are_warnings_and_move_to_day_zero() {
    let mut v = base();
    v["orders"][0]["plan"][0]["ship"] = serde_json::json!("2026-11-20");
    v["inbound"][0]["eta"] = serde_json::json!("2026-11-25");
    v["inbound"][0]["expedite"]["eta"] = serde_json::json!("2026-11-24");
    let (s, warnings) = load_scenario(v.to_string().as_bytes()).unwrap();
    assert_eq!(s.orders[0].plan[0].ship, 0);
    assert_eq!(s.inbound[0].eta, Some(0));
    let codes: Vec<(&str, &str)> = warnings
        .items
        .iter()
        .map(|d| (d.code.as_str(), d.path.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("eta_in_past", "inbound[0].eta"),
            ("eta_in_past", "inbound[0].expedite.eta"),
            ("ship_in_past", "orders[0].plan[0].ship")
        ]
    );
}

#[test]
fn forbid_patterns_resolve_and_a_null_lane_means_local_only() {
    let mut v = base();
    v["policy"] = serde_json::json!({"forbid": [
        {"shipment": {"order": "O1", "lane": null}},
        {"shipment": {"order": "O2", "node": "DC"}},
        {"transfer": {"lane": "L"}},
        {"expedite_inbound": "PO"}]});
    let s = from_json(v).unwrap();
    use recourse::scenario::domain::Forbid;
    assert_eq!(
        s.policy.forbid,
        vec![
            Forbid::Shipment {
                order: OrderIx(0),
                sku: None,
                node: None,
                lane: Some(None)
            },
            Forbid::Shipment {
                order: OrderIx(1),
                sku: None,
                node: Some(NodeIx(0)),
                lane: None
            },
            Forbid::Transfer {
                lane: LaneIx(0),
                sku: None
            },
            Forbid::ExpediteInbound(InboundIx(0)),
        ]
    );
}

/// `Scenario::shipment_forbidden`, which the rules and the formulations share: an entry
/// matches on every field it gives, a null lane matches local shipments only, and the
/// order's planned (sku, node, lane) stays allowed (section 2).
#[test]
fn a_forbidden_shipment_matches_every_given_field_except_on_the_planned_route() {
    let mut v = base();
    v["policy"] = serde_json::json!({"forbid": [
        {"shipment": {"order": "O1", "node": "DC"}},
        {"shipment": {"order": "O2", "lane": null}}]});
    let s = from_json(v).unwrap();
    let (o1, o2, a, dc, l) = (OrderIx(0), OrderIx(1), SkuIx(0), NodeIx(0), LaneIx(0));
    // O1 is planned from DC by L: exempt, though the entry names DC.
    assert!(!s.shipment_forbidden(o1, a, dc, Some(l)));
    // Locally from DC it is not on the plan, so the entry applies.
    assert!(s.shipment_forbidden(o1, a, dc, None));
    // O2 has no plan; its entry names local shipments only.
    assert!(s.shipment_forbidden(o2, a, dc, None));
    assert!(!s.shipment_forbidden(o2, a, dc, Some(l)));
    // An entry never reaches another order.
    assert!(!s.policy.forbid[0].matches_shipment(o2, a, dc, None));
}

#[test]
fn fractional_units_are_an_error_unless_the_policy_allows_them() {
    let mut v = base();
    v["orders"][0]["lines"][0]["quantity"] = serde_json::json!(9.5);
    v["orders"][0]["plan"][0]["quantity"] = serde_json::json!(9.5);
    let err = from_json(v.clone()).unwrap_err();
    assert_eq!(err.error_count(), 2, "{err}");
    v["policy"] = serde_json::json!({"integer_quantities": false});
    assert!(from_json(v).is_ok());
}
