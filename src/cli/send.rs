//! `golive send <release> <kind>`: a dry run by default; `--send` sends over SMTP.
//!
//! A real send holds the ledger's lock from reading the ledger to recording the last
//! outcome (see `crate::send::lock`), so two sends of the same email never both
//! deliver it. Under CI it first applies the CI rule (`crate::send::ci`): no real
//! send with a ledger that goes with the checkout.

mod delivery;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;

use super::{Cli, compose_email, exit};
use crate::config::site::Tls;
use crate::email::{Address, Kind, message_id};
use crate::send::ledger::{Entry, Ledger};
use crate::send::lock::SendLock;
use crate::send::plan::plan;
use crate::send::server::Server;
use crate::send::{self, Connection, Retry, ci};
use delivery::{Job, Messages};

/// Sends to at least this many recipients show a progress bar.
const LARGE_SEND: usize = 20;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The release: its slug (acme-erp-2.0.0) or its file's path.
    pub release: String,
    /// Which email.
    #[arg(value_enum)]
    pub kind: Kind,
    /// Really send. Without it, show what would be sent and write the .eml to .golive/outbox/.
    #[arg(long)]
    pub send: bool,
    /// Send again to everyone, even if this email was already delivered.
    #[arg(long)]
    pub resend: bool,
    /// Under CI, send even though the ledger is thrown away with the checkout (at
    /// its default place, or ignored by git), accepting that a rerun sends again.
    #[arg(long)]
    pub ephemeral_ledger: bool,
    /// Also trust this CA certificate (PEM) for the server's TLS certificate.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Connect and command timeout, in seconds.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = seconds)]
    pub timeout: Duration,
    /// Attempts per recipient when the server answers with a temporary (4xx) failure.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Delay before the first retry, in seconds; it doubles on each retry.
    #[arg(long, value_name = "SECS", default_value = "2", value_parser = seconds)]
    pub retry_delay: Duration,
}

/// The longest `--timeout` or `--retry-delay`, in seconds.
const MAX_SECONDS: f64 = 3600.0;

/// A number of seconds from 0 to `MAX_SECONDS` (so `inf`, `NaN` and `1e300` are
/// refused with a message instead of overflowing a Duration).
fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(0.0..=MAX_SECONDS).contains(&value) {
        return Err(format!(
            "`{text}` is out of range: give a number of seconds from 0 to {MAX_SECONDS}"
        ));
    }
    Ok(Duration::from_secs_f64(value))
}

pub fn run(cli: &Cli, args: &Args) -> i32 {
    match send(cli, args) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            exit::FAILED
        }
    }
}

