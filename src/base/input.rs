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
        std::fs::File::open(path).and_then(|mut f| read_file(&mut f, cap, &mut buf))
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

/// Where a bounded read stopped.
#[derive(Debug)]
pub enum Stop {
    End,
    /// The offset of the first NUL byte.
    Nul(u64),
    TooLarge,
}

/// Reads the open file `f` from where it stands to its end into `buf`, as [`read_input`]
/// reads a path: stopping at the first NUL byte or past `cap` bytes ([`max_input_bytes`]
/// for what recourse reads). For a file already opened, as one that is also locked or
/// written to.
pub fn read_file(f: &mut std::fs::File, cap: u64, buf: &mut Vec<u8>) -> std::io::Result<Stop> {
    // One allocation for a file of known size, instead of one per doubling, each copying
    // what was read so far.
    let size = f.metadata().map_or(0, |m| m.len());
    buf.reserve(size.min(cap) as usize + 1);
    read_bounded(f, cap, buf)
}

/// Reads `r` to its end into `buf`, unless it has a NUL byte or more than `cap` bytes.
fn read_bounded(r: &mut impl Read, cap: u64, buf: &mut Vec<u8>) -> std::io::Result<Stop> {
    // Read straight into `buf` (no copy through a chunk), a step at a time, each step's
    // bytes searched for a NUL with `memchr`, which compares many bytes an instruction.
    const STEP: usize = 1 << 20;
    loop {
        let old = buf.len();
        // Within what is reserved, when anything is (a file's size): past it, `resize`
        // would reallocate and copy everything read so far.
        let spare = match buf.capacity() - old {
            0 => STEP,
            n => n.min(STEP),
        };
        let room = cap
            .saturating_add(1)
            .saturating_sub(old as u64)
            .min(spare as u64) as usize;
        buf.resize(old + room.max(1), 0);
        let n = match r.read(&mut buf[old..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                buf.truncate(old);
                continue;
            }
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        };
        buf.truncate(old + n);
        if n == 0 {
            return Ok(Stop::End);
        }
        if let Some(i) = memchr::memchr(0, &buf[old..]) {
            return Ok(Stop::Nul(old as u64 + i as u64));
        }
        if buf.len() as u64 > cap {
            return Ok(Stop::TooLarge);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most 700 bytes a call, as a pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(out.len()).min(700);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn read(data: &[u8], cap: u64) -> (Stop, Vec<u8>) {
        let mut buf = Vec::new();
        let stop = read_bounded(&mut Trickle(data), cap, &mut buf).unwrap();
        (stop, buf)
    }

    #[test]
    fn reading_keeps_every_byte_stops_at_a_nul_and_past_the_cap() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let (stop, buf) = read(&data, 3_000_000);
        assert!(matches!(stop, Stop::End));
        assert_eq!(buf, data);
        assert!(matches!(read(&data, 2_999_999).0, Stop::TooLarge));
        // A NUL past the first step of 1 MiB is found at its offset.
        let mut with_nul = data.clone();
        with_nul[1_500_001] = 0;
        assert!(matches!(read(&with_nul, u64::MAX).0, Stop::Nul(1_500_001)));
        assert!(matches!(read(b"", 0).0, Stop::End));
        assert!(matches!(read(b"x", 0).0, Stop::TooLarge));
    }
}
