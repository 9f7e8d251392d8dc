//! `recourse bench` output: an aligned table for people, CSV for spreadsheets (JSON is the
//! rows as they are, `bench::BenchDoc`).

use crate::base::text::{clip, clip_start, MAX_COLUMN};
use crate::tools::bench::BenchRow;

/// CSV with a header, every field of [`BenchRow`]; absent values are empty fields and
/// numbers are written in full precision.
pub fn csv(rows: &[BenchRow]) -> String {
    let mut out = String::from(
        "dataset,scenario,formulation,orders,at_risk,rows,columns,nonzeros,build_s,solve_s,total_s,\
         status,limit,objective,bound,gap,lp_bound,checker,baseline,saving,saving_pct,fallback,error\n",
    );
    for r in rows {
        let fields = [
            field(&r.dataset),
            field(&r.scenario),
            field(&r.formulation),
            r.orders.to_string(),
            r.at_risk.to_string(),
            opt(r.rows),
            opt(r.columns),
            opt(r.nonzeros),
            opt(r.build_s),
            r.solve_s.to_string(),
            r.total_s.to_string(),
            r.status.clone(),
            r.limit.clone().unwrap_or_default(),
            opt(r.objective),
            opt(r.bound),
            opt(r.gap),
            opt(r.lp_bound),
            r.checker.clone(),
            r.baseline.to_string(),
            opt(r.saving),
            opt(r.saving_pct),
            r.fallback.clone().unwrap_or_default(),
            field(r.error.as_deref().unwrap_or("")),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Quoted when it holds a comma, a quote or a line break (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Each column's title, and whether it holds text (left-aligned) or numbers.
const HEAD: [(&str, bool); 16] = [
    ("DATASET", true),
    ("FORMULATION", true),
    ("ROWS", false),
    ("COLS", false),
    ("NONZEROS", false),
    ("BUILD s", false),
    ("SOLVE s", false),
    ("TOTAL s", false),
    ("STATUS", true),
    ("OBJECTIVE", false),
    ("BOUND", false),
    ("GAP", false),
    ("LP BOUND", false),
    ("CHECKER", true),
    ("SAVING", false),
    ("SAVING %", false),
];

/// An aligned table; `-` where a value does not apply (no model, no bound).
pub fn table(rows: &[BenchRow]) -> String {
    let mut cells: Vec<Vec<String>> = vec![HEAD.iter().map(|h| h.0.to_string()).collect()];
    cells.extend(rows.iter().map(cells_of));
    let widths = widths(&cells);
    let mut out = String::new();
    for row in &cells {
        out.push_str(aligned(row, &widths).trim_end());
        out.push('\n');
    }
    for r in rows.iter().filter(|r| r.error.is_some()) {
        out.push_str(&format!(
            "error: {} / {}: {}\n",
            r.dataset,
            r.formulation,
            r.error.as_deref().unwrap_or_default()
        ));
    }
    out
}

/// What a cell holds where a value does not apply.
fn dash() -> String {
    "-".to_owned()
}

/// An amount to the cent, or `-`.
fn money(v: Option<f64>) -> String {
    v.map_or_else(dash, |x| format!("{x:.2}"))
}

/// Seconds to the millisecond.
fn secs(v: f64) -> String {
    format!("{v:.3}")
}

/// A row's cells, one per column of [`HEAD`].
fn cells_of(r: &BenchRow) -> Vec<String> {
    let status = match &r.limit {
        Some(l) => format!("{} ({l})", r.status),
        None => r.status.clone(),
    };
    vec![
        r.dataset.clone(),
        r.formulation.clone(),
        r.rows.map_or_else(dash, |x| x.to_string()),
        r.columns.map_or_else(dash, |x| x.to_string()),
        r.nonzeros.map_or_else(dash, |x| x.to_string()),
        r.build_s.map_or_else(dash, secs),
        secs(r.solve_s),
        secs(r.total_s),
        match &r.fallback {
            Some(name) => format!("{status}, {name} kept"),
            None => status,
        },
        money(r.objective),
        money(r.bound),
        r.gap.map_or_else(dash, |g| format!("{:.2}%", 100.0 * g)),
        money(r.lp_bound),
        r.checker.clone(),
        money(r.saving),
        r.saving_pct.map_or_else(dash, |p| format!("{p:.1}")),
    ]
}

/// Each column's width: its widest cell, at most [`MAX_COLUMN`].
fn widths(cells: &[Vec<String>]) -> Vec<usize> {
    (0..HEAD.len())
        .map(|c| {
            cells
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
                .min(MAX_COLUMN)
        })
        .collect()
}

/// A row's cells clipped and padded to their columns' `widths`, two spaces apart.
fn aligned(row: &[String], widths: &[usize]) -> String {
    let line: Vec<String> = row
        .iter()
        .enumerate()
        .map(|(c, v)| {
            // Text left, numbers right; a dataset's path keeps its end (the file name).
            let v = if c == 0 {
                clip_start(v, MAX_COLUMN)
            } else {
                clip(v, MAX_COLUMN)
            };
            if HEAD[c].1 {
                format!("{v:<w$}", w = widths[c])
            } else {
                format!("{v:>w$}", w = widths[c])
            }
        })
        .collect();
    line.join("  ")
}
