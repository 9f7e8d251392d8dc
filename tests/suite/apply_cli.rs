//! `recourse solve --format` and `recourse apply` as a user runs them: the readable reports,
//! approving and rejecting responses, and solving the new scenario again.

use crate::common::recourse;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

use crate::common::tiny_path as tiny;

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// `recourse risk --format json` of a scenario file.
fn risk_json(scenario: &Path) -> Value {
    let out = recourse()
        .args(["risk", "--format", "json"])
        .arg(scenario)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// What `recourse solve ARGS SCENARIO` writes to stdout; it must succeed.
fn solve_stdout(args: &[&str], scenario: &Path) -> Vec<u8> {
    recourse()
        .arg("solve")
        .args(args)
        .arg(scenario)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

fn solve_to(scenario: &Path, out: &Path) -> Value {
    recourse()
        .args(["solve", "--threads", "1"])
        .arg(scenario)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
    recourse()
        .arg("check")
        .arg(scenario)
        .arg(out)
        .assert()
        .success();
    read(out)
}

/// Ids that Markdown would read as formatting (emphasis, code, HTML, an entity, a link, a
/// table cell) show as written in `--format markdown`: rendered by a CommonMark reader,
/// every order id is text, the scenario id is one code span, and the key figures keep
/// their three columns.
#[test]
fn markdown_shows_ids_as_written() {
    let order = "`S|O*_<i>&amp;[x](y)-";
    let text = std::fs::read_to_string(tiny("demo-eu"))
        .unwrap()
        .replace("\"SO-", &format!("\"{order}"));
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["id"] = "demo`|`eu".into();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let md = solve_stdout(&["--threads", "1", "--format", "markdown"], &file);
    let md = String::from_utf8(md).unwrap();
    // The plan behind the report, as the same solve writes it, keeps every rule.
    let plan = dir.path().join("hostile.proposals.json");
    std::fs::write(
        &plan,
        solve_stdout(&["--threads", "1", "--format", "json"], &file),
    )
    .unwrap();
    crate::common::checked_cost(&file, &plan);
    use pulldown_cmark::{html, Options, Parser};
    let mut page = String::new();
    html::push_html(&mut page, Parser::new_ext(&md, Options::ENABLE_TABLES));
    assert!(
        page.starts_with("<h2>Proposals for scenario <code>demo`|`eu</code></h2>"),
        "{page}"
    );
    // The id as text, escaped for HTML: no element, entity or link came of it.
    let shown = "`S|O*_&lt;i&gt;&amp;amp;[x](y)-1011";
    assert!(
        page.contains(&format!("Protects {shown} (priority 1)")),
        "{page}"
    );
    for tag in ["<i>", "<em>", "<a ", "<del>"] {
        assert!(!page.contains(tag), "{tag} in {page}");
    }
    let rows = page.matches("<tr>").count();
    assert!(rows > 10, "{page}");
    let cells = page.matches("<td").count() + page.matches("<th").count();
    assert_eq!(cells - page.matches("<thead>").count(), 3 * rows, "{page}");
}

#[test]
fn table_and_markdown_reports_show_kpis_responses_and_approvals() {
    let table = solve_stdout(&["--threads", "1", "--format", "table"], &tiny("demo-eu"));
    // Column widths are presentation: compare with whitespace collapsed.
    let table = String::from_utf8(table)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        table.contains("optimal: cost 1200.00 EUR against 48518.00 EUR"),
        "{table}"
    );
    assert!(table.contains("at-risk orders 7 0"), "{table}");
    assert!(
        table.contains("7 responses: 7 protect one order"),
        "{table}"
    );
    assert!(
        table.contains("R1 net 39734.00 cost 266.00 approvals inventory requires nothing"),
        "{table}"
    );
    let md = solve_stdout(
        &["--threads", "1", "--format", "markdown"],
        &tiny("frozen-order"),
    );
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("## Proposals for scenario `"), "{md}");
    assert!(md.contains("| cost | 30090.00 | 10130.00 |"), "{md}");
    assert!(md.contains("**R1** · net benefit 19960.00 EUR"), "{md}");
    assert!(
        md.contains("- **SO-1** (priority 1): Still 10 units short."),
        "{md}"
    );
    // The head names the model and solver, or says that the rules used none.
    assert!(
        table.contains("(gap 0.00%); tight formulation, HiGHS "),
        "{table}"
    );
    let rules = solve_stdout(
        &["--formulation", "priority-rules", "--format", "table"],
        &tiny("demo-eu"),
    );
    // The head is wrapped like any prose: read it as words.
    let rules = String::from_utf8(rules)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        rules.contains("if nobody acts; the priority rules, no solver, "),
        "{rules}"
    );
    // The rules' plan that report shows passes the checker (the rules are deterministic).
    let rules_json = solve_stdout(
        &["--formulation", "priority-rules", "--format", "json"],
        &tiny("demo-eu"),
    );
    recourse()
        .arg("check")
        .arg(tiny("demo-eu"))
        .arg("-")
        .write_stdin(rules_json)
        .assert()
        .success();
}