fn send(cli: &Cli, args: &Args) -> Result<i32, String> {
    let mut out = anstream::stdout();
    let (site, index, composed) = match compose_email(cli, "send", &args.release, args.kind) {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    let release = &site.releases[index];
    let kind = args.kind;
    let mut envelope = composed
        .envelope
        .clone()
        .map_err(|why| format!("cannot address the {kind} email of {}: {why}", release.slug))?;
    let smtp = site
        .config
        .smtp
        .clone()
        .ok_or("site.yaml has no `smtp:` block; add host, port and tls (see docs/reference/site-keys.md#smtp)")?;

    let place = match super::ledger::place(cli, &site.config) {
        Ok(place) => place,
        Err(code) => return Ok(code),
    };
    if let Some(code) = ci_rule(cli, args, &place) {
        return Ok(code);
    }
    let ledger = Ledger::at(&place);
    // Held until this function returns: the decision below rests on the ledger
    // staying as read until this send has recorded its outcomes.
    let _lock = if args.send {
        Some(take_lock(&ledger)?)
    } else {
        None
    };
    let reading = ledger.read().map_err(|e| {
        format!(
            "cannot read the send ledger {} ({}): {e}",
            ledger.shown().display(),
            place.origin().describe()
        )
    })?;
    // Composing the postponement email read the ledger already, and said these.
    if kind != Kind::Postponement {
        for warning in &reading.warnings {
            let _ = writeln!(anstream::stderr(), "warning: {warning}");
        }
    }
    let history: Vec<Entry> = reading
        .entries
        .into_iter()
        .filter(|e| e.release == release.slug && e.kind == kind.name())
        .collect();
    let everyone: Vec<&Address> = envelope.recipients.all().collect();
    let plan = plan(&history, &composed.hash, &everyone, args.resend);
    if plan.owed.is_empty() {
        let last = plan
            .last
            .map(|e| format!(" (message {}, {})", e.message_id, e.time))
            .unwrap_or_default();
        return Err(format!(
            "the {kind} email of {} was already delivered to {}{last}; use --resend to send it again",
            release.slug,
            if everyone.len() == 1 {
                "its 1 recipient".to_string()
            } else {
                format!("all {} recipients", everyone.len())
            }
        ));
    }
    if !args.resend && plan.earlier_version_sent {
        let _ = writeln!(
            out,
            "note: an earlier version of this email was sent; this one differs, so everyone gets it"
        );
    }

    // A continued send keeps the message's identity; a new one gets a new id.
    let from = envelope.from.clone();
    envelope.message_id = plan.continues.clone().unwrap_or_else(|| {
        let stamp = Utc::now().format("%Y%m%d%H%M%S%6f").to_string();
        message_id(&release.slug, kind, &composed.hash, Some(&stamp), &from)
    });
    envelope.date = Utc::now().fixed_offset();
    let mut messages = Messages::new(&composed.rendered, &envelope);
    let bytes = messages.with_id(&envelope.message_id)?;

    let tls = match smtp.tls {
        Tls::Starttls => "STARTTLS",
        Tls::Tls => "implicit TLS",
        Tls::None => "no TLS (loopback)",
    };
    let login = match (&smtp.username_env, &smtp.password_env) {
        (Some(u), Some(p)) => format!(", login from ${u} / ${p}"),
        _ => String::new(),
    };
    let list = |v: &[Address]| {
        v.iter()
            .map(|a| format!("{} <{}>", a.name, a.email))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !cli.quiet || !args.send {
        let _ = writeln!(
            out,
            "{} email of {}{}",
            kind,
            release.slug,
            if args.send {
                ""
            } else {
                " (dry run: add --send to send)"
            }
        );
        let _ = writeln!(out, "  server   {}:{} ({tls}{login})", smtp.host, smtp.port);
        let _ = writeln!(out, "  from     {from}");
        let _ = writeln!(out, "  subject  {}", composed.rendered.subject);
        let _ = writeln!(out, "  to       {}", list(&envelope.recipients.to));
        if !envelope.recipients.cc.is_empty() {
            let _ = writeln!(out, "  cc       {}", list(&envelope.recipients.cc));
        }
        if plan.owed.len() < everyone.len() {
            let _ = writeln!(
                out,
                "  owed     {} of {} (the others already have it)",
                plan.owed.len(),
                everyone.len()
            );
        }
        let _ = writeln!(
            out,
            "  size     {:.1} KiB, message {}",
            bytes.len() as f64 / 1024.0,
            envelope.message_id
        );
        let _ = writeln!(
            out,
            "  ledger   {} ({})",
            ledger.shown().display(),
            place.origin().describe()
        );
    }
    for (to, entry) in plan.owed.iter().filter_map(|o| Some((o.to, o.unknown?))) {
        let _ = writeln!(
            out,
            "  note     the outcome of the earlier send to {} <{}> ({}) is unknown: it may have \
             arrived; it is sent again with the same Message-ID {}, so the receiving side can \
             discard a duplicate",
            to.name, to.email, entry.time, entry.message_id
        );
    }
    if !args.send {
        let path = send::outbox_path(&cli.root, &release.slug, kind.name());
        send::write_outbox(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let _ = writeln!(out, "  written  {}", path.display());
        return Ok(exit::OK);
    }

    let connection = Connection {
        smtp,
        ca_file: args.ca_file.clone(),
        timeout: args.timeout.max(Duration::from_millis(100)),
    };
    let server = Server::new(&connection).map_err(|f| f.0)?;
    let appender = ledger.appender().map_err(|e| {
        format!(
            "cannot open the send ledger {} ({}) to record the send: {e}\n  = help: {}",
            ledger.shown().display(),
            place.origin().describe(),
            PLACE_HELP
        )
    })?;
    let job = Job {
        ledger: &ledger,
        appender,
        release: &release.slug,
        kind: kind.name(),
        hash: &composed.hash,
        from: from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("sender address {from}: {e}"))?
            .email,
        run_id: envelope.message_id.clone(),
        snapshot: &composed.snapshot,
    };
    let retry = Retry {
        attempts: args.retries.max(1),
        first_delay: args.retry_delay,
    };
    job.deliver_all(&server, &plan.owed, retry, &mut messages)
}

/// How to put the ledger somewhere else, for errors about its place.
const PLACE_HELP: &str = "make that folder writable for this user, or choose another place for the \
     ledger with `ledger:` in site.yaml, --ledger or GOLIVE_LEDGER";

/// The CI rule (`crate::send::ci`): `Some(exit code)` when this send must stop.
/// Under CI with a ledger that goes with the checkout, a real send refuses
/// (unless --ephemeral-ledger) and a dry run warns.
fn ci_rule(cli: &Cli, args: &Args, place: &crate::send::place::Place) -> Option<i32> {
    let value = std::env::var_os(ci::VARIABLE);
    if !ci::is_ci(value.as_deref()) {
        return None;
    }
    let loss = ci::loss(&cli.root, place)?;
    let value = value.unwrap_or_default();
    let (reason, rule, help) = ci::explain(place, &loss, &value.to_string_lossy());
    let mut err = anstream::stderr();
    if args.ephemeral_ledger {
        let _ = writeln!(
            err,
            "warning: accepted with --ephemeral-ledger: {reason}\n  = rule: {rule}"
        );
        return None;
    }
    if !args.send {
        let _ = writeln!(
            err,
            "warning: under CI, `send --send` would refuse: {reason}\n  = rule: {rule}\n  = help: {help}"
        );
        return None;
    }
    let _ = writeln!(
        err,
        "error: refusing to send under CI: {reason}\n  = rule: {rule}\n  = help: {help}"
    );
    Some(exit::FAILED)
}

/// Takes the ledger's lock, saying so when another send holds it.
fn take_lock(ledger: &Ledger) -> Result<SendLock, String> {
    let shown = ledger.shown_lock_path();
    SendLock::acquire(&ledger.lock_path(), |holder| {
        let who = holder.map(|pid| format!(", pid {pid}")).unwrap_or_default();
        let _ = writeln!(
            anstream::stderr(),
            "waiting for another golive send to finish (it holds {}{who}); this one goes on \
             when that one is done, with whatever is then still owed",
            shown.display()
        );
    })
    .map_err(|e| {
        format!(
            "cannot lock {}: {e}\n  = help: {PLACE_HELP}",
            ledger.shown_lock_path().display()
        )
    })
}
