//! One message to one recipient over a session that is reused while it works,
//! with the ledger told at each step:
//!
//! 1. MAIL FROM, RCPT TO: a refusal here is certain non-delivery.
//! 2. An `attempted` record, synced, BEFORE DATA: if golive dies from here on, the
//!    ledger still says the message may have gone out, and under which Message-ID.
//! 3. DATA, the message, the final dot. The answer to the dot decides `delivered`
//!    or `failed`. If the whole message went out but no answer came (connection
//!    dropped, timeout), the outcome is `unknown`: the server may have accepted it.
//!
//! Temporary (4xx) refusals are retried with doubling delays; each try that reached
//! step 2 leaves its own `attempted` line and its outcome.

use std::cell::Cell;

use lettre::Address as SmtpAddress;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::client::SmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{Extension, MailBodyParameter, MailParameter};

use super::explain::{answer, describe, is_login_failure};
use super::ledger::Outcome;
use super::server::Server;
use super::{Fatal, Retry};

/// What happened to one recipient.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Delivered,
    /// Certainly not delivered: refused for good (5xx), or retries ran out (4xx).
    Failed(String),
    /// The message went out and no answer came: it may or may not have arrived.
    Unknown(String),
}

/// A message for one recipient.
pub struct Outgoing<'a> {
    pub from: &'a SmtpAddress,
    pub to: &'a SmtpAddress,
    pub bytes: &'a [u8],
}

/// Records one step in the ledger; an error stops the send.
pub type Record<'a> = dyn FnMut(Outcome, Option<String>) -> Result<(), Fatal> + 'a;

/// A session to `server`, opened when first needed and kept while it works.
pub struct Link<'a> {
    server: &'a Server,
    session: Option<SmtpConnection>,
}