#[test]
fn approve_reject_and_solve_again() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("proposals.json");
    let doc = solve_to(&tiny("demo-eu"), &props);
    let responses = doc["responses"].as_array().unwrap();
    let r7 = &responses[6];
    assert_eq!(r7["id"], "R7");
    // R7 moves SO-1010 to a lane it has never used: rejecting it forbids that lane.
    let new_keys: Vec<&Value> = r7["delta"]["add"]["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["node"] == "DC-LYS")
        .collect();
    assert_eq!(new_keys.len(), 1, "{r7}");

    let next = dir.path().join("next.json");
    recourse()
        .arg("apply")
        .arg(tiny("demo-eu"))
        .arg(&props)
        .args(["--approve", "R1,R2", "--reject", "R7", "-o"])
        .arg(&next)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "2 transfers and 0 expedites folded in, 1 movement forbidden",
        ))
        .stderr(predicate::str::contains("warning: rejected").not());
    let scenario = read(&next);
    assert_eq!(
        scenario["policy"]["forbid"],
        serde_json::json!([{"shipment": {"order": "SO-1010", "sku": "SKU-1", "node": "DC-LYS", "lane": "LYS-LYO-G"}}])
    );
    recourse().arg("validate").arg(&next).assert().success();

    // R5 only moves SO-1005's ship day on the route it plans: its rejection forbids
    // nothing, and says so.
    let r5 = &responses[4];
    assert_eq!(r5["id"], "R5");
    recourse()
        .arg("apply")
        .arg(tiny("demo-eu"))
        .arg(&props)
        .args(["--reject", "R5", "-o"])
        .arg(dir.path().join("r5.json"))
        .assert()
        .success()
        .stderr(predicate::str::contains("0 movements forbidden"))
        .stderr(predicate::str::contains(
            "warning: rejected R5 only changes shipments on routes the orders already plan",
        ));

    // What R1 and R2 protected is no longer at risk: the approved plan is the new baseline.
    let risk = risk_json(&next);
    let at_risk: Vec<&str> = risk["at_risk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["order"].as_str().unwrap())
        .collect();
    for r in &responses[..2] {
        for o in r["protects"].as_array().unwrap() {
            assert!(
                !at_risk.contains(&o.as_str().unwrap()),
                "{o} at risk again: {at_risk:?}"
            );
        }
    }
    assert!(risk["baseline_feasible"].as_bool().unwrap());

    // The next solve never ships SO-1010 from DC-LYS on LYS-LYO-G (the checker enforces
    // the forbid pattern too: `solve_to` checks the plan).
    let props2 = dir.path().join("proposals2.json");
    let doc2 = solve_to(&next, &props2);
    for s in doc2["plan"]["shipments"].as_array().unwrap() {
        assert!(
            !(s["order"] == "SO-1010" && s["lane"] == "LYS-LYO-G"),
            "forbidden movement proposed again: {s}"
        );
    }
    assert!(doc2["kpis"]["baseline"]["at_risk_orders"].as_u64().unwrap() < 7);
}

