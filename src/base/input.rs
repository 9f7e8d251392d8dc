//! Reading the documents named on the command line: a path, or `-` for standard input.

use crate::base::diagnostics::Diagnostic;
use std::io::Read;
use std::path::Path;

/// The bytes of `path` (`-` = standard input), or a diagnostic that says why not.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let mut buf = Vec::new();
    let r = if path == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut buf).map(|_| ())
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut buf))
            .map(|_| ())
    };
    r.map(|_| buf).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => "check the path; use - to read standard input",
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check that the path names a readable file",
        };
        Diagnostic::error("io", "", format!("cannot read {}: {e}", display_name(path))).hint(hint)
    })
}

/// How an input is named in messages.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}
