//! The expedited path of an emergency change (seed 001, "Expedited Approval"):
//! deploy on verbal approvals, write the full request up by one deadline
//! (`documented_by`), hold the post-implementation review by another
//! (`review_due`). golive knows a step happened when the release file says when
//! it did (`documented`, `reviewed`).
//!
//! `report` is what the approval page shows; `open_steps` gives the steps not
//! yet done with their deadlines, from which `warnings` makes the time-based
//! warning once a deadline has passed. Both are pure.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use super::Moment;
use crate::content::release::{Expedited, Release};
use crate::content::time::When;

/// The expedited path as it stands on `today`.
#[derive(Debug, Clone, Serialize)]
pub struct ExpeditedReport {
    /// The approval matrix's level for the change type, e.g. `Expedited`.
    pub level: Option<String>,
    /// The verbal approvals in the order given, with who gave them and when.
    pub verbal: Vec<Verbal>,
    /// Writing up the full deployment request.
    pub documentation: Deadline,
    /// The post-implementation review.
    pub review: Deadline,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verbal {
    pub role: String,
    pub who: String,
    pub at: Moment,
}

/// A step owed after an emergency deployment, and its deadline.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    pub due: Moment,
    /// When the step was done, if it was.
    pub done: Option<Moment>,
    /// done (by the deadline), done-late, open (deadline not passed on
    /// `today`), or overdue (not done, and the deadline's day is over).
    pub status: &'static str,
}

pub fn report(e: &Expedited, level: Option<String>, zone: Tz, today: NaiveDate) -> ExpeditedReport {
    let deadline = |due: &When, done: Option<&When>| {
        let due_at = due.instant(zone);
        let status = match done.map(|d| d.instant(zone)) {
            Some(at) if at <= due_at => "done",
            Some(_) => "done-late",
            None if today > due_at.date_naive() => "overdue",
            None => "open",
        };
        Deadline {
            due: Moment::of(due, zone),
            done: done.map(|d| Moment::of(d, zone)),
            status,
        }
    };
    ExpeditedReport {
        level,
        verbal: e
            .verbal
            .iter()
            .map(|v| Verbal {
                role: v.role.clone(),
                who: v.who.clone(),
                at: Moment::of(&v.at, zone),
            })
            .collect(),
        documentation: deadline(&e.documented_by, e.documented.as_ref()),
        review: deadline(&e.review_due, e.reviewed.as_ref()),
    }
}

/// A deadline of the expedited path that has passed with its step not done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    /// `documentation` or `review`.
    pub deadline: &'static str,
    pub due: Moment,
    /// A sentence for people, e.g. "The post-implementation review was due by
    /// Sat 5 Dec 2026, 09:00 IST and has not been recorded (expedited.reviewed)".
    pub message: String,
}

