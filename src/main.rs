//! The `recourse` command line: parses the arguments and runs their command (`cli/`).

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// Loading, responses and writing allocate and free small maps, vectors and strings by the
/// million. Measured against the system allocator (`benches/RESULTS.md`, "The allocator"): responses on large
/// seed 1 3.05 s against 3.27 s, 1,000,000 orders 21.8 s and 2.0 GB against 27.2 s and
/// 2.4 GB; peaks on large about 100 MB higher (494-496 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::panic::install();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => return ExitCode::from(cli::usage(&e) as u8),
    };
    // Lets the tests prove that a panic reaches the user as exit 3 and one line; no input
    // can make the program panic on purpose, so the tests need a way in. Undocumented.
    if std::env::var_os("RECOURSE_TEST_PANIC").is_some() {
        panic!("RECOURSE_TEST_PANIC is set");
    }
    ExitCode::from(args.command.run() as u8)
}
