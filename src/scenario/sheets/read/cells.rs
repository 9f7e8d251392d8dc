//! The builder that turns rows into the document, and its typed reads of one cell (text,
//! numbers, yes/no), each problem reported at the cell.

use super::origins::Origins;
use super::parse::Row;
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::scenario::sheets::tables::*;
use std::collections::{HashMap, HashSet};

/// Turns the rows into a document, collecting problems in `diags`.
pub(super) struct Builder {
    pub(super) diags: Diagnostics,
    pub(super) origins: Origins,
    pub(super) tables: HashMap<&'static str, Vec<Row>>,
    /// The ids of rows refused as a whole, per file: rows that are there, whose own
    /// problem is said, so that a reference to one is not also "no such row".
    pub(super) refused: HashMap<&'static str, HashSet<String>>,
    /// The tables that were not read: absent, or unusable (said already, at the file or
    /// its header). A reference into one is not also "no such row".
    pub(super) unread: HashSet<&'static str>,
}

impl Builder {
    /// The rows of `t` that make the document; the ids of the refused ones (their `field`
    /// in scenario.csv and policy.csv) go to `refused`.
    pub(super) fn rows(&mut self, t: &Table) -> Vec<Row> {
        let (refused, rows): (Vec<Row>, Vec<Row>) = self
            .tables
            .remove(t.file)
            .unwrap_or_default()
            .into_iter()
            .partition(|r| r.refused);
        for r in refused {
            if let Some(id) = r.cells.get("id").or_else(|| r.cells.get("field")) {
                self.refuse(t, id.clone());
            }
        }
        rows
    }

    /// Notes that the row of `t` with this id was refused, its problem said.
    pub(super) fn refuse(&mut self, t: &Table, id: String) {
        self.refused.entry(t.file).or_default().insert(id);
    }

    /// Whether a row of `t` with this id may be there, its absence explained already: its
    /// row was refused, or `t` was not read.
    pub(super) fn said_already(&self, t: &Table, id: &str) -> bool {
        self.unread.contains(t.file) || self.refused.get(t.file).is_some_and(|ids| ids.contains(id))
    }

    pub(super) fn error(&mut self, r: &Row, column: &str, code: &str, message: String) {
        self.diags
            .push(Diagnostic::error(code, at(r, column), message));
    }

    pub(super) fn opt_str(&mut self, r: &Row, c: &str) -> Option<String> {
        r.cells.get(c).cloned()
    }

    /// Reports a required cell left empty.
    pub(super) fn required(&mut self, r: &Row, c: &str) {
        if !r.cells.contains_key(c) {
            self.error(r, c, "missing_value", format!("{c} is empty"));
        }
    }

    pub(super) fn str(&mut self, r: &Row, c: &str) -> String {
        self.required(r, c);
        r.cells.get(c).cloned().unwrap_or_default()
    }

    /// The cell `c` read by `read` (given the file's decimal comma), its problem said at
    /// the cell; `None` when it is empty or unreadable.
    fn read<T>(
        &mut self,
        r: &Row,
        c: &str,
        read: fn(&str, bool) -> Result<T, Diagnostic>,
    ) -> Option<T> {
        let v = r.cells.get(c)?;
        match read(v, r.decimal_comma) {
            Ok(x) => {
                if r.decimal_comma {
                    if let Some(w) = grouped_like(v) {
                        self.diags.push(Diagnostic {
                            path: at(r, c),
                            ..w
                        });
                    }
                }
                Some(x)
            }
            Err(d) => {
                self.diags.push(Diagnostic {
                    path: at(r, c),
                    ..d
                });
                None
            }
        }
    }

    pub(super) fn opt_f64(&mut self, r: &Row, c: &str) -> Option<f64> {
        self.read(r, c, number)
    }

    pub(super) fn f64(&mut self, r: &Row, c: &str) -> f64 {
        self.required(r, c);
        self.opt_f64(r, c).unwrap_or(0.0)
    }

