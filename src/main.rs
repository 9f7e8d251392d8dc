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

/// Turns transparent huge pages off for the process. The allocator asks the kernel for
/// them, and where memory is fragmented the kernel compacts it at the page fault, so work
/// waited on the kernel. Measured with and without (`benches/RESULTS.md`, "The worker's
/// `load`", "Transparent huge pages"): the worker's `load` of medium 0.07-0.11 s against
/// up to 0.65 s, its peak 54 MB against 85 MB; medium at `--time-limit 5` 209,160-209,461
/// against 212,203-212,640 (the neighbourhoods get further); large 26.6-27.3 s against
/// 27.4-27.5 s and 538 MB against 562-574 MB; 1,000,000 orders 25.9 s against 29.7 s. A
/// kernel without the setting leaves the process as it was.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers only and sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
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
