//! Send: hand a composed email to the SMTP server in site.yaml with lettre.
//!
//! One envelope per recipient, so each recipient's outcome is known and recorded
//! in the ledger; temporary (4xx) failures are retried with backoff. Credentials
//! come only from the environment variables that site.yaml names and are never
//! printed or stored. A real send runs under the ledger's lock (`lock`).

pub mod ledger;
pub mod lock;

use std::path::Path;
use std::time::Duration;

use lettre::Transport;
use lettre::address::Envelope as SmtpEnvelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls as LettreTls, TlsParameters};
use lettre::transport::smtp::{Error as SmtpError, SmtpTransport};

use crate::config::site::{SmtpConfig, Tls};
use crate::email::Address;

/// How to reach the server.
pub struct Connection {
    pub smtp: SmtpConfig,
    /// An extra CA certificate (PEM) to trust, e.g. a company CA or a test server's.
    pub ca_file: Option<std::path::PathBuf>,
    /// Connect and per-command timeout.
    pub timeout: Duration,
}

/// What happened to one recipient.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Delivered,
    /// The server refused it for good (5xx), or retries ran out (4xx).
    Failed(String),
}

/// A failure that stops the whole send: no point trying other recipients.
#[derive(Debug)]
pub struct Fatal(pub String);

impl Connection {
    /// A lettre transport for this server, with credentials from the environment.
    pub fn transport(&self) -> Result<SmtpTransport, Fatal> {
        let smtp = &self.smtp;
        let tls_parameters = || -> Result<TlsParameters, Fatal> {
            let mut builder = TlsParameters::builder(smtp.host.clone());
            if let Some(path) = &self.ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| Fatal(format!("cannot read CA file {}: {e}", path.display())))?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    Fatal(format!(
                        "CA file {} is not a PEM certificate: {e}",
                        path.display()
                    ))
                })?;
                builder = builder.add_root_certificate(cert);
            }
            builder
                .build()
                .map_err(|e| Fatal(format!("TLS setup failed: {e}")))
        };
        let tls = match smtp.tls {
            Tls::Starttls => LettreTls::Required(tls_parameters()?),
            Tls::Tls => LettreTls::Wrapper(tls_parameters()?),
            Tls::None if smtp.is_loopback() => LettreTls::None,
            Tls::None => {
                return Err(Fatal(format!(
                    "refusing to send in clear text to {}: `tls: none` is for loopback test servers only",
                    smtp.host
                )));
            }
        };
        let mut builder = SmtpTransport::builder_dangerous(smtp.host.clone())
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(self.timeout));
        if let Some(credentials) = credentials(smtp)? {
            builder = builder.credentials(credentials);
        }
        Ok(builder.build())
    }
}

/// User and password from the variables site.yaml names; both or neither.
fn credentials(smtp: &SmtpConfig) -> Result<Option<Credentials>, Fatal> {
    let read = |name: &Option<String>| -> Result<Option<String>, Fatal> {
        match name {
            None => Ok(None),
            Some(var) => std::env::var(var)
                .map(Some)
                .map_err(|_| Fatal(format!("environment variable {var} is not set (site.yaml smtp names it for the SMTP login); export it, or remove it from site.yaml"))),
        }
    };
    match (read(&smtp.username_env)?, read(&smtp.password_env)?) {
        (Some(user), Some(password)) => Ok(Some(Credentials::new(user, password))),
        (None, None) => Ok(None),
        _ => Err(Fatal(
            "site.yaml smtp names only one of username_env and password_env; name both".into(),
        )),
    }
}

/// How often, and how patiently, to retry temporary failures.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
}

/// Sends `message` to one recipient, retrying 4xx answers with doubling delays.
pub fn deliver(
    transport: &SmtpTransport,
    from: &str,
    to: &Address,
    message: &[u8],
    retry: Retry,
    mut on_retry: impl FnMut(u32, &str),
) -> Result<Delivery, Fatal> {
    let envelope = SmtpEnvelope::new(
        Some(
            from.parse::<lettre::message::Mailbox>()
                .map_err(|e| Fatal(format!("sender address {from}: {e}")))?
                .email,
        ),
        vec![
            to.email
                .parse()
                .map_err(|e| Fatal(format!("recipient {}: {e}", to.email)))?,
        ],
    )
    .map_err(|e| Fatal(format!("envelope: {e}")))?;
    let mut delay = retry.first_delay;
    let mut attempt = 1;
    loop {
        match transport.send_raw(&envelope, message) {
            Ok(_) => return Ok(Delivery::Delivered),
            Err(e) if is_login_failure(&e) => {
                return Err(Fatal(format!(
                    "the server refused the login: {}",
                    explain(&e)
                )));
            }
            Err(e) if e.is_transient() && attempt < retry.attempts => {
                on_retry(attempt, &explain(&e));
                std::thread::sleep(delay);
                delay *= 2;
                attempt += 1;
            }
            Err(e) if e.is_transient() => {
                return Ok(Delivery::Failed(format!(
                    "{} (gave up after {attempt} attempts)",
                    explain(&e)
                )));
            }
            Err(e) if e.is_permanent() => return Ok(Delivery::Failed(explain(&e))),
            Err(e) => {
                let why = explain(&e);
                let hint = if why.contains("CaUsedAsEndEntity") {
                    "; the server's certificate is marked as a CA (as `openssl req -x509` makes by default), \
                     which TLS clients refuse as a server certificate: reissue it with \
                     `-addext basicConstraints=critical,CA:FALSE`"
                } else if why.contains("UnknownIssuer") {
                    "; the server's certificate is not signed by a CA golive trusts: pass its CA with --ca-file"
                } else {
                    ""
                };
                return Err(Fatal(format!(
                    "cannot talk to the SMTP server: {why}{hint}"
                )));
            }
        }
    }
}

fn is_login_failure(e: &SmtpError) -> bool {
    e.status().is_some_and(|code| {
        let code = code.to_string();
        code == "535" || code == "534" || code == "530"
    })
}

/// lettre's message, with its nested causes.
fn explain(e: &SmtpError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// Where the dry run writes the message it would send.
pub fn outbox_path(root: &Path, slug: &str, kind: &str) -> std::path::PathBuf {
    root.join(".golive")
        .join("outbox")
        .join(format!("{slug}-{kind}.eml"))
}
