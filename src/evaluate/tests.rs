//! One test per rule of scoring, the verdict and the timeline.

use std::collections::BTreeMap;

use super::*;
use crate::content::checklist::Checklist;
use crate::content::release::Release;

const SITE: &str = "
title: T
timezone: Asia/Kolkata
readiness: {go_threshold: 80}
approval_matrix:
  security-patch: [CTO, Security Officer]
";

/// A release that passes every rule; tests change one thing at a time.
const GOOD: &str = "
product: Acme ERP
version: 2.0.0
change_type: security-patch
target: 2026-12-04 09:00
owner: priya
readiness:
  - category: Security
    items:
      - {check: RLS tested, status: done, critical: true}
      - {check: Pen test, status: done}
approvals:
  - {role: CTO, status: approved}
  - {role: security officer, status: approved}
";

fn site(yaml: &str) -> SiteConfig {
    serde_yaml::from_str(yaml).unwrap()
}

fn checklists() -> BTreeMap<String, Checklist> {
    let list: Checklist = serde_yaml::from_str(
        "
title: Deploy
sections:
  - id: review
    title: Review
    items:
      - {id: code, check: Code reviewed, critical: true, owner: qa}
      - {id: docs, check: Docs updated}
      - {id: perf, check: Performance reviewed, weight: 2}
",
    )
    .unwrap();
    BTreeMap::from([("deploy".to_string(), list)])
}

/// Evaluates `GOOD` with `edit` applied to its parsed YAML.
fn eval_with(site_yaml: &str, edit: impl FnOnce(&mut serde_yaml::Mapping)) -> Report {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(GOOD).unwrap();
    edit(doc.as_mapping_mut().unwrap());
    let release: Release = serde_yaml::from_value(doc).unwrap();
    let loaded = LoadedRelease {
        slug: crate::content::slug_of(&release),
        path: "r.yaml".into(),
        release: std::sync::Arc::new(release),
        depends: Vec::new(),
    };
    evaluate(
        &loaded,
        &site(site_yaml),
        &checklists(),
        &Default::default(),
        "2026-11-21".parse().unwrap(),
    )
}

fn eval(edit: impl FnOnce(&mut serde_yaml::Mapping)) -> Report {
    eval_with(SITE, edit)
}

fn set(m: &mut serde_yaml::Mapping, key: &str, yaml: &str) {
    m.insert(key.into(), serde_yaml::from_str(yaml).unwrap());
}

fn rules(r: &Report) -> Vec<(Rule, bool)> {
    r.reasons.iter().map(|x| (x.rule, x.blocking)).collect()
}

fn items(yaml_items: &str) -> String {
    format!("[{{category: Security, items: {yaml_items}}}]")
}

#[test]
fn a_release_that_meets_every_rule_is_go() {
    let r = eval(|_| {});
    assert_eq!(r.verdict, Verdict::Go);
    assert!(r.reasons.is_empty());
    assert_eq!(r.score, Some(100.0));
    assert_eq!(r.state, DeploymentStatus::Scheduled);
    assert_eq!(r.slug, "acme-erp-2.0.0");
}

#[test]
fn category_score_is_the_weighted_share_done_excluding_na() {
    let r = eval(|m| {
        set(
            m,
            "readiness",
            &items(
                "[{check: a, status: done, weight: 3}, {check: b, status: pending}, {check: c, status: n/a, weight: 5}]",
            ),
        )
    });
    let c = &r.categories[0];
    assert_eq!(c.score, Some(75.0));
    assert_eq!(
        (c.tally.done, c.tally.pending, c.tally.not_applicable),
        (1, 1, 1)
    );
}

#[test]
fn overall_score_combines_categories_by_weight_and_skips_all_na_ones() {
    let r = eval(|m| {
        set(
            m,
            "readiness",
            "[{category: A, weight: 3, items: [{check: a, status: done}]},
              {category: B, weight: 1, items: [{check: b, status: pending}]},
              {category: C, weight: 9, items: [{check: c, status: n/a}]}]",
        )
    });
    assert_eq!(r.categories[2].score, None);
    assert_eq!(r.score, Some(75.0));
}

