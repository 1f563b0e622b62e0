//! Opening an SMTP session with lettre's lower-level client: connect (implicit TLS
//! or plain), STARTTLS when required, then AUTH when site.yaml names credentials.
//! golive drives the transaction itself (see `transaction`) to know in which phase a
//! failure happened, which lettre's `SmtpTransport::send_raw` hides.

use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::{ClientId, Extension};

use super::explain::{Cause, cause, code_and_text, describe, is_login_failure};
use super::{Connection, Fatal};
use crate::config::site::Tls;

enum Security {
    /// Loopback test servers only.
    Plain,
    Starttls(TlsParameters),
    Implicit(TlsParameters),
}

/// A server to open sessions with; credentials never leave this value.
pub struct Server {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    /// Names of the variables the login came from, for messages.
    login_vars: String,
    pub timeout: Duration,
    hello: ClientId,
}

impl Server {
    pub fn new(connection: &Connection) -> Result<Server, Fatal> {
        let smtp = &connection.smtp;
        let tls_parameters = || -> Result<TlsParameters, Fatal> {
            let mut builder = TlsParameters::builder(smtp.host.clone());
            if let Some(path) = &connection.ca_file {
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
        let security = match smtp.tls {
            Tls::Starttls => Security::Starttls(tls_parameters()?),
            Tls::Tls => Security::Implicit(tls_parameters()?),
            Tls::None if smtp.is_loopback() => Security::Plain,
            Tls::None => {
                return Err(Fatal(format!(
                    "refusing to send in clear text to {}: `tls: none` is for loopback test servers only",
                    smtp.host
                )));
            }
        };
        let login_vars = match (&smtp.username_env, &smtp.password_env) {
            (Some(u), Some(p)) => format!("${u} / ${p}"),
            _ => String::new(),
        };
        Ok(Server {
            host: smtp.host.clone(),
            port: smtp.port,
            security,
            credentials: super::credentials(smtp)?,
            login_vars,
            timeout: connection.timeout,
            hello: ClientId::default(),
        })
    }

    /// `host:port`, for messages.
    pub fn name(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// A session ready for MAIL FROM: connected, encrypted as configured, logged in.
    pub fn open(&self) -> Result<SmtpConnection, Fatal> {
        let name = self.name();
        let failed = |e: lettre::transport::smtp::Error| {
            let why = describe(&e, &name, self.timeout);
            let hint = match cause(&e) {
                Cause::Timeout | Cause::Refused => {
                    "; check host and port in site.yaml's smtp block and that the server is up, \
                     or allow it longer with --timeout"
                }
                _ => "",
            };
            Fatal(format!("{why}{hint}"))
        };
        let implicit = match &self.security {
            Security::Implicit(parameters) => Some(parameters),
            _ => None,
        };
        let mut session = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            implicit,
            None,
        )
        .map_err(failed)?;
        if let Security::Starttls(parameters) = &self.security {
            if !session.server_info().supports_feature(Extension::StartTls) {
                return Err(Fatal(format!(
                    "the SMTP server {name} does not offer STARTTLS, which `tls: starttls` requires; \
                     check the port (STARTTLS is usually on 587), or use `tls: tls` for a server \
                     that speaks TLS from the start (usually port 465)"
                )));
            }
            session.starttls(parameters, &self.hello).map_err(failed)?;
        }
        if let Some(credentials) = &self.credentials {
            self.log_in(&mut session, credentials)?;
        }
        Ok(session)
    }

    fn log_in(&self, session: &mut SmtpConnection, credentials: &Credentials) -> Result<(), Fatal> {
        let name = self.name();
        let offered = DEFAULT_MECHANISMS
            .iter()
            .any(|m| session.server_info().supports_auth_mechanism(*m));
        if !offered {
            let where_ = match self.security {
                Security::Plain => {
                    "; many servers offer AUTH only after STARTTLS (`tls: starttls`, port 587) or over implicit TLS (`tls: tls`, port 465)"
                }
                _ => "; check that site.yaml's port is the server's submission port (587 or 465)",
            };
            return Err(Fatal(format!(
                "the SMTP server {name} offers no login (AUTH) that golive can use (PLAIN or LOGIN), but site.yaml names \
                 credentials ({}){where_}; if this server needs no login, remove username_env and \
                 password_env from site.yaml",
                self.login_vars
            )));
        }
        match session.auth(DEFAULT_MECHANISMS, credentials) {
            Ok(_) => Ok(()),
            Err(e) if is_login_failure(&e) => Err(Fatal(format!(
                "the SMTP server {name} refused the login ({}); check the user and password in {}",
                code_and_text(&e),
                self.login_vars
            ))),
            Err(e) => Err(Fatal(describe(&e, &name, self.timeout))),
        }
    }
}
