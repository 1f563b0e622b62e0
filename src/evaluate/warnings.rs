//! Time-based warnings: what has gone overdue while the release waits. They are
//! apart from the verdict (which never reads the clock): `check` prints them,
//! `check --strict` fails on them, the report and the dashboard show them.
//!
//! Each check lists the deadlines a release has, whatever the time: a warning
//! and the moment from which it holds. The warnings at a given time are the
//! deadlines reached by then; the deadlines themselves tell the build cache
//! until when a page rendered now stays current. Pure: "now" is passed in.
//!
//! Adding a kind of warning: a variant of `Kind` and one line in `CHECKS`.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Moment, Report, freshness};
use crate::content::release::{DeploymentStatus, Release, Status};

/// One warning: its kind, and a sentence for people with the dates in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: Kind,
    pub message: String,
}

/// Stable names, for pipelines reading `check --format json` and readiness.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Go-live time has come and the release is still `scheduled`.
    TargetPassed,
    /// `decision_due` has passed with required approvals missing.
    DecisionOverdue,
    /// An approval phase's SLA (its due day) has passed without its sign-off.
    PhaseLate,
    /// A done item's evidence is older than its `fresh_for` limit already.
    EvidenceStale,
    /// An emergency change's documentation or post-implementation review is
    /// past its deadline and not recorded as done.
    ExpeditedOverdue,
}

/// A warning and the moment from which it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub from: DateTime<Utc>,
    pub warning: Warning,
}

/// What the checks look at.
pub struct Facts<'a> {
    pub release: &'a Release,
    pub report: &'a Report,
    pub zone: Tz,
}

/// Every kind of warning, as the deadlines it finds in a release.
const CHECKS: &[fn(&Facts) -> Vec<Deadline>] = &[
    target_passed,
    decision_overdue,
    phase_late,
    evidence_stale,
    expedited_overdue,
];

/// Every deadline of the release, soonest first.
pub fn deadlines(facts: &Facts) -> Vec<Deadline> {
    let mut all: Vec<Deadline> = CHECKS.iter().flat_map(|check| check(facts)).collect();
    all.sort_by_key(|d| d.from);
    all
}

/// The warnings that hold at `now`.
pub fn at(deadlines: &[Deadline], now: DateTime<Utc>) -> Vec<Warning> {
    deadlines
        .iter()
        .filter(|d| d.from <= now)
        .map(|d| d.warning.clone())
        .collect()
}

/// Whether the release is still waiting for go-live (so deadlines before it matter).
fn waiting(report: &Report) -> bool {
    matches!(
        report.state,
        DeploymentStatus::Scheduled | DeploymentStatus::Postponed
    )
}

fn instant(moment: &Moment) -> DateTime<Utc> {
    DateTime::from_timestamp(moment.unix, 0).unwrap_or_default()
}

/// The first moment of the day after `day`, in `zone`: when a day's deadline has passed.
fn end_of(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let next = (day + TimeDelta::days(1)).and_time(NaiveTime::MIN);
    crate::content::time::When {
        text: String::new(),
        value: crate::content::time::WhenValue::Local(next),
    }
    .instant(zone)
    .with_timezone(&Utc)
}

fn deadline(from: DateTime<Utc>, kind: Kind, message: String) -> Deadline {
    Deadline {
        from,
        warning: Warning { kind, message },
    }
}

/// A step is missed only once past its deadline, not at its very second.
fn expedited_overdue(f: &Facts) -> Vec<Deadline> {
    super::expedited::open_steps(f.release, f.zone)
        .into_iter()
        .map(|step| {
            deadline(
                instant(&step.due) + TimeDelta::seconds(1),
                Kind::ExpeditedOverdue,
                step.message,
            )
        })
        .collect()
}

fn target_passed(f: &Facts) -> Vec<Deadline> {
    let report = f.report;
    if report.state != DeploymentStatus::Scheduled {
        return Vec::new();
    }
    vec![deadline(
        instant(&report.target),
        Kind::TargetPassed,
        format!(
            "Target {} has passed; the release is still scheduled",
            report.target.display
        ),
    )]
}

/// "CTO (pending), DBA (not recorded)".
fn roles_waiting<'a>(roles: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    roles
        .map(|(role, status)| match status {
            "missing" => format!("{role} (not recorded)"),
            status => format!("{role} ({status})"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn decision_overdue(f: &Facts) -> Vec<Deadline> {
    let report = f.report;
    let Some(due) = report.decision_due.as_ref().filter(|_| waiting(report)) else {
        return Vec::new();
    };
    let missing = roles_waiting(
        report
            .approvals
            .iter()
            .filter(|a| a.required && a.status != "approved")
            .map(|a| (a.role.as_str(), a.status)),
    );
    if missing.is_empty() {
        return Vec::new();
    }
    vec![deadline(
        instant(due),
        Kind::DecisionOverdue,
        format!(
            "The go/no-go decision was due {} and required approvals are missing: {missing}",
            due.display
        ),
    )]
}

fn phase_late(f: &Facts) -> Vec<Deadline> {
    if !waiting(f.report) {
        return Vec::new();
    }
    f.report
        .phases
        .iter()
        .filter(|p| !p.roles.is_empty() && p.roles.iter().any(|r| r.status != "approved"))
        .map(|p| {
            let waiting_for = roles_waiting(
                p.roles
                    .iter()
                    .filter(|r| r.status != "approved")
                    .map(|r| (r.role.as_str(), r.status)),
            );
            deadline(
                end_of(p.due, f.zone),
                Kind::PhaseLate,
                format!(
                    "Approval phase \u{201c}{}\u{201d} was due {} and is not signed off: {waiting_for}",
                    p.name, p.due_display
                ),
            )
        })
        .collect()
}

fn evidence_stale(f: &Facts) -> Vec<Deadline> {
    if !waiting(f.report) {
        return Vec::new();
    }
    let target = instant(&f.report.target);
    let mut out = Vec::new();
    for category in &f.report.categories {
        for item in category.groups.iter().flat_map(|g| &g.items) {
            let (Status::Done, Some(verified), Some(limit)) =
                (item.status, &item.verified, item.fresh_for)
            else {
                continue;
            };
            let from = freshness::stale_from(verified, limit, f.zone);
            // Evidence that goes stale only after go-live was fresh enough.
            if from.with_timezone(&Utc) > target {
                continue;
            }
            let since = Moment::new(from, verified.is_date_only()).display;
            out.push(deadline(
                from.with_timezone(&Utc),
                Kind::EvidenceStale,
                format!(
                    "Evidence for {} › {} is older than {} since {since} (verified {}); check it again before go-live",
                    category.title,
                    item.check,
                    freshness::describe(TimeDelta::seconds(limit.seconds)),
                    Moment::new(verified.instant(f.zone), verified.is_date_only()).display,
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
