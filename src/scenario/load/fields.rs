//! A part of a document read into its type, and, where the type refuses it, every wrong
//! field at its place: serde stops at the first, so each one found is taken out of a copy
//! and the copy read again.

use super::messages::{join_path, parse_unknown, serde_diagnostic, strip_position};
use crate::base::by_name::ByName;
use crate::base::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// Deserializes `value` (part of a scenario) as `T`, turning serde's error into a
/// diagnostic whose path is `prefix` followed by the place inside `value`.
pub(super) fn typed<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, Diagnostic> {
    typed_in(value, prefix, Some("scenario"))
}

/// `typed` for a part of another document: a wrong type's hint names `recourse schema
/// SCHEMA`, or nothing when the document has no schema of its own (`None`).
pub fn typed_in<T: DeserializeOwned>(
    value: &Value,
    prefix: &str,
    schema: Option<&str>,
) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(ByName(value)).map_err(|e| {
        let inner = e.path().to_string();
        let inner = if inner == "." { "" } else { &inner };
        diagnostic_at(prefix, inner, &e.inner().to_string(), schema)
    })
}

/// [`typed_in`] on JSON text, read straight into `T` with no tree of it: a document of
/// megabytes costs its types, not a `Value` tree about 27 times its size. `Err(None)` when
/// what is wrong is the text itself or a key named twice (syntax, a lone surrogate,
/// nesting, a duplicate field), which only a reading of the text as a tree names at its
/// place ([`super::parse_json`]).
pub fn typed_text_in<T: DeserializeOwned>(
    text: &str,
    prefix: &str,
    schema: Option<&str>,
) -> Result<T, Option<Diagnostic>> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(ByName(&mut de)).map_err(|e| {
        let msg = e.inner().to_string();
        let data = e.inner().classify() == serde_json::error::Category::Data;
        (data && !msg.starts_with("duplicate field")).then(|| {
            let inner = e.path().to_string();
            let inner = if inner == "." { "" } else { &inner };
            diagnostic_at(prefix, inner, &msg, schema)
        })
    })
}

/// serde's error `msg` at `inner` (a place inside the value read at `prefix`, empty for
/// that value itself) as a diagnostic; a wrong type's hint names `recourse schema SCHEMA`.
fn diagnostic_at(prefix: &str, inner: &str, msg: &str, schema: Option<&str>) -> Diagnostic {
    let path = join_path(prefix, inner);
    let mut d = serde_diagnostic(&path, msg);
    if d.code == "wrong_type" {
        d.hint = match schema {
            Some("scenario") => scenario_range(&path),
            _ => None,
        }
        .or_else(|| {
            schema.map(|name| format!("see `recourse schema {name}` for the type of every field"))
        });
    }
    d
}

/// The range of a scenario's whole-number field at `path`, for the fields validation bounds
/// (it names the range for every value the field's type holds; this hint names it for the
/// values the type cannot hold, such as `1e30` or `"10"`).
pub(super) fn scenario_range(path: &str) -> Option<String> {
    use crate::base::limits::{MAX_HORIZON, MAX_LEAD_DAYS, MAX_THREADS};
    let field = path.rsplit('.').next().unwrap_or(path);
    let range = match (path, field) {
        ("horizon_days", _) => format!(
            "a whole number of days, 1..={MAX_HORIZON}; 14 to 28 is usual for order promising"
        ),
        ("policy.threads", _) => format!("a whole number, 0..={MAX_THREADS} (0: all cores)"),
        (p, "lead_time_days") if p.starts_with("lanes[") => {
            format!("a whole number of days, 0..={MAX_LEAD_DAYS}")
        }
        (p, "extra_days") if p.starts_with("disruptions[") => format!(
            "a whole number of days, 0..={MAX_LEAD_DAYS} (a lane closed for longer is a lane_outage)"
        ),
        _ => return None,
    };
    Some(format!("{field} is {range}"))
}

/// Readings of one object at most (`wrong_fields`), each after the first with one more
/// field taken out: more than any object of the format has fields. The items of an array
/// are read each on its own, with readings of their own.
pub(super) const READINGS: usize = 32;

/// Every wrong field of `item` read as `T` at `prefix`, not only the first. serde stops at
/// the first wrong value, so each one found is taken out of a copy of `item` and the copy
/// read again. A struct reports a missing field only once it has read every value, so the
/// other wrong values of its object come out before a field taken out is missed; that miss
/// is no finding (the field is there, wrong): the object goes too so that what follows it
/// is read, and at the element itself the reading ends. A wrong value inside an array
/// (an order's lines, its plan) has every item of that array read on its own, so that
/// each wrong item is named at its index; then the array goes.
pub(super) fn every_wrong_field<T: DeserializeOwned>(
    item: &Value,
    prefix: &str,
) -> Vec<Diagnostic> {
    every_wrong_field_in::<T>(item, prefix, Some("scenario"))
}

/// `every_wrong_field` for a part of another document: a wrong type's hint names
/// `recourse schema SCHEMA`, or nothing when the document has no schema of its own.
pub fn every_wrong_field_in<T: DeserializeOwned>(
    item: &Value,
    prefix: &str,
    schema: Option<&str>,
) -> Vec<Diagnostic> {
    wrong_fields::<T>(item, &[])
        .into_iter()
        .map(|(segments, msg)| diagnostic_at(prefix, &path_text(&segments), &msg, schema))
        .collect()
}

