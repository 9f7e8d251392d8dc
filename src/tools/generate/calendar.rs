//! Days of the horizon: their dates and weekdays, and the weekday masks lanes depart on.

use crate::scenario::wire::Weekday;
use chrono::{Datelike, NaiveDate};

pub(super) struct Calendar {
    pub(super) as_of: NaiveDate,
    pub(super) h: usize,
    /// Weekday index (Monday = 0) of day 0.
    wd0: usize,
    /// Date strings of days 0..h + 64.
    dates: Vec<String>,
}

impl Calendar {
    pub(super) fn new(as_of: NaiveDate, h: usize) -> Self {
        let dates = (0..h as i64 + 64)
            .map(|d| {
                (as_of + chrono::Duration::days(d))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .collect();
        Self {
            as_of,
            h,
            wd0: as_of.weekday().num_days_from_monday() as usize,
            dates,
        }
    }

    pub(super) fn date(&self, d: i64) -> String {
        match usize::try_from(d).ok().and_then(|i| self.dates.get(i)) {
            Some(s) => s.clone(),
            None => (self.as_of + chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string(),
        }
    }

    pub(super) fn weekday_bit(&self, d: i64) -> u8 {
        1 << ((self.wd0 as i64 + d).rem_euclid(7))
    }
}

pub(super) const MON_FRI: u8 = 0x1f;
pub(super) const MON_SAT: u8 = 0x3f;
pub(super) const MON_WED_FRI: u8 = 0b0001_0101;

pub(super) fn weekdays(mask: u8) -> Vec<Weekday> {
    use Weekday::*;
    [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
        .into_iter()
        .filter(|w| mask & (1 << w.index()) != 0)
        .collect()
}
