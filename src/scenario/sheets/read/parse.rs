//! One CSV file to rows of cells: its separator and decimal mark detected (or given), its
//! header's columns matched to the table's, every cell kept with its line and column (and
//! without the `'` that `export csv` writes before text a spreadsheet would run as a
//! formula, `tables::unescape_formula`).

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::scenario::sheets::tables::*;
use std::collections::HashMap;

/// One record: its file, line, the cells by column name (non-empty ones only) and the
/// delimiter's decimal convention.
pub(super) struct Row {
    pub(super) file: &'static str,
    pub(super) line: usize,
    pub(super) cells: HashMap<&'static str, String>,
    pub(super) decimal_comma: bool,
    /// Refused as a whole (the reason is in the diagnostics): not part of the document, but
    /// its id names a row that is there, so references to it are no further problem.
    pub(super) refused: bool,
}

pub(super) fn suggest(got: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (strsim::levenshtein(&got.to_ascii_lowercase(), k), *k))
        .min();
    match best {
        Some((d, k)) if d <= 3 => format!("did you mean {k}?"),
        _ => format!("expected one of {}", known.join(", ")),
    }
}

/// The delimiter of a file from its header line: the most frequent of `,`, `;`, tab and
/// `|` outside quotes (`,` when none). The header ends at the first CR or LF, so a file with
/// CR line ends (classic Mac) is judged by its header too, not by its whole text.
pub(super) fn detect(bytes: &[u8]) -> u8 {
    const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in bytes.iter().take_while(|&&b| b != b'\n' && b != b'\r') {
        match b {
            b'"' => quoted = !quoted,
            _ if quoted => {}
            _ => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        DELIMITERS[best]
    }
}

/// The error for a file whose header does not split at the `--delimiter` given but names
/// the table's columns when split at the separator it uses: one problem for the file,
/// instead of an unknown column and every required one missing.
fn other_delimiter_error(t: &Table, bytes: &[u8], given: u8) -> Option<Diagnostic> {
    let used = detect(bytes);
    if used == given {
        return None;
    }
    let header = bytes.split(|&b| b == b'\n' || b == b'\r').next()?;
    let header = std::str::from_utf8(header).ok()?;
    let cells: Vec<&str> = header.split(char::from(used)).map(str::trim).collect();
    let known = |c: &str| c.is_empty() || t.columns.iter().any(|k| k.eq_ignore_ascii_case(c));
    if cells.len() < 2 || !cells.iter().all(|c| known(c)) {
        return None;
    }
    let name = |d: u8| match d {
        b',' => "commas",
        b';' => "semicolons",
        b'\t' => "tabs",
        _ => "bars (|)",
    };
    let flag = |d: u8| match d {
        b'\t' => "tab".to_owned(),
        d => format!("'{}'", char::from(d)),
    };
    Some(
        Diagnostic::error(
            "other_delimiter",
            format!("{}:1", t.file),
            format!(
                "the file separates its fields with {u}, not the {} --delimiter gives: its header \"{}\" names the table's columns when split at {u}",
                name(given),
                crate::base::text::clip(header, 60),
                u = name(used),
            ),
        )
        .hint(format!(
            "leave --delimiter out (each file's separator is then read from its header), or give --delimiter {}",
            flag(used)
        )),
    )
}

/// The rows of one file; `None` (with the problems in `diags`) when its header is unusable.
pub(super) fn parse_table(
    t: &'static Table,
    bytes: &[u8],
    delimiter: Option<u8>,
    diags: &mut Diagnostics,
) -> Option<Vec<Row>> {
    let bytes = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
    let (delim, quotes) = separator_and_quotes(t, bytes, delimiter, diags)?;
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut records = r.records();
    let header = header_record(t, records.next(), diags)?;
    let columns = header_columns(t, &header, diags)?;
    if let Some(q) = quotes.unclosed {
        let column = column_name(&columns, q.cell);
        diags.push(unclosed_quote_error(t.file, bytes, q, &column));
        return None;
    }
    let file = Records {
        t,
        bytes,
        columns: &columns,
        delim,
    };
    Some(file.rows(records, quotes.strays, diags))
}

/// The separator of `bytes` (given, or detected) and what its quotes do; `None` (said in
/// `diags`) when the file is not UTF-8, is not separated by the given separator, or its
/// header's quotes are broken.
fn separator_and_quotes(
    t: &'static Table,
    bytes: &[u8],
    delimiter: Option<u8>,
    diags: &mut Diagnostics,
) -> Option<(u8, Quotes)> {
    if let Err(e) = std::str::from_utf8(bytes) {
        // One error for the file: its rows unread, no row elsewhere is said to name a
        // missing one (each line on its own would leave the others' references dangling).
        diags.push(not_utf8_error(t.file, bytes, e.valid_up_to()));
        return None;
    }
    let delim = delimiter.unwrap_or_else(|| detect(bytes));
    if let Some(d) = delimiter.and_then(|given| other_delimiter_error(t, bytes, given)) {
        diags.push(d);
        return None;
    }
    let quotes = scan_quotes(bytes, delim);
    if let Some(d) = header_quote_error(t.file, bytes, &quotes) {
        diags.push(d);
        return None;
    }
    Some((delim, quotes))
}

/// The header record, `first`; `None` (said in `diags`) when the file is empty or its first
/// line unreadable.
fn header_record(
    t: &Table,
    first: Option<csv::Result<csv::StringRecord>>,
    diags: &mut Diagnostics,
) -> Option<csv::StringRecord> {
    match first {
        None => {
            diags.push(
                Diagnostic::error("empty_table", format!("{}:1", t.file), "the file is empty")
                    .hint(format!(
                        "the first line names the columns: {}",
                        t.columns.join(",")
                    )),
            );
            None
        }
        Some(Err(e)) => {
            diags.push(csv_error(t.file, 1, &e));
            None
        }
        Some(Ok(h)) => Some(h),
    }
}

/// One file's records after its header: its table, its bytes, the header's columns (a
/// column name, or `None` under an unnamed header cell) and its separator.
struct Records<'a> {
    t: &'static Table,
    bytes: &'a [u8],
    columns: &'a [Option<&'static str>],
    delim: u8,
}

