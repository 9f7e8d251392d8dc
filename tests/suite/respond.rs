//! Responses (SCENARIO.md section 5): the approval property on random scenarios, golden
//! proposals documents for the tiny datasets, and apply -> solve round trips.
//!
//! The property: approving any set of responses that contains what its members require and
//! applying their deltas in order to `baseline_plan` gives a plan the checker accepts, whose
//! cost is the baseline cost minus the sum of their net benefits; all of them give `plan`.
//! Every plan here goes through the independent checker.

use crate::common;

use proptest::prelude::*;
use recourse::apply::{apply, approved_plan};
use recourse::check::evaluate;
use recourse::documents::proposals::{proposals_doc, responses_for, ActionDoc, ProposalsDoc};
use recourse::optimize::formulate::by_name;
use recourse::optimize::highs::SolveOptions;
use recourse::optimize::{keep_the_better, optimize, Source};
use recourse::plan::PlanDoc;
use recourse::respond::{respond_with, Budget};
use recourse::risk::analyze;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::validate;
use recourse::scenario::wire::ScenarioDoc;
use std::collections::HashMap;
use std::path::Path;

/// `common::exact`, with a limit no run here reaches even on a loaded machine: the
/// time-expanded models of ~300 orders seeds 16, 1 and 7 took 41.6 s together in the test
/// build on a quiet machine, and at load average 5-6 a test of them failed once: a plan
/// stopped by the 60 s limit would give other responses than the ones asserted.
fn opts() -> SolveOptions {
    SolveOptions {
        time_limit_s: 3600.0,
        ..common::exact()
    }
}

/// Solves and builds the proposals document (timings zeroed, so documents compare).
fn propose(s: &Scenario) -> ProposalsDoc {
    propose_within(s, &[None]).remove(0)
}

/// One solve, and its proposals document for each budget (`None`: what `solve` uses).
fn propose_within(s: &Scenario, budgets: &[Option<Budget>]) -> Vec<ProposalsDoc> {
    let a = analyze(s);
    let fallback: Vec<(Source, &recourse::plan::Plan)> = if a.eval.feasible() {
        vec![(Source::Baseline, &a.baseline.plan)]
    } else {
        Vec::new()
    };
    let mut o = optimize(s, by_name("time-expanded").unwrap(), &opts()).unwrap();
    keep_the_better(s, &mut o, &fallback);
    let reasons = HashMap::new();
    budgets
        .iter()
        .map(|budget| {
            let r = match budget {
                None => responses_for(s, &a, &o, None).unwrap(),
                Some(b) => o
                    .plan()
                    .map(|_| respond_with(s, &inputs(&a, &o, &reasons), *b).unwrap()),
            };
            let mut doc = proposals_doc(s, &a, &o, r.as_ref(), 0.0).owned();
            doc.solve.build_seconds = 0.0;
            doc
        })
        .collect()
}

/// Requirements with every chance to chain taken (see `Budget::listed_givers`).
fn chained() -> Budget {
    Budget {
        listed_givers: 0,
        ..Budget::default()
    }
}

fn normalized(s: &Scenario, p: &PlanDoc) -> PlanDoc {
    p.to_domain(s, "plan").unwrap().to_doc(s)
}

/// The same entries, quantities equal up to rounding (continuous quantities are sums of
/// deltas).
fn same_plan(a: &PlanDoc, b: &PlanDoc) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
    a.shipments.len() == b.shipments.len()
        && a.transfers.len() == b.transfers.len()
        && a.expedited_inbound == b.expedited_inbound
        && a.shipments.iter().zip(&b.shipments).all(|(x, y)| {
            (&x.order, &x.sku, &x.node, &x.lane, &x.ship)
                == (&y.order, &y.sku, &y.node, &y.lane, &y.ship)
                && close(x.quantity, y.quantity)
        })
        && a.transfers.iter().zip(&b.transfers).all(|(x, y)| {
            (&x.lane, &x.sku, &x.ship) == (&y.lane, &y.sku, &y.ship)
                && close(x.quantity, y.quantity)
        })
}

/// `set` closed under `requires` (requires point backwards, so one pass from the end).
fn close(doc: &ProposalsDoc, mut set: Vec<bool>) -> Vec<usize> {
    for i in (0..set.len()).rev() {
        if set[i] {
            for r in &doc.responses[i].requires {
                let j = doc.responses.iter().position(|x| &x.id == r).unwrap();
                assert!(
                    j < i,
                    "{} requires a later response {r}",
                    doc.responses[i].id
                );
                set[j] = true;
            }
        }
    }
    (0..set.len()).filter(|i| set[*i]).collect()
}

/// Checks one approval set: checker-feasible, and the cost adds up.
fn check_set(s: &Scenario, doc: &ProposalsDoc, set: &[usize]) -> Result<(), String> {
    let plan = approved_plan(s, doc, set).map_err(|e| e.to_string())?;
    let e = evaluate(s, &plan);
    if let Some(v) = e.violations.first() {
        return Err(format!("set {set:?}: rule {}: {}", v.rule, v.message));
    }
    let saved: f64 = set.iter().map(|i| doc.responses[*i].net_benefit).sum();
    let want = doc.kpis.baseline.cost.total - saved;
    let got = e.cost.total;
    if (got - want).abs() > 1e-6 * want.abs().max(1.0) {
        return Err(format!(
            "set {set:?}: cost {got}, baseline minus net benefits {want}"
        ));
    }
    Ok(())
}

