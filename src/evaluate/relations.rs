//! Relations between releases: dependencies (`depends_on`) and collisions on
//! the release calendar (overlapping windows, the same person needed twice on
//! a day, change freezes, go-lives outside business hours).
//!
//! Pure: it takes every release's evaluated facts (a small `Footprint` each)
//! and the site's policy and says, for each release, which relations hold
//! (`Related`). The types here are the contract the pages, the calendar and
//! `check` render from. `relate` runs wherever reports are made (`check`,
//! `email`, `send`, the build and serve's quick path), over all releases at
//! once; a release's own evaluation never looks at another release.
//!
//! What it decides:
//!
//! - **Dependencies.** A dependency holds when it is deployed, or when its
//!   verdict is GO and it goes live (its effective target) no later than the
//!   dependent. A rolled-back dependency, or one postponed without a new date,
//!   does not hold. Verdicts are settled in dependency order, so a dependency
//!   deferred by its own dependency counts as not GO. A dependent whose
//!   dependency does not hold is deferred: a `DependencyNotReady` reason that
//!   does not block (GO becomes GO-PENDING; a NO-GO stays NO-GO with the
//!   reason added). Unknown slugs, a release naming itself and cycles are
//!   refused when the site is loaded (`content::depends`); here they simply
//!   do not hold.
//! - **Collisions.** Only releases still ahead count: scheduled, in progress,
//!   or postponed to a new date. Windows are half-open, `[start, end)`: a
//!   window that ends when the next starts does not overlap it.
//!   - `Overlap`: two windows intersect; a warning on both.
//!   - `SamePerson`: the owner or an approver named on the approvals of two
//!     releases going live on the same day (in the site's zone); a warning on
//!     both, naming the person and the other release. people.yaml keys are the
//!     identity; inline people are not compared.
//!   - `Freeze`: a window touching any day of a freeze (`from` to `to`, whole
//!     days in the site's zone) BLOCKS: a `ChangeFreeze` reason makes the
//!     verdict NO-GO, unless the change is an emergency (its approval matrix
//!     level is Expedited, or it has an `expedited:` block), which only gets
//!     a collision saying it is allowed.
//!   - `OutsideHours`: with `business_hours:` set, a window that starts on a
//!     day not listed, before `from`, or ends after `to` or on another day (in
//!     the site's zone); a warning. A whole-day window is judged by its day.
//! - **History.** A release already deployed or rolled back keeps its verdict:
//!   it gets no reasons and no collisions (its dependencies are still listed).

mod collisions;
pub use collisions::MAX_LISTED;
mod dependencies;
pub use dependencies::MAX_CHAIN;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::verdict::{Reason, Verdict};
use super::window::DeploymentWindow;
use super::{Moment, Report};
use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::content::LoadedRelease;
use crate::content::release::{DeploymentStatus, PersonRef, Release};

/// What kind of collision a release is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CollisionKind {
    /// Its deployment window overlaps another release's.
    Overlap,
    /// Its owner or one of its approvers is needed by another release that day.
    SamePerson,
    /// Its window falls inside a change freeze (`freezes:` in site.yaml).
    Freeze,
    /// It goes live outside business hours (`business_hours:` in site.yaml).
    OutsideHours,
}

/// One collision of one release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collision {
    pub kind: CollisionKind,
    /// Whether it defers the verdict (a freeze, unless the change is an
    /// emergency) or is only a warning.
    pub blocks: bool,
    /// The day it happens on, in the site's zone (for a whole-day go-live,
    /// that day).
    pub day: NaiveDate,
    /// The other releases involved (slugs), if any.
    pub others: Vec<String>,
    /// A sentence for people, with the names and times.
    pub message: String,
}

/// One release that this release depends on, as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    pub slug: String,
    /// `Product version`, or the slug when the release is unknown.
    pub label: String,
    /// `None` when no release has this slug.
    pub verdict: Option<Verdict>,
    pub state: Option<DeploymentStatus>,
    pub target: Option<Moment>,
    /// Whether it is GO (or deployed) and goes live no later than the dependent.
    pub holds: bool,
    /// Why it does not hold, for people: what follows the release's name
    /// (`is NO-GO`, `goes live later, …, after Northwind ERP 2.4.0`).
    pub problem: Option<String>,
}

/// One link of a dependency chain, as the report page lists it: `dependent`
/// waits for `dependency`; `depth` 1 for the release's own dependencies, 2
/// for theirs, and so on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainLink {
    pub depth: usize,
    /// The slug and label of the release that waits.
    pub dependent: String,
    pub dependent_label: String,
    pub dependency: Dependency,
    /// The chain goes on after this link, but is not listed (see
    /// `dependencies::MAX_CHAIN`).
    #[serde(default)]
    pub more: bool,
}

