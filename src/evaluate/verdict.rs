//! The go/no-go rules. Each rule that does not hold gives one reason; a reason
//! either blocks (NO-GO) or only defers (GO-PENDING). The verdict is NO-GO if any
//! reason blocks, GO-PENDING if some defer, GO when there are none.
//!
//! What defers rather than blocks is work with a date that lands before go-live,
//! approvals not yet given, and evidence that will be too old at go-live: things
//! that are expected to resolve themselves in time (or by checking again).
//! Anything refused, blocked, failed, undated or due after go-live blocks.
//!
//! Reasons are read in the go/no-go meeting: people are named as people.yaml
//! names them (not by key), and dates are written the way pages write them
//! (`Wed 2 Dec 2026`), not as the release file has them.

use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;

use super::Moment;
use super::approval::ApprovalReport;
use super::freshness;
use super::score::CategoryReport;
use crate::config::people::People;
use crate::config::site::Policy;
use crate::content::release::{BlockerStatus, Release, Severity, Status};
use crate::content::time::When;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Verdict {
    #[serde(rename = "GO")]
    Go,
    #[serde(rename = "GO-PENDING")]
    GoPending,
    #[serde(rename = "NO-GO")]
    NoGo,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Go => "GO",
            Verdict::GoPending => "GO-PENDING",
            Verdict::NoGo => "NO-GO",
        }
    }
}

/// Which rule a reason comes from; stable names for pipelines reading readiness.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    NothingToScore,
    ScoreBelowThreshold,
    CriticalItemBlocked,
    CriticalItemNotDone,
    CriticalItemDueBeforeGoLive,
    EvidenceStale,
    ApprovalRejected,
    ApprovalMissing,
    ApprovalPending,
    /// The owner approved their own release; four-eyes does not count it.
    ApprovalByOwner,
    BlockerOpen,
    BlockerDueBeforeGoLive,
    CriticalRiskUnmitigated,
    VerificationFailed,
    /// A release it depends on (`depends_on`) is not GO, or goes live later
    /// (see `relations`); defers.
    DependencyNotReady,
    /// Its window falls inside a change freeze and it is not an emergency
    /// change (see `relations`); blocks.
    ChangeFreeze,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Reason {
    pub rule: Rule,
    /// True when this reason alone makes the verdict NO-GO.
    pub blocking: bool,
    pub message: String,
}

/// Everything the rules look at, already computed.
pub struct Facts<'a> {
    pub release: &'a Release,
    pub policy: Policy,
    pub zone: Tz,
    pub target: DateTime<Tz>,
    pub categories: &'a [CategoryReport],
    pub score: Option<f64>,
    /// Required roles first, then other approvals given (see `approval::approvals`).
    pub approvals: &'a [ApprovalReport],
    /// To name the people and groups that reasons refer to.
    pub people: &'a People,
}

impl Facts<'_> {
    /// A date of the release file as pages show it: `Wed 2 Dec 2026`, or
    /// `Wed 2 Dec 2026, 17:00 IST` when it has a time.
    fn day(&self, when: &When) -> String {
        Moment::of(when, self.zone).display
    }

    /// ` (Kenji Watanabe)` for a person or group key, nothing without one.
    fn by(&self, who: Option<&str>) -> String {
        who.map(|w| format!(" ({})", self.people.display_name(w)))
            .unwrap_or_default()
    }
}

