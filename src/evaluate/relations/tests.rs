//! Each relation with its boundaries: windows that touch or overlap by a
//! minute, the first, last and next day of a freeze, business hours to the
//! minute, and dependencies that hold or defer.

use super::*;
use crate::evaluate::testing;
use crate::evaluate::verdict::Rule;

const SITE: &str = "
title: T
timezone: Asia/Kolkata
readiness: {go_threshold: 80}
approval_matrix:
  security-patch: [CTO]
  emergency: {roles: [CTO], level: Expedited}
freezes: [{from: 2026-12-20, to: 2027-01-04, reason: Year-end freeze}]
business_hours: {days: Mon-Fri, from: \"09:00\", to: \"18:00\"}
";

/// A GO release `version` going live at `target` for `duration`, with
/// `extra` YAML lines.
fn release(version: &str, target: &str, duration: &str, extra: &str) -> String {
    format!(
        "
product: Acme ERP
version: {version}
change_type: security-patch
target: {target}
window: {{duration: {duration}}}
owner: priya
readiness:
  - category: Security
    items:
      - {{check: RLS tested, status: done, critical: true}}
approvals:
  - {{role: CTO, who: dana, status: approved}}
{extra}
"
    )
}

/// Evaluates and relates the releases, each given as YAML; their reports.
fn relate_all(site_yaml: &str, releases: &[String]) -> Vec<Report> {
    let site = testing::site(site_yaml);
    let loaded: Vec<LoadedRelease> = releases.iter().map(|y| testing::loaded(y)).collect();
    let mut reports: Vec<Report> = loaded
        .iter()
        .map(|l| {
            crate::evaluate::evaluate(
                l,
                &site,
                &Default::default(),
                &Default::default(),
                "2026-11-21".parse().unwrap(),
            )
        })
        .collect();
    for r in &reports {
        assert_eq!(r.verdict, Verdict::Go, "{:?}", r.reasons);
    }
    relate_reports(&mut reports, &loaded, &site, &Default::default());
    reports
}

fn kinds(r: &Report) -> Vec<CollisionKind> {
    r.collisions.iter().map(|c| c.kind).collect()
}

#[test]
fn touching_windows_do_not_overlap_one_minute_more_does() {
    let a = release("1.0.0", "2026-12-01 10:00", "60m", "");
    let touching = release("1.1.0", "2026-12-01 11:00", "60m", "");
    let r = relate_all(SITE, &[a.clone(), touching]);
    assert!(!kinds(&r[0]).contains(&CollisionKind::Overlap), "{r:?}");

    let overlapping = release("1.1.0", "2026-12-01 10:59", "60m", "");
    let r = relate_all(SITE, &[a, overlapping]);
    assert_eq!(
        r[0].collisions
            .iter()
            .filter(|c| c.kind == CollisionKind::Overlap)
            .count(),
        1
    );
    let c = r[1]
        .collisions
        .iter()
        .find(|c| c.kind == CollisionKind::Overlap)
        .unwrap();
    assert_eq!(c.others, vec!["acme-erp-1.0.0"]);
    assert!(!c.blocks);
    assert!(c.message.contains("Acme ERP 1.0.0"), "{}", c.message);
    // A warning: the verdict stays GO.
    assert_eq!(r[0].verdict, Verdict::Go);
}

#[test]
fn the_same_person_on_the_same_day_is_a_warning_on_both() {
    let a = release("1.0.0", "2026-12-01 10:00", "30m", "");
    let b = release("1.1.0", "2026-12-01 15:00", "30m", "");
    let r = relate_all(SITE, &[a.clone(), b]);
    // priya owns both and dana approves both.
    let same: Vec<&Collision> = r[1]
        .collisions
        .iter()
        .filter(|c| c.kind == CollisionKind::SamePerson)
        .collect();
    assert_eq!(same.len(), 2, "{same:?}");
    assert!(same[0].message.contains("priya"), "{}", same[0].message);
    assert!(same[0].message.contains("Acme ERP 1.0.0"));
    assert!(same[1].message.contains("CTO approver"));
    assert_eq!(r[0].verdict, Verdict::Go);

    let next_day = release("1.1.0", "2026-12-02 10:00", "30m", "");
    let r = relate_all(SITE, &[a, next_day]);
    assert!(r[0].collisions.is_empty(), "{:?}", r[0].collisions);
}

#[test]
fn a_freeze_blocks_from_its_first_to_its_last_day() {
    for (day, inside) in [
        ("2026-12-19 23:00", false),
        ("2026-12-20 09:00", true),
        ("2027-01-04 17:00", true),
        ("2027-01-05 09:00", false),
    ] {
        let r = relate_all(SITE, &[release("1.0.0", day, "30m", "")]);
        let frozen = r[0]
            .collisions
            .iter()
            .any(|c| c.kind == CollisionKind::Freeze);
        assert_eq!(frozen, inside, "{day}: {:?}", r[0].collisions);
        if inside {
            assert_eq!(r[0].verdict, Verdict::NoGo);
            let reason = &r[0].reasons[0];
            assert_eq!(reason.rule, Rule::ChangeFreeze);
            assert_eq!(
                reason.message,
                "Goes live inside the Year-end freeze (Sun 20 Dec 2026 – Mon 4 Jan 2027): move the go-live or file it as an emergency change"
            );
        } else {
            assert_eq!(r[0].verdict, Verdict::Go);
        }
    }
    // A window that starts before the freeze and runs into its first day touches it.
    let r = relate_all(SITE, &[release("1.0.0", "2026-12-19 23:30", "60m", "")]);
    assert_eq!(r[0].verdict, Verdict::NoGo);
}

#[test]
fn an_emergency_inside_a_freeze_is_allowed() {
    let mut emergency = release("1.0.0", "2026-12-22 10:00", "30m", "");
    emergency = emergency.replace("change_type: security-patch", "change_type: emergency");
    let r = relate_all(SITE, &[emergency]);
    assert_eq!(r[0].verdict, Verdict::Go);
    let c = &r[0].collisions[0];
    assert_eq!(c.kind, CollisionKind::Freeze);
    assert!(!c.blocks);
    assert!(
        c.message.ends_with("allowed as an emergency change"),
        "{}",
        c.message
    );
}

#[test]
fn business_hours_end_at_their_last_minute() {
    let check = |target: &str, duration: &str| {
        let r = relate_all(SITE, &[release("1.0.0", target, duration, "")]);
        r[0].collisions
            .iter()
            .find(|c| c.kind == CollisionKind::OutsideHours)
            .map(|c| c.message.clone())
    };
    // Tue 1 Dec 2026.
    assert_eq!(check("2026-12-01 17:00", "60m"), None);
    assert_eq!(check("2026-12-01 09:00", "60m"), None);
    let late = check("2026-12-01 17:01", "60m").unwrap();
    assert!(late.ends_with("ends at 18:01 IST, after 18:00"), "{late}");
    let early = check("2026-12-01 08:59", "30m").unwrap();
    assert!(
        early.ends_with("starts at 08:59 IST, before 09:00"),
        "{early}"
    );
    // Sat 5 Dec 2026.
    let weekend = check("2026-12-05 10:00", "30m").unwrap();
    assert!(
        weekend.ends_with("Saturday is not a business day"),
        "{weekend}"
    );
    let overnight = check("2026-12-01 17:00", "8h").unwrap();
    assert!(overnight.contains("ends on another day"), "{overnight}");
}

#[test]
fn history_has_no_collisions_and_keeps_its_verdict() {
    let deployed = release(
        "1.0.0",
        "2026-12-22 10:00",
        "30m",
        "deployment: {status: deployed}",
    );
    let r = relate_all(SITE, &[deployed]);
    assert!(r[0].collisions.is_empty());
    assert_eq!(r[0].verdict, Verdict::Go);
}

fn depends(version: &str, target: &str, on: &str, extra: &str) -> String {
    release(
        version,
        target,
        "30m",
        &format!("depends_on: [{on}]\n{extra}"),
    )
}

#[test]
fn a_dependency_that_is_go_and_earlier_holds() {
    let base = release("1.0.0", "2026-12-01 10:00", "30m", "");
    let dependent = depends("1.1.0", "2026-12-02 10:00", "acme-erp-1.0.0", "");
    let r = relate_all(SITE, &[base, dependent]);
    assert_eq!(r[1].verdict, Verdict::Go);
    assert!(r[1].dependencies[0].holds);
    assert_eq!(r[1].dependencies[0].label, "Acme ERP 1.0.0");
}

#[test]
fn a_later_dependency_defers() {
    let base = release("1.0.0", "2026-12-04 09:00", "30m", "");
    let dependent = depends("1.1.0", "2026-12-02 10:00", "acme-erp-1.0.0", "");
    let r = relate_all(SITE, &[base, dependent]);
    assert_eq!(r[1].verdict, Verdict::GoPending);
    assert_eq!(
        r[1].reasons[0].message,
        "Waits for Acme ERP 1.0.0, which goes live later, Fri 4 Dec 2026, 09:00 IST, after this release"
    );
    assert_eq!(r[1].reasons[0].rule, Rule::DependencyNotReady);
    assert!(!r[1].dependencies[0].holds);
}

#[test]
fn a_no_go_dependency_defers_and_a_no_go_dependent_stays_no_go() {
    // Inside the freeze: NO-GO.
    let frozen = release("1.0.0", "2026-12-21 10:00", "30m", "");
    let dependent = depends("1.1.0", "2027-01-06 10:00", "acme-erp-1.0.0", "");
    let frozen_too = depends("1.2.0", "2026-12-23 10:00", "acme-erp-1.0.0", "");
    let r = relate_all(SITE, &[frozen, dependent, frozen_too]);
    assert_eq!(r[0].verdict, Verdict::NoGo);
    assert_eq!(r[1].verdict, Verdict::GoPending);
    assert_eq!(
        r[1].reasons[0].message,
        "Waits for Acme ERP 1.0.0, which is NO-GO"
    );
    assert_eq!(r[2].verdict, Verdict::NoGo);
    assert_eq!(r[2].reasons.len(), 2, "{:?}", r[2].reasons);
    assert!(r[2].reasons[1].message.starts_with("Waits for"));
}

#[test]
fn a_deployed_dependency_holds_even_when_it_went_live_later() {
    let base = release(
        "1.0.0",
        "2026-12-04 09:00",
        "30m",
        "deployment: {status: deployed}",
    );
    let dependent = depends("1.1.0", "2026-12-02 10:00", "acme-erp-1.0.0", "");
    let r = relate_all(SITE, &[base, dependent]);
    assert_eq!(r[1].verdict, Verdict::Go);
}

#[test]
fn a_rolled_back_dependency_does_not_hold() {
    let base = release(
        "1.0.0",
        "2026-11-04 09:00",
        "30m",
        "deployment: {status: rolled-back}",
    );
    let dependent = depends("1.1.0", "2026-12-02 10:00", "acme-erp-1.0.0", "");
    let r = relate_all(SITE, &[base, dependent]);
    assert_eq!(r[1].verdict, Verdict::GoPending);
    assert!(r[1].reasons[0].message.ends_with("which was rolled back"));
}

#[test]
fn a_chain_of_three_settles_in_dependency_order() {
    // c waits for b, which waits for a, which goes live after b: b is
    // deferred, so c is too, although b goes live before c.
    let a = release("1.0.0", "2026-12-08 10:00", "30m", "");
    let b = depends("1.1.0", "2026-12-07 10:00", "acme-erp-1.0.0", "");
    let c = depends("1.2.0", "2026-12-09 10:00", "acme-erp-1.1.0", "");
    // Listed dependents first: the order of the files does not matter.
    let r = relate_all(SITE, &[c, b, a]);
    assert_eq!(r[2].verdict, Verdict::Go);
    assert_eq!(r[1].verdict, Verdict::GoPending);
    assert_eq!(r[0].verdict, Verdict::GoPending);
    assert_eq!(
        r[0].reasons[0].message,
        "Waits for Acme ERP 1.1.0, which is GO-PENDING"
    );
    let chain: Vec<(usize, &str, &str, bool)> = r[0]
        .dependency_chain
        .iter()
        .map(|l| {
            (
                l.depth,
                l.dependent.as_str(),
                l.dependency.slug.as_str(),
                l.dependency.holds,
            )
        })
        .collect();
    assert_eq!(
        chain,
        vec![
            (1, "acme-erp-1.2.0", "acme-erp-1.1.0", false),
            (2, "acme-erp-1.1.0", "acme-erp-1.0.0", false),
        ]
    );
}

#[test]
fn a_cycle_does_not_hold_and_does_not_hang() {
    let a = depends("1.0.0", "2026-12-01 10:00", "acme-erp-1.1.0", "");
    let b = depends("1.1.0", "2026-12-02 10:00", "acme-erp-1.0.0", "");
    let r = relate_all(SITE, &[a, b]);
    assert!(r.iter().all(|r| r.verdict == Verdict::GoPending));
    assert!(r.iter().all(|r| r.dependency_chain.len() == 2));
}

#[test]
fn many_releases_in_one_window_list_the_first_few_and_count_the_rest() {
    let releases: Vec<String> = (0..MAX_LISTED + 5)
        .map(|i| release(&format!("1.{i}.0"), "2026-12-01 10:00", "60m", ""))
        .collect();
    let r = relate_all(SITE, &releases);
    for report in &r {
        let overlaps: Vec<&Collision> = report
            .collisions
            .iter()
            .filter(|c| c.kind == CollisionKind::Overlap)
            .collect();
        assert_eq!(overlaps.len(), MAX_LISTED + 1, "{overlaps:?}");
        assert_eq!(
            overlaps.last().unwrap().message,
            "… and 4 more releases overlap its window"
        );
    }
}

#[test]
fn the_order_the_releases_come_in_does_not_change_their_collisions() {
    let releases: Vec<String> = (0..6)
        .map(|i| {
            release(
                &format!("1.{i}.0"),
                &format!("2026-12-01 1{i}:00"),
                "150m",
                "",
            )
        })
        .collect();
    let forward = relate_all(SITE, &releases);
    let mut reversed_input = releases.clone();
    reversed_input.reverse();
    let mut backward = relate_all(SITE, &reversed_input);
    backward.reverse();
    for (f, b) in forward.iter().zip(&backward) {
        assert_eq!(f.slug, b.slug);
        assert_eq!(f.collisions, b.collisions, "{}", f.slug);
    }
    // 1.2.0 (12:00-14:30) overlaps 1.0.0, 1.1.0, 1.3.0 and 1.4.0.
    let others: Vec<&str> = forward[2]
        .collisions
        .iter()
        .filter(|c| c.kind == CollisionKind::Overlap)
        .map(|c| c.others[0].as_str())
        .collect();
    assert_eq!(
        others,
        [
            "acme-erp-1.0.0",
            "acme-erp-1.1.0",
            "acme-erp-1.3.0",
            "acme-erp-1.4.0"
        ]
    );
}

#[test]
fn a_long_chain_is_listed_up_to_its_limit() {
    let chain = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                if i == 0 {
                    release("1.0.0", "2026-12-01 10:00", "30m", "")
                } else {
                    depends(
                        &format!("1.{i}.0"),
                        "2026-12-01 10:00",
                        &format!("acme-erp-1.{}.0", i - 1),
                        "",
                    )
                }
            })
            .collect()
    };
    // Exactly the limit: all listed, nothing more to say.
    let r = relate_all(SITE, &chain(MAX_CHAIN + 1));
    let top = r.last().unwrap();
    assert_eq!(top.dependency_chain.len(), MAX_CHAIN);
    assert!(top.dependency_chain.iter().all(|l| !l.more));
    // One more: cut, and the last link says so.
    let r = relate_all(SITE, &chain(MAX_CHAIN + 2));
    let top = r.last().unwrap();
    assert_eq!(top.dependency_chain.len(), MAX_CHAIN);
    assert!(top.dependency_chain.last().unwrap().more);
    assert!(
        top.dependency_chain[..MAX_CHAIN - 1]
            .iter()
            .all(|l| !l.more)
    );
}
