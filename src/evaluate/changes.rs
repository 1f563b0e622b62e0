//! What changed between two snapshots of a release (`snapshot`): the go-live date,
//! the decision deadline, the readiness (verdict and score), blockers opened and
//! resolved, and approvals whose status moved. The postponement email shows it.
//!
//! Pure: which snapshot is "before" (the last email the audience received, or the
//! original plan) is chosen by the caller, who reads the ledger.

use serde::Serialize;

use super::snapshot::Snapshot;
use super::{Moment, Verdict};

/// What the comparison is against.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "against", rename_all = "kebab-case")]
pub enum Since {
    /// An email the audience received: its kind and when it was sent.
    Email { kind: String, sent: Moment },
    /// No earlier email: the release as planned, at its original target.
    OriginalPlan,
}

/// A date before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub before: Option<Moment>,
    pub after: Option<Moment>,
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalChange {
    pub role: String,
    /// `none` when the role had no entry on that side.
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    pub since: Since,
    pub target: Moved,
    pub decision_due: Moved,
    pub verdict_before: Verdict,
    pub verdict_after: Verdict,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    /// Percentage points, one decimal; absent when either score is.
    pub score_delta: Option<f64>,
    pub blockers_added: Vec<String>,
    pub blockers_resolved: Vec<String>,
    pub approvals: Vec<ApprovalChange>,
}

/// The changes from `before` to `now`.
pub fn diff(before: &Snapshot, now: &Snapshot, since: Since) -> Changes {
    let moved = |a: Option<&Moment>, b: Option<&Moment>| Moved {
        changed: a.map(|m| m.unix) != b.map(|m| m.unix),
        before: a.cloned(),
        after: b.cloned(),
    };
    let mut roles: Vec<&String> = before
        .approvals
        .keys()
        .chain(now.approvals.keys())
        .collect();
    roles.sort();
    roles.dedup();
    let status = |s: &Snapshot, role: &str| {
        s.approvals
            .get(role)
            .cloned()
            .unwrap_or_else(|| "none".into())
    };
    Changes {
        target: moved(Some(&before.target), Some(&now.target)),
        decision_due: moved(before.decision_due.as_ref(), now.decision_due.as_ref()),
        verdict_before: before.verdict,
        verdict_after: now.verdict,
        score_before: before.score,
        score_after: now.score,
        score_delta: before
            .score
            .zip(now.score)
            .map(|(a, b)| ((b - a) * 10.0).round() / 10.0),
        blockers_added: missing_from(&now.blockers, &before.blockers),
        blockers_resolved: missing_from(&before.blockers, &now.blockers),
        approvals: roles
            .into_iter()
            .map(|role| ApprovalChange {
                role: role.clone(),
                before: status(before, role),
                after: status(now, role),
            })
            .filter(|c| c.before != c.after)
            .collect(),
        since,
    }
}

/// The titles in `a` that are not in `b`, in `a`'s order.
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|t| !b.contains(t)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(unix: i64, display: &str) -> Moment {
        Moment {
            iso: String::new(),
            display: display.into(),
            unix,
            utc: None,
        }
    }

    fn snapshot(
        target: i64,
        score: f64,
        blockers: &[&str],
        approvals: &[(&str, &str)],
    ) -> Snapshot {
        Snapshot {
            target: moment(target, &format!("t{target}")),
            decision_due: None,
            verdict: Verdict::NoGo,
            score: Some(score),
            blockers: blockers.iter().map(|b| b.to_string()).collect(),
            approvals: approvals
                .iter()
                .map(|(r, s)| (r.to_string(), s.to_string()))
                .collect(),
        }
    }

    #[test]
    fn lists_moved_dates_score_delta_blockers_and_approvals() {
        let before = snapshot(
            1,
            72.5,
            &["Disk quota", "Cert chain"],
            &[("CTO", "pending"), ("DBA", "approved")],
        );
        let now = snapshot(
            2,
            80.0,
            &["Cert chain", "Vendor API"],
            &[("CTO", "approved"), ("DBA", "approved"), ("QA", "pending")],
        );
        let c = diff(&before, &now, Since::OriginalPlan);
        assert!(c.target.changed);
        assert!(!c.decision_due.changed);
        assert_eq!(c.score_delta, Some(7.5));
        assert_eq!(c.blockers_added, ["Vendor API"]);
        assert_eq!(c.blockers_resolved, ["Disk quota"]);
        let approvals: Vec<(&str, &str, &str)> = c
            .approvals
            .iter()
            .map(|a| (a.role.as_str(), a.before.as_str(), a.after.as_str()))
            .collect();
        assert_eq!(
            approvals,
            [("CTO", "pending", "approved"), ("QA", "none", "pending")]
        );
    }

    #[test]
    fn the_same_snapshot_changes_nothing() {
        let s = snapshot(1, 50.0, &["A"], &[("CTO", "pending")]);
        let c = diff(&s, &s, Since::OriginalPlan);
        assert!(!c.target.changed && !c.decision_due.changed);
        assert_eq!(c.score_delta, Some(0.0));
        assert!(
            c.blockers_added.is_empty() && c.blockers_resolved.is_empty() && c.approvals.is_empty()
        );
    }
}
