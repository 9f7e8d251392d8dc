//! What every command does with its files: checks them before any work, reads a scenario
//! (printing its diagnostics), and writes documents and text to a file or standard output.
//! Every function returns the exit code to use, or `Err` with it.

use recourse::base::exit;
use recourse::base::input::{display_name, read_input};
use recourse::base::output::{
    check_writable, is_stdout, refuse_same_file, write_output, write_output_with,
};
use recourse::base::text::printable;
use recourse::documents::proposals::ProposalsDoc;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::load_scenario_doc;
use recourse::scenario::wire::ScenarioDoc;
use std::io::Write;
use std::path::Path;

/// Checks a command's files before any work and gives the output to write to (`None`:
/// standard output, which `-o -` also names). Standard input can be read once, an output
/// that is one of the inputs would destroy it, and one that cannot be written (a
/// directory, or in a directory that is missing or takes no files) would lose the work
/// at its end: all are usage errors.
pub fn guard<'a>(output: Option<&'a Path>, inputs: &[&Path]) -> Result<Option<&'a Path>, i32> {
    let stdin_uses = inputs.iter().filter(|p| is_stdout(p)).count();
    if stdin_uses > 1 {
        note!(
            "error: - (standard input) is named {stdin_uses} times; it can be read only once: \
             save all but one of the inputs to files"
        );
        return Err(exit::BAD_INPUT);
    }
    let output = output.filter(|p| !is_stdout(p));
    if let Some(out) = output {
        if let Err(message) = refuse_same_file(out, inputs) {
            note!("error: {message}");
            return Err(exit::BAD_INPUT);
        }
        if let Err(e) = check_writable(out) {
            note!("error: cannot write {}: {e}", out.display());
            return Err(exit::BAD_INPUT);
        }
    }
    Ok(output)
}

/// Loads and validates a scenario for a command that goes on to use it. Problems and
/// warnings go to stderr; `Err` is the exit code.
pub fn load(file: &Path) -> Result<Scenario, i32> {
    let (doc, s) = load_doc(file)?;
    // Freeing a million orders' strings takes a third of a second; the command goes on
    // meanwhile (the process may end before it is done, which frees them anyway). Without
    // a thread, the closure that holds the document is dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(doc));
    Ok(s)
}

/// [`load`] that also keeps the parsed document.
pub fn load_doc(file: &Path) -> Result<(ScenarioDoc, Scenario), i32> {
    let name = display_name(file);
    let bytes = read_input(file).map_err(|d| {
        note!("{d}");
        exit::BAD_INPUT
    })?;
    match load_scenario_doc(&bytes) {
        Ok((doc, s, warnings)) => {
            note_part!("{}", warnings.listing());
            Ok((doc, s))
        }
        Err(d) => {
            note_part!("{}", d.listing());
            note!(
                "{name}: {}: the scenario cannot be used (see `recourse validate`)",
                plural(d.error_count(), "error")
            );
            Err(exit::BAD_INPUT)
        }
    }
}

/// Reads a proposals document (`recourse solve -o`); problems go to stderr, `Err` is the
/// exit code.
pub fn load_proposals(file: &Path) -> Result<ProposalsDoc, i32> {
    let bytes = read_input(file).map_err(|d| {
        note!("{d}");
        exit::BAD_INPUT
    })?;
    recourse::documents::proposals::parse_proposals(&bytes).map_err(|d| {
        note_part!("{d}");
        note!(
            "{}: not a proposals document (write one with `recourse solve -o`)",
            display_name(file)
        );
        exit::BAD_INPUT
    })
}

/// A document's JSON text, written into the writer given.
type Json<'a> = dyn Fn(&mut dyn Write) -> serde_json::Result<()> + 'a;

/// Writes a JSON document to a file (see `base::output`) or to stdout in the command line's
/// layout (`base::layout`), numbers as serde_json writes them: the values `recourse serve`
/// answers with for the same document.
pub fn write_document<T: serde::Serialize>(doc: &T, output: Option<&Path>) -> i32 {
    write_json(&|w| recourse::base::layout::to_writer(w, doc), output)
}

