//! The do-nothing baseline and the at-risk orders on the hand-made datasets: the outcomes
//! and costs worked out by hand in `datasets/tiny/README.md`, then the whole risk document
//! as a golden file (`RECOURSE_BLESS=1` rewrites those on purpose).

use crate::common;
use recourse::documents::report::risk_doc;
use recourse::risk::{analyze, ReasonCode::*};
use recourse::scenario::validate::load_scenario;

use crate::common::root;

struct Case {
    file: &'static str,
    /// transport, fixed, expedite, lateness, shortage, change, total: from the README.
    cost: [f64; 7],
    /// At-risk orders with the reason codes each must carry (in any order, no others).
    at_risk: &'static [(&'static str, &'static [recourse::risk::ReasonCode])],
    otif: f64,
}

const CASES: &[Case] = &[
    Case {
        file: "inbound-delay",
        cost: [90.0, 0.0, 0.0, 6000.0, 0.0, 20.0, 6110.0],
        at_risk: &[("SO-1", &[InboundDelay])],
        otif: 0.0,
    },
    Case {
        file: "stock-loss",
        cost: [90.0, 0.0, 0.0, 0.0, 8000.0, 10.0, 8100.0],
        at_risk: &[("SO-2", &[StockLoss, StockTaken])],
        otif: 0.5,
    },
    Case {
        file: "node-outage",
        cost: [75.0, 0.0, 0.0, 5000.0, 0.0, 25.0, 5100.0],
        at_risk: &[("SO-1", &[NodeOutage])],
        otif: 0.0,
    },
    Case {
        file: "lane-outage",
        cost: [45.0, 0.0, 0.0, 1800.0, 0.0, 15.0, 1860.0],
        at_risk: &[("SO-1", &[LaneOutage])],
        otif: 0.0,
    },
    Case {
        file: "lane-delay",
        cost: [80.0, 0.0, 0.0, 2500.0, 0.0, 0.0, 2580.0],
        at_risk: &[("SO-1", &[LaneDelay])],
        otif: 0.5,
    },
    Case {
        file: "demand-surge",
        cost: [60.0, 0.0, 0.0, 0.0, 30000.0, 0.0, 30060.0],
        at_risk: &[("SO-URG-1", &[NoPlan])],
        otif: 0.5,
    },
    Case {
        file: "frozen-order",
        cost: [75.0, 0.0, 0.0, 0.0, 30000.0, 15.0, 30090.0],
        at_risk: &[("SO-1", &[StockLoss, StockTaken])],
        otif: 0.5,
    },
    Case {
        file: "ship-complete",
        cost: [105.0, 0.0, 0.0, 3000.0, 0.0, 25.0, 3130.0],
        at_risk: &[("SO-1", &[StockLoss, ShipComplete])],
        otif: 0.5,
    },
    Case {
        file: "max-sources",
        cost: [45.0, 0.0, 0.0, 0.0, 4000.0, 5.0, 4050.0],
        at_risk: &[("SO-1", &[StockLoss])],
        otif: 0.0,
    },
    Case {
        file: "lane-capacity-fixed-cost",
        cost: [90.0, 240.0, 0.0, 2400.0, 0.0, 20.0, 2750.0],
        at_risk: &[("SO-1", &[LaneOutage, LaneCapacityTaken])],
        otif: 2.0 / 3.0,
    },
    Case {
        file: "inbound-expedite",
        cost: [75.0, 0.0, 0.0, 12000.0, 0.0, 20.0, 12095.0],
        at_risk: &[("SO-1", &[InboundDelay])],
        otif: 0.0,
    },
    Case {
        file: "demo-eu",
        cost: [663.0, 80.0, 0.0, 5050.0, 42500.0, 225.0, 48518.0],
        at_risk: &[
            ("SO-1003", &[NodeOutage]),
            ("SO-1011", &[NoPlan]),
            ("SO-1002", &[NodeOutage]),
            ("SO-1005", &[LaneDelay]),
            ("SO-1004", &[InboundDelay, StockTaken]),
            ("SO-1006", &[StockLoss, StockTaken]),
            ("SO-1010", &[LaneOutage]),
        ],
        otif: 4.0 / 11.0,
    },
];

