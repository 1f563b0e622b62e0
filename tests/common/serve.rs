//! A real `golive serve` process and raw HTTP over a real `TcpStream`, so that
//! tests see the exact status line and headers the server sends.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use super::Site;

/// How long a test waits for an answer before it calls the server hung. A
/// failure bound only: nothing is measured against it.
pub const ANSWER_LIMIT: Duration = Duration::from_secs(60);

/// A `golive serve --port 0` process, killed when dropped.
pub struct Serving {
    child: Child,
    /// What it announced: `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`.
    pub address: String,
    pub port: u16,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serving {
    /// Starts `golive --root <site> serve --port 0 <extra...>` and waits for the
    /// line that announces its address.
    pub fn start(site: &Site, extra: &[&str]) -> Serving {
        let args: Vec<&str> = [
            "--root",
            site.root.to_str().unwrap(),
            "serve",
            "--port",
            "0",
        ]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
        let mut child = super::golive_command(&args, &std::env::temp_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start golive serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("serve printed its address")
                .expect("utf-8 output");
            if let Some(rest) = line.strip_prefix("serving http://") {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let port = address.rsplit(':').next().unwrap().parse().unwrap();
        Serving {
            child,
            address,
            port,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A number field of `/proc/PID/status` (`Threads`, `VmHWM` in kB, ...).
    pub fn status_field(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/PID/status"))
    }

    /// Opens a connection with the hang bound set on reads and writes.
    pub fn connect(&self) -> TcpStream {
        connect(&self.address)
    }

    /// Sends `request` as it is and reads the answer to the end.
    pub fn exchange(&self, request: &[u8]) -> Response {
        exchange(&self.address, request)
    }

    /// `GET path HTTP/1.1` with a correct Host header.
    pub fn get(&self, path: &str) -> Response {
        self.exchange(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.address
            )
            .as_bytes(),
        )
    }
}

pub fn connect(address: &str) -> TcpStream {
    let stream = TcpStream::connect(address).unwrap_or_else(|e| panic!("connect {address}: {e}"));
    stream.set_read_timeout(Some(ANSWER_LIMIT)).unwrap();
    stream.set_write_timeout(Some(ANSWER_LIMIT)).unwrap();
    stream
}

pub fn exchange(address: &str, request: &[u8]) -> Response {
    let mut stream = connect(address);
    stream.write_all(request).unwrap();
    read_response(&mut stream)
}

/// One parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    /// `HTTP/1.1 405 Method Not Allowed`
    pub status_line: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of a header (names compared without case); `None` if absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads until the server closes the connection and parses what came. A reset
/// after the answer (the server closed with bytes of ours unread) ends it too.
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset && !raw.is_empty() => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!(
                "no complete answer ({e}); got so far: {:?}",
                String::from_utf8_lossy(&raw[..raw.len().min(500)])
            ),
        }
    }
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no end of the response head in {:?}",
                String::from_utf8_lossy(&raw[..raw.len().min(500)])
            )
        });
    let head = std::str::from_utf8(&raw[..end]).expect("an ASCII response head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_string();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .map(|l| {
            let (name, value) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("bad header {l:?}"));
            (name.to_string(), value.trim().to_string())
        })
        .collect();
    Response {
        status_line,
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}
