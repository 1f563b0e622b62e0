//! Success criteria through the binary: a bad threshold or a unit mismatch is a
//! located error (`file:line:column`, exit 2), and the judged criteria appear on
//! the readiness report, the go-live runbook and in readiness.json.

mod common;

use common::html::{page, rows, section};
use common::{Site, diagnostics_at, line_of, replace_once};

const FAILING: &str = "content/releases/failing.yaml";
const METRIC: &str =
    "  - {name: API p95, value: 180ms, target: \"< 200ms\", warning: \"< 300ms\"}\n";

/// The lifecycle fixture with `FAILING`'s first metric replaced by `metric`;
/// runs `check` and returns the diagnostics at that metric's line.
fn check_with_metric(metric: &str) -> (Vec<String>, usize) {
    let site = Site::copy_of("lifecycle");
    let text = replace_once(&site.read(FAILING), METRIC, metric);
    site.write(FAILING, &text);
    let out = site.run(&["check"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    let line = line_of(&text, metric.trim_end());
    let found = diagnostics_at(&out.stderr, FAILING, line);
    assert!(
        !found.is_empty(),
        "no problem reported at {FAILING}:{line}:\n{}",
        out.describe()
    );
    (found, line)
}

/// The column (1-based) of `needle` in `line`.
fn column(line: &str, needle: &str) -> usize {
    line.find(needle).expect("needle in line") + 1
}

#[test]
fn a_threshold_without_an_operator_is_reported_where_it_is_written() {
    let metric = "  - {name: API p95, value: 180ms, target: \"200ms\"}\n";
    let (found, line) = check_with_metric(metric);
    let at = format!("{FAILING}:{line}:{}:", column(metric, "\"200ms\""));
    assert!(
        found[0].starts_with(&at) && found[0].contains("start with <, <=, > or >="),
        "{found:?}"
    );
}

#[test]
fn a_threshold_with_an_unknown_unit_is_reported_where_it_is_written() {
    let metric =
        "  - {name: API p95, value: 180ms, target: \"< 200ms\", critical: \">= 2 parsecs\"}\n";
    let (found, line) = check_with_metric(metric);
    let at = format!("{FAILING}:{line}:{}:", column(metric, "\">= 2 parsecs\""));
    assert!(
        found[0].starts_with(&at) && found[0].contains("`parsecs` is not a unit"),
        "{found:?}"
    );
}

#[test]
fn a_value_in_another_unit_than_the_target_is_a_located_unit_mismatch() {
    let metric = "  - {name: API p95, value: 0.4%, target: \"< 200ms\"}\n";
    let (found, line) = check_with_metric(metric);
    let at = format!("{FAILING}:{line}:{}:", column(metric, "0.4%"));
    assert!(found[0].starts_with(&at), "{found:?}");
    assert!(
        found[0].contains("unit mismatch")
            && found[0].contains("a percentage")
            && found[0].contains("a time"),
        "{found:?}"
    );
}

#[test]
fn a_warning_or_critical_line_in_another_unit_is_a_located_unit_mismatch() {
    let metric =
        "  - {name: API p95, value: 180ms, target: \"< 200ms\", warning: \"< 300 rows/s\"}\n";
    let (found, line) = check_with_metric(metric);
    let at = format!("{FAILING}:{line}:{}:", column(metric, "\"< 300 rows/s\""));
    assert!(
        found[0].starts_with(&at) && found[0].contains("unit mismatch"),
        "{found:?}"
    );
    // Milliseconds and seconds are one kind of unit: no mismatch.
    let site = Site::copy_of("lifecycle");
    site.write(
        FAILING,
        replace_once(
            &site.read(FAILING),
            METRIC,
            "  - {name: API p95, value: 0.18 s, target: \"< 200ms\", critical: \">= 1 s\"}\n",
        ),
    );
    let out = site.run(&["check", "--release", "shop-4.0.0"]);
    assert_ne!(out.code, Some(2), "{}", out.describe());
}

#[test]
fn a_value_that_is_not_a_measurement_is_reported_once_a_target_is_set() {
    let metric = "  - {name: API p95, value: fast, target: \"< 200ms\"}\n";
    let (found, line) = check_with_metric(metric);
    let at = format!("{FAILING}:{line}:{}:", column(metric, "fast"));
    assert!(
        found[0].starts_with(&at) && found[0].contains("must be a measurement"),
        "{found:?}"
    );
    // Without a target, any text will do.
    let site = Site::copy_of("lifecycle");
    site.write(
        FAILING,
        replace_once(
            &site.read(FAILING),
            METRIC,
            "  - {name: Suppliers live, value: 37 of 40}\n",
        ),
    );
    assert_ne!(site.run(&["check"]).code, Some(2));
}

#[test]
fn a_warning_line_without_a_target_is_reported() {
    let metric = "  - {name: API p95, value: 180ms, warning: \"< 300ms\"}\n";
    let (found, _) = check_with_metric(metric);
    assert!(found[0].contains("needs a `target`"), "{found:?}");
}

#[test]
fn the_report_and_the_runbook_show_each_criterion_and_its_result() {
    let site = Site::copy_of("lifecycle");
    let out = site.run(&["build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let expected = [
        vec![
            "API p95",
            "180ms",
            "< 200ms",
            "< 300ms",
            "—",
            "✓ met 180ms meets the target < 200ms",
        ],
        vec![
            "Error rate",
            "1.2%",
            "< 0.1%",
            "—",
            ">= 1%",
            "✗ missed 1.2% reaches the critical line >= 1%",
        ],
        vec![
            "Queue lag",
            "0.25 s",
            "< 200ms",
            "<= 250ms",
            "—",
            "⚠ warning 0.25 s misses the target < 200ms; within the warning line <= 250ms",
        ],
    ];
    let report = page(&site, "public/releases/shop-4.0.0/index.html");
    let criteria = section(&report, "criteria");
    assert_eq!(rows(criteria), expected);
    assert!(
        common::html::text(criteria).contains("1 criterion missed."),
        "{}",
        common::html::text(criteria)
    );
    let runbook = page(&site, "public/releases/shop-4.0.0/runbook.html");
    let verification = section(&runbook, "verification");
    let table: Vec<Vec<String>> = rows(verification)
        .into_iter()
        .filter(|r| r.len() == 6)
        .collect();
    assert_eq!(table, expected);

    // Before go-live: the criteria are declared but not yet measured.
    let running = page(&site, "public/releases/shop-4.1.0/index.html");
    assert_eq!(
        rows(section(&running, "criteria")),
        [vec![
            "Checkout p95",
            "—",
            "< 200ms",
            "< 300ms",
            "—",
            "○ not measured not yet measured"
        ]]
    );

    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/releases/shop-4.0.0/readiness.json")).unwrap();
    assert_eq!(json["criteria_missed"], 1);
    let outcomes: Vec<&str> = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["met", "missed", "warning"]);
}
