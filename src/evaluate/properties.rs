//! Properties of the verdict that must hold for every release, not only for the
//! hand-picked ones in `tests.rs`: progress never makes a release look worse,
//! and timeline times survive a round trip across daylight-saving changes.
//!
//! Releases are generated as YAML values and parsed through the real
//! `Release` type, so what is tested is what a writer's file would give.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_yaml::{Mapping, Value};

use super::*;
use crate::content::checklist::Checklist;
use crate::content::release::Release;
use crate::content::time::When;

const STATUSES: [&str; 5] = ["done", "in-progress", "pending", "blocked", "n/a"];
const ROLES: [&str; 4] = ["CTO", "Security Officer", "QA Lead", "DBA"];
/// Go-live of the generated releases; item dates fall on either side of it.
const TARGET: &str = "2026-12-04 09:00";

/// The checklist a generated release may `use:`, with three items.
fn checklists() -> BTreeMap<String, Checklist> {
    let list: Checklist = serde_yaml::from_str(
        "
title: Deploy
sections:
  - id: review
    title: Review
    items:
      - {id: code, check: Code reviewed, critical: true}
      - {id: docs, check: Docs updated}
      - {id: perf, check: Performance reviewed, weight: 2}
",
    )
    .unwrap();
    BTreeMap::from([("deploy".to_string(), list)])
}

const CHECKLIST_ITEMS: [&str; 3] = ["review.code", "review.docs", "review.perf"];

fn site(threshold: f64, critical: bool, approvals: bool) -> SiteConfig {
    serde_yaml::from_str(&format!(
        "
title: T
timezone: Europe/Berlin
readiness: {{go_threshold: {threshold}, require_critical: {critical}, require_approvals: {approvals}}}
approval_matrix:
  security-patch: [CTO, Security Officer]
  database-schema: [DBA, CTO, QA Lead]
"
    ))
    .unwrap()
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

/// A date `days` from go-live, as a writer would type it.
fn day(days: i64) -> String {
    let target = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    (target + chrono::TimeDelta::days(days)).to_string()
}

prop_compose! {
    fn item()(
        status in 0..STATUSES.len(),
        critical in any::<bool>(),
        weight in prop::option::of(prop::sample::select(vec![0.1, 1.0, 2.5, 7.0, 1000.0])),
        due in prop::option::of(-6i64..6),
    ) -> Value {
        let mut m = Mapping::new();
        m.insert("check".into(), "Item".into());
        m.insert("status".into(), STATUSES[status].into());
        m.insert("critical".into(), critical.into());
        if let Some(w) = weight {
            m.insert("weight".into(), w.into());
        }
        if let Some(d) = due {
            m.insert("due".into(), day(d).into());
        }
        Value::Mapping(m)
    }
}

prop_compose! {
    fn category()(
        weight in prop::option::of(prop::sample::select(vec![0.5, 1.0, 2.0, 3.5])),
        items in prop::collection::vec(item(), 0..6),
    ) -> Value {
        let mut m = Mapping::new();
        m.insert("category".into(), "Category".into());
        if let Some(w) = weight {
            m.insert("weight".into(), w.into());
        }
        m.insert("items".into(), Value::Sequence(items));
        Value::Mapping(m)
    }
}

prop_compose! {
    fn checklist_use()(statuses in prop::collection::vec(prop::option::of(0..STATUSES.len()), 3)) -> Value {
        let mut status = Mapping::new();
        for (id, s) in CHECKLIST_ITEMS.iter().zip(statuses) {
            if let Some(s) = s {
                status.insert((*id).into(), STATUSES[s].into());
            }
        }
        let mut m = Mapping::new();
        m.insert("use".into(), "deploy".into());
        m.insert("status".into(), Value::Mapping(status));
        Value::Mapping(m)
    }
}

prop_compose! {
    fn approval()(role in 0..ROLES.len(), status in 0..3usize) -> Value {
        yaml(&format!(
            "{{role: {}, status: {}}}",
            ROLES[role],
            ["approved", "pending", "rejected"][status]
        ))
    }
}

prop_compose! {
    fn blocker()(resolved in any::<bool>(), eta in prop::option::of(-3i64..3)) -> Value {
        let eta = eta.map(|d| format!(", eta: {}", day(d))).unwrap_or_default();
        let status = if resolved { "resolved" } else { "open" };
        yaml(&format!("{{title: B, status: {status}{eta}}}"))
    }
}

prop_compose! {
    fn risk()(severity in 0..4usize, mitigated in any::<bool>()) -> Value {
        let severity = ["low", "medium", "high", "critical"][severity];
        let mitigation = if mitigated { ", mitigation: Plan B" } else { "" };
        yaml(&format!("{{title: R, severity: {severity}{mitigation}}}"))
    }
}

/// A release with every input the verdict reads, in any combination.
fn release() -> impl Strategy<Value = Mapping> {
    (
        prop::collection::vec(category(), 0..4),
        prop::option::of(checklist_use()),
        prop::collection::vec(approval(), 0..5),
        prop::collection::vec(blocker(), 0..3),
        prop::collection::vec(risk(), 0..3),
        prop::option::of(0u32..3),
        any::<bool>(),
    )
        .prop_map(
            |(categories, used, approvals, blockers, risks, failed, schema)| {
                let mut readiness = categories;
                readiness.extend(used);
                let mut m = Mapping::new();
                m.insert("product".into(), "Acme ERP".into());
                m.insert("version".into(), "2.0.0".into());
                let change_type = if schema {
                    "database-schema"
                } else {
                    "security-patch"
                };
                m.insert("change_type".into(), change_type.into());
                m.insert("target".into(), TARGET.into());
                m.insert("owner".into(), "priya".into());
                m.insert("readiness".into(), Value::Sequence(readiness));
                m.insert("approvals".into(), Value::Sequence(approvals));
                m.insert("blockers".into(), Value::Sequence(blockers));
                m.insert("risks".into(), Value::Sequence(risks));
                if let Some(failed) = failed {
                    m.insert(
                        "verification".into(),
                        yaml(&format!("{{passed: 10, failed: {failed}}}")),
                    );
                }
                m
            },
        )
}

fn policy() -> impl Strategy<Value = SiteConfig> {
    (0.0..=100.0f64, any::<bool>(), any::<bool>())
        .prop_map(|(t, c, a)| site((t * 10.0).round() / 10.0, c, a))
}

fn evaluate_yaml(release: &Mapping, site: &SiteConfig) -> Report {
    let release: Release = serde_yaml::from_value(Value::Mapping(release.clone())).unwrap();
    let loaded = LoadedRelease {
        slug: crate::content::slug_of(&release),
        path: "r.yaml".into(),
        release: std::sync::Arc::new(release),
        depends: Vec::new(),
    };
    evaluate(
        &loaded,
        site,
        &checklists(),
        &Default::default(),
        "2026-11-21".parse().unwrap(),
    )
}

/// Worse verdicts rank higher.
fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Go => 0,
        Verdict::GoPending => 1,
        Verdict::NoGo => 2,
    }
}

