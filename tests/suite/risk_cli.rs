//! `recourse risk` and `recourse check` through the real binary.

use crate::common::{recourse, written_as_printed};
use predicates::str::contains;
use recourse::documents::report::RiskDoc;

fn risk_json(file: &str) -> RiskDoc {
    let out = recourse()
        .args(["risk", "--format", "json", file])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn risk_table_names_the_orders_their_reasons_and_the_kpis() {
    recourse()
        .args(["risk", "datasets/tiny/stock-loss.json"])
        .assert()
        .code(0)
        .stdout(contains("1 of 2 orders at risk"))
        .stdout(contains("stock_loss: 30 SKU-1 lost at DC-PAR"))
        .stdout(contains("stock_taken: SKU-1 at DC-PAR went first to SO-1"))
        .stdout(contains("on-time-in-full"))
        .stdout(contains("total 8100.00"));
}

#[test]
fn risk_json_is_a_document_whose_baseline_plan_the_checker_accepts() {
    let doc = risk_json("datasets/tiny/demo-eu.json");
    assert_eq!(doc.format, "recourse.risk/1");
    assert_eq!(doc.kpis.at_risk_orders, 7);
    assert!(doc.baseline_feasible);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        serde_json::json!({ "plan": doc.baseline_plan }).to_string(),
    )
    .unwrap();
    recourse()
        .args(["check", "datasets/tiny/demo-eu.json"])
        .arg(&plan)
        .assert()
        .code(0)
        .stdout(contains("feasible"))
        .stdout(contains("total 48518.00"));
}

/// `check` takes a risk document as it is: its `baseline_plan`, named by that path in every
/// error, and refused for another scenario.
#[test]
fn check_reads_the_baseline_plan_of_a_risk_document() {
    let dir = tempfile::tempdir().unwrap();
    let risk = dir.path().join("risk.json");
    recourse()
        .args([
            "risk",
            "--format",
            "json",
            "datasets/tiny/demo-eu.json",
            "-o",
        ])
        .arg(&risk)
        .assert()
        .code(0);
    assert_eq!(
        crate::common::checked_cost("datasets/tiny/demo-eu.json", &risk),
        48518.0
    );
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&risk).unwrap()).unwrap();
    doc["baseline_plan"]["shipments"][0]["quantity"] = serde_json::json!("many");
    let wrong = dir.path().join("wrong.json");
    std::fs::write(&wrong, doc.to_string()).unwrap();
    recourse()
        .args(["check", "datasets/tiny/demo-eu.json"])
        .arg(&wrong)
        .assert()
        .code(2)
        .stderr(contains("baseline_plan.shipments[0].quantity"));
    recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&risk)
        .assert()
        .code(2)
        .stderr(contains(
            "the risk document was made for scenario \"demo-eu-1\", not \"tiny-stock-loss\"",
        ));
}

/// `-o` writes what standard output gets, the JSON document and the table alike, and
/// nothing to standard output.
#[test]
fn risk_writes_to_a_file_what_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let demo = "datasets/tiny/demo-eu.json";
    written_as_printed(&["risk", demo], dir.path());
    let json = written_as_printed(&["risk", "--format", "json", demo], dir.path());
    let doc: RiskDoc = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc.kpis.at_risk_orders, 7);
}

/// Without `--format`, `-o r.json` is the risk document, not a table under a JSON name;
/// any other name is the table; an explicit `--format` wins.
#[test]
fn risk_to_a_json_name_writes_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let demo = "datasets/tiny/demo-eu.json";
    let written = |name: &str, format: &[&str]| {
        let path = dir.path().join(name);
        recourse()
            .args(["risk", demo, "-o"])
            .arg(&path)
            .args(format)
            .assert()
            .code(0);
        std::fs::read(&path).unwrap()
    };
    let doc: RiskDoc = serde_json::from_slice(&written("r.json", &[])).unwrap();
    assert_eq!(doc.kpis.at_risk_orders, 7);
    // Its baseline plan is one the checker accepts, at the cost the document gives it.
    let cost = crate::common::checked_cost(demo, &dir.path().join("r.json"));
    assert!((cost - doc.kpis.cost.total).abs() <= 1e-6 * cost.max(1.0));
    assert_eq!(written("R.JSON", &[]), written("x", &["--format", "json"]));
    let table = written("r.txt", &[]);
    assert!(table.starts_with(b"Scenario demo-eu-1 as of 2026-11-27"));
    assert_eq!(table, written("r.json", &["--format", "table"]));
}

