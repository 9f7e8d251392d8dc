//! Scenario documents as the command line writes them (`import`, `generate`, `apply`): in
//! the layout of every document it writes ([`crate::base::layout`]), with a whole number written without `.0` (`"on_hand": 400`, as
//! people and the datasets write it), so that a scenario read from CSV, applied or generated
//! diffs cleanly against one written by hand. Every number keeps its value: only whole
//! `f64`s within ±2^53 are written as integers, where every integer is exactly an `f64` (and
//! a JavaScript number), so a reader gets the same `f64` back; `-0.0` keeps its sign, and
//! every other number is written as serde_json writes it.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// `value` as JSON in the command line's layout into `writer`, whole numbers without `.0`.
pub fn to_writer_laid_out<W: Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    super::layout::to_writer_with(writer, Compact, value)
}

/// `value` as JSON text in the command line's layout, whole numbers without `.0`.
pub fn to_string_laid_out<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_writer_laid_out(&mut out, value)?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// `value` as compact JSON text (one line), whole numbers without `.0`: the worker's
/// `state`, which answers with the document `apply -o` writes.
pub fn to_string_compact<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Compact);
    value.serialize(&mut ser)?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// 2^53: every integer of at most this size is exactly an `f64`.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// The whole number `x` is, when writing it as an integer keeps its value.
fn whole(x: f64) -> Option<i64> {
    let negative_zero = x == 0.0 && x.is_sign_negative();
    (x.fract() == 0.0 && x.abs() <= EXACT && !negative_zero).then_some(x as i64)
}

/// serde_json's compact form (the trait's defaults) with whole numbers written as integers.
pub(crate) struct Compact;

impl Formatter for Compact {
    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, x: f64) -> io::Result<()> {
        match whole(x) {
            Some(n) => self.write_i64(w, n),
            None => serde_json::ser::CompactFormatter.write_f64(w, x),
        }
    }
    fn write_f32<W: ?Sized + Write>(&mut self, w: &mut W, x: f32) -> io::Result<()> {
        match whole(f64::from(x)) {
            Some(n) => self.write_i64(w, n),
            None => serde_json::ser::CompactFormatter.write_f32(w, x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_numbers_lose_their_point_and_nothing_else_changes() {
        let doc = json!({"on_hand": 400.0, "cost": 0.4, "empty": [], "nested": {"a": [1.5, -3.0]}});
        assert_eq!(
            to_string_laid_out(&doc).unwrap(),
            "{\n  \"cost\": 0.4,\n  \"empty\": [],\n  \"nested\": {\n    \"a\": [\n      1.5,\n      -3\n    ]\n  },\n  \"on_hand\": 400\n}"
        );
        // Without floats, and with no array of objects, the text is serde_json's pretty form.
        let plain = json!({"id": "a", "n": 3, "list": [true, null, "x"], "o": {}});
        assert_eq!(
            to_string_laid_out(&plain).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }

    /// Every number reads back as the same `f64`, bit for bit: the integers written, and
    /// the ones left as serde_json writes them (past 2^53, -0.0, fractions).
    #[test]
    fn every_number_reads_back_as_the_same_f64() {
        let xs = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            400.0,
            1e12,
            EXACT,
            -EXACT,
            EXACT * 2.0,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1,
            2.5,
            1e-7,
            123_456_789.125,
        ];
        for x in xs {
            let text = to_string_laid_out(&x).unwrap();
            let back: f64 = serde_json::from_str(&text).unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x} written as {text}");
            if whole(x).is_some() {
                assert!(!text.contains(['.', 'e']), "{x} written as {text}");
            }
        }
        assert_eq!(to_string_laid_out(&400.0f64).unwrap(), "400");
        assert_eq!(to_string_laid_out(&-0.0f64).unwrap(), "-0.0");
        assert_eq!(to_string_laid_out(&3.0f32).unwrap(), "3");
        assert_eq!(to_string_laid_out(&2.5f32).unwrap(), "2.5");
        assert_eq!(to_string_laid_out(&f64::NAN).unwrap(), "null");
    }

    /// The compact form is serde_json's compact text, whole numbers without their point.
    #[test]
    fn the_compact_form_is_one_line() {
        let doc = json!({"on_hand": 400.0, "cost": 0.4, "nested": {"a": [1.5, -3.0, -0.0]}});
        assert_eq!(
            to_string_compact(&doc).unwrap(),
            r#"{"cost":0.4,"nested":{"a":[1.5,-3,-0.0]},"on_hand":400}"#
        );
    }
}
