//! Every bundled scenario survives parse -> serialize -> parse unchanged, and what we write
//! is still a valid scenario.

use recourse::scenario::{parse_scenario, ScenarioDoc};
use std::path::Path;

#[test]
fn every_dataset_round_trips() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let (doc, _) = parse_scenario(&bytes).unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let (again, _) = parse_scenario(text.as_bytes()).unwrap();
        assert_eq!(doc, again, "{}", path.display());
        recourse::scenario::validate::validate(&again)
            .unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        // And the serialized text says the same as the file, field by field.
        let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let written: serde_json::Value = serde_json::from_str(&text).unwrap();
        let reparsed: ScenarioDoc = serde_json::from_value(original).unwrap();
        assert_eq!(serde_json::to_value(&reparsed).unwrap(), written);
        n += 1;
    }
    assert!(n >= 12, "expected the tiny datasets, found {n}");
}
