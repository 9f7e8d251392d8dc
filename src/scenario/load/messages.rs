//! serde's messages said in a planner's words: a code, the place, and a hint (the nearest
//! known name for an unknown one).

use crate::base::diagnostics::Diagnostic;

/// Turns a serde message into a diagnostic with a code and, for unknown names, the nearest
/// known one.
pub(super) fn serde_diagnostic(path: &str, msg: &str) -> Diagnostic {
    let msg = strip_position(msg);
    if let Some((found, expected)) = parse_unknown(&msg, "unknown field `") {
        return unknown_field_diagnostic(path, &found, &expected);
    }
    if let Some((found, expected)) = parse_unknown(&msg, "unknown variant `") {
        let mut d = Diagnostic::error(
            "unknown_variant",
            path,
            format!(
                "unknown value \"{found}\"; expected one of {}",
                quote_list(&expected)
            ),
        );
        d = match nearest(&found, &expected) {
            Some(best) => d.hint(format!("did you mean \"{best}\"?")),
            None => d.hint("use one of the listed values"),
        };
        return d;
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let hint = match name {
            "lane" => "add the field `lane`: a lane id, or `null` when the node is the destination itself (local fulfilment)".to_string(),
            _ => format!("add the field `{name}`"),
        };
        return Diagnostic::error("missing_field", path, format!("missing field `{name}`"))
            .hint(hint);
    }
    if msg == "invalid value: map, expected map with a single key" {
        // An externally tagged enum: of the format's, only a forbid pattern.
        return Diagnostic::error(
            "wrong_type",
            path,
            "expected an object with exactly one key, the pattern's kind",
        )
        .hint(
            r#"write {"shipment": {"order": ...}}, {"transfer": {"lane": ...}} or {"expedite_inbound": "PO-1"}"#,
        );
    }
    if msg.starts_with("invalid type: sequence, expected struct ")
        || msg.starts_with("invalid type: sequence, expected internally tagged enum ")
    {
        // base::by_name: a struct written as an array is not read by position.
        return Diagnostic::error(
            "wrong_type",
            path,
            "expected an object, found an array: fields are read by their names, never by position",
        )
        .hint("see `recourse schema scenario` for the type of every field");
    }
    if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        // Rust type names mean nothing to a planner, nor does "floating point" for a number
        // written as a whole one too large for its field.
        let msg = whole_number_message(&msg).unwrap_or(msg);
        let msg = match msg.split_once(", expected struct ") {
            Some((head, _)) => format!("{head}, expected an object"),
            None => msg,
        };
        let msg = msg
            .replace("invalid type: sequence", "invalid type: an array")
            .replace("invalid type: map", "invalid type: an object")
            .replace("expected a sequence", "expected an array")
            .replace("expected a map", "expected an object")
            .replace("expected string or map", "expected a string")
            .replace("expected f64", "expected a number")
            .replace("expected i64", "expected a whole number")
            .replace(
                "expected a string",
                "expected a string (text in double quotes)",
            );
        return Diagnostic::error("wrong_type", path, msg)
            .hint("see `recourse schema scenario` for the type of every field");
    }
    Diagnostic::error("invalid", path, msg)
}

/// "invalid type: floating point `V`, expected E" said in a planner's words: a whole value
/// is out of range for the field, a fractional one is not whole.
fn whole_number_message(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("invalid type: floating point `")?;
    let (value, expected) = rest.split_once("`, expected ")?;
    let v: f64 = value.parse().ok()?;
    let v_text = crate::base::text::number(v);
    Some(if v.fract() == 0.0 {
        format!("{v_text} is out of range; expected {expected}")
    } else {
        format!("{v_text} is not whole; expected {expected}")
    })
}

pub(super) fn unknown_field_diagnostic(
    path_of_object: &str,
    found: &str,
    expected: &[impl AsRef<str>],
) -> Diagnostic {
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    let path = if path_of_object.is_empty() || path_of_object.ends_with(found) {
        if path_of_object.is_empty() {
            found.to_owned()
        } else {
            path_of_object.to_owned()
        }
    } else {
        join_path(path_of_object, found)
    };
    let mut d = Diagnostic::error("unknown_field", path, format!("unknown field `{found}`"));
    d = match nearest(found, &expected) {
        Some(best) => d.hint(format!(
            "did you mean `{best}`? known fields: {}",
            expected.join(", ")
        )),
        None => d.hint(format!("remove it; known fields: {}", expected.join(", "))),
    };
    d
}

/// Splits "unknown field `x`, expected one of `a`, `b`" (or "expected `a` or `b`", or
/// "there are no fields"). The name found may hold backticks itself (a key `x`y`): it ends
/// where the list of the expected ones starts, whose names hold none.
pub(super) fn parse_unknown(msg: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix(prefix)?;
    let end = ["`, expected ", "`, there are no "]
        .iter()
        .filter_map(|tail| rest.rfind(tail))
        .max()
        .or_else(|| rest.find('`'))?;
    let (found, tail) = (&rest[..end], &rest[end + 1..]);
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((found.to_owned(), expected))
}

fn nearest(found: &str, candidates: &[impl AsRef<str>]) -> Option<String> {
    let lower = found.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            (
                c.as_ref(),
                strsim::normalized_damerau_levenshtein(&lower, c.as_ref()),
            )
        })
        .chain(
            // A prefix is a strong hint ("monday" for "mon", "horizon" for "horizon_days").
            candidates
                .iter()
                .filter(|c| lower.starts_with(c.as_ref()) || c.as_ref().starts_with(lower.as_str()))
                .map(|c| (c.as_ref(), 0.99)),
        )
        .filter(|(_, score)| *score >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c.to_owned())
}

fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn join_path(prefix: &str, inner: &str) -> String {
    match (prefix.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
        (false, false) => format!("{prefix}.{inner}"),
    }
}

/// serde_json appends " at line L column C", which we report in fields of their own.
pub(super) fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}