#[test]
fn nothing_to_score_is_no_go() {
    let r = eval(|m| set(m, "readiness", &items("[{check: a, status: n/a}]")));
    assert_eq!(r.verdict, Verdict::NoGo);
    assert_eq!(rules(&r), vec![(Rule::NothingToScore, true)]);
}

#[test]
fn score_below_threshold_is_no_go_and_at_threshold_is_not() {
    let four_of_five = "[{check: a, status: done}, {check: b, status: done}, {check: c, status: done}, {check: d, status: done}, {check: e, status: pending}]";
    let at = eval(|m| set(m, "readiness", &items(four_of_five)));
    assert_eq!(at.score, Some(80.0));
    assert_eq!(at.verdict, Verdict::Go);
    let below = eval_with(&SITE.replace("80", "81"), |m| {
        set(m, "readiness", &items(four_of_five))
    });
    assert_eq!(rules(&below), vec![(Rule::ScoreBelowThreshold, true)]);
    assert!(
        below.reasons[0]
            .message
            .contains("80%, below the 81% threshold")
    );
}

/// Ten done items and one critical item in the given state, so the score holds.
fn with_critical(state: &str) -> Report {
    let mut list: Vec<String> = (0..10)
        .map(|i| format!("{{check: x{i}, status: done}}"))
        .collect();
    list.push(format!("{{check: crit, critical: true, {state}}}"));
    eval(|m| set(m, "readiness", &items(&format!("[{}]", list.join(", ")))))
}

#[test]
fn critical_item_blocked_is_no_go() {
    let r = with_critical("status: blocked, due: 2026-12-01");
    assert_eq!(rules(&r), vec![(Rule::CriticalItemBlocked, true)]);
    assert_eq!(r.verdict, Verdict::NoGo);
    assert_eq!(r.critical_open, 1);
}

#[test]
fn critical_item_due_before_go_live_is_go_pending() {
    let r = with_critical("status: in-progress, due: 2026-12-03");
    assert_eq!(rules(&r), vec![(Rule::CriticalItemDueBeforeGoLive, false)]);
    assert_eq!(r.verdict, Verdict::GoPending);
    let same_day_before = with_critical("status: pending, due: 2026-12-04 08:00");
    assert_eq!(same_day_before.verdict, Verdict::GoPending);
}

#[test]
fn critical_item_undated_or_due_after_go_live_is_no_go() {
    assert_eq!(
        rules(&with_critical("status: in-progress")),
        vec![(Rule::CriticalItemNotDone, true)]
    );
    let late = with_critical("status: pending, due: 2026-12-04 10:00");
    assert_eq!(rules(&late), vec![(Rule::CriticalItemNotDone, true)]);
    assert!(late.reasons[0].message.contains("after go-live"));
}

#[test]
fn critical_item_na_counts_as_done_and_policy_can_switch_the_rule_off() {
    assert_eq!(with_critical("status: n/a").verdict, Verdict::Go);
    let off = SITE.replace(
        "{go_threshold: 80}",
        "{go_threshold: 80, require_critical: false}",
    );
    let r = eval_with(&off, |m| {
        set(
            m,
            "readiness",
            &items(
                "[{check: a, status: done}, {check: b, status: done}, {check: c, status: done}, {check: d, status: done}, {check: crit, critical: true, status: blocked}]",
            ),
        )
    });
    assert_eq!(r.verdict, Verdict::Go);
}

