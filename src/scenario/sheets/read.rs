//! CSV files to a scenario document (`recourse import csv`), as a spreadsheet user writes
//! them: a byte-order mark, CRLF line ends, quoted cells, blank lines, cells padded with
//! spaces, `;` separators with decimal commas (detected per file, or given). Every problem
//! is reported at once, each at `file:line:column`; nothing is read past the input limit.

use super::tables::*;
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::base::input::{max_input_bytes, read_input};
use crate::scenario::wire::*;
use std::collections::HashMap;
use std::path::Path;

/// A document read from CSV files, where each of its parts came from, and the cells that
/// could not be read (each read as empty or 0 in `doc`).
#[derive(Debug)]
pub struct Sheets {
    pub doc: ScenarioDoc,
    pub origins: Origins,
    pub problems: Diagnostics,
}

/// Where the parts of a document read from CSV came from: per JSON path of an array element
/// or a scalar field (`orders[3]`, `orders[3].lines[0]`, `policy.mip_gap`), its file and line.
#[derive(Debug, Default)]
pub struct Origins(HashMap<String, (&'static str, usize)>);

impl Origins {
    /// `file:line:column` (or `file:line`) for a JSON path that validation reports, when
    /// the path, or the array element it is in, came from a CSV row.
    pub fn locate(&self, path: &str) -> Option<String> {
        if let Some(&(file, line)) = self.0.get(path) {
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
            if let Some(&(file, line)) = self.0.get(&path[..cut]) {
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

    /// Replaces every JSON path in `text` that came from a CSV row (`nodes[0]`).
    fn relocate_text(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            // A path: name, then one or more [n] or .name, at least one index.
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_lowercase() || bytes[j] == b'_') {
                j += 1;
            }
            let mut has_index = false;
            while j > start && j < bytes.len() {
                if bytes[j] == b'[' {
                    let k = j
                        + 1
                        + bytes[j + 1..]
                            .iter()
                            .take_while(|b| b.is_ascii_digit())
                            .count();
                    if k > j + 1 && k < bytes.len() && bytes[k] == b']' {
                        has_index = true;
                        j = k + 1;
                        continue;
                    }
                } else if bytes[j] == b'.'
                    && bytes.get(j + 1).is_some_and(|b| b.is_ascii_lowercase())
                {
                    let k = j
                        + 1
                        + bytes[j + 1..]
                            .iter()
                            .take_while(|b| b.is_ascii_lowercase() || **b == b'_')
                            .count();
                    j = k;
                    continue;
                }
                break;
            }
            let word_start = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            if j > start && has_index && word_start {
                if let Some(p) = self.locate(&text[start..j]) {
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

    fn note(&mut self, path: String, file: &'static str, line: usize) {
        self.0.entry(path).or_insert((file, line));
    }
}

/// Reads the scenario in `dir` (one CSV file per table of [`TABLES`]). `delimiter`: the
/// field separator, or `None` to detect it per file from its header (`,`, `;` or tab).
/// `Err` when a file or a header is unusable; cells that cannot be read are in
/// [`Sheets::problems`].
pub fn read_dir(dir: &Path, delimiter: Option<u8>) -> Result<Sheets, Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(present) = list_tables(dir, &mut diags) else {
        return Err(diags);
    };
    let mut files = Vec::new();
    for t in TABLES.iter().filter(|t| present.contains_key(t.file)) {
        match read_input(&dir.join(t.file)) {
            Ok(bytes) => files.push((t.file, bytes)),
            Err(d) => diags.push(Diagnostic {
                path: t.file.to_owned(),
                ..d
            }),
        }
    }
    read_files(&files, delimiter, diags)
}

/// [`read_dir`] from the files' contents, `(file name, bytes)`: names that are not
/// tables are skipped, a required table missing from `files` is an error. `diags` holds
/// what reading the files found.
pub fn read_files(
    files: &[(&str, Vec<u8>)],
    delimiter: Option<u8>,
    mut diags: Diagnostics,
) -> Result<Sheets, Diagnostics> {
    let mut tables: HashMap<&'static str, Vec<Row>> = HashMap::new();
    for t in TABLES {
        let Some((_, bytes)) = files.iter().find(|f| f.0 == t.file) else {
            if t.must_exist && !diags.items.iter().any(|d| d.path == t.file) {
                diags.push(
                    Diagnostic::error("missing_table", t.file, format!("{} is missing", t.file))
                        .hint(format!("write it with the columns {}", t.columns.join(","))),
                );
            }
            continue;
        };
        if let Some(rows) = parse_table(t, bytes, delimiter, &mut diags) {
            tables.insert(t.file, rows);
        }
    }
    // Problems so far are with the files and their headers: rows read past them would
    // only add noise (every reference to a missing table's ids dangling).
    let whole = !diags.has_errors();
    let mut b = Builder {
        diags,
        origins: Origins::default(),
        tables,
    };
    let doc = b.document();
    if !whole {
        return Err(b.diags);
    }
    Ok(Sheets {
        doc,
        origins: b.origins,
        problems: b.diags,
    })
}

/// Reads the scenario in `dir` and validates it: the document and validation's warnings,
/// or every problem at once, cells that could not be read and validation's findings
/// together, each at its file, line and column. A finding at a cell (or on a row without
/// a column) that already has a reading error is left out: it would be about the
/// placeholder read in its place.
pub fn import_dir(
    dir: &Path,
    delimiter: Option<u8>,
) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    validated(read_dir(dir, delimiter)?)
}

/// [`import_dir`] from the files' contents (see [`read_files`]).
pub fn import_files(
    files: &[(&str, Vec<u8>)],
    delimiter: Option<u8>,
) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    validated(read_files(files, delimiter, Diagnostics::default())?)
}

/// Validation's findings joined to the reading problems of `sheets` (see [`import_dir`]).
fn validated(sheets: Sheets) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    let (validated, mut found) = match crate::scenario::validate::validate(&sheets.doc) {
        Ok((_, warnings)) => (true, warnings),
        Err(diags) => (false, diags),
    };
    let mut out = sheets.problems;
    let rows: Vec<String> = out
        .items
        .iter()
        .map(|d| d.path.rsplitn(2, ':').last().unwrap_or_default().to_owned())
        .collect();
    for d in std::mem::take(&mut found.items) {
        let d = sheets.origins.relocate(d);
        let same_cell = out.items.iter().any(|e| e.path == d.path);
        let same_row = d.path.matches(':').count() == 1 && rows.contains(&d.path);
        if !same_cell && !same_row {
            out.push(d);
        }
    }
    if validated && !out.has_errors() {
        Ok((sheets.doc, out))
    } else {
        Err(out)
    }
}

/// The CSV files in `dir` and their sizes; `None` (with the reason in `diags`) when the
/// directory cannot be read or holds more than the input limit. A `.csv` file that is not
/// a table of the format is an error, not ignored.
fn list_tables(dir: &Path, diags: &mut Diagnostics) -> Option<HashMap<String, u64>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "io",
                    "",
                    format!("cannot read the directory {}: {e}", dir.display()),
                )
                .hint("pass the directory that holds scenario.csv, skus.csv, nodes.csv, ..."),
            );
            return None;
        }
    };
    let mut present: HashMap<String, u64> = HashMap::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.to_ascii_lowercase().ends_with(".csv") {
            present.insert(name, e.metadata().map(|m| m.len()).unwrap_or(0));
        }
    }
    let known: Vec<&str> = TABLES.iter().map(|t| t.file).collect();
    let mut unknown: Vec<&String> = present
        .keys()
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    unknown.sort();
    for name in unknown {
        diags.push(
            Diagnostic::error(
                "unknown_table",
                name.as_str(),
                "not a table of the scenario format",
            )
            .hint(suggest(name, &known)),
        );
    }
    let total: u64 = present.values().sum();
    if total > max_input_bytes() {
        diags.push(
            Diagnostic::error(
                "input_too_large",
                "",
                format!(
                    "the CSV files in {} hold {total} bytes, more than the {} recourse reads",
                    dir.display(),
                    max_input_bytes()
                ),
            )
            .hint(format!(
            "split the scenario, or raise the limit with {}=<bytes> if this machine has the memory",
            crate::base::input::MAX_INPUT_ENV
        )),
        );
        return None;
    }
    Some(present)
}

