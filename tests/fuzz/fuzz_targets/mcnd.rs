//! Fuzz target `mcnd`: see `harness::mcnd`.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::mcnd(data));
