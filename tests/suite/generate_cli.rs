//! `recourse generate` through the real binary: same arguments, same bytes; `-o` writes the
//! file whole; what it writes is a valid scenario.

use crate::common::recourse;

#[test]
fn the_same_arguments_give_the_same_bytes_and_a_valid_scenario() {
    let args = ["generate", "--orders", "150", "--skus", "12", "--seed", "7"];
    let a = recourse().args(args).output().unwrap();
    let b = recourse().args(args).output().unwrap();
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, b.stdout);
    let c = recourse()
        .args(["generate", "--orders", "150", "--skus", "12", "--seed", "8"])
        .output()
        .unwrap();
    assert_ne!(a.stdout, c.stdout);
    recourse()
        .args(["validate", "-"])
        .write_stdin(a.stdout.clone())
        .assert()
        .code(0);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    recourse().args(args).arg("-o").arg(&out).assert().code(0);
    assert_eq!(std::fs::read(&out).unwrap(), a.stdout);
    // Nothing but the output is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn impossible_sizes_are_usage_errors() {
    recourse()
        .args(["generate", "--horizon", "0"])
        .assert()
        .code(2);
    recourse()
        .args(["generate", "--preset", "huge"])
        .assert()
        .code(2);
    recourse()
        .args(["generate", "--disruption-rate", "2"])
        .assert()
        .code(2);
    recourse()
        .args(["generate", "-o", "/nonexistent-dir/x.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot write /nonexistent-dir/x.json",
        ));
}

/// `--modes` and `--mix` reach the document: only the named disruption kinds (the heavier
/// one more often), only the named modes, still a valid scenario with orders at risk, and
/// the same bytes for the same arguments.
#[test]
fn modes_and_disruption_mix_shape_the_scenario() {
    let args = [
        "generate",
        "--orders",
        "300",
        "--seed",
        "3",
        "--modes",
        "ground",
        "--mix",
        "lane_outage=1, stock_loss=3",
    ];
    let a = recourse().args(args).output().unwrap();
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(recourse().args(args).output().unwrap().stdout, a.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let count = |kind: &str| {
        doc["disruptions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == kind)
            .count()
    };
    let (outages, losses) = (count("lane_outage"), count("stock_loss"));
    assert!(
        outages >= 1 && losses > outages,
        "{outages} outages, {losses} losses"
    );
    assert_eq!(
        outages + losses,
        doc["disruptions"].as_array().unwrap().len()
    );
    assert!(doc["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["mode"] == "ground"));
    recourse()
        .args(["validate", "-"])
        .write_stdin(a.stdout.clone())
        .assert()
        .code(0);
    let risk = recourse()
        .args(["risk", "--format", "json", "-"])
        .write_stdin(a.stdout)
        .output()
        .unwrap();
    let risk: serde_json::Value = serde_json::from_slice(&risk.stdout).unwrap();
    assert!(!risk["at_risk"].as_array().unwrap().is_empty());

    // The default generates air lanes too, which `--modes ground` removed.
    let d: serde_json::Value = serde_json::from_slice(
        &recourse()
            .args(["generate", "--orders", "300", "--seed", "3"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(d["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["mode"] == "air"));
}

#[test]
fn a_bad_mix_or_mode_is_a_usage_error_that_says_why() {
    for (args, message) in [
        (
            ["--mix", "lane_outage=1,flood=2"],
            "unknown disruption kind \"flood\"; the kinds are inbound_delay,",
        ),
        (
            ["--mix", "lane_outage"],
            "\"lane_outage\" is not KIND=WEIGHT",
        ),
        (
            ["--mix", "stock_loss=-1"],
            "the weight of stock_loss must be a number 0 or more, not \"-1\"",
        ),
        (
            ["--mix", "stock_loss=0"],
            "give at least one kind a weight above 0",
        ),
        (
            ["--mix", "stock_loss=1,stock_loss=2"],
            "stock_loss is named twice",
        ),
        (["--modes", "air"], "--modes must include ground"),
        (
            ["--modes", "ground,air,ground"],
            "--modes: ground is named twice",
        ),
        (["--modes", "ground,rail"], "--modes: unknown mode \"rail\""),
        // An unknown mode alone is that, not a mode list without ground.
        (["--modes", "sea"], "--modes: unknown mode \"sea\""),
    ] {
        recourse()
            .arg("generate")
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains(message));
    }
    let out = recourse()
        .args(["generate", "--modes", "sea"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: --modes: unknown mode \"sea\""),
        "the unknown mode is said first: {err}"
    );
}

/// Every problem of a command line is reported at once, the mix's with the sizes'.
#[test]
fn every_problem_of_a_generate_command_line_is_named_at_once() {
    recourse()
        .args([
            "generate",
            "--mix",
            "flood=1",
            "--modes",
            "air",
            "--horizon",
            "0",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "unknown disruption kind \"flood\"",
        ))
        .stderr(predicates::str::contains("--modes must include ground"))
        .stderr(predicates::str::contains(
            "--horizon must be 1..=366 days, not 0",
        ));
}

/// A mix whose kinds run out of candidates says that it missed the rate, and still writes
/// the scenario it could make.
#[test]
fn a_mix_that_cannot_reach_the_rate_says_so() {
    let out = recourse()
        .args([
            "generate",
            "--orders",
            "300",
            "--mix",
            "node_outage=1",
            "--disruption-rate",
            "0.3",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: aimed at 90 orders at risk (--disruption-rate 0.3) but reached"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["disruptions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["kind"] == "node_outage"));
}
