//! Limits on input values, shared by every reader so that a value is refused the same way
//! wherever it comes from.

/// Quantities, capacities and costs above this are taken for data errors (a unit count or a
/// currency amount of 10^12 is not a plan, it is a typo or an overflow upstream).
pub const ABSURD: f64 = 1e12;
/// The longest planning horizon a scenario may have, in days.
pub const MAX_HORIZON: i64 = 366;

/// The longest lead time a lane may have, and the most days one `lane_delay` may add to
/// it: four of the longest horizons (the schema's maximum for both fields says the same).
pub const MAX_LEAD_DAYS: i64 = 4 * MAX_HORIZON;

/// The most solver threads a scenario or `--threads` may ask for (0 means all cores). HiGHS
/// aborts the process when it cannot start the threads it is given, and no machine this
/// runs on has more cores.
pub const MAX_THREADS: i64 = 1024;

/// The longest time limit a scenario or `--time-limit` may give, in seconds (about 116
/// days): a longer one is a unit mistake, and HiGHS's own timer misbehaves far above it.
pub const MAX_TIME_LIMIT_S: f64 = 1e7;

/// Whether `t` is a time limit a solve can honour: above 0 and at most
/// [`MAX_TIME_LIMIT_S`] (NaN is not). The policy, `--time-limit` and the worker's
/// `time_limit` all pass this.
pub fn time_limit_ok(t: f64) -> bool {
    t > 0.0 && t <= MAX_TIME_LIMIT_S
}

/// Whether `g` is a relative MIP gap: in 0..=1 (NaN is not).
pub fn gap_ok(g: f64) -> bool {
    (0.0..=1.0).contains(&g)
}

/// The longest id (of the scenario, a node, lane, SKU, order, receipt or disruption), in
/// characters. ERP and WMS codes run to a few dozen; every id is copied into messages,
/// model names and documents, so one of megabytes would multiply memory and output.
pub const MAX_ID_CHARS: usize = 200;

/// The memory the kernel says a new allocation can still get without swapping
/// (`MemAvailable` of `/proc/meminfo`), in bytes; `None` where that is not known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}
