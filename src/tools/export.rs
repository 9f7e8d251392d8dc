//! `recourse export`: a model as a file other solvers read.
//!
//! MPS is written here, from the [`Mip`] itself (free MPS, as HiGHS, Gurobi, CPLEX, SCIP and
//! CBC read it), so the file is deterministic and its names are the formulation's own
//! (`x[SO-1,SKU-1,DC-PAR,PAR-LYO-G,3]`, `balance[DC-PAR,SKU-1,4]`). LP is HiGHS's
//! translation of that MPS file (`Highs_readModel` then `Highs_writeModel`): the LP format
//! has no standard for constants, ranges or names with brackets, and HiGHS knows how it
//! reads them back.
//!
//! The model's constant (`Mip::offset`) goes to the objective row's RHS with its sign
//! flipped, the MPS convention (HiGHS, CPLEX and Gurobi read an objective RHS of `-c` as
//! the constant `c`), so a solver reports the same objective as `recourse solve`.

use crate::base::output::RemovedOnSignal;
use crate::optimize::mip::Mip;
use std::collections::HashSet;
use std::ffi::CString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the temporary file {path}: {source}")]
    /// The LP file goes through HiGHS, which reads and writes files: in the directory of
    /// `TMPDIR` (or `/tmp`), which must exist and be writable.
    Temp {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("HiGHS could not {what} {path} (status {status}); try --format mps")]
    Highs {
        what: &'static str,
        path: PathBuf,
        status: i32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mps,
    Lp,
}

/// The model in `format`. Names come from the model (`BuildOptions { names: true }`);
/// where it has none, columns are `c<j>` and rows `r<i>`.
pub fn export(mip: &Mip, name: &str, format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Mps => Ok(mps(mip, name).into_bytes()),
        Format::Lp => lp_via_highs(&mps_with(mip, name, lp_name)),
    }
}

/// Free-format MPS. Rows `lower <= a x <= upper` become E (equal), L (no lower), G (no
/// upper) or G with a RANGES entry (both); every column gets explicit bounds, since readers
/// disagree on the default bounds of integer columns.
pub fn mps(mip: &Mip, name: &str) -> String {
    mps_with(mip, name, sanitize)
}

/// MPS with every model name passed through `spell` (then made unique): its sections
/// (rows, columns, right-hand sides, ranges, bounds) in the order the format requires.
fn mps_with(mip: &Mip, name: &str, spell: fn(&str) -> String) -> String {
    let cols = names(&mip.col_names, mip.num_cols(), "c", spell);
    let rows = names(&mip.row_names, mip.num_rows(), "r", spell);
    let mut out = String::new();
    let _ = writeln!(out, "NAME {}", sanitize(name));
    rows_section(&mut out, mip, &rows);
    columns_section(&mut out, mip, &cols, &rows);
    rhs_section(&mut out, mip, &rows);
    ranges_section(&mut out, mip, &rows);
    bounds_section(&mut out, mip, &cols);
    out.push_str("ENDATA\n");
    out
}

/// ROWS: the objective, then each row's kind (E, L or G).
fn rows_section(out: &mut String, mip: &Mip, rows: &[String]) {
    out.push_str("ROWS\n N  obj\n");
    for (i, r) in rows.iter().enumerate() {
        let kind = match (mip.row_lower[i].is_finite(), mip.row_upper[i].is_finite()) {
            _ if mip.row_lower[i] == mip.row_upper[i] => "E",
            (false, _) => "L",
            (true, _) => "G",
        };
        let _ = writeln!(out, " {kind}  {r}");
    }
}

/// COLUMNS: column-wise entries, in row order within each column, the integer columns
/// between markers.
fn columns_section(out: &mut String, mip: &Mip, cols: &[String], rows: &[String]) {
    let by_col = mip.columns();
    out.push_str("COLUMNS\n");
    let mut in_integer_block = false;
    for (j, c) in cols.iter().enumerate() {
        if mip.integer[j] != in_integer_block {
            in_integer_block = mip.integer[j];
            let tag = if in_integer_block { "INTORG" } else { "INTEND" };
            let _ = writeln!(out, "    MARKER  'MARKER'  '{tag}'");
        }
        // A column must appear here to exist, even with nothing to say.
        if mip.col_cost[j] != 0.0 || by_col.is_empty(j) {
            let _ = writeln!(out, "    {c}  obj  {}", num(mip.col_cost[j]));
        }
        for (r, a) in by_col.entries(j) {
            let _ = writeln!(out, "    {c}  {}  {}", rows[r], num(a));
        }
    }
    if in_integer_block {
        out.push_str("    MARKER  'MARKER'  'INTEND'\n");
    }
}

/// RHS: the model's constant (sign flipped) on the objective, then each row's finite side
/// other than zero.
fn rhs_section(out: &mut String, mip: &Mip, rows: &[String]) {
    out.push_str("RHS\n");
    if mip.offset != 0.0 {
        let _ = writeln!(out, "    RHS  obj  {}", num(-mip.offset));
    }
    for (i, r) in rows.iter().enumerate() {
        let (lo, up) = (mip.row_lower[i], mip.row_upper[i]);
        let rhs = if lo.is_finite() {
            lo
        } else if up.is_finite() {
            up
        } else {
            // A free row: L with an RHS every reader takes for infinity.
            1e30
        };
        if rhs != 0.0 {
            let _ = writeln!(out, "    RHS  {r}  {}", num(rhs));
        }
    }
}

