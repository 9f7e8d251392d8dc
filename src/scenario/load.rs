//! Bytes to wire types, reporting every syntax and type problem with its place.
//!
//! serde stops at the first error, so when the whole document does not deserialize we go
//! through it again element by element: a planner then sees all the type errors of a file in
//! one run instead of fixing them one at a time.

use super::wire::*;
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// The top-level fields of a scenario, in the order of the format description.
const TOP_LEVEL: &[&str] = &[
    "format",
    "id",
    "as_of",
    "horizon_days",
    "currency",
    "skus",
    "nodes",
    "lanes",
    "stock",
    "inbound",
    "orders",
    "disruptions",
    "policy",
];

/// Parses a scenario document. On failure, the diagnostics hold at least one error.
pub fn parse_scenario(bytes: &[u8]) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    if let Some(doc) = well_formed(bytes) {
        return Ok((doc, Diagnostics::default()));
    }
    let mut diags = Diagnostics::default();
    let value = parse_json(bytes, "scenario", &mut diags).ok_or_else(|| diags.clone())?;
    scenario_from_value(&value, diags)
}

/// The document read straight into its types, when nothing is wrong with it. Every wire
/// type refuses unknown keys, and serde's derived readers refuse a field named twice, so a
/// document they accept is one the way below (a [`Value`] tree first, then the types, so
/// that every problem can be named with its place) accepts the same. Anything they refuse
/// goes that way. On 1,000,000 orders the tree alone took most of a 39 s read and 5.4 GB.
fn well_formed(bytes: &[u8]) -> Option<ScenarioDoc> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: ScenarioDoc = serde_json::from_slice(bytes).ok()?;
    (doc.format == SCENARIO_FORMAT).then_some(doc)
}

/// The second half of [`parse_scenario`], once the text is a JSON tree; `diags` holds what
/// parsing found so far.
fn scenario_from_value(
    value: &Value,
    mut diags: Diagnostics,
) -> Result<(ScenarioDoc, Diagnostics), Diagnostics> {
    let Some(obj) = value.as_object() else {
        diags.push(
            Diagnostic::error(
                "not_an_object",
                "",
                format!("a scenario is a JSON object, found {}", json_kind(value)),
            )
            .hint(format!(
                "start the document with {{\"format\": \"{SCENARIO_FORMAT}\", ...}}"
            )),
        );
        return Err(diags);
    };
    match obj.get("format") {
        Some(Value::String(f)) if f == SCENARIO_FORMAT => {}
        Some(Value::String(f)) => {
            diags.push(
                Diagnostic::error(
                    "unsupported_format",
                    "format",
                    format!("unsupported format \"{f}\"; this recourse reads \"{SCENARIO_FORMAT}\""),
                )
                .hint(
                    // Another of recourse's own documents (proposals, risk, check, ...)
                    // passed where a scenario goes; another version of the scenario format
                    // is another release's.
                    if f.starts_with("recourse.") && !f.starts_with("recourse.scenario/") {
                        format!(
                            "this is a document recourse writes, not a scenario: pass the scenario (\"{SCENARIO_FORMAT}\") here, the file the {f} document was made from"
                        )
                    } else {
                        format!(
                            "convert the document to \"{SCENARIO_FORMAT}\" (see SCENARIO.md) or use the recourse release that reads \"{f}\""
                        )
                    },
                ),
            );
            return Err(diags);
        }
        Some(other) => {
            diags.push(
                Diagnostic::error(
                    "wrong_type",
                    "format",
                    format!(
                        "expected the string \"{SCENARIO_FORMAT}\", found {}",
                        json_kind(other)
                    ),
                )
                .hint(format!("write \"format\": \"{SCENARIO_FORMAT}\"")),
            );
            return Err(diags);
        }
        None => {
            diags.push(
                Diagnostic::error("missing_field", "format", "missing field `format`").hint(
                    format!("add \"format\": \"{SCENARIO_FORMAT}\" at the top of the document"),
                ),
            );
            return Err(diags);
        }
    }
    match typed::<ScenarioDoc>(value, "") {
        Ok(doc) => Ok((doc, diags)),
        Err(first) => {
            let before = diags.items.len();
            collect_element_errors(obj, &mut diags);
            if diags.items.len() == before {
                // The element pass found nothing (e.g. a missing top-level field): the whole
                // document's error is the one to show.
                diags.push(first);
            }
            Err(diags)
        }
    }
}

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
            diags.push(
                Diagnostic::error("malformed_json", "", format!("malformed JSON: {msg}"))
                    .at(e.line(), e.column())
                    .hint("fix the JSON syntax at that place (a missing comma, quote or bracket is the usual cause)"),
            );
            None
        }
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