impl Records<'_> {
    /// The rows of `records`, the record after the header first, each with the line it
    /// starts on; `strays` holds the first stray quote of each record, in record order.
    fn rows(
        &self,
        records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
        strays: Vec<StrayQuote>,
        diags: &mut Diagnostics,
    ) -> Vec<Row> {
        let t = self.t;
        let mut strays = strays.into_iter().peekable();
        let mut rows = Vec::new();
        // Rows that end before the header's last named column: (line, cells).
        let mut short: Vec<(usize, usize)> = Vec::new();
        let mut lines = Lines {
            bytes: self.bytes,
            counted_to: 0,
            line_at: 1,
        };
        for (record, rec) in records.enumerate().map(|(i, rec)| (i + 1, rec)) {
            let rec = match rec {
                Ok(rec) => rec,
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_of(p.byte() as usize));
                    diags.push(csv_error(t.file, line, &e));
                    continue;
                }
            };
            let line = rec
                .position()
                .map_or(0, |p| lines.line_of(p.byte() as usize));
            if rec.iter().all(str::is_empty) {
                continue; // a blank line, or a spreadsheet's row of empty cells
            }
            // A stray quote shifts or merges the cells after it: the row is refused, said once.
            let stray = strays.next_if(|s| s.record == record);
            rows.push(self.row(line, &rec, stray, &mut short, diags));
        }
        if let Some(d) = short_rows(t.file, self.columns, &short) {
            diags.push(d);
        }
        rows
    }

    /// The row of `rec`, which starts on `line`, refused when it has a `stray` quote or more
    /// cells than the header; its problems said in `diags`, and noted in `short` when it
    /// ends before the header's last named column.
    fn row(
        &self,
        line: usize,
        rec: &csv::StringRecord,
        stray: Option<StrayQuote>,
        short: &mut Vec<(usize, usize)>,
        diags: &mut Diagnostics,
    ) -> Row {
        let (t, columns, delim) = (self.t, self.columns, self.delim);
        if let Some(s) = stray {
            let column = column_name(columns, s.cell);
            diags.push(stray_quote_error(t.file, line, &column, s.kind));
        }
        // Longer than the header line, even by empty cells: a spreadsheet's trailing empty
        // columns are in the header too, so a longer row is a cell split by an unquoted
        // separator (`2,5` in a `,` file), whose later cells would each read one column off.
        if rec.len() > columns.len() && stray.is_none() {
            diags.push(
                Diagnostic::error(
                    "extra_cells",
                    format!("{}:{line}", t.file),
                    format!(
                        "{} cells, but the header line has {}",
                        rec.len(),
                        columns.len()
                    ),
                )
                .hint(split_cell_hint(delim)),
            );
        }
        if stray.is_none() {
            unnamed_cells(t.file, line, columns, rec, diags);
            if columns[rec.len().min(columns.len())..]
                .iter()
                .any(Option::is_some)
            {
                short.push((line, rec.len()));
            }
        }
        let cells = columns
            .iter()
            .zip(rec.iter())
            .filter_map(|(c, v)| {
                let v = unescape_formula(v);
                c.filter(|_| !v.is_empty()).map(|c| (c, v.to_owned()))
            })
            .collect();
        Row {
            file: t.file,
            line,
            cells,
            decimal_comma: delim == b';',
            refused: rec.len() > columns.len() || stray.is_some(),
        }
    }
}