/// The steps of `release`'s expedited path not yet recorded as done, with the
/// sentence each will warn with once its deadline has passed, whatever the time:
/// the warnings (and the build cache) need every deadline in advance.
pub fn open_steps(release: &Release, zone: Tz) -> Vec<Missed> {
    let Some(e) = &release.expedited else {
        return Vec::new();
    };
    [
        (
            "documentation",
            "The full deployment request of this emergency change",
            &e.documented_by,
            e.documented.as_ref(),
            "expedited.documented",
        ),
        (
            "review",
            "The post-implementation review of this emergency change",
            &e.review_due,
            e.reviewed.as_ref(),
            "expedited.reviewed",
        ),
    ]
    .into_iter()
    .filter(|(_, _, _, done, _)| done.is_none())
    .map(|(deadline, what, due, _, key)| {
        let due = Moment::of(due, zone);
        Missed {
            deadline,
            message: format!(
                "{what} was due by {} and is not recorded as done (set `{key}` when it is)",
                due.display
            ),
            due,
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    /// The deadlines of `release`'s expedited path that have passed at `now` with
    /// the step not recorded as done. Empty for a release without `expedited`. A
    /// deadline is missed only once `now` is past it, not at the very instant.
    fn missed(release: &Release, zone: Tz, now: DateTime<Tz>) -> Vec<Missed> {
        open_steps(release, zone)
            .into_iter()
            .filter(|m| now.timestamp() > m.due.unix)
            .collect()
    }
    use chrono::TimeZone;

    const ZONE: Tz = chrono_tz::Asia::Kolkata;

    fn release(expedited: &str) -> Release {
        serde_yaml::from_str(&format!(
            "product: A\nversion: 1.0.0\nchange_type: emergency\ntarget: 2026-12-04 09:00\nowner: a\nexpedited: {expedited}\n"
        ))
        .unwrap()
    }

    fn at(s: &str) -> DateTime<Tz> {
        ZONE.from_local_datetime(&s.parse().unwrap()).unwrap()
    }

    const OPEN: &str = "{verbal: [{role: CTO, who: cto, at: 2026-12-04 08:40}], documented_by: 2026-12-04 11:00, review_due: 2026-12-05 09:00}";

    fn deadlines(r: &Release, now: &str) -> Vec<&'static str> {
        missed(r, ZONE, at(now))
            .iter()
            .map(|m| m.deadline)
            .collect()
    }

    #[test]
    fn nothing_is_missed_before_the_documentation_deadline_nor_at_it() {
        let r = release(OPEN);
        assert!(deadlines(&r, "2026-12-04T10:59:00").is_empty());
        assert!(deadlines(&r, "2026-12-04T11:00:00").is_empty());
    }

    #[test]
    fn the_documentation_deadline_is_missed_just_after_it() {
        let r = release(OPEN);
        let got = missed(&r, ZONE, at("2026-12-04T11:01:00"));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].deadline, "documentation");
        assert_eq!(
            got[0].message,
            "The full deployment request of this emergency change was due by Fri 4 Dec 2026, 11:00 IST and is not recorded as done (set `expedited.documented` when it is)"
        );
    }

    #[test]
    fn the_review_deadline_is_missed_only_after_it() {
        let r = release(OPEN);
        assert_eq!(deadlines(&r, "2026-12-05T08:59:00"), ["documentation"]);
        assert_eq!(
            deadlines(&r, "2026-12-05T09:01:00"),
            ["documentation", "review"]
        );
    }

    #[test]
    fn a_step_recorded_as_done_is_never_missed_even_when_done_late() {
        let r = release(
            "{documented_by: 2026-12-04 11:00, review_due: 2026-12-05 09:00, documented: 2026-12-04 12:30, reviewed: 2026-12-05 08:00}",
        );
        assert!(deadlines(&r, "2026-12-09T09:00:00").is_empty());
        let page = report(
            r.expedited.as_ref().unwrap(),
            None,
            ZONE,
            "2026-12-09".parse().unwrap(),
        );
        assert_eq!(page.documentation.status, "done-late");
        assert_eq!(page.review.status, "done");
    }

    #[test]
    fn a_deadline_across_a_daylight_saving_change_is_judged_in_the_new_offset() {
        // Berlin moves to summer time (UTC+2) at 02:00 on Sun 28 Mar 2027; the
        // review is due at 11:00 summer time, which is 09:00 UTC, not 10:00.
        let berlin = chrono_tz::Europe::Berlin;
        let r = release(
            "{documented_by: 2027-03-27 18:00, documented: 2027-03-27 17:00, review_due: 2027-03-28 11:00}",
        );
        let utc = |s: &str| {
            s.parse::<DateTime<chrono::Utc>>()
                .unwrap()
                .with_timezone(&berlin)
        };
        assert!(missed(&r, berlin, utc("2027-03-28T08:59:00Z")).is_empty());
        let got = missed(&r, berlin, utc("2027-03-28T09:01:00Z"));
        assert_eq!(
            got.iter().map(|m| m.deadline).collect::<Vec<_>>(),
            ["review"]
        );
        assert!(
            got[0].message.contains("Sun 28 Mar 2027, 11:00 CEST"),
            "{}",
            got[0].message
        );
    }

    #[test]
    fn a_release_without_the_expedited_path_misses_nothing() {
        let r: Release = serde_yaml::from_str(
            "product: A\nversion: 1.0.0\nchange_type: x\ntarget: 2026-12-04 09:00\nowner: a\n",
        )
        .unwrap();
        assert!(missed(&r, ZONE, at("2030-01-01T00:00:00")).is_empty());
    }

    #[test]
    fn the_page_calls_a_deadline_overdue_only_once_its_day_is_over() {
        let r = release(OPEN);
        let e = r.expedited.as_ref().unwrap();
        let on = |d: &str| report(e, Some("Expedited".into()), ZONE, d.parse().unwrap());
        assert_eq!(on("2026-12-04").documentation.status, "open");
        assert_eq!(on("2026-12-05").documentation.status, "overdue");
        assert_eq!(on("2026-12-05").review.status, "open");
        assert_eq!(on("2026-12-06").review.status, "overdue");
        let page = on("2026-12-04");
        assert_eq!(page.verbal.len(), 1);
        assert_eq!(page.verbal[0].at.display, "Fri 4 Dec 2026, 08:40 IST");
    }
}
