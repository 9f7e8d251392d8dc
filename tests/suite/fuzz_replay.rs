//! Every input the fuzz targets keep (`tests/fuzz/`: the seeds, the corpus the fuzzer grew,
//! and each crash found, once fixed, under `regressions/`) goes through the same reader as
//! in the fuzzer (`tests/fuzz/harness.rs`) without a panic. `scripts/fuzz` runs the fuzzer.

use crate::common;

#[path = "../fuzz/harness.rs"]
mod harness;

#[test]
fn every_kept_fuzz_input_is_read_without_a_panic() {
    let mut failures = Vec::new();
    let mut seeds = 0;
    for (name, read) in harness::TARGETS {
        for kind in ["seeds", "corpus", "regressions"] {
            let dir = common::root().join("tests/fuzz").join(kind).join(name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries {
                let path = e.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                if std::panic::catch_unwind(|| read(&data)).is_err() {
                    failures.push(path.display().to_string());
                }
                seeds += usize::from(kind == "seeds");
            }
        }
    }
    // Every target has seeds (a test that found no input would pass for nothing).
    assert!(seeds >= harness::TARGETS.len(), "only {seeds} seeds");
    assert!(failures.is_empty(), "panicked on:\n{}", failures.join("\n"));
}