/// Every prefix, `random` random closed sets drawn from `seed`, and the whole list.
fn check_property(
    s: &Scenario,
    doc: &ProposalsDoc,
    seed: u64,
    random: usize,
) -> Result<(), String> {
    let n = doc.responses.len();
    let restores = doc
        .responses
        .first()
        .is_some_and(|_| !evaluate(s, &doc.baseline_plan.to_domain(s, "b").unwrap()).feasible());
    // Without the frozen repair the baseline itself is infeasible: only sets with R1 count.
    let start = usize::from(restores);
    if restores {
        // The frozen repair comes first and everything else depends on it.
        for r in &doc.responses[1..] {
            if !r.requires.iter().any(|x| x == "R1") {
                return Err(format!("{} does not require the frozen repair R1", r.id));
            }
        }
    }
    for k in start..=n {
        check_set(s, doc, &(0..k).collect::<Vec<_>>())?;
    }
    let mut rng = common::Rng::new(seed);
    for _ in 0..random {
        let mut set: Vec<bool> = (0..n).map(|_| rng.chance(50)).collect();
        if restores {
            set[0] = true;
        }
        check_set(s, doc, &close(doc, set))?;
    }
    let all = approved_plan(s, doc, &(0..n).collect::<Vec<_>>()).unwrap();
    if let Some(plan) = &doc.plan {
        if !same_plan(&all.to_doc(s), &normalized(s, plan)) {
            return Err("approving every response does not give `plan`".into());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(common::config(64))]

    #[test]
    fn any_closed_approval_set_is_feasible_and_its_cost_adds_up(seed in any::<u64>()) {
        let (s, _) = validate(&common::scenario_from_seed(seed)).unwrap();
        let doc = propose(&s);
        prop_assume!(doc.plan.is_some());
        if let Err(e) = check_property(&s, &doc, seed, 8) {
            prop_assert!(false, "{}", e);
        }
        // Each response has an action and requires only earlier responses.
        for (k, r) in doc.responses.iter().enumerate() {
            for req in &r.requires {
                let j: usize = req[1..].parse().unwrap();
                prop_assert!(j <= k, "{} requires {}", r.id, req);
            }
            prop_assert!(!r.actions.is_empty(), "{} has no action", r.id);
        }
    }

    /// Where a taker names the latest earlier taker on a resource instead of the givers
    /// before it (past `listed_givers`; 0 here, so that every such chance is taken), the
    /// closed sets are fewer and the property holds for each of them.
    #[test]
    fn chained_requirements_keep_the_property(seed in any::<u64>()) {
        let (s, _) = validate(&common::scenario_from_seed(seed)).unwrap();
        let doc = propose_within(&s, &[Some(chained())]).remove(0);
        prop_assume!(doc.plan.is_some());
        if let Err(e) = check_property(&s, &doc, seed, 8) {
            prop_assert!(false, "{}", e);
        }
    }

    /// Approving a closed set and folding it into a new scenario makes the approved plan
    /// the new baseline for every approved order: nothing they were protected from remains.
    #[test]
    fn apply_makes_the_approved_orders_the_new_baseline(seed in any::<u64>()) {
        let wire = common::frozen_free(seed);
        let (s, _) = validate(&wire).unwrap();
        let doc = propose(&s);
        prop_assume!(!doc.responses.is_empty());
        let mut rng = common::Rng::new(seed ^ 0x5eed);
        let set = close(&doc, (0..doc.responses.len()).map(|_| rng.chance(60)).collect());
        let ids: Vec<String> = set.iter().map(|i| doc.responses[*i].id.clone()).collect();
        let (next, _) = apply(&s, &wire, &doc, &ids, &[]).unwrap();
        let (n, _) = validate(&next).unwrap();
        let a = analyze(&n);
        prop_assert!(a.eval.feasible(), "{:?}", a.eval.violations);
        for i in &set {
            for o in &doc.responses[*i].protects {
                let ix = n.index.orders[&recourse::scenario::ids::OrderId(o.clone())];
                prop_assert!(!a.flags[ix.ix()], "{} protected by {} is at risk again", o, doc.responses[*i].id);
            }
        }
    }
}

/// A scenario's plan may ship an order from more nodes than its max_sources (section 2 does
/// not forbid it); the baseline, which keeps each shipment's node, then breaks rule 6. On
/// random scenarios with max_sources 1 set on every unfrozen order planned from two nodes
/// or more: the first response repairs that, every other response requires it, and every
/// prefix and random closed sets are feasible with their costs adding up.
#[test]
fn an_order_planned_from_too_many_sources_is_repaired_first() {
    let mut repaired = 0;
    for seed in 0..150u64 {
        let mut wire = common::scenario_from_seed(seed);
        for o in wire.orders.iter_mut().filter(|o| o.frozen != Some(true)) {
            let nodes: std::collections::BTreeSet<&str> =
                o.plan.iter().map(|e| e.node.as_str()).collect();
            if nodes.len() >= 2 {
                o.max_sources = Some(1);
            }
        }
        let (s, _) = validate(&wire).unwrap();
        let a = analyze(&s);
        if !a.eval.violations.iter().any(|v| v.rule == 6) {
            continue;
        }
        let doc = propose(&s);
        if doc.plan.is_none() {
            continue;
        }
        let first = &doc.responses[0].explanation;
        assert!(first.contains("max_sources"), "seed {seed}: {first}");
        check_property(&s, &doc, seed, 8).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        repaired += 1;
    }
    eprintln!("{repaired} of 150 seeds start with a max_sources repair");
    assert!(repaired >= 5, "only {repaired} seeds break rule 6");
}

/// The small preset cut to 120 orders, seed 3: several orders at risk, a few dozen responses.
fn small_generated() -> Scenario {
    use recourse::tools::generate::{generate, GenerateConfig};
    let mut cfg = GenerateConfig::preset("small").unwrap();
    cfg.orders = 120;
    cfg.seed = 3;
    validate(&generate(&cfg)).unwrap().0
}

/// What `respond` takes for the outcome `o` of the analysed scenario, checking every prefix.
fn inputs<'a>(
    a: &'a recourse::risk::Analysis,
    o: &'a recourse::optimize::Outcome,
    reasons: &'a HashMap<recourse::scenario::ids::OrderIx, String>,
) -> recourse::respond::Inputs<'a> {
    recourse::respond::Inputs {
        baseline: &a.baseline.plan,
        baseline_eval: &a.eval,
        at_risk: &a.flags,
        reasons,
        plan: o.plan().unwrap(),
        plan_eval: o.eval().unwrap(),
        check_until: None,
    }
}

