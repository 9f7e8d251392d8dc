//! When the relaxation stops: a deadline, or a stop someone asked for.

use std::time::Instant;

/// When the relaxation stops: at a deadline, or when someone stops the solve (the worker's
/// `$/cancelRequest`), so that a stopped solve answers at once.
pub struct Until<'a> {
    pub deadline: Instant,
    pub stopped: &'a (dyn Fn() -> bool + Sync),
}

impl Until<'_> {
    /// Until `deadline`, whatever happens.
    pub fn deadline(deadline: Instant) -> Until<'static> {
        Until {
            deadline,
            stopped: &|| false,
        }
    }

    pub(super) fn passed(&self) -> bool {
        Instant::now() >= self.deadline || (self.stopped)()
    }
}
