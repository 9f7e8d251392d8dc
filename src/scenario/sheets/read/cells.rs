//! The builder that turns rows into the document, and its typed reads of one cell (text,
//! numbers, yes/no), each problem reported at the cell.

use super::origins::Origins;
use super::parse::Row;
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::scenario::sheets::tables::*;
use std::collections::HashMap;

/// Turns the rows into a document, collecting problems in `diags`.
pub(super) struct Builder {
    pub(super) diags: Diagnostics,
    pub(super) origins: Origins,
    pub(super) tables: HashMap<&'static str, Vec<Row>>,
}

impl Builder {
    pub(super) fn rows(&mut self, t: &Table) -> Vec<Row> {
        self.tables.remove(t.file).unwrap_or_default()
    }

    pub(super) fn error(&mut self, r: &Row, column: &str, code: &str, message: String) {
        let at = if column.is_empty() {
            format!("{}:{}", r.file, r.line)
        } else {
            format!("{}:{}:{column}", r.file, r.line)
        };
        self.diags.push(Diagnostic::error(code, at, message));
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

    pub(super) fn opt_f64(&mut self, r: &Row, c: &str) -> Option<f64> {
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

    pub(super) fn f64(&mut self, r: &Row, c: &str) -> f64 {
        self.required(r, c);
        self.opt_f64(r, c).unwrap_or(0.0)
    }

    pub(super) fn opt_i64(&mut self, r: &Row, c: &str) -> Option<i64> {
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
