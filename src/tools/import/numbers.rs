//! Reading whitespace-separated numbers line by line, with errors that name the file, the
//! line and the field, as both instance formats need.

use super::imported::ImportError;

/// The non-blank lines of a file, with their 1-based numbers.
pub(super) struct Lines<'a> {
    file: &'a str,
    inner: std::iter::Peekable<Box<dyn Iterator<Item = (usize, &'a str)> + 'a>>,
    /// The number of the last line in the file, for "ended early" messages.
    last: usize,
    /// Whether the file has no line but blank ones: then nothing ended early, and no
    /// line (not "line 0") is to blame.
    blank: bool,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str, file: &'a str) -> Self {
        let last = text.lines().count();
        let it: Box<dyn Iterator<Item = (usize, &'a str)> + 'a> = Box::new(
            text.lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l))
                .filter(|(_, l)| !l.trim().is_empty()),
        );
        Self {
            file,
            inner: it.peekable(),
            last,
            blank: text.trim().is_empty(),
        }
    }

    pub(super) fn peek(&mut self) -> Option<&(usize, &'a str)> {
        self.inner.peek()
    }

    /// The next non-blank line, or an error saying what was expected there: at line 1 of
    /// a file with nothing in it, else at its last line.
    pub(super) fn next(&mut self, what: &str) -> Result<(usize, &'a str), ImportError> {
        if self.blank {
            let empty = if self.last == 0 {
                "is empty"
            } else {
                "has only blank lines"
            };
            return Err(self.error(
                1,
                format!("the file {empty}: nothing to read, not even {what}"),
                "check that this is the instance file, or copy it again from the original",
            ));
        }
        self.inner.next().ok_or_else(|| ImportError::Format {
            file: self.file.to_owned(),
            line: self.last,
            message: format!("the file ends where {what} should follow"),
            hint: "the file may be truncated; compare it with the original".to_owned(),
        })
    }

    /// The fields of the next non-blank line as numbers, checking there are at least `names.len()`.
    pub(super) fn numbers(
        &mut self,
        what: &str,
        names: &[&str],
    ) -> Result<(usize, Vec<f64>), ImportError> {
        let (line, text) = self.next(what)?;
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() < names.len() {
            return Err(self.error(
                line,
                format!(
                    "{what} needs {} fields ({}), found {}",
                    names.len(),
                    names.join(" "),
                    fields.len()
                ),
                "check the format description; a line may have been split or cut",
            ));
        }
        let mut out = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            let name = names.get(i).map(|n| format!(" ({n})")).unwrap_or_default();
            match f.parse::<f64>() {
                Ok(v) if v.is_finite() => out.push(v),
                _ => {
                    return Err(self.error(
                        line,
                        format!("field {}{name} of {what} is \"{f}\", not a number", i + 1),
                        "fix the number, or check that this is the right format",
                    ))
                }
            }
        }
        Ok((line, out))
    }

    pub(super) fn error(&self, line: usize, message: String, hint: &str) -> ImportError {
        ImportError::Format {
            file: self.file.to_owned(),
            line,
            message,
            hint: hint.to_owned(),
        }
    }
}

/// `v` as a count (a whole number >= `min`), or an error naming it.
pub(super) fn count(
    lines: &Lines,
    line: usize,
    v: f64,
    name: &str,
    min: f64,
) -> Result<usize, ImportError> {
    if v.fract() != 0.0 || v < min || v > 1e6 {
        return Err(lines.error(
            line,
            format!("{name} is {v}, not a whole number from {min} to 10^6"),
            "check the header of the file",
        ));
    }
    Ok(v as usize)
}

/// Checks that an amount (cost, capacity, demand) is not negative.
pub(super) fn amount(lines: &Lines, line: usize, v: f64, name: &str) -> Result<f64, ImportError> {
    if v < 0.0 {
        return Err(lines.error(
            line,
            format!("{name} is {v}, below 0"),
            "costs, capacities and demands must be 0 or more",
        ));
    }
    Ok(v)
}
