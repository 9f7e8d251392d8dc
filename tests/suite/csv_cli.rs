//! Scenarios as CSV files (`recourse export csv`, `recourse import csv`): every dataset and
//! generated preset comes back equal; spreadsheet habits (a byte-order mark, CRLF, `;` with
//! decimal commas, quoted and padded cells, blank lines) read as meant; broken files exit 2
//! with every problem at `file:line:column`, and nothing is written.

use crate::common;

use recourse::scenario::sheets::{import_dir, import_files, read_dir, write_files};
use recourse::scenario::wire::ScenarioDoc;
use recourse::tools::generate::{generate, GenerateConfig};
use std::path::Path;

fn write(dir: &Path, doc: &ScenarioDoc) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in write_files(doc) {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn round_trip(doc: &ScenarioDoc, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), doc);
    let back = read_dir(dir.path(), None).unwrap_or_else(|d| panic!("{what}:\n{d}"));
    assert!(back.problems.items.is_empty(), "{what}:\n{}", back.problems);
    assert!(back.doc == *doc, "{what}: the document read back differs");
}

#[test]
fn every_tiny_dataset_and_every_preset_comes_back_equal() {
    for name in common::TINY {
        round_trip(&common::tiny_doc(name), name);
    }
    for preset in ["small", "medium"] {
        for seed in [1, 2] {
            let cfg = GenerateConfig {
                seed,
                ..GenerateConfig::preset(preset).unwrap()
            };
            round_trip(&generate(&cfg), &format!("{preset} seed {seed}"));
        }
    }
}

#[test]
fn random_scenarios_come_back_equal() {
    // Frozen orders, forbid patterns, priority penalties and every disruption kind occur
    // among these seeds.
    for seed in 0..200 {
        round_trip(&common::scenario_from_seed(seed), &format!("seed {seed}"));
    }
}

/// The CLI both ways: `export csv` then `import csv` gives back the same JSON document.
#[test]
fn the_cli_exports_and_imports_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let demo = common::tiny_path("demo-eu");
    common::recourse()
        .args(["export", "csv"])
        .arg(&demo)
        .arg("-o")
        .arg(&dir)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "disruptions.csv",
            "forbid.csv",
            "inbound.csv",
            "lanes.csv",
            "nodes.csv",
            "order_lines.csv",
            "orders.csv",
            "planned_shipments.csv",
            "policy.csv",
            "scenario.csv",
            "skus.csv",
            "stock.csv"
        ]
    );
    let out = tmp.path().join("back.json");
    common::recourse()
        .args(["import", "csv"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let a: serde_json::Value = serde_json::from_slice(&std::fs::read(&demo).unwrap()).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let a: ScenarioDoc = serde_json::from_value(a).unwrap();
    let b: ScenarioDoc = serde_json::from_value(b).unwrap();
    assert!(a == b);
    // A second export into the same, now full, directory is refused and changes nothing.
    let before = std::fs::read(dir.join("orders.csv")).unwrap();
    common::recourse()
        .args(["export", "csv"])
        .arg(&demo)
        .arg("-o")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not empty"));
    assert_eq!(std::fs::read(dir.join("orders.csv")).unwrap(), before);
    // `export csv` without its scenario says what is missing, not that a file called csv
    // cannot be read.
    common::recourse()
        .args(["export", "csv", "-o"])
        .arg(tmp.path().join("none"))
        .current_dir(tmp.path())
        .assert()
        .code(2)
        .stderr("error: export csv needs the scenario file: recourse export csv SCENARIO -o DIR\n");
    assert!(!tmp.path().join("none").exists());
}

/// `export csv -o` under a missing directory names that directory, as `-o` for a file
/// does, and says so before reading the scenario (which here does not exist either).
#[test]
fn export_csv_under_a_missing_directory_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    let out = common::recourse()
        .args(["export", "csv"])
        .arg(tmp.path().join("no-scenario.json"))
        .arg("-o")
        .arg(missing.join("tables"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "cannot create a directory in {} (",
            missing.display()
        )),
        "{err}"
    );
    assert!(err.contains("must exist and take new directories"), "{err}");
    let first = format!("; {} does not exist)", missing.display());
    assert!(err.contains(&first), "{err}");
    assert!(
        !err.contains("no-scenario.json"),
        "the output is checked first: {err}"
    );
    assert!(!missing.exists());
}

/// A cell `-0` (or `-0.0`) is 0 in the scenario written, not `-0.0`.
#[test]
fn a_negative_zero_cell_is_written_as_0() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    common::recourse()
        .args(["export", "csv"])
        .arg(common::tiny_path("demo-eu"))
        .arg("-o")
        .arg(&dir)
        .assert()
        .success();
    let lanes = dir.join("lanes.csv");
    let text = std::fs::read_to_string(&lanes).unwrap();
    let edited = text.replacen(
        "LIL-PAR-G,PL-LIL,DC-PAR,ground,1,0.4,150,",
        "LIL-PAR-G,PL-LIL,DC-PAR,ground,1,-0,-0.0,",
        1,
    );
    assert_ne!(edited, text, "the demo's first lane changed: {text}");
    std::fs::write(&lanes, edited).unwrap();
    let out = common::recourse()
        .args(["import", "csv"])
        .arg(&dir)
        .assert()
        .success();
    let json = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!json.contains(": -0"), "{json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lane = doc["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "LIL-PAR-G")
        .unwrap();
    for field in ["cost_per_unit", "fixed_cost_per_day"] {
        let v = lane[field].as_f64().unwrap();
        assert!(v == 0.0 && v.is_sign_positive(), "{field}: {lane}");
    }
}

/// `import csv -` is refused as what it is (standard input is no directory), with the
/// fix, rather than looked for as a directory named `-`; `./-` still names one.
#[test]
fn import_csv_of_standard_input_is_refused_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::recourse()
        .args(["import", "csv", "-"])
        .current_dir(tmp.path())
        .write_stdin("id,as_of\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.starts_with("error: import csv reads a directory of CSV files, and - (standard input) cannot be one"),
        "{err}"
    );
    assert!(
        err.contains("name the directory that holds scenario.csv"),
        "{err}"
    );
    assert!(!err.contains("No such file"), "{err}");
    common::recourse()
        .args(["export", "csv"])
        .arg(common::tiny_path("demo-eu"))
        .args(["-o", "./-"])
        .current_dir(tmp.path())
        .assert()
        .success();
    common::recourse()
        .args(["import", "csv", "./-"])
        .current_dir(tmp.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("recourse.scenario/1"));
}

