//! The synthetic scenario generator: deterministic, valid, on-time plans before the
//! disruptions, and the requested share of orders at risk after them.
//!
//! At-risk orders are computed here from the baseline's fates and the domain model alone
//! (SCENARIO.md section 4), and every count is checked against `risk::at_risk_flags`, the
//! rule `recourse risk` reports and the generator calibrates with.

use recourse::risk::baseline::{simulate, Baseline};
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;
use recourse::scenario::wire::{DisruptionDoc, ScenarioDoc};
use recourse::tools::generate::{generate, generate_with_report, GenerateConfig, DISRUPTION_KINDS};
use std::collections::HashSet;
use std::time::Instant;

fn preset(name: &str, seed: u64) -> GenerateConfig {
    GenerateConfig {
        seed,
        ..GenerateConfig::preset(name).expect("a preset")
    }
}

fn bytes(doc: &ScenarioDoc) -> Vec<u8> {
    serde_json::to_vec(doc).unwrap()
}

/// FNV-1a, 64 bits: a checksum that needs no dependency and never changes.
fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Validates with no errors and no warnings.
fn valid(doc: &ScenarioDoc) -> Scenario {
    match validate(doc) {
        Ok((s, warnings)) => {
            assert!(
                warnings.items.is_empty(),
                "{}: unexpected warnings: {warnings:?}",
                doc.id
            );
            s
        }
        Err(d) => panic!("{}: invalid: {d:?}", doc.id),
    }
}

#[derive(Default, Debug)]
struct Risk {
    late: Vec<String>,
    short: Vec<String>,
    no_plan: Vec<String>,
    at_risk: usize,
}

/// Late: any unit whose left day + lead time (after delays) is after the due day (a local
/// shipment arrives on its ship day). Short: any line not shipped in full. Frozen orders are
/// set aside by the baseline and leave as planned (their fates stay empty).
fn risk(s: &Scenario, b: &Baseline) -> Risk {
    let mut r = Risk::default();
    for (oi, o) in s.orders.iter().enumerate() {
        if o.plan.is_empty() {
            r.no_plan.push(o.id.0.clone());
            r.at_risk += 1;
            continue;
        }
        let mut late = false;
        let mut shipped = vec![0.0; o.lines.len()];
        for (e, entry) in o.plan.iter().enumerate() {
            let lead = entry.lane.map_or(0, |l| i64::from(s.lane(l).lead_time));
            let left: Vec<(i64, f64)> = if o.frozen {
                vec![(i64::from(entry.ship), entry.quantity)]
            } else {
                b.fates[oi][e].left.clone()
            };
            for (day, q) in left {
                if q > 0.0 && day + lead > o.due {
                    late = true;
                }
                let li = o.lines.iter().position(|l| l.sku == entry.sku).unwrap();
                shipped[li] += q;
            }
        }
        let short = o
            .lines
            .iter()
            .zip(&shipped)
            .any(|(l, &q)| q < l.quantity - 1e-9);
        let unkept = b.unkept_frozen.iter().any(|u| u.order.ix() == oi);
        if late {
            r.late.push(o.id.0.clone());
        }
        if short {
            r.short.push(o.id.0.clone());
        }
        if late || short || unkept {
            r.at_risk += 1;
        }
    }
    let eval = recourse::check::evaluate(s, &b.plan);
    let flags = recourse::risk::at_risk_flags(s, b, &eval);
    let flagged: usize = flags.iter().filter(|&&f| f).count();
    assert_eq!(
        r.at_risk, flagged,
        "the at-risk count derived here differs from risk::at_risk_flags"
    );
    r
}

#[test]
fn the_same_config_gives_the_same_bytes() {
    let cfg = preset("small", 1);
    let a = bytes(&generate(&cfg));
    let b = bytes(&generate(&cfg));
    assert!(a == b, "two runs of one config differ");
    let other = bytes(&generate(&preset("small", 2)));
    assert!(a != other, "seeds 1 and 2 gave the same document");
    let m1 = bytes(&generate(&preset("medium", 7)));
    let m2 = bytes(&generate(&preset("medium", 7)));
    assert!(m1 == m2, "two runs of medium seed 7 differ");
}

/// The small preset with seed 1, pinned: a change here means every generated dataset
/// changed. Update the constant only on purpose (and say so in the commit).
#[test]
fn the_small_preset_is_pinned() {
    let doc = generate(&preset("small", 1));
    let json = bytes(&doc);
    let sum = fnv1a(&json);
    assert_eq!(
        (json.len(), format!("{sum:016x}")),
        (SMALL_SEED1_LEN, SMALL_SEED1_FNV.to_string()),
        "the small preset (seed 1) changed"
    );
    assert_eq!(doc.id, "gen-200o-seed1");
}
const SMALL_SEED1_LEN: usize = 89_207;
const SMALL_SEED1_FNV: &str = "feb80381e1df6a1c";