#[test]
fn missing_and_pending_approvals_are_go_pending() {
    let r = eval(|m| set(m, "approvals", "[{role: cto, status: pending}]"));
    assert_eq!(
        rules(&r),
        vec![
            (Rule::ApprovalPending, false),
            (Rule::ApprovalMissing, false)
        ]
    );
    assert_eq!(r.verdict, Verdict::GoPending);
    let statuses: Vec<&str> = r.approvals.iter().map(|a| a.status).collect();
    assert_eq!(statuses, ["pending", "missing"]);
}

#[test]
fn a_rejected_approval_is_no_go_even_from_a_role_not_required() {
    let r = eval(|m| {
        set(
            m,
            "approvals",
            "[{role: CTO, status: approved}, {role: Security Officer, status: approved}, {role: Legal, status: rejected, who: sam}]",
        )
    });
    assert_eq!(rules(&r), vec![(Rule::ApprovalRejected, true)]);
    assert!(r.reasons[0].message.contains("Legal (sam)"));
    assert!(!r.approvals[2].required);
}

#[test]
fn approvals_are_not_required_when_the_policy_says_so() {
    let off = SITE.replace(
        "{go_threshold: 80}",
        "{go_threshold: 80, require_approvals: false}",
    );
    let r = eval_with(&off, |m| set(m, "approvals", "[]"));
    assert_eq!(r.verdict, Verdict::Go);
}

#[test]
fn open_blockers_defer_only_when_due_before_go_live() {
    let before = eval(|m| {
        set(
            m,
            "blockers",
            "[{title: Migration, status: open, eta: 2026-12-03}]",
        )
    });
    assert_eq!(rules(&before), vec![(Rule::BlockerDueBeforeGoLive, false)]);
    assert!(before.blockers[0].before_go_live);
    let after = eval(|m| {
        set(
            m,
            "blockers",
            "[{title: Migration, status: in-progress, eta: 2026-12-05}]",
        )
    });
    assert_eq!(rules(&after), vec![(Rule::BlockerOpen, true)]);
    let undated = eval(|m| set(m, "blockers", "[{title: Migration, status: open}]"));
    assert_eq!(rules(&undated), vec![(Rule::BlockerOpen, true)]);
    let resolved = eval(|m| set(m, "blockers", "[{title: Migration, status: resolved}]"));
    assert_eq!(resolved.verdict, Verdict::Go);
    assert_eq!(resolved.open_blockers, 0);
}

#[test]
fn a_critical_risk_needs_a_mitigation() {
    let bare = eval(|m| set(m, "risks", "[{title: Data loss, severity: critical}]"));
    assert_eq!(rules(&bare), vec![(Rule::CriticalRiskUnmitigated, true)]);
    let mitigated = eval(|m| {
        set(
            m,
            "risks",
            "[{title: Data loss, severity: critical, mitigation: Backups}]",
        )
    });
    assert_eq!(mitigated.verdict, Verdict::Go);
    assert_eq!(mitigated.risk_level, Some(Severity::Critical));
    let high = eval(|m| set(m, "risks", "[{title: Slow, severity: high}]"));
    assert_eq!(high.verdict, Verdict::Go);
}

#[test]
fn failed_verification_is_no_go() {
    let r = eval(|m| set(m, "verification", "{passed: 18, failed: 1}"));
    assert_eq!(rules(&r), vec![(Rule::VerificationFailed, true)]);
    assert_eq!(
        eval(|m| set(m, "verification", "{passed: 19, failed: 0}")).verdict,
        Verdict::Go
    );
}

#[test]
fn blocking_and_deferring_reasons_together_are_no_go() {
    let r = eval(|m| {
        set(m, "approvals", "[]");
        set(m, "blockers", "[{title: B, status: open}]");
    });
    assert_eq!(r.verdict, Verdict::NoGo);
    assert_eq!(r.reasons.len(), 3);
}

#[test]
fn deployment_status_is_the_state() {
    let r = eval(|m| set(m, "deployment", "{status: rolled-back}"));
    assert_eq!(r.state, DeploymentStatus::RolledBack);
}

