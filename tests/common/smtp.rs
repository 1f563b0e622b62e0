//! A real SMTP server on 127.0.0.1 for send tests (mailin-embedded), with the
//! behaviours the tests need: STARTTLS with a throw-away certificate, AUTH PLAIN,
//! a recipient to refuse with 550, and temporary 451 failures. Faults mailin cannot
//! produce are in `scripted`.

pub mod scripted;

use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{
    AUTH_OK, AUTHENTICATION_REQUIRED, INVALID_CREDENTIALS, NO_MAILBOX, OK,
};
use mailin_embedded::{AuthMechanism, Handler, Response, Server, SslConfig};

/// What the server should do.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// Offer STARTTLS with a self-signed certificate for 127.0.0.1 / localhost.
    pub starttls: bool,
    /// Require AUTH PLAIN with this user and password.
    pub login: Option<(String, String)>,
    /// Answer RCPT TO for this address with 550.
    pub refuse_recipient: Option<String>,
    /// Answer the first N RCPT commands with 451. (At RCPT rather than at the
    /// end of DATA: after a 451 there, mailin leaves the session unable to QUIT.)
    pub tempfail_first: usize,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Default)]
pub struct Log {
    pub messages: Vec<Received>,
    pub tempfails: usize,
    pub logins: Vec<(String, bool)>,
}

pub struct SmtpServer {
    pub port: u16,
    pub log: Arc<Mutex<Log>>,
    /// The server's certificate, for `--ca-file` (with `starttls`).
    pub cert: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts a server on a free port; it runs until the test process ends.
    pub fn start(behaviour: Behaviour) -> SmtpServer {
        // Both ring and aws-lc-rs are compiled in (through different crates);
        // rustls then needs to be told which one to use.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Log::default()));
        let handler = Sink {
            behaviour: Arc::new(behaviour.clone()),
            log: log.clone(),
            authenticated: false,
            current: None,
        };
        let mut server = Server::new(handler);
        server
            .with_name("golive-test")
            .with_tcp_listener(listener)
            .with_num_threads(4);
        let mut cert = None;
        if behaviour.starttls {
            let generated = rcgen::generate_simple_self_signed(vec![
                "localhost".to_string(),
                "127.0.0.1".to_string(),
            ])
            .unwrap();
            let cert_path = dir.path().join("cert.pem");
            let key_path = dir.path().join("key.pem");
            std::fs::write(&cert_path, generated.cert.pem()).unwrap();
            std::fs::write(&key_path, generated.signing_key.serialize_pem()).unwrap();
            server
                .with_ssl(SslConfig::SelfSigned {
                    cert_path: cert_path.to_string_lossy().into_owned(),
                    key_path: key_path.to_string_lossy().into_owned(),
                })
                .unwrap();
            cert = Some(cert_path);
        }
        if behaviour.login.is_some() {
            server.with_auth(AuthMechanism::Plain);
        }
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer {
            port,
            log,
            cert,
            _dir: dir,
        }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.log.lock().unwrap().messages.clone()
    }
}

#[derive(Clone)]
struct Sink {
    behaviour: Arc<Behaviour>,
    log: Arc<Mutex<Log>>,
    authenticated: bool,
    current: Option<Received>,
}

impl Handler for Sink {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        if self.behaviour.login.is_some() && !self.authenticated {
            return AUTHENTICATION_REQUIRED;
        }
        self.current = Some(Received {
            from: from.to_string(),
            to: Vec::new(),
            data: Vec::new(),
        });
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.behaviour.refuse_recipient.as_deref() == Some(to) {
            return NO_MAILBOX;
        }
        {
            let mut log = self.log.lock().unwrap();
            if log.tempfails < self.behaviour.tempfail_first {
                log.tempfails += 1;
                return Response::custom(451, "Temporary local problem, try again".to_string());
            }
        }
        if let Some(m) = self.current.as_mut() {
            m.to.push(to.to_string());
        }
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(m) = self.current.as_mut() {
            m.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut log = self.log.lock().unwrap();
        if let Some(m) = self.current.take() {
            log.messages.push(m);
        }
        OK
    }

    fn auth_plain(&mut self, _authorization_id: &str, user: &str, password: &str) -> Response {
        let ok = self
            .behaviour
            .login
            .as_ref()
            .is_some_and(|(u, p)| u == user && p == password);
        self.log.lock().unwrap().logins.push((user.to_string(), ok));
        if ok {
            self.authenticated = true;
            AUTH_OK
        } else {
            INVALID_CREDENTIALS
        }
    }
}
