//! Each kind of warning: absent the moment before its deadline, present the
//! moment after, including deadlines on the far side of a daylight-saving change.
//! And the verdict does not move with the clock.

use super::Kind;
use crate::evaluate::testing::{checklists, loaded, site, utc};
use crate::evaluate::{Report, evaluate_at};

/// London leaves summer time at 01:00 UTC on Sunday 25 October 2026.
const SITE: &str = "
title: T
timezone: Europe/London
readiness: {go_threshold: 80, fresh_for: 7d}
approval_matrix:
  standard: [CTO, DBA]
approval_phases:
  - {name: Technical review, business_days: 2, roles: [DBA]}
  - {name: Executive approval, business_days: 1, roles: [CTO]}
";

/// Go-live Tuesday 27 October, after the change; the decision is due the day
/// before. DBA has not approved: the technical review (due Fri 23 Oct) is open.
const RELEASE: &str = "
product: Ledger
version: 1.0.0
change_type: standard
target: 2026-10-27 09:00
decision_due: 2026-10-26 09:00
owner: ana
readiness:
  - category: Quality
    items:
      - {check: Load test, status: done, verified: 2026-10-20}
      - {check: Smoke tests, status: done}
approvals:
  - {role: CTO, status: approved}
";

fn at(release: &str, now: &str) -> Report {
    evaluate_at(&loaded(release), &site(SITE), &checklists(&[]), utc(now))
}

fn kinds(r: &Report) -> Vec<Kind> {
    r.warnings.iter().map(|w| w.kind).collect()
}