#[test]
fn check_exits_1_with_the_broken_rules() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    // 500 units from a DC that has 100: the stock balance goes negative.
    std::fs::write(
        &plan,
        r#"{"shipments": [{"order": "SO-1", "sku": "SKU-1", "node": "DC-PAR", "lane": "PAR-LYO-G",
             "ship": "2026-11-30", "quantity": 500}]}"#,
    )
    .unwrap();
    let out = recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("infeasible: 2 violations"), "{text}");
    assert!(text.contains("rule 1"), "the order line is 40: {text}");
    assert!(text.contains("rule 4"), "the stock goes negative: {text}");

    let out = recourse()
        .args(["check", "--format", "json", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: recourse::documents::report::CheckDoc = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!doc.feasible);
    assert!(doc.violations.iter().any(|v| v.rule == 4));
}

#[test]
fn check_refuses_a_plan_that_names_unknown_things_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"plan": {"shipments": [{"order": "SO-404", "sku": "SKU-1", "node": "DC-PAR", "lane": null,
             "ship": "2026-11-30", "quantity": 1}], "transfers": [], "expedited_inbound": ["PO-9"]}}"#,
    )
    .unwrap();
    recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(contains(
            "plan.shipments[0].order: unknown order \"SO-404\"",
        ))
        .stderr(contains(
            "plan.expedited_inbound[0]: unknown inbound \"PO-9\"",
        ))
        .stderr(contains("the plan must name an order of scenario"));
    // A proposals document made for another scenario: that, in one line, not an unknown
    // reference for each of its entries.
    let err = refused_plan(
        r#"{"format": "recourse.proposals/1", "scenario": "demo-eu-1", "plan": {"shipments": [{"order": "SO-404", "sku": "SKU-1", "node": "DC-PAR", "lane": null,
             "ship": "2026-11-30", "quantity": 1}]}}"#,
    );
    assert!(
        err.contains("the proposals were made for scenario \"demo-eu-1\", not \"tiny-stock-loss\""),
        "{err}"
    );
    assert!(!err.contains("unknown order"), "{err}");
    // A wrong type in a plan points at the schema that has the plan's types.
    std::fs::write(
        &plan,
        r#"{"shipments": [{"order": "SO-1", "sku": "SKU-1", "node": "DC-PAR", "lane": null,
             "ship": "2026-11-30", "quantity": "60"}]}"#,
    )
    .unwrap();
    recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(contains("see `recourse schema proposals`"));
    std::fs::write(&plan, "[1, 2").unwrap();
    recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(contains("malformed JSON"));
    recourse()
        .args(["check", "datasets/invalid/self-loop-lane.json"])
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(contains("self_loop_lane"));
}

/// A bare plan is the document itself: an unknown reference in it is named at
/// `shipments[0].order`, as a wrong type in it is, not at `.shipments[0].order`.
#[test]
fn check_names_a_bare_plans_unknown_references_from_the_documents_top() {
    let err = refused_plan(
        r#"{"shipments": [{"order": "SO-404", "sku": "SKU-1", "node": "DC-PAR", "lane": null,
             "ship": "2026-11-30", "quantity": 1}], "transfers": [], "expedited_inbound": ["PO-9"]}"#,
    );
    assert!(
        err.contains("error[unknown_reference]: shipments[0].order: unknown order \"SO-404\""),
        "{err}"
    );
    assert!(
        err.contains("error[unknown_reference]: expedited_inbound[0]: unknown inbound \"PO-9\""),
        "{err}"
    );
    assert!(
        !err.contains(": .shipments") && !err.contains(": .expedited"),
        "{err}"
    );
}