/// `recourse apply SCENARIO PROPOSALS ARGS -o OUT`, which must succeed and say `said`;
/// the new scenario, which must validate.
fn apply_to(scenario: &Path, props: &Path, args: &[&str], out: &Path, said: &str) -> Value {
    recourse()
        .arg("apply")
        .arg(scenario)
        .arg(props)
        .args(args)
        .arg("-o")
        .arg(out)
        .assert()
        .success()
        .stderr(predicate::str::contains(said));
    recourse().arg("validate").arg(out).assert().success();
    read(out)
}

/// An approved expedite moves its receipt's eta to the expedited one and drops both the
/// option (used) and the receipt's `inbound_delay`; a rejected expedite, and rejected
/// transfers, become forbid patterns in the order the responses add them.
#[test]
fn expedites_and_transfers_are_folded_in_or_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = tiny("inbound-expedite");
    let props = dir.path().join("p.json");
    let doc = solve_to(&scenario, &props);
    assert_eq!(
        doc["responses"][0]["delta"]["add"]["expedited_inbound"],
        serde_json::json!(["PO-1"])
    );
    let out = dir.path().join("approved.json");
    let next = apply_to(
        &scenario,
        &props,
        &["--approve", "R1"],
        &out,
        "1 expedite folded in",
    );
    assert_eq!(
        next["inbound"],
        serde_json::json!([{"id": "PO-1", "node": "DC-PAR", "sku": "SKU-1", "quantity": 50, "eta": "2026-11-30"}])
    );
    assert_eq!(next["disruptions"], serde_json::json!([]));
    let out = dir.path().join("rejected.json");
    let next = apply_to(
        &scenario,
        &props,
        &["--reject", "R1"],
        &out,
        "1 movement forbidden",
    );
    assert_eq!(
        next["policy"]["forbid"],
        serde_json::json!([{"expedite_inbound": "PO-1"}])
    );
    assert_eq!(next["inbound"], read(&scenario)["inbound"]);

    // Each response here adds a transfer, and a shipment on a route its order plans or
    // not: forbid names only the latter (SCENARIO.md section 2).
    let scenario = tiny("shared-capacity");
    let doc = solve_to(&scenario, &props);
    // (order, sku, node, lane) of a shipment or of a plan entry of order `o`.
    let route = |o: &Value, x: &Value| [o, &x["sku"], &x["node"], &x["lane"]].map(Value::clone);
    let orders = read(&scenario)["orders"].clone();
    let planned: Vec<[Value; 4]> = orders
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| {
            o["plan"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| route(&o["id"], p))
        })
        .collect();
    let mut want = Vec::new();
    for r in doc["responses"].as_array().unwrap() {
        let add = &r["delta"]["add"];
        for s in add["shipments"].as_array().unwrap() {
            if planned.contains(&route(&s["order"], s)) {
                continue;
            }
            let keys = ["order", "sku", "node", "lane"].map(|k| (k.to_owned(), s[k].clone()));
            want.push(serde_json::json!({"shipment": Value::Object(keys.into_iter().collect())}));
        }
        for t in add["transfers"].as_array().unwrap() {
            want.push(serde_json::json!({"transfer": {"lane": t["lane"], "sku": t["sku"]}}));
        }
    }
    assert_eq!(want.len(), 5, "{doc}");
    let out = dir.path().join("none.json");
    let said = "5 movements forbidden";
    let next = apply_to(&scenario, &props, &["--reject", "R1,R2,R3"], &out, said);
    assert_eq!(next["policy"]["forbid"], Value::Array(want));
}

