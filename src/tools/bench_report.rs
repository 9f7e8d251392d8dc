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

/// An aligned table; `-` where a value does not apply (no model, no bound).
///
/// Long because it is one table's columns, each a few lines of formatting.
pub fn table(rows: &[BenchRow]) -> String {
    // Each column's title, and whether it holds text (left-aligned) or numbers.
    let head = [
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
    let dash = || "-".to_owned();
    let money = |v: Option<f64>| v.map_or_else(dash, |x| format!("{x:.2}"));
    let secs = |v: f64| format!("{v:.3}");
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|h| h.0.to_string()).collect()];
    for r in rows {
        let status = match &r.limit {
            Some(l) => format!("{} ({l})", r.status),
            None => r.status.clone(),
        };
        cells.push(vec![
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
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            cells
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
                .min(MAX_COLUMN)
        })
        .collect();
    let mut out = String::new();
    for row in &cells {
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
                if head[c].1 {
                    format!("{v:<w$}", w = widths[c])
                } else {
                    format!("{v:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
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
