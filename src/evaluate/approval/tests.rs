//! Phases counted back in business days, and the integrity of approvals: late
//! by so many business days, four-eyes, what counts toward "N of M approved".

use super::*;

fn phase(name: &str, days: u32, roles: &[&str]) -> ApprovalPhase {
    ApprovalPhase {
        name: name.into(),
        business_days: days,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        checks: Vec::new(),
    }
}

/// A release owned by `priya`, going live Monday 7 Dec 2026.
fn release(approvals: &str) -> Release {
    release_with(approvals, "")
}

fn release_with(approvals: &str, more: &str) -> Release {
    serde_yaml::from_str(&format!(
        "product: A\nversion: 1.0.0\nchange_type: x\ntarget: 2026-12-07 09:00\nowner: priya\napprovals: {approvals}\n{more}"
    ))
    .unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn strings(roles: &[&str]) -> Vec<String> {
    roles.iter().map(|r| r.to_string()).collect()
}

/// The approvals of `r` under `configured` phases, going live Mon 7 Dec 2026.
fn judged(
    r: &Release,
    configured: &[ApprovalPhase],
    required: &[&str],
    four_eyes: bool,
) -> Vec<ApprovalReport> {
    let required = strings(required);
    let schedule = schedule(configured, date("2026-12-07"));
    approvals(
        r,
        &Rules {
            required: &required,
            zone: chrono_tz::UTC,
            four_eyes,
            phases: configured,
            schedule: &schedule,
        },
    )
}

fn phases_of(
    r: &Release,
    configured: &[ApprovalPhase],
    required: &[&str],
    today: &str,
) -> Vec<PhaseReport> {
    let list = judged(r, configured, required, true);
    phases(
        &list,
        configured,
        &schedule(configured, date("2026-12-07")),
        date(today),
    )
}

fn of<'a>(list: &'a [ApprovalReport], role: &str) -> &'a ApprovalReport {
    list.iter().find(|a| a.role == role).unwrap()
}

#[test]
fn phases_are_counted_back_in_business_days_skipping_weekends() {
    // Go-live Monday 7 Dec: the last phase is due Friday 4 Dec.
    let configured = [
        phase("Technical review", 2, &["CTO"]),
        phase("Executive approval", 1, &["VP"]),
    ];
    let p = phases_of(&release("[]"), &configured, &["CTO", "VP"], "2026-11-01");
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
    let required = ["CTO", "DBA", "VP"];
    let r = release(
        "[{role: cto, status: approved}, {role: DBA, status: pending}, {role: VP, status: approved}]",
    );
    let p = phases_of(&r, &configured, &required, "2026-12-04");
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
    let early = phases_of(&r, &configured, &required, "2026-12-01");
    assert_eq!(early[0].status, "in-progress");
}

#[test]
fn business_days_late_skip_the_weekend() {
    let fri = date("2026-12-04");
    assert_eq!(business_days_late(fri, fri), None, "on the due day");
    assert_eq!(business_days_late(fri, date("2026-12-03")), None);
    assert_eq!(
        business_days_late(fri, date("2026-12-07")),
        Some(1),
        "Monday"
    );
    assert_eq!(
        business_days_late(fri, date("2026-12-05")),
        Some(1),
        "a Saturday counts as the Monday after"
    );
    assert_eq!(business_days_late(fri, date("2026-12-08")), Some(2));
    // Due Thursday, given the Monday after: Friday and Monday.
    assert_eq!(
        business_days_late(date("2026-12-03"), date("2026-12-07")),
        Some(2)
    );
}

#[test]
fn an_approval_after_its_phases_due_date_is_late_by_business_days() {
    // Technical review (CTO) is due Thu 3 Dec; executive (VP) Fri 4 Dec.
    let configured = [
        phase("Technical review", 2, &["CTO"]),
        phase("Executive approval", 1, &["VP"]),
    ];
    let r = release(
        "[{role: CTO, who: dana, status: approved, at: 2026-12-07 08:00}, {role: VP, who: vik, status: approved, at: 2026-12-04 17:00}]",
    );
    let list = judged(&r, &configured, &["CTO", "VP"], true);
    let late = of(&list, "CTO")
        .late
        .clone()
        .expect("the CTO signed off late");
    assert_eq!(late.business_days, 2, "Friday and Monday");
    assert_eq!(
        late.text,
        "late by 2 business days (Technical review was due Thu 3 Dec 2026)"
    );
    assert_eq!(of(&list, "VP").late, None, "on its due day");
    // A late approval still counts: it is late, not missing.
    assert!(of(&list, "CTO").counted);
    let p = phases(
        &list,
        &configured,
        &schedule(&configured, date("2026-12-07")),
        date("2026-12-07"),
    );
    assert_eq!(p[0].status, "done");
    assert_eq!(p[0].roles[0].late_by, Some(2));
}

