//! Where each part of the document came from: a file, a line and a column, so that
//! validation's JSON paths can be reported where a spreadsheet user looks.

use crate::base::diagnostics::Diagnostic;
use crate::scenario::sheets::tables::*;
use crate::scenario::validate::FIRST_AT;
use std::collections::HashMap;

/// Where the parts of a document read from CSV came from: per JSON path of an array element
/// or a scalar field (`orders[3]`, `orders[3].lines[0]`, `policy.mip_gap`), its file and line;
/// no line for a field whose row is missing (`horizon_days`), so that validation's finding
/// on the value put in its place is at the file, where its absence is said.
#[derive(Debug, Default)]
pub struct Origins(HashMap<String, (&'static str, Option<usize>)>);

impl Origins {
    /// `file:line:column` (or `file:line`) for a JSON path that validation reports, when
    /// the path, or the array element it is in, came from a CSV row.
    pub fn locate(&self, path: &str) -> Option<String> {
        if let Some(&(file, line)) = self.0.get(path) {
            let Some(line) = line else {
                return Some(file.to_owned());
            };
            let scalar = file == SCENARIO.file || file == POLICY.file;
            return Some(if scalar {
                format!("{file}:{line}:value")
            } else {
                format!("{file}:{line}")
            });
        }
        let mut cut = path.len();
        while let Some(i) = path[..cut].rfind(['.', '[']) {
            cut = i;
            if let Some(&(file, Some(line))) = self.0.get(&path[..cut]) {
                let mut rest = path[cut..].trim_start_matches('.');
                if file == FORBID.file {
                    // `policy.forbid[i].shipment.order`, `...transfer.lane`, `...expedite_inbound`
                    rest = rest
                        .trim_start_matches("shipment.")
                        .trim_start_matches("transfer.");
                    if rest == "expedite_inbound" {
                        rest = "inbound";
                    }
                }
                let column = match rest {
                    "expedite.eta" => "expedite_eta",
                    "expedite.cost" => "expedite_cost",
                    "location.lat" => "lat",
                    "location.lon" => "lon",
                    "kind" if file == DISRUPTIONS.file || file == FORBID.file => "kind",
                    r => r,
                };
                let known = TABLES
                    .iter()
                    .any(|t| t.file == file && t.columns.contains(&column));
                return Some(if known {
                    format!("{file}:{line}:{column}")
                } else {
                    format!("{file}:{line}")
                });
            }
        }
        None
    }

    /// `d` with its path, and the paths its message cites, pointed at the CSV rows.
    pub fn relocate(&self, mut d: Diagnostic) -> Diagnostic {
        if let Some(p) = self.locate(&d.path) {
            d.path = p;
        }
        d.message = self.relocate_text(&d.message);
        d
    }

    /// `d` told in the order of the rows when it is a duplicate id whose "first" row comes
    /// after the duplicate's own in the same file: the two places trade, so that the later
    /// row is the duplicate and the earlier one is "first at". Validation takes the
    /// scenario's own orders before every demand surge's, while orders.csv holds both in
    /// any order; its "first" is the first in that list, not in the file.
    pub(super) fn in_row_order(&self, d: Diagnostic) -> Diagnostic {
        if d.code != "duplicate_id" {
            return d;
        }
        let Some((said, first)) = d
            .message
            .strip_suffix(')')
            .and_then(|m| m.rsplit_once(FIRST_AT))
        else {
            return d;
        };
        let Some(second) = d.path.strip_suffix(".id") else {
            return d;
        };
        let (Some(&(file, Some(a))), Some(&(other, Some(b)))) =
            (self.0.get(first), self.0.get(second))
        else {
            return d;
        };
        if file != other || a < b {
            return d;
        }
        let (message, path) = (format!("{said}{FIRST_AT}{second})"), format!("{first}.id"));
        Diagnostic { message, path, ..d }
    }

    /// The CSV rows (`file:line`) of the JSON paths that `text` cites.
    pub fn cited_rows(&self, text: &str) -> Vec<String> {
        let mut rows = Vec::new();
        self.scan(text, |at| rows.push(row_of(at).to_owned()));
        rows
    }

    /// Replaces every JSON path in `text` that came from a CSV row (`nodes[0]`).
    fn relocate_text(&self, text: &str) -> String {
        self.scan(text, |_| {})
    }

    /// `text` with every JSON path that came from a CSV row replaced by its place, each
    /// place also given to `found`. A path is looked for only at the start of a word and
    /// read to [`MAX_PATH`] bytes at most: a message quotes ids and names as written, and
    /// reading one of 30 kB (`a[0].a[0]...`) to its end from each of its words took time in
    /// the cube of its length (7 minutes).
    fn scan(&self, text: &str, mut found: impl FnMut(&str)) -> String {
        let bytes = text.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let word_start = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            // A path: name, then one or more [n] or .name, at least one index; read to
            // `end`, one byte past the longest path, so that a longer one shows.
            let end = bytes.len().min(start + MAX_PATH + 1);
            let mut j = if word_start { i } else { end };
            while j < end && (bytes[j].is_ascii_lowercase() || bytes[j] == b'_') {
                j += 1;
            }
            let mut has_index = false;
            while j > start && j < end {
                if bytes[j] == b'[' {
                    let k = j
                        + 1
                        + bytes[j + 1..end]
                            .iter()
                            .take_while(|b| b.is_ascii_digit())
                            .count();
                    if k > j + 1 && k < end && bytes[k] == b']' {
                        has_index = true;
                        j = k + 1;
                        continue;
                    }
                    if k == end && end < bytes.len() {
                        j = end; // an index cut by `end`: the path is too long
                        break;
                    }
                } else if bytes[j] == b'.'
                    && bytes.get(j + 1).is_some_and(|b| b.is_ascii_lowercase())
                {
                    let k = j
                        + 1
                        + bytes[j + 1..end]
                            .iter()
                            .take_while(|b| b.is_ascii_lowercase() || **b == b'_')
                            .count();
                    j = k;
                    continue;
                }
                break;
            }
            if j > start && j - start <= MAX_PATH && has_index {
                if let Some(p) = self.locate(&text[start..j]) {
                    found(&p);
                    out.push_str(&p);
                    i = j;
                    continue;
                }
            }
            let step = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + step]);
            i += step;
        }
        out
    }

    pub(super) fn note(&mut self, path: String, file: &'static str, line: usize) {
        self.0.entry(path).or_insert((file, Some(line)));
    }

    /// Notes that the scalar field at `path` has no row in `file` (its absence is said at
    /// the file).
    pub(super) fn note_missing(&mut self, path: String, file: &'static str) {
        self.0.entry(path).or_insert((file, None));
    }
}

