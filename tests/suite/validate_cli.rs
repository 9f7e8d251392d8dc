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

/// `schema -o` writes to a file what it prints, and nothing to standard output.
#[test]
fn schema_writes_to_a_file_what_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    for document in ["scenario", "proposals"] {
        let schema = common::written_as_printed(&["schema", document], dir.path());
        assert!(serde_json::from_slice::<serde_json::Value>(&schema).is_ok());
    }
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
/// every bundled scenario passes it, and so does one with whole numbers written `1.0`
/// (which `validate` accepts), and each invalid dataset whose fault is in one field fails
/// it, and so does one with a fraction in each whole-number field. Checked with Python's `jsonschema` (Draft 7) where it is installed; said
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
    files.push(demo_edited(dir.path(), "whole.json", whole_with_a_point));
    let tiny = files.len();
    files.extend(
        one_field
            .iter()
            .map(|n| root.join(format!("invalid/{n}.json"))),
    );
    files.push(demo_edited(dir.path(), "fractions.json", fractions));
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

/// The demo scenario with `edit` applied to its JSON text, written as `name` in `dir`.
fn demo_edited(dir: &Path, name: &str, edit: impl Fn(&mut serde_json::Value)) -> PathBuf {
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::tiny_path("demo-eu")).unwrap()).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

/// `validate`'s exit code and the lines of its standard error that start a diagnostic or
/// give a hint.
fn validate_problems(file: &Path) -> (i32, Vec<String>) {
    let out = recourse().arg("validate").arg(file).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines = stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning") || l.starts_with("  hint"))
        .map(str::to_owned)
        .collect();
    (out.status.code().unwrap(), lines)
}

/// The whole-number fields, which `recourse schema scenario` declares `"type": "integer"`,
/// given with a point or an exponent: `1.0` is 1, in JSON Schema (draft 7) as in every
/// JSON reader.
fn whole_with_a_point(doc: &mut serde_json::Value) {
    doc["horizon_days"] = serde_json::json!(14.0);
    doc["lanes"][0]["lead_time_days"] = serde_json::json!(1.0);
    doc["orders"][0]["priority"] = serde_json::json!(1.0);
    doc["orders"][0]["max_sources"] = serde_json::json!(2.0);
    doc["disruptions"][2]["extra_days"] = serde_json::json!(2.0);
    doc["policy"]["threads"] = serde_json::json!(1.0);
    doc["policy"]["priority_penalties"] = serde_json::json!([
        {"priority": 1.0, "late_per_unit_day": 50, "short_per_unit": 1000},
        {"priority": 2e0, "late_per_unit_day": 20, "short_per_unit": 400}
    ]);
}

/// The same fields with a fraction each: a whole-number field refuses it.
fn fractions(doc: &mut serde_json::Value) {
    doc["horizon_days"] = serde_json::json!(14.5);
    doc["lanes"][0]["lead_time_days"] = serde_json::json!(1.5);
    doc["orders"][0]["priority"] = serde_json::json!(1.5);
    doc["orders"][1]["max_sources"] = serde_json::json!(2.5);
    doc["disruptions"][2]["extra_days"] = serde_json::json!(0.5);
    doc["policy"]["threads"] = serde_json::json!(1.5);
}