/// RANGES, when a row has two different finite sides: the width between them.
fn ranges_section(out: &mut String, mip: &Mip, rows: &[String]) {
    let ranged: Vec<usize> = (0..mip.num_rows())
        .filter(|&i| {
            let (lo, up) = (mip.row_lower[i], mip.row_upper[i]);
            lo.is_finite() && up.is_finite() && lo != up
        })
        .collect();
    if !ranged.is_empty() {
        out.push_str("RANGES\n");
        for i in ranged {
            let range = mip.row_upper[i] - mip.row_lower[i];
            let _ = writeln!(out, "    RNG  {}  {}", rows[i], num(range));
        }
    }
}

/// BOUNDS: every column's, explicit, since readers disagree on the default bounds of
/// integer columns.
fn bounds_section(out: &mut String, mip: &Mip, cols: &[String]) {
    out.push_str("BOUNDS\n");
    for (j, c) in cols.iter().enumerate() {
        let (lo, up) = (mip.col_lower[j], mip.col_upper[j]);
        if lo == up {
            let _ = writeln!(out, " FX BND  {c}  {}", num(lo));
            continue;
        }
        if lo == f64::NEG_INFINITY {
            let _ = writeln!(out, " MI BND  {c}");
        } else if lo != 0.0 {
            let _ = writeln!(out, " LO BND  {c}  {}", num(lo));
        }
        if up == f64::INFINITY {
            let _ = writeln!(out, " PL BND  {c}");
        } else {
            let _ = writeln!(out, " UP BND  {c}  {}", num(up));
        }
    }
}

/// Names spelled by `spell`, unique (a repeat gets `#<index>`).
fn names(given: &[String], n: usize, prefix: &str, spell: fn(&str) -> String) -> Vec<String> {
    let mut seen = HashSet::with_capacity(n);
    (0..n)
        .map(|i| {
            let mut name = match given.get(i) {
                Some(x) if !x.is_empty() => spell(x),
                _ => format!("{prefix}{i}"),
            };
            if !seen.insert(name.clone()) {
                name = format!("{name}#{i}");
                seen.insert(name.clone());
            }
            name
        })
        .collect()
}

/// The characters an LP file allows in a name (HiGHS's `kLegalLpFileColRowNameChar`, after
/// CPLEX). HiGHS replaces every name by `c<j>`/`r<i>` when a single one holds anything else,
/// so names are respelled first: brackets become parentheses, any other character (`-`,
/// `:`, `/`, spaces, non-ASCII) an underscore. `x[SO-1,SKU-1,DC-PAR,PAR-LYO-G,3]` is
/// written `x(SO_1,SKU_1,DC_PAR,PAR_LYO_G,3)`.
fn lp_name(name: &str) -> String {
    const LEGAL: &str = "!\"#$%&(),.;?@_{}~";
    name.chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c if c.is_ascii_alphanumeric() || LEGAL.contains(c) => c,
            _ => '_',
        })
        .collect()
}

/// Names without whitespace (MPS separates fields by it).
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

/// Shortest text that reads back as the same f64.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if (1e-4..1e15).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Removes a temporary file when dropped, and on SIGINT, SIGTERM or SIGHUP before then:
/// Ctrl-C during a large model's translation must not leave its MPS file (157 MB on the
/// medium preset) in the temporary directory.
struct TempFile {
    path: PathBuf,
    _removed: RemovedOnSignal,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn temp_path(ext: &str) -> TempFile {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "recourse-export-{}-{}.{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _removed = RemovedOnSignal::new(&path);
    TempFile { path, _removed }
}

fn lp_via_highs(mps: &str) -> Result<Vec<u8>, ExportError> {
    let input = temp_path("mps");
    let output = temp_path("lp");
    std::fs::write(&input.path, mps).map_err(|source| ExportError::Temp {
        path: input.path.clone(),
        source,
    })?;
    // HiGHS takes the paths as C strings; an environment variable holds no NUL, so only a
    // temporary directory whose name is not UTF-8 (which HiGHS's own checks reject) fails.
    let c = |p: &Path| {
        p.to_str()
            .and_then(|t| CString::new(t).ok())
            .ok_or_else(|| ExportError::Temp {
                path: p.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "the temporary directory's name is not UTF-8",
                ),
            })
    };
    crate::optimize::highs::translate_model(&c(&input.path)?, &c(&output.path)?).map_err(|e| {
        ExportError::Highs {
            what: e.step,
            path: if e.output_file {
                output.path.clone()
            } else {
                input.path.clone()
            },
            status: e.status,
        }
    })?;
    std::fs::read(&output.path).map_err(|source| ExportError::Temp {
        path: output.path.clone(),
        source,
    })
}