/// Deserializes `value` (part of a scenario) as `T`, turning serde's error into a
/// diagnostic whose path is `prefix` followed by the place inside `value`.
pub fn typed<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, Diagnostic> {
    typed_in(value, prefix, Some("scenario"))
}

/// [`typed`] for a part of another document: a wrong type's hint names `recourse schema
/// SCHEMA`, or nothing when the document has no schema of its own (`None`).
pub fn typed_in<T: DeserializeOwned>(
    value: &Value,
    prefix: &str,
    schema: Option<&str>,
) -> Result<T, Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let inner = e.path().to_string();
        let inner = if inner == "." { "" } else { &inner };
        diagnostic_at(prefix, inner, &e.inner().to_string(), schema)
    })
}

/// serde's error `msg` at `inner` (a place inside the value read at `prefix`, empty for
/// that value itself) as a diagnostic; a wrong type's hint names `recourse schema SCHEMA`.
fn diagnostic_at(prefix: &str, inner: &str, msg: &str, schema: Option<&str>) -> Diagnostic {
    let path = join_path(prefix, inner);
    let mut d = serde_diagnostic(&path, msg);
    if d.code == "wrong_type" {
        d.hint =
            schema.map(|name| format!("see `recourse schema {name}` for the type of every field"));
    }
    d
}

/// Readings of one object at most (`wrong_fields`), each after the first with one more
/// field taken out: more than any object of the format has fields. The items of an array
/// are read each on its own, with readings of their own.
const READINGS: usize = 32;

/// Every wrong field of `item` read as `T` at `prefix`, not only the first. serde stops at
/// the first wrong value, so each one found is taken out of a copy of `item` and the copy
/// read again. A struct reports a missing field only once it has read every value, so the
/// other wrong values of its object come out before a field taken out is missed; that miss
/// is no finding (the field is there, wrong): the object goes too so that what follows it
/// is read, and at the element itself the reading ends. A wrong value inside an array
/// (an order's lines, its plan) has every item of that array read on its own, so that
/// each wrong item is named at its index; then the array goes.
fn every_wrong_field<T: DeserializeOwned>(item: &Value, prefix: &str) -> Vec<Diagnostic> {
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
        let Err(e) = serde_path_to_error::deserialize::<_, T>(copy.as_ref().unwrap_or(item)) else {
            break;
        };
        let segments: Vec<Segment> = e.path().iter().cloned().collect();
        if !within(&segments, focus) {
            break;
        }
        let msg = strip_position(&e.inner().to_string());
        // A field taken out is missed when its object ends, before the fields after that
        // object are read: the object goes too, unless it is the element itself.
        let missed =
            missing_field(&msg).filter(|name| taken.contains(&(place(&segments), name.clone())));
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
        taken.push((place(container), key));
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
fn missing_field(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next().unwrap_or(rest).to_owned())
}

/// A place inside an element, for comparing places: `.key` and `[index]` per segment.
fn place(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Seq { index } => format!("[{index}]"),
            Segment::Map { key } => format!(".{key}"),
            Segment::Enum { variant } => format!("::{variant}"),
            Segment::Unknown => "?".to_owned(),
        })
        .collect()
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

fn collect_element_errors(obj: &serde_json::Map<String, Value>, diags: &mut Diagnostics) {
    for (key, value) in obj {
        let r = match key.as_str() {
            "format" => Ok(()),
            "id" | "as_of" => one::<String>(value, key),
            "currency" => one::<Option<String>>(value, key),
            "horizon_days" => one::<Whole>(value, key),
            "skus" => each::<SkuDoc>(value, key, diags),
            "nodes" => each::<NodeDoc>(value, key, diags),
            "lanes" => each::<LaneDoc>(value, key, diags),
            "stock" => each::<StockDoc>(value, key, diags),
            "inbound" => each::<InboundDoc>(value, key, diags),
            "orders" => each::<OrderDoc>(value, key, diags),
            "disruptions" => each_disruption(value, diags),
            "policy" => {
                diags
                    .items
                    .extend(every_wrong_field::<PolicyDoc>(value, key));
                Ok(())
            }
            other => Err(unknown_field_diagnostic("", other, TOP_LEVEL)),
        };
        if let Err(d) = r {
            diags.push(d);
        }
    }
    for required in ["id", "as_of", "horizon_days", "skus", "nodes"] {
        if !obj.contains_key(required) {
            diags.push(
                Diagnostic::error(
                    "missing_field",
                    required,
                    format!("missing field `{required}`"),
                )
                .hint(format!("add `{required}` at the top level of the scenario")),
            );
        }
    }
}

