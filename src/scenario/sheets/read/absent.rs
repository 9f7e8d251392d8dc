//! What an optional table's absence means, said once at the file. A table left out is no
//! rows, which is legal, but when other files name its rows, or rely on them, that is more
//! likely a file forgotten or misnamed than a scenario without them: each such case is said
//! here (an error where the scenario cannot be valid without the file, a warning where it
//! is valid but every order loses something), instead of a finding at each row that
//! names a missing id.

use super::parse::Row;
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::scenario::sheets::tables::*;
use std::collections::HashMap;

/// One table's absence that other tables reveal: an error when `error`, else a warning.
struct Reliance {
    /// The absent table.
    table: &'static Table,
    /// The tables and columns whose non-empty cells rely on it.
    by: &'static [(&'static Table, &'static str)],
    error: bool,
}

/// Tables whose rows other tables name: without the file, each naming row would be an error
/// of its own ("unknown lane", "no order"), though the real problem is one missing file.
const NAMED: &[Reliance] = &[
    Reliance {
        table: &ORDERS,
        by: &[
            (&ORDER_LINES, "order"),
            (&PLANNED_SHIPMENTS, "order"),
            (&FORBID, "order"),
        ],
        error: true,
    },
    Reliance {
        table: &LANES,
        by: &[
            (&PLANNED_SHIPMENTS, "lane"),
            (&DISRUPTIONS, "lane"),
            (&FORBID, "lane"),
        ],
        error: true,
    },
    Reliance {
        table: &INBOUND,
        by: &[(&DISRUPTIONS, "inbound"), (&FORBID, "inbound")],
        error: true,
    },
    Reliance {
        table: &DISRUPTIONS,
        by: &[(&ORDERS, "surge")],
        error: true,
    },
];

/// Says, in `diags`, each optional table that is absent (`absent(file)`) although the rows
/// read (`tables`) rely on it. [`NAMED`] tables and `order_lines.csv` (every order needs
/// lines) are errors; `planned_shipments.csv` and `stock.csv` are warnings, since a
/// scenario may have no plans or no stock, but then every order is at risk.
pub(super) fn absent_tables(
    tables: &HashMap<&'static str, Vec<Row>>,
    absent: impl Fn(&str) -> bool,
    diags: &mut Diagnostics,
) {
    named(tables, &absent, diags);
    relied_on(tables, &absent, diags);
}

/// The [`NAMED`] tables that are absent although rows name them.
fn named(
    tables: &HashMap<&'static str, Vec<Row>>,
    absent: &impl Fn(&str) -> bool,
    diags: &mut Diagnostics,
) {
    for n in NAMED.iter().filter(|n| absent(n.table.file)) {
        // Each naming row, with the id it names (`(local)` in forbid.csv names no lane).
        let named: Vec<(&Row, &String)> =
            n.by.iter()
                .flat_map(|&(t, column)| {
                    rows(tables, t).filter_map(move |r| Some((r, r.cells.get(column)?)))
                })
                .filter(|(_, id)| *id != LOCAL_ONLY)
                .collect();
        let Some(&(first, id)) = named.first() else {
            continue;
        };
        let (one, many) = nouns(n.table);
        let message = if named.len() == 1 {
            format!(
                "{} is missing, but {}:{} names {one} in it (\"{id}\")",
                n.table.file, first.file, first.line
            )
        } else {
            format!(
                "{} is missing, but {} rows name {many} in it, the first \"{id}\" at {}:{}",
                n.table.file,
                named.len(),
                first.file,
                first.line
            )
        };
        diags.push(missing(n.table, n.error, message).hint(format!(
            "add {} with the columns {}, or check its name",
            n.table.file,
            n.table.columns.join(",")
        )));
    }
}

/// order_lines.csv, planned_shipments.csv and stock.csv, absent although the orders or
/// the plans rely on them.
fn relied_on(
    tables: &HashMap<&'static str, Vec<Row>>,
    absent: &impl Fn(&str) -> bool,
    diags: &mut Diagnostics,
) {
    let orders = rows(tables, &ORDERS).count();
    if orders > 0 && absent(ORDER_LINES.file) {
        diags.push(
            missing(
                &ORDER_LINES,
                true,
                format!(
                    "order_lines.csv is missing, but orders.csv has {}: every order needs its lines",
                    count(orders, "order")
                ),
            )
            .hint("add order_lines.csv with the columns order,sku,quantity, or check its name"),
        );
    }
    // A demand surge's orders usually come without a plan; the scenario's own do not.
    let planned = rows(tables, &ORDERS)
        .filter(|r| !r.cells.contains_key("surge"))
        .count();
    if planned > 0 && absent(PLANNED_SHIPMENTS.file) {
        diags.push(
            missing(
                &PLANNED_SHIPMENTS,
                false,
                format!(
                    "planned_shipments.csv is missing: {} in orders.csv {} no plan, so each is at risk (nothing is promised to ship)",
                    count(planned, "order"),
                    if planned == 1 { "has" } else { "have" }
                ),
            )
            .hint("add planned_shipments.csv with the columns order,sku,node,lane,ship,quantity, or check its name; leave it out only when no order has a plan yet"),
        );
    }
    let shipments = rows(tables, &PLANNED_SHIPMENTS).count();
    if shipments > 0 && absent(STOCK.file) {
        diags.push(
            missing(
                &STOCK,
                false,
                format!(
                    "stock.csv is missing: every node starts with nothing on hand, so the {} in planned_shipments.csv can ship only what inbound receipts bring",
                    count(shipments, "planned shipment")
                ),
            )
            .hint("add stock.csv with the columns node,sku,on_hand,reserved, or check its name"),
        );
    }
}

fn rows<'a>(
    tables: &'a HashMap<&'static str, Vec<Row>>,
    t: &Table,
) -> impl Iterator<Item = &'a Row> {
    tables.get(t.file).into_iter().flatten()
}

fn missing(t: &Table, error: bool, message: String) -> Diagnostic {
    if error {
        Diagnostic::error("missing_table", t.file, message)
    } else {
        Diagnostic::warning("missing_table", t.file, message)
    }
}

/// What a row of `t` is, one and many: ("an order", "orders").
fn nouns(t: &Table) -> (&'static str, &'static str) {
    match t.file {
        "orders.csv" => ("an order", "orders"),
        "inbound.csv" => ("an inbound receipt", "inbound receipts"),
        "disruptions.csv" => ("a disruption", "disruptions"),
        _ => ("a lane", "lanes"),
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
