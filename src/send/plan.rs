//! Who is owed an email, and under which Message-ID, from the ledger's records of
//! it. Pure: no I/O, no clock.
//!
//! A recipient with a `delivered` record of this very email (same content hash) has
//! it. A recipient whose last record is `attempted` or `unknown` may or may not have
//! it: they are owed, and get the SAME Message-ID as that attempt, so that the
//! receiving side can discard a duplicate. Everyone else is simply owed. `--resend`
//! owes everyone a new message.

use super::ledger::Entry;
use crate::email::Address;

/// What a send has to do.
#[derive(Debug)]
pub struct Plan<'a> {
    /// Recipients to send to now, in envelope order.
    pub owed: Vec<Owed<'a>>,
    /// The Message-ID this send continues; `None` when it is a new message.
    pub continues: Option<String>,
    /// The newest record of this very email, if any.
    pub last: Option<&'a Entry>,
    /// This email was never sent, but an earlier version of it was.
    pub earlier_version_sent: bool,
}

#[derive(Debug)]
pub struct Owed<'a> {
    pub to: &'a Address,
    /// The earlier attempt whose outcome is unknown; its Message-ID must be reused.
    pub unknown: Option<&'a Entry>,
}

/// `history` is every record of this release's email of this kind, oldest first.
pub fn plan<'a>(
    history: &'a [Entry],
    hash: &str,
    everyone: &[&'a Address],
    resend: bool,
) -> Plan<'a> {
    let same: Vec<&Entry> = history.iter().filter(|e| e.hash == hash).collect();
    let last_of = |email: &str| same.iter().rev().find(|e| e.recipient == email).copied();
    let has_it = |email: &str| {
        same.iter()
            .any(|e| e.recipient == email && e.outcome == super::ledger::Outcome::Delivered)
    };
    let owed = everyone
        .iter()
        .filter(|to| resend || !has_it(&to.email))
        .map(|to| Owed {
            to,
            unknown: if resend {
                None
            } else {
                last_of(&to.email).filter(|e| e.outcome.is_unknown())
            },
        })
        .collect();
    Plan {
        owed,
        continues: (!resend)
            .then(|| same.last().map(|e| e.message_id.clone()))
            .flatten(),
        last: same.last().copied(),
        earlier_version_sent: same.is_empty() && !history.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::ledger::Outcome;

    fn address(email: &str) -> Address {
        Address {
            name: email.to_uppercase(),
            email: email.into(),
        }
    }

    fn record(recipient: &str, outcome: Outcome, id: &str) -> Entry {
        Entry {
            release: "r".into(),
            kind: "success".into(),
            hash: "h1".into(),
            message_id: id.into(),
            recipient: recipient.into(),
            time: "t".into(),
            outcome,
            detail: None,
            snapshot: None,
        }
    }

    fn owed_emails(plan: &Plan) -> Vec<String> {
        plan.owed.iter().map(|o| o.to.email.clone()).collect()
    }

    #[test]
    fn delivered_is_done_unknown_is_owed_under_its_id_and_failed_is_owed() {
        let (a, b, c, d) = (address("a"), address("b"), address("c"), address("d"));
        let history = [
            record("a", Outcome::Attempted, "<1>"),
            record("a", Outcome::Delivered, "<1>"),
            record("b", Outcome::Attempted, "<1>"),
            record("c", Outcome::Failed, "<1>"),
            record("d", Outcome::Attempted, "<1>"),
            record("d", Outcome::Unknown, "<1>"),
        ];
        let plan = plan(&history, "h1", &[&a, &b, &c, &d], false);
        assert_eq!(owed_emails(&plan), ["b", "c", "d"]);
        let unknown: Vec<Option<&str>> = plan
            .owed
            .iter()
            .map(|o| o.unknown.map(|e| e.message_id.as_str()))
            .collect();
        assert_eq!(unknown, [Some("<1>"), None, Some("<1>")]);
        assert_eq!(plan.continues.as_deref(), Some("<1>"));
    }

    #[test]
    fn a_delivery_recorded_earlier_is_not_forgotten_by_a_later_open_attempt() {
        let a = address("a");
        // Delivered, then a --resend that died mid-message.
        let history = [
            record("a", Outcome::Delivered, "<1>"),
            record("a", Outcome::Attempted, "<2>"),
        ];
        let plan = plan(&history, "h1", &[&a], false);
        assert!(plan.owed.is_empty());
    }

    #[test]
    fn resend_owes_everyone_a_new_message_and_other_content_is_a_new_email() {
        let (a, b) = (address("a"), address("b"));
        let history = [
            record("a", Outcome::Delivered, "<1>"),
            record("b", Outcome::Attempted, "<1>"),
        ];
        let again = plan(&history, "h1", &[&a, &b], true);
        assert_eq!(owed_emails(&again), ["a", "b"]);
        assert!(again.owed.iter().all(|o| o.unknown.is_none()));
        assert_eq!(again.continues, None);

        let changed = plan(&history, "h2", &[&a, &b], false);
        assert_eq!(owed_emails(&changed), ["a", "b"]);
        assert!(changed.earlier_version_sent);
        assert_eq!(changed.continues, None);
    }
}