/// A plan with several wrong entries names each one in one run, at its index, with the
/// wrong fields of one entry each named, not only the first the reader met.
#[test]
fn check_names_every_wrong_entry_of_a_plan_in_one_run() {
    let err = refused_plan(
        r#"{"plan": {"shipments": [
             {"order": "SO-1", "sku": "SKU-1", "node": "DC-PAR", "lane": "PAR-LYO-G", "ship": "2026-11-30", "quantity": "40"},
             {"order": "SO-1", "sku": "SKU-1", "node": "DC-PAR", "lane": "PAR-LYO-G", "ship": "2026-11-30", "quantity": 1},
             {"order": "SO-1", "sku": "SKU-1", "node": "DC-PAR", "lane": "PAR-LYO-G", "ship": 3, "qty": 1, "quantity": 1}],
           "transfers": [7], "expedited_inbound": []}}"#,
    );
    let found: Vec<String> = err
        .lines()
        .filter(|l| l.starts_with("error["))
        .map(|l| l.splitn(3, ": ").take(2).collect::<Vec<_>>().join(": "))
        .collect();
    assert_eq!(
        found,
        [
            "error[wrong_type]: plan.shipments[0].quantity",
            "error[unknown_field]: plan.shipments[2].qty",
            "error[wrong_type]: plan.shipments[2].ship",
            "error[wrong_type]: plan.transfers[0]",
        ],
        "{err}"
    );
    assert!(err.ends_with("the plan cannot be read\n"), "{err}");
}

/// `recourse check` of the tiny stock-loss scenario against the plan document `plan`,
/// refused as bad input (exit 2): what it wrote on stderr.
fn refused_plan(plan: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::write(&file, plan).unwrap();
    let out = recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A plan's dates are read as the scenario's are: a day the calendar lacks is named so,
/// and a long text is cut in the message, not echoed whole.
#[test]
fn check_names_a_plan_date_the_calendar_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let with_ship = |ship: &str| {
        format!(
            r#"{{"shipments": [{{"order": "SO-1", "sku": "SKU-1", "node": "DC-PAR", "lane": "PAR-LYO-G",
             "ship": "{ship}", "quantity": 5}}]}}"#
        )
    };
    std::fs::write(&plan, with_ship("2026-02-30")).unwrap();
    recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(contains(
            r#"shipments[0].ship: "2026-02-30" is not a calendar date"#,
        ))
        .stderr(contains("check the month and the day of the month"));
    std::fs::write(&plan, with_ship(&"7".repeat(5000))).unwrap();
    let out = recourse()
        .args(["check", "datasets/tiny/stock-loss.json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is not an ISO date") && err.len() < 400,
        "{err}"
    );
}

/// A receipt expedited twice is charged once (a set), and lists beside `plan` are not
/// judged: `check` says both, and judges the document as it would without them.
#[test]
fn check_warns_of_what_it_reads_otherwise_than_written() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, text: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        recourse()
            .args(["check", "--format", "json", "datasets/tiny/demo-eu.json"])
            .arg(&file)
            .output()
            .unwrap()
    };
    let once = check(
        "once.json",
        r#"{"plan": {"expedited_inbound": ["PO-101"]}}"#,
    );
    let twice = check(
        "twice.json",
        r#"{"plan": {"expedited_inbound": ["PO-101", "PO-101"]},
            "shipments": [], "expedited_inbound": ["PO-101"]}"#,
    );
    assert_eq!(once.status.code(), twice.status.code());
    assert_eq!(
        once.stdout, twice.stdout,
        "judged as the plan with the receipt once"
    );
    let report: serde_json::Value = serde_json::from_slice(&once.stdout).unwrap();
    assert_eq!(
        report["cost"]["expedite"],
        serde_json::json!(250.0),
        "{report}"
    );
    assert!(!String::from_utf8_lossy(&once.stderr).contains("warning"));
    let err = String::from_utf8(twice.stderr).unwrap();
    for line in [
        r#"warning[expedited_twice]: plan.expedited_inbound[1]: receipt "PO-101" is listed at plan.expedited_inbound[0] too"#,
        "warning[not_read]: shipments: `shipments` beside `plan` is not read",
        "warning[not_read]: expedited_inbound: `expedited_inbound` beside `plan` is not read",
    ] {
        assert!(err.contains(line), "{line}\nnot in\n{err}");
    }
    assert!(!err.contains("transfers"), "{err}");
}
