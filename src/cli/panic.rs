//! A panic is a bug in recourse, never the user's doing: it must reach the user as exit 3
//! and one line, not as Rust's own message and exit 101.

use recourse::base::exit;

/// A panic is a bug in recourse, never the user's doing: it ends the process with exit 3
/// and one line saying where, from whichever thread it happens in (a rayon worker's panic
/// would otherwise surface as exit 101 with Rust's own message). `RUST_BACKTRACE=1` adds
/// the backtrace for the bug report.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        note!(
            "internal error: {what}{place}. This is a bug in recourse {}; please report it \
             with the command and its input.",
            env!("CARGO_PKG_VERSION")
        );
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            note!("{}", std::backtrace::Backtrace::force_capture());
        }
        std::process::exit(exit::INTERNAL);
    }));
}
