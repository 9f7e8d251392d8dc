//! Dates as SCENARIO.md writes them, `YYYY-MM-DD`, each a day of the calendar: one reading
//! for the scenario and for the plans the checker reads, so both name a problem alike.

use super::text::clip;
use chrono::NaiveDate;

/// How to write a date, for a message's hint.
pub const DATE_HINT: &str = "write dates as YYYY-MM-DD, e.g. 2026-11-27";

/// `s` as a date, or the problem and its hint: a text not shaped `YYYY-MM-DD` (echoed cut
/// to 40 characters), or one so shaped that names no day (`2026-02-30`).
pub fn iso_date(s: &str) -> Result<NaiveDate, (String, &'static str)> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err((format!("\"{}\" is not an ISO date", clip(s, 40)), DATE_HINT));
    }
    // Ten ASCII bytes: the slices are whole characters, and each part is digits.
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10)).ok_or_else(|| {
        (
            format!("\"{s}\" is not a calendar date"),
            "check the month and the day of the month",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn shapes_and_calendar_days_are_told_apart() {
        assert_eq!(iso_date("2028-02-29").unwrap().to_string(), "2028-02-29");
        assert!(iso_date("2026-02-30")
            .unwrap_err()
            .0
            .contains("not a calendar date"));
        assert!(iso_date("2026-2-3")
            .unwrap_err()
            .0
            .contains("not an ISO date"));
        assert!(iso_date("+2026-02-03")
            .unwrap_err()
            .0
            .contains("not an ISO date"));
        let long = "9".repeat(1000);
        assert!(iso_date(&long).unwrap_err().0.len() < 80);
    }
}
