//! Fuzz target `proposals_apply`: see `harness::proposals_apply`.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::proposals_apply(data));
