//! Reading the documents named on the command line: a path, or `-` for standard input.

use crate::base::diagnostics::Diagnostic;
use std::io::Read;
use std::path::Path;

/// The bytes of `path` (`-` = standard input), or a diagnostic that says why not.
///
/// Reading stops, with an error, at the first byte that makes the input unusable, so that a
/// device or a runaway pipe cannot exhaust memory: a NUL byte (no JSON or CSV text has one;
/// a binary file or UTF-16 text does), or a size above [`max_input_bytes`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let cap = max_input_bytes();
    let mut buf = Vec::new();
    let r = if path == Path::new("-") {
        read_bounded(&mut std::io::stdin().lock(), cap, &mut buf)
    } else {
        std::fs::File::open(path).and_then(|mut f| {
            // One allocation for a file of known size, instead of one per doubling, each
            // copying what was read so far.
            let size = f.metadata().map_or(0, |m| m.len());
            buf.reserve(size.min(cap) as usize + 1);
            read_bounded(&mut f, cap, &mut buf)
        })
    };
    let name = display_name(path);
    match r {
        Ok(Stop::End) => Ok(buf),
        Ok(Stop::Nul(at)) => Err(Diagnostic::error(
            "not_text",
            "",
            format!("{name} has a NUL byte at offset {at}: it is not a text file"),
        )
        .hint("pass a UTF-8 text file (a binary file, or text saved as UTF-16, has NUL bytes)")),
        Ok(Stop::TooLarge) => Err(Diagnostic::error(
            "input_too_large",
            "",
            format!("{name} is larger than {cap} bytes, the most recourse reads"),
        )
        .hint(format!(
            "split the scenario, or raise the limit with {MAX_INPUT_ENV}=<bytes> if this \
             machine has the memory (5 to 10 times the file's size)"
        ))),
        Err(e) => {
            let hint = match e.kind() {
                std::io::ErrorKind::NotFound => "check the path; use - to read standard input",
                std::io::ErrorKind::PermissionDenied => "check the file's permissions",
                _ => "check that the path names a readable file",
            };
            Err(Diagnostic::error("io", "", format!("cannot read {name}: {e}")).hint(hint))
        }
    }
}

/// The environment variable that overrides [`DEFAULT_MAX_INPUT_BYTES`].
pub const MAX_INPUT_ENV: &str = "RECOURSE_MAX_INPUT_BYTES";

/// The largest input read, in bytes, unless [`MAX_INPUT_ENV`] says otherwise: 1 GiB. On
/// files this size no model is built, and `solve` peaks at about 5 times the file (large,
/// 70 MB: 362 MB; 1,000,000 orders, 610 MB: 3.2 GB); a scenario with errors is read a
/// second time as a JSON tree to name them all, about 9 times the file (5.4 GB). So this is
/// within what a 24 GB machine can take, with room for a file twice the 1,000,000 orders'.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

/// [`DEFAULT_MAX_INPUT_BYTES`], or the whole number of bytes [`MAX_INPUT_ENV`] gives.
pub fn max_input_bytes() -> u64 {
    std::env::var(MAX_INPUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_INPUT_BYTES)
}

enum Stop {
    End,
    /// The offset of the first NUL byte.
    Nul(u64),
    TooLarge,
}

/// Reads `r` to its end into `buf`, unless it has a NUL byte or more than `cap` bytes.
fn read_bounded(r: &mut impl Read, cap: u64, buf: &mut Vec<u8>) -> std::io::Result<Stop> {
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match r.read(&mut chunk) {
            Ok(0) => return Ok(Stop::End),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(i) = chunk[..n].iter().position(|&b| b == 0) {
            return Ok(Stop::Nul(buf.len() as u64 + i as u64));
        }
        if buf.len() as u64 + n as u64 > cap {
            return Ok(Stop::TooLarge);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// How an input is named in messages.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}