#[test]
fn the_default_config_is_the_small_preset() {
    assert_eq!(GenerateConfig::default(), preset("small", 1));
    assert!(GenerateConfig::preset("huge").is_none());
    for name in recourse::tools::generate::PRESETS {
        assert!(GenerateConfig::preset(name).unwrap().problems().is_empty());
    }
    let bad = GenerateConfig {
        horizon_days: 0,
        disruption_rate: 1.5,
        modes: vec!["air".into(), "rail".into()],
        as_of: "27/11/2026".into(),
        ..GenerateConfig::default()
    };
    assert_eq!(bad.problems().len(), 5, "{:?}", bad.problems());
}

#[test]
fn small_and_medium_validate_and_put_5_to_15_percent_at_risk() {
    let mut cases = vec![preset("small", 1), preset("medium", 1)];
    cases.extend((2..=6).map(|seed| preset("small", seed)));
    for cfg in cases {
        let (doc, report) = generate_with_report(&cfg);
        let s = valid(&doc);
        let b = simulate(&s);
        assert!(
            b.keeps_frozen(),
            "{}: the disruptions broke a frozen commitment: {:?}",
            doc.id,
            b.unkept_frozen
        );
        let r = risk(&s, &b);
        let share = r.at_risk as f64 / s.orders.len() as f64;
        assert!(
            (0.05..=0.15).contains(&share),
            "{} (seed {}): {} of {} orders at risk ({:.1} %)",
            doc.id,
            cfg.seed,
            r.at_risk,
            s.orders.len(),
            100.0 * share
        );
        assert_eq!(
            r.at_risk, report.at_risk,
            "{}: the report disagrees",
            doc.id
        );
        assert_eq!(report.orders, s.orders.len());
        assert_eq!(r.no_plan.len(), report.surge_orders);
        // The presets reach their rate: `generate` warns about nothing.
        assert!(!report.missed_target(), "{}: {report:?}", doc.id);
    }
}

#[test]
fn before_the_disruptions_every_order_ships_on_time_in_full() {
    let mut cases = vec![preset("small", 1), preset("medium", 1)];
    cases.extend((2..=6).map(|seed| preset("small", seed)));
    for cfg in cases {
        let mut doc = generate(&cfg);
        // Dropping the disruptions drops the surge orders too.
        doc.disruptions.clear();
        let s = valid(&doc);
        assert_eq!(s.orders.len(), cfg.orders);
        let b = simulate(&s);
        assert!(b.keeps_frozen(), "{}: {:?}", doc.id, b.unkept_frozen);
        let r = risk(&s, &b);
        assert!(
            r.at_risk == 0,
            "{} (seed {}): before the disruptions, late {:?}, short {:?}, no plan {:?}",
            doc.id,
            cfg.seed,
            r.late,
            r.short,
            r.no_plan
        );
    }
}

#[test]
fn the_medium_preset_has_every_feature() {
    let doc = generate(&preset("medium", 1));
    let kinds: HashSet<&str> = doc.disruptions.iter().map(DisruptionDoc::kind).collect();
    for k in DISRUPTION_KINDS {
        assert!(kinds.contains(k), "no {k} disruption");
    }
    let n = doc.orders.len() as f64;
    for p in 1..=3 {
        let share = doc.orders.iter().filter(|o| o.priority == p).count() as f64 / n;
        assert!(share > 0.05, "priority {p}: {share}");
    }
    let ship_complete = doc
        .orders
        .iter()
        .filter(|o| o.allow_partial == Some(false))
        .count() as f64;
    assert!((0.02..0.10).contains(&(ship_complete / n)));
    let frozen = doc.orders.iter().filter(|o| o.frozen == Some(true)).count() as f64;
    assert!((0.002..0.03).contains(&(frozen / n)), "frozen {frozen}");
    assert!(doc.orders.iter().any(|o| o.max_sources.is_some()));
    assert!(doc.orders.iter().any(|o| o.lines.len() == 3));
    assert!(doc
        .orders
        .iter()
        .any(|o| o.plan.iter().any(|e| e.lane.is_none())));
    let sources = |o: &&recourse::scenario::wire::OrderDoc| {
        o.plan.iter().map(|e| &e.node).collect::<HashSet<_>>().len()
    };
    assert!(doc.orders.iter().any(|o| sources(&o) > 1));

    let air: Vec<_> = doc.lanes.iter().filter(|l| l.mode == "air").collect();
    assert!(!air.is_empty(), "no air lanes");
    assert!(air
        .iter()
        .all(|l| l.lead_time_days == 1 && l.capacity_per_day.is_some()));
    assert!(doc
        .orders
        .iter()
        .flat_map(|o| &o.plan)
        .any(|e| air.iter().any(|l| Some(&l.id) == e.lane.as_ref())));
    assert!(doc.lanes.iter().any(|l| l.departure_days.is_some()));
    assert!(doc.lanes.iter().any(|l| l.capacity_per_day.is_some()));
    assert!(doc
        .lanes
        .iter()
        .any(|l| l.fixed_cost_per_day.is_some_and(|f| f > 0.0)));
    assert!(doc.nodes.iter().any(|n| n.ship_capacity_per_day.is_some()));
    for kind in ["plant", "dc", "store", "customer"] {
        assert!(
            doc.nodes
                .iter()
                .any(|n| serde_json::to_value(n.kind).unwrap() == kind),
            "no {kind} node"
        );
    }
    assert!(doc.inbound.iter().any(|r| r.expedite.is_some()));
    assert!(doc.stock.iter().any(|r| r.reserved.is_some()));

    // Zipf-like demand: the top 10 % of SKUs carry a large share of the lines.
    let mut count = std::collections::HashMap::new();
    for o in &doc.orders {
        for l in &o.lines {
            *count.entry(l.sku.as_str()).or_insert(0usize) += 1;
        }
    }
    let mut v: Vec<usize> = count.into_values().collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = v.iter().take(doc.skus.len() / 10).sum();
    let all: usize = v.iter().sum();
    assert!(
        top as f64 > 0.35 * all as f64,
        "top 10 % carry {top} of {all}"
    );
}

