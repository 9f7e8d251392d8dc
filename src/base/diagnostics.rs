//! Problems found in an input, each tied to the JSON path where it was found.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: where (a JSON path such as `orders[3].plan[0].lane`, empty for the document
/// itself), what (a machine code and a sentence) and how to fix it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: String,
    pub path: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Line and column in the input, where the problem is a syntax error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Diagnostic {
    pub fn error(code: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code: code.to_owned(),
            path: path.into(),
            message: message.into(),
            hint: None,
            line: None,
            column: None,
        }
    }

    pub fn warning(code: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, path, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}]: ", self.code)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, "line {l}, column {c}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found in one input, errors and warnings together, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// How many diagnostics of one code a listing for people shows ([`Diagnostics::listing`]):
/// enough to see the pattern and the rows it starts at, few enough that a bad column of a
/// large scenario (100,000 rows, each an error) does not bury the summary line under the
/// same sentence. Programs read the whole list (`validate --format json`).
pub const SHOWN_PER_CODE: usize = 20;

impl Diagnostics {
    /// The diagnostics as people read them: the first [`SHOWN_PER_CODE`] of each code and
    /// severity in the order found, then one line per code with more ("... and 9980 more
    /// not_a_number errors like these"), in the order the codes were first found.
    pub fn listing(&self) -> Listing<'_> {
        Listing(self)
    }
}

/// [`Diagnostics::listing`]: the diagnostics as text, each code cut at [`SHOWN_PER_CODE`].
pub struct Listing<'a>(&'a Diagnostics);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Per code and severity, how many were found; the codes in the order first found.
        let mut seen: std::collections::HashMap<(Severity, &str), usize> = Default::default();
        let mut order = Vec::new();
        for d in &self.0.items {
            let n = seen.entry((d.severity, d.code.as_str())).or_insert(0);
            if *n == 0 {
                order.push((d.severity, d.code.as_str()));
            }
            *n += 1;
            if *n <= SHOWN_PER_CODE {
                writeln!(f, "{d}")?;
            }
        }
        for key in order {
            let more = seen[&key].saturating_sub(SHOWN_PER_CODE);
            if more > 0 {
                let (one, many) = match key.0 {
                    Severity::Error => ("error", "errors"),
                    Severity::Warning => ("warning", "warnings"),
                };
                let word = crate::base::text::agree(more as f64, one, many);
                writeln!(f, "... and {more} more {} {word} like these", key.1)?;
            }
        }
        Ok(())
    }
}

/// The `validate --format json` document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticsDoc {
    pub format: String,
    pub input: String,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<Diagnostic>,
}

pub const DIAGNOSTICS_FORMAT: &str = "recourse.diagnostics/1";

impl DiagnosticsDoc {
    pub fn new(input: &str, diags: &Diagnostics) -> Self {
        Self {
            format: DIAGNOSTICS_FORMAT.to_owned(),
            input: input.to_owned(),
            valid: !diags.has_errors(),
            errors: diags.error_count(),
            warnings: diags.warning_count(),
            diagnostics: diags.items.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_counts_each_code_past_the_first_twenty() {
        let mut d = Diagnostics::default();
        for i in 0..SHOWN_PER_CODE + 1 {
            d.push(Diagnostic::error(
                "bad_date",
                format!("orders.csv:{i}:due"),
                "x",
            ));
            d.push(Diagnostic::warning(
                "bad_date",
                format!("orders.csv:{i}:due"),
                "y",
            ));
        }
        d.push(Diagnostic::error("negative", "stock.csv:2:on_hand", "z"));
        let text = d.listing().to_string();
        assert_eq!(text.lines().count(), 2 * SHOWN_PER_CODE + 1 + 2, "{text}");
        assert!(text.ends_with(
            "error[negative]: stock.csv:2:on_hand: z\n\
             ... and 1 more bad_date error like these\n\
             ... and 1 more bad_date warning like these\n"
        ));
    }
}
