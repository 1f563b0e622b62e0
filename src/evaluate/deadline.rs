//! The go/no-go decision deadline of a rescheduled release.
//!
//! A postponed release with `postponement.new_target` keeps the `decision_due` its
//! writer typed for the old date. A deadline at or before the old target belongs to
//! the old plan, so it moves with the release: it keeps its lead time, read the way
//! people read it, as "so many business days before go-live, at this time of day".
//! Tuesday 17:00 for a Thursday go-live stays Tuesday 17:00 when go-live moves two
//! weeks, and the wall-clock time stays 17:00 across a daylight-saving change.
//!
//! A deadline after the old target is taken as already written for the new plan
//! and kept as it is. There is no opt-out: a writer who wants another deadline for
//! the new date writes it (anything after the old target is kept). What cannot fit
//! the new date is an error (`Problem`), reported by validation at `decision_due`:
//! a deadline after the new target, or one whose recomputed time would fall after
//! the new target (a deadline on go-live day, or on the weekend just before it,
//! when the new target is earlier in the day).
//!
//! Business days are Monday to Friday, like the approval phases (`approval`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;

use super::approval::{is_business_day, previous_business_day};
use crate::content::release::{DeploymentStatus, Release};
use crate::content::time::{When, WhenValue};

/// The deadline that applies to a release.
#[derive(Debug, Clone, PartialEq)]
pub enum Deadline {
    /// As written (no deadline, not rescheduled, or already set for the new date).
    AsWritten(Option<When>),
    /// Moved with the release: the new deadline, and the one the writer typed.
    Moved { due: When, was: When },
}

/// Why the written deadline cannot fit the new date.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub help: String,
}

/// The decision deadline of `release` in `zone`; an error when the written one
/// cannot fit a new target. Pure: the same release gives the same answer.
pub fn decision_due(release: &Release, zone: Tz) -> Result<Deadline, Problem> {
    let written = release.decision_due.clone();
    let (Some(due), Some(new_target)) = (&written, rescheduled_to(release)) else {
        return Ok(Deadline::AsWritten(written));
    };
    let old = release.target.instant(zone);
    let new = new_target.instant(zone);
    let at = due.instant(zone);
    let show = |t: DateTime<Tz>| t.format("%a %-d %b %Y, %H:%M %Z").to_string();
    if at > old {
        if at > new {
            return Err(Problem {
                message: format!(
                    "the decision deadline ({}) is after the new go-live ({}) of this postponed release",
                    show(at),
                    show(new)
                ),
                help: format!(
                    "write a deadline before {}, or one at or before the old target ({}) to have golive move it with the release",
                    show(new),
                    show(old)
                ),
            });
        }
        return Ok(Deadline::AsWritten(written));
    }
    let days = business_days_between(at.date_naive(), old.date_naive());
    let day = (0..days).fold(new.date_naive(), |d, _| previous_business_day(d));
    let moved = match due.value {
        WhenValue::Date(_) => WhenValue::Date(day),
        _ => WhenValue::Local(NaiveDateTime::new(day, at.time())),
    };
    let moved = When {
        text: match moved {
            WhenValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            _ => format!("{} {}", day.format("%Y-%m-%d"), at.time().format("%H:%M")),
        },
        value: moved,
    };
    let moved_at = moved.instant(zone);
    if moved_at > new {
        return Err(Problem {
            message: format!(
                "the decision deadline ({}) moves with the postponement to {}, which is after the new go-live ({})",
                show(at),
                show(moved_at),
                show(new)
            ),
            help: format!(
                "write the deadline for the new date: a time before {}",
                show(new)
            ),
        });
    }
    Ok(Deadline::Moved {
        due: moved,
        was: due.clone(),
    })
}

/// `postponement.new_target`, when the release is postponed (the same rule as the
/// report's go-live date).
pub fn rescheduled_to(release: &Release) -> Option<&When> {
    let postponed = release
        .deployment
        .as_ref()
        .is_some_and(|d| d.status == DeploymentStatus::Postponed);
    release
        .postponement
        .as_ref()
        .and_then(|p| p.new_target.as_ref())
        .filter(|_| postponed)
}

