//! A small scripted SMTP server on 127.0.0.1 for the faults mailin-embedded cannot
//! produce: silence, a connection dropped after the message body, silence after the
//! final dot, no AUTH offered, and a session held until the test releases it.
//!
//! It is a real peer on a real socket speaking SMTP line by line (plain text, no
//! TLS); golive talks to it exactly as to any server. Each accepted connection is a
//! session, numbered from 0; `Script::faults[n]` says how session n misbehaves
//! (sessions past the list behave normally).

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

use super::super::HANG_LIMIT;

/// How one session misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fault {
    /// Answers like a normal server.
    #[default]
    None,
    /// Accepts the connection and never says anything, not even the greeting.
    Silent,
    /// Holds its answer to the first RCPT until `release()`, then carries on normally.
    HoldAtRcpt,
    /// Reads the whole message, then closes the connection without answering the final dot.
    DropAfterBody,
    /// Reads the whole message, then says nothing until the client goes away.
    SilentAfterBody,
}

/// What the server does.
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// Faults of sessions 0, 1, ...; later sessions behave normally.
    pub faults: Vec<Fault>,
    /// Offer `AUTH PLAIN LOGIN` in the EHLO answer (and accept any login).
    pub offer_auth: bool,
}

/// One message body the server read, whether or not it answered the final dot.
#[derive(Debug, Clone)]
pub struct Received {
    pub session: usize,
    pub to: Vec<String>,
    pub data: Vec<u8>,
    /// The server answered 250 to the final dot.
    pub accepted: bool,
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    released: Mutex<bool>,
    release: Condvar,
}

pub struct ScriptedServer {
    pub port: u16,
    shared: Arc<Shared>,
    /// A session sends its number here when it reaches its fault (held, or body read).
    reached: Mutex<mpsc::Receiver<usize>>,
}

impl ScriptedServer {
    /// Starts the server on a free port; it runs until the test process ends.
    pub fn start(script: Script) -> ScriptedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let (reached_tx, reached_rx) = mpsc::channel();
        let sessions = Arc::new(AtomicUsize::new(0));
        let accept_shared = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let number = sessions.fetch_add(1, Ordering::SeqCst);
                let fault = script.faults.get(number).copied().unwrap_or_default();
                let session = Session {
                    number,
                    fault,
                    offer_auth: script.offer_auth,
                    shared: accept_shared.clone(),
                    reached: reached_tx.clone(),
                };
                std::thread::spawn(move || {
                    let _ = session.run(stream);
                });
            }
        });
        ScriptedServer {
            port,
            shared,
            reached: Mutex::new(reached_rx),
        }
    }

    /// Every message body read so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The bodies the server accepted (answered 250 to the final dot).
    pub fn accepted(&self) -> Vec<Received> {
        self.received().into_iter().filter(|m| m.accepted).collect()
    }

    /// Blocks until some session reaches its fault; its number. Panics after
    /// `HANG_LIMIT` (a failure bound, not a timing assumption).
    pub fn wait_for_fault(&self) -> usize {
        self.reached
            .lock()
            .unwrap()
            .recv_timeout(HANG_LIMIT)
            .expect("no session reached its fault")
    }

    /// Lets held sessions carry on.
    pub fn release(&self) {
        *self.shared.released.lock().unwrap() = true;
        self.shared.release.notify_all();
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        // Never leave a session thread waiting on a test that has gone.
        self.release();
    }
}

struct Session {
    number: usize,
    fault: Fault,
    offer_auth: bool,
    shared: Arc<Shared>,
    reached: mpsc::Sender<usize>,
}

impl Session {
    fn run(self, stream: TcpStream) -> std::io::Result<()> {
        let mut out = stream.try_clone()?;
        let mut input = BufReader::new(stream);
        let mut line = String::new();
        if self.fault == Fault::Silent {
            // Read (and ignore) until the client gives up.
            while input.read_line(&mut line)? > 0 {
                line.clear();
            }
            return Ok(());
        }
        out.write_all(b"220 scripted.test ESMTP\r\n")?;
        let mut to = Vec::new();
        let mut held = false;
        loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("EHLO") {
                let auth = if self.offer_auth {
                    "250-AUTH PLAIN LOGIN\r\n"
                } else {
                    ""
                };
                write!(
                    out,
                    "250-scripted.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n{auth}250 HELP\r\n"
                )?;
            } else if command.starts_with("HELO") {
                out.write_all(b"250 scripted.test\r\n")?;
            } else if command.starts_with("AUTH") && self.offer_auth {
                out.write_all(b"235 2.7.0 Authentication successful\r\n")?;
            } else if command.starts_with("MAIL FROM:") || command.starts_with("RSET") {
                to.clear();
                out.write_all(b"250 OK\r\n")?;
            } else if command.starts_with("RCPT TO:") {
                if self.fault == Fault::HoldAtRcpt && !held {
                    held = true;
                    let _ = self.reached.send(self.number);
                    self.wait_for_release();
                }
                let address = line.trim_end()["RCPT TO:".len()..]
                    .trim()
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                to.push(address);
                out.write_all(b"250 OK\r\n")?;
            } else if command == "DATA" {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let data = read_body(&mut input)?;
                let accepted = !matches!(self.fault, Fault::DropAfterBody | Fault::SilentAfterBody);
                self.shared.received.lock().unwrap().push(Received {
                    session: self.number,
                    to: std::mem::take(&mut to),
                    data,
                    accepted,
                });
                match self.fault {
                    Fault::DropAfterBody => {
                        let _ = self.reached.send(self.number);
                        return out.shutdown(Shutdown::Both);
                    }
                    Fault::SilentAfterBody => {
                        let _ = self.reached.send(self.number);
                        while input.read_line(&mut line)? > 0 {
                            line.clear();
                        }
                        return Ok(());
                    }
                    _ => out.write_all(b"250 OK queued\r\n")?,
                }
            } else if command.starts_with("NOOP") {
                out.write_all(b"250 OK\r\n")?;
            } else if command.starts_with("QUIT") {
                out.write_all(b"221 Bye\r\n")?;
                return Ok(());
            } else {
                out.write_all(b"502 Command not implemented\r\n")?;
            }
        }
    }

    fn wait_for_release(&self) {
        let mut released = self.shared.released.lock().unwrap();
        while !*released {
            released = self.shared.release.wait(released).unwrap();
        }
    }
}

/// The message up to the lone `.` line, with dot-stuffing undone.
fn read_body(input: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(data);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(unstuffed);
    }
}