#[test]
fn baselines_match_the_hand_worked_outcomes() {
    let mut failures = Vec::new();
    for case in CASES {
        let path = root()
            .join("datasets/tiny")
            .join(format!("{}.json", case.file));
        let (s, _) = load_scenario(&std::fs::read(&path).unwrap()).unwrap();
        let a = analyze(&s);
        assert!(
            a.eval.feasible(),
            "{}: the baseline must pass the checker: {:?}",
            case.file,
            a.eval.violations
        );
        assert!(a.baseline.keeps_frozen());
        let c = a.eval.cost;
        let got = [
            c.transport,
            c.fixed,
            c.expedite,
            c.lateness,
            c.shortage,
            c.change,
            c.total,
        ];
        for (g, w) in got.iter().zip(case.cost) {
            if (g - w).abs() > 1e-6 * w.abs().max(1.0) {
                failures.push(format!(
                    "{}: cost {got:?}, hand-worked {:?}",
                    case.file, case.cost
                ));
                break;
            }
        }
        let got_risk: Vec<(String, Vec<_>)> = a
            .at_risk
            .iter()
            .map(|r| {
                let mut codes: Vec<_> = r.reasons.iter().map(|x| x.code).collect();
                codes.dedup();
                (s.order(r.order).id.0.clone(), codes)
            })
            .collect();
        let want: Vec<(String, Vec<_>)> = case
            .at_risk
            .iter()
            .map(|(o, c)| (o.to_string(), c.to_vec()))
            .collect();
        let same = got_risk.len() == want.len()
            && got_risk.iter().zip(&want).all(|(g, w)| {
                g.0 == w.0 && g.1.len() == w.1.len() && w.1.iter().all(|c| g.1.contains(c))
            });
        if !same {
            failures.push(format!(
                "{}: at risk {got_risk:?}, expected {want:?}",
                case.file
            ));
        }
        let k = recourse::risk::kpi::kpis(&s, &a.eval, &a.flags);
        if (k.on_time_in_full - case.otif).abs() > 1e-9 {
            failures.push(format!(
                "{}: OTIF {}, expected {}",
                case.file, k.on_time_in_full, case.otif
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn risk_documents_match_their_golden_files() {
    let mut failures = Vec::new();
    for case in CASES {
        let path = root()
            .join("datasets/tiny")
            .join(format!("{}.json", case.file));
        let (s, _) = load_scenario(&std::fs::read(&path).unwrap()).unwrap();
        let doc = risk_doc(&s, &analyze(&s));
        let text = common::laid_out(&doc);
        let golden = root()
            .join("tests/golden/risk")
            .join(format!("{}.json", case.file));
        if let Err(e) = common::golden(&golden, &text) {
            failures.push(e);
        }
        // The baseline plan in the document reads back and still passes the checker.
        let plan = doc
            .baseline_plan
            .to_doc()
            .to_domain(&s, "baseline_plan")
            .unwrap();
        let eval = recourse::check::evaluate(&s, &plan);
        assert!(eval.feasible(), "{}: {:?}", case.file, eval.violations);
        assert!(
            (eval.cost.total - doc.kpis.cost.total).abs() <= 1e-6 * doc.kpis.cost.total.max(1.0)
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A lane delay of 0 days delays nothing: the late order cites the 2-day delay on its lane,
/// not a 0-day one added beside it (the worker's stream of such events once made every
/// late order's reasons grow with each).
#[test]
fn a_lane_delay_of_0_days_is_no_reason() {
    let mut doc = common::tiny_doc("lane-delay");
    let zero: recourse::scenario::wire::DisruptionDoc = serde_json::from_value(
        serde_json::json!({"kind": "lane_delay", "lane": "PAR-MRS-G", "extra_days": 0}),
    )
    .unwrap();
    doc.disruptions.insert(0, zero.clone());
    doc.disruptions.push(zero);
    let (s, _) = recourse::scenario::validate::validate(&doc).unwrap();
    let a = analyze(&s);
    let r = a
        .at_risk
        .iter()
        .find(|r| s.order(r.order).id.0 == "SO-1")
        .expect("SO-1 is at risk");
    let cited: Vec<_> = r
        .reasons
        .iter()
        .filter(|x| x.code == LaneDelay)
        .map(|x| x.disruption.clone())
        .collect();
    assert_eq!(cited, vec![Some("disruptions[1]".to_owned())]);
}

/// Frozen commitments at one (node, SKU) that the stock cannot all cover: they are taken in
/// time order, so the one that fits is not named for a later one that does not, and every
/// one that cannot fit is named, with what it lacks.
#[test]
fn frozen_commitments_are_named_unkept_only_when_they_do_not_fit() {
    let scenario = |on_hand: u32, first: (u32, &str), second: (u32, &str)| {
        let order = |id: &str, (q, ship): (u32, &str)| {
            serde_json::json!({"id": id, "destination": "Z-1", "due": "2026-12-06", "priority": 1,
                "lines": [{"sku": "A", "quantity": q}], "frozen": true,
                "plan": [{"sku": "A", "node": "DC-1", "lane": "L1", "ship": ship, "quantity": q}]})
        };
        let doc = serde_json::json!({
            "format": "recourse.scenario/1", "id": "frozen", "as_of": "2026-11-27",
            "horizon_days": 10, "skus": [{"id": "A"}],
            "nodes": [{"id": "DC-1", "kind": "dc"}, {"id": "Z-1", "kind": "customer"}],
            "lanes": [{"id": "L1", "from": "DC-1", "to": "Z-1", "mode": "ground",
                "lead_time_days": 2, "cost_per_unit": 1.0}],
            "stock": [{"node": "DC-1", "sku": "A", "on_hand": on_hand}],
            "orders": [order("SO-F1", first), order("SO-F2", second)]
        });
        let (s, _) = load_scenario(doc.to_string().as_bytes()).unwrap();
        let a = analyze(&s);
        assert!(!a.eval.feasible());
        let mut named: Vec<(String, String)> = a
            .at_risk
            .iter()
            .flat_map(|r| r.reasons.iter().map(move |x| (r.order, x)))
            .filter(|(_, x)| x.code == FrozenUnkept)
            .map(|(o, x)| (s.order(o).id.0.clone(), x.message.clone()))
            .collect();
        named.sort();
        named
    };
    // 1 unit: SO-F1's 1 fits, SO-F2's 24 on a later day does not.
    let named = scenario(1, (1, "2026-11-30"), (24, "2026-12-02"));
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(named[0].0, "SO-F2");
    assert!(
        named[0]
            .1
            .contains("24 A at DC-1 are missing on 2026-12-02"),
        "{}",
        named[0].1
    );
    // 1 unit: neither SO-F1's 2 nor SO-F2's 4 fits, not even alone.
    let named = scenario(1, (2, "2026-11-29"), (4, "2026-12-03"));
    let who: Vec<&str> = named.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(who, ["SO-F1", "SO-F2"]);
    assert!(
        named[0].1.contains("1 A at DC-1 is missing on 2026-11-29"),
        "{}",
        named[0].1
    );
    assert!(
        named[1].1.contains("3 A at DC-1 are missing on 2026-12-03"),
        "{}",
        named[1].1
    );
}

/// An outage reason names "the planned day" only for a day the order's plan ships on; a
/// shipment another limit had already held to a later day is told "the day it would have
/// left" (small seeds 1-8 have two such reasons: they once read "the planned day").
#[test]
fn an_outage_reason_calls_only_a_planned_day_the_planned_day() {
    use recourse::tools::generate::{generate, GenerateConfig};
    let (mut planned, mut held) = (0, 0);
    for seed in 1..=8 {
        let cfg = GenerateConfig {
            seed,
            ..GenerateConfig::default()
        };
        let (s, _) = recourse::scenario::validate::validate(&generate(&cfg)).unwrap();
        let a = analyze(&s);
        for r in &a.at_risk {
            let order = s.order(r.order);
            let ships: Vec<String> = order
                .plan
                .iter()
                .map(|e| s.date_string(i64::from(e.ship)))
                .collect();
            for x in &r.reasons {
                let day_after = |mark: &str| {
                    x.message
                        .find(mark)
                        .map(|i| x.message[i + mark.len()..][..10].to_owned())
                };
                // "on D, the planned day" for a one-day outage.
                let day_before = |mark: &str| {
                    x.message
                        .find(mark)
                        .filter(|&i| i >= 10)
                        .map(|i| x.message[i - 10..i].to_owned())
                };
                let said_planned = day_after("which covers the planned day ")
                    .or_else(|| day_before(", the planned day"));
                let said_held = day_after("which covers the day it would have left ")
                    .or_else(|| day_before(", the day it would have left"));
                if let Some(d) = said_planned {
                    assert!(ships.contains(&d), "{}: {}", order.id, x.message);
                    planned += 1;
                }
                if let Some(d) = said_held {
                    assert!(!ships.contains(&d), "{}: {}", order.id, x.message);
                    held += 1;
                }
            }
        }
    }
    eprintln!("{planned} planned days, {held} days held to");
    assert!(planned > 0 && held > 0, "{planned} planned, {held} held");
}