/// Lines counted from the bytes (1 = the header): a record's line is where it starts.
struct Lines<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line_at: usize,
}

impl Lines<'_> {
    /// The line of the record that starts after the byte `byte`.
    fn line_of(&mut self, byte: usize) -> usize {
        // csv gives the position where the previous record ended: the record starts after
        // the line ends (and blank lines) that follow.
        let bytes = self.bytes;
        let mut byte = byte.min(bytes.len());
        while byte < bytes.len() && (bytes[byte] == b'\r' || bytes[byte] == b'\n') {
            byte += 1;
        }
        if byte >= self.counted_to {
            self.line_at += line_ends(bytes, self.counted_to, byte);
            self.counted_to = byte;
        }
        self.line_at
    }
}

/// One warning for the rows of a file that end before its header's last named column: their
/// missing cells are read as empty, so a lane cut short loses its capacity and its fixed
/// cost. A spreadsheet writes every column of every row, so a short row is a file edited by
/// hand or an export cut short; said once per file, at the first such row.
fn short_rows(
    file: &str,
    columns: &[Option<&'static str>],
    short: &[(usize, usize)],
) -> Option<Diagnostic> {
    let &(line, cells) = short.first()?;
    let missing: Vec<&str> = columns[cells.min(columns.len())..]
        .iter()
        .flatten()
        .copied()
        .collect();
    let others = match short.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more like it)"),
    };
    Some(
        Diagnostic::warning(
            "short_row",
            format!("{file}:{line}"),
            format!(
                "{cells} cells, but the header line has {}{others}: {} read as empty",
                columns.len(),
                missing.join(", ")
            ),
        )
        .hint("write every column, with an empty cell (,,) where a field has no value; a row an export cut short loses its last fields"),
    )
}

/// Reports each non-empty cell of `rec` under a header cell left empty: it would be dropped
/// without a word, as an unknown column's would not. An empty cell there is nothing: a
/// spreadsheet writes its trailing empty columns with empty headers.
fn unnamed_cells(
    file: &str,
    line: usize,
    columns: &[Option<&'static str>],
    rec: &csv::StringRecord,
    diags: &mut Diagnostics,
) {
    for (i, (c, v)) in columns.iter().zip(rec.iter()).enumerate() {
        if c.is_none() && !v.is_empty() {
            diags.push(
                Diagnostic::error(
                    "unnamed_column",
                    format!("{file}:{line}:{}", i + 1),
                    format!(
                        "a value under a column with no name (\"{}\")",
                        crate::base::text::clip(v, 40)
                    ),
                )
                .hint("name the column in the header line, or clear the cell"),
            );
        }
    }
}

/// Where a quoted cell that is never closed opens: the byte of its quote, and the cell's
/// record (0 = the header) and place in it (0 = first).
#[derive(Clone, Copy)]
struct Unclosed {
    byte: usize,
    record: usize,
    cell: usize,
}

/// A quote where csv reads it otherwise than a person meant it, in a cell that is read:
/// after spaces at the start of the cell (` "Pump, 40W"`: text, so a separator inside it
/// splits the cell), or a closing quote followed by text (`"Pump" 40W`: csv goes on
/// reading the cell unquoted, and the quotes vanish).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stray {
    SpaceBeforeQuote,
    TextAfterQuote,
}