/// Every number of a JSON document, with its path.
fn numbers(v: &serde_json::Value, path: String, out: &mut Vec<(String, serde_json::Number)>) {
    match v {
        serde_json::Value::Number(n) => out.push((path, n.clone())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numbers(x, format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                numbers(x, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// `import csv` writes a whole number as people do (`"on_hand": 400`, not `400.0`), so the
/// document diffs cleanly against a hand-written one; the values are the same.
#[test]
fn import_writes_whole_numbers_without_a_point() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    write(&dir, &common::tiny_doc("demo-eu"));
    let out = tmp.path().join("back.json");
    common::recourse()
        .args(["import", "csv"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        ["}", ",", "\n"]
            .iter()
            .any(|end| text.contains(&format!("\"on_hand\": 400{end}"))),
        "{text}"
    );
    let mut found = Vec::new();
    numbers(
        &serde_json::from_str(&text).unwrap(),
        String::new(),
        &mut found,
    );
    let whole_floats: Vec<&String> = found
        .iter()
        .filter(|(_, n)| n.as_f64().is_some_and(|x| x.fract() == 0.0) && n.is_f64())
        .map(|(p, _)| p)
        .collect();
    assert!(whole_floats.is_empty(), "written with .0: {whole_floats:?}");
    assert!(found.iter().any(|(_, n)| n.is_f64()), "fractions stay: 0.4");
    let back: ScenarioDoc = serde_json::from_str(&text).unwrap();
    assert!(back == common::tiny_doc("demo-eu"));
    // `generate` and `apply` write scenarios through the same writer.
    let generated = common::recourse()
        .args(["generate", "--orders", "20"])
        .output()
        .unwrap();
    let mut found = Vec::new();
    numbers(
        &serde_json::from_slice(&generated.stdout).unwrap(),
        String::new(),
        &mut found,
    );
    assert!(
        !found
            .iter()
            .any(|(_, n)| n.is_f64() && n.as_f64().unwrap().fract() == 0.0),
        "generate wrote a whole number with .0"
    );
}

/// The demo, rewritten as a spreadsheet in a `;` locale saves it: a byte-order mark, CRLF,
/// `;` separators, decimal commas, quoted cells, padded cells and blank lines.
#[test]
fn a_spreadsheet_in_a_semicolon_locale_reads_as_meant() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = common::tiny_doc("demo-eu");
    for (name, text) in write_files(&doc) {
        let mut rows = Vec::new();
        for line in text.lines() {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            let cells: Vec<String> = rec
                .iter()
                .map(|c| {
                    if c.parse::<f64>().is_ok() && c.contains('.') {
                        c.replace('.', ",") // a decimal comma
                    } else if c.contains(' ') || c.contains(';') {
                        format!("\"{c}\"")
                    } else if c.is_empty() {
                        String::new()
                    } else {
                        format!(" {c} ") // padded
                    }
                })
                .collect();
            rows.push(cells.join(";"));
            rows.push(String::new()); // a blank line after every row
        }
        let text = format!("\u{feff}{}\r\n", rows.join("\r\n"));
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let (back, warnings) = import_dir(tmp.path(), None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc && warnings.items.is_empty(), "{warnings}");
    // The same files with the delimiter given.
    let (back, _) = import_dir(tmp.path(), Some(b';')).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc);
}

/// A `--delimiter` the files do not use is one error per file that names the separator
/// they use and the way out, not an unknown column and every required one missing.
#[test]
fn a_delimiter_the_files_do_not_use_is_named_once_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let files = write_files(&common::tiny_doc("demo-eu"));
    for (name, text) in &files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let out = tmp.path().join("scenario.json");
    let o = common::recourse()
        .args(["import", "csv", "--delimiter", ";"])
        .arg(tmp.path())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    let err = String::from_utf8(o.stderr).unwrap();
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), files.len(), "{err}");
    assert!(
        errors
            .iter()
            .all(|l| l.starts_with("error[other_delimiter]")
                && l.contains(
                    "separates its fields with commas, not the semicolons --delimiter gives"
                )),
        "{err}"
    );
    assert!(err.contains("scenario.csv:1: "), "{err}");
    assert!(err.contains("or give --delimiter ','"), "{err}");
    // The separator the files use, given, reads them.
    let (back, _) = import_dir(tmp.path(), Some(b',')).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == common::tiny_doc("demo-eu"));
}

/// Writes the demo's files into a new directory with `edit(file name, text)` applied, runs
/// `recourse import csv` on it and returns its exit code and standard error.
fn import_edited(edit: impl Fn(&str, String) -> Option<Vec<u8>>) -> (i32, String, bool) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("extract");
    std::fs::create_dir(&dir).unwrap();
    for (name, text) in write_files(&common::tiny_doc("demo-eu")) {
        if let Some(t) = edit(name, text) {
            std::fs::write(dir.join(name), t).unwrap();
        }
    }
    let out = tmp.path().join("scenario.json");
    let o = common::recourse()
        .args(["import", "csv"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        out.exists(),
    )
}