#[test]
fn the_disruption_rate_is_honoured() {
    for rate in [0.05, 0.2] {
        let cfg = GenerateConfig {
            disruption_rate: rate,
            ..preset("medium", 3)
        };
        let (doc, _) = generate_with_report(&cfg);
        let s = valid(&doc);
        let r = risk(&s, &simulate(&s));
        let share = r.at_risk as f64 / s.orders.len() as f64;
        assert!(
            (share - rate).abs() <= 0.25 * rate,
            "rate {rate}: measured {share}"
        );
    }
    let cfg = GenerateConfig {
        disruption_rate: 0.0,
        ..preset("small", 1)
    };
    let doc = generate(&cfg);
    assert!(doc.disruptions.is_empty());
}

#[test]
fn odd_sizes_still_give_valid_scenarios() {
    let cases = [
        (1, 1, 1, 10, 14),
        (2, 3, 5, 50, 3),
        (4, 2, 2, 30, 1),
        (9, 12, 40, 400, 30),
        (3, 2, 4, 0, 14),
        // The small preset's network (plants with pending receipts) over 1 to 4 days: a
        // receipt's eta was drawn from 3..=h-1, which is empty below 4 days.
        (6, 8, 20, 200, 1),
        (6, 8, 20, 200, 2),
        (6, 8, 20, 200, 3),
        (6, 8, 20, 200, 4),
    ];
    for (stock_nodes, customer_zones, skus, orders, horizon_days) in cases {
        let cfg = GenerateConfig {
            stock_nodes,
            customer_zones,
            skus,
            orders,
            horizon_days,
            modes: vec!["ground".into()],
            ..GenerateConfig::default()
        };
        let mut doc = generate(&cfg);
        valid(&doc);
        assert!(doc.lanes.iter().all(|l| l.mode == "ground"));
        doc.disruptions.clear();
        let s = valid(&doc);
        let r = risk(&s, &simulate(&s));
        assert_eq!(r.at_risk, 0, "{cfg:?}: {r:?}");
    }
}

#[test]
fn the_large_preset_is_fast_and_valid() {
    let t = Instant::now();
    let (doc, report) = generate_with_report(&preset("large", 1));
    let secs = t.elapsed().as_secs_f64();
    assert!(secs < 10.0, "generating the large preset took {secs:.1} s");
    assert_eq!(doc.orders.len(), 100_000);
    let s = valid(&doc);
    let share = report.at_risk as f64 / s.orders.len() as f64;
    assert!((0.05..=0.15).contains(&share), "{share}");
}

/// Many seeds: every share in range, every kind present, plans feasible before the
/// disruptions. About 10 s; run with `cargo test --test suite generate:: -- --ignored`.
#[test]
#[ignore]
fn many_seeds_stay_in_range() {
    let mut failures = Vec::new();
    for (name, seeds) in [("small", 1..=200u64), ("medium", 1..=30)] {
        for seed in seeds {
            let (mut doc, report) = generate_with_report(&preset(name, seed));
            let s = valid(&doc);
            let b = simulate(&s);
            let r = risk(&s, &b);
            let share = r.at_risk as f64 / s.orders.len() as f64;
            let kinds: HashSet<&str> = doc.disruptions.iter().map(DisruptionDoc::kind).collect();
            if !(0.05..=0.15).contains(&share) || kinds.len() < 7 || !b.keeps_frozen() {
                failures.push(format!("{name} seed {seed}: share {share:.3}, {report:?}"));
            }
            doc.disruptions.clear();
            let s = valid(&doc);
            if risk(&s, &simulate(&s)).at_risk > 0 {
                failures.push(format!(
                    "{name} seed {seed}: at risk before the disruptions"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