/// A [`Stray`] quote: its kind, the byte where it shows (the quote, or the text after the
/// closing one), and its cell's record (0 = the header) and place in it (0 = first).
#[derive(Clone, Copy)]
struct StrayQuote {
    kind: Stray,
    byte: usize,
    record: usize,
    cell: usize,
}

/// What the quotes of a file do: the quoted cell that runs to its end, if one does, and
/// the first stray quote of each record.
struct Quotes {
    unclosed: Option<Unclosed>,
    strays: Vec<StrayQuote>,
}

/// Reads the quotes of `bytes` as csv does (RFC 4180, as configured in [`parse_table`]): a
/// quote opens a quoted cell only as the cell's first byte, `""` inside one is a quote, a
/// quote elsewhere (`3/4" pipe`) is text, and text after a closing quote is read on as an
/// unquoted part of the cell. csv ends a quoted cell that is never closed at the end of the
/// input without a word, so a stray quote would take in every later row as one cell; and it
/// reads the two [`Stray`] quotes without a word either. Spaces and tabs (other than the
/// separator) around a cell are padding, as `csv::Trim::All` trims them.
fn scan_quotes(bytes: &[u8], delim: u8) -> Quotes {
    let mut scan = QuoteScan {
        state: QuoteState::CellStart,
        record: 0,
        cell: 0,
        opened: 0,
        in_record: false,
        strays: Vec::new(),
    };
    for (i, &b) in bytes.iter().enumerate() {
        scan.step(i, b, delim);
    }
    Quotes {
        unclosed: (scan.state == QuoteState::Quoted).then_some(Unclosed {
            byte: scan.opened,
            record: scan.record,
            cell: scan.cell,
        }),
        strays: scan.strays,
    }
}

/// Where [`scan_quotes`] is in a cell.
#[derive(Clone, Copy, PartialEq)]
enum QuoteState {
    CellStart,
    /// Spaces at the start of a cell.
    Padding,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: it closes the cell, or starts `""`.
    QuoteInQuoted,
    /// Spaces after a closing quote.
    AfterQuoted,
}

/// What [`scan_quotes`] has read so far: its state, the record (0 = the header) and cell
/// (0 = first) it is in, the byte of the last opening quote, and the first stray quote of
/// each record.
struct QuoteScan {
    state: QuoteState,
    record: usize,
    cell: usize,
    opened: usize,
    /// Whether the line read has started a record: a record ends at a CR or LF outside
    /// quotes; the ones that follow (CRLF, blank lines) start no record of their own.
    in_record: bool,
    strays: Vec<StrayQuote>,
}

impl QuoteScan {
    /// Reads byte `b`, the `i`-th, of a file separated by `delim`. The states and their
    /// moves are one table, read top to bottom.
    fn step(&mut self, i: usize, b: u8, delim: u8) {
        let line_end = b == b'\n' || b == b'\r';
        let space = (b == b' ' || b == b'\t') && b != delim;
        self.state = match self.state {
            QuoteState::Quoted if b == b'"' => QuoteState::QuoteInQuoted,
            QuoteState::Quoted => QuoteState::Quoted,
            QuoteState::QuoteInQuoted if b == b'"' => QuoteState::Quoted,
            QuoteState::QuoteInQuoted | QuoteState::AfterQuoted if space => QuoteState::AfterQuoted,
            QuoteState::CellStart if b == b'"' => {
                self.opened = i;
                self.in_record = true;
                QuoteState::Quoted
            }
            QuoteState::Padding if b == b'"' => {
                self.stray(Stray::SpaceBeforeQuote, i);
                QuoteState::Unquoted
            }
            _ if b == delim => {
                self.in_record = true;
                self.cell += 1;
                QuoteState::CellStart
            }
            _ if line_end => {
                if self.in_record {
                    self.record += 1;
                }
                self.in_record = false;
                self.cell = 0;
                QuoteState::CellStart
            }
            QuoteState::QuoteInQuoted | QuoteState::AfterQuoted => {
                self.stray(Stray::TextAfterQuote, i);
                QuoteState::Unquoted
            }
            QuoteState::CellStart | QuoteState::Padding if space => {
                self.in_record = true;
                QuoteState::Padding
            }
            _ => {
                self.in_record = true;
                QuoteState::Unquoted
            }
        };
    }

    /// Notes a stray quote of `kind` shown at byte `i`, in the record and cell being read,
    /// unless its record has one already.
    fn stray(&mut self, kind: Stray, i: usize) {
        if self.strays.last().is_none_or(|s| s.record != self.record) {
            self.strays.push(StrayQuote {
                kind,
                byte: i,
                record: self.record,
                cell: self.cell,
            });
        }
    }
}