#[test]
fn shared_checklists_merge_statuses_owners_and_weights() {
    let r = eval(|m| {
        set(
            m,
            "readiness",
            "[{use: deploy, status: {review.code: done, review.docs: {status: in-progress, owner: priya, due: 2026-12-01}}}]",
        )
    });
    let c = &r.categories[0];
    assert_eq!(c.title, "Deploy");
    assert_eq!(c.checklist.as_deref(), Some("deploy"));
    let items = &c.groups[0].items;
    assert_eq!(
        items[0].owner.as_deref(),
        Some("qa"),
        "the checklist's default owner"
    );
    assert_eq!(
        items[1].owner.as_deref(),
        Some("priya"),
        "the release overrides it"
    );
    assert_eq!(
        items[2].status,
        Status::Pending,
        "unlisted items are pending"
    );
    assert_eq!(items[0].id.as_deref(), Some("review.code"));
    // done weight 1 of 1 + 1 + 2.
    assert_eq!(c.score, Some(25.0));
}

#[test]
fn timeline_offsets_are_elapsed_time_across_daylight_saving() {
    let berlin = "title: T\ntimezone: Europe/Berlin\n";
    let r = eval_with(berlin, |m| {
        set(m, "target", "2026-03-29 12:00");
        set(
            m,
            "timeline",
            "[{at: T+30m, activity: Watch}, {at: T-24h, activity: Backup}, {at: T-2d, activity: Freeze}, {at: T+0, activity: Smoke}]",
        )
    });
    let at: Vec<(String, &str)> = r
        .timeline
        .iter()
        .map(|t| (t.offset.to_string(), t.at.iso.as_str()))
        .collect();
    assert_eq!(
        at,
        [
            ("T-2d".to_string(), "2026-03-27T11:00:00+01:00"),
            ("T-24h".to_string(), "2026-03-28T11:00:00+01:00"),
            ("T+0".to_string(), "2026-03-29T12:00:00+02:00"),
            ("T+30m".to_string(), "2026-03-29T12:30:00+02:00"),
        ]
    );
    assert_eq!(r.target.display, "Sun 29 Mar 2026, 12:00 CEST");
}

#[test]
fn the_release_zone_wins_over_the_site_zone() {
    let r = eval(|m| set(m, "timezone", "Europe/London"));
    assert_eq!(r.target.iso, "2026-12-04T09:00:00+00:00");
    assert_eq!(r.timezone, "Europe/London");
    let site_zone = eval(|_| {});
    assert_eq!(site_zone.target.iso, "2026-12-04T09:00:00+05:30");
}

#[test]
fn a_postponed_release_is_judged_for_its_new_target() {
    let r = eval(|m| {
        set(m, "deployment", "{status: postponed}");
        set(
            m,
            "postponement",
            "{reasons: [{issue: Migration failed, severity: critical}], new_target: 2026-12-11 09:00}",
        );
        set(
            m,
            "blockers",
            "[{title: Fix migration, status: open, eta: 2026-12-08}]",
        );
        set(m, "timeline", "[{at: T-1d, activity: Backup}]");
    });
    assert_eq!(r.target.iso, "2026-12-11T09:00:00+05:30");
    assert_eq!(
        r.original_target.as_ref().unwrap().iso,
        "2026-12-04T09:00:00+05:30"
    );
    assert_eq!(
        rules(&r),
        vec![(Rule::BlockerDueBeforeGoLive, false)],
        "ETA is before the new date"
    );
    assert_eq!(r.timeline[0].at.iso, "2026-12-10T09:00:00+05:30");
    // A new target alone, without the postponed state, changes nothing.
    let planned = eval(|m| {
        set(
            m,
            "postponement",
            "{reasons: [{issue: x, severity: low}], new_target: 2026-12-11 09:00}",
        )
    });
    assert_eq!(planned.target.iso, "2026-12-04T09:00:00+05:30");
    assert!(planned.original_target.is_none());
}
