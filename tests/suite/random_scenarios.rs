//! The random scenario generator (`tests/suite/common`) itself: what it builds is always valid,
//! survives a JSON round trip, and over many seeds covers every feature of the format, so
//! that property tests built on it cannot silently stop exercising one.

use crate::common;

use common::{frozen_free, scenario_from_seed, small_scenario, small_scenario_frozen_free};
use proptest::prelude::*;
use recourse::scenario::parse_scenario;
use recourse::scenario::validate::validate;
use recourse::scenario::wire::*;
use std::collections::BTreeMap;

fn json(doc: &ScenarioDoc) -> String {
    serde_json::to_string_pretty(doc).unwrap()
}

fn assert_valid(doc: &ScenarioDoc) {
    if let Err(d) = validate(doc) {
        panic!(
            "generated scenario is invalid:\n{d}\nscenario:\n{}",
            json(doc)
        );
    }
}

fn all_orders(doc: &ScenarioDoc) -> impl Iterator<Item = &OrderDoc> {
    doc.orders
        .iter()
        .chain(doc.disruptions.iter().flat_map(|d| match d {
            DisruptionDoc::DemandSurge { orders } => orders.as_slice(),
            _ => &[],
        }))
}

proptest! {
    #[test]
    fn generated_scenarios_validate(doc in small_scenario()) {
        assert_valid(&doc);
    }

    #[test]
    fn frozen_free_scenarios_validate_and_have_no_frozen_order(doc in small_scenario_frozen_free()) {
        assert_valid(&doc);
        for o in all_orders(&doc) {
            prop_assert_ne!(o.frozen, Some(true), "order {} is frozen", o.id);
        }
    }

    #[test]
    fn generated_scenarios_round_trip_through_json(doc in small_scenario()) {
        let text = serde_json::to_vec(&doc).unwrap();
        let (again, _) = parse_scenario(&text).unwrap_or_else(|d| {
            panic!("does not parse:\n{d}\nscenario:\n{}", String::from_utf8_lossy(&text))
        });
        prop_assert_eq!(&doc, &again, "scenario:\n{}", json(&doc));
    }

    /// The same seed gives the same document, and `frozen_free` differs from it only in the
    /// frozen flags (so a property can compare a scenario with and without its freezes).
    #[test]
    fn generation_is_deterministic(seed in any::<u64>()) {
        let doc = scenario_from_seed(seed);
        prop_assert_eq!(&doc, &scenario_from_seed(seed));
        let mut thawed = doc.clone();
        for o in thawed.orders.iter_mut() {
            if o.frozen == Some(true) {
                o.frozen = None;
            }
        }
        for d in thawed.disruptions.iter_mut() {
            if let DisruptionDoc::DemandSurge { orders } = d {
                for o in orders.iter_mut() {
                    if o.frozen == Some(true) {
                        o.frozen = None;
                    }
                }
            }
        }
        prop_assert_eq!(thawed, frozen_free(seed));
    }
}

