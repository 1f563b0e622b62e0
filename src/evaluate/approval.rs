//! The approval phases of a deployment request, counted back from go-live in
//! business days (Monday to Friday; public holidays are not known to golive).
//!
//! The last phase is due on the last business day before the go-live date; each
//! earlier phase is due on the business day before the next one starts. A phase
//! is done when every role it lists that the release's change type requires has
//! approved; it is late when it is not done and its due date has passed.

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use serde::Serialize;

use crate::config::site::ApprovalPhase;
use crate::content::release::{ApprovalStatus, Release};

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
    /// done, rejected (a role refused), late, in-progress, upcoming, or
    /// not-required (no role needed here).
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseRole {
    pub role: String,
    /// approved, pending, rejected or missing.
    pub status: &'static str,
}

/// The phases for a release going live on `go_live`, as they stand on `today`.
pub fn phases(
    release: &Release,
    configured: &[ApprovalPhase],
    required_roles: &[String],
    go_live: NaiveDate,
    today: NaiveDate,
) -> Vec<PhaseReport> {
    let mut due = previous_business_day(go_live);
    let mut out: Vec<PhaseReport> = Vec::with_capacity(configured.len());
    for phase in configured.iter().rev() {
        let length = phase.business_days.max(1);
        let starts = (1..length).fold(due, |d, _| previous_business_day(d));
        let roles: Vec<PhaseRole> = phase
            .roles
            .iter()
            .filter(|r| required_roles.iter().any(|q| q.eq_ignore_ascii_case(r)))
            .map(|role| PhaseRole {
                role: role.clone(),
                status: release
                    .approvals
                    .iter()
                    .find(|a| a.role.eq_ignore_ascii_case(role))
                    .map_or("missing", |a| match a.status {
                        ApprovalStatus::Approved => "approved",
                        ApprovalStatus::Pending => "pending",
                        ApprovalStatus::Rejected => "rejected",
                    }),
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
        out.push(PhaseReport {
            name: phase.name.clone(),
            business_days: length,
            starts,
            due,
            starts_display: starts.format("%a %-d %b %Y").to_string(),
            due_display: due.format("%a %-d %b %Y").to_string(),
            roles,
            status,
        });
        due = previous_business_day(starts);
    }
    out.reverse();
    out
}

fn previous_business_day(day: NaiveDate) -> NaiveDate {
    let mut d = day - TimeDelta::days(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d -= TimeDelta::days(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(name: &str, days: u32, roles: &[&str]) -> ApprovalPhase {
        ApprovalPhase {
            name: name.into(),
            business_days: days,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn release(approvals: &str) -> Release {
        serde_yaml::from_str(&format!(
            "product: A\nversion: 1.0.0\nchange_type: x\ntarget: 2026-12-07 09:00\nowner: a\napprovals: {approvals}\n"
        ))
        .unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn phases_are_counted_back_in_business_days_skipping_weekends() {
        // Go-live Monday 7 Dec: the last phase is due Friday 4 Dec.
        let configured = [
            phase("Technical review", 2, &["CTO"]),
            phase("Executive approval", 1, &["VP"]),
        ];
        let p = phases(
            &release("[]"),
            &configured,
            &["CTO".into(), "VP".into()],
            date("2026-12-07"),
            date("2026-11-01"),
        );
        assert_eq!(
            (p[1].starts, p[1].due),
            (date("2026-12-04"), date("2026-12-04"))
        );
        assert_eq!(
            (p[0].starts, p[0].due),
            (date("2026-12-02"), date("2026-12-03"))
        );
        assert_eq!(p[0].due_display, "Thu 3 Dec 2026");
        assert!(p.iter().all(|x| x.status == "upcoming"));
    }

    #[test]
    fn a_phase_is_late_done_in_progress_or_not_required() {
        let configured = [
            phase("Technical review", 2, &["CTO", "DBA"]),
            phase("Staging", 1, &["QA Lead"]),
            phase("Executive", 1, &["VP"]),
        ];
        let required = ["CTO".to_string(), "DBA".to_string(), "VP".to_string()];
        let r = release(
            "[{role: cto, status: approved}, {role: DBA, status: pending}, {role: VP, status: approved}]",
        );
        let p = phases(
            &r,
            &configured,
            &required,
            date("2026-12-07"),
            date("2026-12-04"),
        );
        assert_eq!(
            p[0].status, "late",
            "due Wed 2 Dec, DBA still pending on Fri 4 Dec"
        );
        assert_eq!(
            p[0].roles.iter().map(|r| r.status).collect::<Vec<_>>(),
            ["approved", "pending"]
        );
        assert_eq!(
            p[1].status, "not-required",
            "QA Lead is not required for this change type"
        );
        assert_eq!(p[2].status, "done");
        let early = phases(
            &r,
            &configured,
            &required,
            date("2026-12-07"),
            date("2026-12-01"),
        );
        assert_eq!(early[0].status, "in-progress");
    }
}