#[test]
fn broken_cells_are_reported_at_file_line_and_column_all_at_once() {
    let (code, err, written) = import_edited(|name, text| {
        let text = match name {
            "orders.csv" => text
                .replacen("2026-12-02", "2026-13-02", 1)
                .replacen(",2,", ",two,", 1),
            "lanes.csv" => text.replacen(",0.4,", ",0.4x,", 1),
            "order_lines.csv" => text + "SO-9999,SKU-1,5\r\n",
            "nodes.csv" => text.replacen("DC-LYS,dc", "DC-LYS,warehouse", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2, "{err}");
    assert!(!written);
    for expected in [
        r#"error[not_an_integer]: orders.csv:3:priority: "two" is not a whole number"#,
        r#"error[not_a_number]: lanes.csv:2:cost_per_unit: "0.4x" is not a number (1234.5)"#,
        r#"error[unknown_reference]: order_lines.csv:16:order: no order "SO-9999" in orders.csv"#,
        r#"error[unknown_kind]: nodes.csv:4:kind: "warehouse" is not a node kind (plant, dc, store or customer)"#,
        // Validation's findings in the same run, at the row and column they came from.
        r#"error[bad_date]: orders.csv:3:due: "2026-13-02" is not a calendar date"#,
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // Nothing about the placeholders read for the broken cells (priority 0, a customer
    // node, cost 0).
    assert!(
        err.contains("5 errors, 0 warnings: nothing written"),
        "{err}"
    );
}

/// A node's location is two columns: one without the other, or a latitude off the earth,
/// is reported at its row and column.
#[test]
fn locations_are_checked_at_their_cells() {
    let (code, err, written) = import_edited(|name, text| {
        let text = match name {
            "nodes.csv" => text
                .replacen("50.63,3.06", "50.63,", 1)
                .replacen(",49,2.55", ",95,2.55", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2, "{err}");
    assert!(!written);
    for expected in [
        "error[half_location]: nodes.csv:2:lon: lat is given without lon; give both, or neither",
        "error[bad_location]: nodes.csv:3:lat: lat is 95, outside -90..90 degrees",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

/// Problems found by validation, after the CSV was read, point at the CSV row and column,
/// including the paths their messages cite.
#[test]
fn validation_problems_point_at_the_csv_rows() {
    let (code, err, written) = import_edited(|name, text| {
        let text = match name {
            "orders.csv" => text.replacen("2026-12-02", "2026-13-02", 1),
            "stock.csv" => text.replacen("DC-PAR,SKU-1", "DC-PAR,SKU-9", 1),
            "skus.csv" => text + "SKU-1,Pump again\r\n",
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2, "{err}");
    assert!(!written);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("error[")
            && l.contains("orders.csv:3:due:")
            && l.contains("2026-13-02")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("stock.csv:5:sku: unknown sku \"SKU-9\"")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("skus.csv:5:id: duplicate sku id \"SKU-1\" (first at skus.csv:2)")),
        "{err}"
    );
    assert!(
        !err.contains("orders["),
        "a JSON path the user never wrote:\n{err}"
    );
}

/// A demand surge's order above a listed order with the same id in orders.csv: the lower
/// row is the duplicate and the upper one is "first at", although validation, which takes
/// the listed orders before the surges', meets the lower one first.
#[test]
fn a_surge_order_above_a_listed_one_with_its_id_is_the_first() {
    let (code, errors, written) = problems_with_one_edit(
        "orders.csv",
        "\r\n",
        "\r\nSO-1001,Galeries Nord,Z-IDF,2026-12-01,1,,,,,,D6\r\n",
    );
    assert_eq!(code, 2);
    assert!(!written);
    let duplicates: Vec<&String> = errors
        .iter()
        .filter(|l| l.contains("duplicate_id"))
        .collect();
    assert_eq!(
        duplicates,
        [
            r#"error[duplicate_id]: orders.csv:3:id: duplicate order id "SO-1001" (first at orders.csv:2)"#
        ],
        "{errors:#?}"
    );
}

/// A row that repeats an order id gets none of the id's lines (they go to its first row):
/// the duplicate is the one finding on that row, not also an order without lines.
#[test]
fn a_repeated_order_id_is_said_once_on_its_row() {
    let (code, errors, written) = problems_with_one_edit(
        "orders.csv",
        "SO-1002,",
        "SO-1001,Galeries Nord,Z-IDF,2026-12-01,1,,,,,,\r\nSO-1002,",
    );
    assert_eq!((code, written), (2, false));
    let on_its_row: Vec<&String> = errors
        .iter()
        .filter(|l| l.contains("orders.csv:3"))
        .collect();
    assert_eq!(
        on_its_row,
        [
            r#"error[duplicate_id]: orders.csv:3:id: duplicate order id "SO-1001" (first at orders.csv:2)"#
        ],
        "{errors:#?}"
    );
}

#[test]
fn headers_and_files_are_checked() {
    let (code, err, _) = import_edited(|name, text| match name {
        "orders.csv" => Some(text.replacen("due,", "dute,", 1).into_bytes()),
        "stock.csv" => Some(text.replacen("on_hand", "qty", 1).into_bytes()),
        "skus.csv" => None,
        _ => Some(text.into_bytes()),
    });
    assert_eq!(code, 2, "{err}");
    for expected in [
        "error[unknown_column]: orders.csv:1:4: unknown column \"dute\"\n  hint: did you mean due?",
        "error[missing_column]: orders.csv:1: no column due",
        "error[unknown_column]: stock.csv:1:3: unknown column \"qty\"",
        "error[missing_table]: skus.csv: skus.csv is missing",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

/// Without order_lines.csv every order would be empty: that is said once, at the file,
/// not as "order has no lines" at each order's row.
#[test]
fn missing_order_lines_are_said_once_at_the_file() {
    let (code, errors, written) = import_problems(|name, text| match name {
        "order_lines.csv" => None,
        _ => Some(text.into_bytes()),
    });
    assert_eq!(code, 2);
    assert!(!written);
    assert_eq!(
        errors,
        [
            "error[missing_table]: order_lines.csv: order_lines.csv is missing, but orders.csv has 11 orders: every order needs its lines",
            "  hint: add order_lines.csv with the columns order,sku,quantity, or check its name",
        ]
    );
}

/// A scenario may have no plans, but a forgotten planned_shipments.csv takes every
/// order's plan away and puts it at risk: the import goes through, with a warning that
/// says so (the surge's order, which comes without a plan, not counted).
#[test]
fn missing_plans_are_a_warning_that_says_what_they_cost() {
    let (code, err, written) = import_edited(|name, text| match name {
        "planned_shipments.csv" => None,
        _ => Some(text.into_bytes()),
    });
    assert_eq!(code, 0, "{err}");
    assert!(written);
    assert!(
        err.starts_with(
            "warning[missing_table]: planned_shipments.csv: planned_shipments.csv is missing: 10 orders in orders.csv have no plan, so each is at risk (nothing is promised to ship)\n  hint: add planned_shipments.csv with the columns order,sku,node,lane,ship,quantity, or check its name; leave it out only when no order has a plan yet\n"
        ),
        "{err}"
    );
    // Without orders, no plans are missed.
    let (code, err, _) = import_edited(|name, text| match name {
        "planned_shipments.csv" | "orders.csv" | "order_lines.csv" => None,
        "disruptions.csv" => Some(
            text.replacen("D6,demand_surge,,,,,,,,,\r\n", "", 1)
                .into_bytes(),
        ),
        _ => Some(text.into_bytes()),
    });
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("missing"), "{err}");
}

/// Without stock.csv every node starts empty and the plans cannot ship: legal, but said.
#[test]
fn missing_stock_is_a_warning_when_plans_ship_from_it() {
    let (code, err, _) = import_edited(|name, text| match name {
        "stock.csv" => None,
        _ => Some(text.into_bytes()),
    });
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with(
            "warning[missing_table]: stock.csv: stock.csv is missing: every node starts with nothing on hand, so the 13 planned shipments in planned_shipments.csv can ship only what inbound receipts bring\n"
        ),
        "{err}"
    );
}

/// A missing file whose rows other files name is one error at the file, not an unknown
/// reference at every row that names one of them.
#[test]
fn a_missing_file_that_other_files_name_is_one_error() {
    let without = |gone: &'static [&'static str]| {
        import_problems(move |name, text| (!gone.contains(&name)).then(|| text.into_bytes()))
    };
    let (code, errors, written) = without(&["orders.csv"]);
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            r#"error[missing_table]: orders.csv: orders.csv is missing, but 27 rows name orders in it, the first "SO-1001" at order_lines.csv:2"#,
            "  hint: add orders.csv with the columns id,customer,destination,due,priority,allow_partial,max_sources,frozen,late_penalty_per_unit_day,short_penalty_per_unit,surge, or check its name",
        ]
    );
    // The surge's order names D6: not "no disruption", and its line not "no order".
    let (code, errors, _) = without(&["disruptions.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [
            r#"error[missing_table]: disruptions.csv: disruptions.csv is missing, but orders.csv:12 names a disruption in it ("D6")"#,
            "  hint: add disruptions.csv with the columns id,kind,inbound,eta,node,sku,quantity,lane,from,until,extra_days, or check its name",
        ]
    );
    let (code, errors, _) = without(&["lanes.csv", "inbound.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [
            r#"error[missing_table]: lanes.csv: lanes.csv is missing, but 15 rows name lanes in it, the first "PAR-IDF-G" at planned_shipments.csv:2"#,
            "  hint: add lanes.csv with the columns id,from,to,mode,lead_time_days,cost_per_unit,fixed_cost_per_day,capacity_per_day,departure_days, or check its name",
            r#"error[missing_table]: inbound.csv: inbound.csv is missing, but disruptions.csv:2 names an inbound receipt in it ("PO-101")"#,
            "  hint: add inbound.csv with the columns id,node,sku,quantity,eta,expedite_eta,expedite_cost, or check its name",
        ]
    );
}

/// Writes demo-eu's tables into `dir`, each file of `renamed` under its new name.
fn demo_renamed(dir: &Path, renamed: &[(&str, &str)]) {
    for (name, text) in write_files(&common::tiny_doc("demo-eu")) {
        let name = renamed
            .iter()
            .find(|(from, _)| *from == name)
            .map_or(name, |(_, to)| *to);
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn a_misspelt_table_file_is_not_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    demo_renamed(dir, &[("order_lines.csv", "orderlines.csv")]);
    let err = read_dir(dir, None).unwrap_err().to_string();
    assert!(
        err.contains("error[unknown_table]: orderlines.csv: not a table of the scenario format\n  hint: did you mean order_lines.csv?"),
        "{err}"
    );
}

/// The files other programs keep beside the tables are not tables, and not errors: Excel's
/// owner file while `orders.csv` is open in it (`~$orders.csv`, hidden on Windows) and the
/// resource forks a Mac writes beside each file it copies to a USB stick (`._skus.csv`,
/// binary). The tables read as without them.
#[test]
fn files_other_programs_keep_beside_the_tables_are_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    demo_renamed(dir, &[]);
    let plain = read_dir(dir, None).unwrap();
    std::fs::write(dir.join("~$orders.csv"), b"\x08planner\0\0\0").unwrap();
    std::fs::write(dir.join("._skus.csv"), b"\0\x05\x16\x07\0\x02\0\0Mac OS X").unwrap();
    std::fs::write(dir.join("._orders.xlsx"), b"\0\x05\x16\x07").unwrap();
    let beside = read_dir(dir, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(beside.problems.items.is_empty(), "{}", beside.problems);
    assert!(beside.doc == plain.doc);
}

/// A file saved in Latin-1 / Windows-1252 (as older spreadsheets save) is one error at
/// its first line that is not UTF-8, with what the byte is and how to save the file; none
/// of it is read, so the rows of other files that name its rows are not reported missing.
#[test]
fn a_file_not_in_utf8_is_one_error_and_nothing_else() {
    let (code, errors, written) = import_problems(|name, text| {
        Some(if name == "orders.csv" {
            // Every character of the demo's orders is below U+0100: Latin-1 is one byte each.
            text.chars().map(|c| u8::try_from(c).unwrap()).collect()
        } else {
            text.into_bytes()
        })
    });
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            r#"error[not_utf8]: orders.csv:3: the file is not UTF-8 text: byte 0xE8 ('è' in Windows-1252 or Latin-1) after "SO-1002,Brasserie Lumi" (byte 196 of the file), and 6 more lines have such bytes"#,
            r#"  hint: save it as CSV UTF-8 (Excel: Save As, "CSV UTF-8 (Comma delimited)"; LibreOffice: character set Unicode (UTF-8)); until then none of it is read, and rows of other files that name its rows are not checked"#,
        ]
    );
    // A byte Windows-1252 leaves undefined, at the start of a line.
    let (code, errors, _) = import_problems(|name, text| {
        let mut bytes = text.into_bytes();
        if name == "skus.csv" {
            bytes.extend_from_slice(b"\x81SKU-7,Caf\xe9\r\n");
        }
        Some(bytes)
    });
    assert_eq!(code, 2);
    assert_eq!(
        errors[0],
        "error[not_utf8]: skus.csv:5: the file is not UTF-8 text: byte 0x81 at its start (byte 64 of the file)"
    );
}

#[test]
fn a_row_of_an_unknown_kind_is_named_once() {
    let (code, err, _) = import_edited(|name, text| {
        let text = match name {
            "disruptions.csv" => text.replacen("D2,stock_loss", "D2,stock_lost", 1),
            "forbid.csv" => text + "shipping,SO-1001,,,,\r\nexpedite_inbound,,,,,PO-999\r\n",
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(
        errors,
        [
            r#"error[unknown_kind]: forbid.csv:2:kind: "shipping" is not a forbid kind; did you mean shipment?"#,
            r#"error[unknown_kind]: disruptions.csv:3:kind: "stock_lost" is not a disruption kind; did you mean stock_loss?"#,
            r#"error[unknown_reference]: forbid.csv:3:inbound: unknown inbound "PO-999""#,
        ],
        "{err}"
    );
}

/// The input limit covers the directory as a whole: files that add up to more than it are
/// refused before any is read, and nothing is written.
#[test]
fn csv_files_above_the_input_limit_are_refused_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("extract");
    std::fs::create_dir(&dir).unwrap();
    let mut total = 0;
    for (name, text) in write_files(&common::tiny_doc("demo-eu")) {
        total += text.len();
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = tmp.path().join("scenario.json");
    common::recourse()
        .env("RECOURSE_MAX_INPUT_BYTES", "1000")
        .args(["import", "csv"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "error[input_too_large]: the CSV files in {} hold {total} bytes, more than the 1000 recourse reads",
            dir.display()
        )));
    assert!(!out.exists());
}

/// Weekdays as people type them: full names or abbreviations, in any case.
#[test]
fn weekdays_read_in_any_case_abbreviated_or_not() {
    let doc = common::tiny_doc("demo-eu");
    let files: Vec<(&str, Vec<u8>)> = write_files(&doc)
        .into_iter()
        .map(|(name, text)| {
            let text = if name == "lanes.csv" {
                text.replacen("mon tue wed thu fri", "Monday TUE wednesday Thu FRIDAY", 1)
            } else {
                text
            };
            (name, text.into_bytes())
        })
        .collect();
    let (back, _) =
        recourse::scenario::sheets::import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc);
}

/// The errors of `import csv` on the demo's files with `edit` applied: the lines that start
/// with `error` or `warning`, and whether anything was written.
fn import_problems(edit: impl Fn(&str, String) -> Option<Vec<u8>>) -> (i32, Vec<String>, bool) {
    let (code, err, written) = import_edited(edit);
    let lines = err
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning") || l.starts_with("  hint"))
        .map(str::to_owned)
        .collect();
    (code, lines, written)
}

/// `import_problems` after replacing the first `from` in `file` with `to`.
fn problems_with_one_edit(file: &str, from: &str, to: &str) -> (i32, Vec<String>, bool) {
    import_problems(|name, text| {
        Some(
            if name == file {
                text.replacen(from, to, 1)
            } else {
                text
            }
            .into_bytes(),
        )
    })
}

/// Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: problems are still
/// reported at their own lines, and a `;` file is still told from its header alone.
#[test]
fn cr_line_ends_keep_every_line_number() {
    let (code, errors, written) = import_problems(|name, text| {
        let text = match name {
            "orders.csv" => text.replacen("2026-12-04,3,", "2026-12-04,three,", 1),
            "inbound.csv" => {
                text.replacen("PO-102,DC-LYS,SKU-2,80,", "PO-102,DC-LYS,SKU-2,eighty,", 1)
            }
            // Product names with commas in a `;` file: more commas than separators, but
            // the header has none.
            "skus.csv" => text
                .replace(',', ";")
                .replace("Pump 40W", "Pump, 40 W, steel")
                .replace("Valve 20mm", "Valve, 20 mm, brass"),
            _ => text,
        };
        Some(text.replace("\r\n", "\r").into_bytes())
    });
    assert_eq!(code, 2);
    assert!(!written);
    assert_eq!(
        errors,
        [
            r#"error[not_a_number]: inbound.csv:3:quantity: "eighty" is not a number (1234.5)"#,
            r#"error[not_an_integer]: orders.csv:5:priority: "three" is not a whole number"#,
        ]
    );
}

/// A late penalty typed `2,5` in a `,` file, unquoted, is two cells: the row is one cell
/// longer than its header and refused, even though the surplus cell is empty, instead of
/// reading 2 as the late penalty and 5 as the short penalty.
#[test]
fn a_row_longer_than_its_header_is_refused_even_by_empty_cells() {
    let (code, errors, written) = import_problems(|name, text| {
        let text = match name {
            "orders.csv" => text.replacen(
                "SO-1001,Galeries Nord,Z-IDF,2026-12-01,1,,,,,,\r\n",
                "SO-1001,Galeries Nord,Z-IDF,2026-12-01,1,,,,2,5,,\r\n",
                1,
            ),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    assert!(!written);
    // Nothing more: the order's lines and plan name an order that is there, refused.
    assert_eq!(
        errors,
        [
            "error[extra_cells]: orders.csv:2: 12 cells, but the header line has 11",
            r#"  hint: an unquoted comma splits a cell in two: write a decimal with a point (2.5), and quote a text with commas ("Pump, 40 W")"#,
        ]
    );
}

/// A spreadsheet's trailing empty columns are in every row, header included: not extra.
#[test]
fn trailing_empty_columns_on_every_line_are_read_as_nothing() {
    let doc = common::tiny_doc("demo-eu");
    let files: Vec<(&str, Vec<u8>)> = write_files(&doc)
        .into_iter()
        .map(|(name, text)| (name, text.replace("\r\n", ",,\r\n").into_bytes()))
        .collect();
    let (back, warnings) =
        recourse::scenario::sheets::import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc && warnings.items.is_empty(), "{warnings}");
}

/// The demo's file `text` as a spreadsheet in a `;` locale writes it: `;` between cells,
/// decimal commas, cells with a space quoted.
fn semicolons(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let cells: Vec<String> = rec
            .iter()
            .map(|c| {
                if c.parse::<f64>().is_ok() {
                    c.replace('.', ",")
                } else if c.contains(' ') {
                    format!("\"{c}\"")
                } else {
                    c.to_owned()
                }
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}

/// European Excel writes a thousand as `1.000` under a thousands format, and `;` files are
/// where its decimal point is a comma: there `1.000` is refused, not read as one, with both
/// ways to write what was meant; a number with several groups or a decimal comma after a
/// group has only one meaning, but is refused too, with it.
#[test]
fn thousands_separators_in_a_semicolon_file_are_refused_with_what_to_write() {
    let (code, errors, written) = import_problems(|name, text| {
        let text = semicolons(&text);
        let text = match name {
            "stock.csv" => text.replacen("PL-LIL;SKU-1;400;", "PL-LIL;SKU-1;1.000;", 1),
            "lanes.csv" => text.replacen(
                "LIL-PAR-G;PL-LIL;DC-PAR;ground;1;0,4;150;400;",
                "LIL-PAR-G;PL-LIL;DC-PAR;ground;1;0.4;1.500;1.000.000;",
                1,
            ),
            "inbound.csv" => text.replacen(";2026-11-28;250", ";2026-11-28;1.250,5", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    assert!(!written);
    assert_eq!(
        errors,
        [
            r#"error[ambiguous_number]: lanes.csv:2:fixed_cost_per_day: "1.500" could be 1500 (read with a thousands separator) or 1.5 (read with a decimal point)"#,
            "  hint: in a ;-separated file write 1500 for the first, 1,5 for the second: numbers take no thousands separator, and the decimal point is a comma",
            r#"error[thousands_separator]: lanes.csv:2:capacity_per_day: "1.000.000" has a thousands separator"#,
            "  hint: write 1000000: numbers take no thousands separator",
            r#"error[ambiguous_number]: stock.csv:2:on_hand: "1.000" could be 1000 (read with a thousands separator) or 1 (read with a decimal point)"#,
            "  hint: in a ;-separated file write 1000 for the first, 1 for the second: numbers take no thousands separator, and the decimal point is a comma",
            r#"error[thousands_separator]: inbound.csv:2:expedite_cost: "1.250,5" has a thousands separator"#,
            "  hint: write 1250,5: numbers take no thousands separator",
        ]
    );
}

/// Where `.` cannot be a thousands separator it is a decimal point in a `;` file too
/// (`0.4`, `0.500`, `1234.500`); in `,` and tab files, which take no decimal comma, `.` is
/// the only decimal point and `1.000` is one.
#[test]
fn a_point_that_cannot_group_thousands_is_a_decimal_point() {
    let doc = common::tiny_doc("demo-eu");
    let mut want = doc.clone();
    want.lanes[0].cost_per_unit = 0.5;
    want.lanes[0].fixed_cost_per_day = Some(1234.5);
    let files: Vec<(&str, Vec<u8>)> = write_files(&doc)
        .into_iter()
        .map(|(name, text)| {
            let text = semicolons(&text).replacen(";0,4;150;", ";0.500;1234.500;", 1);
            (name, text.into_bytes())
        })
        .collect();
    let (back, warnings) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == want && warnings.items.is_empty(), "{warnings}");

    want = doc.clone();
    want.stock[0].on_hand = 1.0;
    want.lanes[0].fixed_cost_per_day = Some(1.5);
    for delimiter in [",", "\t"] {
        let files: Vec<(&str, Vec<u8>)> = write_files(&doc)
            .into_iter()
            .map(|(name, text)| {
                let text = text
                    .replacen("PL-LIL,SKU-1,400,", "PL-LIL,SKU-1,1.000,", 1)
                    .replacen(",0.4,150,", ",0.4,1.500,", 1)
                    .replace(',', delimiter);
                (name, text.into_bytes())
            })
            .collect();
        let (back, _) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
        assert!(back == want, "{delimiter:?}");
    }
}

/// A number that cannot be read is that one problem: the expedite or the location it
/// belongs to is not also said to lack it.
#[test]
fn an_unreadable_half_of_a_pair_is_not_also_missing() {
    let (code, errors, _) = import_problems(|name, text| {
        let text = match name {
            "inbound.csv" => text.replacen(",2026-11-28,250", ",2026-11-28,25O", 1),
            "nodes.csv" => text.replacen("50.63,3.06", "50.63,3.O6", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [
            r#"error[not_a_number]: nodes.csv:2:lon: "3.O6" is not a number (1234.5)"#,
            r#"error[not_a_number]: inbound.csv:2:expedite_cost: "25O" is not a number (1234.5)"#,
        ]
    );
}

/// A spreadsheet writes 14 as `14.0` (or `14,0` in a `;` locale) in a cell with a decimal
/// format: whole-number cells read it as 14. A fraction, or a number past a whole number's
/// range, is still refused.
#[test]
fn whole_number_cells_read_a_zero_fraction() {
    let doc = common::tiny_doc("demo-eu");
    let edit = |name: &str, text: String| match name {
        "scenario.csv" => text.replacen("horizon_days,14", "horizon_days,14.0", 1),
        "orders.csv" => text.replacen("2026-12-04,3,", "2026-12-04,3.00,", 1),
        "lanes.csv" => text.replacen("PL-LIL,DC-PAR,ground,1,", "PL-LIL,DC-PAR,ground,1e0,", 1),
        _ => text,
    };
    let files: Vec<(&str, Vec<u8>)> = write_files(&doc)
        .into_iter()
        .map(|(name, text)| (name, edit(name, text).into_bytes()))
        .collect();
    let (back, _) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc);
    let files: Vec<(&str, Vec<u8>)> = write_files(&doc)
        .into_iter()
        .map(|(name, text)| (name, semicolons(&edit(name, text)).into_bytes()))
        .collect();
    let (back, _) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc, "; with 14,0");

    let (code, errors, _) = import_problems(|name, text| {
        let text = match name {
            "scenario.csv" => text.replacen("horizon_days,14", "horizon_days,14.5", 1),
            "orders.csv" => text.replacen("2026-12-04,3,", "2026-12-04,1e19,", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [
            r#"error[not_an_integer]: scenario.csv:5:value: "14.5" is not a whole number"#,
            r#"error[not_an_integer]: orders.csv:5:priority: "1e19" is too large for a whole number here"#,
        ]
    );
}

/// A row refused for its own problem is there: what names it is not also an error ("no
/// order SO-1011 in orders.csv" when it is on line 12). A surge id that names no
/// disruption refuses the order, and its line is not then said to name no order.
#[test]
fn an_order_refused_for_its_surge_is_not_also_missing() {
    let (code, errors, _) = problems_with_one_edit("orders.csv", ",D6\r\n", ",D9\r\n");
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [r#"error[unknown_reference]: orders.csv:12:surge: no disruption "D9" in disruptions.csv"#]
    );
}

/// A scenario.csv row refused for one cell too many is there: the field is not also said
/// to have no row.
#[test]
fn a_refused_scenario_field_is_not_also_missing() {
    let (code, errors, _) =
        problems_with_one_edit("scenario.csv", "horizon_days,14", "horizon_days,14,");
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [
            "error[extra_cells]: scenario.csv:5: 3 cells, but the header line has 2",
            r#"  hint: an unquoted comma splits a cell in two: write a decimal with a point (2.5), and quote a text with commas ("Pump, 40 W")"#,
        ]
    );
}

/// The surge's own row refused (one cell too many): the surge's order names a disruption
/// that is there, and the order's line an order that is there.
#[test]
fn a_refused_disruption_row_is_not_also_missing() {
    let (code, errors, _) = problems_with_one_edit(
        "disruptions.csv",
        "D6,demand_surge,,,,,,,,,",
        "D6,demand_surge,,,,,,,,,,x",
    );
    assert_eq!(code, 2);
    assert_eq!(
        errors[0],
        "error[extra_cells]: disruptions.csv:7: 12 cells, but the header line has 11"
    );
    assert_eq!(errors.len(), 2, "{errors:?}"); // the error and its hint
}

/// A cell that could not be read is not then cited with the placeholder read in its
/// place: the plan of 30 is not said to exceed a line that "asks for 0".
#[test]
fn an_unreadable_quantity_is_not_cited_as_zero() {
    let (code, errors, _) = problems_with_one_edit(
        "order_lines.csv",
        "SO-1007,SKU-3,30",
        "SO-1007,SKU-3,thirty",
    );
    assert_eq!(code, 2);
    assert_eq!(
        errors,
        [r#"error[not_a_number]: order_lines.csv:10:quantity: "thirty" is not a number (1234.5)"#]
    );
}

/// A quote that opens a cell and is never closed would take in the rest of the file as
/// that one cell (csv ends it at the end of the input without a word): it is an error at
/// the cell where it opens, and nothing of the file is read past it, so the rows it took
/// in are not reported missing elsewhere.
#[test]
fn a_quoted_cell_never_closed_is_an_error_where_it_opens() {
    let hint = r#"  hint: add the closing quote where the cell ends; a quote inside a quoted cell is written twice ("")"#;
    let (code, errors, written) = problems_with_one_edit("skus.csv", "Pump 40W", "\"Pump 40W");
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            "error[unclosed_quote]: skus.csv:2:name: a quoted cell is never closed: lines 2 to 4, the rest of the file, would be read as this one cell",
            hint,
        ]
    );
    // On the last row it takes in nothing else, but its cell still lacks its end.
    let (code, errors, written) =
        problems_with_one_edit("skus.csv", "Controller C3", "\"Controller C3");
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            "error[unclosed_quote]: skus.csv:4:name: a quoted cell is never closed: the file ends inside it",
            hint,
        ]
    );
    // In the header line, the cell is named by its place.
    let (code, errors, written) = problems_with_one_edit("skus.csv", "id,name", "id,\"name");
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            "error[unclosed_quote]: skus.csv:1:2: a quoted cell is never closed: lines 1 to 4, the rest of the file, would be read as this one cell",
            hint,
        ]
    );
}

/// A quote that does not start its cell is text (an inch mark), and `""` in a quoted
/// cell is a quote: neither opens a cell that is never closed.
#[test]
fn quotes_inside_cells_are_text() {
    let files: Vec<(&str, Vec<u8>)> = write_files(&common::tiny_doc("demo-eu"))
        .into_iter()
        .map(|(name, text)| match name {
            "skus.csv" => (
                name,
                text.replacen("Pump 40W", "Pipe 3/4\" brass", 1)
                    .replacen("Valve 20mm", "\"Valve \"\"20\"\" mm, brass\"", 1)
                    .into_bytes(),
            ),
            _ => (name, text.into_bytes()),
        })
        .collect();
    let (back, _) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    let names: Vec<Option<&str>> = back.skus.iter().map(|s| s.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("Pipe 3/4\" brass"),
            Some("Valve \"20\" mm, brass"),
            Some("Controller C3")
        ]
    );
}

/// A problem repeated down a column is shown 20 times and then counted, once per code:
/// a bad column of a large scenario would bury the summary line under the same sentence.
/// The summary line counts every one, and the exit code is still 2.
#[test]
fn a_problem_down_a_column_is_shown_twenty_times_then_counted() {
    let (code, err, written) = import_edited(|name, mut text| {
        if name == "order_lines.csv" {
            for i in 0..45 {
                text.push_str(&format!("SO-1001,SKU-Z{i},1\r\n"));
            }
        }
        Some(text.into_bytes())
    });
    assert_eq!(code, 2, "{err}");
    assert!(!written);
    let shown = err
        .lines()
        .filter(|l| l.starts_with("error[unknown_reference]"))
        .count();
    assert_eq!(shown, 20, "{err}");
    assert!(
        err.contains("\n... and 25 more unknown_reference errors like these\n"),
        "{err}"
    );
    assert!(
        err.ends_with(": 45 errors, 0 warnings: nothing written\n"),
        "{err}"
    );
}

/// `n` orders of the demo's first, each with one line whose quantity is `quantity`.
fn many_orders(n: usize, quantity: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = write_files(&common::tiny_doc("demo-eu"));
    for (name, text) in files.iter_mut() {
        let first = |t: &str| t.lines().nth(1).unwrap().to_owned();
        if *name == "orders.csv" {
            let row = first(text);
            for i in 0..n {
                text.push_str(&row.replacen("SO-1001", &format!("SO-X{i}"), 1));
                text.push_str("\r\n");
            }
        } else if *name == "order_lines.csv" {
            for i in 0..n {
                text.push_str(&format!("SO-X{i},SKU-1,{quantity}\r\n"));
            }
        }
    }
    files
        .into_iter()
        .map(|(name, text)| (name, text.into_bytes()))
        .collect()
}

/// A bad column of 30,000 rows is reported in full, one error per cell, each said once
/// (validation's findings are matched to the reading problems in a set; the time this took
/// is measured in the README, "Spreadsheets", not here).
#[test]
fn a_bad_column_is_reported_once_per_cell() {
    let n = 30_000;
    let (clean, bad) = (many_orders(n, "1"), many_orders(n, "x"));
    import_files(&clean, None).unwrap_or_else(|d| panic!("{d}"));
    let errors = import_files(&bad, None).unwrap_err();
    assert_eq!(errors.error_count(), n, "{}", errors.listing());
    let places: std::collections::HashSet<&str> =
        errors.items.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(places.len(), n);
}

/// A value under a header cell left empty is an error at its cell, as a value under an
/// unknown column is, not dropped without a word; an empty cell there is nothing (a
/// spreadsheet's trailing empty columns).
#[test]
fn a_value_under_a_column_with_no_name_is_an_error() {
    let (code, errors, written) = import_problems(|name, text| {
        if name != "stock.csv" {
            return Some(text.into_bytes());
        }
        // An unnamed column after sku and another at the end, each with one value.
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let mut cells = line.splitn(3, ',');
            let (node, sku) = (cells.next().unwrap(), cells.next().unwrap());
            let rest = cells.next().unwrap();
            let (middle, end) = match i {
                1 => ("999", ""),
                2 => ("", "correct on_hand is 40!"),
                _ => ("", ""),
            };
            out.push_str(&format!("{node},{sku},{middle},{rest},{end}\r\n"));
        }
        Some(out.into_bytes())
    });
    assert_eq!(code, 2);
    assert!(!written);
    assert_eq!(
        errors,
        [
            r#"error[unnamed_column]: stock.csv:2:3: a value under a column with no name ("999")"#,
            "  hint: name the column in the header line, or clear the cell",
            r#"error[unnamed_column]: stock.csv:3:6: a value under a column with no name ("correct on_hand is 40!")"#,
            "  hint: name the column in the header line, or clear the cell",
        ]
    );
}

/// A table saved with another extension in its `.csv` file's place is an error naming it,
/// not a missing table (the import would go on with every node empty); beside its `.csv`
/// file, such a file is the workbook it came from and is left alone.
#[test]
fn a_table_saved_in_another_format_is_not_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    demo_renamed(dir, &[("stock.csv", "stock.txt"), ("skus.csv", "Skus.tsv")]);
    std::fs::write(dir.join("orders.xlsx"), "a workbook").unwrap();
    std::fs::write(dir.join("notes.txt"), "from the ERP, Monday").unwrap();
    let err = read_dir(dir, None).unwrap_err();
    let lines: Vec<String> = err.items.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        lines,
        [
            "error[not_csv]: Skus.tsv: looks like the skus table, but only .csv files are read\n  hint: save it as skus.csv (CSV UTF-8)",
            "error[not_csv]: stock.txt: looks like the stock table, but only .csv files are read\n  hint: save it as stock.csv (CSV UTF-8)",
        ]
    );
}

/// A required row of scenario.csv left out is said once, at the file: validation's
/// finding on the empty value read in its place (`horizon_days is 0, outside 1..=366`,
/// `the scenario id is empty`) is not also reported.
#[test]
fn a_missing_scenario_row_is_not_also_an_invented_value() {
    let (code, errors, written) = import_problems(|name, text| {
        let text = match name {
            "scenario.csv" => text
                .replacen("id,demo-eu-1\r\n", "", 1)
                .replacen("as_of,2026-11-27\r\n", "", 1)
                .replacen("horizon_days,14\r\n", "", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    assert!(!written);
    assert_eq!(
        errors,
        [
            "error[missing_field]: scenario.csv: no row for id",
            "  hint: add a line id,<value>",
            "error[missing_field]: scenario.csv: no row for as_of",
            "  hint: add a line as_of,<value>",
            "error[missing_field]: scenario.csv: no row for horizon_days",
            "  hint: add a line horizon_days,<value>",
        ]
    );
}

/// Row labels of scenario.csv and policy.csv are read in any case, as column headers are
/// (`As_Of`, `HORIZON_DAYS`, `Change_Penalty_Per_Unit`): the scenario is the same.
#[test]
fn row_labels_are_read_in_any_case() {
    let demo = common::tiny_doc("demo-eu");
    let files: Vec<(&str, Vec<u8>)> = write_files(&demo)
        .into_iter()
        .map(|(name, text)| {
            let text = match name {
                "scenario.csv" => text.replacen("as_of,", "As_Of,", 1).replacen(
                    "horizon_days,",
                    "HORIZON_DAYS,",
                    1,
                ),
                "policy.csv" => {
                    text.replacen("change_penalty_per_unit,", "Change_Penalty_Per_Unit,", 1)
                }
                _ => text,
            };
            (name, text.into_bytes())
        })
        .collect();
    assert!(files.iter().any(|(n, t)| *n == "policy.csv"
        && String::from_utf8_lossy(t).contains("Change_Penalty_Per_Unit,")));
    let (doc, _) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(doc, demo);
}

/// A space before an opening quote (`SKU-1, "Pump, 40W"`) leaves the cell unquoted: the
/// quotes are text and the comma splits the cell. It is one error at the cell that says to
/// remove the space, not a row with too many cells; without a separator inside, the cell
/// would otherwise be read with its quotes. A space after a closing quote is padding.
#[test]
fn a_space_before_an_opening_quote_is_named_at_its_cell() {
    let expected = [
        "error[space_before_quote]: skus.csv:2:name: a space before the opening quote: the quote is read as text, and the cell is not quoted",
        "  hint: remove the space before the quote, or quote the whole field, spaces included: a quote opens a quoted cell only as the cell's first character",
    ];
    for to in [r#"SKU-1, "Pump, 40W""#, r#"SKU-1,  "Pump 40W" "#] {
        let (code, errors, written) = problems_with_one_edit("skus.csv", "SKU-1,Pump 40W", to);
        assert_eq!((code, written), (2, false), "{to}");
        // Nothing more: the rows that name SKU-1 name a row that is there, refused.
        assert_eq!(errors, expected, "{to}");
    }
    // In the header line the cell is named by its place.
    let (code, errors, _) = problems_with_one_edit("skus.csv", "id,name", r#"id, "name""#);
    assert_eq!(code, 2);
    assert_eq!(
        errors[0],
        "error[space_before_quote]: skus.csv:1:2: a space before the opening quote: the quote is read as text, and the cell is not quoted"
    );
    let files: Vec<(&str, Vec<u8>)> = write_files(&common::tiny_doc("demo-eu"))
        .into_iter()
        .map(|(name, text)| match name {
            "skus.csv" => (
                name,
                text.replacen("SKU-1,Pump 40W", "SKU-1,\"Pump, 40W\"  ", 1)
                    .into_bytes(),
            ),
            _ => (name, text.into_bytes()),
        })
        .collect();
    let (back, _) = import_files(&files, None).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(back.skus[0].name.as_deref(), Some("Pump, 40W"));
}

/// Text after a closing quote (`"Pump" 40W`) was read on as part of the cell, the quotes
/// dropped without a word: it is an error at the cell, with how to write either meaning.
#[test]
fn text_after_a_closing_quote_is_an_error_at_its_cell() {
    let (code, errors, written) =
        problems_with_one_edit("skus.csv", "SKU-2,Valve 20mm", r#"SKU-2,"Valve" 20mm"#);
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            "error[text_after_quote]: skus.csv:3:name: text after the closing quote of a quoted cell",
            r#"  hint: quote the whole cell and write each quote inside it twice (the cell "A" B is written """A"" B"), or remove the quotes"#,
        ]
    );
    // The same in a `;` file, in a cell that is not the last.
    let (code, errors, _) = import_problems(|name, text| {
        Some(
            if name == "stock.csv" {
                semicolons(&text).replacen("PL-LIL;SKU-1;400;", "PL-LIL;\"SKU\"-1;400;", 1)
            } else {
                text
            }
            .into_bytes(),
        )
    });
    assert_eq!(code, 2);
    assert_eq!(
        errors[0],
        "error[text_after_quote]: stock.csv:2:sku: text after the closing quote of a quoted cell"
    );
}

/// Numbers written with the separators of a locale, outside the one place a separator is
/// read (a decimal comma in a `;` file): each is an error at its cell that names the
/// separator and says what to write, not a bare "is not a number".
#[test]
fn separators_in_numbers_are_named_with_what_to_write() {
    // A tab-separated file, where the decimal point is a point.
    let (code, errors, written) = import_problems(|name, text| {
        let text = text.replace(',', "\t");
        let text = match name {
            "lanes.csv" => text.replacen(
                "ground\t1\t0.4\t150\t400\t",
                "ground\t1\t0,4\t1.234,5\t1 000\t",
                1,
            ),
            "stock.csv" => text.replacen("PL-LIL\tSKU-1\t400\t", "PL-LIL\tSKU-1\t1,234\t", 1),
            "inbound.csv" => text.replacen("SKU-1\t100\t", "SKU-1\t1,100.5\t", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!((code, written), (2, false));
    assert_eq!(
        errors,
        [
            r#"error[decimal_comma]: lanes.csv:2:cost_per_unit: "0,4" is not a number: it looks like one with a decimal comma"#,
            "  hint: write 0.4: only a ;-separated file takes decimal commas",
            r#"error[thousands_separator]: lanes.csv:2:fixed_cost_per_day: "1.234,5" has a thousands separator and a decimal comma"#,
            "  hint: write 1234.5: numbers take no thousands separator, and only a ;-separated file takes decimal commas",
            r#"error[thousands_separator]: lanes.csv:2:capacity_per_day: "1 000" has a thousands separator"#,
            "  hint: write 1000: numbers take no thousands separator",
            r#"error[ambiguous_number]: stock.csv:2:on_hand: "1,234" could be 1234 (read with a thousands separator) or 1.234 (read with a decimal comma)"#,
            "  hint: write 1234 for the first, 1.234 for the second: numbers take no thousands separator, and only a ;-separated file takes decimal commas",
            r#"error[thousands_separator]: inbound.csv:2:quantity: "1,100.5" has a thousands separator"#,
            "  hint: write 1100.5: numbers take no thousands separator",
        ]
    );
    // A `;` file: a comma grouping thousands before a decimal point, and a no-break space.
    let (code, errors, _) = import_problems(|name, text| {
        let text = semicolons(&text);
        let text = match name {
            "stock.csv" => text.replacen("PL-LIL;SKU-1;400;", "PL-LIL;SKU-1;1,000.5;", 1),
            "inbound.csv" => text.replacen("SKU-1;100;", "SKU-1;-1\u{a0}100;", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!(code, 2);
    assert_eq!(
        errors[..4],
        [
            r#"error[thousands_separator]: stock.csv:2:on_hand: "1,000.5" has a thousands separator"#,
            "  hint: write 1000,5: numbers take no thousands separator",
            "error[thousands_separator]: inbound.csv:2:quantity: \"-1\u{a0}100\" has a thousands separator",
            "  hint: write -1100: numbers take no thousands separator",
        ]
    );
}

/// In a `;` file a comma is the decimal point, so `1,000` is one; written like a thousand
/// of a `,` locale (one to three digits, a comma, three digits), it is read as the file
/// says, with a warning that names the other reading. Validation still judges the value:
/// 12.5 units under whole units is an error at its cell, the warning beside it.
#[test]
fn a_decimal_comma_before_three_digits_is_read_with_a_warning() {
    let (code, problems, written) = import_problems(|name, text| {
        let text = semicolons(&text);
        let text = match name {
            "stock.csv" => text
                .replacen("PL-LIL;SKU-1;400;", "PL-LIL;SKU-1;1,000;", 1)
                .replacen("DC-PAR;SKU-1;150;20", "DC-PAR;SKU-1;12,500;20", 1)
                .replacen("PL-LIL;SKU-2;300;", "PL-LIL;SKU-2;0,500;", 1),
            _ => text,
        };
        Some(text.into_bytes())
    });
    assert_eq!((code, written), (2, false));
    assert_eq!(
        problems,
        [
            r#"warning[decimal_comma_or_thousands]: stock.csv:2:on_hand: "1,000" is read as 1, the comma being this file's decimal point"#,
            "  hint: if 1000 was meant, write 1000; for 1, write 1",
            r#"warning[decimal_comma_or_thousands]: stock.csv:5:on_hand: "12,500" is read as 12.5, the comma being this file's decimal point"#,
            "  hint: if 12500 was meant, write 12500; for 12.5, write 12,5",
            "error[fractional_units]: stock.csv:3:on_hand: on_hand is 0.5, not a whole number of units",
            "  hint: round it, or set policy.integer_quantities to false for divisible goods",
            "error[fractional_units]: stock.csv:5:on_hand: on_hand is 12.5, not a whole number of units",
            "  hint: round it, or set policy.integer_quantities to false for divisible goods",
        ]
    );
}

/// `|`, the separator of many ERP and warehouse extracts, is detected from the header like
/// the three spreadsheets write, and `--delimiter` takes it too.
#[test]
fn a_pipe_separated_extract_reads_as_meant() {
    let doc = common::tiny_doc("demo-eu");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("extract");
    std::fs::create_dir(&dir).unwrap();
    for (name, text) in write_files(&doc) {
        assert!(!text.contains('|'), "{name}");
        std::fs::write(dir.join(name), text.replace(',', "|")).unwrap();
    }
    let (back, warnings) = import_dir(&dir, None).unwrap_or_else(|d| panic!("{d}"));
    assert!(back == doc && warnings.items.is_empty(), "{warnings}");
    let out = tmp.path().join("scenario.json");
    common::recourse()
        .args(["import", "csv", "--delimiter", "|"])
        .arg(&dir)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let written: ScenarioDoc = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert!(written == doc);
}

/// `--delimiter` takes the separators its help lists and nothing else: any other is a
/// usage error (exit 2, the code of bad input) naming the ones it takes, before any file
/// is read, not a file's worth of errors about every header.
#[test]
fn a_delimiter_recourse_does_not_read_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("extract");
    write(&dir, &common::tiny_doc("demo-eu"));
    let out = tmp.path().join("scenario.json");
    for bad in ["x", ".", " ", "::"] {
        let o = common::recourse()
            .args(["import", "csv", "--delimiter", bad])
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(recourse::base::exit::BAD_INPUT),
            "{bad:?}"
        );
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.starts_with(&format!(
                "error: invalid value '{bad}' for '--delimiter <DELIMITER>': {bad:?} is not a separator recourse reads: use , or ; or tab or |\n"
            )),
            "{err}"
        );
        assert!(!out.exists());
    }
    for good in [",", ";", "tab", "|"] {
        common::recourse()
            .args(["import", "csv", "--delimiter", good])
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(if good == "," { 0 } else { 2 });
    }
    let help = common::recourse()
        .args(["import", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("csv: the field separator, `,` `;` `tab` or `|` (nothing else)"),
        "{help}"
    );
}

/// `export csv` starts every file with a UTF-8 byte-order mark, so that Excel on Windows
/// shows "Créteil" and not "CrÃ©teil"; `import csv` skips it, and exporting what it
/// imported writes the same bytes again.
#[test]
fn exported_files_start_with_a_byte_order_mark_and_come_back_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let export = |scenario: &Path, dir: &Path| {
        common::recourse()
            .args(["export", "csv"])
            .arg(scenario)
            .arg("-o")
            .arg(dir)
            .assert()
            .success();
    };
    let demo = common::tiny_path("demo-eu");
    let first = tmp.path().join("first");
    export(&demo, &first);
    let doc = common::tiny_doc("demo-eu");
    for (name, text) in write_files(&doc) {
        let bytes = std::fs::read(first.join(name)).unwrap();
        assert_eq!(bytes[..3], [0xEF, 0xBB, 0xBF], "{name}");
        assert_eq!(bytes[3..], *text.as_bytes(), "{name}");
    }
    let json = tmp.path().join("back.json");
    common::recourse()
        .args(["import", "csv"])
        .arg(&first)
        .arg("-o")
        .arg(&json)
        .assert()
        .success();
    let back: ScenarioDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(back == doc);
    let second = tmp.path().join("second");
    export(&json, &second);
    for (name, _) in write_files(&doc) {
        assert_eq!(
            std::fs::read(first.join(name)).unwrap(),
            std::fs::read(second.join(name)).unwrap(),
            "{name}"
        );
    }
}

/// Text that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+33 ...`, `@SUM`,
/// an id starting with `-`) is exported after a `'`, so that it opens as text; numbers,
/// negative ones too, are written as they are; and import drops the `'` again, so the
/// document comes back equal (a text that starts with `'` itself included).
#[test]
fn text_a_spreadsheet_would_run_as_a_formula_is_written_after_a_quote_mark() {
    let mut doc = common::tiny_doc("demo-eu");
    doc.skus[0].name = Some(r#"=HYPERLINK("http://x","Pump")"#.to_owned());
    doc.skus[1].name = Some("@SUM(A1)".to_owned());
    doc.skus[2].name = Some("'=kept as typed".to_owned());
    doc.orders[0].customer = Some("+33 Galeries".to_owned());
    doc.orders[1].customer = Some("\tLumière".to_owned());
    doc.orders[2].customer = Some("'plain".to_owned());
    doc.policy.change_penalty_per_unit = Some(-0.5);
    let text = serde_json::to_string(&doc).unwrap();
    let doc: ScenarioDoc = serde_json::from_str(&text.replace("\"SKU-3\"", "\"-SKU-3\"")).unwrap();
    let files = write_files(&doc);
    let file = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    assert_eq!(
        file("skus.csv"),
        "id,name\r\nSKU-1,\"'=HYPERLINK(\"\"http://x\"\",\"\"Pump\"\")\"\r\nSKU-2,'@SUM(A1)\r\n'-SKU-3,''=kept as typed\r\n"
    );
    let orders = file("orders.csv");
    assert!(
        orders.contains("\r\nSO-1001,'+33 Galeries,")
            && orders.contains("\r\nSO-1002,'\tLumière,")
            && orders.contains("\r\nSO-1003,'plain,"),
        "{orders}"
    );
    assert!(file("policy.csv").contains("\r\nchange_penalty_per_unit,-0.5\r\n"));
    // No cell of any file opens as a formula: each starting with `-` is a number.
    for (name, text) in &files {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                let formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!formula, "{name}: {cell:?}");
            }
        }
    }
    let bytes: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(name, text)| (*name, text.clone().into_bytes()))
        .collect();
    let back = recourse::scenario::sheets::read_files(
        &bytes,
        None,
        recourse::base::diagnostics::Diagnostics::default(),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(back.problems.items.is_empty(), "{}", back.problems);
    assert!(back.doc == doc);
}

/// Rows that end before the header's last column (a file edited by hand, an export cut
/// short) are read with the missing cells empty, and said once per file: a lane cut short
/// loses its fixed cost and capacity, which must not go unnoticed.
#[test]
fn rows_shorter_than_their_header_are_said_once_per_file() {
    let (code, problems, written) = import_problems(|name, text| {
        Some(
            if name == "lanes.csv" {
                text.replacen(
                    "LIL-PAR-G,PL-LIL,DC-PAR,ground,1,0.4,150,400,mon tue wed thu fri",
                    "LIL-PAR-G,PL-LIL,DC-PAR,ground,1,0.4",
                    1,
                )
                .replacen(
                    "LIL-LYS-G,PL-LIL,DC-LYS,ground,2,0.6,200,400,mon tue wed thu fri",
                    "LIL-LYS-G,PL-LIL,DC-LYS,ground,2,0.6,200",
                    1,
                )
            } else {
                text
            }
            .into_bytes(),
        )
    });
    assert_eq!(code, 0);
    assert!(written);
    assert_eq!(
        problems,
        [
            "warning[short_row]: lanes.csv:2: 6 cells, but the header line has 9 (and 1 more like it): fixed_cost_per_day, capacity_per_day, departure_days read as empty",
            "  hint: write every column, with an empty cell (,,) where a field has no value; a row an export cut short loses its last fields",
        ]
    );
}
