//! One connection, start to end: read the head within its time limit,
//! answer within another, close. Every connection carries one request.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use super::Preview;
use super::head::{self, Failure};
use super::reply::Reply;
use super::route::route;
use super::status::Status;

/// The whole request head must arrive within this, however it trickles in
/// (a per-read timeout alone lets a client send a byte every few seconds and
/// hold a worker for ever).
pub const HEAD_TIME_LIMIT: Duration = Duration::from_secs(10);
/// Writing the answer may take this long in all, against clients that read
/// slowly or not at all.
const RESPONSE_TIME_LIMIT: Duration = Duration::from_secs(120);
/// After refusing a request whose rest is still coming, read and discard up
/// to this much, for up to LINGER_TIME, before closing: closing with unread
/// data sends a reset, which can make the client lose the answer.
const LINGER_BYTES: usize = 256 * 1024;
const LINGER_TIME: Duration = Duration::from_secs(1);

pub fn serve(stream: TcpStream, preview: &Preview) {
    let arrived_on = stream.local_addr().ok().map(|a| a.ip());
    let head = head::read(&mut Deadline::after(&stream, HEAD_TIME_LIMIT));
    let (reply, head_only, more_coming) = match head {
        Ok(head) => (
            route(&head, arrived_on, preview),
            head.method == "HEAD",
            head.declared_body().unwrap_or(true),
        ),
        Err(Failure::Closed) => return,
        Err(Failure::Refused(status, why)) => (
            Reply::text(status, why),
            false,
            status != Status::REQUEST_TIMEOUT,
        ),
    };
    let sent = reply.send(
        &mut Deadline::after(&stream, RESPONSE_TIME_LIMIT),
        head_only,
    );
    if sent.is_ok() && more_coming {
        linger(&stream);
    }
}

/// Turns a connection away at once, from the accepting thread, when every
/// worker is busy and the queue is full: 503 and close, never a wait.
pub fn turn_away(stream: TcpStream) {
    // A fresh socket's send buffer takes this small answer without blocking;
    // if not, it is dropped rather than hold up the acceptor.
    let _ = stream.set_nonblocking(true);
    let reply = Reply::text(
        Status::SERVICE_UNAVAILABLE,
        "busy with other requests; try again in a moment",
    )
    .with_header("Retry-After", "1");
    let _ = reply.send(&mut &stream, false);
    // Take what has already arrived, so that closing does not reset the answer away.
    let mut buf = [0u8; 8192];
    for _ in 0..8 {
        if !matches!((&stream).read(&mut buf), Ok(n) if n > 0) {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Write);
}

/// Ends our side, then reads and discards a bounded amount of what the client
/// is still sending, so that the answer reaches it before the close.
fn linger(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let mut reader = Deadline::after(stream, LINGER_TIME);
    let mut left = LINGER_BYTES;
    let mut buf = [0u8; 8192];
    while left > 0 {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// Reads and writes on a socket that fail once a moment has passed, however
/// the time is spread over single reads or writes.
struct Deadline<'a> {
    stream: &'a TcpStream,
    until: Instant,
}

impl<'a> Deadline<'a> {
    fn after(stream: &'a TcpStream, limit: Duration) -> Deadline<'a> {
        Deadline {
            stream,
            until: Instant::now() + limit,
        }
    }

    fn time_left(&self) -> io::Result<Duration> {
        self.until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
            .ok_or_else(|| io::Error::from(ErrorKind::TimedOut))
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.time_left()?))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

impl Write for Deadline<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.time_left()?))?;
        let mut stream = self.stream;
        stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
