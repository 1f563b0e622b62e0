//! Reasons are read aloud in the go/no-go meeting: they name people and groups
//! as people.yaml names them, and write dates the way the pages do.

use super::testing::{checklists, loaded, site};
use super::*;
use chrono::TimeZone;

const SITE: &str = "
title: T
timezone: Asia/Kolkata
four_eyes: true
approval_matrix:
  database-schema: [DBA, CTO]
";

const PEOPLE: &str = "
people:
  kenji: {name: Kenji Watanabe}
  priya: {name: Priya Sharma}
groups:
  dba-team: {name: DBA team, members: [kenji]}
";

fn reasons(release: &str) -> Vec<String> {
    let people: People = serde_yaml::from_str(PEOPLE).unwrap();
    evaluate(
        &loaded(release),
        &site(SITE),
        &checklists(&[]),
        &people,
        "2026-11-21".parse().unwrap(),
    )
    .reasons
    .into_iter()
    .map(|r| r.message)
    .collect()
}

fn release(extra: &str) -> String {
    format!(
        "product: P\nversion: 1.0.0\nchange_type: database-schema\ntarget: 2026-12-04 09:00\nowner: priya\nreadiness:\n  - category: C\n    items:\n      - {{check: Backup, status: done}}\n{extra}"
    )
}

#[test]
fn a_rejection_names_the_person_not_the_key() {
    let found = reasons(&release(
        "approvals:\n  - {role: DBA, who: kenji, status: rejected}\n  - {role: CTO, status: approved}\n",
    ));
    assert!(
        found.contains(&"Approval rejected by DBA (Kenji Watanabe)".to_string()),
        "{found:?}"
    );
    assert!(!found.iter().any(|r| r.contains("(kenji)")), "{found:?}");
}

#[test]
fn the_owner_approving_their_own_release_is_named() {
    let found = reasons(&release(
        "approvals:\n  - {role: DBA, who: priya, status: approved}\n  - {role: CTO, status: approved}\n",
    ));
    assert!(
        found.contains(
            &"Approval by the release owner does not count (four-eyes): DBA (Priya Sharma)"
                .to_string()
        ),
        "{found:?}"
    );
}

#[test]
fn reasons_write_dates_as_the_pages_do() {
    let found = reasons(&release(
        "      - {check: Migration rehearsed, status: pending, critical: true, due: 2026-12-02}\n      - {check: Restore tested, status: pending, critical: true, due: 2026-12-07 18:00}\nblockers:\n  - {title: Lock budget, status: open, owner: dba-team, eta: 2026-12-03}\n  - {title: HSM ceremony, status: open, eta: 2026-12-09}\napprovals:\n  - {role: DBA, who: kenji, status: approved}\n  - {role: CTO, status: approved}\n",
    ));
    for expected in [
        "Critical item pending (due Wed 2 Dec 2026, before go-live): C › Migration rehearsed",
        "Critical item pending, due Mon 7 Dec 2026, 18:00 IST, after go-live: C › Restore tested",
        "Open blocker, expected resolved by Thu 3 Dec 2026 (before go-live): Lock budget",
        "Open blocker, ETA Wed 9 Dec 2026 is after go-live: HSM ceremony",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected}\nin {found:?}"
        );
    }
    assert!(
        !found.iter().any(|r| r.contains("2026-12-")),
        "an ISO date in {found:?}"
    );
}

#[test]
fn one_failed_check_is_singular_and_two_are_plural() {
    let one = reasons(&release(
        "approvals:\n  - {role: DBA, who: kenji, status: approved}\n  - {role: CTO, status: approved}\nverification: {passed: 3, failed: 1}\n",
    ));
    assert!(
        one.contains(&"Verification: 1 check failed".to_string()),
        "{one:?}"
    );
    let two = reasons(&release(
        "approvals:\n  - {role: DBA, who: kenji, status: approved}\n  - {role: CTO, status: approved}\nverification: {passed: 3, failed: 2}\n",
    ));
    assert!(
        two.contains(&"Verification: 2 checks failed".to_string()),
        "{two:?}"
    );
}

#[test]
fn a_moment_gives_utc_beside_its_zone_for_emails() {
    let at = chrono_tz::Asia::Kolkata
        .with_ymd_and_hms(2026, 12, 4, 9, 0, 0)
        .unwrap();
    assert_eq!(
        Moment::new(at, false).with_utc(),
        "Fri 4 Dec 2026, 09:00 IST (03:30 UTC)"
    );
    // The UTC day is named when it is not the local one.
    let early = chrono_tz::Asia::Kolkata
        .with_ymd_and_hms(2026, 12, 4, 3, 0, 0)
        .unwrap();
    assert_eq!(
        Moment::new(early, false).with_utc(),
        "Fri 4 Dec 2026, 03:00 IST (Thu 3 Dec 2026, 21:30 UTC)"
    );
    // A day has no time to convert; a time in UTC needs no second form.
    assert_eq!(Moment::new(at, true).with_utc(), "Fri 4 Dec 2026");
    let utc = chrono_tz::UTC
        .with_ymd_and_hms(2026, 12, 4, 9, 0, 0)
        .unwrap();
    assert_eq!(
        Moment::new(utc, false).with_utc(),
        "Fri 4 Dec 2026, 09:00 UTC"
    );
}