/// How small the responses are, on the generated small preset: reported, and most of them
/// must protect at most one order (one monolithic response would fail this).
#[test]
fn responses_are_small_on_a_generated_scenario() {
    let s = small_generated();
    let doc = propose(&s);
    let n = doc.responses.len();
    let protected: usize = doc.responses.iter().map(|r| r.protects.len()).sum();
    let at_most_one = doc
        .responses
        .iter()
        .filter(|r| r.protects.len() <= 1)
        .count();
    eprintln!(
        "granularity: {n} responses, {protected} protected orders, {at_most_one} responses protect at most one, largest protects {}",
        doc.responses.iter().map(|r| r.protects.len()).max().unwrap_or(0)
    );
    assert!(
        protected >= 2,
        "the scenario should put several orders at risk"
    );
    assert!(
        n >= protected / 2,
        "{n} responses for {protected} protected orders"
    );
    assert!(
        10 * at_most_one >= 8 * n,
        "{at_most_one} of {n} protect at most one order"
    );
    check_property(&s, &doc, 3, 20).unwrap();
}

fn tiny(name: &str) -> (ScenarioDoc, Scenario) {
    let wire = common::tiny_doc(name);
    let (s, _) = validate(&wire).unwrap();
    (wire, s)
}

/// The proposals of `s` (their responses checked), and each unresolved order with why.
fn unresolved(s: &Scenario) -> Vec<(String, String)> {
    let doc = propose(s);
    check_property(s, &doc, 1, 16).unwrap();
    doc.unresolved
        .into_iter()
        .map(|u| (u.order, u.why))
        .collect()
}

/// [`unresolved`] is exactly `expected`.
fn assert_unresolved(s: &Scenario, expected: &[(&str, &str)]) {
    let got = unresolved(s);
    let got: Vec<(&str, &str)> = got.iter().map(|(o, w)| (o.as_str(), w.as_str())).collect();
    assert_eq!(got, expected);
}

/// An order left short because the capacity its own shipments need is full: the
/// explanation names the node and day with no room (`datasets/tiny/shared-capacity.json`:
/// each order takes all the stock at the node it ships from, and each of those nodes sends
/// its 11 units a day), not orders that do not exist.
#[test]
fn an_order_short_for_want_of_capacity_is_told_which_node_is_full() {
    let (_, s) = tiny("shared-capacity");
    let whys = unresolved(&s);
    let expected = [
        (
            "SO-A",
            "SKU-A at DC-2",
            "DC-2 sends nothing more on 2026-11-29",
        ),
        (
            "SO-B",
            "SKU-B at DC-2",
            "DC-2 sends nothing more on 2026-11-29",
        ),
        (
            "SO-C",
            "SKU-C at DC-1",
            "DC-1 sends nothing more on 2026-11-28",
        ),
    ];
    assert_eq!(whys.len(), expected.len(), "{whys:?}");
    for ((order, why), (o, held, full)) in whys.iter().zip(expected) {
        assert_eq!(order, o);
        assert!(
            why.contains(&format!("This order already takes all the {held}")),
            "{why}"
        );
        assert!(why.contains(full), "{why}");
        assert!(why.contains("all 11 units it can send that day"), "{why}");
        assert!(!why.contains("promised"), "{why}");
    }
}

/// The same network without ship capacities, and only 3 SKU-A left at DC-1: SO-A takes
/// those 3 (by transfer to DC-2) and stays 7 short. No node-day is full, and no other order
/// holds SKU-A, so the explanation says the plan found no cheaper way to bring more.
#[test]
fn an_order_that_takes_all_there_is_is_told_so() {
    let mut doc = common::tiny_doc("shared-capacity");
    for n in &mut doc.nodes {
        n.ship_capacity_per_day = None;
    }
    for k in &mut doc.stock {
        if k.node == "DC-1" && k.sku == "SKU-A" {
            k.on_hand = 3.0;
        }
    }
    let (s, _) = validate(&doc).unwrap();
    assert_unresolved(
        &s,
        &[(
            "SO-A",
            "Still 7 units short. This order already takes all the SKU-A at DC-2 that could \
             reach Z-A by 2026-11-30; the plan found no way to bring more there in time for \
             less than the 1000 EUR per unit short it would save.",
        )],
    );
}

/// The stock in reach of an order sent elsewhere by transfer: `shared-capacity` with DC-2's
/// SKU-A (5 after its loss) the only SKU-A left, and a priority-1 order SO-D at Z-D, served
/// from DC-4 after a transfer from DC-2. SO-A (priority 3 here) gets none of it, and is told
/// where it went; SO-B is told which node-day upstream has no room.
#[test]
fn an_order_whose_stock_leaves_by_transfer_is_told_so() {
    let mut v = serde_json::to_value(common::tiny_doc("shared-capacity")).unwrap();
    let lane = |id: &str, from: &str, to: &str, day: &str| {
        serde_json::json!({"id": id, "from": from, "to": to, "mode": "ground",
            "lead_time_days": 1, "cost_per_unit": 1.0, "departure_days": [day]})
    };
    v["nodes"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "Z-D", "kind": "customer"}));
    let lanes = v["lanes"].as_array_mut().unwrap();
    lanes.push(lane("T-2-4", "DC-2", "DC-4", "fri"));
    lanes.push(lane("S-4-D", "DC-4", "Z-D", "sat"));
    v["stock"] = serde_json::json!([
        {"node": "DC-2", "sku": "SKU-A", "on_hand": 15},
        {"node": "DC-4", "sku": "SKU-A", "on_hand": 10},
        {"node": "DC-4", "sku": "SKU-B", "on_hand": 10},
        {"node": "DC-3", "sku": "SKU-B", "on_hand": 10},
        {"node": "DC-5", "sku": "SKU-C", "on_hand": 10},
        {"node": "DC-3", "sku": "SKU-C", "on_hand": 10}
    ]);
    let orders = v["orders"].as_array_mut().unwrap();
    orders[0]["priority"] = serde_json::json!(3);
    orders.push(
        serde_json::json!({"id": "SO-D", "destination": "Z-D", "due": "2026-11-29",
        "priority": 1, "lines": [{"sku": "SKU-A", "quantity": 10}],
        "plan": [{"sku": "SKU-A", "node": "DC-4", "lane": "S-4-D", "ship": "2026-11-28",
                  "quantity": 10}]}),
    );
    v["disruptions"].as_array_mut().unwrap().push(
        serde_json::json!({"kind": "stock_loss", "node": "DC-4", "sku": "SKU-A",
            "quantity": 10}),
    );
    let doc: ScenarioDoc = serde_json::from_value(v).unwrap();
    let (s, _) = validate(&doc).unwrap();
    assert_unresolved(
        &s,
        &[
            (
                "SO-A",
                "Still 10 units short. All SKU-A that can reach Z-A by 2026-11-30 (at DC-2) \
                 leaves by the plan's transfers; this order's penalty is 100 EUR per unit short.",
            ),
            // DC-3's day-0 capacity goes to SO-C's 10 and SO-B's 1: the node-day upstream.
            (
                "SO-B",
                "Still 9 units short. This order already takes all the SKU-B at DC-2 that could \
                 reach Z-B by 2026-11-30; more would come by transfer, and DC-3 sends nothing \
                 more on 2026-11-27: all 11 units it can send that day (shipments and \
                 transfers together) are taken; this order's penalty is 1000 EUR per unit short.",
            ),
            (
                "SO-D",
                "Still 5 units short. This order already takes all the SKU-A at DC-4 that could \
                 reach Z-D by 2026-11-29; the plan found no way to bring more there in time for \
                 less than the 1000 EUR per unit short it would save.",
            ),
        ],
    );
}

