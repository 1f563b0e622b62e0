//! The deployment request's keys (`content::request`): links follow the rules of
//! every other link, on-call references name people or groups, test coverage is
//! a percentage, and the request was filed at a time that exists.

use super::{Checker, Context};
use crate::content::release::Release;
use crate::content::time::When;

/// Checks `release`'s request keys; adds `requested` to `times`, to be checked
/// in the release's zone with the others.
pub(super) fn check<'r>(
    c: &mut Checker,
    ctx: &Context,
    release: &'r Release,
    times: &mut Vec<(String, &'r When)>,
) {
    times.extend(release.requested.iter().map(|w| ("requested".into(), w)));
    for (i, link) in release.links.iter().enumerate() {
        c.link(&format!("links[{i}].url"), &link.url);
    }
    for (i, key) in release.oncall.iter().enumerate() {
        c.reference(
            &format!("oncall[{i}]"),
            key,
            "person or group",
            ctx.people.keys(),
        );
    }
    if let Some(coverage) = release.testing.as_ref().and_then(|t| t.coverage)
        && !(coverage.is_finite() && (0.0..=100.0).contains(&coverage))
    {
        c.report(
            "testing.coverage",
            format!("coverage {coverage} is not a percentage"),
            Some("use a number from 0 to 100, such as 88".into()),
        );
    }
    if let Some(duration) = release.window.as_ref().and_then(|w| w.duration)
        && duration.seconds <= 0
    {
        c.report(
            "window.duration",
            "a deployment window of zero length".into(),
            Some("give the expected duration, such as 90m or 2h".into()),
        );
    }
}