#[test]
fn approving_everything_leaves_only_the_unresolved_orders_at_risk() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("p.json");
    let doc = solve_to(&tiny("frozen-order"), &props);
    let next = dir.path().join("next.json");
    recourse()
        .arg("apply")
        .arg(tiny("frozen-order"))
        .arg(&props)
        .args(["--approve", "all", "-o"])
        .arg(&next)
        .assert()
        .success();
    let risk = risk_json(&next);
    assert!(risk["baseline_feasible"].as_bool().unwrap());
    let at_risk: Vec<&Value> = risk["at_risk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["order"])
        .collect();
    let unresolved: Vec<&Value> = doc["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["order"])
        .collect();
    assert_eq!(at_risk, unresolved);
    // The new baseline costs what the plan cost, minus the change penalties that the new
    // plans no longer count (the approved shipments are the plans now).
    let cost = risk["kpis"]["cost"]["total"].as_f64().unwrap();
    let plan_cost = doc["kpis"]["proposed"]["cost"]["total"].as_f64().unwrap();
    let change = doc["kpis"]["proposed"]["cost"]["change"].as_f64().unwrap();
    assert!(
        (cost - (plan_cost - change)).abs() < 1e-6,
        "{cost} vs {plan_cost} - {change}"
    );
}

#[test]
fn bad_approval_sets_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("p.json");
    solve_to(&tiny("demo-eu"), &props);
    let run = |args: &[&str]| {
        recourse()
            .arg("apply")
            .arg(tiny("demo-eu"))
            .arg(&props)
            .args(args)
            .assert()
            .code(2)
            .stdout("")
    };
    run(&["--approve", "R99"]).stderr(predicate::str::contains(
        "unknown response id \"R99\"; the proposals have R1..R7",
    ));
    run(&["--approve", "R2"]).stderr(predicate::str::contains(
        "R2 requires R1, which is not approved",
    ));
    run(&["--approve", "R1", "--reject", "R1"])
        .stderr(predicate::str::contains("R1 is both approved and rejected"));
    recourse()
        .arg("apply")
        .arg(tiny("stock-loss"))
        .arg(&props)
        .args(["--approve", "R1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the proposals were made for scenario",
        ));
    recourse()
        .arg("apply")
        .arg(tiny("demo-eu"))
        .arg(tiny("demo-eu"))
        .args(["--approve", "R1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a proposals document"));
}

/// `recourse schema proposals` describes the document `solve` writes: every top-level field,
/// and what a third party needs to check an approval set (ids, requires, net benefits, deltas).
#[test]
fn the_proposals_schema_names_what_a_third_party_needs() {
    let out = recourse().args(["schema", "proposals"]).assert().success();
    let schema: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for f in [
        "format",
        "solve",
        "kpis",
        "at_risk",
        "responses",
        "unresolved",
        "baseline_plan",
        "plan",
    ] {
        assert!(props.contains_key(f), "missing {f}");
    }
    let required = schema["definitions"]["ResponseDoc"]["required"]
        .as_array()
        .unwrap();
    for f in [
        "id",
        "rank",
        "requires",
        "net_benefit",
        "cost",
        "protects",
        "approvals",
        "delta",
        "actions",
    ] {
        assert!(
            required.iter().any(|x| x == f),
            "ResponseDoc does not require {f}"
        );
    }
}

/// A scenario that does not validate is refused by `apply` the way `solve` refuses it: its
/// warnings kept, and the error count named.
#[test]
fn apply_refuses_an_invalid_scenario_with_its_warnings_and_error_count() {
    let dir = tempfile::tempdir().unwrap();
    // The scenario is refused before the proposals are read: the pinned ones do.
    let props = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/proposals/demo-eu.json");
    let mut doc = read(&tiny("demo-eu"));
    doc["inbound"][1]["eta"] = "2026-11-20".into(); // before as_of: a warning
    doc["orders"][0]["priority"] = 0.into(); // below 1: an error
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = dir.path().join("new.json");
    for cmd in ["apply", "solve"] {
        let mut c = recourse();
        c.arg(cmd).arg(&bad);
        if cmd == "apply" {
            c.arg(&props).args(["--approve", "R1"]);
        }
        c.arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("warning[eta_in_past]"))
            .stderr(predicate::str::contains("error[bad_priority]"))
            .stderr(predicate::str::contains(
                "bad.json: 1 error: the scenario cannot be used (see `recourse validate`)",
            ));
        assert!(
            !out.exists(),
            "{cmd} wrote a document for an invalid scenario"
        );
    }
}

