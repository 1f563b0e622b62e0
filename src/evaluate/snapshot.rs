//! A compact snapshot of an evaluated release: what an email told its readers.
//!
//! The send ledger stores one with each delivered email (`send::ledger`), so that a
//! later email can say what changed since (`changes`). It holds only what that
//! comparison needs, a few hundred bytes, because it is written once per recipient.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Moment, Report, Verdict};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Go-live (T+0) as the report gave it.
    pub target: Moment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_due: Option<Moment>,
    pub verdict: Verdict,
    /// Readiness in percent; absent when nothing was applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Titles of the blockers still open.
    #[serde(default)]
    pub blockers: Vec<String>,
    /// Role -> approved, pending, rejected or missing.
    #[serde(default)]
    pub approvals: BTreeMap<String, String>,
}

impl From<&Report> for Snapshot {
    fn from(r: &Report) -> Snapshot {
        Snapshot {
            target: r.target.clone(),
            decision_due: r.decision_due.clone(),
            verdict: r.verdict,
            score: r.score,
            blockers: r
                .blockers
                .iter()
                .filter(|b| b.open)
                .map(|b| b.title.clone())
                .collect(),
            approvals: r
                .approvals
                .iter()
                .map(|a| (a.role.clone(), a.status.to_string()))
                .collect(),
        }
    }
}
