//! Disruptions appended to a validated scenario (`validate::extend`, what the worker does on
//! an `event`) give the scenario that validating the whole document gives, and are refused
//! exactly when the whole document is.

use crate::common;
use crate::common::Rng;
use proptest::prelude::*;
use recourse::scenario::domain::Scenario;
use recourse::scenario::validate::{extend, validate};
use recourse::scenario::wire::{DisruptionDoc, ScenarioDoc};
use serde_json::Value;

/// `doc` with its first `k` disruptions, validated, then the rest plus `more` appended:
/// the incremental scenario equals the whole document's, or both are refused. Returns
/// whether the appended ones were accepted; `None` when the first `k` are refused (a
/// forbidden shipment may name a surge order that comes later).
fn agree(doc: &ScenarioDoc, k: usize, more: &[DisruptionDoc], what: &str) -> Option<bool> {
    let mut before = doc.clone();
    let mut appended = before.disruptions.split_off(k);
    appended.extend_from_slice(more);
    let prev: Scenario = validate(&before).ok()?.0;
    let mut whole = before;
    whole.disruptions.extend(appended.iter().cloned());
    let full = validate(&whole);
    let inc = extend(&prev, &appended);
    match (&inc, &full) {
        (Some(a), Ok((b, _))) => {
            assert!(
                a == b,
                "{what}: the incremental scenario differs from the whole document's"
            );
            Some(true)
        }
        (None, Err(_)) => Some(false),
        (Some(_), Err(d)) => panic!("{what}: accepted incrementally, refused as a whole:\n{d}"),
        (None, Ok(_)) => panic!("{what}: refused incrementally, accepted as a whole"),
    }
}

/// A disruption of `doc` changed so that it may be refused, or kept valid: a reference to
/// nothing, a reversed or unreadable period, a negative amount, a surge order repeating an
/// id or with a negative line; or one of `doc`'s disruptions again as it is.
fn mutated(doc: &ScenarioDoc, rng: &mut Rng) -> Option<DisruptionDoc> {
    let d = rng.pick(&doc.disruptions).clone();
    let mut v = serde_json::to_value(&d).unwrap();
    let obj = v.as_object_mut().unwrap();
    match rng.below(7) {
        0 => {}
        1 => {
            for key in ["lane", "node", "inbound", "sku"] {
                if obj.contains_key(key) {
                    obj.insert(key.into(), Value::from("NO-SUCH-ID"));
                    break;
                }
            }
        }
        2 => {
            if let (Some(f), Some(u)) = (obj.get("from").cloned(), obj.get("until").cloned()) {
                obj.insert("from".into(), u);
                obj.insert("until".into(), f);
            } else if obj.contains_key("eta") {
                obj.insert("eta".into(), Value::from("2026-02-30"));
            }
        }
        3 => {
            for key in ["quantity", "extra_days"] {
                if obj.contains_key(key) {
                    obj.insert(key.into(), Value::from(-1));
                }
            }
        }
        4 => {
            // A surge order named as one of the scenario's: a duplicate id.
            if let Some(Value::Array(orders)) = obj.get_mut("orders") {
                if let Some(o) = orders.first_mut() {
                    o["id"] = Value::from(doc.orders.first()?.id.clone());
                }
            }
        }
        5 => {
            // A surge order with a fresh id and a line of a negative quantity.
            if let Some(Value::Array(orders)) = obj.get_mut("orders") {
                if let Some(o) = orders.first_mut() {
                    o["id"] = Value::from(format!("BAD-LINE-{}", rng.below(1_000_000)));
                    o["lines"][0]["quantity"] = Value::from(-3);
                }
            }
        }
        _ => {
            // A surge order with a fresh id, to be accepted.
            if let Some(Value::Array(orders)) = obj.get_mut("orders") {
                for (j, o) in orders.iter_mut().enumerate() {
                    o["id"] = Value::from(format!("AGAIN-{}-{j}", rng.below(1_000_000)));
                }
            }
        }
    }
    serde_json::from_value(v).ok()
}

fn check_seed(seed: u64) -> Result<(), TestCaseError> {
    let doc = common::scenario_from_seed(seed);
    prop_assume!(!doc.disruptions.is_empty());
    let mut rng = Rng::new(seed ^ 0x5eed);
    let k = rng.below(doc.disruptions.len() as u64 + 1) as usize;
    let more: Vec<DisruptionDoc> = (0..rng.below(3))
        .filter_map(|_| mutated(&doc, &mut rng))
        .collect();
    let agreed = agree(&doc, k, &more, &format!("seed {seed}, k {k}"));
    prop_assume!(agreed.is_some());
    Ok(())
}

proptest! {
    #![proptest_config(common::config(256))]

    #[test]
    fn appended_disruptions_give_the_whole_documents_scenario(seed in any::<u64>()) {
        check_seed(seed)?;
    }
}

/// Every tiny dataset split before each of its disruptions, with each disruption appended
/// again and each changed as `mutated` changes them: the two validations agree, and both
/// kinds of outcome occur.
#[test]
fn every_tiny_datasets_disruptions_appended_at_every_point_agree() {
    let (mut accepted, mut refused) = (0, 0);
    for name in common::TINY {
        let doc = common::tiny_doc(name);
        let n = doc.disruptions.len();
        for k in 0..=n {
            let ok = agree(&doc, k, &[], &format!("{name}, k {k}"));
            assert_eq!(
                ok,
                Some(true),
                "{name}: the dataset's own disruptions are refused"
            );
            accepted += 1;
        }
        let mut rng = Rng::new(7);
        for trial in 0..12 {
            let Some(d) = (n > 0).then(|| mutated(&doc, &mut rng)).flatten() else {
                continue;
            };
            let k = rng.below(n as u64 + 1) as usize;
            if agree(&doc, k, &[d], &format!("{name}, k {k}, trial {trial}")).expect(name) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 40 && refused > 10,
        "accepted {accepted}, refused {refused}"
    );
}
