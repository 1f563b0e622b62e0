//! The approvals of a release and the phases of its approval process.
//!
//! Phases are counted back from go-live in business days (Monday to Friday;
//! public holidays are not known to golive). The last phase is due on the last
//! business day before the go-live date; each earlier phase is due on the
//! business day before the next one starts. A phase is done when every role it
//! lists that the release's change type requires has approved; it is late when
//! it is not done and its due date has passed.
//!
//! Approvals keep their integrity here: a decision given after its phase's due
//! date is late by so many business days; under four-eyes (the site's default)
//! the release owner's own approval does not count; approvals the matrix does
//! not ask for are listed but never counted toward "N of M approved".

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use super::Moment;
use crate::config::site::ApprovalPhase;
use crate::content::release::{ApprovalStatus, PersonRef, Release};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseReport {
    pub name: String,
    pub business_days: u32,
    /// ISO dates.
    pub starts: NaiveDate,
    pub due: NaiveDate,
    /// `Mon 30 Nov 2026`.
    pub starts_display: String,
    pub due_display: String,
    /// The phase's roles that this release needs, with their approval status.
    pub roles: Vec<PhaseRole>,
    /// What the phase's reviewers check (site.yaml's `approval_phases[].checks`).
    pub checks: Vec<String>,
    /// done, rejected (a role refused), late, in-progress, upcoming, or
    /// not-required (no role needed here).
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseRole {
    pub role: String,
    /// approved, pending, rejected, self-approved (not counted) or missing.
    pub status: &'static str,
    /// Given after the phase's due date, by this many business days.
    pub late_by: Option<u32>,
}

/// A role whose approval is required or was given.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalReport {
    pub role: String,
    /// Whether the approval matrix asks for this role.
    pub required: bool,
    /// approved, pending, rejected, missing (no entry yet), or self-approved:
    /// approved by the release owner, which four-eyes does not count.
    pub status: &'static str,
    pub who: Option<String>,
    pub at: Option<Moment>,
    pub note: Option<String>,
    /// Given verbally on the expedited path (`expedited.verbal`).
    pub verbal: bool,
    /// Counts toward "N of M approved": required, approved, not by the owner.
    pub counted: bool,
    /// Why an approval that was given does not count, in a sentence.
    pub not_counted: Option<String>,
    /// Still awaited: required, and neither counted nor rejected.
    pub waiting: bool,
    /// Decided after its phase's due date.
    pub late: Option<Late>,
}

/// An approval (or rejection) given after its phase's SLA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Late {
    pub business_days: u32,
    pub phase: String,
    pub due: NaiveDate,
    /// `late by 2 business days (Technical review was due Tue 9 Mar 2027)`.
    pub text: String,
}

/// "N of M approved": only roles the matrix requires, only approvals that count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ApprovalCount {
    /// Required roles whose approval counts.
    pub approved: usize,
    pub required: usize,
    /// Refusals, from any role.
    pub rejected: usize,
    /// Required roles neither counted nor rejected: pending, missing, or
    /// approved by the owner.
    pub waiting: usize,
}

/// The start and due day of each configured phase, in order.
pub fn schedule(configured: &[ApprovalPhase], go_live: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut due = previous_business_day(go_live);
    let mut out = Vec::with_capacity(configured.len());
    for phase in configured.iter().rev() {
        let starts = (1..phase.business_days.max(1)).fold(due, |d, _| previous_business_day(d));
        out.push((starts, due));
        due = previous_business_day(starts);
    }
    out.reverse();
    out
}

/// What `approvals` needs to know besides the release.
pub struct Rules<'a> {
    pub required: &'a [String],
    pub zone: Tz,
    /// The release owner's own approval does not count.
    pub four_eyes: bool,
    /// The configured phases with their (start, due) days; empty on the
    /// expedited path, which has no phases.
    pub phases: &'a [ApprovalPhase],
    pub schedule: &'a [(NaiveDate, NaiveDate)],
}

/// Required roles first, in the matrix's order, then any other approvals given.
/// Verbal approvals (`expedited.verbal`) count as approvals of their roles.
pub fn approvals(release: &Release, rules: &Rules) -> Vec<ApprovalReport> {
    let given = given(release, rules);
    let mut out: Vec<ApprovalReport> = rules
        .required
        .iter()
        .map(
            |role| match given.iter().find(|a| a.role.eq_ignore_ascii_case(role)) {
                Some(a) => ApprovalReport {
                    role: role.clone(),
                    required: true,
                    counted: a.status == "approved",
                    ..a.clone()
                },
                None => ApprovalReport {
                    role: role.clone(),
                    required: true,
                    status: "missing",
                    who: None,
                    at: None,
                    note: None,
                    verbal: false,
                    counted: false,
                    not_counted: None,
                    waiting: false,
                    late: None,
                },
            },
        )
        .collect();
    for a in given {
        if !rules
            .required
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&a.role))
        {
            let not_counted = a.not_counted.clone().or_else(|| {
                (a.status == "approved").then(|| {
                    format!(
                        "change type `{}` does not require {}: not counted",
                        release.change_type, a.role
                    )
                })
            });
            out.push(ApprovalReport { not_counted, ..a });
        }
    }
    for a in &mut out {
        a.waiting = a.required && !a.counted && a.status != "rejected";
    }
    out
}

