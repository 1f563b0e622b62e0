//! The expedited path of an emergency change: `expedited:` in a release goes
//! with a change type whose approval_matrix entry has `level: Expedited`, and
//! the reverse. Either half alone is a located error: an emergency change
//! without its verbal approvals and deadlines would show an empty path, and
//! verbal approvals on an ordinary change would skip the approval phases.

use super::{Checker, Context};
use crate::content::release::Release;
use crate::content::time::When;

/// Checks `release`'s expedited path; adds its times to `times`, to be checked
/// in the release's zone with the others.
pub(super) fn check<'r>(
    c: &mut Checker,
    ctx: &Context,
    release: &'r Release,
    times: &mut Vec<(String, &'r When)>,
) {
    let change_type = &release.change_type;
    let matrix = &ctx.config.approval_matrix;
    let entry = matrix.get(change_type);
    let expedited_level = entry.is_some_and(|e| e.is_expedited());
    // An unknown change type is reported on its own; saying more would repeat it.
    let known = entry.is_some() || matrix.is_empty();

    match &release.expedited {
        Some(_) if known && !expedited_level => {
            let help = match matrix.iter().find(|(_, e)| e.is_expedited()) {
                Some((name, _)) => format!(
                    "use `change_type: {name}` (the expedited path in site.yaml's approval_matrix), or remove `expedited:`"
                ),
                None => format!(
                    "give `{change_type}` the object form with `level: Expedited` in site.yaml's approval_matrix, or remove `expedited:`"
                ),
            };
            let at = c.positions().key("expedited");
            c.found.push(
                c.source
                    .error(
                        at,
                        format!(
                            "`expedited:` is for emergency changes, but change type `{change_type}` is not on the expedited path (no `level: Expedited` in the approval matrix)"
                        ),
                    )
                    .with_help(help),
            );
        }
        None if expedited_level => c.report(
            "change_type",
            format!(
                "change type `{change_type}` takes the expedited path (`level: Expedited` in site.yaml), but this release has no `expedited:`"
            ),
            Some(
                "add `expedited:` with the `verbal` approvals (each `{role, who, at}`), `documented_by` and `review_due`".into(),
            ),
        ),
        _ => {}
    }

    let Some(e) = &release.expedited else {
        return;
    };
    let mut roles: Vec<(String, String)> = release
        .approvals
        .iter()
        .enumerate()
        .map(|(i, a)| (a.role.to_lowercase(), format!("approvals[{i}]")))
        .collect();
    for (i, v) in e.verbal.iter().enumerate() {
        let path = format!("expedited.verbal[{i}]");
        c.reference(
            &format!("{path}.who"),
            &v.who,
            "person",
            ctx.people.people.keys().map(String::as_str),
        );
        if let Some((_, first)) = roles.iter().find(|(r, _)| *r == v.role.to_lowercase()) {
            c.report(
                &format!("{path}.role"),
                format!("role `{}` already has an approval ({first})", v.role),
                Some(
                    "keep one entry per role: a verbal approval counts as the role's approval"
                        .into(),
                ),
            );
        }
        roles.push((v.role.to_lowercase(), path.clone()));
        times.push((format!("{path}.at"), &v.at));
    }
    times.push(("expedited.documented_by".into(), &e.documented_by));
    times.push(("expedited.review_due".into(), &e.review_due));
    times.extend(
        e.documented
            .iter()
            .map(|w| ("expedited.documented".into(), w)),
    );
    times.extend(e.reviewed.iter().map(|w| ("expedited.reviewed".into(), w)));
}