    pub(super) fn opt_i64(&mut self, r: &Row, c: &str) -> Option<i64> {
        self.read(r, c, whole_number)
    }

    pub(super) fn i64(&mut self, r: &Row, c: &str) -> i64 {
        self.required(r, c);
        self.opt_i64(r, c).unwrap_or(0)
    }

    pub(super) fn opt_bool(&mut self, r: &Row, c: &str) -> Option<bool> {
        let v = r.cells.get(c)?;
        match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => {
                self.error(
                    r,
                    c,
                    "not_a_boolean",
                    format!("\"{v}\" is not true or false"),
                );
                None
            }
        }
    }

    /// Cells a row fills that its kind does not use: an error, so nothing is dropped silently.
    pub(super) fn unused(&mut self, r: &Row, used: &[&str], kind: &str) {
        let mut extra: Vec<&str> = r
            .cells
            .keys()
            .copied()
            .filter(|c| !used.contains(c))
            .collect();
        extra.sort();
        for c in extra {
            self.error(
                r,
                c,
                "unused_cell",
                format!(
                    "{} row has no {c}; leave the cell empty",
                    crate::base::text::a(kind)
                ),
            );
        }
    }
}

/// `file:line:column`, or `file:line` for a problem with the whole row (`column` empty).
fn at(r: &Row, column: &str) -> String {
    if column.is_empty() {
        format!("{}:{}", r.file, r.line)
    } else {
        format!("{}:{}:{column}", r.file, r.line)
    }
}

/// The number in a cell, or why it is none (a diagnostic without its place). In a `;` file
/// (`decimal_comma`) a comma is the decimal point, and so is a `.` where it cannot be a
/// thousands separator: `1.000` there is a thousand to a spreadsheet with a thousands format
/// and one to anything else, so it is refused, as is any thousands-grouped number. Elsewhere
/// `.` is the only decimal point, so `1.000` is one. A negative zero (`-0`, `-0,0`) is 0.
fn number(v: &str, decimal_comma: bool) -> Result<f64, Diagnostic> {
    if decimal_comma {
        if let Some(grouped) = thousands_grouped(v) {
            return Err(grouped);
        }
    }
    let text = if decimal_comma && !v.contains('.') {
        v.replacen(',', ".", 1)
    } else {
        v.to_owned()
    };
    match text.parse::<f64>() {
        // `-0` is 0: the scenario written from it would say `-0.0`, which no one means.
        Ok(x) if x.is_finite() => Ok(if x == 0.0 { 0.0 } else { x }),
        _ => Err(separated(v, decimal_comma).unwrap_or_else(|| {
            let hint = if decimal_comma {
                " (1234.5 or 1234,5)"
            } else {
                " (1234.5)"
            };
            Diagnostic::error("not_a_number", "", format!("\"{v}\" is not a number{hint}"))
        })),
    }
}

/// A warning for a number of a `;` file that reads with its decimal comma but is written as
/// a thousand is in `,` locales (`1,000`, `12,500`: [`leads_thousands`], a comma and three
/// digits): read as 1 and 12.5, which is likely meant, and so not refused,
/// but a thousand off if it was copied from a `,` locale.
fn grouped_like(v: &str) -> Option<Diagnostic> {
    let (sign, unsigned) = signed(v);
    let (int, frac) = unsigned.split_once(',')?;
    let shaped =
        leads_thousands(int) && frac.len() == 3 && frac.bytes().all(|b| b.is_ascii_digit());
    shaped.then(|| {
        let read = crate::base::text::number(format!("{int}.{frac}").parse().unwrap_or(0.0));
        // The same value without the zeros that make it look grouped, where there are any.
        let kept = frac.trim_end_matches('0');
        let kept = match kept.len() {
            3 => String::new(),
            0 => format!("; for {sign}{int}, write {sign}{int}"),
            _ => format!("; for {sign}{read}, write {sign}{int},{kept}"),
        };
        Diagnostic::warning(
            "decimal_comma_or_thousands",
            "",
            format!("\"{v}\" is read as {sign}{read}, the comma being this file's decimal point"),
        )
        .hint(format!(
            "if {sign}{int}{frac} was meant, write {sign}{int}{frac}{kept}"
        ))
    })
}