fn message(r: &Report, kind: Kind) -> String {
    r.warnings
        .iter()
        .find(|w| w.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {:?}", r.warnings))
        .message
        .clone()
}

#[test]
fn nothing_is_overdue_before_the_first_deadline() {
    // Friday 23 Oct, 23:59:59 BST: the technical review is due today, not late yet.
    assert_eq!(kinds(&at(RELEASE, "2026-10-23T22:59:59Z")), []);
}

#[test]
fn a_phase_is_late_once_its_due_day_is_over() {
    let r = at(RELEASE, "2026-10-23T23:00:01Z");
    assert_eq!(kinds(&r), [Kind::PhaseLate]);
    assert_eq!(
        message(&r, Kind::PhaseLate),
        "Approval phase \u{201c}Technical review\u{201d} was due Fri 23 Oct 2026 and is not signed off: DBA (not recorded)"
    );
    // The executive approval (CTO) is signed off: no warning for it, ever.
    let later = at(RELEASE, "2026-10-26T12:00:00Z");
    assert_eq!(
        later
            .warnings
            .iter()
            .filter(|w| w.kind == Kind::PhaseLate)
            .count(),
        1
    );
}

#[test]
fn the_decision_deadline_after_the_clocks_go_back_is_judged_in_winter_time() {
    // 09:00 GMT on Mon 26 Oct is 09:00 UTC; in summer time it would be 08:00 UTC.
    let before = at(RELEASE, "2026-10-26T08:59:59Z");
    assert!(
        !kinds(&before).contains(&Kind::DecisionOverdue),
        "{before:?}"
    );
    let after = at(RELEASE, "2026-10-26T09:00:01Z");
    assert_eq!(
        message(&after, Kind::DecisionOverdue),
        "The go/no-go decision was due Mon 26 Oct 2026, 09:00 GMT and required approvals are missing: DBA (not recorded)"
    );
}

#[test]
fn no_decision_warning_once_every_required_role_approved() {
    let approved = RELEASE.replace(
        "  - {role: CTO, status: approved}",
        "  - {role: CTO, status: approved}\n  - {role: DBA, status: approved}",
    );
    assert_eq!(kinds(&at(&approved, "2026-10-26T12:00:00Z")), []);
    let pending = RELEASE.replace(
        "  - {role: CTO, status: approved}",
        "  - {role: CTO, status: approved}\n  - {role: DBA, status: pending}",
    );
    assert!(
        message(&at(&pending, "2026-10-26T12:00:00Z"), Kind::DecisionOverdue)
            .ends_with("DBA (pending)")
    );
}

#[test]
fn the_target_passes_while_still_scheduled() {
    let before = at(RELEASE, "2026-10-27T08:59:59Z");
    assert!(!kinds(&before).contains(&Kind::TargetPassed));
    let after = at(RELEASE, "2026-10-27T09:00:01Z");
    assert_eq!(
        kinds(&after),
        [Kind::PhaseLate, Kind::DecisionOverdue, Kind::TargetPassed],
        "soonest deadline first"
    );
    assert_eq!(
        message(&after, Kind::TargetPassed),
        "Target Tue 27 Oct 2026, 09:00 GMT has passed; the release is still scheduled"
    );
}

#[test]
fn a_release_that_went_ahead_has_no_warnings() {
    for status in ["in-progress", "deployed", "rolled-back"] {
        let r = at(
            &format!("{RELEASE}deployment: {{status: {status}}}\n"),
            "2026-11-30T12:00:00Z",
        );
        assert_eq!(kinds(&r), [], "{status}");
    }
}

#[test]
fn a_postponed_release_is_warned_about_its_moved_deadline_but_not_its_old_target_or_deadline() {
    let postponed = format!(
        "{RELEASE}deployment: {{status: postponed}}\npostponement:\n  reasons: [{{issue: Flaky migration, severity: high}}]\n  new_target: 2026-11-10 09:00\n"
    );
    // The old deadline (Mon 26 Oct) moved with the go-live to Mon 9 Nov 09:00.
    let r = at(&postponed, "2026-10-28T12:00:00Z");
    assert!(!kinds(&r).contains(&Kind::TargetPassed), "{r:?}");
    assert!(!kinds(&r).contains(&Kind::DecisionOverdue), "{r:?}");
    let r = at(&postponed, "2026-11-09T09:00:01Z");
    assert!(!kinds(&r).contains(&Kind::TargetPassed), "{r:?}");
    assert!(kinds(&r).contains(&Kind::DecisionOverdue), "{r:?}");
}

#[test]
fn evidence_goes_stale_on_the_day_after_its_limit() {
    // Verified Mon 12 Oct, 7 days: fresh through Mon 19 Oct, stale from Tue 20 Oct
    // (BST), and stale at go-live, so the verdict defers too.
    let old = RELEASE.replace("verified: 2026-10-20", "verified: 2026-10-12");
    let before = at(&old, "2026-10-19T22:59:59Z");
    assert!(!kinds(&before).contains(&Kind::EvidenceStale), "{before:?}");
    let after = at(&old, "2026-10-19T23:00:01Z");
    assert_eq!(
        message(&after, Kind::EvidenceStale),
        "Evidence for Quality › Load test is older than 7 days since Tue 20 Oct 2026 (verified 2026-10-12); check it again before go-live"
    );
    assert!(
        after
            .reasons
            .iter()
            .any(|r| r.message.starts_with("Evidence will be 15 days old"))
    );
}

#[test]
fn evidence_that_is_fresh_at_go_live_gives_no_warning_even_after_go_live() {
    // Verified Tue 20 Oct: 7 days old at go-live on Tue 27 Oct, stale only after it.
    let r = at(RELEASE, "2026-10-29T12:00:00Z");
    assert!(!kinds(&r).contains(&Kind::EvidenceStale), "{r:?}");
}

#[test]
fn the_verdict_and_its_reasons_do_not_depend_on_the_clock() {
    let early = at(RELEASE, "2026-01-01T00:00:00Z");
    let late = at(RELEASE, "2027-06-01T00:00:00Z");
    assert_eq!(early.verdict, late.verdict);
    assert_eq!(early.reasons, late.reasons);
    assert!(early.warnings.is_empty());
    assert!(!late.warnings.is_empty());
}

#[test]
fn every_deadline_is_known_whatever_the_time() {
    // The build cache keeps pages until the next deadline: the list must not
    // depend on when it is asked for.
    let a = at(RELEASE, "2026-01-01T00:00:00Z").deadlines;
    let b = at(RELEASE, "2027-06-01T00:00:00Z").deadlines;
    assert_eq!(a, b);
    assert_eq!(
        a,
        [
            utc("2026-10-23T23:00:00Z"),
            utc("2026-10-26T09:00:00Z"),
            utc("2026-10-27T09:00:00Z"),
        ]
    );
}

#[test]
fn an_emergency_change_is_warned_once_its_documentation_or_review_is_overdue() {
    // Deployed on verbal approvals Sat 24 Oct (BST); written up by 11:00 BST the
    // same day; reviewed by Mon 26 Oct 09:00, after the change to GMT.
    let emergency = format!(
        "{RELEASE}deployment: {{status: deployed}}\nexpedited:\n  verbal: [{{role: CTO, who: cto, at: 2026-10-24 08:40}}]\n  documented_by: 2026-10-24 11:00\n  review_due: 2026-10-26 09:00\n"
    );
    let overdue = |now| -> Vec<Kind> {
        kinds(&at(&emergency, now))
            .into_iter()
            .filter(|k| *k == Kind::ExpeditedOverdue)
            .collect()
    };
    assert_eq!(overdue("2026-10-24T10:00:00Z"), [], "11:00 BST, not past it");
    assert_eq!(overdue("2026-10-24T10:00:01Z").len(), 1);
    assert_eq!(overdue("2026-10-26T09:00:00Z").len(), 1, "09:00 GMT, not past it");
    assert_eq!(overdue("2026-10-26T09:00:01Z").len(), 2);
    let r = at(&emergency, "2026-10-26T09:00:01Z");
    assert!(
        message(&r, Kind::ExpeditedOverdue).contains("Sat 24 Oct 2026, 11:00 BST"),
        "{:?}",
        r.warnings
    );
    let done = emergency.replace(
        "  review_due:",
        "  documented: 2026-10-24 10:30\n  reviewed: 2026-10-26 08:00\n  review_due:",
    );
    assert_eq!(kinds(&at(&done, "2026-10-30T12:00:00Z")), []);
}