fn one<T: DeserializeOwned>(value: &Value, key: &str) -> Result<(), Diagnostic> {
    typed::<T>(value, key).map(|_| ())
}

fn each<T: DeserializeOwned>(
    value: &Value,
    key: &str,
    diags: &mut Diagnostics,
) -> Result<(), Diagnostic> {
    let Some(items) = value.as_array() else {
        return Err(Diagnostic::error(
            "wrong_type",
            key,
            format!("expected an array, found {}", json_kind(value)),
        )
        .hint(format!("write `{key}` as a JSON array: [ ... ]")));
    };
    for (i, item) in items.iter().enumerate() {
        for d in every_wrong_field::<T>(item, &format!("{key}[{i}]")) {
            diags.push(d);
        }
    }
    Ok(())
}

/// Disruptions are internally tagged, so serde cannot point inside one; we look at the
/// `kind` first and then check the fields of that kind.
fn each_disruption(value: &Value, diags: &mut Diagnostics) -> Result<(), Diagnostic> {
    let Some(items) = value.as_array() else {
        return each::<DisruptionDoc>(value, "disruptions", diags);
    };
    for (i, item) in items.iter().enumerate() {
        let path = format!("disruptions[{i}]");
        if let Some(Value::Array(orders)) = item.get("orders") {
            if item.get("kind").and_then(Value::as_str) == Some("demand_surge") {
                for (j, o) in orders.iter().enumerate() {
                    for d in every_wrong_field::<OrderDoc>(o, &format!("{path}.orders[{j}]")) {
                        diags.push(d);
                    }
                }
                if let Some(obj) = item.as_object() {
                    for k in obj.keys().filter(|k| *k != "kind" && *k != "orders") {
                        diags.push(unknown_field_diagnostic(&path, k, &["kind", "orders"]));
                    }
                }
                continue;
            }
        }
        diags
            .items
            .extend(every_wrong_disruption_field(item, &path));
    }
    Ok(())
}

/// [`every_wrong_field`] for a disruption, whose wrong value serde does not place
/// (`with_disruption_field` finds it).
fn every_wrong_disruption_field(item: &Value, path: &str) -> Vec<Diagnostic> {
    let mut copy: Option<Value> = None;
    let mut taken: Vec<String> = Vec::new();
    let mut found = Vec::new();
    for _ in 0..READINGS {
        let at = copy.as_ref().unwrap_or(item);
        let Err(d) = typed::<DisruptionDoc>(at, path) else {
            break;
        };
        if missing_field(&d.message).is_some_and(|name| taken.contains(&name)) {
            break;
        }
        let (d, key) = with_disruption_field(at, d);
        found.push(d);
        let Some(key) = key else {
            break;
        };
        let copy = copy.get_or_insert_with(|| item.clone());
        if copy.as_object_mut().and_then(|o| o.remove(&key)).is_none() {
            break;
        }
        taken.push(key);
    }
    found
}

/// `d`, a disruption's wrong-type error, with the field it is about added to its path.
/// serde reads an internally tagged enum's fields from a buffered copy and cannot say
/// which field a wrong type came from; it does read them in the object's order, stops at
/// the first wrong value, and reports missing fields only after every value was read. So
/// the field is the one whose addition, reading the kind and the fields in order, first
/// turns the error into a wrong type.
/// Also the field, when one is to blame: the wrong value's, or an unknown one.
fn with_disruption_field(item: &Value, mut d: Diagnostic) -> (Diagnostic, Option<String>) {
    let Some(obj) = item.as_object() else {
        return (d, None);
    };
    if d.code == "unknown_field" {
        let name = parse_unknown(&d.message, "unknown field `").map(|(name, _)| name);
        return (d, name);
    }
    let wrong_type = |fields: &serde_json::Map<String, Value>| {
        typed::<DisruptionDoc>(&Value::Object(fields.clone()), "")
            .is_err_and(|e| e.code == "wrong_type")
    };
    let mut prefix = serde_json::Map::new();
    if let Some(kind) = obj.get("kind") {
        prefix.insert("kind".to_owned(), kind.clone());
    }
    if d.code != "wrong_type" || wrong_type(&prefix) {
        return (d, None); // about the kind itself
    }
    for (key, value) in obj.iter().filter(|(k, _)| *k != "kind") {
        prefix.insert(key.clone(), value.clone());
        if wrong_type(&prefix) {
            d.path = join_path(&d.path, key);
            return (d, Some(key.clone()));
        }
    }
    (d, None)
}

