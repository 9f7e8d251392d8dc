//! HiGHS's callback: its log to stderr or kept for errors, what a watcher hears, and the
//! stop it asks for.

use super::options::SolveOptions;
use super::watch::Watcher;
use highs_sys as sys;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// HiGHS's `HighsLogType`: kInfo = 1, kDetailed, kVerbose, kWarning, kError.
const LOG_WARNING: c_int = 4;
const LOG_ERROR: c_int = 5;
/// Warning and error lines kept for an error message.
const MAX_MESSAGES: usize = 20;

/// What the callback reaches through its `user_data` pointer. Shared with HiGHS's threads,
/// hence the mutexes.
pub(super) struct CallbackState {
    pub(super) verbose: bool,
    pub(super) watch: Option<Watcher>,
    /// The MIP decides every order: its bound is one for the scenario, which the watcher
    /// may be told.
    pub(super) bound_holds: bool,
    pub(super) messages: Mutex<Vec<String>>,
    /// The start of a log line whose end HiGHS has not sent yet.
    pending: Mutex<String>,
    /// Set if the callback ever panicked; it then does nothing more.
    panicked: AtomicBool,
}

impl Drop for CallbackState {
    /// Also on the error paths, which leave before `solve` calls `finish`.
    fn drop(&mut self) {
        self.finish();
    }
}

impl CallbackState {
    pub(super) fn new(opts: &SolveOptions) -> Self {
        Self {
            verbose: opts.verbose,
            watch: opts.watch.clone(),
            bound_holds: !opts.holds_orders,
            messages: Mutex::new(Vec::new()),
            pending: Mutex::new(String::new()),
            panicked: AtomicBool::new(false),
        }
    }

    /// Writes whatever is left of the last log line.
    pub(super) fn finish(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            let rest = std::mem::take(&mut *pending);
            self.to_stderr(&rest);
        }
    }

    fn to_stderr(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        // Not eprint!: a closed stderr must not panic inside the solver.
        let _ = std::io::stderr().write_all(text.as_bytes());
    }

    pub(super) fn messages(&self) -> Vec<String> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn on_log(&self, log_type: c_int, text: &str) {
        if self.verbose {
            // HiGHS logs a line in pieces: only whole lines go out, so that what other
            // threads write meanwhile does not cut into one.
            let lines = match self.pending.lock() {
                Ok(mut pending) => {
                    pending.push_str(text);
                    match pending.rfind('\n') {
                        Some(end) => pending.drain(..=end).collect(),
                        None => String::new(),
                    }
                }
                Err(_) => text.to_string(),
            };
            self.to_stderr(&lines);
        }
        if log_type == LOG_WARNING || log_type == LOG_ERROR {
            // "ERROR:   Col             0  has ..." -> "Col 0 has ...".
            let text = text.trim_start();
            let text = text
                .strip_prefix("ERROR:")
                .or_else(|| text.strip_prefix("WARNING:"))
                .unwrap_or(text);
            let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !line.is_empty() {
                if let Ok(mut messages) = self.messages.lock() {
                    if messages.len() < MAX_MESSAGES {
                        messages.push(line);
                    }
                }
            }
        }
    }
}

/// The one function HiGHS calls back. It must not unwind into C, so everything runs inside
/// `catch_unwind`; after a panic it does nothing more (the solve goes on unobserved).
pub(super) unsafe extern "C" fn on_highs_callback(
    kind: c_int,
    message: *const c_char,
    out: *const sys::HighsCallbackDataOut,
    data_in: *mut sys::HighsCallbackDataIn,
    user_data: *mut c_void,
) {
    if user_data.is_null() {
        return;
    }
    // SAFETY: `user_data` is the `CallbackState` that `Session` keeps alive for as long as
    // the HiGHS instance exists.
    let state = unsafe { &*(user_data as *const CallbackState) };
    if state.panicked.load(Ordering::Relaxed) {
        return;
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: HiGHS passes a valid data_out for every callback kind, and a NUL-terminated
        // message (or null).
        let out = unsafe { out.as_ref() };
        match kind {
            sys::kHighsCallbackLogging => {
                if message.is_null() {
                    return;
                }
                // SAFETY: see above.
                let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
                state.on_log(out.map_or(0, |o| o.log_type), &text);
            }
            sys::kHighsCallbackMipInterrupt | sys::kHighsCallbackMipImprovingSolution => {
                let improving = kind == sys::kHighsCallbackMipImprovingSolution;
                if let Some(watch) = &state.watch {
                    if let Some(out) = out {
                        watch.heard(out, improving, state.bound_holds);
                    }
                    if kind == sys::kHighsCallbackMipInterrupt && watch.stopped() {
                        // SAFETY: HiGHS passes a valid data_in to the interrupt callback.
                        if let Some(data_in) = unsafe { data_in.as_mut() } {
                            data_in.user_interrupt = 1;
                        }
                    }
                }
            }
            sys::kHighsCallbackSimplexInterrupt | sys::kHighsCallbackIpmInterrupt
                if state.watch.as_ref().is_some_and(|w| w.stopped()) =>
            {
                // SAFETY: HiGHS passes a valid data_in to the interrupt callbacks.
                if let Some(data_in) = unsafe { data_in.as_mut() } {
                    data_in.user_interrupt = 1;
                }
            }
            _ => {}
        }
    }));
    if result.is_err() {
        state.panicked.store(true, Ordering::Relaxed);
    }
}
