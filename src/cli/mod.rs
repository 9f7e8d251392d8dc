//! The command line: flags to options, one file per command. Each command's file holds its
//! arguments, its help and the function that runs it; `io` holds what they share (the checks
//! on a command's files, reading a scenario, writing a document), `solver_args` the flags
//! `solve`, `bench` and `export` have in common. This module and `main.rs` are the only
//! places that print and choose the exit code.

/// `eprintln!` for the command line's messages, with two differences. Control characters
/// go out escaped (`printable`), so no id quoted in a message can drive the reader's
/// terminal. A stderr that cannot be written (closed, on a full disk, read by a process
/// that stopped reading) loses the message instead of panicking: messages are for the
/// user, and a command's output and exit code must not depend on whether anyone reads them.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($arg)*);
        let _ = writeln!(std::io::stderr(), "{}", recourse::base::text::printable(&text));
    }};
}

/// `eprint!` as [`note!`] is `eprintln!`: the text without a line end.
macro_rules! note_part {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($arg)*);
        let _ = write!(std::io::stderr(), "{}", recourse::base::text::printable(&text));
    }};
}

mod apply;
mod bench;
mod check;
mod export;
mod generate;
mod import;
mod io;
pub mod panic;
mod report;
mod risk;
mod schema;
mod serve;
mod solve;
mod solver_args;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use recourse::base::exit;

const EXIT_CODES: &str = "\
Exit codes (every command but serve, which answers errors in its protocol):
  0  success
  1  no plan (solve: infeasible, or a limit hit before any plan), or a broken rule (check)
  2  bad input or usage: the message names the JSON path and the fix; or an output that
     cannot be written (a full disk, a read-only place)
  3  internal or solver failure: please report it";

/// Prints what `clap` has to say about the arguments (help, version, or a usage error) and
/// gives the exit code: 0 for help and version, 2 for a usage error. Help or version that
/// cannot be written (`recourse --help > /dev/full`) is exit 2 too, as for any document: the
/// output asked for was not delivered. A reader that stops reading (`| head`) is no failure.
pub fn usage(e: &clap::Error) -> i32 {
    match e.print() {
        Err(w) if !e.use_stderr() && w.kind() != std::io::ErrorKind::BrokenPipe => {
            note!("error: cannot write to standard output: {w}");
            exit::BAD_INPUT
        }
        _ => e.exit_code(),
    }
}

#[derive(Parser)]
#[command(
    name = "recourse",
    version,
    about = "Defends order promises: finds the orders a disruption puts at risk and proposes ranked responses.",
    after_help = EXIT_CODES,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    Validate(validate::Args),
    Solve(solve::Args),
    Risk(risk::Args),
    Check(check::Args),
    Generate(generate::Args),
    Export(export::Args),
    Bench(bench::Args),
    Apply(apply::Args),
    Report(report::Args),
    Serve(serve::Args),
    Import(import::Args),
    Schema(schema::Args),
}

impl Command {
    /// Runs the command; the exit code. A `RECOURSE_MAX_INPUT_BYTES` that is not a size, or
    /// 0, is refused first (exit 2), whatever the command: it is read wherever an input is,
    /// and an operator who set it learns at once that it did not take.
    pub fn run(self) -> i32 {
        if let Err(e) = recourse::base::input::max_input_bytes() {
            note!("error: {e}");
            return exit::BAD_INPUT;
        }
        match self {
            Command::Validate(a) => validate::run(a),
            Command::Solve(a) => solve::run(a),
            Command::Risk(a) => risk::run(a),
            Command::Check(a) => check::run(a),
            Command::Generate(a) => generate::run(a),
            Command::Export(a) => export::run(a),
            Command::Bench(a) => bench::run(a),
            Command::Apply(a) => apply::run(a),
            Command::Report(a) => report::run(a),
            Command::Serve(a) => serve::run(a),
            Command::Import(a) => import::run(a),
            Command::Schema(a) => schema::run(a),
        }
    }
}

/// Diagnostics as text on stderr, or a JSON document on stdout (`validate`, `check`).
#[derive(Clone, Copy, ValueEnum)]
pub enum DiagFormat {
    Text,
    Json,
}