/// Every approval entry of the file, written or verbal, judged on its own.
fn given(release: &Release, rules: &Rules) -> Vec<ApprovalReport> {
    let owner = match &release.owner {
        PersonRef::Key(key) => Some(key.as_str()),
        PersonRef::Inline(_) => None,
    };
    let by_owner = |who: Option<&str>| rules.four_eyes && owner.is_some() && who == owner;
    let written = release.approvals.iter().map(|a| {
        let at = a.at.as_ref().map(|w| w.instant(rules.zone));
        let self_approved = a.status == ApprovalStatus::Approved && by_owner(a.who.as_deref());
        ApprovalReport {
            role: a.role.clone(),
            required: false,
            status: match a.status {
                _ if self_approved => "self-approved",
                ApprovalStatus::Approved => "approved",
                ApprovalStatus::Pending => "pending",
                ApprovalStatus::Rejected => "rejected",
            },
            who: a.who.clone(),
            at: a.at.as_ref().map(|w| Moment::of(w, rules.zone)),
            note: a.note.clone(),
            verbal: false,
            counted: false,
            not_counted: self_approved.then(owner_sentence),
            waiting: false,
            late: match (a.status, at) {
                (ApprovalStatus::Pending, _) | (_, None) => None,
                (_, Some(at)) => late(&a.role, at.date_naive(), rules),
            },
        }
    });
    let verbal = release.expedited.iter().flat_map(|e| &e.verbal).map(|v| {
        let self_approved = by_owner(Some(&v.who));
        ApprovalReport {
            role: v.role.clone(),
            required: false,
            status: if self_approved {
                "self-approved"
            } else {
                "approved"
            },
            who: Some(v.who.clone()),
            at: Some(Moment::of(&v.at, rules.zone)),
            note: Some("verbal approval".into()),
            verbal: true,
            counted: false,
            not_counted: self_approved.then(owner_sentence),
            waiting: false,
            late: None,
        }
    });
    written.chain(verbal).collect()
}

fn owner_sentence() -> String {
    "the release owner cannot approve their own release (four-eyes): not counted".into()
}

/// How late a decision taken on `on` is for the first phase that lists `role`.
fn late(role: &str, on: NaiveDate, rules: &Rules) -> Option<Late> {
    let (i, phase) = rules
        .phases
        .iter()
        .enumerate()
        .find(|(_, p)| p.roles.iter().any(|r| r.eq_ignore_ascii_case(role)))?;
    let (_, due) = *rules.schedule.get(i)?;
    let business_days = business_days_late(due, on)?;
    Some(Late {
        business_days,
        phase: phase.name.clone(),
        due,
        text: format!(
            "late by {business_days} business day{} ({} was due {})",
            if business_days == 1 { "" } else { "s" },
            phase.name,
            due.format("%a %-d %b %Y")
        ),
    })
}

/// Business days from `due` to `on`, or `None` when `on` is not after `due`. A
/// decision on a weekend counts as taken on the Monday after.
pub fn business_days_late(due: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on <= due {
        return None;
    }
    let mut day = due;
    let mut count = 0;
    while day < on {
        day = next_business_day(day);
        count += 1;
    }
    Some(count)
}

/// "N of M approved" of a list made by `approvals`.
pub fn count(approvals: &[ApprovalReport]) -> ApprovalCount {
    ApprovalCount {
        approved: approvals.iter().filter(|a| a.counted).count(),
        required: approvals.iter().filter(|a| a.required).count(),
        rejected: approvals.iter().filter(|a| a.status == "rejected").count(),
        waiting: approvals.iter().filter(|a| a.waiting).count(),
    }
}

/// The phases for a release going live on `go_live`, as they stand on `today`.
pub fn phases(
    approvals: &[ApprovalReport],
    configured: &[ApprovalPhase],
    schedule: &[(NaiveDate, NaiveDate)],
    today: NaiveDate,
) -> Vec<PhaseReport> {
    configured
        .iter()
        .zip(schedule)
        .map(|(phase, &(starts, due))| {
            let roles: Vec<PhaseRole> = phase
                .roles
                .iter()
                .filter_map(|role| {
                    let a = approvals
                        .iter()
                        .find(|a| a.required && a.role.eq_ignore_ascii_case(role))?;
                    Some(PhaseRole {
                        role: role.clone(),
                        status: a.status,
                        late_by: a.late.as_ref().map(|l| l.business_days),
                    })
                })
                .collect();
            let status = if roles.is_empty() {
                "not-required"
            } else if roles.iter().all(|r| r.status == "approved") {
                "done"
            } else if roles.iter().any(|r| r.status == "rejected") {
                "rejected"
            } else if today > due {
                "late"
            } else if today >= starts {
                "in-progress"
            } else {
                "upcoming"
            };
            PhaseReport {
                name: phase.name.clone(),
                business_days: phase.business_days.max(1),
                starts,
                due,
                starts_display: super::day_text(starts),
                due_display: super::day_text(due),
                roles,
                checks: phase.checks.clone(),
                status,
            }
        })
        .collect()
}

/// Monday to Friday; public holidays are not known to golive.
pub(super) fn is_business_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

pub(super) fn previous_business_day(day: NaiveDate) -> NaiveDate {
    let mut d = day - TimeDelta::days(1);
    while !is_business_day(d) {
        d -= TimeDelta::days(1);
    }
    d
}

fn next_business_day(day: NaiveDate) -> NaiveDate {
    let mut d = day + TimeDelta::days(1);
    while !is_business_day(d) {
        d += TimeDelta::days(1);
    }
    d
}

#[cfg(test)]
mod tests;
