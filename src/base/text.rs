//! How numbers and counts read in messages, reasons and reports: one place for each.

/// A unit count as a planner writes it: no ".0" on whole numbers.
pub fn qty(q: f64) -> String {
    if q.fract() == 0.0 && q.abs() < 1e15 {
        format!("{}", q as i64)
    } else {
        format!("{}", (q * 1e6).round() / 1e6)
    }
}

/// A count with its noun, singular for exactly 1: "1 day", "40 units", "2.5 units". The
/// one place the reports and messages make a plural.
pub fn plural(n: f64, word: &str) -> String {
    if n == 1.0 {
        format!("1 {word}")
    } else {
        format!("{} {word}s", qty(n))
    }
}

/// The form of a word that agrees with a count: `one` for exactly 1, else `many` ("1 unit
/// leaves", "2 units leave"), as [`plural`] decides.
pub fn agree<'a>(n: f64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1.0 {
        one
    } else {
        many
    }
}

/// `word` with its indefinite article: "an order", "a SKU", "an inbound_delay".
pub fn a(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// The widest a text report's prose runs (explanations, reasons): on a wider terminal
/// longer lines are harder to read, and a file or pipe gets this width.
pub const TEXT_WIDTH: usize = 100;

/// `text` wrapped to `width` columns, the first line after `first`, the others after
/// `rest` (both count toward the width). Ids stay whole: a line breaks at spaces only,
/// never inside `SO-1011` or a path, so a word longer than the line keeps its own line.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, options)
}

/// A unit count with its noun: "1 unit", "40 units", "2.5 units".
pub fn units(q: f64) -> String {
    plural(q, "unit")
}

/// The widest a text table's column grows; longer cells are clipped by [`clip`]. A column
/// as wide as its longest id would let one absurd id push every row off the screen (and a
/// width above 65,535 is more than `format!` can pad).
pub const MAX_COLUMN: usize = 40;

/// `s` cut to its last `max` characters, the first one an ellipsis when anything was cut:
/// a path keeps its file name (`…/tiny/lane-delay.json`), which tells files apart.
pub fn clip_start(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        s.to_owned()
    } else {
        let mut out = String::from("…");
        out.extend(s.chars().skip(n - max.saturating_sub(1)));
        out
    }
}

/// `s` cut to `max` characters, the last one an ellipsis when anything was cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Whether `c` reorders the text around it where it is written: a bidirectional
/// embedding, override or isolate (U+202A-U+202E, U+2066-U+2069). One in an id shows the
/// numbers after it reversed ("net 39734" as "net 43793").
pub fn reorders(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text safe to put on a terminal: every control character but newline and tab written as
/// an escape (`\u{0}`), so an id with a NUL or an escape sequence in it cannot garble or
/// drive the reader's terminal.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    // Control characters, and the bidirectional controls that would show the text after
    // them reversed on the reader's terminal.
    let escaped = |c: char| (c.is_control() && c != '\n' && c != '\t') || reorders(c);
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A number for a message: as written when it has at most 15 digits before the point,
/// in exponent form beyond, so that a 300-digit value in a file is not echoed 300 digits
/// long.
pub fn number(v: f64) -> String {
    if v.abs() < 1e15 {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Money or a cost for a message, to the cent as the reports write it while it has at most
/// 15 digits before the point, in exponent form beyond (as [`number`]).
pub fn cents(v: f64) -> String {
    if v.abs() < 1e15 {
        format!("{v:.2}")
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_a_planner_writes_them() {
        assert_eq!(qty(40.0), "40");
        assert_eq!(qty(2.5), "2.5");
        assert_eq!(units(1.0), "1 unit");
        assert_eq!(units(40.0), "40 units");
        assert_eq!(units(0.5), "0.5 units");
        assert_eq!(plural(1.0, "day"), "1 day");
        assert_eq!(cents(47318.0), "47318.00");
        assert_eq!(cents(-1e300), "-1e300");
        assert_eq!(plural(0.0, "order"), "0 orders");
    }

    #[test]
    fn long_cells_are_clipped_and_control_characters_escaped() {
        assert_eq!(clip("SO-1", 5), "SO-1");
        assert_eq!(clip("SO-123456", 5), "SO-1…");
        assert_eq!(clip_start("SO-1", 5), "SO-1");
        assert_eq!(clip_start("a/b/lane-delay.json", 10), "…elay.json");
        assert_eq!(printable("a\u{0}b\u{1b}[2J\n"), "a\\u{0}b\\u{1b}[2J\n");
        assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            printable("SO-1\u{202e} net 39734"),
            "SO-1\\u{202e} net 39734"
        );
    }
}
