//! Text for the page: HTML escaping, JSON safe inside a script element, and numbers as the
//! page writes them everywhere (cards, tables, chart labels, sentences): money with two
//! decimals and counts, both grouped by thousands.

use crate::base::text::{qty, reorders};
use std::collections::HashSet;
use std::fmt::Write;

/// Money on the page: `1234567.5` as `1,234,567.50`, always two decimals (as `page.js`
/// writes it too).
pub fn grouped(x: f64) -> String {
    let text = format!("{:.2}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let sign = if x < 0.0 && text != "0.00" { "-" } else { "" };
    format!("{sign}{}.{frac}", thousands(int))
}

/// A count on the page: `5081` as `5,081`; a fraction stays as the text reports write it
/// (`2.5`).
pub(super) fn count(x: f64) -> String {
    let text = qty(x);
    let (sign, text) = match text.strip_prefix('-') {
        Some(t) => ("-", t),
        None => ("", text.as_str()),
    };
    match text.split_once('.') {
        Some((int, frac)) => format!("{sign}{}.{frac}", thousands(int)),
        None => format!("{sign}{}", thousands(text)),
    }
}

/// A count with its noun, singular for exactly 1: "1 order", "5,081 orders".
pub(super) fn counted(n: f64, word: &str) -> String {
    if n == 1.0 {
        format!("1 {word}")
    } else {
        format!("{} {word}s", count(n))
    }
}

/// Where the sentences of the proposals document (explanations, why an order stays at risk)
/// put money, told by the words before and after it: `respond` writes amounts as the text
/// reports do (`40000`, `266.5`) and, without a currency, nothing else marks them. An empty
/// "after" is any end of a word.
const MONEY_AROUND: [(&str, &str); 14] = [
    ("Costs ", ","),
    ("saves ", " in penalties"),
    ("Saves ", " in running costs"),
    ("and ", " in penalties"),
    ("adds ", " in its donors"),
    ("net ", ""),
    ("cost by ", " on its own"),
    ("for ", ", against"),
    ("for ", " (a "),
    ("(a ", " fixed charge"),
    ("against ", " of penalty"),
    ("(", " per "),
    ("penalty is ", " per "),
    ("than the ", " per "),
];

/// What follows a count of units in those sentences ("1200 units short", "40 x SKU-1").
const UNITS_AFTER: [&str; 4] = [" units", " unit-days", " x ", " free units"];

/// `text` from the proposals document with its amounts of money and of units written as the
/// rest of the page writes them: "Costs 266 EUR, saves 40000 EUR" as "Costs 266.00 EUR,
/// saves 40,000.00 EUR". Only numbers that stand alone count (not the digits of an id or a
/// date), and only where `currency` or the words around them say what they are.
pub(super) fn amounts(text: &str, currency: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        let starts =
            b[i].is_ascii_digit() || (b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts || (i > 0 && !matches!(b[i - 1], b' ' | b'(')) {
            i += 1;
            continue;
        }
        let j = number_end(b, i);
        let (before, rest) = (&text[..i], &text[j..]);
        let ends_word = rest.chars().next().is_none_or(|c| {
            matches!(c, ' ' | ',' | ')' | ';' | ':')
                || c == '.' && !rest[1..].starts_with(|c: char| c.is_alphanumeric())
        });
        let Some(x) = text[i..j].parse::<f64>().ok().filter(|_| ends_word) else {
            i = j;
            continue;
        };
        let after = (!currency.is_empty())
            .then(|| rest.strip_prefix(' ')?.strip_prefix(currency))
            .flatten()
            .filter(|r| !r.starts_with(|c: char| c.is_alphanumeric()));
        let money = after.is_some()
            || MONEY_AROUND.iter().any(|(pre, post)| {
                before.ends_with(pre) && (post.is_empty() || rest.starts_with(post))
            });
        let written = if money {
            grouped(x)
        } else if UNITS_AFTER.iter().any(|u| rest.starts_with(u)) {
            count(x)
        } else {
            i = j;
            continue;
        };
        out.push_str(&text[copied..i]);
        out.push_str(&written);
        (copied, i) = (j, j);
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the number starting at `i` ends: digits, and a fraction when digits follow the
/// point.
fn number_end(b: &[u8], i: usize) -> usize {
    let digits = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let j = digits(i + 1);
    if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
        digits(j + 1)
    } else {
        j
    }
}

/// Digits with a comma before every group of three from the right.
fn thousands(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whether `c` belongs to a right-to-left script: Hebrew, Arabic, Syriac, Thaana, N'Ko and
/// the rest of U+0590-U+08FF, their presentation forms, and the right-to-left blocks past
/// U+FFFF (page.js tells them alike).
pub(super) fn right_to_left(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// The ids the page's sentences may name that hold a right-to-left letter. Written into a
/// sentence as it is, such an id takes the number or id after it into its right-to-left run
/// ("at מרכז-2 30 units" shows 30 before the id, "ת1, ת2" as "ת2 ,ת1"); isolated, it reads
/// as one piece in the sentence's order. In HTML an id is a `<bdi>` element; in the data
/// block it stands between U+2068 and U+2069 (first strong isolate, pop directional
/// isolate), which page.js makes a `<bdi>` element where the text is HTML and keeps in
/// tooltips. An id of left-to-right letters reads the same either way and is left as written.
pub(super) struct Isolated<'a> {
    ids: HashSet<&'a str>,
    /// The longest id's length in bytes.
    longest: usize,
}

impl<'a> Isolated<'a> {
    pub(super) fn new(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let ids: HashSet<&str> = ids
            .into_iter()
            .filter(|id| id.chars().any(right_to_left))
            .collect();
        let longest = ids.iter().map(|id| id.len()).max().unwrap_or(0);
        Isolated { ids, longest }
    }

    /// `text` in pieces, each with whether it is one of the ids. An id counts where it
    /// stands as a word (no letter, digit, `-` or `_` joins it on either side), the longest
    /// one first.
    fn pieces<'t>(&self, text: &'t str) -> Vec<(&'t str, bool)> {
        if self.ids.is_empty() || !text.chars().any(right_to_left) {
            return vec![(text, false)];
        }
        let mut out = Vec::new();
        let (mut copied, mut i, mut prev) = (0, 0, None);
        while let Some(c) = text[i..].chars().next() {
            let id = prev.is_none_or(|p| !joins(p)).then(|| self.id_at(text, i));
            if let Some(j) = id.flatten() {
                if copied < i {
                    out.push((&text[copied..i], false));
                }
                out.push((&text[i..j], true));
                prev = text[..j].chars().next_back();
                (copied, i) = (j, j);
                continue;
            }
            prev = Some(c);
            i += c.len_utf8();
        }
        if copied < text.len() {
            out.push((&text[copied..], false));
        }
        out
    }

    /// Where the longest id that starts at `i` ends, where nothing joins it after.
    fn id_at(&self, text: &str, i: usize) -> Option<usize> {
        let rest = &text[i..];
        rest.char_indices()
            .skip(1)
            .chain([(rest.len(), ' ')])
            .take_while(|&(k, _)| k <= self.longest)
            .filter(|&(k, c)| !joins(c) && self.ids.contains(&rest[..k]))
            .last()
            .map(|(k, _)| i + k)
    }

    /// `text` with each id between U+2068 and U+2069, for page.js.
    pub(super) fn marked(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        for (piece, id) in self.pieces(text) {
            if id {
                out.push('\u{2068}');
                out.push_str(piece);
                out.push('\u{2069}');
            } else {
                out.push_str(piece);
            }
        }
        out
    }

    /// `text` as HTML, each id a `<bdi>` element.
    pub(super) fn html(&self, text: &str) -> String {
        let pieces = self.pieces(text).into_iter();
        pieces
            .map(|(piece, id)| if id { bdi(piece) } else { esc(piece) })
            .collect()
    }
}

/// An id as HTML where no element can stand (the `<title>`): escaped, and, when it holds
/// a right-to-left letter, between U+2068 and U+2069 as [`Isolated::marked`] puts it, the
/// two written as character references (the page holds no raw bidirectional control).
pub(super) fn isolated_text(id: &str) -> String {
    if id.chars().any(right_to_left) {
        format!("&#x2068;{}&#x2069;", esc(id))
    } else {
        esc(id)
    }
}

/// Whether `c` next to an id would make it part of a longer word.
fn joins(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// An id written into a sentence, as HTML: isolated whatever its letters.
pub(super) fn bdi(id: &str) -> String {
    format!("<bdi>{}</bdi>", esc(id))
}

/// Text for HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that can sit inside a `<script>` element: `<`, `>` and `&` only occur inside JSON
/// strings, where their `\u` escapes mean the same, so no `</script>` can end the block early.
/// So do the characters the page is written without ([`printable`] writes a raw one as
/// `\u{85}`, which JSON cannot read): DEL and the C1 controls, which JSON leaves raw, and the
/// bidirectional controls (an id marked as isolated, a file name), all written as `\u`
/// escapes.
///
/// [`printable`]: crate::base::text::printable
pub(super) fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if matches!(c, '<' | '>' | '&') || c.is_control() || reorders(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_two_decimals_and_counts_none_both_grouped() {
        assert_eq!(grouped(48518.0), "48,518.00");
        assert_eq!(grouped(1234567.5), "1,234,567.50");
        assert_eq!(grouped(-1200.25), "-1,200.25");
        assert_eq!(grouped(999.999), "1,000.00");
        assert_eq!(grouped(-0.001), "0.00");
        assert_eq!(grouped(12.0), "12.00");
        assert_eq!(count(5081.0), "5,081");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1234567.0), "1,234,567");
        assert_eq!(count(-1234.5), "-1,234.5");
        assert_eq!(counted(1.0, "order"), "1 order");
        assert_eq!(counted(1796.0, "order"), "1,796 orders");
    }

    #[test]
    fn amounts_in_sentences_are_written_as_the_page_writes_them() {
        let eur = "Protects SO-1011 (priority 1) from 1200 units short: allocate 1500 x SKU-1 at DC-PAR, leaving 2026-11-27 (disruptions[5]). Costs 266 EUR, saves 40000 EUR in penalties: net 39734 EUR.";
        assert_eq!(
            amounts(eur, "EUR"),
            "Protects SO-1011 (priority 1) from 1,200 units short: allocate 1,500 x SKU-1 at DC-PAR, leaving 2026-11-27 (disruptions[5]). Costs 266.00 EUR, saves 40,000.00 EUR in penalties: net 39,734.00 EUR."
        );
        let bare = "Saves 1466.5 in running costs and 3000 in penalties: net 4466.5.";
        assert_eq!(
            amounts(bare, ""),
            "Saves 1,466.50 in running costs and 3,000.00 in penalties: net 4,466.50."
        );
        assert_eq!(
            amounts("Raises the cost by 1250 on its own", ""),
            "Raises the cost by 1,250.00 on its own"
        );
        assert_eq!(
            amounts(
                "this order's penalty is 100 per unit short (2.5 per unit-day)",
                ""
            ),
            "this order's penalty is 100.00 per unit short (2.50 per unit-day)"
        );
        // Ids, dates and other numbers stay as written.
        for same in [
            "order 12345 is 3 days late",
            "SO-12345 x 2026",
            "net 12345abc",
            "1234.5.6 EUR",
        ] {
            assert_eq!(amounts(same, "EUR"), same);
        }
    }

    #[test]
    fn right_to_left_ids_are_isolated_where_they_stand_as_words() {
        let ids = Isolated::new(["SO-1", "מרכז-2", "מרכז", "ת1", "ת2", "طلب-1"]);
        assert_eq!(
            ids.marked("ship طلب-1's 30 x SKU at מרכז-2 30 units; ת1, ת2 for SO-1"),
            "ship \u{2068}طلب-1\u{2069}'s 30 x SKU at \u{2068}מרכז-2\u{2069} 30 units; \
             \u{2068}ת1\u{2069}, \u{2068}ת2\u{2069} for SO-1"
        );
        // Not inside a longer word, nor an id that is not one.
        for same in ["מרכז-22 and xמרכז-2", "ת12 at מרכז_2", "SO-1 (priority 1)"] {
            assert_eq!(ids.marked(same), same);
        }
        assert_eq!(
            ids.html("<b> מרכז-2 & מרכז"),
            "&lt;b&gt; <bdi>מרכז-2</bdi> &amp; <bdi>מרכז</bdi>"
        );
        assert!(Isolated::new(["SO-1"]).ids.is_empty());
        assert_eq!(isolated_text("תרחיש<1>"), "&#x2068;תרחיש&lt;1&gt;&#x2069;");
        assert_eq!(isolated_text("demo-eu&1"), "demo-eu&amp;1");
    }

    #[test]
    fn no_text_can_close_or_break_the_data_block() {
        let json = serde_json::to_string(&"</script><b>&").unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><b>&");
        // What the page is written without, escaped, and read back as it was.
        let odd = "p\u{85}\u{7f}\u{2068}\u{5d0}\u{2069}.json";
        let safe = script_safe(&serde_json::to_string(odd).unwrap());
        assert_eq!(safe, "\"p\\u0085\\u007f\\u2068\u{5d0}\\u2069.json\"");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), odd);
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