/// What a release needs from the others on the calendar, and what the others
/// need to know of it: the facts `relate` reads. Small, and kept in the build
/// cache, so that an unchanged release is related again without reading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    pub slug: String,
    /// `Product version`.
    pub label: String,
    /// The verdict before any relation (the release's own rules).
    pub verdict: Verdict,
    pub state: DeploymentStatus,
    /// Effective go-live (the new target once postponed).
    pub target: Moment,
    /// Postponed without a new date: not on the calendar.
    pub undated: bool,
    pub window: DeploymentWindow,
    /// The go-live day: a whole-day go-live's own day, else the window's start
    /// in the site's zone.
    pub day: NaiveDate,
    pub depends_on: Vec<String>,
    /// Takes the expedited path: a freeze does not block it.
    pub emergency: bool,
    /// The people.yaml keys it needs that day, each with what for (`owner`,
    /// `CTO approver`); the owner first.
    pub people: Vec<(String, String)>,
}

/// What relating a release to the others found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Related {
    pub dependencies: Vec<Dependency>,
    /// The whole chain below the release, depth first.
    pub chain: Vec<ChainLink>,
    pub collisions: Vec<Collision>,
    /// Reasons added to the verdict (a freeze, a dependency that does not hold).
    pub reasons: Vec<Reason>,
}

impl Footprint {
    /// The footprint of `release`, evaluated (before relations) as `report`.
    pub fn of(release: &Release, report: &Report, site: &SiteConfig) -> Footprint {
        let entry = site.approval_matrix.get(&release.change_type);
        let emergency = entry.is_some_and(|e| e.is_expedited()) || release.expedited.is_some();
        let mut people: Vec<(String, String)> = Vec::new();
        if let PersonRef::Key(key) = &release.owner {
            people.push((key.clone(), "owner".into()));
        }
        for a in &report.approvals {
            if let Some(who) = &a.who
                && !people.iter().any(|(k, _)| k == who)
            {
                people.push((who.clone(), format!("{} approver", a.role)));
            }
        }
        let undated = report.state == DeploymentStatus::Postponed && report.new_target.is_none();
        Footprint {
            slug: report.slug.clone(),
            label: format!("{} {}", report.product, report.version),
            verdict: report.verdict,
            state: report.state,
            target: report.target.clone(),
            undated,
            day: go_live_day(&report.window, site.timezone.0),
            window: report.window.clone(),
            depends_on: release.depends_on.clone(),
            emergency,
            people,
        }
    }

    /// Whether it is still ahead: on the calendar, and judged.
    fn ahead(&self) -> bool {
        match self.state {
            DeploymentStatus::Scheduled | DeploymentStatus::InProgress => true,
            DeploymentStatus::Postponed => !self.undated,
            DeploymentStatus::Deployed | DeploymentStatus::RolledBack => false,
        }
    }

    /// Deployed or rolled back: its verdict is history.
    fn history(&self) -> bool {
        matches!(
            self.state,
            DeploymentStatus::Deployed | DeploymentStatus::RolledBack
        )
    }
}

/// The day a window goes live on: a whole-day window's own day (in its zone),
/// else the day its start falls on in the site's zone.
fn go_live_day(window: &DeploymentWindow, site_zone: Tz) -> NaiveDate {
    if window.all_day {
        window.start.local_date()
    } else {
        window.start.in_zone(site_zone).date_naive()
    }
}

/// Relates every release to the others: for each footprint (in order), its
/// dependencies, collisions and the reasons they add to its verdict.
pub fn relate(releases: &[Footprint], site: &SiteConfig, people: &People) -> Vec<Related> {
    let mut related: Vec<Related> = collisions::all(releases, site, people)
        .into_iter()
        .map(|(collisions, reasons)| Related {
            collisions,
            reasons,
            ..Related::default()
        })
        .collect();
    dependencies::settle(releases, &mut related);
    related
}

/// Puts what `relate` found into a release's report: its dependencies and
/// collisions, and the reasons they add, with the verdict they make.
pub fn apply(report: &mut Report, related: Related) {
    report.dependencies = related.dependencies;
    report.dependency_chain = related.chain;
    report.collisions = related.collisions;
    if related.reasons.is_empty() {
        return;
    }
    report.reasons.extend(related.reasons);
    // What blocks first, as `verdict::decide` orders them.
    report.reasons.sort_by_key(|r| !r.blocking);
    report.verdict = verdict_of(report.verdict, &report.reasons);
}

/// The verdict once `reasons` hold: NO-GO if one blocks, else GO-PENDING.
fn verdict_of(before: Verdict, reasons: &[Reason]) -> Verdict {
    if reasons.iter().any(|r| r.blocking) {
        Verdict::NoGo
    } else if reasons.is_empty() {
        before
    } else if before == Verdict::NoGo {
        Verdict::NoGo
    } else {
        Verdict::GoPending
    }
}

/// Relates the reports of a whole site (`check`, `email`, `send`): `reports`
/// are those of `releases`, in the same order, as `evaluate` made them.
pub fn relate_reports(
    reports: &mut [Report],
    releases: &[LoadedRelease],
    site: &SiteConfig,
    people: &People,
) {
    let footprints: Vec<Footprint> = releases
        .iter()
        .zip(reports.iter())
        .map(|(loaded, report)| Footprint::of(&loaded.release, report, site))
        .collect();
    for (report, related) in reports.iter_mut().zip(relate(&footprints, site, people)) {
        apply(report, related);
    }
}

#[cfg(test)]
mod tests;
