//! What the postponement email compares the release with: the last email its
//! audience received, from the send ledger, or else the original plan. This is
//! the I/O half (reading the ledger, evaluating the original plan); choosing the
//! baseline (`send::baseline`) and the comparison (`evaluate::changes`) are pure.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Kind, recipients};
use crate::content::release::{DeploymentStatus, Release};
use crate::content::{LoadedRelease, Shared};
use crate::evaluate::changes::{Changes, Since, diff};
use crate::evaluate::snapshot::Snapshot;
use crate::evaluate::{self, Moment, Report};
use crate::send::baseline::last_told;
use crate::send::ledger::{Ledger, Reading};
use crate::send::place::Place;

/// The changes the postponement email of `loaded` shows, and the ledger's
/// warnings (lines it skipped). `place` is where the ledger is.
pub fn postponement_changes(
    place: &Place,
    site: &Shared,
    loaded: &LoadedRelease,
    report: &Report,
    today: NaiveDate,
) -> Result<(Changes, Vec<String>), String> {
    let reading = read_ledger(place)?;
    let changes = changes_since(&reading, site, loaded, report, today);
    Ok((changes, reading.warnings))
}

/// The site's send ledger, read whole; a build reads it once for all its
/// postponed releases.
pub fn read_ledger(place: &Place) -> Result<Reading, String> {
    let ledger = Ledger::at(place);
    ledger.read().map_err(|e| {
        format!(
            "cannot read the send ledger {} ({}): {e}",
            ledger.shown().display(),
            place.origin().describe()
        )
    })
}

/// The changes the postponement email of `loaded` shows, given the ledger.
pub fn changes_since(
    reading: &Reading,
    site: &Shared,
    loaded: &LoadedRelease,
    report: &Report,
    today: NaiveDate,
) -> Changes {
    let now = Snapshot::from(report);
    // Without recipients there is nobody whose last email counts.
    let audience: Vec<String> = recipients(Kind::Postponement, &loaded.release, &site.people)
        .map(|r| r.all().map(|a| a.email.clone()).collect())
        .unwrap_or_default();
    let audience: Vec<&str> = audience.iter().map(String::as_str).collect();
    let zone = report.timezone.parse().unwrap_or(chrono_tz::UTC);
    let told = last_told(&reading.entries, &loaded.slug, &audience, &now).and_then(|e| {
        let sent = chrono::DateTime::parse_from_rfc3339(&e.time).ok()?;
        Some((
            e.snapshot.clone()?,
            Since::Email {
                kind: e.kind.clone(),
                sent: Moment::new(sent.with_timezone(&zone), false),
            },
        ))
    });
    let (before, since) = match told {
        Some(found) => found,
        None => (
            Snapshot::from(&original_plan(site, loaded, today)),
            Since::OriginalPlan,
        ),
    };
    diff(&before, &now, since)
}

/// The release evaluated as it was planned: at its original target, without the
/// postponement.
fn original_plan(site: &Shared, loaded: &LoadedRelease, today: NaiveDate) -> Report {
    let mut release: Release = (*loaded.release).clone();
    release.postponement = None;
    if let Some(d) = release.deployment.as_mut() {
        d.status = DeploymentStatus::Scheduled;
    }
    let planned = LoadedRelease {
        slug: loaded.slug.clone(),
        path: loaded.path.clone(),
        release: Arc::new(release),
        depends: Vec::new(),
    };
    evaluate::evaluate(
        &planned,
        &site.config,
        &site.checklists,
        &site.people,
        today,
    )
}
