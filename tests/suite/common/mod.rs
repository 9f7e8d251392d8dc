//! What several test modules share: the binary under test, the repository's paths, the
//! golden-file comparison, and the random scenarios of the property tests ([`random`]).

pub mod browser;
mod random;
pub use random::*;

use std::path::{Path, PathBuf};

/// The repository's root: datasets, golden files and `../shared/data` are found from here.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `datasets/tiny/NAME.json`.
pub fn tiny_path(name: &str) -> PathBuf {
    root().join("datasets/tiny").join(format!("{name}.json"))
}

/// The `recourse` binary built with this test suite, run from the repository's root so the
/// relative paths in its arguments and messages read as a user's would.
pub fn recourse() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("recourse").unwrap();
    c.current_dir(root());
    c
}

/// Runs `recourse ARGS -o FILE` (FILE in `dir`) and checks it writes exactly what
/// `recourse ARGS` prints, and nothing to standard output; the file's bytes.
pub fn written_as_printed(args: &[&str], dir: &Path) -> Vec<u8> {
    let out = dir.join("written");
    recourse()
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let printed = recourse().args(args).output().unwrap();
    let written = std::fs::read(&out).unwrap();
    assert_eq!(written, printed.stdout, "{args:?}");
    written
}

/// The quantity of each shipment of `plan`, in its order.
pub fn shipped(plan: &recourse::plan::Plan) -> Vec<f64> {
    plan.shipments.iter().map(|x| x.quantity).collect()
}

/// Whether this run rewrites the golden files (`RECOURSE_BLESS=1`), after a deliberate
/// change whose diff is then reviewed.
pub fn bless() -> bool {
    std::env::var_os("RECOURSE_BLESS").is_some()
}

/// Compares `got` with the golden file at `golden` as text (serde_json's default float
/// parsing may be one ulp off, text is exact). When they differ, `got` is written beside
/// the system's temporary files for a diff and the error names both (and shows both when
/// they are short). Under `bless()` the golden file is rewritten instead.
/// `doc` as the command line writes a document (`base::layout`), with its final newline.
pub fn laid_out<T: serde::Serialize>(doc: &T) -> String {
    let mut out = Vec::new();
    recourse::base::layout::to_writer(&mut out, doc).unwrap();
    out.push(b'\n');
    String::from_utf8(out).unwrap()
}

pub fn golden(golden: &Path, got: &str) -> Result<(), String> {
    if bless() {
        if let Some(dir) = golden.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(golden, got).unwrap();
        return Ok(());
    }
    let Ok(want) = std::fs::read_to_string(golden) else {
        return Err(format!(
            "{} is missing: run with RECOURSE_BLESS=1 to write it",
            golden.display()
        ));
    };
    if want == got {
        return Ok(());
    }
    let rel = golden.strip_prefix(root()).unwrap_or(golden);
    let name = rel.to_string_lossy().replace(['/', '\\'], "-");
    let copy = std::env::temp_dir().join(format!("recourse-got-{name}"));
    std::fs::write(&copy, got).unwrap();
    let shown = if want.len() + got.len() <= 4000 {
        format!("\n--- expected\n{want}--- got\n{got}")
    } else {
        String::new()
    };
    Err(format!(
        "{} differs: got {} (diff them; RECOURSE_BLESS=1 accepts it){shown}",
        rel.display(),
        copy.display()
    ))
}

/// The cost `recourse check` gives the plan in `proposals` for `scenario`; it must exit 0
/// and find the plan feasible.
pub fn checked_cost(scenario: impl AsRef<std::ffi::OsStr>, proposals: &Path) -> f64 {
    let check = recourse()
        .args(["check", "--format", "json"])
        .arg(scenario)
        .arg(proposals)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let c: recourse::documents::report::CheckDoc = serde_json::from_slice(&check.stdout).unwrap();
    assert!(c.feasible);
    c.cost.total
}

/// The `THP_enabled` flag the kernel reports for process `pid` ("0" once transparent huge
/// pages are off for it); `None` where the kernel reports none, for the test process too.
pub fn thp_enabled(pid: u32) -> Option<String> {
    let flag = |status: String| {
        status
            .lines()
            .find(|l| l.starts_with("THP_enabled:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    flag(std::fs::read_to_string("/proc/self/status").ok()?)?;
    flag(std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// Whether this kernel reports `THP_enabled` at all (a test of the flag skips otherwise).
pub fn kernel_reports_thp() -> bool {
    thp_enabled(std::process::id()).is_some()
}
