//! Watching a solve from outside: its progress as it runs, and a stop when asked.

use highs_sys as sys;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The progress line changes at most this often (an improving solution shows at once).
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Whether a progress report is due: forced (an improving solution), or [`PROGRESS_EVERY`]
/// after the last one, which `last` records.
fn due(last: &Mutex<Option<Instant>>, force: bool) -> bool {
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

/// What a watcher is told while a solve runs: the cheapest plan found so far, the highest
/// bound proven for the scenario so far, and their gap; `None` for what is not known yet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub incumbent: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
}

impl Snapshot {
    /// This snapshot with `incumbent` where it is cheaper and `bound` where it is higher,
    /// and the gap between the two (relative to the incumbent, as HiGHS's `mip_gap`).
    fn merged(self, incumbent: Option<f64>, bound: Option<f64>) -> Snapshot {
        let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
        let pick = |a: Option<f64>, b: Option<f64>, better: fn(f64, f64) -> f64| match (a, b) {
            (Some(a), Some(b)) => Some(better(a, b)),
            (a, b) => a.or(b),
        };
        let incumbent = pick(self.incumbent, finite(incumbent), f64::min);
        let bound = pick(self.bound, finite(bound), f64::max);
        Snapshot {
            incumbent,
            bound,
            gap: gap(incumbent, bound),
        }
    }

    /// This snapshot as a plan's progress is shown (the progress line, `$/progress`): a
    /// bound below 0 (HiGHS's dual bound early in its root, the LP-guided search's when its
    /// pricing is cut short) is 0, as the proposals document reports it, since no plan
    /// costs less; the gap follows. A MIP of any other sign is watched unfloored.
    pub fn of_a_plan(self) -> Snapshot {
        let bound = self.bound.map(|b| b.max(0.0));
        Snapshot {
            bound,
            gap: gap(self.incumbent, bound),
            ..self
        }
    }
}

/// The gap between an incumbent and a bound, when both are known.
fn gap(incumbent: Option<f64>, bound: Option<f64>) -> Option<f64> {
    Some(super::result::relative_gap(incumbent?, bound?))
}

/// Watches solves from outside: `report` hears their progress (at most every
/// `PROGRESS_EVERY`, and at every cheaper plan), and [`Watch::stop`] interrupts the
/// MIP at its next callback, which then ends with
/// [`Limit::Interrupt`](super::Limit::Interrupt) and its incumbent. What it reports is
/// what the whole solve knows: the searches tell it of each cheaper plan
/// ([`Watch::plan`]) and each bound for the scenario ([`Watch::bound`]), HiGHS's callback
/// of its MIP's, and [`Watch::tick`] repeats it while nothing new comes.
pub struct Watch {
    pub(super) stop: AtomicBool,
    pub(super) report: Box<dyn Fn(Snapshot) + Send + Sync>,
    pub(super) last: Mutex<Option<Instant>>,
    known: Mutex<Snapshot>,
}

impl Watch {
    pub fn watcher(report: impl Fn(Snapshot) + Send + Sync + 'static) -> Watcher {
        Watcher(std::sync::Arc::new(Watch {
            stop: AtomicBool::new(false),
            report: Box::new(report),
            last: Mutex::new(None),
            known: Mutex::new(Snapshot::default()),
        }))
    }
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// A plan of the scenario costing `cost` was found: reported at once when it is the
    /// cheapest so far.
    pub fn plan(&self, cost: f64) {
        self.learn(Some(cost), None, true);
    }

    /// `bound` is a lower bound on the cost of every plan of the scenario.
    pub fn bound(&self, bound: f64) {
        self.learn(None, Some(bound), false);
    }

    /// What is known, again, when a report is due: a sign of life while a search runs
    /// without news.
    pub fn tick(&self) {
        self.learn(None, None, false);
    }

    /// What is known so far.
    pub fn known(&self) -> Snapshot {
        self.known.lock().map(|k| *k).unwrap_or_default()
    }

    /// Merges what was learnt into what is known and reports it when due: at once when the
    /// plan is cheaper than any before and `cheaper_now`.
    fn learn(&self, incumbent: Option<f64>, bound: Option<f64>, cheaper_now: bool) {
        let Ok(mut known) = self.known.lock() else {
            return;
        };
        let before = known.incumbent;
        *known = known.merged(incumbent, bound);
        let cheaper = known.incumbent != before;
        let now = *known;
        drop(known);
        if due(&self.last, cheaper && cheaper_now) {
            (self.report)(now);
        }
    }

    /// `bound_holds`: the MIP's bound is one for the whole scenario (not a model that holds
    /// orders, whose bound is only its own); otherwise only its incumbent is learnt.
    pub(super) fn heard(&self, out: &sys::HighsCallbackDataOut, force: bool, bound_holds: bool) {
        let bound = Some(out.mip_dual_bound).filter(|_| bound_holds);
        self.learn(Some(out.mip_primal_bound), bound, force);
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

#[cfg(test)]
mod tests {
    use super::Snapshot;

    #[test]
    fn a_bound_below_zero_is_reported_as_zero() {
        // HiGHS's dual bound early in demo-eu's root was -3,958,077: the progress line read
        // "gap 326116.81%".
        let s = Snapshot::default().merged(Some(1214.07), Some(-3_958_077.0));
        assert_eq!(s.bound, Some(-3_958_077.0));
        assert_eq!(
            (s.of_a_plan().bound, s.of_a_plan().gap),
            (Some(0.0), Some(1.0))
        );
        let s = s.merged(None, Some(1071.21));
        assert_eq!(s.of_a_plan(), s);
        assert_eq!(s.merged(None, Some(-5.0)).of_a_plan().bound, Some(1071.21));
    }
}