/// Every place an item's status lives in `release`: (readiness entry, item
/// index or checklist item id).
fn item_places(release: &Mapping) -> Vec<(usize, Result<usize, &'static str>)> {
    let readiness = release["readiness"].as_sequence().unwrap();
    readiness
        .iter()
        .enumerate()
        .flat_map(|(i, entry)| match entry.get("items") {
            Some(items) => (0..items.as_sequence().unwrap().len())
                .map(|n| (i, Ok(n)))
                .collect::<Vec<_>>(),
            None => CHECKLIST_ITEMS.iter().map(|id| (i, Err(*id))).collect(),
        })
        .collect()
}

fn mark_done(release: &mut Mapping, (entry, place): (usize, Result<usize, &'static str>)) {
    let entry = &mut release
        .get_mut("readiness")
        .unwrap()
        .as_sequence_mut()
        .unwrap()[entry];
    match place {
        Ok(n) => {
            entry["items"][n]
                .as_mapping_mut()
                .unwrap()
                .insert("status".into(), "done".into());
        }
        Err(id) => {
            entry["status"]
                .as_mapping_mut()
                .unwrap()
                .insert(id.into(), "done".into());
        }
    }
}

/// Scores compare as numbers; "nothing to score" is below any score.
fn not_lower(after: Option<f64>, before: Option<f64>) -> bool {
    match (after, before) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => a >= b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Marking any one item done never lowers a score (overall, per category,
    /// per group) and never makes the verdict worse.
    #[test]
    fn marking_an_item_done_never_makes_it_worse(
        release in release(),
        site in policy(),
        pick in any::<prop::sample::Index>(),
    ) {
        let places = item_places(&release);
        prop_assume!(!places.is_empty());
        let place = places[pick.index(places.len())];
        let before = evaluate_yaml(&release, &site);
        let mut edited = release.clone();
        mark_done(&mut edited, place);
        let after = evaluate_yaml(&edited, &site);

        prop_assert!(
            not_lower(after.score, before.score),
            "overall score fell from {:?} to {:?}", before.score, after.score
        );
        for (b, a) in before.categories.iter().zip(&after.categories) {
            prop_assert!(not_lower(a.score, b.score), "category score fell: {:?} -> {:?}", b.score, a.score);
            for (bg, ag) in b.groups.iter().zip(&a.groups) {
                prop_assert!(not_lower(ag.score, bg.score), "group score fell");
            }
        }
        prop_assert!(
            rank(after.verdict) <= rank(before.verdict),
            "verdict went from {:?} to {:?}\nbefore: {:#?}\nafter: {:#?}",
            before.verdict, after.verdict, before.reasons, after.reasons
        );
        prop_assert!(after.reasons.len() <= before.reasons.len());
    }

    /// Adding an approval (given, or at least recorded as pending) never makes
    /// the verdict worse; neither does turning a pending one into approved.
    #[test]
    fn adding_an_approval_never_makes_it_worse(
        release in release(),
        site in policy(),
        role in 0..ROLES.len(),
        approved in any::<bool>(),
    ) {
        let before = evaluate_yaml(&release, &site);
        let status = if approved { "approved" } else { "pending" };
        let mut added = release.clone();
        added
            .get_mut("approvals")
            .unwrap()
            .as_sequence_mut()
            .unwrap()
            .push(yaml(&format!("{{role: {}, status: {status}}}", ROLES[role])));
        let after = evaluate_yaml(&added, &site);
        prop_assert!(
            rank(after.verdict) <= rank(before.verdict),
            "adding {status} {} took the verdict from {:?} to {:?}",
            ROLES[role], before.verdict, after.verdict
        );

        let mut given = release.clone();
        for a in given.get_mut("approvals").unwrap().as_sequence_mut().unwrap() {
            if a["status"] == "pending" {
                a.as_mapping_mut().unwrap().insert("status".into(), "approved".into());
            }
        }
        let after = evaluate_yaml(&given, &site);
        prop_assert!(rank(after.verdict) <= rank(before.verdict));
    }

    /// Every timeline step lands exactly its offset of elapsed time from
    /// go-live, whatever daylight-saving change lies between, and its
    /// published time (`iso`) reads back as the same instant.
    #[test]
    fn timeline_times_round_trip_across_dst(
        zone in prop::sample::select(vec![
            "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
            "America/Santiago", "Asia/Kolkata", "Pacific/Chatham",
        ]),
        day in prop::sample::select(vec![
            // Around the 2026 and 2027 transitions of those zones.
            "2026-03-08", "2026-03-29", "2026-04-05", "2026-09-06", "2026-09-27",
            "2026-10-04", "2026-10-25", "2026-11-01", "2027-03-14", "2027-03-28",
        ]),
        day_shift in -2i64..=2,
        minute_of_day in 0u32..(24 * 60),
        offsets in prop::collection::vec(-(96 * 60i64)..=(96 * 60), 1..8),
    ) {
        let tz: Tz = zone.parse().unwrap();
        let date = day.parse::<chrono::NaiveDate>().unwrap() + chrono::TimeDelta::days(day_shift);
        let target_text = format!("{date} {:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
        let target_when: When = target_text.parse().unwrap();
        // A wall-clock time the zone skips is refused at load; nothing to test.
        prop_assume!(target_when.resolve(tz).is_ok());
        let target = target_when.resolve(tz).unwrap();

        let mut release = release_with_timeline(&target_text, zone, &offsets);
        release.insert("readiness".into(), yaml("[{category: C, items: [{check: x, status: done}]}]"));
        let report = evaluate_yaml(&release, &site(85.0, true, true));
        prop_assert_eq!(report.timeline.len(), offsets.len());
        for entry in &report.timeline {
            let expected = target + chrono::TimeDelta::seconds(entry.offset.seconds);
            prop_assert_eq!(entry.at.unix, expected.timestamp());
            let back: When = entry.at.iso.parse().unwrap();
            prop_assert_eq!(back.resolve(tz).unwrap(), expected);
            prop_assert_eq!((back.resolve(tz).unwrap() - target).num_seconds(), entry.offset.seconds);
        }
        let mut seconds: Vec<i64> = offsets.iter().map(|m| m * 60).collect();
        seconds.sort();
        let listed: Vec<i64> = report.timeline.iter().map(|t| t.offset.seconds).collect();
        prop_assert_eq!(listed, seconds, "steps in offset order");
    }
}

/// A minimal release with go-live `target` in `zone` and one timeline step
/// per offset (in minutes).
fn release_with_timeline(target: &str, zone: &str, offsets: &[i64]) -> Mapping {
    let steps: Vec<Value> = offsets
        .iter()
        .map(|minutes| {
            let sign = if *minutes < 0 { '-' } else { '+' };
            let m = minutes.abs();
            let at = format!("T{sign}{}h{}m", m / 60, m % 60);
            yaml(&format!("{{at: \"{at}\", activity: step}}"))
        })
        .collect();
    let mut m = Mapping::new();
    m.insert("product".into(), "Acme ERP".into());
    m.insert("version".into(), "2.0.0".into());
    m.insert("change_type".into(), "security-patch".into());
    m.insert("target".into(), target.into());
    m.insert("timezone".into(), zone.into());
    m.insert("owner".into(), "priya".into());
    m.insert("timeline".into(), Value::Sequence(steps));
    m
}
