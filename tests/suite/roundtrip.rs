//! Every bundled scenario survives parse -> serialize -> parse unchanged, and what we write
//! is still a valid scenario.

use recourse::scenario::{parse_scenario, ScenarioDoc};
use std::path::Path;

#[test]
fn every_dataset_round_trips() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let (doc, _) = parse_scenario(&bytes).unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let (again, _) = parse_scenario(text.as_bytes()).unwrap();
        assert_eq!(doc, again, "{}", path.display());
        recourse::scenario::validate::validate(&again)
            .unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        // And the serialized text says the same as the file, field by field.
        let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let written: serde_json::Value = serde_json::from_str(&text).unwrap();
        let reparsed: ScenarioDoc = serde_json::from_value(original).unwrap();
        assert_eq!(serde_json::to_value(&reparsed).unwrap(), written);
        n += 1;
    }
    assert!(n >= 12, "expected the tiny datasets, found {n}");
}

/// A plan written from its view (`Plan::view`, how `solve` and `risk` write plans) is the
/// text of the document that sorts owned id strings: the same entries, merged the same way,
/// in the same order. The scenario's entities are listed in reverse, so that the order of
/// their indices is not the order of their ids.
mod plan_view {
    use proptest::prelude::*;
    use recourse::plan::{Plan, PlanDoc, Shipment, ShipmentDoc, Transfer, TransferDoc};
    use recourse::scenario::domain::Scenario;
    use recourse::scenario::ids::*;

    fn scenario() -> Scenario {
        let mut doc = crate::common::tiny_doc("demo-eu");
        doc.orders.reverse();
        doc.skus.reverse();
        doc.nodes.reverse();
        doc.lanes.reverse();
        doc.inbound.reverse();
        recourse::scenario::validate::validate(&doc).unwrap().0
    }

    /// What writing a plan meant before views: owned strings, sorted as strings.
    fn by_strings(p: &Plan, s: &Scenario) -> PlanDoc {
        let p = p.normalized();
        let mut shipments: Vec<ShipmentDoc> = p
            .shipments
            .iter()
            .map(|x| ShipmentDoc {
                order: s.order(x.order).id.0.clone(),
                sku: s.sku(x.sku).id.0.clone(),
                node: s.node(x.node).id.0.clone(),
                lane: x.lane.map(|l| s.lane(l).id.0.clone()),
                ship: s.date_string(x.ship),
                quantity: x.quantity,
            })
            .collect();
        shipments.sort_by(|a, b| {
            (&a.order, &a.sku, &a.node, &a.lane, &a.ship)
                .cmp(&(&b.order, &b.sku, &b.node, &b.lane, &b.ship))
        });
        let mut transfers: Vec<TransferDoc> = p
            .transfers
            .iter()
            .map(|t| TransferDoc {
                lane: s.lane(t.lane).id.0.clone(),
                sku: s.sku(t.sku).id.0.clone(),
                ship: s.date_string(t.ship),
                quantity: t.quantity,
            })
            .collect();
        transfers.sort_by(|a, b| (&a.lane, &a.sku, &a.ship).cmp(&(&b.lane, &b.sku, &b.ship)));
        let mut expedited_inbound: Vec<String> = p
            .expedited
            .iter()
            .map(|i| s.inbound(*i).id.0.clone())
            .collect();
        expedited_inbound.sort();
        PlanDoc {
            shipments,
            transfers,
            expedited_inbound,
        }
    }

    proptest! {
        #![proptest_config(crate::common::config(128))]

        #[test]
        fn a_plans_view_writes_the_text_its_sorted_document_writes(
            shipments in proptest::collection::vec(
                ((0usize..10, 0usize..3, 0usize..6, proptest::option::of(0usize..9), -1i64..16), -2i8..6),
                0..60,
            ),
            transfers in proptest::collection::vec(((0usize..9, 0usize..3, -1i64..16), -2i8..6), 0..20),
            expedited in proptest::collection::vec(0usize..3, 0..4),
        ) {
            let s = scenario();
            let plan = Plan {
                shipments: shipments
                    .iter()
                    .map(|&((o, k, n, l, d), q)| Shipment {
                        order: OrderIx::new(o),
                        sku: SkuIx::new(k),
                        node: NodeIx::new(n),
                        lane: l.map(LaneIx::new),
                        ship: d,
                        quantity: f64::from(q) / 2.0,
                    })
                    .collect(),
                transfers: transfers
                    .iter()
                    .map(|&((l, k, d), q)| Transfer {
                        lane: LaneIx::new(l),
                        sku: SkuIx::new(k),
                        ship: d,
                        quantity: f64::from(q) / 2.0,
                    })
                    .collect(),
                expedited: expedited.iter().map(|&i| InboundIx::new(i)).collect(),
            };
            let reference = by_strings(&plan, &s);
            let view = plan.view(&s);
            prop_assert_eq!(
                serde_json::to_string_pretty(&view).unwrap(),
                serde_json::to_string_pretty(&reference).unwrap()
            );
            prop_assert_eq!(view.to_doc(), reference);
        }
    }
}