/// A ship-complete order that cannot ship: `ship-complete` without DC-LYS's SKU-2 and PO-1,
/// so only DC-PAR's 15 SKU-2 are left of the 20 the order needs. The reason is that line,
/// not the other line's cheap option.
#[test]
fn a_ship_complete_order_is_told_which_line_cannot_be_filled() {
    let mut doc = common::tiny_doc("ship-complete");
    doc.stock.retain(|k| k.node != "DC-LYS");
    doc.inbound.clear();
    let (s, _) = validate(&doc).unwrap();
    assert_unresolved(
        &s,
        &[(
            "SO-1",
            "Still 50 units short. It ships complete or not at all (every line in full, leaving \
             on one day), and at most 15 of the 20 units of SKU-2 it needs can leave on any one \
             day in time to arrive by 2026-12-02.",
        )],
    );
}

/// An order held to one source: `max-sources` with only 20 SKU-1 at DC-LYS, so SO-1 keeps
/// DC-PAR's 30 and stays 10 short. DC-LYS's stock is the cheapest option left, and the
/// explanation says why the order cannot take it.
#[test]
fn an_order_held_to_its_sources_is_told_so() {
    let mut doc = common::tiny_doc("max-sources");
    for k in &mut doc.stock {
        if k.node == "DC-LYS" {
            k.on_hand = 20.0;
        }
    }
    let (s, _) = validate(&doc).unwrap();
    assert_unresolved(
        &s,
        &[(
            "SO-1",
            "Still 10 units short. The cheapest on-time option left for SKU-1 ships 10 units \
             from DC-LYS via LYS-LYO-G on 2026-11-27 for 20 EUR, against 4000 EUR of penalty \
             avoided (400 EUR per unit short). It may ship from at most 1 node, and ships from \
             DC-PAR already.",
        )],
    );
}