/// The name of the column at `cell` (0 = first), or its place when it has none.
fn column_name(columns: &[Option<&'static str>], cell: usize) -> String {
    match columns.get(cell) {
        Some(Some(name)) => (*name).to_owned(),
        _ => format!("{}", cell + 1),
    }
}

/// The error for a quote problem in the header line (record 0), its cell named by its place:
/// the header's columns cannot be told from it.
fn header_quote_error(file: &str, bytes: &[u8], quotes: &Quotes) -> Option<Diagnostic> {
    if let Some(q) = quotes.unclosed.filter(|q| q.record == 0) {
        return Some(unclosed_quote_error(
            file,
            bytes,
            q,
            &format!("{}", q.cell + 1),
        ));
    }
    let s = quotes.strays.first().filter(|s| s.record == 0)?;
    let line = line_ends(bytes, 0, s.byte) + 1;
    Some(stray_quote_error(
        file,
        line,
        &format!("{}", s.cell + 1),
        s.kind,
    ))
}

/// The error for a [`StrayQuote`] of `file`, at `line` and `column`.
fn stray_quote_error(file: &str, line: usize, column: &str, kind: Stray) -> Diagnostic {
    let at = format!("{file}:{line}:{column}");
    match kind {
        Stray::SpaceBeforeQuote => Diagnostic::error(
            "space_before_quote",
            at,
            "a space before the opening quote: the quote is read as text, and the cell is not quoted",
        )
        .hint("remove the space before the quote, or quote the whole field, spaces included: a quote opens a quoted cell only as the cell's first character"),
        Stray::TextAfterQuote => Diagnostic::error(
            "text_after_quote",
            at,
            "text after the closing quote of a quoted cell",
        )
        .hint("quote the whole cell and write each quote inside it twice (the cell \"A\" B is written \"\"\"A\"\" B\"), or remove the quotes"),
    }
}

/// The error for a quoted cell of `file` that is never closed, at its line and `column`.
fn unclosed_quote_error(file: &str, bytes: &[u8], q: Unclosed, column: &str) -> Diagnostic {
    let line = line_ends(bytes, 0, q.byte) + 1;
    // The file's last line is the last one with text: a final line end starts none.
    let end = bytes
        .iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |i| i + 1);
    let last = line + line_ends(bytes, q.byte, end.max(q.byte));
    let what = if last > line {
        format!("lines {line} to {last}, the rest of the file, would be read as this one cell")
    } else {
        "the file ends inside it".to_owned()
    };
    Diagnostic::error(
        "unclosed_quote",
        format!("{file}:{line}:{column}"),
        format!("a quoted cell is never closed: {what}"),
    )
    .hint("add the closing quote where the cell ends; a quote inside a quoted cell is written twice (\"\")")
}

/// The line ends in `bytes[from..to]`: LF, CR (classic Mac) and CRLF each end one line, as
/// they end a record for csv. A CR is one end unless an LF follows it (looked up past `to`,
/// so a CRLF cut at `to` counts once, with its LF).
fn line_ends(bytes: &[u8], from: usize, to: usize) -> usize {
    (from..to)
        .filter(|&i| match bytes[i] {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        })
        .count()
}

/// How a row gets more cells than its header, and the fix, for a file separated by `delim`.
fn split_cell_hint(delim: u8) -> String {
    match delim {
        b',' => "an unquoted comma splits a cell in two: write a decimal with a point (2.5), \
                 and quote a text with commas (\"Pump, 40 W\")"
            .to_owned(),
        b';' => "an unquoted ; splits a cell in two: quote a text with a ; in it".to_owned(),
        b'\t' => "a tab inside a cell splits it in two: quote the cell".to_owned(),
        d => format!(
            "an unquoted {} splits a cell in two: quote the cell",
            char::from(d).escape_default()
        ),
    }
}