#[test]
fn a_rejection_after_its_due_date_is_late_too_but_a_pending_one_is_not() {
    let configured = [phase("Technical review", 1, &["CTO", "DBA"])];
    let r = release(
        "[{role: CTO, status: rejected, at: 2026-12-07 08:00}, {role: DBA, status: pending, at: 2026-12-07 08:00}]",
    );
    let list = judged(&r, &configured, &["CTO", "DBA"], true);
    assert_eq!(
        of(&list, "CTO").late.as_ref().map(|l| l.business_days),
        Some(1)
    );
    assert_eq!(of(&list, "DBA").late, None);
}

#[test]
fn four_eyes_the_owners_own_approval_does_not_count() {
    let r = release(
        "[{role: CTO, who: priya, status: approved}, {role: DBA, who: noor, status: approved}]",
    );
    let on = judged(&r, &[], &["CTO", "DBA"], true);
    let cto = of(&on, "CTO");
    assert_eq!(cto.status, "self-approved");
    assert!(!cto.counted);
    assert_eq!(
        cto.not_counted.as_deref(),
        Some("the release owner cannot approve their own release (four-eyes): not counted")
    );
    assert_eq!(
        count(&on),
        ApprovalCount {
            approved: 1,
            required: 2,
            rejected: 0,
            waiting: 1
        }
    );

    let off = judged(&r, &[], &["CTO", "DBA"], false);
    assert_eq!(of(&off, "CTO").status, "approved");
    assert!(of(&off, "CTO").counted);
    assert_eq!(
        count(&off),
        ApprovalCount {
            approved: 2,
            required: 2,
            rejected: 0,
            waiting: 0
        }
    );
}

#[test]
fn four_eyes_does_not_stop_the_owner_from_rejecting() {
    let r = release("[{role: CTO, who: priya, status: rejected}]");
    let list = judged(&r, &[], &["CTO"], true);
    assert_eq!(of(&list, "CTO").status, "rejected");
    assert_eq!(of(&list, "CTO").not_counted, None);
}

#[test]
fn approvals_the_matrix_does_not_require_are_listed_but_not_counted() {
    let r = release(
        "[{role: CTO, status: approved}, {role: QA Lead, status: approved}, {role: Legal, status: approved}]",
    );
    let list = judged(&r, &[], &["CTO", "DBA"], true);
    assert_eq!(
        list.iter()
            .map(|a| (a.role.as_str(), a.required, a.counted))
            .collect::<Vec<_>>(),
        [
            ("CTO", true, true),
            ("DBA", true, false),
            ("QA Lead", false, false),
            ("Legal", false, false)
        ]
    );
    assert_eq!(
        count(&list),
        ApprovalCount {
            approved: 1,
            required: 2,
            rejected: 0,
            waiting: 1
        }
    );
    assert_eq!(
        of(&list, "Legal").not_counted.as_deref(),
        Some("change type `x` does not require Legal: not counted")
    );
}

#[test]
fn verbal_approvals_count_as_the_approvals_of_their_roles() {
    let r = release_with(
        "[]",
        "expedited: {verbal: [{role: CTO, who: dana, at: 2026-12-07 08:40}, {role: VP, who: priya, at: 2026-12-07 08:45}], documented_by: 2026-12-07 11:00, review_due: 2026-12-08 09:00}\n",
    );
    let list = judged(&r, &[], &["CTO", "VP", "DevOps Lead"], true);
    let cto = of(&list, "CTO");
    assert_eq!(
        (cto.status, cto.verbal, cto.counted),
        ("approved", true, true)
    );
    assert_eq!(
        cto.at.as_ref().unwrap().display,
        "Mon 7 Dec 2026, 08:40 UTC"
    );
    // Four-eyes holds on the expedited path too.
    assert_eq!(of(&list, "VP").status, "self-approved");
    assert_eq!(of(&list, "DevOps Lead").status, "missing");
    assert_eq!(
        count(&list),
        ApprovalCount {
            approved: 1,
            required: 3,
            rejected: 0,
            waiting: 2
        }
    );
}

