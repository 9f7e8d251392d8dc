//! The tables of the CSV form of a scenario: file names and columns.

/// One table: its file name and its columns, in the order written. `required` columns must
/// be in the header; the others may be left out (every cell then empty).
pub struct Table {
    pub file: &'static str,
    pub columns: &'static [&'static str],
    pub required: &'static [&'static str],
    /// Whether the file must exist (the others default to no rows).
    pub must_exist: bool,
}

pub const SCENARIO: Table = Table {
    file: "scenario.csv",
    columns: &["field", "value"],
    required: &["field", "value"],
    must_exist: true,
};
pub const POLICY: Table = Table {
    file: "policy.csv",
    columns: &["field", "value"],
    required: &["field", "value"],
    must_exist: false,
};
pub const PRIORITY_PENALTIES: Table = Table {
    file: "priority_penalties.csv",
    columns: &["priority", "late_per_unit_day", "short_per_unit"],
    required: &["priority", "late_per_unit_day", "short_per_unit"],
    must_exist: false,
};
pub const FORBID: Table = Table {
    file: "forbid.csv",
    columns: &["kind", "order", "sku", "node", "lane", "inbound"],
    required: &["kind"],
    must_exist: false,
};
pub const SKUS: Table = Table {
    file: "skus.csv",
    columns: &["id", "name"],
    required: &["id"],
    must_exist: true,
};
pub const NODES: Table = Table {
    file: "nodes.csv",
    columns: &["id", "kind", "ship_capacity_per_day", "name", "lat", "lon"],
    required: &["id", "kind"],
    must_exist: true,
};
pub const LANES: Table = Table {
    file: "lanes.csv",
    columns: &[
        "id",
        "from",
        "to",
        "mode",
        "lead_time_days",
        "cost_per_unit",
        "fixed_cost_per_day",
        "capacity_per_day",
        "departure_days",
    ],
    required: &[
        "id",
        "from",
        "to",
        "mode",
        "lead_time_days",
        "cost_per_unit",
    ],
    must_exist: false,
};
pub const STOCK: Table = Table {
    file: "stock.csv",
    columns: &["node", "sku", "on_hand", "reserved"],
    required: &["node", "sku", "on_hand"],
    must_exist: false,
};
pub const INBOUND: Table = Table {
    file: "inbound.csv",
    columns: &[
        "id",
        "node",
        "sku",
        "quantity",
        "eta",
        "expedite_eta",
        "expedite_cost",
    ],
    required: &["id", "node", "sku", "quantity", "eta"],
    must_exist: false,
};
pub const ORDERS: Table = Table {
    file: "orders.csv",
    columns: &[
        "id",
        "customer",
        "destination",
        "due",
        "priority",
        "allow_partial",
        "max_sources",
        "frozen",
        "late_penalty_per_unit_day",
        "short_penalty_per_unit",
        "surge",
    ],
    required: &["id", "destination", "due", "priority"],
    must_exist: false,
};
pub const ORDER_LINES: Table = Table {
    file: "order_lines.csv",
    columns: &["order", "sku", "quantity"],
    required: &["order", "sku", "quantity"],
    must_exist: false,
};
pub const PLANNED_SHIPMENTS: Table = Table {
    file: "planned_shipments.csv",
    columns: &["order", "sku", "node", "lane", "ship", "quantity"],
    required: &["order", "sku", "node", "lane", "ship", "quantity"],
    must_exist: false,
};
pub const DISRUPTIONS: Table = Table {
    file: "disruptions.csv",
    columns: &[
        "id",
        "kind",
        "inbound",
        "eta",
        "node",
        "sku",
        "quantity",
        "lane",
        "from",
        "until",
        "extra_days",
    ],
    required: &["id", "kind"],
    must_exist: false,
};

/// Every table, in the order they are read and written.
pub const TABLES: &[&Table] = &[
    &SCENARIO,
    &POLICY,
    &PRIORITY_PENALTIES,
    &FORBID,
    &SKUS,
    &NODES,
    &LANES,
    &STOCK,
    &INBOUND,
    &ORDERS,
    &ORDER_LINES,
    &PLANNED_SHIPMENTS,
    &DISRUPTIONS,
];

/// The `lane` of a `forbid.csv` shipment row that forbids local shipments only (JSON
/// `"lane": null`); an empty cell forbids every lane (the key left out).
pub const LOCAL_ONLY: &str = "(local)";
/// The `departure_days` of a lane that never departs (JSON `[]`); an empty cell means every
/// day (the key left out).
pub const NEVER: &str = "(never)";

/// The byte-order mark `export csv` writes at the start of every file: Excel on Windows
/// reads a CSV file without one in the machine's ANSI code page ("Créteil" opens as
/// "CrÃ©teil"), with one as UTF-8, and Excel's own "CSV UTF-8" writes it. `import csv`
/// skips it (and reads files without one).
pub const BOM: &str = "\u{feff}";

/// What a spreadsheet takes a cell starting with for a formula: `=`, `+`, `-`, `@`, and
/// tab and CR, which some treat so too.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as `export csv` writes it. Text that a spreadsheet would run as a formula
/// (`=HYPERLINK(...)`, `+33 ...`, `@risk`, `-SKU-3`) gets a `'` in front, so that it opens as
/// text, and so does text that starts with `'` and would lose it in [`unescape_formula`].
/// A number (`-5`, `-0.25`) is left as it is: a spreadsheet reads it as a number.
/// `unescape_formula(&escape_formula(x)) == x` for every `x`.
pub fn escape_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(FORMULA_STARTS) && !is_plain_number(cell);
    if formula || unescape_formula(cell).len() != cell.len() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A cell as `import csv` reads it: without the `'` of [`escape_formula`], that is a `'`
/// followed by `=`, `+`, `-`, `@`, tab, CR or another `'`.
pub fn unescape_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

/// A number as `write.rs` writes one (`-5`, `12`, `-0.25`: the `Display` of an integer or
/// an `f64`), which a spreadsheet reads as a number, not as a formula.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}