/// How often each feature occurs over a set of scenarios.
#[derive(Default)]
struct Coverage(BTreeMap<&'static str, usize>);

impl Coverage {
    fn hit(&mut self, feature: &'static str, yes: bool) {
        let c = self.0.entry(feature).or_default();
        if yes {
            *c += 1;
        }
    }
}

fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

fn count(doc: &ScenarioDoc, c: &mut Coverage) {
    let as_of = chrono::NaiveDate::parse_from_str(&doc.as_of, "%Y-%m-%d").unwrap();
    let day =
        |s: &str| (chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap() - as_of).num_days();
    let h = doc.horizon_days;
    let stock_node = |id: &str| {
        doc.nodes
            .iter()
            .any(|n| n.id == id && n.kind != NodeKind::Customer)
    };

    c.hit("as_of 2026-11-27", doc.as_of == common::FIXED_AS_OF);
    c.hit("as_of other", doc.as_of != common::FIXED_AS_OF);
    c.hit("horizon 3", h == 3);
    c.hit("horizon 10", h == 10);
    c.hit("3 skus", doc.skus.len() == 3);
    for kind in [NodeKind::Plant, NodeKind::Dc, NodeKind::Store] {
        let name = match kind {
            NodeKind::Plant => "plant node",
            NodeKind::Dc => "dc node",
            _ => "store node",
        };
        c.hit(name, doc.nodes.iter().any(|n| n.kind == kind));
    }
    c.hit(
        "3 stock nodes",
        doc.nodes
            .iter()
            .filter(|n| n.kind != NodeKind::Customer)
            .count()
            == 3,
    );
    c.hit(
        "3 customer zones",
        doc.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Customer)
            .count()
            == 3,
    );
    c.hit(
        "node ship capacity",
        doc.nodes.iter().any(|n| n.ship_capacity_per_day.is_some()),
    );

    let lanes = &doc.lanes;
    c.hit("transfer lane", lanes.iter().any(|l| stock_node(&l.to)));
    c.hit(
        "two lanes, one pair, two modes",
        lanes.iter().enumerate().any(|(i, a)| {
            lanes[i + 1..]
                .iter()
                .any(|b| a.from == b.from && a.to == b.to && a.mode != b.mode)
        }),
    );
    c.hit("lead time 0", lanes.iter().any(|l| l.lead_time_days == 0));
    c.hit("lead time 3", lanes.iter().any(|l| l.lead_time_days == 3));
    c.hit(
        "fixed cost per day",
        lanes
            .iter()
            .any(|l| l.fixed_cost_per_day.is_some_and(|f| f > 0.0)),
    );
    c.hit(
        "lane capacity",
        lanes.iter().any(|l| l.capacity_per_day.is_some()),
    );
    c.hit(
        "departure days",
        lanes
            .iter()
            .any(|l| l.departure_days.as_ref().is_some_and(|d| !d.is_empty())),
    );
    c.hit(
        "departure days []",
        lanes
            .iter()
            .any(|l| l.departure_days.as_ref().is_some_and(|d| d.is_empty())),
    );

    c.hit("stock record", !doc.stock.is_empty());
    c.hit(
        "reserved",
        doc.stock
            .iter()
            .any(|s| s.reserved.is_some_and(|r| r > 0.0)),
    );
    c.hit("inbound", !doc.inbound.is_empty());
    c.hit("3 inbound", doc.inbound.len() == 3);
    c.hit(
        "expedite option",
        doc.inbound.iter().any(|r| r.expedite.is_some()),
    );
    c.hit(
        "eta before as_of",
        doc.inbound.iter().any(|r| day(&r.eta) < 0),
    );
    c.hit(
        "eta beyond horizon",
        doc.inbound.iter().any(|r| day(&r.eta) >= h),
    );

    c.hit("8 orders", doc.orders.len() == 8);
    c.hit(
        "order id SO-10 or more",
        doc.orders.iter().any(|o| o.id.len() > 4),
    );
    let orders: Vec<&OrderDoc> = all_orders(doc).collect();
    c.hit(
        "frozen order",
        orders.iter().any(|o| o.frozen == Some(true)),
    );
    c.hit(
        "frozen order with a plan",
        orders
            .iter()
            .any(|o| o.frozen == Some(true) && !o.plan.is_empty()),
    );
    let complete = |o: &&&OrderDoc| o.allow_partial == Some(false);
    c.hit(
        "ship-complete order with a plan",
        orders.iter().filter(complete).any(|o| !o.plan.is_empty()),
    );
    c.hit(
        "ship-complete order without a plan",
        orders.iter().filter(complete).any(|o| o.plan.is_empty()),
    );
    c.hit(
        "ship-complete order with 2 lines",
        orders
            .iter()
            .filter(complete)
            .any(|o| o.lines.len() == 2 && !o.plan.is_empty()),
    );
    c.hit(
        "max_sources",
        orders.iter().any(|o| o.max_sources.is_some()),
    );
    c.hit("priority 1", orders.iter().any(|o| o.priority == 1));
    c.hit("priority 3", orders.iter().any(|o| o.priority == 3));
    c.hit("2 lines", orders.iter().any(|o| o.lines.len() == 2));
    c.hit("empty plan", orders.iter().any(|o| o.plan.is_empty()));
    c.hit(
        "partly planned line",
        orders.iter().any(|o| {
            o.lines.iter().any(|l| {
                let planned: f64 = o
                    .plan
                    .iter()
                    .filter(|e| e.sku == l.sku)
                    .map(|e| e.quantity)
                    .sum();
                planned > 0.0 && planned < l.quantity
            })
        }),
    );
    c.hit(
        "line split over entries",
        orders.iter().any(|o| {
            o.lines
                .iter()
                .any(|l| o.plan.iter().filter(|e| e.sku == l.sku).count() >= 2)
        }),
    );
    c.hit(
        "local plan entry",
        orders
            .iter()
            .any(|o| o.plan.iter().any(|e| e.lane.is_none())),
    );
    c.hit(
        "stock node destination",
        orders.iter().any(|o| stock_node(&o.destination)),
    );
    c.hit(
        "ship date before as_of",
        orders
            .iter()
            .any(|o| o.plan.iter().any(|e| day(&e.ship) < 0)),
    );
    c.hit(
        "ship on the last day",
        orders
            .iter()
            .any(|o| o.plan.iter().any(|e| day(&e.ship) == h - 1)),
    );
    c.hit("due before as_of", orders.iter().any(|o| day(&o.due) < 0));
    c.hit(
        "due beyond horizon",
        orders.iter().any(|o| day(&o.due) >= h),
    );
    c.hit(
        "late penalty override",
        orders.iter().any(|o| o.late_penalty_per_unit_day.is_some()),
    );
    c.hit(
        "short penalty override",
        orders.iter().any(|o| o.short_penalty_per_unit.is_some()),
    );

    for kind in recourse::scenario::wire::DISRUPTION_KINDS {
        c.hit(kind, doc.disruptions.iter().any(|d| d.kind() == kind));
    }
    c.hit("4 disruptions", doc.disruptions.len() == 4);
    let surge: Vec<&OrderDoc> = doc
        .disruptions
        .iter()
        .flat_map(|d| match d {
            DisruptionDoc::DemandSurge { orders } => orders.as_slice(),
            _ => &[],
        })
        .collect();
    c.hit(
        "surge order with a plan",
        surge.iter().any(|o| !o.plan.is_empty()),
    );
    c.hit(
        "surge order without a plan",
        surge.iter().any(|o| o.plan.is_empty()),
    );

    let p = &doc.policy;
    c.hit("change penalty", p.change_penalty_per_unit.is_some());
    c.hit("priority penalties", p.priority_penalties.is_some());
    let forbid = |f: fn(&ForbidDoc) -> bool| p.forbid.iter().any(f);
    c.hit(
        "forbid shipment",
        forbid(|f| matches!(f, ForbidDoc::Shipment(_))),
    );
    c.hit(
        "forbid local shipment",
        forbid(|f| matches!(f, ForbidDoc::Shipment(s) if s.lane == Some(None))),
    );
    c.hit(
        "forbid shipment on a lane",
        forbid(|f| matches!(f, ForbidDoc::Shipment(s) if matches!(s.lane, Some(Some(_))))),
    );
    c.hit(
        "forbid transfer",
        forbid(|f| matches!(f, ForbidDoc::Transfer(_))),
    );
    c.hit(
        "forbid expedite_inbound",
        forbid(|f| matches!(f, ForbidDoc::ExpediteInbound(_))),
    );
    let fractional = p.integer_quantities == Some(false);
    c.hit("fractional scenario", fractional);
    c.hit(
        "fractional quantity",
        fractional
            && (orders.iter().any(|o| {
                o.lines.iter().any(|l| !whole(l.quantity))
                    || o.plan.iter().any(|e| !whole(e.quantity))
            }) || doc.stock.iter().any(|s| !whole(s.on_hand))),
    );
}

