//! Fuzz target `ssfctp`: see `harness::ssfctp`.
#![no_main]
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::ssfctp(data));