impl<'a> Link<'a> {
    pub fn new(server: &'a Server) -> Link<'a> {
        Link {
            server,
            session: None,
        }
    }

    /// Ends the session politely (QUIT); its answer does not matter any more.
    pub fn close(mut self) {
        if let Some(mut session) = self.session.take() {
            let _ = session.quit();
        }
    }

    /// Drops a session in an unknown state without waiting for a QUIT answer.
    fn abandon(&mut self) {
        self.session = None;
    }
}

/// Sends `message`, retrying temporary refusals; every step is recorded through `record`.
pub fn deliver(
    link: &mut Link,
    message: &Outgoing,
    retry: Retry,
    record: &mut Record,
    on_retry: &mut dyn FnMut(u32, &str),
) -> Result<Delivery, Fatal> {
    let mut delay = retry.first_delay;
    let mut attempt = 1;
    loop {
        let (temporary, why, recorded) = match try_once(link, message, record)? {
            Try::Accepted => return Ok(Delivery::Delivered),
            Try::Unknown(why) => return Ok(Delivery::Unknown(why)),
            Try::Refused {
                temporary,
                why,
                recorded,
            } => (temporary, why, recorded),
        };
        if temporary && attempt < retry.attempts {
            on_retry(attempt, &why);
            std::thread::sleep(delay);
            delay *= 2;
            attempt += 1;
            continue;
        }
        let why = if temporary {
            format!("{why} (gave up after {attempt} attempts)")
        } else {
            why
        };
        // A refusal of the envelope left no line yet; the last line must say failed.
        if !recorded {
            record(Outcome::Failed, Some(why.clone()))?;
        }
        return Ok(Delivery::Failed(why));
    }
}

enum Try {
    Accepted,
    Refused {
        temporary: bool,
        why: String,
        /// Already closed with a `failed` line (it had an `attempted` one).
        recorded: bool,
    },
    Unknown(String),
}

fn try_once(link: &mut Link, message: &Outgoing, record: &mut Record) -> Result<Try, Fatal> {
    if let Some(refused) = envelope(link, message)? {
        return Ok(refused);
    }
    if let Err(fatal) = record(Outcome::Attempted, None) {
        link.abandon();
        return Err(fatal);
    }
    let name = link.server.name();
    let timeout = link.server.timeout;
    let session = link.session.as_mut().expect("envelope() leaves a session");

    if let Err(e) = session.command(Data) {
        link.abandon();
        return refused_or_fatal(e, &name, timeout, record, "before the message went out");
    }
    let body_sent = Cell::new(false);
    match session.message_iter(Body {
        bytes: Some(message.bytes),
        sent: &body_sent,
    }) {
        Ok(_) => {
            record(Outcome::Delivered, None)?;
            Ok(Try::Accepted)
        }
        // Cut off before the end of the message: the server cannot have accepted it.
        Err(e) if e.status().is_some() || !body_sent.get() => {
            link.abandon();
            refused_or_fatal(
                e,
                &name,
                timeout,
                record,
                "before the whole message went out",
            )
        }
        Err(e) => {
            link.abandon();
            let why = format!(
                "{} after the whole message went out",
                describe(&e, &name, timeout)
            );
            record(Outcome::Unknown, Some(why.clone()))?;
            Ok(Try::Unknown(why))
        }
    }
}

/// After `attempted` was recorded, a failure that means certain non-delivery:
/// a server's answer is a refusal (retried if temporary); anything else stops the send.
fn refused_or_fatal(
    e: SmtpError,
    name: &str,
    timeout: std::time::Duration,
    record: &mut Record,
    when: &str,
) -> Result<Try, Fatal> {
    if e.status().is_some() {
        let why = answer(&e);
        record(Outcome::Failed, Some(why.clone()))?;
        return Ok(Try::Refused {
            temporary: e.is_transient(),
            why,
            recorded: true,
        });
    }
    let why = format!("{} {when}", describe(&e, name, timeout));
    record(Outcome::Failed, Some(why.clone()))?;
    Err(Fatal(why))
}

/// MAIL FROM and RCPT TO, on the open session or a new one. `Some` when the
/// server refused; nothing has gone out either way.
fn envelope(link: &mut Link, message: &Outgoing) -> Result<Option<Try>, Fatal> {
    loop {
        let reused = link.session.is_some();
        if !reused {
            link.session = Some(link.server.open()?);
        }
        let session = link.session.as_mut().expect("just opened");
        let e = match start(session, message) {
            Ok(()) => return Ok(None),
            Err(Start::Unsupported(why)) => {
                link.abandon();
                return Ok(Some(Try::Refused {
                    temporary: false,
                    why,
                    recorded: false,
                }));
            }
            Err(Start::Smtp(e)) => e,
        };
        link.abandon();
        if is_login_failure(&e) {
            return Err(Fatal(format!(
                "the SMTP server {} requires a login ({}); name username_env and password_env \
                 in site.yaml's smtp block and export those variables",
                link.server.name(),
                answer(&e)
            )));
        }
        if e.status().is_some() {
            return Ok(Some(Try::Refused {
                temporary: e.is_transient(),
                why: answer(&e),
                recorded: false,
            }));
        }
        // A kept session the server has since closed: open a fresh one and start over.
        if !reused {
            return Err(Fatal(describe(
                &e,
                &link.server.name(),
                link.server.timeout,
            )));
        }
    }
}

enum Start {
    Smtp(SmtpError),
    /// The message needs an extension the server lacks.
    Unsupported(String),
}

/// MAIL FROM with the parameters the message needs, then RCPT TO (as lettre's
/// `SmtpConnection::send` does).
fn start(session: &mut SmtpConnection, message: &Outgoing) -> Result<(), Start> {
    let info = session.server_info();
    let mut parameters = Vec::new();
    let non_ascii = |a: &SmtpAddress| !AsRef::<str>::as_ref(a).is_ascii();
    if non_ascii(message.from) || non_ascii(message.to) {
        if !info.supports_feature(Extension::SmtpUtfEight) {
            return Err(Start::Unsupported(format!(
                "the address {} or {} is not plain ASCII and the server does not support SMTPUTF8",
                message.from, message.to
            )));
        }
        parameters.push(MailParameter::SmtpUtfEight);
    }
    if !message.bytes.is_ascii() {
        if !info.supports_feature(Extension::EightBitMime) {
            return Err(Start::Unsupported(
                "the message is not plain ASCII and the server does not support 8BITMIME".into(),
            ));
        }
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    session
        .command(Mail::new(Some(message.from.clone()), parameters))
        .map_err(Start::Smtp)?;
    session
        .command(Rcpt::new(message.to.clone(), Vec::new()))
        .map_err(Start::Smtp)?;
    Ok(())
}

/// The message as one part; `sent` turns true once it has been written whole
/// (lettre asks for the next part only after writing the previous one).
struct Body<'a> {
    bytes: Option<&'a [u8]>,
    sent: &'a Cell<bool>,
}

impl<'a> Iterator for Body<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let next = self.bytes.take();
        if next.is_none() {
            self.sent.set(true);
        }
        next
    }
}
