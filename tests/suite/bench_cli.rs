//! `recourse bench` and `recourse solve --formulation priority-rules` through the real
//! binary, on tiny datasets whose optima are known (`tests/suite/solve_tiny.rs`).

use crate::common::{checked_cost, recourse};

use crate::common::tiny_path as dataset;

/// `recourse bench --format json` on tiny datasets, one thread, with `extra` options.
fn bench_json(names: &[&str], extra: &[&str]) -> serde_json::Value {
    let out = recourse()
        .arg("bench")
        .args(names.iter().map(|n| dataset(n)))
        .args(["--threads", "1", "--format", "json"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn json_rows_carry_the_known_optima_and_the_checkers_verdict() {
    let doc = bench_json(&["stock-loss", "max-sources"], &[]);
    assert_eq!(doc["format"], "recourse.bench/1");
    let rows = doc["rows"].as_array().unwrap();
    let row = |scenario: &str, f: &str| {
        rows.iter()
            .find(|r| r["dataset"].as_str().unwrap().ends_with(scenario) && r["formulation"] == f)
            .unwrap_or_else(|| panic!("no row for {scenario} / {f}"))
            .clone()
    };
    // Hand-derived: stock-loss optimum 140 against a baseline of 8100; max-sources 100
    // against 4050, where the rules cannot improve (they keep the baseline).
    let te = row("stock-loss.json", "time-expanded");
    assert_eq!(te["status"], "optimal");
    assert_eq!(te["objective"], 140.0);
    assert_eq!(te["bound"], 140.0);
    assert_eq!(te["checker"], "feasible");
    assert_eq!(te["baseline"], 8100.0);
    assert_eq!(te["saving"], 7960.0);
    assert!(te["rows"].as_u64().unwrap() > 0);
    assert!(te["lp_bound"].as_f64().unwrap() <= 140.0 + 1e-6);

    let te = row("max-sources.json", "time-expanded");
    assert_eq!(te["objective"], 100.0);
    assert_eq!(te["checker"], "feasible");
    let pr = row("max-sources.json", "priority-rules");
    assert_eq!(pr["status"], "feasible");
    assert_eq!(pr["limit"], "heuristic");
    assert_eq!(pr["objective"], 4050.0);
    assert_eq!(pr["saving"], 0.0);
    assert_eq!(pr["checker"], "feasible");
    for empty in [
        "rows", "columns", "nonzeros", "bound", "gap", "lp_bound", "build_s",
    ] {
        assert!(pr[empty].is_null(), "{empty}: {}", pr[empty]);
    }
}

/// `-o` writes the rows to a file and nothing to standard output; a dataset is never
/// the output.
#[test]
fn bench_writes_its_rows_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rows.csv");
    recourse()
        .arg("bench")
        .arg(dataset("demand-surge"))
        .args(["--formulation", "priority-rules", "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let header: Vec<&str> = lines[0].split(',').collect();
    let objective = header.iter().position(|h| *h == "objective").unwrap();
    assert_eq!(lines[1].split(',').nth(objective), Some("315"), "{text}");
    let copy = dir.path().join("demand-surge.json");
    std::fs::copy(dataset("demand-surge"), &copy).unwrap();
    recourse()
        .arg("bench")
        .arg(&copy)
        .arg("-o")
        .arg(&copy)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "writing it would replace the input",
        ));
}

#[test]
fn csv_has_a_header_and_one_line_per_run() {
    let out = recourse()
        .arg("bench")
        .arg(dataset("demand-surge"))
        .args([
            "--formulation",
            "time-expanded,priority-rules",
            "--threads",
            "1",
        ])
        .args(["--format", "csv", "--no-lp-bound"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in &lines[1..] {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), header.len(), "{line}");
        // Both reach the hand-derived optimum of demand-surge (315).
        assert_eq!(f[col("objective")], "315", "{line}");
        assert_eq!(f[col("checker")], "feasible");
        assert_eq!(f[col("baseline")], "30060");
        assert_eq!(f[col("lp_bound")], "");
    }
    assert_eq!(
        lines[2].split(',').nth(col("formulation")),
        Some("priority-rules")
    );
    assert_eq!(lines[2].split(',').nth(col("rows")), Some(""));
}

#[test]
fn an_unknown_formulation_is_bad_usage_before_anything_runs() {
    recourse()
        .arg("bench")
        .arg(dataset("demand-surge"))
        .args(["--formulation", "time-expanded,nope"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "unknown formulation \"nope\"; known: time-expanded",
        ))
        .stderr(predicates::str::contains("priority-rules"));
    // `export` lists only what builds a model: the rules build none.
    let out = recourse()
        .arg("export")
        .arg(dataset("demand-surge"))
        .args(["--formulation", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown formulation \"nope\"; known: time-expanded")
            && !err.contains("priority-rules"),
        "{err}"
    );
}

/// A formulation named twice runs once per dataset.
#[test]
fn a_formulation_named_twice_is_one_row() {
    let doc = bench_json(
        &["demand-surge"],
        &["--formulation", "priority-rules,tight,priority-rules"],
    );
    let rows = doc["rows"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["formulation"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["priority-rules", "tight"]);
    // Each row's plan went through the checker.
    assert!(rows.iter().all(|r| r["checker"] == "feasible"), "{doc}");
}

#[test]
fn solve_with_priority_rules_writes_the_rules_plan_without_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rules.json");
    recourse()
        .args(["solve", "--formulation", "priority-rules", "-o"])
        .arg(&out)
        .arg(dataset("demand-surge"))
        .assert()
        .success();
    assert_eq!(checked_cost(dataset("demand-surge"), &out), 315.0);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let solve = &doc["solve"];
    assert_eq!(solve["status"], "feasible");
    assert_eq!(solve["limit"], "heuristic");
    assert_eq!(solve["formulation"], "priority-rules");
    assert_eq!(solve["objective"], 315.0);
    assert!(solve["bound"].is_null() && solve["gap"].is_null());
    assert_eq!(doc["kpis"]["proposed"]["cost"]["total"], 315.0);
    // SO-URG-1 takes 20 of SO-1's 40 on d3 (2026-11-30); SO-1 ships those 20 on d5.
    let shipments = doc["plan"]["shipments"].as_array().unwrap();
    let has = |order: &str, ship: &str, q: f64| {
        shipments
            .iter()
            .any(|s| s["order"] == order && s["ship"] == ship && s["quantity"] == q)
    };
    assert!(has("SO-URG-1", "2026-11-30", 30.0), "{shipments:?}");
    assert!(has("SO-1", "2026-11-30", 20.0), "{shipments:?}");
    assert!(has("SO-1", "2026-12-02", 20.0), "{shipments:?}");
}

/// With the LP-guided search on, `lp_bound` comes from the search (its pricing converges
/// on tiny models) instead of a second LP solve: the same optimum either way.
#[test]
fn the_guided_search_reports_the_same_lp_bound() {
    let lp_bounds = |guide: &str| -> Vec<f64> {
        let doc = bench_json(
            &["demo-eu", "lane-capacity-fixed-cost"],
            &["--formulation", "tight", "--guide", guide],
        );
        let rows = doc["rows"].as_array().unwrap();
        // Every plan the runs emitted passed the checker.
        assert!(rows.iter().all(|r| r["checker"] == "feasible"), "{rows:?}");
        rows.iter()
            .map(|r| r["lp_bound"].as_f64().expect("an LP bound"))
            .collect()
    };
    let (on, off) = (lp_bounds("on"), lp_bounds("off"));
    assert_eq!(on.len(), 2);
    for (a, b) in on.iter().zip(&off) {
        assert!(
            (a - b).abs() <= 1e-6 * b.abs().max(1.0),
            "guided {a}, LP {b}"
        );
    }
}

/// Without `--format`, `-o`'s name says what to write, as for `solve` and `risk`: a
/// `.csv` name gets the CSV rows, a `.json` name the document, any other name the table;
/// an explicit `--format` wins.
#[test]
fn bench_writes_what_the_output_name_says() {
    let dir = tempfile::tempdir().unwrap();
    let bench_to = |name: &str, extra: &[&str]| -> String {
        let out = dir.path().join(name);
        recourse()
            .arg("bench")
            .arg(dataset("demand-surge"))
            .args(["--formulation", "priority-rules", "-o"])
            .arg(&out)
            .args(extra)
            .assert()
            .success()
            .stdout("");
        std::fs::read_to_string(&out).unwrap()
    };
    let csv = bench_to("rows.CSV", &[]);
    assert!(csv.starts_with("dataset,scenario,formulation,"), "{csv}");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    let json: serde_json::Value = serde_json::from_str(&bench_to("rows.json", &[])).unwrap();
    assert_eq!(json["format"], "recourse.bench/1");
    let table = bench_to("rows.txt", &[]);
    assert!(
        table.starts_with("DATASET ") && !table.contains(','),
        "{table}"
    );
    let forced = bench_to("forced.csv", &["--format", "table"]);
    assert!(
        forced.starts_with("DATASET ") && !forced.contains(','),
        "{forced}"
    );
}
