//! The `recourse` command line: parses the arguments and runs their command (`cli/`).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    cli::panic::install();
    let args = cli::Cli::parse();
    // Lets the tests prove that a panic reaches the user as exit 3 and one line; no input
    // can make the program panic on purpose, so the tests need a way in. Undocumented.
    if std::env::var_os("RECOURSE_TEST_PANIC").is_some() {
        panic!("RECOURSE_TEST_PANIC is set");
    }
    ExitCode::from(args.command.run() as u8)
}