/// Turns a serde message into a diagnostic with a code and, for unknown names, the nearest
/// known one.
fn serde_diagnostic(path: &str, msg: &str) -> Diagnostic {
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

fn unknown_field_diagnostic(
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
fn parse_unknown(msg: &str, prefix: &str) -> Option<(String, Vec<String>)> {
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
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
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

#[cfg(test)]
mod tests {
    use super::parse_scenario;
    use serde_json::{json, Value};
    use std::collections::BTreeSet;

    /// Wrong values for one order of the tiny scenario, each with the path `validate` must
    /// name: scalars of the wrong type, an unknown field, and wrong values inside the plan
    /// and the lines (arrays of objects, one required).
    fn faults() -> Vec<(&'static str, Value)> {
        vec![
            ("id", json!(5)),
            ("customer", json!(7)),
            ("destination", json!(true)),
            ("due", json!(20261203)),
            ("priority", json!("high")),
            ("allow_partial", json!("no")),
            ("max_sources", json!("two")),
            ("frozen", json!(1)),
            ("late_penalty_per_unit_day", json!("x")),
            ("qty", json!(60)),
            ("plan[0].ship", json!(4)),
            ("plan[0].quantity", json!("60")),
            ("lines[0].quantity", json!("60")),
        ]
    }

    fn set(order: &mut Value, path: &str, v: Value) {
        match path.split_once("[0].") {
            Some((array, field)) => order[array][0][field] = v,
            None => order[path] = v,
        }
    }

    /// Every combination of the faults is reported exactly: each wrong field of the order
    /// once, at its path, and nothing else (no missing field for a field taken out).
    #[test]
    fn every_combination_of_wrong_fields_in_one_order_is_reported_exactly() {
        let base: Value =
            serde_json::from_str(include_str!("../../datasets/tiny/inbound-delay.json")).unwrap();
        let faults = faults();
        for mask in 1u32..(1 << faults.len()) {
            let mut doc = base.clone();
            let mut expected = BTreeSet::new();
            for (k, (path, v)) in faults.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    set(&mut doc["orders"][0], path, v.clone());
                    expected.insert(format!("orders[0].{path}"));
                }
            }
            let bytes = serde_json::to_vec(&doc).unwrap();
            let diags = parse_scenario(&bytes).expect_err("every fault is an error");
            let found: BTreeSet<String> = diags.items.iter().map(|d| d.path.clone()).collect();
            assert_eq!(found, expected, "faults {mask:#b}");
            assert_eq!(diags.items.len(), expected.len(), "faults {mask:#b}");
        }
    }

    /// Every wrong forbid pattern is named, in a planner's words: an object with one key.
    #[test]
    fn every_wrong_forbid_pattern_is_named_with_the_shape_to_write() {
        let mut doc: Value =
            serde_json::from_str(include_str!("../../datasets/tiny/inbound-delay.json")).unwrap();
        doc["policy"] = json!({"forbid": [
            {"kind": "transfer", "lane": "PAR-LYO-G"},
            {"expedite_inbound": "PO-1"},
            {"transfer": {"lane": "PAR-LYO-G"}, "shipment": {"order": "SO-1"}},
            {"teleport": {}}
        ]});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let diags = parse_scenario(&bytes).expect_err("three patterns are wrong");
        let found: Vec<(&str, &str, &str)> = diags
            .items
            .iter()
            .map(|d| (d.path.as_str(), d.code.as_str(), d.message.as_str()))
            .collect();
        let one_key = "expected an object with exactly one key, the pattern's kind";
        assert_eq!(
            found,
            [
                ("policy.forbid[0]", "wrong_type", one_key),
                ("policy.forbid[2]", "wrong_type", one_key),
                (
                    "policy.forbid[3]",
                    "unknown_variant",
                    r#"unknown value "teleport"; expected one of "shipment", "transfer", "expedite_inbound""#
                ),
            ]
        );
    }

    /// A key with a backtick in it is named whole, as is the known field after it.
    #[test]
    fn an_unknown_key_with_a_backtick_is_named_whole() {
        let mut doc: Value =
            serde_json::from_str(include_str!("../../datasets/tiny/inbound-delay.json")).unwrap();
        doc["skus"][0]["x`y, expected `z`"] = json!(1);
        doc["skus"][0]["name"] = json!(5);
        let bytes = serde_json::to_vec(&doc).unwrap();
        let diags = parse_scenario(&bytes).expect_err("two faults");
        let found: BTreeSet<(String, String)> = diags
            .items
            .iter()
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect();
        let unknown = "skus[0].x`y, expected `z`".to_owned();
        assert!(
            found.contains(&(unknown, "unknown field `x`y, expected `z``".to_owned())),
            "{found:#?}"
        );
        assert!(found.iter().any(|(p, _)| p == "skus[0].name"), "{found:#?}");
        assert_eq!(found.len(), 2, "{found:#?}");
    }

    /// Every wrong item of an array is named at its index, not only the first: lines, plan
    /// entries, a lane's departure days and the lines of an order a demand surge adds, with
    /// wrong fields around the arrays and in several fields of one item.
    #[test]
    fn every_wrong_item_of_an_array_is_reported_at_its_index() {
        let mut doc: Value =
            serde_json::from_str(include_str!("../../datasets/tiny/inbound-delay.json")).unwrap();
        let line = doc["orders"][0]["lines"][0].clone();
        let entry = doc["orders"][0]["plan"][0].clone();
        let order = &mut doc["orders"][0];
        order["customer"] = json!(7);
        order["lines"] = json!([line, 5, line, line]);
        order["lines"][0]["quantity"] = json!("60");
        order["lines"][2]["sku"] = json!(1);
        order["lines"][2]["qty"] = json!(60);
        order["lines"][3]["quantity"] = json!([60]);
        order["plan"] = json!([entry, entry, entry]);
        order["plan"][1]["ship"] = json!(4);
        order["plan"][2]["lane"] = json!(false);
        order["frozen"] = json!(1);
        doc["lanes"][0]["departure_days"] = json!(["mon", 3, "xyz", "fri"]);
        let mut surge_order = doc["orders"][0].clone();
        surge_order["id"] = json!("SO-NEW");
        doc["disruptions"]
            .as_array_mut()
            .unwrap()
            .push(json!({"kind": "demand_surge", "orders": [surge_order]}));
        let bytes = serde_json::to_vec(&doc).unwrap();
        let diags = parse_scenario(&bytes).expect_err("every fault is an error");
        let found: Vec<String> = diags.items.iter().map(|d| d.path.clone()).collect();
        let in_order = [
            "customer",
            "lines[0].quantity",
            "lines[1]",
            "lines[2].sku",
            "lines[2].qty",
            "lines[3].quantity",
            "plan[1].ship",
            "plan[2].lane",
            "frozen",
        ];
        let mut expected = vec![
            "lanes[0].departure_days[1]".to_owned(),
            "lanes[0].departure_days[2]".to_owned(),
        ];
        for prefix in ["orders[0]", "disruptions[1].orders[0]"] {
            expected.extend(in_order.iter().map(|p| format!("{prefix}.{p}")));
        }
        let (mut found_sorted, mut expected_sorted) = (found.clone(), expected.clone());
        found_sorted.sort();
        expected_sorted.sort();
        assert_eq!(found_sorted, expected_sorted, "{found:#?}");
        // In a planner's words, not Rust's: an object, an array, a string.
        let message = |path: &str| {
            let d = diags.items.iter().find(|d| d.path == path).unwrap();
            d.message.clone()
        };
        assert_eq!(
            message("orders[0].lines[1]"),
            "invalid type: integer `5`, expected an object"
        );
        assert_eq!(
            message("orders[0].lines[3].quantity"),
            "invalid type: an array, expected a number"
        );
        assert_eq!(
            message("lanes[0].departure_days[1]"),
            "invalid type: integer `3`, expected a string (text in double quotes)"
        );
    }
}
