//! Success criteria: each metric with a `target`, judged from its observed `value`.
//!
//! The rule, in order (the first that applies decides):
//!
//! 1. no `target`: the metric is information, not a criterion (`no-target`);
//! 2. no `value` yet: `not-measured` (a release not yet deployed has none);
//! 3. `critical` given and it holds: `missed`, whatever the target says;
//! 4. `target` holds: `met`;
//! 5. `warning` given: `warning` when it holds, else `missed`;
//! 6. no `warning` but a `critical` (that does not hold): `warning`, since the
//!    critical line is the edge of what is tolerated;
//! 7. neither: `missed`.
//!
//! Units were checked when the file was loaded (`content::validate`), so value
//! and thresholds share a dimension here; a value that still does not parse
//! counts as not measured rather than failing. Pure: no I/O, no clock.

use serde::Serialize;

use crate::content::release::Metric;
use crate::content::threshold::{Quantity, Threshold};

/// How a criterion came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Met,
    Warning,
    Missed,
    NotMeasured,
    /// A metric without a target: shown, never judged.
    NoTarget,
}

/// One metric, judged.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionReport {
    pub name: String,
    pub value: Option<String>,
    pub target: Option<String>,
    pub warning: Option<String>,
    pub critical: Option<String>,
    pub outcome: Outcome,
    /// Why, in a few words: "240ms misses the target < 200ms; within the warning line < 300ms".
    pub why: String,
}

/// Judges every metric, in the file's order.
pub fn judge_all(metrics: &[Metric]) -> Vec<CriterionReport> {
    metrics.iter().map(judge).collect()
}

/// Judges one metric by the rule in the module's documentation.
pub fn judge(metric: &Metric) -> CriterionReport {
    let (outcome, why) = decide(metric);
    let text = |t: &Option<Threshold>| t.as_ref().map(|t| t.text.clone());
    CriterionReport {
        name: metric.name.clone(),
        value: metric.value.clone(),
        target: text(&metric.target),
        warning: text(&metric.warning),
        critical: text(&metric.critical),
        outcome,
        why,
    }
}

fn decide(metric: &Metric) -> (Outcome, String) {
    let Some(target) = &metric.target else {
        return (Outcome::NoTarget, "no target set".into());
    };
    let Some(text) = metric.value.as_deref() else {
        return (Outcome::NotMeasured, "not yet measured".into());
    };
    let Some(value) = text
        .parse::<Quantity>()
        .ok()
        .filter(|v| v.dimension == target.limit.dimension)
    else {
        return (Outcome::NotMeasured, format!("`{text}` cannot be compared"));
    };
    let value_text = text.trim();
    if let Some(critical) = &metric.critical
        && critical.holds(value)
    {
        return (
            Outcome::Missed,
            format!("{value_text} reaches the critical line {critical}"),
        );
    }
    if target.holds(value) {
        return (Outcome::Met, format!("{value_text} meets the target {target}"));
    }
    match (&metric.warning, &metric.critical) {
        (Some(warning), _) if warning.holds(value) => (
            Outcome::Warning,
            format!("{value_text} misses the target {target}; within the warning line {warning}"),
        ),
        (Some(warning), _) => (
            Outcome::Missed,
            format!("{value_text} misses the target {target} and the warning line {warning}"),
        ),
        (None, Some(critical)) => (
            Outcome::Warning,
            format!("{value_text} misses the target {target}; short of the critical line {critical}"),
        ),
        (None, None) => (Outcome::Missed, format!("{value_text} misses the target {target}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(
        value: Option<&str>,
        target: &str,
        warning: Option<&str>,
        critical: Option<&str>,
    ) -> Metric {
        Metric {
            name: "m".into(),
            value: value.map(String::from),
            target: Some(target.parse().unwrap()),
            warning: warning.map(|w| w.parse().unwrap()),
            critical: critical.map(|c| c.parse().unwrap()),
        }
    }

    fn outcome(
        value: &str,
        target: &str,
        warning: Option<&str>,
        critical: Option<&str>,
    ) -> Outcome {
        judge(&metric(Some(value), target, warning, critical)).outcome
    }

    #[test]
    fn a_value_equal_to_the_target_meets_only_an_inclusive_target() {
        assert_eq!(outcome("200ms", "< 200ms", None, None), Outcome::Missed);
        assert_eq!(outcome("200ms", "<= 200ms", None, None), Outcome::Met);
        assert_eq!(outcome("99.5%", "> 99.5%", None, None), Outcome::Missed);
        assert_eq!(outcome("99.5%", ">= 99.5%", None, None), Outcome::Met);
        assert_eq!(outcome("199.9ms", "< 200ms", None, None), Outcome::Met);
    }

    #[test]
    fn time_units_convert_when_judging() {
        assert_eq!(outcome("0.18 s", "< 200ms", None, None), Outcome::Met);
        assert_eq!(outcome("2 min", "<= 120 s", None, None), Outcome::Met);
        assert_eq!(outcome("121 s", "<= 2 min", None, None), Outcome::Missed);
    }

    #[test]
    fn the_warning_line_softens_a_miss_at_its_own_boundary() {
        let w = Some("< 300ms");
        assert_eq!(outcome("250ms", "< 200ms", w, None), Outcome::Warning);
        assert_eq!(outcome("300ms", "< 200ms", w, None), Outcome::Missed);
        assert_eq!(
            outcome("300ms", "< 200ms", Some("<= 300ms"), None),
            Outcome::Warning
        );
    }

    #[test]
    fn the_critical_line_is_a_miss_at_its_boundary_and_wins_over_everything() {
        let c = Some(">= 1%");
        assert_eq!(outcome("0.04%", "< 0.1%", None, c), Outcome::Met);
        assert_eq!(outcome("0.5%", "< 0.1%", None, c), Outcome::Warning);
        assert_eq!(outcome("1%", "< 0.1%", None, c), Outcome::Missed);
        assert_eq!(outcome("0.99%", "< 0.1%", None, c), Outcome::Warning);
        // A warning line that holds does not save a value past the critical line.
        assert_eq!(outcome("1.5%", "< 0.1%", Some("< 2%"), c), Outcome::Missed);
        // Nor does a target that holds (a contradictory file, judged strictly).
        assert_eq!(outcome("5%", "< 10%", None, Some(">= 5%")), Outcome::Missed);
    }

    #[test]
    fn no_value_is_not_measured_and_no_target_is_not_judged() {
        let r = judge(&metric(None, "< 200ms", None, None));
        assert_eq!(r.outcome, Outcome::NotMeasured);
        assert_eq!(r.why, "not yet measured");
        let info = Metric {
            name: "Suppliers active".into(),
            value: Some("37 of 40".into()),
            target: None,
            warning: None,
            critical: None,
        };
        assert_eq!(judge(&info).outcome, Outcome::NoTarget);
    }

    #[test]
    fn the_reason_names_the_value_and_the_lines() {
        let r = judge(&metric(Some("250ms"), "< 200ms", Some("< 300ms"), None));
        assert_eq!(
            r.why,
            "250ms misses the target < 200ms; within the warning line < 300ms"
        );
        let r = judge(&metric(Some("1.2%"), "< 0.1%", None, Some(">= 1%")));
        assert_eq!(r.why, "1.2% reaches the critical line >= 1%");
    }
}
