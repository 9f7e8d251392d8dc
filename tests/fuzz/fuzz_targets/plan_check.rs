//! Fuzz target `plan_check`: see `harness::plan_check`.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::plan_check(data));