/// The whole evaluation of a release under a site, on Tue 1 Dec 2026.
fn evaluated(site: &str, release: &str) -> crate::evaluate::Report {
    let site: crate::config::site::SiteConfig = serde_yaml::from_str(site).unwrap();
    let release: Release = serde_yaml::from_str(release).unwrap();
    let loaded = crate::content::LoadedRelease {
        slug: crate::content::slug_of(&release),
        path: "r.yaml".into(),
        release: std::sync::Arc::new(release),
        depends: Vec::new(),
    };
    crate::evaluate::evaluate(
        &loaded,
        &site,
        &Default::default(),
        &Default::default(),
        date("2026-12-01"),
    )
}

const SITE: &str = "
title: T
approval_matrix:
  hotfix: [CTO, DBA]
  emergency: {roles: [CTO], level: Expedited}
";

const READY: &str = "
product: A
version: 1.0.0
target: 2026-12-07 09:00
owner: priya
readiness: [{category: C, items: [{check: x, status: done}]}]
";

fn rules_of(r: &crate::evaluate::Report) -> Vec<(crate::evaluate::Rule, bool)> {
    r.reasons.iter().map(|x| (x.rule, x.blocking)).collect()
}

#[test]
fn the_owners_own_approval_defers_the_verdict_under_four_eyes_only() {
    let release = format!(
        "{READY}change_type: hotfix\napprovals: [{{role: CTO, who: priya, status: approved}}, {{role: DBA, who: noor, status: approved}}]\n"
    );
    let r = evaluated(SITE, &release);
    assert_eq!(r.verdict, crate::evaluate::Verdict::GoPending);
    assert_eq!(
        rules_of(&r),
        [(crate::evaluate::Rule::ApprovalByOwner, false)]
    );
    assert_eq!(
        r.reasons[0].message,
        "Approval by the release owner does not count (four-eyes): CTO (priya)"
    );
    let off = evaluated(&format!("{SITE}four_eyes: false\n"), &release);
    assert_eq!(off.verdict, crate::evaluate::Verdict::Go);
}

#[test]
fn an_approval_the_matrix_does_not_ask_for_stands_in_for_no_required_role() {
    let release = format!(
        "{READY}change_type: hotfix\napprovals: [{{role: CTO, status: approved}}, {{role: QA Lead, status: approved}}]\n"
    );
    let r = evaluated(SITE, &release);
    assert_eq!(
        rules_of(&r),
        [(crate::evaluate::Rule::ApprovalMissing, false)]
    );
    assert_eq!(
        r.approval_count,
        ApprovalCount {
            approved: 1,
            required: 2,
            rejected: 0,
            waiting: 1
        }
    );
}

#[test]
fn an_emergency_change_is_go_on_its_verbal_approvals_and_has_no_phases() {
    let release = format!(
        "{READY}change_type: emergency\nexpedited: {{verbal: [{{role: CTO, who: dana, at: 2026-12-07 08:40}}], documented_by: 2026-12-07 11:00, review_due: 2026-12-08 09:00}}\n"
    );
    let r = evaluated(SITE, &release);
    assert_eq!(r.verdict, crate::evaluate::Verdict::Go, "{:?}", r.reasons);
    assert!(r.phases.is_empty());
    let e = r.expedited.as_ref().expect("the expedited path");
    assert_eq!(e.level.as_deref(), Some("Expedited"));
    assert_eq!(e.verbal[0].who, "dana");
    // Without the verbal approval the CTO is missing.
    let none = evaluated(
        SITE,
        &format!(
            "{READY}change_type: emergency\nexpedited: {{documented_by: 2026-12-07 11:00, review_due: 2026-12-08 09:00}}\n"
        ),
    );
    assert_eq!(
        rules_of(&none),
        [(crate::evaluate::Rule::ApprovalMissing, false)]
    );
}
