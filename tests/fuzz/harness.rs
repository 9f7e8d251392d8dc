#![allow(dead_code)] // each fuzz target uses one function of it
//! What each fuzz target does with its input, shared by the targets (`fuzz_targets/`) and
//! by the test suite, which replays every seed, corpus entry and regression through it
//! (`tests/suite/fuzz_replay.rs`). Each reader must take any bytes without panicking.

use recourse::apply::{apply, ApplyError};
use recourse::scenario::domain::Scenario;
use recourse::scenario::sheets::{import_files, TABLES};
use recourse::scenario::wire::ScenarioDoc;
use recourse::tools::import::{import, Format};
use std::sync::OnceLock;

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// The targets by name, as `cargo fuzz` and `scripts/fuzz` call them.
pub const TARGETS: &[(&str, Target)] = &[
    ("scenario", scenario),
    ("plan_check", plan_check),
    ("proposals_apply", proposals_apply),
    ("mcnd", mcnd),
    ("ssfctp", ssfctp),
    ("csv", csv),
];

fn demo() -> &'static (ScenarioDoc, Scenario) {
    static S: OnceLock<(ScenarioDoc, Scenario)> = OnceLock::new();
    S.get_or_init(|| {
        let bytes = include_bytes!("../../datasets/tiny/demo-eu.json");
        let (doc, s, _) =
            recourse::scenario::validate::load_scenario_doc(bytes).expect("the demo is valid");
        (doc, s)
    })
}

/// The scenario reader and validation.
pub fn scenario(data: &[u8]) {
    let _ = recourse::scenario::validate::load_scenario(data);
}

/// The plan reader and the checker, against the demo scenario.
pub fn plan_check(data: &[u8]) {
    let (_, s) = demo();
    if let Ok((doc, prefix)) = recourse::plan::parse_plan_document(data, None) {
        if let Ok(plan) = doc.to_domain(s, prefix) {
            let _ = recourse::check::evaluate(s, &plan);
        }
    }
}

/// The proposals reader and `apply` on the demo, approving every response and then the
/// first alone: never the error that means a bug (a new scenario that does not validate).
pub fn proposals_apply(data: &[u8]) {
    let (wire, s) = demo();
    let Ok(doc) = recourse::documents::proposals::parse_proposals(data) else {
        return;
    };
    let all: Vec<String> = doc.responses.iter().map(|r| r.id.clone()).collect();
    for approve in [&all[..], &all[..all.len().min(1)]] {
        if let Err(e @ ApplyError::Invalid(_)) = apply(s, wire, &doc, approve, &[]) {
            panic!("apply made a scenario that does not validate: {e}");
        }
    }
}

/// The MCND importer, on text.
pub fn mcnd(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = import(Format::Mcnd, text, "fuzz", "fuzz");
    }
}

/// The SSFCTP importer, on text.
pub fn ssfctp(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = import(Format::Ssfctp, text, "fuzz", "fuzz");
    }
}

/// The CSV importer: the input is cut at each 0x1E byte into the tables' files, in the
/// order of `TABLES`.
pub fn csv(data: &[u8]) {
    let files: Vec<(&str, Vec<u8>)> = data
        .split(|&b| b == 0x1e)
        .zip(TABLES)
        .map(|(bytes, t)| (t.file, bytes.to_vec()))
        .collect();
    let _ = import_files(&files, None);
}
