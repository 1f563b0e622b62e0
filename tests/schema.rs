//! The JSON Schema of the release file accepts every example and fixture release
//! and rejects broken ones, checked with a JSON Schema validator.

mod common;

use std::path::Path;

fn schema() -> jsonschema::Validator {
    let out = common::golive(&["schema"], Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn as_json(yaml: &str) -> serde_json::Value {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    serde_json::to_value(value).unwrap()
}

fn problems(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    validator
        .iter_errors(&as_json(yaml))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_example_and_fixture_release_is_valid() {
    let validator = schema();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for dir in ["content/releases", "tests/fixtures"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.unwrap();
            let path = entry.path();
            let is_release = path.extension().is_some_and(|e| e == "yaml")
                && path.parent().is_some_and(|p| p.ends_with("releases"));
            if !is_release {
                continue;
            }
            let found = problems(&validator, &std::fs::read_to_string(path).unwrap());
            assert!(
                found.is_empty(),
                "{} does not match the schema:\n{}",
                path.display(),
                found.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} releases checked");
}

const MINIMAL: &str =
    "product: Acme\nversion: 1.0.0\nchange_type: feature\ntarget: 2026-12-04 09:00\nowner: ana\n";

#[test]
fn broken_releases_are_rejected() {
    let validator = schema();
    assert!(
        problems(&validator, MINIMAL).is_empty(),
        "{:?}",
        problems(&validator, MINIMAL)
    );
    for (bad, why) in [
        (format!("{MINIMAL}verison: 2\n"), "unknown key"),
        (
            "version: 1.0.0\nchange_type: x\ntarget: 2026-12-04\nowner: a\n".to_string(),
            "missing product",
        ),
        (
            MINIMAL.replace("2026-12-04 09:00", "next tuesday"),
            "bad date",
        ),
        (
            format!("{MINIMAL}readiness: [{{category: A, items: [{{check: x, status: don}}]}}]\n"),
            "bad status",
        ),
        (
            format!("{MINIMAL}metrics: [{{name: p95, value: 180ms, target: '200ms'}}]\n"),
            "threshold without an operator",
        ),
        (
            format!("{MINIMAL}metrics: [{{name: p95, value: 180ms, target: '< 200 parsecs'}}]\n"),
            "threshold with an unknown unit",
        ),
        (
            format!("{MINIMAL}deployment: {{status: rolled-back, incident: {{impact: x}}}}\n"),
            "incident without a summary",
        ),
        (
            format!("{MINIMAL}timeline: [{{at: T-24x, activity: x}}]\n"),
            "bad offset",
        ),
        (
            format!("{MINIMAL}risks: [{{title: x, severity: huge}}]\n"),
            "bad severity",
        ),
        (
            format!("{MINIMAL}rollback: {{steps: [{{within: 5 minutes, action: x}}]}}\n"),
            "bad span",
        ),
    ] {
        assert!(
            !problems(&validator, &bad).is_empty(),
            "the schema accepts a release with a {why}"
        );
    }
}

/// golive reads `value: 37` (a YAML number) as the text `37`; the schema agrees.
#[test]
fn a_metric_value_may_be_a_plain_number() {
    let metrics = "metrics: [{name: Open incidents, value: 37, target: '<= 40'}]\n";
    let validator = schema();
    let release = format!("{MINIMAL}{metrics}");
    assert_eq!(problems(&validator, &release), Vec::<String>::new());
    let site = common::Site::copy_of("basic");
    let file = site.root.join("content/releases/billing-1.4.0.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}{metrics}")).unwrap();
    let out = site.run(&["check"]);
    assert!(!out.stderr.contains("error"), "{}", out.describe());
}

#[test]
fn descriptions_come_from_the_doc_comments() {
    let out = common::golive(&["schema"], Path::new(env!("CARGO_MANIFEST_DIR")));
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let target = &schema["properties"]["target"];
    assert_eq!(target["description"], "Go-live time, \"T+0\".");
    assert_eq!(schema["additionalProperties"], false);
}

/// Issue 14: editors explain `depends_on` and offer it as a list of slugs.
#[test]
fn depends_on_is_described_as_a_list_of_slugs() {
    let out = common::golive(&["schema"], Path::new(env!("CARGO_MANIFEST_DIR")));
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let depends_on = &schema["properties"]["depends_on"];
    assert_eq!(depends_on["type"], "array");
    assert_eq!(depends_on["items"]["type"], "string");
    let description = depends_on["description"].as_str().unwrap();
    assert!(description.starts_with("Slugs"), "{description}");
    assert!(description.contains("GO (or deployed)"), "{description}");
}
