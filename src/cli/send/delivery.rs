//! The delivery half of `golive send --send`: each owed recipient in turn, one
//! outcome line each, every step recorded in the ledger (under the lock the caller
//! holds).

use std::collections::HashMap;
use std::io::Write as _;
use std::rc::Rc;

use chrono::Utc;

use super::LARGE_SEND;
use crate::cli::exit;
use crate::email::{Envelope, Rendered, build_message};
use crate::evaluate::snapshot::Snapshot;
use crate::send::ledger::{Appender, Entry, Ledger, Outcome};
use crate::send::plan::Owed;
use crate::send::server::Server;
use crate::send::transaction::{Delivery, Link, Outgoing, deliver};
use crate::send::{Fatal, Retry};

/// The message's bytes under each Message-ID a send uses: this run's, and those of
/// earlier attempts whose outcome is unknown (re-sent as the same message).
pub struct Messages<'a> {
    rendered: &'a Rendered,
    envelope: Envelope,
    built: HashMap<String, Rc<[u8]>>,
}

impl<'a> Messages<'a> {
    pub fn new(rendered: &'a Rendered, envelope: &Envelope) -> Messages<'a> {
        Messages {
            rendered,
            envelope: envelope.clone(),
            built: HashMap::new(),
        }
    }

    pub fn with_id(&mut self, id: &str) -> Result<Rc<[u8]>, String> {
        if let Some(bytes) = self.built.get(id) {
            return Ok(bytes.clone());
        }
        let mut envelope = self.envelope.clone();
        envelope.message_id = id.to_string();
        let bytes: Rc<[u8]> = build_message(self.rendered, &envelope)?.formatted().into();
        self.built.insert(id.to_string(), bytes.clone());
        Ok(bytes)
    }
}

/// A real send of one email to the recipients it owes.
pub struct Job<'a> {
    pub ledger: &'a Ledger,
    pub appender: Appender,
    pub release: &'a str,
    pub kind: &'a str,
    pub hash: &'a str,
    pub from: lettre::Address,
    /// This run's Message-ID (recipients with an unknown earlier outcome keep theirs).
    pub run_id: String,
    /// What the email tells of the release; stored with each delivered record.
    pub snapshot: &'a Snapshot,
}

impl Job<'_> {
    pub fn deliver_all(
        mut self,
        server: &Server,
        owed: &[Owed],
        retry: Retry,
        messages: &mut Messages,
    ) -> Result<i32, String> {
        let total = owed.len();
        let mut delivered = 0;
        let mut failed = 0;
        // Large sends get a bar (on a terminal only); every outcome is still a line.
        let bar = (total >= LARGE_SEND).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("sending {bar:30} {pos}/{len} {elapsed}")
                    .expect("a valid progress template"),
            );
            bar
        });
        let say = |line: String| match &bar {
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(anstream::stdout(), "{line}");
            }),
            None => {
                let _ = writeln!(anstream::stdout(), "{line}");
            }
        };
        let stopped = |why: String, delivered: usize| {
            format!(
                "{why}; delivered {delivered} of {total} before stopping (run again to send to the rest)"
            )
        };
        let from = self.from.clone();
        let mut link = Link::new(server);
        for (n, owed) in owed.iter().enumerate() {
            let progress = format!("[{}/{total}]", n + 1);
            let who = format!("{} <{}>", owed.to.name, owed.to.email);
            let id = owed
                .unknown
                .map_or(self.run_id.clone(), |e| e.message_id.clone());
            let bytes = messages.with_id(&id)?;
            let to: lettre::Address = owed
                .to
                .email
                .parse()
                .map_err(|e| format!("recipient {}: {e}", owed.to.email))?;
            let message = Outgoing {
                from: &from,
                to: &to,
                bytes: &bytes,
            };
            let mut record = |outcome: Outcome, detail: Option<String>| {
                self.record(&id, &owed.to.email, outcome, detail)
            };
            let result = deliver(
                &mut link,
                &message,
                retry,
                &mut record,
                &mut |attempt, why| {
                    say(format!("  {progress} … {who}: {why}; retry {attempt}"));
                },
            );
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            match result {
                Ok(Delivery::Delivered) => {
                    delivered += 1;
                    say(format!("  {progress} ✓ {who}"));
                }
                Ok(Delivery::Failed(why)) => {
                    failed += 1;
                    say(format!("  {progress} ✗ {who}: {why}"));
                }
                Ok(Delivery::Unknown(why)) => {
                    say(format!("  {progress} ? {who}: outcome unknown"));
                    return Err(stopped(
                        format!(
                            "{why}, so whether {who} got it is unknown; {} records the outcome as \
                             unknown, and the next run sends it again with the same Message-ID {id}, \
                             so the receiving side can discard a duplicate",
                            self.ledger.shown().display()
                        ),
                        delivered,
                    ));
                }
                Err(Fatal(why)) => return Err(stopped(why, delivered)),
            }
        }
        link.close();
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let _ = writeln!(
            anstream::stdout(),
            "delivered {delivered} of {total}{}",
            if failed > 0 {
                format!("; {failed} failed (run again to retry those still owed)")
            } else {
                String::new()
            }
        );
        Ok(if failed == 0 { exit::OK } else { exit::FAILED })
    }

    /// Appends one step of `recipient`'s delivery to the ledger.
    fn record(
        &mut self,
        message_id: &str,
        recipient: &str,
        outcome: Outcome,
        detail: Option<String>,
    ) -> Result<(), Fatal> {
        self.appender
            .record(&Entry {
                release: self.release.to_string(),
                kind: self.kind.to_string(),
                hash: self.hash.to_string(),
                message_id: message_id.to_string(),
                recipient: recipient.to_string(),
                time: Utc::now().to_rfc3339(),
                outcome,
                detail,
                snapshot: (outcome == Outcome::Delivered).then(|| self.snapshot.clone()),
            })
            .map_err(|e| {
                Fatal(format!(
                    "cannot record the send to {recipient} in {}: {e}",
                    self.ledger.shown().display()
                ))
            })
    }
}
