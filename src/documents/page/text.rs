//! Text for the page: HTML escaping, JSON safe inside a script element, grouped numbers.

/// `1234567.5` as `1,234,567.5`: two decimals at most, none when whole.
pub fn grouped(x: f64) -> String {
    let text = format!("{:.2}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut out = String::new();
    if x < 0.0 && text != "0.00" {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let frac = frac.trim_end_matches('0');
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
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
pub(super) fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(48518.0), "48,518");
        assert_eq!(grouped(1234567.5), "1,234,567.5");
        assert_eq!(grouped(-1200.25), "-1,200.25");
        assert_eq!(grouped(999.999), "1,000");
        assert_eq!(grouped(-0.001), "0");
        assert_eq!(grouped(12.0), "12");
    }

    #[test]
    fn no_text_can_close_the_data_block() {
        let json = serde_json::to_string(&"</script><b>&").unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><b>&");
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