/// One record: its file, line, the cells by column name (non-empty ones only) and the
/// delimiter's decimal convention.
struct Row {
    file: &'static str,
    line: usize,
    cells: HashMap<&'static str, String>,
    decimal_comma: bool,
}

fn suggest(got: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (strsim::levenshtein(&got.to_ascii_lowercase(), k), *k))
        .min();
    match best {
        Some((d, k)) if d <= 3 => format!("did you mean {k}?"),
        _ => format!("expected one of {}", known.join(", ")),
    }
}

/// The delimiter of a file from its header line: the most frequent of `,`, `;` and tab
/// outside quotes (`,` when none).
fn detect(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes.iter().take_while(|&&b| b != b'\n') {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// The rows of one file; `None` (with the problems in `diags`) when its header is unusable.
///
/// Long because the records are read in one pass with the line counter and the header's
/// columns set up at its top.
fn parse_table(
    t: &'static Table,
    bytes: &[u8],
    delimiter: Option<u8>,
    diags: &mut Diagnostics,
) -> Option<Vec<Row>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let delim = delimiter.unwrap_or_else(|| detect(bytes));
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut records = r.records();
    let header = match records.next() {
        None => {
            diags.push(
                Diagnostic::error("empty_table", format!("{}:1", t.file), "the file is empty")
                    .hint(format!(
                        "the first line names the columns: {}",
                        t.columns.join(",")
                    )),
            );
            return None;
        }
        Some(Err(e)) => {
            diags.push(csv_error(t.file, 1, &e));
            return None;
        }
        Some(Ok(h)) => h,
    };
    let columns = header_columns(t, &header, diags)?;
    let mut rows = Vec::new();
    // Lines counted from the bytes (1 = the header): a record's line is where it starts.
    let (mut counted_to, mut line_at) = (0usize, 1usize);
    // csv gives the position where the previous record ended: the record starts after
    // the line ends (and blank lines) that follow.
    let mut line_of = |byte: usize| {
        let mut byte = byte.min(bytes.len());
        while byte < bytes.len() && (bytes[byte] == b'\r' || bytes[byte] == b'\n') {
            byte += 1;
        }
        if byte >= counted_to {
            line_at += bytes[counted_to..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted_to = byte;
        }
        line_at
    };
    for rec in records {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte() as usize));
                diags.push(csv_error(t.file, line, &e));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| line_of(p.byte() as usize));
        if rec.iter().all(str::is_empty) {
            continue; // a blank line, or a spreadsheet's row of empty cells
        }
        if rec.len() > columns.len() && rec.iter().skip(columns.len()).any(|c| !c.is_empty()) {
            diags.push(Diagnostic::error(
                "extra_cells",
                format!("{}:{line}", t.file),
                format!(
                    "{} cells, but the header names {} columns",
                    rec.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let cells = columns
            .iter()
            .zip(rec.iter())
            .filter_map(|(c, v)| c.filter(|_| !v.is_empty()).map(|c| (c, v.to_owned())))
            .collect();
        rows.push(Row {
            file: t.file,
            line,
            cells,
            decimal_comma: delim == b';',
        });
    }
    Some(rows)
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

/// Turns the rows into a document, collecting problems in `diags`.
struct Builder {
    diags: Diagnostics,
    origins: Origins,
    tables: HashMap<&'static str, Vec<Row>>,
}

impl Builder {
    fn rows(&mut self, t: &Table) -> Vec<Row> {
        self.tables.remove(t.file).unwrap_or_default()
    }

    fn error(&mut self, r: &Row, column: &str, code: &str, message: String) {
        let at = if column.is_empty() {
            format!("{}:{}", r.file, r.line)
        } else {
            format!("{}:{}:{column}", r.file, r.line)
        };
        self.diags.push(Diagnostic::error(code, at, message));
    }

    fn opt_str(&mut self, r: &Row, c: &str) -> Option<String> {
        r.cells.get(c).cloned()
    }

    /// Reports a required cell left empty.
    fn required(&mut self, r: &Row, c: &str) {
        if !r.cells.contains_key(c) {
            self.error(r, c, "missing_value", format!("{c} is empty"));
        }
    }

    fn str(&mut self, r: &Row, c: &str) -> String {
        self.required(r, c);
        r.cells.get(c).cloned().unwrap_or_default()
    }

    fn opt_f64(&mut self, r: &Row, c: &str) -> Option<f64> {
        let v = r.cells.get(c)?;
        let text = if r.decimal_comma && !v.contains('.') {
            v.replacen(',', ".", 1)
        } else {
            v.clone()
        };
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                let hint = if r.decimal_comma {
                    " (1234.5 or 1234,5)"
                } else {
                    " (1234.5)"
                };
                self.error(
                    r,
                    c,
                    "not_a_number",
                    format!("\"{v}\" is not a number{hint}"),
                );
                None
            }
        }
    }

    fn f64(&mut self, r: &Row, c: &str) -> f64 {
        self.required(r, c);
        self.opt_f64(r, c).unwrap_or(0.0)
    }

    fn opt_i64(&mut self, r: &Row, c: &str) -> Option<i64> {
        let v = r.cells.get(c)?;
        match v.parse::<i64>() {
            Ok(x) => Some(x),
            Err(_) => {
                self.error(
                    r,
                    c,
                    "not_an_integer",
                    format!("\"{v}\" is not a whole number"),
                );
                None
            }
        }
    }

    fn i64(&mut self, r: &Row, c: &str) -> i64 {
        self.required(r, c);
        self.opt_i64(r, c).unwrap_or(0)
    }

    fn opt_bool(&mut self, r: &Row, c: &str) -> Option<bool> {
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
    fn unused(&mut self, r: &Row, used: &[&str], kind: &str) {
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
                format!("a {kind} row has no {c}; leave the cell empty"),
            );
        }
    }

    /// Long because each table of the format is read here in turn, in the document's order.
    fn document(&mut self) -> ScenarioDoc {
        let mut doc = ScenarioDoc {
            format: SCENARIO_FORMAT.to_owned(),
            id: String::new(),
            as_of: String::new(),
            horizon_days: 0,
            currency: None,
            skus: Vec::new(),
            nodes: Vec::new(),
            lanes: Vec::new(),
            stock: Vec::new(),
            inbound: Vec::new(),
            orders: Vec::new(),
            disruptions: Vec::new(),
            policy: PolicyDoc::default(),
        };
        self.scenario_fields(&mut doc);
        self.policy(&mut doc.policy);
        for r in self.rows(&SKUS) {
            self.origins
                .note(format!("skus[{}]", doc.skus.len()), r.file, r.line);
            doc.skus.push(SkuDoc {
                id: self.str(&r, "id"),
                name: self.opt_str(&r, "name"),
            });
        }
        for r in self.rows(&NODES) {
            self.origins
                .note(format!("nodes[{}]", doc.nodes.len()), r.file, r.line);
            let kind = self.str(&r, "kind");
            let found = NodeKind::ALL
                .into_iter()
                .find(|k| k.name().eq_ignore_ascii_case(&kind));
            if found.is_none() && !kind.is_empty() {
                self.error(
                    &r,
                    "kind",
                    "unknown_kind",
                    format!("\"{kind}\" is not a node kind (plant, dc, store or customer)"),
                );
            }
            // The kind validation accepts the most of (stock, lanes from it), so the
            // placeholder adds no findings of its own.
            let kind = found.unwrap_or(NodeKind::Dc);
            let location = match (self.opt_f64(&r, "lat"), self.opt_f64(&r, "lon")) {
                (Some(lat), Some(lon)) => Some(Location { lat, lon }),
                (None, None) => None,
                (lat, _) => {
                    let (given, missing) = if lat.is_some() {
                        ("lat", "lon")
                    } else {
                        ("lon", "lat")
                    };
                    self.error(
                        &r,
                        missing,
                        "half_location",
                        format!("{given} is given without {missing}; give both, or neither"),
                    );
                    None
                }
            };
            doc.nodes.push(NodeDoc {
                id: self.str(&r, "id"),
                kind,
                ship_capacity_per_day: self.opt_f64(&r, "ship_capacity_per_day"),
                name: self.opt_str(&r, "name"),
                location,
            });
        }
        for r in self.rows(&LANES) {
            self.origins
                .note(format!("lanes[{}]", doc.lanes.len()), r.file, r.line);
            let departure_days = self.departure_days(&r);
            doc.lanes.push(LaneDoc {
                id: self.str(&r, "id"),
                from: self.str(&r, "from"),
                to: self.str(&r, "to"),
                mode: self.str(&r, "mode"),
                lead_time_days: self.i64(&r, "lead_time_days"),
                cost_per_unit: self.f64(&r, "cost_per_unit"),
                fixed_cost_per_day: self.opt_f64(&r, "fixed_cost_per_day"),
                capacity_per_day: self.opt_f64(&r, "capacity_per_day"),
                departure_days,
            });
        }
        for r in self.rows(&STOCK) {
            self.origins
                .note(format!("stock[{}]", doc.stock.len()), r.file, r.line);
            doc.stock.push(StockDoc {
                node: self.str(&r, "node"),
                sku: self.str(&r, "sku"),
                on_hand: self.f64(&r, "on_hand"),
                reserved: self.opt_f64(&r, "reserved"),
            });
        }
        for r in self.rows(&INBOUND) {
            self.origins
                .note(format!("inbound[{}]", doc.inbound.len()), r.file, r.line);
            let expedite = match (
                self.opt_str(&r, "expedite_eta"),
                self.opt_f64(&r, "expedite_cost"),
            ) {
                (Some(eta), Some(cost)) => Some(ExpediteDoc { eta, cost }),
                (None, None) => None,
                (Some(_), None) => {
                    self.error(
                        &r,
                        "expedite_cost",
                        "missing_value",
                        "an expedite needs both expedite_eta and expedite_cost".into(),
                    );
                    None
                }
                (None, Some(_)) => {
                    self.error(
                        &r,
                        "expedite_eta",
                        "missing_value",
                        "an expedite needs both expedite_eta and expedite_cost".into(),
                    );
                    None
                }
            };
            doc.inbound.push(InboundDoc {
                id: self.str(&r, "id"),
                node: self.str(&r, "node"),
                sku: self.str(&r, "sku"),
                quantity: self.f64(&r, "quantity"),
                eta: self.str(&r, "eta"),
                expedite,
            });
        }
        self.orders_and_disruptions(&mut doc);
        doc
    }

    fn scenario_fields(&mut self, doc: &mut ScenarioDoc) {
        // A missing or unreadable file is reported already; its rows are not worth listing.
        let read = self.tables.contains_key(SCENARIO.file);
        let rows = self.rows(&SCENARIO);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &rows {
            let field = self.str(r, "field");
            if let Some(first) = seen.insert(field.clone(), r.line) {
                self.error(
                    r,
                    "field",
                    "duplicate_field",
                    format!("{field} is given twice (first on line {first})"),
                );
                continue;
            }
            self.origins.note(field.clone(), r.file, r.line);
            match field.as_str() {
                "format" => doc.format = self.str(r, "value"),
                "id" => doc.id = self.str(r, "value"),
                "as_of" => doc.as_of = self.str(r, "value"),
                "horizon_days" => doc.horizon_days = self.i64(r, "value"),
                "currency" => doc.currency = self.opt_str(r, "value"),
                "" => {}
                other => {
                    let hint = suggest(
                        other,
                        &["format", "id", "as_of", "horizon_days", "currency"],
                    );
                    self.error(
                        r,
                        "field",
                        "unknown_field",
                        format!("unknown field \"{other}\"; {hint}"),
                    );
                }
            }
        }
        for f in ["id", "as_of", "horizon_days"] {
            if !seen.contains_key(f) && read {
                self.diags.push(
                    Diagnostic::error("missing_field", SCENARIO.file, format!("no row for {f}"))
                        .hint(format!("add a line {f},<value>")),
                );
            }
        }
    }

    fn policy(&mut self, p: &mut PolicyDoc) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in self.rows(&POLICY) {
            let field = self.str(&r, "field");
            if let Some(first) = seen.insert(field.clone(), r.line) {
                self.error(
                    &r,
                    "field",
                    "duplicate_field",
                    format!("{field} is given twice (first on line {first})"),
                );
                continue;
            }
            self.origins.note(format!("policy.{field}"), r.file, r.line);
            match field.as_str() {
                "change_penalty_per_unit" => p.change_penalty_per_unit = self.opt_f64(&r, "value"),
                "integer_quantities" => p.integer_quantities = self.opt_bool(&r, "value"),
                "time_limit_s" => p.time_limit_s = self.opt_f64(&r, "value"),
                "mip_gap" => p.mip_gap = self.opt_f64(&r, "value"),
                "threads" => p.threads = self.opt_i64(&r, "value"),
                "" => {}
                other => {
                    let known = [
                        "change_penalty_per_unit",
                        "integer_quantities",
                        "time_limit_s",
                        "mip_gap",
                        "threads",
                    ];
                    let hint = suggest(other, &known);
                    self.error(&r, "field", "unknown_field", format!("unknown field \"{other}\"; {hint} (priority penalties and forbid have their own files)"));
                }
            }
        }
        self.priority_penalties(p);
        self.forbid(p);
    }

    fn priority_penalties(&mut self, p: &mut PolicyDoc) {
        if self.tables.contains_key(PRIORITY_PENALTIES.file) {
            let mut list = Vec::new();
            for r in self.rows(&PRIORITY_PENALTIES) {
                self.origins.note(
                    format!("policy.priority_penalties[{}]", list.len()),
                    r.file,
                    r.line,
                );
                list.push(PriorityPenaltyDoc {
                    priority: self.i64(&r, "priority"),
                    late_per_unit_day: self.f64(&r, "late_per_unit_day"),
                    short_per_unit: self.f64(&r, "short_per_unit"),
                });
            }
            p.priority_penalties = Some(list);
        }
    }

    fn forbid(&mut self, p: &mut PolicyDoc) {
        for r in self.rows(&FORBID) {
            let kind = self.str(&r, "kind");
            let f = match kind.as_str() {
                "shipment" => {
                    self.unused(&r, &["kind", "order", "sku", "node", "lane"], "shipment");
                    let lane = self
                        .opt_str(&r, "lane")
                        .map(|l| (l != LOCAL_ONLY).then_some(l));
                    ForbidDoc::Shipment(ForbidShipmentDoc {
                        order: self.str(&r, "order"),
                        sku: self.opt_str(&r, "sku"),
                        node: self.opt_str(&r, "node"),
                        lane,
                    })
                }
                "transfer" => {
                    self.unused(&r, &["kind", "lane", "sku"], "transfer");
                    ForbidDoc::Transfer(ForbidTransferDoc {
                        lane: self.str(&r, "lane"),
                        sku: self.opt_str(&r, "sku"),
                    })
                }
                "expedite_inbound" => {
                    self.unused(&r, &["kind", "inbound"], "expedite_inbound");
                    ForbidDoc::ExpediteInbound(self.str(&r, "inbound"))
                }
                "" => continue,
                other => {
                    let hint = suggest(other, &["shipment", "transfer", "expedite_inbound"]);
                    self.error(
                        &r,
                        "kind",
                        "unknown_kind",
                        format!("\"{other}\" is not a forbid kind; {hint}"),
                    );
                    continue;
                }
            };
            self.origins
                .note(format!("policy.forbid[{}]", p.forbid.len()), r.file, r.line);
            p.forbid.push(f);
        }
    }

    fn departure_days(&mut self, r: &Row) -> Option<Vec<Weekday>> {
        let v = r.cells.get("departure_days")?.clone();
        if v == NEVER {
            return Some(Vec::new());
        }
        let mut days = Vec::new();
        for w in v
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
        {
            // `mon` or `monday`, in any case (chrono reads both).
            let day = w
                .parse::<chrono::Weekday>()
                .ok()
                .map(|d| Weekday::ALL[d.num_days_from_monday() as usize]);
            match day {
                Some(d) => days.push(d),
                None => self.error(
                    r,
                    "departure_days",
                    "not_a_weekday",
                    format!("\"{w}\" is not a weekday (mon tue wed thu fri sat sun, or {NEVER} for a lane that never departs)"),
                ),
            }
        }
        Some(days)
    }

    fn order(&mut self, r: &Row) -> OrderDoc {
        OrderDoc {
            id: self.str(r, "id"),
            customer: self.opt_str(r, "customer"),
            destination: self.str(r, "destination"),
            due: self.str(r, "due"),
            priority: self.i64(r, "priority"),
            lines: Vec::new(),
            plan: Vec::new(),
            allow_partial: self.opt_bool(r, "allow_partial"),
            max_sources: self.opt_i64(r, "max_sources"),
            frozen: self.opt_bool(r, "frozen"),
            late_penalty_per_unit_day: self.opt_f64(r, "late_penalty_per_unit_day"),
            short_penalty_per_unit: self.opt_f64(r, "short_penalty_per_unit"),
        }
    }

    /// Long because disruptions, orders (a demand surge's among them), their lines and their
    /// planned shipments refer to each other by id and are joined here.
    fn orders_and_disruptions(&mut self, doc: &mut ScenarioDoc) {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for r in self.rows(&DISRUPTIONS) {
            let i = doc.disruptions.len();
            self.origins
                .note(format!("disruptions[{i}]"), r.file, r.line);
            let id = self.str(&r, "id");
            if let Some(&first) = by_id.get(&id) {
                self.error(
                    &r,
                    "id",
                    "duplicate_id",
                    format!(
                        "disruption id \"{id}\" is used twice (first for disruptions row {})",
                        first + 1
                    ),
                );
            }
            by_id.entry(id).or_insert(i);
            let kind = self.str(&r, "kind");
            let d = match kind.as_str() {
                "inbound_delay" => {
                    self.unused(&r, &["id", "kind", "inbound", "eta"], &kind);
                    DisruptionDoc::InboundDelay {
                        inbound: self.str(&r, "inbound"),
                        eta: self.str(&r, "eta"),
                    }
                }
                "inbound_cancel" => {
                    self.unused(&r, &["id", "kind", "inbound"], &kind);
                    DisruptionDoc::InboundCancel {
                        inbound: self.str(&r, "inbound"),
                    }
                }
                "stock_loss" => {
                    self.unused(&r, &["id", "kind", "node", "sku", "quantity"], &kind);
                    DisruptionDoc::StockLoss {
                        node: self.str(&r, "node"),
                        sku: self.str(&r, "sku"),
                        quantity: self.f64(&r, "quantity"),
                    }
                }
                "node_outage" => {
                    self.unused(&r, &["id", "kind", "node", "from", "until"], &kind);
                    DisruptionDoc::NodeOutage {
                        node: self.str(&r, "node"),
                        from: self.str(&r, "from"),
                        until: self.str(&r, "until"),
                    }
                }
                "lane_outage" => {
                    self.unused(&r, &["id", "kind", "lane", "from", "until"], &kind);
                    DisruptionDoc::LaneOutage {
                        lane: self.str(&r, "lane"),
                        from: self.str(&r, "from"),
                        until: self.str(&r, "until"),
                    }
                }
                "lane_delay" => {
                    self.unused(&r, &["id", "kind", "lane", "extra_days"], &kind);
                    DisruptionDoc::LaneDelay {
                        lane: self.str(&r, "lane"),
                        extra_days: self.i64(&r, "extra_days"),
                    }
                }
                "demand_surge" => {
                    self.unused(&r, &["id", "kind"], &kind);
                    DisruptionDoc::DemandSurge { orders: Vec::new() }
                }
                other => {
                    if !other.is_empty() {
                        let hint = suggest(other, &DISRUPTION_KINDS);
                        self.error(
                            &r,
                            "kind",
                            "unknown_kind",
                            format!("\"{other}\" is not a disruption kind; {hint}"),
                        );
                    }
                    // A placeholder that refers to nothing, so validation adds nothing.
                    DisruptionDoc::DemandSurge { orders: Vec::new() }
                }
            };
            doc.disruptions.push(d);
        }
        // Where each order went: the scenario's list, or a surge's, and its index there.
        let mut orders: HashMap<String, (Option<usize>, usize)> = HashMap::new();
        for r in self.rows(&ORDERS) {
            let o = self.order(&r);
            let surge = self.opt_str(&r, "surge");
            let place = match surge {
                None => {
                    self.origins
                        .note(format!("orders[{}]", doc.orders.len()), r.file, r.line);
                    doc.orders.push(o.clone());
                    (None, doc.orders.len() - 1)
                }
                Some(s) => match by_id.get(&s).copied() {
                    Some(d) => match &mut doc.disruptions[d] {
                        DisruptionDoc::DemandSurge { orders } => {
                            self.origins.note(
                                format!("disruptions[{d}].orders[{}]", orders.len()),
                                r.file,
                                r.line,
                            );
                            orders.push(o.clone());
                            (Some(d), orders.len() - 1)
                        }
                        _ => {
                            self.error(
                                &r,
                                "surge",
                                "not_a_surge",
                                format!("disruption \"{s}\" is not a demand_surge"),
                            );
                            continue;
                        }
                    },
                    None => {
                        self.error(
                            &r,
                            "surge",
                            "unknown_reference",
                            format!("no disruption \"{s}\" in disruptions.csv"),
                        );
                        continue;
                    }
                },
            };
            orders.entry(o.id).or_insert(place);
        }
        for r in self.rows(&ORDER_LINES) {
            let Some(place) = self.order_of(&r, &orders) else {
                continue;
            };
            let line = LineDoc {
                sku: self.str(&r, "sku"),
                quantity: self.f64(&r, "quantity"),
            };
            let (path, o) = order_at(doc, place);
            self.origins
                .note(format!("{path}.lines[{}]", o.lines.len()), r.file, r.line);
            o.lines.push(line);
        }
        for r in self.rows(&PLANNED_SHIPMENTS) {
            let Some(place) = self.order_of(&r, &orders) else {
                continue;
            };
            let entry = PlanEntryDoc {
                sku: self.str(&r, "sku"),
                node: self.str(&r, "node"),
                lane: self.opt_str(&r, "lane"),
                ship: self.str(&r, "ship"),
                quantity: self.f64(&r, "quantity"),
            };
            let (path, o) = order_at(doc, place);
            self.origins
                .note(format!("{path}.plan[{}]", o.plan.len()), r.file, r.line);
            o.plan.push(entry);
        }
    }

    /// Where the order a line or planned-shipment row names went; `None` (said, unless the
    /// cell is empty, which `str` said already) when orders.csv has no such order.
    fn order_of(
        &mut self,
        r: &Row,
        orders: &HashMap<String, (Option<usize>, usize)>,
    ) -> Option<(Option<usize>, usize)> {
        let id = self.str(r, "order");
        let place = orders.get(&id).copied();
        if place.is_none() && !id.is_empty() {
            self.error(
                r,
                "order",
                "unknown_reference",
                format!("no order \"{id}\" in orders.csv"),
            );
        }
        place
    }
}

/// The order at `place` (the scenario's list, or a surge's) and its JSON path.
fn order_at(doc: &mut ScenarioDoc, place: (Option<usize>, usize)) -> (String, &mut OrderDoc) {
    match place {
        (None, i) => (format!("orders[{i}]"), &mut doc.orders[i]),
        (Some(d), i) => match &mut doc.disruptions[d] {
            DisruptionDoc::DemandSurge { orders } => {
                (format!("disruptions[{d}].orders[{i}]"), &mut orders[i])
            }
            _ => unreachable!("only demand surges hold orders"),
        },
    }
}