/// A proposals document edited after `solve` wrote it is refused with exit 2 before anything
/// is written: `apply` checks that the approved deltas give a feasible plan costing the
/// baseline's cost minus the approved net benefits.
#[test]
fn an_edited_proposals_document_is_refused_with_what_does_not_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("p.json");
    let doc = solve_to(&tiny("demo-eu"), &props);
    let out = dir.path().join("new.json");
    let refuse = |edited: &Value, approve: &str, message: &str| {
        let f = dir.path().join("edited.json");
        std::fs::write(&f, serde_json::to_vec(edited).unwrap()).unwrap();
        recourse()
            .arg("apply")
            .arg(tiny("demo-eu"))
            .arg(&f)
            .args(["--approve", approve, "-o"])
            .arg(&out)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains(
                "Was the proposals document edited after `recourse solve` wrote it?",
            ));
        assert!(!out.exists());
    };
    // A response that moves shipments, with its `remove` side dropped: the order would ship
    // twice its line.
    let (i, r) = doc["responses"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, r)| {
            !r["delta"]["remove"]["shipments"]
                .as_array()
                .unwrap()
                .is_empty()
        })
        .expect("demo-eu has a response that moves shipments");
    let mut edited = doc.clone();
    edited["responses"][i]["delta"]["remove"]["shipments"] = Value::Array(vec![]);
    let order = r["delta"]["remove"]["shipments"][0]["order"]
        .as_str()
        .unwrap();
    refuse(
        &edited,
        "all",
        &format!(
            "approving all {} responses does not give what the proposals promise: the plan breaks rule 1 ({order} ships",
            doc["responses"].as_array().unwrap().len()
        ),
    );
    // A net benefit raised by 5: the responses no longer add up to what the plan saves,
    // whichever are approved.
    let responses = doc["responses"].as_array().unwrap();
    let saves: f64 = responses
        .iter()
        .map(|r| r["net_benefit"].as_f64().unwrap())
        .sum();
    let mut edited = doc.clone();
    let nb = edited["responses"][0]["net_benefit"].as_f64().unwrap();
    edited["responses"][0]["net_benefit"] = (nb + 5.0).into();
    refuse(
        &edited,
        "R2",
        &format!(
            "the proposals do not add up: their net benefits add up to {:.2}, not the {saves:.2} the plan saves",
            saves + 5.0
        ),
    );
    // And 5 taken off the last one as well: they add up, but R1 alone costs 5 more than
    // promised.
    let last = responses.len() - 1;
    let nl = edited["responses"][last]["net_benefit"].as_f64().unwrap();
    edited["responses"][last]["net_benefit"] = (nl - 5.0).into();
    let base = doc["kpis"]["baseline"]["cost"]["total"].as_f64().unwrap();
    refuse(
        &edited,
        "R1",
        &format!(
            "approving response R1 does not give what the proposals promise: the plan costs {:.2}, not the baseline's {base:.2} minus the net benefits {:.2}",
            base - nb,
            nb + 5.0
        ),
    );
    // The untouched document passes the same check.
    recourse()
        .arg("apply")
        .arg(tiny("demo-eu"))
        .arg(&props)
        .args(["--approve", "all", "-o"])
        .arg(&out)
        .assert()
        .success();
}

