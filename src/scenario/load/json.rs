//! JSON text to a tree, with the checks that come before any structure: UTF-8, emptiness,
//! syntax, and no key named twice in an object.

use super::messages::{join_path, strip_position};
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use serde_json::Value;

/// Parses JSON text with the checks that come before any structure: UTF-8, emptiness,
/// syntax. `what` names the document in messages.
pub fn parse_json(bytes: &[u8], what: &str, diags: &mut Diagnostics) -> Option<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let col = at
                - bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            diags.push(
                Diagnostic::error(
                    "not_utf8",
                    "",
                    format!("the {what} is not valid UTF-8 (invalid byte at offset {at})"),
                )
                .at(line, col)
                .hint("save the file as UTF-8"),
            );
            return None;
        }
    };
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error("empty_input", "", format!("the {what} is empty")).hint(
                match what {
                    "scenario" => {
                        "pass a scenario JSON document (see `recourse schema scenario`)".to_owned()
                    }
                    "proposals document" => "pass the proposals document `recourse solve -o` writes (see `recourse schema proposals`)".to_owned(),
                    other => format!("pass a {other} in JSON"),
                },
            ),
        );
        return None;
    }
    match parse_unique_keys(text) {
        Ok(v) => Some(v),
        Err(Parse::Duplicate {
            path,
            key,
            line,
            column,
        }) => {
            let at = join_path(&path, &key);
            diags.push(
                Diagnostic::error(
                    "duplicate_key",
                    at.clone(),
                    format!("key \"{key}\" appears twice in the same object"),
                )
                .at(line, column)
                .hint("keep one of them: JSON readers disagree on which one counts (a merge mistake?)"),
            );
            None
        }
        Err(Parse::Syntax(e)) => {
            let msg = strip_position(&e.to_string());
            let hint = syntax_hint(&msg, what);
            diags.push(
                Diagnostic::error("malformed_json", "", format!("malformed JSON: {msg}"))
                    .at(e.line(), e.column())
                    .hint(hint),
            );
            None
        }
    }
}

/// The way out of a JSON reader's error: the syntax in general, or what the few errors
/// that are not about commas, quotes and brackets need. `what` names the document read
/// (`parse_json`'s), so a plan or a proposals document is not called a scenario.
fn syntax_hint(message: &str, what: &str) -> String {
    if message.starts_with("number out of range") {
        "a JSON number here must be within ±1.7e308, and a field's own range is far smaller \
         (`recourse schema scenario`): write the value the field means"
            .to_owned()
    } else if message.starts_with("recursion limit exceeded") {
        // A request's params come from a program, not a file chosen on the command line.
        let (none, ask) = match what {
            "params" => (
                "no request's params do".to_owned(),
                "is the request built right?",
            ),
            _ => (format!("no {what} does"), "is it the right file?"),
        };
        format!("the document nests arrays or objects more than 128 deep, which {none}: {ask}")
    } else if message.contains("surrogate") || message.contains("hex escape") {
        "a \\u escape is four hex digits, and a character beyond U+FFFF is a pair of them \
         (\\ud83d\\ude9a); or write the character itself, as UTF-8"
            .to_owned()
    } else {
        "fix the JSON syntax at that place (a missing comma, quote or bracket is the usual cause)"
            .to_owned()
    }
}

enum Parse {
    Syntax(serde_json::Error),
    /// `key` appears twice in the object at `path`; the second one ends at `line`:`column`.
    Duplicate {
        path: String,
        key: String,
        line: usize,
        column: usize,
    },
}

/// A JSON text as a [`Value`], refusing an object that names a key twice: serde_json keeps
/// the last one silently, so a repeated `"quantity"` from a careless merge would change a
/// plan without a word.
fn parse_unique_keys(text: &str) -> Result<Value, Parse> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let r = <UniqueKeys as serde::Deserialize>::deserialize(
        serde_path_to_error::Deserializer::new(&mut de, &mut track),
    );
    let value = match r {
        Ok(UniqueKeys(v)) => v,
        Err(e) => {
            let message = e.to_string();
            return Err(match message.strip_prefix(DUPLICATE) {
                Some(rest) => Parse::Duplicate {
                    path: track.path().to_string().trim_start_matches('.').to_owned(),
                    key: strip_position(rest),
                    line: e.line(),
                    column: e.column(),
                },
                None => Parse::Syntax(e),
            });
        }
    };
    de.end().map_err(Parse::Syntax)?;
    Ok(value)
}

/// How [`UniqueKeys`] marks its error, to tell it from serde_json's own.
const DUPLICATE: &str = "duplicate key: ";

/// A [`Value`] whose objects have no key twice.
struct UniqueKeys(Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity, so every number it holds is one a Value can.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("{DUPLICATE}{key}")));
            }
            let UniqueKeys(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
