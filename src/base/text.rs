//! How numbers and counts read in messages, reasons and reports: one place for each.

/// A unit count as a planner writes it: no ".0" on whole numbers.
pub fn qty(q: f64) -> String {
    if q.fract() == 0.0 && q.abs() < 1e15 {
        format!("{}", q as i64)
    } else {
        format!("{}", (q * 1e6).round() / 1e6)
    }
}

/// A count with its noun, singular for exactly 1: "1 day", "40 units", "2.5 units". The
/// one place the reports and messages make a plural.
pub fn plural(n: f64, word: &str) -> String {
    if n == 1.0 {
        format!("1 {word}")
    } else {
        format!("{} {word}s", qty(n))
    }
}

/// A unit count with its noun: "1 unit", "40 units", "2.5 units".
pub fn units(q: f64) -> String {
    plural(q, "unit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_a_planner_writes_them() {
        assert_eq!(qty(40.0), "40");
        assert_eq!(qty(2.5), "2.5");
        assert_eq!(units(1.0), "1 unit");
        assert_eq!(units(40.0), "40 units");
        assert_eq!(units(0.5), "0.5 units");
        assert_eq!(plural(1.0, "day"), "1 day");
        assert_eq!(plural(0.0, "order"), "0 orders");
    }
}
