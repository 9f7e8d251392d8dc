//! `export`: the MPS file, read back by HiGHS from disk and solved, reaches the optimum
//! worked out by hand for each tiny dataset (`tests/suite/solve_tiny.rs`), so the constant, the
//! bounds, the integer markers and the ranges all survive; the LP file does too, with the model's names in LP spelling; the file
//! is deterministic and written atomically by the command.

use crate::common;

use assert_cmd::Command;
use recourse::optimize::formulate::{by_name, BuildOptions};
use recourse::scenario::validate::load_scenario;
use recourse::tools::export::{export, Format};
use std::ffi::CString;
use std::path::{Path, PathBuf};

fn dataset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets/tiny")
        .join(format!("{name}.json"))
}

fn model_file(name: &str, format: Format, dir: &Path) -> PathBuf {
    let (s, _) = load_scenario(&std::fs::read(dataset(name)).unwrap()).unwrap();
    let m = by_name("time-expanded").unwrap().build(
        &s,
        &BuildOptions {
            integer_quantities: true,
            names: true,
            ..Default::default()
        },
    );
    let ext = if format == Format::Mps { "mps" } else { "lp" };
    let path = dir.join(format!("{name}.{ext}"));
    std::fs::write(&path, export(&m.mip, &s.id, format).unwrap()).unwrap();
    path
}

/// Reads a model file into a fresh HiGHS and solves it; the optimal objective.
fn highs_optimum(path: &Path) -> f64 {
    let p = CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: one HiGHS instance, used and destroyed here.
    unsafe {
        let h = highs_sys::Highs_create();
        highs_sys::Highs_setBoolOptionValue(h, c"output_flag".as_ptr(), 0);
        highs_sys::Highs_setIntOptionValue(h, c"threads".as_ptr(), 1);
        highs_sys::Highs_setDoubleOptionValue(h, c"mip_rel_gap".as_ptr(), 0.0);
        assert_ne!(
            highs_sys::Highs_readModel(h, p.as_ptr()),
            highs_sys::kHighsStatusError,
            "{path:?}"
        );
        assert_ne!(highs_sys::Highs_run(h), highs_sys::kHighsStatusError);
        assert_eq!(
            highs_sys::Highs_getModelStatus(h),
            highs_sys::kHighsModelStatusOptimal,
            "{path:?}"
        );
        let v = highs_sys::Highs_getObjectiveValue(h);
        highs_sys::Highs_destroy(h);
        v
    }
}

#[test]
fn mps_files_read_back_by_highs_reach_the_known_optima() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, optimum, _) in common::TINY_OPTIMA {
        let v = highs_optimum(&model_file(name, Format::Mps, dir.path()));
        if (v - optimum).abs() > 1e-6 * optimum {
            failures.push(format!("{name}: {v} instead of {optimum}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lp_files_read_back_by_highs_reach_the_known_optima() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["demand-surge", "demo-eu"] {
        let optimum = common::tiny_optimum(name);
        let v = highs_optimum(&model_file(name, Format::Lp, dir.path()));
        assert!((v - optimum).abs() <= 1e-6 * optimum, "{name}: {v}");
    }
}

#[test]
fn the_mps_file_names_rows_and_columns_after_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(model_file("stock-loss", Format::Mps, dir.path())).unwrap();
    assert!(text.starts_with("NAME tiny-stock-loss\nROWS\n N  obj\n"));
    assert!(text.contains(" L  line[SO-1,SKU-1]\n"));
    assert!(text.contains("    x[SO-1,SKU-1,DC-PAR,PAR-LYO-G,0]  obj  -998.5\n"));
    // The constant (shortage of every line, 80 x 1000 ... ) goes in as the objective RHS.
    assert!(text.contains("    RHS  obj  -"));
    assert!(text.ends_with("ENDATA\n"));
}

#[test]
fn the_lp_file_keeps_the_model_names_in_lp_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(model_file("stock-loss", Format::Lp, dir.path())).unwrap();
    assert!(text.contains(" line(SO_1,SKU_1): "), "{text}");
    assert!(text.contains("x(SO_1,SKU_1,DC_PAR,PAR_LYO_G,0)"), "{text}");
    // HiGHS falls back to c<j>/r<i> for every name when one is not legal in an LP file.
    assert!(!text.contains(" c0 ") && !text.contains(" r0:"), "{text}");
}

#[test]
fn the_command_writes_the_same_file_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &str| {
        let out = dir.path().join(file);
        Command::cargo_bin("recourse")
            .unwrap()
            .args(["export", dataset("demo-eu").to_str().unwrap(), "-o"])
            .arg(&out)
            .assert()
            .success()
            .stdout("")
            // The default formulation is the one `solve` uses.
            .stderr(predicates::str::contains("tight model of \"demo-eu-1\""));
        std::fs::read(out).unwrap()
    };
    let (a, b) = (run("a.mps"), run("b.mps"));
    assert_eq!(a, b);
    assert!(a.ends_with(b"ENDATA\n"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_command_refuses_a_strategy_without_a_model() {
    Command::cargo_bin("recourse")
        .unwrap()
        .args(["export", dataset("demo-eu").to_str().unwrap()])
        .args(["--formulation", "priority-rules"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("builds no model"));
}