/// Over 500 seeds every feature shows up; and when quantities are whole, every quantity in
/// the document is whole.
#[test]
fn every_feature_is_covered() {
    let mut c = Coverage::default();
    for seed in 0..500u64 {
        let doc = scenario_from_seed(seed);
        assert_valid(&doc);
        count(&doc, &mut c);
        if doc.policy.integer_quantities != Some(false) {
            let mut qs: Vec<f64> = Vec::new();
            qs.extend(
                doc.stock
                    .iter()
                    .flat_map(|s| [s.on_hand, s.reserved.unwrap_or(0.0)]),
            );
            qs.extend(doc.inbound.iter().map(|r| r.quantity));
            qs.extend(doc.nodes.iter().filter_map(|n| n.ship_capacity_per_day));
            qs.extend(doc.lanes.iter().filter_map(|l| l.capacity_per_day));
            for o in all_orders(&doc) {
                qs.extend(o.lines.iter().map(|l| l.quantity));
                qs.extend(o.plan.iter().map(|e| e.quantity));
            }
            for d in &doc.disruptions {
                if let DisruptionDoc::StockLoss { quantity, .. } = d {
                    qs.push(*quantity);
                }
            }
            assert!(
                qs.iter().all(|&q| whole(q)),
                "seed {seed}: a fractional quantity with integer_quantities:\n{}",
                json(&doc)
            );
        }
    }
    eprintln!("feature counts over 500 seeds: {:#?}", c.0);
    let missing: Vec<_> =
        c.0.iter()
            .filter(|(_, &n)| n == 0)
            .map(|(k, _)| *k)
            .collect();
    assert!(
        missing.is_empty(),
        "features never generated in 500 seeds: {missing:?}\ncounts: {:#?}",
        c.0
    );
    // Not only once: the rarest feature still shows up a few times.
    let rare: Vec<_> = c.0.iter().filter(|(_, &n)| n < 3).collect();
    assert!(
        rare.is_empty(),
        "features generated fewer than 3 times: {rare:?}"
    );
}
