//! The `validate` and `schema` commands through the real binary: exit codes, golden
//! diagnostics for every file in `datasets/invalid/`, stdin, usage errors.
//!
//! Set `RECOURSE_BLESS=1` to rewrite the golden files on purpose.

use crate::common::{self, recourse};
use std::path::{Path, PathBuf};

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no .{ext} files in {dir}");
    v
}

#[test]
fn every_invalid_dataset_exits_2_with_its_golden_diagnostics() {
    let mut failures = Vec::new();
    for file in files("datasets/invalid", "json") {
        let out = recourse().arg("validate").arg(&file).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            !stderr.contains("panicked"),
            "{}: panic\n{stderr}",
            file.display()
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: exit code\n{stderr}",
            file.display()
        );
        assert!(
            out.stdout.is_empty(),
            "{}: text diagnostics belong on stderr",
            file.display()
        );
        let golden = common::root().join(file.with_extension("expected"));
        if let Err(e) = common::golden(&golden, &stderr) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_diagnostics_say_the_same_as_the_text_ones() {
    for file in files("datasets/invalid", "json") {
        let out = recourse()
            .args(["validate", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", file.display());
        let doc: recourse::base::diagnostics::DiagnosticsDoc = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| {
                panic!(
                    "{}: stdout is not a diagnostics document: {e}",
                    file.display()
                )
            });
        assert_eq!(doc.format, "recourse.diagnostics/1");
        assert!(!doc.valid);
        assert!(doc.errors >= 1);
        assert_eq!(doc.errors + doc.warnings, doc.diagnostics.len());
        let golden = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(file.with_extension("expected")),
        )
        .unwrap();
        for d in &doc.diagnostics {
            assert!(
                golden.contains(&d.to_string()),
                "{}: {d} missing from the text output",
                file.display()
            );
        }
    }
}

#[test]
fn every_tiny_dataset_is_valid() {
    for file in files("datasets/tiny", "json") {
        let out = recourse().arg("validate").arg(&file).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(0), "{}:\n{stderr}", file.display());
        assert!(stderr.contains("is valid"), "{stderr}");
    }
}

#[test]
fn reads_standard_input_with_dash() {
    let text =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny/demo-eu.json"))
            .unwrap();
    recourse()
        .args(["validate", "-"])
        .write_stdin(text)
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "standard input: scenario \"demo-eu-1\" is valid",
        ));
    recourse()
        .args(["validate", "-", "--format", "json"])
        .write_stdin("")
        .assert()
        .code(2)
        .stdout(predicates::str::contains("\"code\": \"empty_input\""));
}

#[test]
fn a_missing_file_is_bad_input_not_a_crash() {
    recourse()
        .args(["validate", "no/such/file.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read no/such/file.json"));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    recourse().assert().code(2);
    recourse().args(["frobnicate"]).assert().code(2);
    recourse()
        .args(["validate", "x.json", "--format", "yaml"])
        .assert()
        .code(2);
    recourse()
        .args(["validate", "--help"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Examples:"));
    recourse()
        .args(["--help"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Exit codes"));
    recourse()
        .args(["--version"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn schema_lists_every_top_level_field_and_rejects_unknown_ones() {
    let out = recourse().args(["schema", "scenario"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = schema["properties"].as_object().unwrap();
    let demo: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny/demo-eu.json"))
            .unwrap(),
    )
    .unwrap();
    for key in demo.as_object().unwrap().keys() {
        assert!(props.contains_key(key), "schema lacks `{key}`");
    }
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for r in ["format", "id", "as_of", "horizon_days", "skus", "nodes"] {
        assert!(required.contains(&r), "`{r}` should be required");
    }
}

/// The JSON Schema carries the ranges, patterns and the format version `validate` checks
/// field by field, so that a third party's schema validator refuses what `validate` would:
/// every bundled scenario passes it, and each invalid dataset whose fault is in one field
/// fails it. Checked with Python's `jsonschema` (Draft 7) where it is installed; said
/// skipped where it is not.
#[test]
fn the_scenario_schema_refuses_what_one_field_makes_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    let out = recourse().args(["schema", "scenario"]).output().unwrap();
    std::fs::write(&schema, &out.stdout).unwrap();
    let probe = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 with jsonschema is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    // Each has its fault in one field's value, which the schema can say.
    let one_field = [
        "absurd-quantity",
        "horizon-too-large",
        "horizon-zero",
        "lane-delay-negative",
        "max-sources-zero",
        "negative-quantities",
        "node-location",
        "non-iso-dates",
        "priority-zero",
        "wrong-format-version",
    ];
    let script = r#"
import json, sys, jsonschema
v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
for f in sys.argv[2:]:
    print(len(list(v.iter_errors(json.load(open(f))))), f)
"#;
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("tiny"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let tiny = files.len();
    files.extend(
        one_field
            .iter()
            .map(|n| root.join(format!("invalid/{n}.json"))),
    );
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: Vec<(usize, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (n, f) = l.split_once(' ').unwrap();
            (n.parse().unwrap(), f.to_owned())
        })
        .collect();
    assert_eq!(counts.len(), files.len());
    for (k, (errors, file)) in counts.iter().enumerate() {
        if k < tiny {
            assert_eq!(*errors, 0, "{file} is valid");
        } else {
            assert!(*errors > 0, "{file}: the schema should refuse it");
        }
    }
}