pub fn decide(facts: &Facts) -> (Verdict, Vec<Reason>) {
    let mut reasons = Vec::new();
    let mut add = |rule, blocking, message: String| {
        reasons.push(Reason {
            rule,
            blocking,
            message,
        })
    };
    let before_go_live =
        |when: Option<&When>| when.is_some_and(|w| w.instant(facts.zone) <= facts.target);

    match facts.score {
        None => add(
            Rule::NothingToScore,
            true,
            "The readiness checklist has no applicable items to score".into(),
        ),
        Some(score) if score < facts.policy.go_threshold => add(
            Rule::ScoreBelowThreshold,
            true,
            format!(
                "Readiness is {score}%, below the {}% threshold",
                facts.policy.go_threshold
            ),
        ),
        Some(_) => {}
    }

    if facts.policy.require_critical {
        for category in facts.categories {
            for item in category
                .groups
                .iter()
                .flat_map(|g| &g.items)
                .filter(|i| i.critical)
            {
                let name = format!("{} › {}", category.title, item.check);
                match item.status {
                    Status::Done | Status::NotApplicable => {}
                    Status::Blocked => add(
                        Rule::CriticalItemBlocked,
                        true,
                        format!("Critical item is blocked: {name}"),
                    ),
                    status if before_go_live(item.due.as_ref()) => add(
                        Rule::CriticalItemDueBeforeGoLive,
                        false,
                        format!(
                            "Critical item {} (due {}, before go-live): {name}",
                            status.label(),
                            item.due.as_ref().map(|d| facts.day(d)).unwrap_or_default()
                        ),
                    ),
                    status => add(
                        Rule::CriticalItemNotDone,
                        true,
                        format!(
                            "Critical item {}{}: {name}",
                            status.label(),
                            item.due
                                .as_ref()
                                .map(|d| format!(", due {}, after go-live", facts.day(d)))
                                .unwrap_or_else(|| ", with no due date".into())
                        ),
                    ),
                }
            }
        }
    }

    // Evidence of done items, measured at go-live: moving the target re-judges it.
    for category in facts.categories {
        for item in category
            .groups
            .iter()
            .flat_map(|g| &g.items)
            .filter(|i| i.status == Status::Done)
        {
            let (Some(verified), Some(limit)) = (&item.verified, item.fresh_for) else {
                continue;
            };
            if freshness::is_stale(verified, limit, facts.target, facts.zone) {
                let age = freshness::age(verified, facts.target, facts.zone);
                add(
                    Rule::EvidenceStale,
                    false,
                    format!(
                        "Evidence will be {} old at go-live (verified {}, limit {}): {} › {}",
                        freshness::describe(age),
                        facts.day(verified),
                        freshness::describe(chrono::TimeDelta::seconds(limit.seconds)),
                        category.title,
                        item.check
                    ),
                );
            }
        }
    }

    for approval in facts.approvals.iter().filter(|a| a.status == "rejected") {
        let by = facts.by(approval.who.as_deref());
        add(
            Rule::ApprovalRejected,
            true,
            format!("Approval rejected by {}{by}", approval.role),
        );
    }
    if facts.policy.require_approvals {
        for a in facts.approvals.iter().filter(|a| a.required) {
            let role = &a.role;
            match a.status {
                "missing" => add(
                    Rule::ApprovalMissing,
                    false,
                    format!("Approval not yet recorded: {role}"),
                ),
                "pending" => add(
                    Rule::ApprovalPending,
                    false,
                    format!("Approval pending: {role}"),
                ),
                "self-approved" => add(
                    Rule::ApprovalByOwner,
                    false,
                    format!(
                        "Approval by the release owner does not count (four-eyes): {role}{}",
                        facts.by(a.who.as_deref())
                    ),
                ),
                _ => {}
            }
        }
    }

    for blocker in facts
        .release
        .blockers
        .iter()
        .filter(|b| b.status != BlockerStatus::Resolved)
    {
        if before_go_live(blocker.eta.as_ref()) {
            let eta = blocker
                .eta
                .as_ref()
                .map(|e| facts.day(e))
                .unwrap_or_default();
            add(
                Rule::BlockerDueBeforeGoLive,
                false,
                format!(
                    "Open blocker, expected resolved by {eta} (before go-live): {}",
                    blocker.title
                ),
            );
        } else {
            let when = blocker
                .eta
                .as_ref()
                .map(|e| format!(", ETA {} is after go-live", facts.day(e)))
                .unwrap_or_else(|| ", with no ETA".into());
            add(
                Rule::BlockerOpen,
                true,
                format!("Open blocker{when}: {}", blocker.title),
            );
        }
    }

    for risk in &facts.release.risks {
        let unmitigated = risk
            .mitigation
            .as_deref()
            .is_none_or(|m| m.trim().is_empty());
        if risk.severity == Severity::Critical && unmitigated {
            add(
                Rule::CriticalRiskUnmitigated,
                true,
                format!("Critical risk without mitigation: {}", risk.title),
            );
        }
    }

    if let Some(failed) = facts.release.verification.as_ref().and_then(|v| v.failed)
        && failed > 0
    {
        add(
            Rule::VerificationFailed,
            true,
            format!(
                "Verification: {failed} check{} failed",
                if failed == 1 { "" } else { "s" }
            ),
        );
    }

    // What blocks first: a busy reader sees why it is NO-GO before what is merely pending.
    reasons.sort_by_key(|r| !r.blocking);
    let verdict = if reasons.iter().any(|r| r.blocking) {
        Verdict::NoGo
    } else if reasons.is_empty() {
        Verdict::Go
    } else {
        Verdict::GoPending
    };
    (verdict, reasons)
}