/// The longest text [`Origins::scan`] reads as a JSON path, in bytes: more than any path
/// of a row (`disruptions[12345].orders[12345].lines[12345]`).
const MAX_PATH: usize = 200;

/// The row (`file:line`) of a place `file:line:column` or `file:line`; a place without a
/// line (`file`) is itself.
pub(super) fn row_of(at: &str) -> &str {
    match at.match_indices(':').nth(1) {
        Some((i, _)) => &at[..i],
        None => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> Origins {
        let mut o = Origins::default();
        o.note("lanes[0]".to_owned(), LANES.file, 3);
        o
    }

    /// A path at the start of a word is replaced by its row, wherever it is in the text; one
    /// inside a word, or longer than any path, is not.
    #[test]
    fn paths_in_a_message_are_replaced_by_their_rows() {
        let o = origins();
        assert_eq!(
            o.relocate_text("lanes[0] and lanes[0].cost_per_unit, not xlanes[0]: lanes[0]"),
            "lanes.csv:3 and lanes.csv:3:cost_per_unit, not xlanes[0]: lanes.csv:3"
        );
        let long = format!("lanes[0].{}", "a".repeat(MAX_PATH));
        assert_eq!(o.relocate_text(&long), long);
    }

    /// A message quoting an id of 15 kB shaped like a path (`a[0].a[0]...`, no row's) is
    /// left as written and cites no row; each word is read to [`MAX_PATH`] bytes (reading
    /// it to its end from each of its words, looking each up by each of its prefixes, took
    /// minutes; the fuzz regression `slow-long-path-shaped-lane-id` replays that input).
    #[test]
    fn a_long_id_shaped_like_a_path_is_left_as_written() {
        let o = origins();
        let text = format!("lane \"{}a\" runs to itself", "a[0].".repeat(3000));
        let out = o.relocate_text(&text);
        let rows = o.cited_rows(&text);
        assert_eq!(out, text);
        assert!(rows.is_empty());
    }
}