#[test]
fn whole_numbers_written_with_a_point_or_an_exponent_are_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let file = demo_edited(tmp.path(), "whole.json", whole_with_a_point);
    // An exponent too, which serde_json never writes: 1.4e1 is 14.
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "\"horizon_days\": 14.0",
        "\"horizon_days\": 1.4e1",
        1,
    );
    assert!(text.contains("1.4e1") && text.contains("\"extra_days\": 2.0"));
    std::fs::write(&file, &text).unwrap();
    let (code, problems) = validate_problems(&file);
    assert_eq!((code, problems), (0, Vec::<String>::new()));
    // Read as the same numbers: the document equals the demo with those fields set.
    let (doc, _) = recourse::scenario::parse_scenario(text.as_bytes()).unwrap();
    let mut want = common::tiny_doc("demo-eu");
    want.orders[0].max_sources = Some(2);
    want.policy.threads = Some(1);
    want.policy.priority_penalties = doc.policy.priority_penalties.clone();
    assert_eq!(doc, want);
    let priorities: Vec<i64> = doc
        .policy
        .priority_penalties
        .unwrap()
        .iter()
        .map(|p| p.priority)
        .collect();
    assert_eq!(priorities, [1, 2]);

    // A fraction is refused at its field's full path, inside a disruption too, and said
    // to be what it is, not "out of range".
    let file = demo_edited(tmp.path(), "fractions.json", fractions);
    let (code, problems) = validate_problems(&file);
    let hint = "  hint: see `recourse schema scenario` for the type of every field";
    assert_eq!(code, 2);
    assert_eq!(
        problems,
        [
            "error[wrong_type]: disruptions[2].extra_days: 0.5 is not whole; expected a whole number",
            "  hint: extra_days is a whole number of days, 0..=1464 (a lane closed for longer is a lane_outage)",
            "error[wrong_type]: horizon_days: 14.5 is not whole; expected a whole number",
            "  hint: horizon_days is a whole number of days, 1..=366; 14 to 28 is usual for order promising",
            "error[wrong_type]: lanes[0].lead_time_days: 1.5 is not whole; expected a whole number",
            "  hint: lead_time_days is a whole number of days, 0..=1464",
            "error[wrong_type]: orders[0].priority: 1.5 is not whole; expected a whole number",
            hint,
            "error[wrong_type]: orders[1].max_sources: 2.5 is not whole; expected a whole number",
            hint,
            "error[wrong_type]: policy.threads: 1.5 is not whole; expected a whole number",
            "  hint: threads is a whole number, 0..=1024 (0: all cores)",
        ]
    );
}

/// A value outside its field's range is refused with the range, both ends, so that the
/// message says what to write.
#[test]
fn range_errors_name_the_range() {
    let tmp = tempfile::tempdir().unwrap();
    let file = demo_edited(tmp.path(), "ranges.json", |doc| {
        doc["lanes"][0]["lead_time_days"] = serde_json::json!(1_000_000);
        doc["lanes"][1]["lead_time_days"] = serde_json::json!(-1);
        doc["disruptions"][2]["extra_days"] = serde_json::json!(1_000_000);
        doc["policy"]["time_limit_s"] = serde_json::json!(1e8);
        doc["policy"]["mip_gap"] = serde_json::json!(1e300);
    });
    let (code, problems) = validate_problems(&file);
    assert_eq!(code, 2);
    assert_eq!(
        problems,
        [
            "error[bad_lead_time]: lanes[0].lead_time_days: lead_time_days is 1000000, outside 0..=1464",
            "  hint: give the transit time in days, 0 for same-day delivery",
            "error[bad_lead_time]: lanes[1].lead_time_days: lead_time_days is -1, outside 0..=1464",
            "  hint: give the transit time in days, 0 for same-day delivery",
            "error[bad_extra_days]: disruptions[2].extra_days: extra_days is 1000000, outside 0..=1464",
            "  hint: give the delay in whole days; a lane closed for longer is a lane_outage",
            "error[bad_time_limit]: policy.time_limit_s: time_limit_s is 100000000; expected above 0 and at most 1e7 seconds",
            "  hint: give the seconds a solve may take, reading and writing included, e.g. 30",
            "error[bad_mip_gap]: policy.mip_gap: mip_gap is 1e300, outside 0..=1",
            "  hint: a relative gap such as 0.0001 (0.01 %)",
        ]
    );
}

/// Every command runs without transparent huge pages (`main`): with them the kernel
/// compacted memory at page faults, and a worker's `load` waited up to 0.65 s on it. The
/// kernel says so in the process's status, read here while `validate -` waits for its
/// input (polled until `main` has run, for at most 10 s).
#[test]
fn commands_run_without_transparent_huge_pages() {
    use std::io::Write;
    use std::process::Stdio;
    if !common::kernel_reports_thp() {
        eprintln!("skipped: this kernel does not report THP_enabled");
        return;
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
        .args(["validate", "-"])
        .current_dir(common::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut seen = common::thp_enabled(child.id());
    while seen.as_deref() != Some("0") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        seen = common::thp_enabled(child.id());
    }
    let scenario = std::fs::read(common::tiny_path("demo-eu")).unwrap();
    child.stdin.take().unwrap().write_all(&scenario).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        seen.as_deref(),
        Some("0"),
        "THP_enabled of `recourse validate -`"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
