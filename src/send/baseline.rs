//! Which earlier email a new one is compared with: "what changed since the last
//! email this audience received" (pure; the caller reads the ledger).
//!
//! One message goes to the whole audience, so there is one baseline for all:
//!
//! - For each recipient, their last email of this release (any kind) is the
//!   newest delivered ledger record to their address that carries a snapshot.
//!   Records without one (written before golive kept snapshots) are skipped: what
//!   they said is not known.
//! - A record whose snapshot equals the release as it stands now is skipped too:
//!   it told them exactly this already. This keeps the comparison, and so the
//!   email and its fingerprint, the same when the same email is composed again,
//!   so a send that stopped half-way continues, and a finished one is not sent
//!   again as a "changed" email.
//! - Across the audience, the oldest of those last emails is the baseline, so no
//!   recipient misses a change (some may read one they already knew). Recipients
//!   who never received an email of this release do not count; when nobody has,
//!   there is no baseline and the caller compares with the original plan.

use super::ledger::{Entry, Outcome};
use crate::evaluate::snapshot::Snapshot;

/// The ledger record whose snapshot the next email to `audience` is compared
/// with, if any. `entries` are oldest first, as the ledger holds them.
pub fn last_told<'a>(
    entries: &'a [Entry],
    release: &str,
    audience: &[&str],
    now: &Snapshot,
) -> Option<&'a Entry> {
    audience
        .iter()
        .filter_map(|address| {
            entries.iter().enumerate().rev().find(|(_, e)| {
                e.release == release
                    && e.outcome == Outcome::Delivered
                    && e.recipient.eq_ignore_ascii_case(address)
                    && e.snapshot.as_ref().is_some_and(|s| s != now)
            })
        })
        .min_by_key(|(index, _)| *index)
        .map(|(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::{Moment, Verdict};

    fn snapshot(score: f64) -> Snapshot {
        Snapshot {
            target: Moment {
                iso: String::new(),
                display: String::new(),
                unix: 0,
                utc: None,
            },
            decision_due: None,
            verdict: Verdict::NoGo,
            score: Some(score),
            blockers: Vec::new(),
            approvals: Default::default(),
        }
    }

    fn record(to: &str, kind: &str, outcome: Outcome, score: Option<f64>) -> Entry {
        Entry {
            release: "r".into(),
            kind: kind.into(),
            hash: "h".into(),
            message_id: "<m@x>".into(),
            recipient: to.into(),
            time: "2026-12-01T09:00:00+00:00".into(),
            outcome,
            detail: None,
            snapshot: score.map(snapshot),
        }
    }

    #[test]
    fn the_oldest_of_each_recipients_last_email_is_the_baseline() {
        let entries = [
            record("a@x", "readiness", Outcome::Delivered, Some(10.0)),
            record("b@x", "readiness", Outcome::Delivered, Some(10.0)),
            record("a@x", "readiness", Outcome::Delivered, Some(20.0)),
            record("b@x", "readiness", Outcome::Failed, Some(20.0)),
        ];
        let got = last_told(&entries, "r", &["a@x", "B@x", "c@x"], &snapshot(30.0)).unwrap();
        assert_eq!(
            got.snapshot.as_ref().unwrap().score,
            Some(10.0),
            "b@x last got 10"
        );
        let got = last_told(&entries, "r", &["a@x"], &snapshot(30.0)).unwrap();
        assert_eq!(got.snapshot.as_ref().unwrap().score, Some(20.0));
        assert!(last_told(&entries, "other", &["a@x"], &snapshot(30.0)).is_none());
        assert!(last_told(&entries, "r", &["c@x"], &snapshot(30.0)).is_none());
    }

    #[test]
    fn records_without_a_snapshot_or_telling_the_present_state_are_skipped() {
        let entries = [
            record("a@x", "readiness", Outcome::Delivered, Some(10.0)),
            record("a@x", "readiness", Outcome::Delivered, None),
            record("a@x", "postponement", Outcome::Delivered, Some(30.0)),
        ];
        let got = last_told(&entries, "r", &["a@x"], &snapshot(30.0)).unwrap();
        assert_eq!(got.snapshot.as_ref().unwrap().score, Some(10.0));
        assert_eq!(got.kind, "readiness");
    }
}
