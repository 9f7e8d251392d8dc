//! The checker judges the formulation, the solver and the baseline, so it must not share
//! their code (ARCHITECTURE.md, invariants): nothing under `src/check/` may mention
//! `good_lp`, `highs`, `crate::formulat*`, `crate::solve*` or `crate::baseline*`, including
//! through a grouped import (`use crate::{solve, ...}`) or `super::super::`.

use std::path::{Path, PathBuf};

const FORBIDDEN: &[&str] = &[
    "good_lp",
    "highs",
    "crate::formulat",
    "crate::solve",
    "crate::baseline",
];

/// Module names that must not appear inside a grouped import from the crate root.
const FORBIDDEN_MODULES: &[&str] = &["formulat", "solve", "baseline"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// What the source says, with `super::super::` (the crate root, from a submodule of
/// `check`) spelled `crate::`.
fn normalized(text: &str) -> String {
    text.replace("super::super::", "crate::")
}

/// The problems in one file's text: forbidden words and grouped imports of forbidden modules.
fn problems(text: &str) -> Vec<String> {
    let text = normalized(text);
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for word in FORBIDDEN {
            if line.contains(word) {
                found.push(format!(
                    "line {}: mentions `{word}`: {}",
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    // `crate::{a, b::{c}}`: everything up to the matching brace.
    let mut rest = text.as_str();
    while let Some(at) = rest.find("crate::{") {
        let group = &rest[at + "crate::{".len()..];
        let mut depth = 1;
        let end = group
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(group.len(), |(i, _)| i);
        let inside = &group[..end];
        for module in FORBIDDEN_MODULES {
            let hit = inside
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w.starts_with(module));
            if hit {
                found.push(format!(
                    "grouped import of `{module}*`: crate::{{{inside}}}"
                ));
            }
        }
        rest = &group[end..];
    }
    found
}

#[test]
fn the_checker_never_imports_the_formulation_the_solver_or_the_baseline() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("check/mod.rs")),
        "src/check/mod.rs not found: did the checker move? update this test"
    );
    let mut all = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for p in problems(&text) {
            all.push(format!("{}: {p}", f.display()));
        }
    }
    assert!(
        all.is_empty(),
        "the checker must stay independent of the formulation, the solver and the baseline:\n{}",
        all.join("\n")
    );
}

#[test]
fn the_scan_catches_every_spelling_of_a_forbidden_import() {
    for bad in [
        "use good_lp::variable;",
        "use highs::Model;",
        "use crate::formulate::TimeExpanded;",
        "use crate::formulation;",
        "use crate::solve::Solution;",
        "use crate::baseline::simulate;",
        "use super::super::solve::Status;",
        "use crate::{domain::Scenario, solve};",
        "use crate::{\n    baseline::simulate,\n    plan::Plan,\n};",
        "use crate::{plan::{Plan, Shipment}, formulate::{Model}};",
        "let x = crate::solve::run(s);",
    ] {
        assert!(!problems(bad).is_empty(), "not caught: {bad}");
    }
    for fine in [
        "use crate::{domain::Scenario, plan::Plan};",
        "use crate::domain::{Day, Forbid, Scenario};",
        "// it never imports the formulation or the solver",
    ] {
        assert!(problems(fine).is_empty(), "caught by mistake: {fine}");
    }
}
