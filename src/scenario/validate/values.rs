//! Numbers and dates: amounts, units, locations, dates and the days of the horizon they fall on.

use super::validator::Validator;
use crate::base::limits::{ABSURD, MAX_HORIZON};
use crate::base::text::{clip, number};
use crate::scenario::domain::*;
use crate::scenario::wire::*;
use chrono::NaiveDate;
use std::fmt;

/// The longest currency: a code ("EUR") or a short symbol ("k€") fits.
const MAX_CURRENCY_CHARS: usize = 8;

/// The latest `as_of` accepted: every date a plan can name (the horizon, and arrivals up to
/// a horizon's length after it) must still have a four-digit year.
pub(super) fn last_as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a calendar date")
        - chrono::Duration::days(2 * MAX_HORIZON + 1)
}

impl Validator {
    pub(super) fn amount(&mut self, path: &dyn fmt::Display, v: f64, what: &str) -> bool {
        if v < 0.0 {
            self.err(
                "negative",
                path.to_string(),
                format!("{what} is {}, below 0", number(v)),
                format!("{what} must be 0 or more"),
            );
            false
        } else if v > ABSURD {
            self.err(
                "absurd_value",
                path.to_string(),
                format!("{what} is {v:e}, above the {ABSURD:e} this program accepts"),
                "check the units and the export that produced this number",
            );
            false
        } else {
            true
        }
    }

    /// A node's location: degrees within the earth's ranges.
    pub(super) fn location(&mut self, i: usize, at: &Location) -> bool {
        let mut ok = true;
        for (name, v, limit) in [("lat", at.lat, 90.0), ("lon", at.lon, 180.0)] {
            if !(-limit..=limit).contains(&v) {
                self.err(
                    "bad_location",
                    format!("nodes[{i}].location.{name}"),
                    format!("{name} is {}, outside -{limit}..{limit} degrees", number(v)),
                    "give latitude and longitude in decimal degrees, e.g. {\"lat\": 48.85, \"lon\": 2.35}",
                );
                ok = false;
            }
        }
        ok
    }

    /// A quantity of units of a product; whole when the policy asks for whole units.
    pub(super) fn units(&mut self, path: &dyn fmt::Display, v: f64, what: &str) -> bool {
        if !self.amount(path, v, what) {
            return false;
        }
        if self.integer && v.fract() != 0.0 {
            self.err(
                "fractional_units",
                path.to_string(),
                format!("{what} is {}, not a whole number of units", number(v)),
                "round it, or set policy.integer_quantities to false for divisible goods",
            );
            return false;
        }
        true
    }

    /// The currency is written after every amount in texts, tables and the page: a short
    /// code or symbol ("EUR", "USD", "k€"), on one line and in reading order.
    pub(super) fn currency(&mut self, c: &str) {
        let n = c.chars().count();
        let bad = c
            .chars()
            .find(|ch| ch.is_control())
            .or_else(|| super::refs::reorders(c));
        if n == 0 || n > MAX_CURRENCY_CHARS || bad.is_some() {
            let why = match bad {
                Some(ch) => format!("has the control character U+{:04X} in it", ch as u32),
                None if n == 0 => "is empty".to_owned(),
                None => format!("is {n} characters long, more than {MAX_CURRENCY_CHARS}"),
            };
            self.err(
                "bad_currency",
                "currency",
                format!("currency {:?} {why}", clip(c, 24)),
                "write a currency code such as \"EUR\" or \"USD\" (at most 8 characters), or leave `currency` out",
            );
        }
    }

    pub(super) fn date(&mut self, path: &dyn fmt::Display, s: &str) -> Option<NaiveDate> {
        match crate::base::dates::iso_date(s) {
            Ok(d) => Some(d),
            Err((message, hint)) => {
                self.err("bad_date", path.to_string(), message, hint);
                None
            }
        }
    }

    /// A date as a day offset from `as_of` (`None` when either date is bad).
    pub(super) fn day(&mut self, path: &dyn fmt::Display, s: &str) -> Option<Day> {
        let d = self.date(path, s)?;
        Some((d - self.as_of?).num_days())
    }

    /// An arrival date (an eta): the date itself, and the day it is usable: before `as_of`
    /// means day 0 (with a warning), at or after H means never inside the horizon.
    pub(super) fn eta(
        &mut self,
        path: &dyn fmt::Display,
        s: &str,
    ) -> Option<(NaiveDate, Day, Option<u32>)> {
        let date = self.date(path, s)?;
        let d = (date - self.as_of?).num_days();
        let h = i64::from(self.horizon?);
        if d < 0 {
            self.warn(
                "eta_in_past",
                path.to_string(),
                format!("eta {s} is before as_of; taken as day 0 (already arrived)"),
            );
        }
        let clamped = d.max(0);
        Some((date, clamped, (clamped < h).then_some(clamped as u32)))
    }

    /// An outage period as day offsets; checks the order of the two dates.
    pub(super) fn period(&mut self, p: &str, from: &str, until: &str) -> Option<(Day, Day)> {
        let f = self.day(&format_args!("{p}.from"), from);
        let u = self.day(&format_args!("{p}.until"), until);
        let (f, u) = (f?, u?);
        if u < f {
            self.err(
                "period_reversed",
                format!("{p}.until"),
                format!("until ({until}) is before from ({from})"),
                "give the first and the last day of the outage, in that order",
            );
            return None;
        }
        Some((f, u))
    }
}