/// Business days from `from` up to, not including, `to` (0 when `to` is not later).
fn business_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        if is_business_day(d) {
            n += 1;
        }
        d += TimeDelta::days(1);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(target: &str, due: &str, new_target: &str, status: &str) -> Release {
        serde_yaml::from_str(&format!(
            "product: A\nversion: 1.0.0\nchange_type: x\ntarget: {target}\nowner: a\n\
             decision_due: {due}\ndeployment: {{status: {status}}}\n\
             postponement: {{reasons: [{{issue: x, severity: high}}], new_target: {new_target}}}\n"
        ))
        .unwrap()
    }

    fn zone(name: &str) -> Tz {
        name.parse().unwrap()
    }

    fn moved(r: &Release, z: Tz) -> (String, String) {
        match decision_due(r, z).unwrap() {
            Deadline::Moved { due, was } => {
                (due.instant(z).to_rfc3339(), was.instant(z).to_rfc3339())
            }
            other => panic!("not moved: {other:?}"),
        }
    }

    #[test]
    fn a_deadline_of_the_old_plan_keeps_its_business_days_and_time_of_day() {
        // Thu 12 Nov go-live, decision Tue 10 Nov 17:00 -> Thu 26 Nov, Tue 24 Nov 17:00.
        let r = release(
            "2026-11-12 09:00",
            "2026-11-10 17:00",
            "2026-11-26 09:00",
            "postponed",
        );
        let z = zone("Asia/Kolkata");
        assert_eq!(
            moved(&r, z),
            (
                "2026-11-24T17:00:00+05:30".into(),
                "2026-11-10T17:00:00+05:30".into()
            )
        );
    }

    #[test]
    fn weekends_are_skipped_when_counting_back_from_the_new_target() {
        // Fri 13 Nov go-live, decision Wed 11 Nov (2 business days) -> Tue 17 Nov
        // go-live, decision Fri 13 Nov.
        let r = release(
            "2026-11-13 09:00",
            "2026-11-11",
            "2026-11-17 09:00",
            "postponed",
        );
        let (due, _) = moved(&r, zone("UTC"));
        assert_eq!(due, "2026-11-13T00:00:00+00:00");
        assert!(matches!(
            decision_due(&r, zone("UTC")).unwrap(),
            Deadline::Moved { due, .. } if due.is_date_only() && due.text == "2026-11-13"
        ));
    }

    #[test]
    fn the_wall_clock_time_is_kept_across_the_end_of_summer_time_in_london() {
        // Old plan in summer time (BST, +01:00), new plan after 25 Oct (GMT, +00:00).
        let z = zone("Europe/London");
        let r = release(
            "2026-10-22 09:00",
            "2026-10-20 17:00",
            "2026-10-29 09:00",
            "postponed",
        );
        assert_eq!(
            moved(&r, z),
            (
                "2026-10-27T17:00:00+00:00".into(),
                "2026-10-20T17:00:00+01:00".into()
            )
        );
    }

    #[test]
    fn the_wall_clock_time_is_kept_across_the_start_of_summer_time_in_london() {
        // Old plan in GMT, new plan after 29 Mar (BST): 17:00 stays 17:00, so the
        // instant is 23 hours, not 24, later per day.
        let z = zone("Europe/London");
        let r = release(
            "2026-03-26 09:00",
            "2026-03-24 17:00",
            "2026-04-02 09:00",
            "postponed",
        );
        assert_eq!(
            moved(&r, z),
            (
                "2026-03-31T17:00:00+01:00".into(),
                "2026-03-24T17:00:00+00:00".into()
            )
        );
    }

    #[test]
    fn a_deadline_already_set_for_the_new_date_or_a_release_not_postponed_is_kept() {
        let z = zone("UTC");
        let new_plan = release(
            "2026-11-12 09:00",
            "2026-11-20 12:00",
            "2026-11-26 09:00",
            "postponed",
        );
        assert!(matches!(
            decision_due(&new_plan, z),
            Ok(Deadline::AsWritten(Some(w))) if w.text == "2026-11-20 12:00"
        ));
        let scheduled = release(
            "2026-11-12 09:00",
            "2026-11-10 17:00",
            "2026-11-26 09:00",
            "scheduled",
        );
        assert!(matches!(
            decision_due(&scheduled, z),
            Ok(Deadline::AsWritten(Some(w))) if w.text == "2026-11-10 17:00"
        ));
    }

    #[test]
    fn a_deadline_after_the_new_target_is_a_problem() {
        let r = release(
            "2026-11-12 09:00",
            "2026-11-27 17:00",
            "2026-11-26 09:00",
            "postponed",
        );
        let p = decision_due(&r, zone("UTC")).unwrap_err();
        assert!(p.message.contains("after the new go-live"), "{}", p.message);
        assert!(p.help.contains("Thu 26 Nov 2026, 09:00"), "{}", p.help);
    }

    #[test]
    fn a_same_day_deadline_that_would_land_after_an_earlier_new_target_is_a_problem() {
        // Decision at 07:00 on go-live day (09:00); the new go-live is at 06:00.
        let r = release(
            "2026-11-12 09:00",
            "2026-11-12 07:00",
            "2026-11-26 06:00",
            "postponed",
        );
        let p = decision_due(&r, zone("UTC")).unwrap_err();
        assert!(
            p.message
                .contains("moves with the postponement to Thu 26 Nov 2026, 07:00"),
            "{}",
            p.message
        );
    }
}