/// Each header cell's column (`None` for an empty one); `None` when a name is unknown or
/// twice, or a required column is missing (each said in `diags`).
fn header_columns(
    t: &'static Table,
    header: &csv::StringRecord,
    diags: &mut Diagnostics,
) -> Option<Vec<Option<&'static str>>> {
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut ok = true;
    for (i, name) in header.iter().enumerate() {
        let at = format!("{}:1:{}", t.file, i + 1);
        match t.columns.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) if columns.contains(&Some(c)) => {
                diags.push(Diagnostic::error(
                    "duplicate_column",
                    at,
                    format!("column {c} appears twice"),
                ));
                ok = false;
                columns.push(None);
            }
            Some(c) => columns.push(Some(c)),
            None if name.is_empty() => columns.push(None),
            None => {
                diags.push(
                    Diagnostic::error("unknown_column", at, format!("unknown column \"{name}\""))
                        .hint(suggest(name, t.columns)),
                );
                ok = false;
                columns.push(None);
            }
        }
    }
    for c in t.required {
        if !columns.contains(&Some(c)) {
            diags.push(
                Diagnostic::error(
                    "missing_column",
                    format!("{}:1", t.file),
                    format!("no column {c}"),
                )
                .hint(format!("the columns are {}", t.columns.join(","))),
            );
            ok = false;
        }
    }
    ok.then_some(columns)
}

/// The error for a file that is not UTF-8 text, whose first `valid` bytes are: the line of
/// the first byte that is not, what comes before it on that line, what it reads as in
/// Windows-1252 (the encoding older spreadsheets save in, Latin-1 above 0x9F), and how
/// many later lines have such bytes too.
fn not_utf8_error(file: &str, bytes: &[u8], valid: usize) -> Diagnostic {
    let line = line_ends(bytes, 0, valid) + 1;
    let line_start = bytes[..valid]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let before = String::from_utf8_lossy(&bytes[line_start..valid]);
    let b = bytes.get(valid).copied().unwrap_or(0);
    let what = match windows_1252(b) {
        Some(c) => format!("byte 0x{b:02X} ({c:?} in Windows-1252 or Latin-1)"),
        None => format!("byte 0x{b:02X}"),
    };
    let before = if before.is_empty() {
        "at its start".to_owned()
    } else {
        format!("after \"{}\"", crate::base::text::clip_start(&before, 30))
    };
    let more = match later_lines_not_utf8(bytes, valid, line) {
        0 => String::new(),
        n => {
            use crate::base::text::agree;
            let n = n as f64;
            let (lines, have) = (agree(n, "line", "lines"), agree(n, "has", "have"));
            format!(", and {n} more {lines} {have} such bytes")
        }
    };
    Diagnostic::error(
        "not_utf8",
        format!("{file}:{line}"),
        format!("the file is not UTF-8 text: {what} {before} (byte {valid} of the file){more}"),
    )
    .hint("save it as CSV UTF-8 (Excel: Save As, \"CSV UTF-8 (Comma delimited)\"; LibreOffice: character set Unicode (UTF-8)); until then none of it is read, and rows of other files that name its rows are not checked")
}

/// How many lines after `line` (the line of byte `from`) hold bytes that are not UTF-8.
fn later_lines_not_utf8(bytes: &[u8], from: usize, line: usize) -> usize {
    let (mut at, mut line_at, mut last, mut count) = (from, line, line, 0);
    let mut offset = from;
    for chunk in bytes[from..].utf8_chunks() {
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            line_at += line_ends(bytes, at, offset);
            at = offset;
            if line_at != last {
                count += 1;
                last = line_at;
            }
        }
        offset += chunk.invalid().len();
    }
    count
}

/// What byte `b` (0x80 or above) reads as in Windows-1252; `None` for the five bytes it
/// leaves undefined and for ASCII.
fn windows_1252(b: u8) -> Option<char> {
    // 0x80 to 0x9F, `_` where Windows-1252 defines nothing.
    const HIGH: &str = "€_‚ƒ„…†‡ˆ‰Š‹Œ_Ž__‘’“”•–—˜™š›œ_žŸ";
    match b {
        0x80..=0x9F => HIGH
            .chars()
            .nth(usize::from(b - 0x80))
            .filter(|&c| c != '_'),
        0xA0..=0xFF => Some(char::from(b)),
        _ => None,
    }
}

fn csv_error(file: &str, line: usize, e: &csv::Error) -> Diagnostic {
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
        _ => format!("cannot be read as CSV: {e}"),
    };
    Diagnostic::error(
        "bad_csv",
        format!("{file}:{line}"),
        format!("this line {what}"),
    )
    .hint("save the sheet as CSV UTF-8")
}
