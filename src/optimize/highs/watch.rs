//! Watching a solve from outside: its progress as it runs, and a stop when asked.

use highs_sys as sys;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The progress line changes at most this often (an improving solution shows at once).
pub(super) const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Whether a progress report is due: forced (an improving solution), or [`PROGRESS_EVERY`]
/// after the last one, which `last` records.
pub(super) fn due(last: &Mutex<Option<Instant>>, force: bool) -> bool {
    let now = Instant::now();
    let Ok(mut last) = last.lock() else {
        return false;
    };
    if !force && last.is_some_and(|t| now.duration_since(t) < PROGRESS_EVERY) {
        return false;
    }
    *last = Some(now);
    true
}

/// What a watcher is told while a MIP runs: the incumbent, the bound and their gap so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapshot {
    pub incumbent: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
}

/// Watches solves from outside: `report` hears their progress (at most every
/// `PROGRESS_EVERY`, and at every improving solution), and [`Watch::stop`] interrupts the
/// MIP at its next callback, which then ends with
/// [`Limit::Interrupt`](super::Limit::Interrupt) and its incumbent.
pub struct Watch {
    pub(super) stop: AtomicBool,
    pub(super) report: Box<dyn Fn(Snapshot) + Send + Sync>,
    pub(super) last: Mutex<Option<Instant>>,
}

impl Watch {
    pub fn watcher(report: impl Fn(Snapshot) + Send + Sync + 'static) -> Watcher {
        Watcher(std::sync::Arc::new(Watch {
            stop: AtomicBool::new(false),
            report: Box::new(report),
            last: Mutex::new(None),
        }))
    }
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// `bound_holds`: the MIP's bound is one for the whole scenario (not a model that holds
    /// orders, whose bound is only its own); otherwise no bound and no gap are told.
    pub(super) fn heard(&self, out: &sys::HighsCallbackDataOut, force: bool, bound_holds: bool) {
        if !due(&self.last, force) {
            return;
        }
        let finite = |v: f64| v.is_finite().then_some(v);
        (self.report)(Snapshot {
            incumbent: finite(out.mip_primal_bound),
            bound: finite(out.mip_dual_bound).filter(|_| bound_holds),
            gap: finite(out.mip_gap).filter(|g| *g >= 0.0 && bound_holds),
        });
    }
}

/// A shared [`Watch`]; equal when it is the same watch.
#[derive(Clone)]
pub struct Watcher(pub std::sync::Arc<Watch>);

impl std::ops::Deref for Watcher {
    type Target = Watch;
    fn deref(&self) -> &Watch {
        &self.0
    }
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Watcher(stopped: {})", self.stopped())
    }
}

impl PartialEq for Watcher {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}