/// No decision is a warning when the new scenario is written, and nothing but the error
/// when the proposals do not fit the scenario (no warning about a scenario never written).
#[test]
fn an_empty_decision_warns_only_when_something_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("proposals.json");
    solve_to(&tiny("demo-eu"), &props);
    let same = dir.path().join("same.json");
    recourse()
        .arg("apply")
        .arg(tiny("demo-eu"))
        .arg(&props)
        .arg("-o")
        .arg(&same)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: nothing approved or rejected",
        ));
    let next = dir.path().join("next.json");
    recourse()
        .arg("apply")
        .arg(tiny("demo-eu"))
        .arg(&props)
        .args(["--approve", "all", "-o"])
        .arg(&next)
        .assert()
        .success();
    recourse()
        .arg("apply")
        .arg(&next)
        .arg(&props)
        .arg("-o")
        .arg(dir.path().join("never.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("another version of the scenario"))
        .stderr(predicate::str::contains("warning").not());
    assert!(!dir.path().join("never.json").exists());
}

/// A proposals document whose response ids repeat, or whose `requires` names a response
/// that is not listed before it, is refused by `apply` and `report` alike, at the path of the
/// id (a duplicate made `--approve R1` apply the second R1 silently).
#[test]
fn repeated_or_dangling_response_ids_are_refused_at_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("p.json");
    let doc = solve_to(&tiny("demo-eu"), &props);
    assert!(doc["responses"].as_array().unwrap().len() >= 4);
    let mut repeated = doc.clone();
    repeated["responses"][3]["id"] = "R1".into();
    let mut dangling = doc.clone();
    dangling["responses"][1]["requires"] = serde_json::json!(["R99"]);
    let mut later = doc.clone();
    later["responses"][1]["requires"] = serde_json::json!(["R3"]);
    for (edited, said) in [
        (
            repeated,
            r#"responses[3].id: response id "R1" is also responses[0]'s"#,
        ),
        (
            dangling,
            r#"responses[1].requires[0]: R2 requires "R99", which is not an earlier response"#,
        ),
        (
            later,
            r#"responses[1].requires[0]: R2 requires "R3", which is not an earlier response"#,
        ),
    ] {
        let f = dir.path().join("edited.json");
        std::fs::write(&f, serde_json::to_vec(&edited).unwrap()).unwrap();
        let out = dir.path().join("new.json");
        recourse()
            .arg("apply")
            .arg(tiny("demo-eu"))
            .arg(&f)
            .args(["--approve", "R1", "-o"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(said));
        recourse()
            .args(["report", "--scenario"])
            .arg(tiny("demo-eu"))
            .arg(&f)
            .arg("-o")
            .arg(dir.path().join("page.html"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(said));
        assert!(!out.exists());
    }
}

/// Proposals solved before the scenario changed where the do-nothing plan does not show it
/// (PL-LIL's stock of SKU-1 cut from 400 to 50, which the baseline does not ship from, or a
/// movement forbidden since) are refused by `report` and `apply` as made for another version
/// of the scenario; `apply` used to ask whether the proposals had been edited.
#[test]
fn proposals_for_an_earlier_version_of_the_scenario_are_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("p.json");
    solve_to(&tiny("demo-eu"), &props);
    let mut less = read(&tiny("demo-eu"));
    assert_eq!(less["stock"][0]["node"], "PL-LIL");
    assert_eq!(less["stock"][0]["on_hand"], 400);
    less["stock"][0]["on_hand"] = 50.into();
    let changed = dir.path().join("changed.json");
    std::fs::write(&changed, serde_json::to_vec(&less).unwrap()).unwrap();
    let said = "the proposals' plan breaks rule 4 (stock of SKU-1 at PL-LIL falls to -40 on \
                2026-11-27) under this scenario: the proposals were made for another version \
                of it; solve it again";
    recourse()
        .arg("apply")
        .arg(&changed)
        .arg(&props)
        .args(["--approve", "R1", "-o"])
        .arg(dir.path().join("new.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(said))
        .stderr(predicate::str::contains("edited").not());
    recourse()
        .args(["report", "--scenario"])
        .arg(&changed)
        .arg(&props)
        .arg("-o")
        .arg(dir.path().join("page.html"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(said));
    assert!(!dir.path().join("new.json").exists() && !dir.path().join("page.html").exists());
}

/// A responses digest that is not one (a typo, a cut copy) is named so, from the flag or
/// from the approvals file, not taken for proposals solved again; the right digest, in
/// capitals, still applies.
#[test]
fn a_malformed_responses_digest_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = tiny("demo-eu");
    let p = dir.path().join("p.json");
    let doc = solve_to(&scenario, &p);
    let first = doc["responses"][0]["id"].as_str().unwrap().to_owned();
    let next = dir.path().join("next.json");
    let apply = |extra: &[&str]| {
        let mut c = recourse();
        c.arg("apply")
            .arg(&scenario)
            .arg(&p)
            .args(["--approve", &first])
            .args(extra)
            .arg("-o")
            .arg(&next);
        c.assert()
    };
    apply(&["--responses-digest", "xyz"])
        .code(2)
        .stderr(predicate::str::contains(
            "error: --responses-digest \"xyz\" is not a responses digest: the planner's page writes 16 hexadecimal digits",
        ))
        .stderr(predicate::str::contains("solved again").not());
    let decisions = dir.path().join("approvals.json");
    std::fs::write(
        &decisions,
        r#"{"approve": [], "reject": [], "responses_digest": "zz"}"#,
    )
    .unwrap();
    apply(&["--decisions", decisions.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::contains(
            "approvals.json's responses_digest \"zz\" is not a responses digest",
        ));
    assert!(!next.exists());
    let docs: recourse::documents::proposals::ProposalsDoc =
        serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let digest = recourse::documents::proposals::responses_digest(&docs.responses);
    apply(&["--responses-digest", &digest.to_uppercase()]).code(0);
    // A well-formed digest of other responses is still the stale-page refusal.
    apply(&["--responses-digest", "0123456789abcdef"])
        .code(2)
        .stderr(predicate::str::contains(
            "it was solved again since the page was written",
        ));
}

/// An edited amount far beyond any plan's is echoed in exponent form, not 309 digits long.
#[test]
fn an_absurd_amount_in_edited_proposals_is_echoed_short() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = tiny("demo-eu");
    let p = dir.path().join("p.json");
    let mut doc = solve_to(&scenario, &p);
    doc["responses"][0]["net_benefit"] = serde_json::json!(1e308);
    std::fs::write(&p, doc.to_string()).unwrap();
    let out = recourse()
        .arg("apply")
        .arg(&scenario)
        .arg(&p)
        .args(["--approve", "R1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("their net benefits add up to 1e308, not the "),
        "{err}"
    );
    assert!(err.len() < 400, "{err}");
}

/// A document nested deeper than JSON's reader goes is named in the hint as what it was
/// read as, a plan, proposals or decisions document, never as a scenario.
#[test]
fn too_deep_a_document_is_named_as_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.json");
    std::fs::write(&deep, format!("{}{}", "[".repeat(200), "]".repeat(200))).unwrap();
    let proposals = dir.path().join("p.json");
    solve_to(&tiny("demo-eu"), &proposals);
    let hint = |args: &[&std::ffi::OsStr]| -> String {
        let out = recourse().args(args).assert().code(2);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(!err.contains("scenario does"), "{err}");
        err
    };
    let scenario = tiny("demo-eu");
    let plan = hint(&["check".as_ref(), scenario.as_ref(), deep.as_ref()]);
    assert!(
        plan.contains("which no plan document does: is it the right file?"),
        "{plan}"
    );
    let proposals_hint = hint(&[
        "apply".as_ref(),
        scenario.as_ref(),
        deep.as_ref(),
        "--approve".as_ref(),
        "all".as_ref(),
    ]);
    assert!(
        proposals_hint.contains("which no proposals document does"),
        "{proposals_hint}"
    );
    let decisions = hint(&[
        "apply".as_ref(),
        scenario.as_ref(),
        proposals.as_ref(),
        "--decisions".as_ref(),
        deep.as_ref(),
    ]);
    assert!(
        decisions.contains("which no decisions file does"),
        "{decisions}"
    );
}