/// The whole number in a cell, or why it is none (a diagnostic without its place). A number
/// with a zero fraction is whole: a spreadsheet writes 14 as `14.0` (`14,0` in a `;` file)
/// in a cell with a decimal format, and every whole `f64` below 2^63 is an `i64` exactly.
fn whole_number(v: &str, decimal_comma: bool) -> Result<i64, Diagnostic> {
    if let Ok(x) = v.parse::<i64>() {
        return Ok(x);
    }
    let not_whole = || {
        Diagnostic::error(
            "not_an_integer",
            "",
            format!("\"{v}\" is not a whole number"),
        )
    };
    match number(v, decimal_comma) {
        Ok(x) if x.fract() != 0.0 => Err(not_whole()),
        // -2^63 (i64::MIN, exact as an f64) is an i64; 2^63 is not.
        Ok(x) if !(i64::MIN as f64..-(i64::MIN as f64)).contains(&x) => Err(Diagnostic::error(
            "not_an_integer",
            "",
            format!("\"{v}\" is too large for a whole number here"),
        )),
        Ok(x) => Ok(x as i64),
        Err(d) if d.code == "not_a_number" => Err(not_whole()),
        Err(d) => Err(d),
    }
}

/// When `v` is a number with `.` thousands separators (`1.000`, `-12.500`, `1.000.000`,
/// `1.000,5`: one to three digits, not starting with 0, then groups of `.` and three
/// digits, then maybe a decimal comma), the problem with it in a `;` file and how to write it.
fn thousands_grouped(v: &str) -> Option<Diagnostic> {
    let (sign, unsigned) = signed(v);
    let (whole, fraction) = match unsigned.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut groups = whole.split('.');
    let lead = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let grouped = leads_thousands(lead)
        && !rest.is_empty()
        && rest.iter().all(|g| g.len() == 3 && digits(g))
        && fraction.is_none_or(digits);
    if !grouped {
        return None;
    }
    let plain = format!(
        "{sign}{lead}{}{}",
        rest.concat(),
        fraction.map(|f| format!(",{f}")).unwrap_or_default()
    );
    Some(if rest.len() == 1 && fraction.is_none() {
        // One group and no comma: a decimal point reads too (`1.500` = 1.5).
        let decimal = v
            .parse::<f64>()
            .map_or_else(|_| v.to_owned(), |x| x.to_string());
        Diagnostic::error(
            "ambiguous_number",
            "",
            format!(
                "\"{v}\" could be {plain} (read with a thousands separator) or {decimal} (read with a decimal point)"
            ),
        )
        .hint(format!(
            "in a ;-separated file write {plain} for the first, {} for the second: numbers take no thousands separator, and the decimal point is a comma",
            decimal.replace('.', ",")
        ))
    } else {
        thousands_only(v, &plain)
    })
}