/// Writes a scenario document as [`write_document`] does, but with whole numbers without
/// `.0` (`base::json`): a scenario is also written by hand (`"on_hand": 400`), and one
/// written by `import`, `generate` or `apply` should diff cleanly against it.
pub fn write_scenario(doc: &ScenarioDoc, output: Option<&Path>) -> i32 {
    write_json(
        &|w| recourse::base::json::to_writer_laid_out(w, doc),
        output,
    )
}

fn write_json(json: &Json, output: Option<&Path>) -> i32 {
    let Some(path) = output else {
        return print_with(json);
    };
    let mut write = |w: &mut dyn Write| {
        json(&mut *w)?;
        w.write_all(b"\n")
    };
    match write_output_with(path, &mut write) {
        Ok(()) => exit::SUCCESS,
        Err(e) => {
            note!("error: cannot write {}: {e}", path.display());
            exit::BAD_INPUT
        }
    }
}

/// The extension of the file a command writes to, lower-cased (`None` for standard output
/// or a name without one): a command whose `--format` is absent writes what the name says,
/// so `-o page.html` is a page and `-o risk.json` a document, never a table under either name.
pub fn output_extension(output: Option<&Path>) -> Option<String> {
    let ext = output?.extension()?.to_str()?;
    Some(ext.to_ascii_lowercase())
}

/// The width a text report's prose wraps to: the terminal's when it goes to one (at most
/// `TEXT_WIDTH`), else `TEXT_WIDTH`, so that a file reads the same whoever wrote it.
pub fn text_width(output: Option<&Path>) -> usize {
    use recourse::base::text::TEXT_WIDTH;
    let to_stdout = output.is_none_or(recourse::base::output::is_stdout);
    if to_stdout && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        textwrap::termwidth().clamp(40, TEXT_WIDTH)
    } else {
        TEXT_WIDTH
    }
}

/// Writes text to a file (see `base::output`) or to stdout.
pub fn write_text(text: &str, output: Option<&Path>) -> i32 {
    let Some(path) = output else {
        return print_text(text);
    };
    match write_output(path, printable(text).as_bytes()) {
        Ok(()) => exit::SUCCESS,
        Err(e) => {
            note!("error: cannot write {}: {e}", path.display());
            exit::BAD_INPUT
        }
    }
}

/// Text for a person (tables, Markdown, CSV) goes out through [`printable`], so no id can
/// put a raw control character on the reader's terminal.
pub fn print_text(text: &str) -> i32 {
    print_bytes(printable(text).as_bytes())
}

/// Writes bytes to stdout; a closed pipe is exit 0 (see [`print_json`]), any other error 2.
pub fn print_bytes(bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            note!("error: cannot write to standard output: {e}");
            exit::BAD_INPUT
        }
    }
}

/// Writes a document to stdout. A closed pipe means the reader stopped reading (as `head`
/// does), which is not a failure: exit 0. Any other write error (a full disk behind a
/// redirection) is exit 2, as for `-o FILE`: the place written to, not recourse, failed.
pub fn print_json<T: serde::Serialize>(doc: &T) -> i32 {
    print_with(&|w| recourse::base::layout::to_writer(w, doc))
}

/// [`print_json`] of the text `json` writes.
fn print_with(json: &Json) -> i32 {
    let mut out = std::io::stdout().lock();
    let r = json(&mut out)
        .map_err(std::io::Error::from)
        .and_then(|_| writeln!(out))
        .and_then(|_| out.flush());
    match r {
        Ok(()) => exit::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(e) => {
            note!("error: cannot write to standard output: {e}");
            exit::BAD_INPUT
        }
    }
}

/// "2 errors, 1 warning": what a list of diagnostics holds.
pub fn tally(d: &recourse::base::diagnostics::Diagnostics) -> String {
    format!(
        "{}, {}",
        plural(d.error_count(), "error"),
        plural(d.warning_count(), "warning")
    )
}

pub fn plural(n: usize, word: &str) -> String {
    recourse::base::text::plural(n as f64, word)
}
