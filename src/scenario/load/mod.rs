//! Bytes to wire types, reporting every syntax and type problem with its place.
//!
//! serde stops at the first error, so when the whole document does not deserialize we go
//! through it again element by element: a planner then sees all the type errors of a file in
//! one run instead of fixing them one at a time.
//!
//! `json` reads the text (syntax, a key named twice), `fields` re-reads what the types refuse
//! to find every wrong field at its place, and `messages` says each in a planner's words.

mod fields;
mod json;
mod messages;

pub use fields::{every_wrong_field_in, typed_in, typed_text_in};
pub use json::{json_kind, parse_json};
pub use messages::join_path;

use super::wire::*;
use crate::base::diagnostics::{Diagnostic, Diagnostics};
use fields::{every_wrong_field, missing_field, scenario_range, typed, READINGS};
use messages::{parse_unknown, unknown_field_diagnostic};
use serde::de::DeserializeOwned;
use serde_json::Value;

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
///
/// The orders, most of a large document, are read side by side: the document first with
/// each order as its raw text (checked as JSON, not read), then the orders from their
/// texts on every core, each as the whole document's reader reads it.
fn well_formed(bytes: &[u8]) -> Option<ScenarioDoc> {
    use rayon::prelude::*;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let outline: ScenarioDoc<&serde_json::value::RawValue> =
        crate::base::by_name::from_slice(bytes).ok()?;
    if outline.format != SCENARIO_FORMAT {
        return None;
    }
    // Written in place into one vector, then kept in place (`Option<OrderDoc>` is as large
    // as `OrderDoc`, and `filter_map` reuses the vector): a million orders are not copied.
    let mut read: Vec<Option<OrderDoc>> = Vec::new();
    outline
        .orders
        .par_iter()
        .map(|o| crate::base::by_name::from_str(o.get()).ok())
        .collect_into_vec(&mut read);
    if read.iter().any(Option::is_none) {
        return None;
    }
    #[allow(clippy::filter_map_identity)]
    let orders: Vec<OrderDoc> = read.into_iter().filter_map(|o| o).collect();
    Some(ScenarioDoc {
        orders,
        format: outline.format,
        id: outline.id,
        as_of: outline.as_of,
        horizon_days: outline.horizon_days,
        currency: outline.currency,
        skus: outline.skus,
        nodes: outline.nodes,
        lanes: outline.lanes,
        stock: outline.stock,
        inbound: outline.inbound,
        disruptions: outline.disruptions,
        policy: outline.policy,
    })
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
            // The field's range where validation bounds it, as for the fields serde places.
            if let Some(range) = scenario_range(&d.path) {
                d.hint = Some(range);
            }
            return (d, Some(key.clone()));
        }
    }
    (d, None)
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

    /// The orders read side by side give the document the slow way gives (a tree first,
    /// then the types); an order the slow way refuses (a key named twice, an unknown field,
    /// a line written as an array) is refused by the fast way too, which leaves it to the
    /// slow way to name.
    #[test]
    fn orders_read_side_by_side_are_the_orders_read_in_turn() {
        let text = include_str!("../../../datasets/tiny/demo-eu.json");
        let fast = super::well_formed(text.as_bytes()).expect("a valid scenario");
        let value: Value = serde_json::from_str(text).unwrap();
        let (slow, _) = super::scenario_from_value(&value, Default::default()).unwrap();
        assert!(fast.orders.len() >= 2, "a scenario with orders");
        assert_eq!(fast, slow);
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut doc = value.clone();
            edit(&mut doc["orders"][1]);
            serde_json::to_string(&doc).unwrap()
        };
        let id = value["orders"][1]["id"].as_str().unwrap();
        let twice = with(&|_| {}).replacen(
            &format!(r#""id":"{id}""#),
            &format!(r#""id":"{id}","id":"{id}""#),
            1,
        );
        assert!(
            twice.contains(&format!(r#""id":"{id}","id""#)),
            "the key is twice"
        );
        let unknown = with(&|o| o["surprise"] = json!(1));
        let as_array = with(&|o| {
            let l = o["lines"][0].clone();
            o["lines"][0] = json!([l["sku"], l["quantity"]]);
        });
        for (what, bad) in [("twice", twice), ("unknown", unknown), ("array", as_array)] {
            assert!(super::well_formed(bad.as_bytes()).is_none(), "{what}");
            assert!(parse_scenario(bad.as_bytes()).is_err(), "{what}");
        }
    }

    /// Every combination of the faults is reported exactly: each wrong field of the order
    /// once, at its path, and nothing else (no missing field for a field taken out).
    #[test]
    fn every_combination_of_wrong_fields_in_one_order_is_reported_exactly() {
        let base: Value =
            serde_json::from_str(include_str!("../../../datasets/tiny/inbound-delay.json"))
                .unwrap();
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
            serde_json::from_str(include_str!("../../../datasets/tiny/inbound-delay.json"))
                .unwrap();
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
            serde_json::from_str(include_str!("../../../datasets/tiny/inbound-delay.json"))
                .unwrap();
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
            serde_json::from_str(include_str!("../../../datasets/tiny/inbound-delay.json"))
                .unwrap();
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