/// When `v`, which does not read as a number, is one written with the separators a
/// spreadsheet or a person puts in, the problem and what to write: a decimal comma outside
/// a `;` file (`2,5`), thousands separators (`1,234.5`, `1.234,5`, `1 234`, `1'234`, the
/// space also no-break), or a comma that could be either (`1,234` outside a `;` file). In
/// a `;` file a decimal comma reads, and `1.000` is [`thousands_grouped`]'s.
fn separated(v: &str, decimal_comma: bool) -> Option<Diagnostic> {
    let (sign, body) = signed(v);
    let is_mark = |c: char| matches!(c, ',' | '.' | ' ' | '\'' | '\u{a0}' | '\u{202f}');
    if !body.chars().all(|c| c.is_ascii_digit() || is_mark(c)) {
        return None;
    }
    let parts: Vec<&str> = body.split(is_mark).collect();
    let marks: Vec<char> = body.chars().filter(|&c| is_mark(c)).collect();
    let (&last, &tail, lead) = (marks.last()?, parts.last()?, parts[0]);
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let point = if decimal_comma { "," } else { "." };
    if marks.len() == 1 && last == ',' && !decimal_comma {
        return Some(lone_comma(v, sign, lead, tail));
    }
    // The decimal mark: a last `,` or `.` after separators of another kind.
    let decimal = (matches!(last, ',' | '.')
        && marks[..marks.len() - 1].iter().all(|&m| m != last))
    .then_some(last);
    let groups = match decimal {
        Some(_) => &parts[1..parts.len() - 1],
        None => &parts[1..],
    };
    let separators = &marks[..marks.len() - usize::from(decimal.is_some())];
    let grouped = leads_thousands(lead)
        && !groups.is_empty()
        && groups.iter().all(|g| g.len() == 3)
        && separators.iter().all(|&m| m == separators[0]);
    if !grouped {
        return None;
    }
    let fraction = decimal
        .map(|_| format!("{point}{tail}"))
        .unwrap_or_default();
    let plain = format!("{sign}{lead}{}{fraction}", groups.concat());
    Some(if decimal == Some(',') && !decimal_comma {
        Diagnostic::error(
            "thousands_separator",
            "",
            format!("\"{v}\" has a thousands separator and a decimal comma"),
        )
        .hint(format!(
            "write {plain}: numbers take no thousands separator, and {COMMA_RULE}"
        ))
    } else {
        thousands_only(v, &plain)
    })
}

/// Where a file takes decimal commas.
const COMMA_RULE: &str = "only a ;-separated file takes decimal commas";

/// The problem with `v`, `sign` `lead` `,` `tail`, outside a `;` file: a decimal comma, or,
/// before three digits after a lead that could group thousands, a comma that could be
/// either.
fn lone_comma(v: &str, sign: &str, lead: &str, tail: &str) -> Diagnostic {
    let plain = format!("{sign}{lead}.{tail}");
    if tail.len() != 3 || !leads_thousands(lead) {
        return Diagnostic::error(
            "decimal_comma",
            "",
            format!("\"{v}\" is not a number: it looks like one with a decimal comma"),
        )
        .hint(format!("write {plain}: {COMMA_RULE}"));
    }
    let grouped = format!("{sign}{lead}{tail}");
    Diagnostic::error(
        "ambiguous_number",
        "",
        format!("\"{v}\" could be {grouped} (read with a thousands separator) or {plain} (read with a decimal comma)"),
    )
    .hint(format!(
        "write {grouped} for the first, {plain} for the second: numbers take no thousands separator, and {COMMA_RULE}"
    ))
}

/// `v` has a thousands separator and nothing else wrong: write `plain`.
fn thousands_only(v: &str, plain: &str) -> Diagnostic {
    Diagnostic::error(
        "thousands_separator",
        "",
        format!("\"{v}\" has a thousands separator"),
    )
    .hint(format!(
        "write {plain}: numbers take no thousands separator"
    ))
}

/// `v` split into its sign (`-`, `+` or nothing) and the rest.
fn signed(v: &str) -> (&str, &str) {
    match v.strip_prefix(['-', '+']) {
        Some(rest) => (&v[..1], rest),
        None => ("", v),
    }
}

/// Whether `lead` can start a number grouped by thousands: one to three digits, not
/// starting with 0.
fn leads_thousands(lead: &str) -> bool {
    (1..=3).contains(&lead.len())
        && lead.bytes().all(|b| b.is_ascii_digit())
        && !lead.starts_with('0')
}