/// The wrong fields of `item` read as `T`, each as its place and serde's message, that lie
/// at `focus` (a place inside `item`) or below it: a reading stopped anywhere else ends
/// the search.
fn wrong_fields<T: DeserializeOwned>(
    item: &Value,
    focus: &[Segment],
) -> Vec<(Vec<Segment>, String)> {
    let mut copy: Option<Value> = None;
    let mut taken: Vec<(String, String)> = Vec::new();
    let mut found = Vec::new();
    for _ in 0..READINGS {
        let Err(e) =
            serde_path_to_error::deserialize::<_, T>(ByName(copy.as_ref().unwrap_or(item)))
        else {
            break;
        };
        let segments: Vec<Segment> = e.path().iter().cloned().collect();
        if !within(&segments, focus) {
            break;
        }
        let msg = strip_position(&e.inner().to_string());
        // A field taken out is missed when its object ends, before the fields after that
        // object are read: the object goes too, unless it is the element itself.
        let missed = missing_field(&msg)
            .filter(|name| taken.contains(&(path_text(&segments), name.clone())));
        let array = segments[focus.len()..]
            .iter()
            .position(|s| matches!(s, Segment::Seq { .. }))
            .map(|i| &segments[..focus.len() + i]);
        let (container, key) = match array {
            Some(array) if missed.is_none() => {
                // An item that reads well alone (or a place that is not an item) still
                // has the error read in place.
                match each_item::<T>(copy.as_ref().unwrap_or(item), array) {
                    alone if alone.is_empty() => found.push((segments.clone(), msg.clone())),
                    alone => found.extend(alone),
                }
                match array.split_last() {
                    Some((Segment::Map { key }, container)) => (container, key.clone()),
                    _ => break,
                }
            }
            _ => {
                if missed.is_none() {
                    found.push((segments.clone(), msg.clone()));
                }
                match to_take_out(&segments, &msg, missed.is_some()) {
                    Some(place) => place,
                    None => break,
                }
            }
        };
        let copy = copy.get_or_insert_with(|| item.clone());
        if !take_out(copy, container, &key) {
            break;
        }
        taken.push((path_text(container), key));
    }
    found
}

/// The wrong fields of each item of the array at `array` inside `item`, read as `T` with
/// nothing else around it (a missing field of the objects around is reported after their
/// values are read, and is outside the item), at their places in `item`.
fn each_item<T: DeserializeOwned>(item: &Value, array: &[Segment]) -> Vec<(Vec<Segment>, String)> {
    let Some(Value::Array(items)) = lookup(item, array) else {
        return Vec::new();
    };
    let mut focus = array.to_vec();
    focus.push(Segment::Seq { index: 0 });
    let mut found = Vec::new();
    for (j, one) in items.iter().enumerate() {
        let mut alone = Value::Array(vec![one.clone()]);
        for s in array.iter().rev() {
            alone = match s {
                Segment::Map { key } => Value::Object([(key.clone(), alone)].into_iter().collect()),
                _ => Value::Array(vec![alone]),
            };
        }
        for (mut segments, msg) in wrong_fields::<T>(&alone, &focus) {
            segments[array.len()] = Segment::Seq { index: j };
            found.push((segments, msg));
        }
    }
    found
}

/// The value at `place` inside `value`.
fn lookup<'a>(mut value: &'a Value, place: &[Segment]) -> Option<&'a Value> {
    for s in place {
        value = match (s, value) {
            (Segment::Seq { index }, Value::Array(items)) => items.get(*index)?,
            (Segment::Map { key }, Value::Object(fields)) => fields.get(key)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Whether the place `segments` is `focus` or inside it.
fn within(segments: &[Segment], focus: &[Segment]) -> bool {
    segments.len() >= focus.len()
        && segments.iter().zip(focus).all(|(a, b)| match (a, b) {
            (Segment::Seq { index: i }, Segment::Seq { index: j }) => i == j,
            (Segment::Map { key: a }, Segment::Map { key: b }) => a == b,
            (Segment::Enum { variant: a }, Segment::Enum { variant: b }) => a == b,
            _ => false,
        })
}

/// A place as serde_path_to_error writes it (`lines[0].quantity`); empty for the value
/// itself.
fn path_text(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// The field named in serde's "missing field `NAME`".
pub(super) fn missing_field(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next().unwrap_or(rest).to_owned())
}

/// The object holding the field an error at `segments` is about, and the field: an unknown
/// field is named in the message, a wrong value is at the last key of its place, and an
/// object `missed` a field taken out of it is itself at the last key of its place.
fn to_take_out<'a>(
    segments: &'a [Segment],
    msg: &str,
    missed: bool,
) -> Option<(&'a [Segment], String)> {
    if let Some((name, _)) = parse_unknown(msg, "unknown field `").filter(|_| !missed) {
        let named = matches!(segments.last(), Some(Segment::Map { key }) if *key == name);
        if !named {
            return Some((segments, name));
        }
    }
    let i = segments
        .iter()
        .rposition(|s| matches!(s, Segment::Map { .. }))?;
    let Segment::Map { key } = &segments[i] else {
        return None;
    };
    Some((&segments[..i], key.clone()))
}

/// Takes `key` out of the object at `container` inside `value`; whether it was there.
fn take_out(value: &mut Value, container: &[Segment], key: &str) -> bool {
    let mut at = value;
    for s in container {
        let next = match (s, at) {
            (Segment::Seq { index }, Value::Array(items)) => items.get_mut(*index),
            (Segment::Map { key }, Value::Object(fields)) => fields.get_mut(key),
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => return false,
        }
    }
    at.as_object_mut().and_then(|o| o.remove(key)).is_some()
}
