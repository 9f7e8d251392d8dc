//! Limits on input values, shared by every reader so that a value is refused the same way
//! wherever it comes from.

/// Quantities, capacities and costs above this are taken for data errors (a unit count or a
/// currency amount of 10^12 is not a plan, it is a typo or an overflow upstream).
pub const ABSURD: f64 = 1e12;
/// The longest planning horizon a scenario may have, in days.
pub const MAX_HORIZON: i64 = 366;
