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
    let cap = max_input_bytes().map_err(|e| e.diagnostic())?;
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
            "split the scenario, or raise the limit with {MAX_INPUT_ENV} (e.g. 2G) if this \
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

/// [`DEFAULT_MAX_INPUT_BYTES`], or the size [`MAX_INPUT_ENV`] gives ([`parse_size`]; set
/// and empty is the default). Every reader of the cap gets it here, so a value that is not
/// a size, or 0, is refused alike wherever it is read, never taken for the default (which
/// would silently undo an operator's lower cap) nor for a cap that refuses every input.
pub fn max_input_bytes() -> Result<u64, BadMaxInput> {
    let Some(value) = std::env::var_os(MAX_INPUT_ENV) else {
        return Ok(DEFAULT_MAX_INPUT_BYTES);
    };
    let bad = |why| BadMaxInput {
        value: value.to_string_lossy().into_owned(),
        why,
    };
    let text = value.to_str().ok_or_else(|| bad("is not UTF-8 text"))?;
    if text.trim().is_empty() {
        return Ok(DEFAULT_MAX_INPUT_BYTES);
    }
    match parse_size(text) {
        Ok(0) => Err(bad("would refuse every input")),
        Ok(n) => Ok(n),
        Err(why) => Err(bad(why)),
    }
}

/// [`MAX_INPUT_ENV`] set to what is not a size, or to 0.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{MAX_INPUT_ENV}={value:?} {why}: give the most bytes recourse reads, as a whole number, \
     or one with k, M or G (powers of 1024; KiB, MiB, GiB too), e.g. {MAX_INPUT_ENV}=512M"
)]
pub struct BadMaxInput {
    /// The variable's value (invalid UTF-8 replaced).
    pub value: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl BadMaxInput {
    /// As a diagnostic, for a reader that reports in diagnostics.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::error("bad_input_cap", "", self.to_string())
    }
}

/// A size in bytes: a whole number, optionally followed by `k`, `M` or `G` (powers of 1024,
/// any case; `KiB`, `MiB`, `GiB` too), spaces around it or before the suffix allowed.
/// `KB`, `MB`, `GB` are refused: read as powers of 1000 by some and 1024 by others, they
/// would set a cap other than the one meant. The error says what is wrong.
pub fn parse_size(text: &str) -> Result<u64, &'static str> {
    let text = text.trim();
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return Err("is not a size");
    }
    let shift = match text[digits..].trim_start().to_ascii_lowercase().as_str() {
        "" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        "kb" | "mb" | "gb" => return Err("is not a size (KB, MB, GB are powers of 1000 to some)"),
        _ => return Err("is not a size"),
    };
    text[..digits]
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or("is more bytes than can be counted (2^64)")
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
    fn a_size_is_bytes_or_a_power_of_1024_and_nothing_else() {
        for (text, bytes) in [
            ("1048576", 1 << 20),
            (" 10k ", 10 << 10),
            ("10K", 10 << 10),
            ("512M", 512 << 20),
            ("512 MiB", 512 << 20),
            ("2g", 2 << 30),
            ("1GiB", 1 << 30),
            ("0", 0),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for text in [
            "", "abc", "1.5G", "-1", "+5", "1T", "M", "5 5", "k10", "5 kB x",
        ] {
            assert_eq!(parse_size(text), Err("is not a size"), "{text:?}");
        }
        for text in ["512MB", "10kb", "1 GB"] {
            assert!(
                parse_size(text).unwrap_err().contains("powers of 1000"),
                "{text}"
            );
        }
        assert!(parse_size("18446744073709551616").is_err());
        assert!(parse_size("17179869184G").is_err());
        assert_eq!(parse_size("17179869183G"), Ok(17179869183 << 30));
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
