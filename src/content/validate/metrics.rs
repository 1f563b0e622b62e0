//! Checks of success criteria that serde cannot make: a value that must be a
//! number once a target is set, and units that must agree between the value,
//! the target and the warning and critical lines (`content::threshold`).

use super::Checker;
use crate::content::release::Metric;
use crate::content::threshold::{Quantity, Threshold};

/// Reports each metric's unparseable value and unit mismatches at the key that causes them.
pub(super) fn check(c: &mut Checker, metrics: &[Metric]) {
    for (i, m) in metrics.iter().enumerate() {
        let path = format!("metrics[{i}]");
        let Some(target) = &m.target else {
            for (key, line) in [("warning", &m.warning), ("critical", &m.critical)] {
                if line.is_some() {
                    c.report(
                        &format!("{path}.{key}"),
                        format!(
                            "`{key}` needs a `target` to go with it (metric `{}`)",
                            m.name
                        ),
                        Some("add `target:`, such as target: \"< 200ms\"".into()),
                    );
                }
            }
            continue;
        };
        let expected = target.limit.dimension;
        if let Some(text) = &m.value {
            match text.parse::<Quantity>() {
                Err(why) => c.report(
                    &format!("{path}.value"),
                    format!(
                        "metric `{}` has a target, so its value must be a measurement: {why}",
                        m.name
                    ),
                    Some(format!(
                        "write the value in the target's unit, such as `{}`",
                        example(target)
                    )),
                ),
                Ok(value) if value.dimension != expected => c.report(
                    &format!("{path}.value"),
                    format!(
                        "unit mismatch: the value `{}` is {}, but the target `{target}` is {}",
                        text.trim(),
                        value.dimension.describe(),
                        expected.describe()
                    ),
                    Some(format!(
                        "give the value and the target the same unit, such as `{}`",
                        example(target)
                    )),
                ),
                Ok(_) => {}
            }
        }
        for (key, line) in [("warning", &m.warning), ("critical", &m.critical)] {
            if let Some(line) = line
                && line.limit.dimension != expected
            {
                c.report(
                    &format!("{path}.{key}"),
                    format!(
                        "unit mismatch: `{key}: {line}` is {}, but the target `{target}` is {}",
                        line.limit.dimension.describe(),
                        expected.describe()
                    ),
                    Some("write every threshold of a metric in units of the same kind".into()),
                );
            }
        }
    }
}

/// A value written like the target's limit, for help texts.
fn example(target: &Threshold) -> String {
    let text = target.text.trim_start_matches(['<', '>', '=']).trim();
    text.to_string()
}