/// The whole proposals document of every tiny dataset, pinned. `RECOURSE_BLESS=1` rewrites
/// them after a deliberate change (review the diff: the optima are hand-derived in
/// tests/suite/solve_tiny.rs, and the responses are checked here against the property).
#[test]
fn golden_proposals_for_the_tiny_datasets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/proposals");
    let mut failed = Vec::new();
    for name in common::TINY {
        let (_, s) = tiny(name);
        let doc = propose(&s);
        check_property(&s, &doc, 1, 16).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = common::laid_out(&doc);
        if let Err(e) = common::golden(&dir.join(format!("{name}.json")), &text) {
            failed.push(e);
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The random scenarios do reach the frozen repair (a baseline that cannot keep a frozen
/// commitment, and a plan that can): the property above covers that path too.
#[test]
fn the_frozen_repair_path_is_exercised() {
    let mut repaired = 0;
    for seed in 0..400u64 {
        let (s, _) = validate(&common::scenario_from_seed(seed)).unwrap();
        if analyze(&s).eval.feasible() {
            continue;
        }
        let doc = propose(&s);
        if doc.plan.is_none() || doc.responses.is_empty() {
            continue;
        }
        check_property(&s, &doc, seed, 4).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        repaired += 1;
    }
    eprintln!("{repaired} of 400 seeds start with a frozen repair");
    assert!(
        repaired >= 3,
        "only {repaired} seeds exercise the frozen repair"
    );
}

/// The chained requirements on the small generated preset, where takers share stock with
/// many givers: with `listed_givers` 0 some lists change (a taker names an earlier taker),
/// nothing else does, and every prefix and random closed sets keep the property.
#[test]
fn chained_requirements_keep_the_property_on_a_generated_scenario() {
    let s = small_generated();
    let docs = propose_within(&s, &[None, Some(chained())]);
    let (listed, short) = (&docs[0], &docs[1]);
    assert_eq!(listed.responses.len(), short.responses.len());
    let mut differ = 0;
    for (x, y) in listed.responses.iter().zip(&short.responses) {
        assert_eq!(
            (&x.id, &x.protects, &x.delta),
            (&y.id, &y.protects, &y.delta)
        );
        differ += usize::from(x.requires != y.requires);
    }
    eprintln!(
        "{differ} of {} responses name an earlier taker",
        short.responses.len()
    );
    assert!(differ > 0, "no response chains a requirement");
    check_property(&s, short, 7, 40).unwrap();
}

/// Past its budget the checker evaluates evenly spaced prefixes and the last, and the
/// construction's numbers fill in between: the responses must not change.
#[test]
fn a_sampled_check_gives_the_same_responses() {
    use recourse::respond::respond;
    let (_, s) = tiny("demo-eu");
    let a = analyze(&s);
    let o = optimize(&s, by_name("time-expanded").unwrap(), &opts()).unwrap();
    let reasons = HashMap::new();
    let x = inputs(&a, &o, &reasons);
    let full = respond(&s, &x).unwrap();
    let one_entry = Budget {
        check_entries: 1,
        ..Budget::default()
    };
    let sampled = respond_with(&s, &x, one_entry).unwrap();
    assert_eq!(full.checked_prefixes, full.responses.len());
    assert_eq!(sampled.checked_prefixes, 2);
    assert_eq!(full.responses.len(), sampled.responses.len());
    for (f, p) in full.responses.iter().zip(&sampled.responses) {
        assert!((f.net_benefit - p.net_benefit).abs() <= 1e-9 * f.net_benefit.abs().max(1.0));
        assert!((f.cost - p.cost).abs() <= 1e-9 * f.cost.abs().max(1.0));
        assert_eq!(
            (&f.protects, &f.requires, &f.remove, &f.add),
            (&p.protects, &p.requires, &p.remove, &p.add)
        );
    }
}

/// When the time for checking is up before the check begins, the checker evaluates the
/// last prefix alone and the construction's numbers fill in: the responses are those of a
/// full check, and all of them together give the plan, which the checker accepts.
#[test]
fn a_check_out_of_time_evaluates_the_last_prefix_alone_and_gives_the_same_responses() {
    use recourse::respond::respond;
    let s = small_generated();
    let a = analyze(&s);
    let o = optimize(&s, by_name("time-expanded").unwrap(), &opts()).unwrap();
    let reasons = HashMap::new();
    let mut x = inputs(&a, &o, &reasons);
    let full = respond(&s, &x).unwrap();
    x.check_until = Some(std::time::Instant::now());
    let late = respond(&s, &x).unwrap();
    let n = full.responses.len();
    assert!(n > 1, "{n} responses: too few to cut the check short");
    assert_eq!(full.checked_prefixes, n);
    assert_eq!(late.checked_prefixes, 1);
    assert_eq!(late.responses.len(), n);
    for (f, p) in full.responses.iter().zip(&late.responses) {
        assert!((f.net_benefit - p.net_benefit).abs() <= 1e-9 * f.net_benefit.abs().max(1.0));
        assert!((f.cost - p.cost).abs() <= 1e-9 * f.cost.abs().max(1.0));
        assert_eq!(
            (&f.protects, &f.requires, &f.remove, &f.add),
            (&p.protects, &p.requires, &p.remove, &p.add)
        );
    }
    let deltas: Vec<_> = late
        .responses
        .iter()
        .map(|r| (r.remove.clone(), r.add.clone()))
        .collect();
    let all = recourse::respond::apply_deltas(&a.baseline.plan, &deltas);
    let e = evaluate(&s, &all);
    assert!(e.feasible(), "{:?}", e.violations);
    let saved: f64 = late.responses.iter().map(|r| r.net_benefit).sum();
    let want = o.eval().unwrap().cost.total;
    assert!((e.cost.total - want).abs() <= 1e-6 * want);
    assert!((a.eval.cost.total - saved - want).abs() <= 1e-6 * want);
}

/// Some random scenarios need the full fold (an untouched late order would otherwise leave
/// earlier in the new baseline and take stock an approved order counts on): it too makes
/// the approved orders execute as approved.
#[test]
fn the_full_fold_path_is_exercised() {
    let mut folded = 0;
    for seed in 0..300u64 {
        let wire = common::frozen_free(seed);
        let (s, _) = validate(&wire).unwrap();
        let doc = propose(&s);
        if doc.responses.is_empty() {
            continue;
        }
        let (next, summary) = apply(&s, &wire, &doc, &["all".to_owned()], &[]).unwrap();
        if !summary.all_orders_folded {
            continue;
        }
        folded += 1;
        let (n, _) = validate(&next).unwrap();
        let a = analyze(&n);
        assert!(a.eval.feasible(), "seed {seed}: {:?}", a.eval.violations);
        for r in &doc.responses {
            for o in &r.protects {
                let ix = n.index.orders[&recourse::scenario::ids::OrderId(o.clone())];
                assert!(!a.flags[ix.ix()], "seed {seed}: {o} at risk again");
            }
        }
    }
    eprintln!("{folded} of 300 seeds needed the full fold");
    assert!(folded >= 1, "no seed exercises the full fold");
}

/// A `reallocate` between orders states what passes from its givers to its takers: a
/// planner keys that quantity into the ERP. It is never more than the takers gain at that
/// node in the response's delta, and what they gain beyond it (free units) is said after
/// it, as are units the givers give up that no taker here gets. (A giver may give units up
/// by shipping them later, so its side is not read off the delta's net change.)
#[test]
fn a_reallocation_moves_no_more_than_its_takers_gain() {
    let mut seen = (0, 0);
    for s in [small_generated(), tiny("demand-surge").1] {
        let doc = propose(&s);
        check_property(&s, &doc, 3, 20).unwrap();
        for r in &doc.responses {
            // Units of (order, sku, node) the response adds, less those it removes.
            let net = |o: &str, sku: &str, node: &str| -> f64 {
                let sum = |p: &PlanDoc| -> f64 {
                    p.shipments
                        .iter()
                        .filter(|x| x.order == o && x.sku == sku && x.node == node)
                        .map(|x| x.quantity)
                        .sum()
                };
                sum(&r.delta.add) - sum(&r.delta.remove)
            };
            for a in r.actions.iter().filter(|a| a.kind == "reallocate") {
                if a.from_orders.is_empty() || a.to_orders.is_empty() {
                    continue;
                }
                let (sku, node) = (a.sku.as_deref().unwrap(), a.from_node.as_deref().unwrap());
                let gained: f64 = a.to_orders.iter().map(|o| net(o, sku, node)).sum();
                assert!(
                    a.quantity <= gained + 1e-9,
                    "{}: {} (the takers gain {gained})",
                    r.id,
                    a.text
                );
                if gained > a.quantity + 1e-9 {
                    seen.0 += 1;
                    let free = format!("and {} free unit", gained - a.quantity);
                    assert!(a.text.contains(&free), "{}: {} ({free})", r.id, a.text);
                }
                if a.text.contains("more freed") {
                    seen.1 += 1;
                }
            }
        }
    }
    assert!(
        seen.0 > 0 && seen.1 > 0,
        "both kinds of surplus should occur: {seen:?}"
    );
}

/// What a response's sentences say about who pays is true: every order in it whose penalty
/// rises is protected, helped or named a donor ("is then ..."); "without changing who is at
/// risk" is said only when no order of it is late or short after; and the money sentence
/// splits the net into running costs and penalties as the checker's costs do. On
/// `generate --orders 300 --disruption-rate 0.05 --seed 2`, where cheaper lanes that arrive
/// a day later pay for themselves: such a response once said "0 EUR in penalties" and named
/// nobody.
#[test]
fn a_response_names_every_order_it_makes_worse_and_splits_its_money_truly() {
    let (s, doc) = three_hundred(2);
    let base = doc.baseline_plan.to_domain(&s, "b").unwrap();
    let mut prefix = evaluate(&s, &base);
    let mut seen_adds = 0;
    for k in 0..doc.responses.len() {
        let plan = approved_plan(&s, &doc, &(0..=k).collect::<Vec<_>>()).unwrap();
        let now = evaluate(&s, &plan);
        let r = &doc.responses[k];
        let pen = |e: &recourse::check::Evaluation, o: usize| {
            let x = &e.orders[o];
            x.late_unit_days * s.orders[o].late_penalty_per_unit_day
                + x.short_units * s.orders[o].short_penalty_per_unit
        };
        for (o, order) in s.orders.iter().enumerate() {
            let id = &order.id.0;
            if pen(&now, o) > pen(&prefix, o) + 1e-6 {
                assert!(
                    r.donors.contains(id) || r.protects.contains(id) || r.helps.contains(id),
                    "{}: {id}'s penalty rises, unnamed: {}",
                    r.id,
                    r.explanation
                );
            }
        }
        if r.explanation.contains("without changing who is at risk") {
            for id in &r.donors {
                let o = s.index.orders[&recourse::scenario::ids::OrderId(id.clone())];
                assert!(
                    !now.orders[o.ix()].at_risk(),
                    "{}: {id} is late or short after",
                    r.id
                );
            }
        }
        let d = now.cost - prefix.cost;
        let running = d.transport + d.fixed + d.expedite + d.change;
        if running < -1e-6 && d.lateness + d.shortage > 1e-6 {
            seen_adds += 1;
            let eur = if (running - running.round()).abs() < 5e-3 {
                format!("{}", -running.round() as i64)
            } else {
                format!("{:.2}", -running)
            };
            let said = format!("Saves {eur} EUR in running costs");
            assert!(
                r.explanation.contains(&said) && r.explanation.contains("adds"),
                "{}: running {running:.2}, penalties {:.2}: {}",
                r.id,
                d.lateness + d.shortage,
                r.explanation
            );
        }
        prefix = now;
    }
    assert!(
        seen_adds > 0,
        "no response trades penalties for running costs here"
    );
}

/// An unresolved order's "No K can reach Z by D: the earliest arrival is E" is said only
/// when E is after D; when something could arrive in time, the text says what holds it. On
/// `generate --orders 300 --disruption-rate 0.05 --seed 5`, SO-0218's air lane from DC-03
/// is full on the one day that would be in time (it once read "by 2026-11-28: the earliest
/// arrival is 2026-11-28").
#[test]
fn an_unresolved_order_is_never_told_an_on_time_arrival_is_impossible() {
    let (_, doc) = three_hundred(5);
    let mut impossible = 0;
    for u in &doc.unresolved {
        if let Some(rest) = u
            .why
            .split("can reach ")
            .nth(1)
            .filter(|r| r.contains(": the earliest arrival is "))
        {
            // "Z by D: the earliest arrival is E from ..."
            let by = &rest[rest.find(" by ").unwrap() + 4..][..10];
            let at = &rest[rest.find("arrival is ").unwrap() + 11..][..10];
            assert!(at > by, "{}: {}", u.order, u.why);
            impossible += 1;
        }
    }
    let full = doc
        .unresolved
        .iter()
        .find(|u| u.order == "SO-0218")
        .expect("SO-0218 is left late");
    assert!(
        full.why.contains("could leave DC-03 via DC03-Z002-A on 2026-11-27 in time for 2026-11-28, but the capacity there is used up that day"),
        "{}",
        full.why
    );
    eprintln!("{impossible} unresolved orders cannot be reached in time");
}

/// An `expedite_shipment` moves units of the order's own shipment on that route to an
/// earlier day, so the delta takes units off that route; units that come from another node
/// onto a route the order already used are a `reroute` from that node. On `generate
/// --orders 300 --disruption-rate 0.05 --seed 1`, SO-0075's 4 units from DC-03 replace its
/// DC-01 shipment while its own DC-03 shipment stays (once called an earlier departure).
#[test]
fn an_earlier_departure_is_of_the_orders_own_units_on_that_route() {
    let (_, doc) = three_hundred(1);
    let mut expedites = 0;
    for r in &doc.responses {
        for a in r.actions.iter().filter(|a| a.kind == "expedite_shipment") {
            let taken_off = r.delta.remove.shipments.iter().any(|x| {
                x.order == a.orders[0]
                    && Some(&x.sku) == a.sku.as_ref()
                    && Some(&x.node) == a.from_node.as_ref()
                    && a.from_lane.as_ref() == Some(&x.lane)
            });
            assert!(
                taken_off,
                "{} {}: nothing leaves that route earlier",
                a.id, a.text
            );
            expedites += 1;
        }
    }
    let rerouted = action_starting(&doc, "ship SO-0075's 4 x SKU-0009 from DC-03");
    assert_eq!(rerouted.kind, "reroute", "{}", rerouted.text);
    assert!(
        rerouted.text.ends_with("instead of DC-01 via DC01-Z004-G"),
        "{}",
        rerouted.text
    );
    eprintln!("{expedites} earlier departures checked");
}

/// What a shipment action says it replaces is in its response's delta: the units it names
/// "instead of" a route, summed over the response's actions, are at most what that route
/// ships fewer of, and the units it says the order "was short of" at most what the order
/// ships more of in all; and every route of an order the delta changes is named by an
/// action. On `generate --orders 300 --disruption-rate 0.05 --seed 12`,
/// SO-0108's 5 units on a new route replace the 3 its DC-04 route lost and 2 it was short
/// of (once "5 x SKU-0015 ... instead of DC-04 via DC04-ST01-G").
#[test]
fn the_units_a_shipment_replaces_are_the_units_its_old_routes_lost() {
    let (_, doc) = three_hundred(12);
    let route = |r: &str| -> (String, Option<String>) {
        match r.split_once(" via ") {
            Some((n, l)) => (n.to_owned(), Some(l.to_owned())),
            None => (r.trim_end_matches(" (local)").to_owned(), None),
        }
    };
    let (mut claims, mut split) = (0, 0);
    for r in &doc.responses {
        type Leg = (String, String, String, Option<String>);
        let mut net: HashMap<Leg, f64> = HashMap::new();
        let mut gained: HashMap<(String, String), f64> = HashMap::new();
        for (x, sign) in (r.delta.remove.shipments.iter().map(|x| (x, -1.0)))
            .chain(r.delta.add.shipments.iter().map(|x| (x, 1.0)))
        {
            let leg = (
                x.order.clone(),
                x.sku.clone(),
                x.node.clone(),
                x.lane.clone(),
            );
            *net.entry(leg).or_default() += sign * x.quantity;
            *gained.entry((x.order.clone(), x.sku.clone())).or_default() += sign * x.quantity;
        }
        let mut from: HashMap<Leg, f64> = HashMap::new();
        let mut short: HashMap<(String, String), f64> = HashMap::new();
        for a in r
            .actions
            .iter()
            .filter(|a| a.kind == "reroute" || a.kind == "expedite_shipment")
        {
            let (o, k) = (a.orders[0].clone(), a.sku.clone().unwrap());
            let leg = |(n, l): (String, Option<String>)| (o.clone(), k.clone(), n, l);
            if a.text.ends_with(", units it was short of") {
                *short.entry((o.clone(), k.clone())).or_default() += a.quantity;
            } else if let Some((_, parts)) = a.text.split_once(": ") {
                split += 1;
                for part in parts.replace(" and ", ", ").split(", ") {
                    let (q, what) = part.split_once(' ').unwrap();
                    let q: f64 = q.parse().unwrap();
                    match what.strip_prefix("instead of ") {
                        Some(r) => *from.entry(leg(route(r))).or_default() += q,
                        None => {
                            assert_eq!(what, "it was short of", "{}", a.text);
                            *short.entry((o.clone(), k.clone())).or_default() += q;
                        }
                    }
                }
            } else if (&a.from_node, &a.from_lane) != (&a.to_node, &a.to_lane) {
                let r = (a.from_node.clone().unwrap(), a.from_lane.clone().unwrap());
                *from.entry(leg(r)).or_default() += a.quantity;
            }
        }
        // Every route of an order the response changes is named by one of its actions: a
        // shipment to or from it, or a reallocation at its node.
        for (o, k, node, lane) in net.keys() {
            let named = r.actions.iter().any(|a| {
                a.orders.contains(o)
                    && a.sku.as_ref() == Some(k)
                    && match a.kind.as_str() {
                        "reallocate" => a.from_node.as_ref() == Some(node),
                        _ => [(&a.from_node, &a.from_lane), (&a.to_node, &a.to_lane)]
                            .contains(&(&Some(node.clone()), &Some(lane.clone()))),
                    }
            });
            assert!(
                named,
                "{}: {o}'s {k} from {node} via {lane:?} changes unsaid",
                r.id
            );
        }
        for (leg, q) in &from {
            let lost = -net.get(leg).copied().unwrap_or(0.0);
            assert!(
                *q <= lost + 1e-6,
                "{}: {q} said to replace {leg:?}, which lost {lost}",
                r.id
            );
            claims += 1;
        }
        for (key, q) in &short {
            let more = gained.get(key).copied().unwrap_or(0.0);
            assert!(
                *q <= more + 1e-6,
                "{}: {q} said short for {key:?}, which gained {more}",
                r.id
            );
        }
    }
    assert!(
        split > 0,
        "no shipment here replaces a route and units it was short of"
    );
    let so108 = action_starting(&doc, "ship SO-0108's 5 x SKU-0015 from ");
    assert!(
        so108
            .text
            .ends_with(": 3 instead of DC-04 via DC04-ST01-G and 2 it was short of"),
        "{}",
        so108.text
    );
    eprintln!("{claims} replaced routes checked, {split} shipments replacing more than one");
}

/// A response that protects and helps nobody says what it does to the cost on its own,
/// by the sign of its net benefit: "Lowers the cost", "Leaves the cost as it is" or
/// "Raises the cost by X on its own" (it said "Lowers the cost" on all of them, 166 of
/// 6,059 responses of the generated ~300-order seeds 1-60 and medium seeds 1-7 wrongly).
/// On seed 16, R39 costs 1.80 more than it saves; on seed 1, R36 changes nothing in cost.
/// One that does not lower the cost names the later responses that require it, what it is
/// worth approving for: "Raises the cost by 1.80 EUR on its own (R40 requires it)".
#[test]
fn a_response_that_protects_nobody_says_what_it_does_to_the_cost() {
    let mut seen = std::collections::BTreeSet::new();
    let mut named = 0;
    for seed in [1, 16] {
        let (_, doc) = three_hundred(seed);
        let mut required_by: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in &doc.responses {
            for j in &r.requires {
                required_by.entry(j.as_str()).or_default().push(&r.id);
            }
        }
        for r in &doc.responses {
            let net = r.net_benefit;
            let e = &r.explanation;
            let head = e.split(':').next().unwrap_or_default();
            if net < 0.005 && r.protects.is_empty() && r.helps.is_empty() {
                let later = required_by.get(r.id.as_str()).cloned().unwrap_or_default();
                let said = head
                    .split_once(" (")
                    .and_then(|(_, rest)| rest.split_once(" require"))
                    .map(|(names, _)| names.replace(" and ", ", "));
                match said {
                    None => assert!(later.is_empty(), "seed {seed} {}: {head}", r.id),
                    Some(names) => {
                        let names: Vec<&str> = names.split(", ").collect();
                        let shown = later.len().min(3);
                        assert_eq!(names[..shown], later[..shown], "seed {seed} {}", r.id);
                        if later.len() > 3 {
                            assert_eq!(names[3], format!("{} more", later.len() - 3));
                        }
                        named += 1;
                    }
                }
            }
            let head = if e.starts_with("Lowers the cost") {
                assert!(net >= 0.005, "seed {seed} {}: net {net}: {e}", r.id);
                "lowers"
            } else if e.starts_with("Leaves the cost as it is") {
                assert!(net.abs() < 0.005, "seed {seed} {}: net {net}: {e}", r.id);
                "leaves"
            } else if let Some(rest) = e.strip_prefix("Raises the cost by ") {
                assert!(net <= -0.005, "seed {seed} {}: net {net}: {e}", r.id);
                assert!(rest.contains(" on its own"), "{e}");
                "raises"
            } else {
                assert!(
                    !r.protects.is_empty() || !r.helps.is_empty(),
                    "{}: {e}",
                    r.id
                );
                continue;
            };
            seen.insert(head);
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["leaves", "lowers", "raises"],
        "each head is said on these two seeds"
    );
    assert!(named >= 2, "seed 16's R39 and R40 name what requires them");
}

/// The first action of `doc` whose text starts with `prefix`; a test failure when none does.
fn action_starting<'a>(doc: &'a ProposalsDoc, prefix: &str) -> &'a ActionDoc {
    doc.responses
        .iter()
        .flat_map(|r| &r.actions)
        .find(|a| a.text.starts_with(prefix))
        .unwrap_or_else(|| panic!("no action says \"{prefix}...\""))
}

/// `generate --orders 300 --disruption-rate 0.05 --seed SEED`, its proposals, and the
/// property of every prefix and a few closed sets checked on them.
fn three_hundred(seed: u64) -> (Scenario, ProposalsDoc) {
    use recourse::tools::generate::{generate, GenerateConfig};
    let cfg = GenerateConfig {
        orders: 300,
        disruption_rate: 0.05,
        seed,
        ..GenerateConfig::default()
    };
    let (s, _) = validate(&generate(&cfg)).unwrap();
    let doc = propose(&s);
    check_property(&s, &doc, seed, 4).unwrap();
    (s, doc)
}

/// The count line of `solve` and of the report agrees in number with each count, and
/// counts those that protect and help nobody by what they do to the cost, as their
/// explanations' heads do (it said "1 reduce" and "20 only lower the cost" where two of
/// the 20 raised it).
#[test]
fn the_count_line_says_what_each_kind_of_response_does() {
    use recourse::documents::proposals_report::granularity;
    let (_, doc) = three_hundred(16);
    assert_eq!(
        granularity(&doc),
        "43 responses: 15 protect one order, 26 only lower the cost, 2 raise it on their own"
    );
    let (_, doc) = three_hundred(1);
    assert_eq!(
        granularity(&doc),
        "39 responses: 14 protect one order, 21 only lower the cost, 4 leave the cost as it is"
    );
    let (_, doc) = three_hundred(7);
    assert_eq!(
        granularity(&doc),
        "37 responses: 14 protect one order, 1 reduces an at-risk order's penalty, \
         21 only lower the cost, 1 raises it on its own"
    );
}

/// A solver's plan with changes that only cost (shipments of orders the plan leaves as
/// they were moved a day earlier, off their planned day, for nothing) gets responses that
/// raise the cost on their own and that nothing requires. `propose` takes them out: the
/// plan is the optimum again, checked, and the other responses are those built for the
/// plan with the detours, in their order, and keep the approval property.
fn detours_are_taken_out(s: &Scenario, detours: usize, seed: u64) {
    use recourse::documents::proposals::without_unneeded;
    use recourse::optimize::Solution;
    let a = analyze(s);
    let mut o = optimize(s, by_name("tight").unwrap(), &opts()).unwrap();
    let best = o.objective().unwrap();
    let mut plan = o.plan().unwrap().clone();
    // Orders whose every shipment the plan keeps from the baseline; one detour each.
    let unchanged = |o: recourse::scenario::ids::OrderIx, p: &recourse::plan::Plan| {
        p.shipments
            .iter()
            .filter(|x| x.order == o)
            .all(|x| a.baseline.plan.shipments.contains(x))
    };
    let mut moved = Vec::new();
    for i in 0..plan.shipments.len() {
        let order = plan.shipments[i].order;
        if moved.len() == detours || moved.contains(&order) || !unchanged(order, &plan) {
            continue;
        }
        let mut p = plan.clone();
        p.shipments[i].ship -= 1;
        let e = evaluate(s, &p);
        if e.feasible() && e.cost.total > evaluate(s, &plan).cost.total + 1.0 {
            plan = p;
            moved.push(order);
        }
    }
    assert_eq!(
        moved.len(),
        detours,
        "shipments that can leave a day earlier at a cost"
    );
    let eval = evaluate(s, &plan);
    let dearer = eval.cost.total;
    o.solution = Some(Solution {
        plan,
        eval,
        source: Source::Solver,
    });
    let before = responses_for(s, &a, &o, None).unwrap().unwrap();
    let costly = recourse::respond::unneeded(&before.responses);
    assert_eq!(
        costly.len(),
        detours,
        "each detour raises the cost on its own"
    );
    let (r, taken) = without_unneeded(s, &a, &mut o, None).unwrap();
    let taken = taken.expect("the plan without them is cheaper");
    assert_eq!((taken.responses, taken.from_cost), (detours, dearer));
    let cost = o.objective().unwrap();
    assert!((cost - best).abs() <= 1e-6 * best, "{cost} against {best}");
    assert!(evaluate(s, o.plan().unwrap()).feasible());
    let r = r.unwrap();
    let kept: Vec<_> = (0..before.responses.len())
        .filter(|k| !costly.contains(k))
        .map(|k| (&before.responses[k].remove, &before.responses[k].add))
        .collect();
    let now: Vec<_> = r.responses.iter().map(|x| (&x.remove, &x.add)).collect();
    assert_eq!(
        now, kept,
        "the responses left are those built, in their order"
    );
    assert!(recourse::respond::unneeded(&r.responses).is_empty());
    let doc = proposals_doc(s, &a, &o, Some(&r), 0.0).owned();
    check_property(s, &doc, seed, 16).unwrap();
}

#[test]
fn a_change_that_only_costs_is_taken_out_of_the_plan() {
    detours_are_taken_out(&tiny("demo-eu").1, 1, 1);
}

#[test]
fn changes_that_only_cost_are_taken_out_and_the_rest_keep_their_requirements() {
    let (s, _) = three_hundred(3);
    detours_are_taken_out(&s, 6, 3);
}
