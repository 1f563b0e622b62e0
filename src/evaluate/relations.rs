//! Relations between releases: dependencies (`depends_on`) and collisions on
//! the release calendar (overlapping windows, the same person needed twice on
//! a day, change freezes, go-lives outside business hours).
//!
//! Pure: it takes every release's evaluated facts and the site's policy and
//! says, for each release, which relations hold. The types here are the
//! contract the pages, the calendar and `check` render from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Moment;
use super::verdict::Verdict;
use crate::content::release::DeploymentStatus;

/// What kind of collision a release is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The day it happens on, in the release's zone.
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
    /// Why it does not hold, for people.
    pub problem: Option<String>,
}
