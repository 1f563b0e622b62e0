//! Reading one request head (request line and header fields) within fixed
//! bounds, then parsing it with `httparse`.
//!
//! The bounds are checked while reading, line by line, so that an oversized
//! head is refused as soon as it crosses one and the rest is never read: memory
//! per connection stays under `MAX_HEAD` whatever a client sends. The body is
//! never read (serve answers GET and HEAD only, and closes every connection).

use std::io::{ErrorKind, Read};

use super::status::Status;

// A head takes at most MAX_REQUEST_LINE + MAX_FIELDS_BYTES + READ_CHUNK bytes
// in memory: the bounds plus the read that crossed one.

/// The request line (method, target, version), leading empty lines included.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// One header field line.
const MAX_FIELD_LINE: usize = 8 * 1024;
/// All header field lines together.
const MAX_FIELDS_BYTES: usize = 32 * 1024;
/// How many header fields.
const MAX_FIELDS: usize = 100;
/// Bytes asked of the socket at a time.
const READ_CHUNK: usize = 4096;

/// A parsed request head. Field names keep their case; compare them without.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1 (httparse knows no other).
    pub minor_version: u8,
    pub fields: Vec<(String, Vec<u8>)>,
}

impl Head {
    /// The values of every field called `name` (without regard to case).
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether a body follows the head (it is never read: the connection is
    /// closed after the answer). Framing that two parsers could read two ways
    /// is an error: a Content-Length that is not one number, or both
    /// Content-Length and Transfer-Encoding.
    pub fn declared_body(&self) -> Result<bool, &'static str> {
        let chunked = self.values("transfer-encoding").next().is_some();
        let mut length: Option<u64> = None;
        for part in self
            .values("content-length")
            .flat_map(|v| v.split(|b| *b == b','))
        {
            let part = part.trim_ascii();
            let n = std::str::from_utf8(part)
                .ok()
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u64>().ok())
                .ok_or("the Content-Length is not a number")?;
            if length.is_some_and(|l| l != n) {
                return Err("the Content-Length fields disagree");
            }
            length = Some(n);
        }
        if chunked && length.is_some() {
            return Err("the request has both Content-Length and Transfer-Encoding");
        }
        Ok(chunked || length.is_some_and(|n| n > 0))
    }
}

/// Why no head was read.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// The client closed the connection (or reset it) before sending a byte:
    /// there is no one to answer.
    Closed,
    /// Answer with this status and explanation, then close.
    Refused(Status, &'static str),
}

/// Reads and parses one request head from `reader`. The reader enforces the
/// time limit: a timed-out read (`WouldBlock` or `TimedOut`) is answered 408.
pub fn read(reader: &mut impl Read) -> Result<Head, Failure> {
    let raw = read_raw(reader)?;
    parse(&raw)
}

/// Reads until the empty line that ends the head, checking the bounds after
/// every read. Returns the head's bytes (and whatever followed in the last read).
fn read_raw(reader: &mut impl Read) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::with_capacity(READ_CHUNK);
    let mut lines = LineCheck::default();
    let mut chunk = [0u8; READ_CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Err(Failure::Closed),
            Ok(0) => {
                return Err(Failure::Refused(
                    Status::BAD_REQUEST,
                    "the connection closed before the end of the request head",
                ));
            }
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(Failure::Refused(Status::REQUEST_TIMEOUT, TIMEOUT));
            }
            Err(_) if buf.is_empty() => return Err(Failure::Closed),
            Err(_) => {
                return Err(Failure::Refused(
                    Status::BAD_REQUEST,
                    "the connection failed before the end of the request head",
                ));
            }
        };
        let from = buf.len();
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = lines.scan(&buf, from)? {
            buf.truncate(end);
            return Ok(buf);
        }
    }
}

const TIMEOUT: &str = "the request head did not arrive in time";
const LINE_TOO_LONG: &str = "the request line is longer than 8 KiB";
const FIELD_TOO_LONG: &str = "a header field is longer than 8 KiB";
const FIELDS_TOO_LARGE: &str = "the header fields take more than 32 KiB in all";
const TOO_MANY_FIELDS: &str = "the request has more than 100 header fields";

/// Where the scan of the head has got to.
#[derive(Default)]
struct LineCheck {
    /// Start of the line being read.
    line_start: usize,
    /// End of the request line (after its newline), once seen.
    request_line_end: Option<usize>,
    fields: usize,
}

impl LineCheck {
    /// Checks the lines completed by the bytes from `from` on, then the line
    /// still open, so that a bound is caught whether a line ends in the same
    /// read or not. Returns the end of the head once its empty line is in.
    ///
    /// Line lengths do not count the line end (CRLF or LF). The request line
    /// counts from the first byte (empty lines before it included); the
    /// fields' total counts every field line with its line end.
    fn scan(&mut self, buf: &[u8], from: usize) -> Result<Option<usize>, Failure> {
        for at in (from..buf.len()).filter(|&i| buf[i] == b'\n') {
            let line = &buf[self.line_start..at];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match self.request_line_end {
                None if self.line_start + line.len() > MAX_REQUEST_LINE => {
                    return Err(uri_too_long());
                }
                // Empty lines before the request line are allowed (RFC 9112, 2.2).
                None if line.is_empty() => {}
                None => self.request_line_end = Some(at + 1),
                Some(_) if line.is_empty() => return Ok(Some(at + 1)),
                Some(start) => {
                    self.fields += 1;
                    if self.fields > MAX_FIELDS {
                        return Err(too_large(TOO_MANY_FIELDS));
                    }
                    if line.len() > MAX_FIELD_LINE {
                        return Err(too_large(FIELD_TOO_LONG));
                    }
                    if at + 1 - start > MAX_FIELDS_BYTES {
                        return Err(too_large(FIELDS_TOO_LARGE));
                    }
                }
            }
            self.line_start = at + 1;
        }
        // The open line may yet end in CR LF: one byte of grace for its CR.
        let open = buf.len() - self.line_start;
        match self.request_line_end {
            None if buf.len() > MAX_REQUEST_LINE + 1 => Err(uri_too_long()),
            Some(_) if open > MAX_FIELD_LINE + 1 => Err(too_large(FIELD_TOO_LONG)),
            Some(start) if buf.len() - start > MAX_FIELDS_BYTES + 1 => {
                Err(too_large(FIELDS_TOO_LARGE))
            }
            _ => Ok(None),
        }
    }
}

fn uri_too_long() -> Failure {
    Failure::Refused(Status::URI_TOO_LONG, LINE_TOO_LONG)
}

fn too_large(why: &'static str) -> Failure {
    Failure::Refused(Status::HEADER_FIELDS_TOO_LARGE, why)
}

/// Parses a complete head with httparse, which is strict about tokens: no
/// control characters in the target or field values, no spaces in names, no
/// folded lines, HTTP/1.0 or 1.1 only.
fn parse(raw: &[u8]) -> Result<Head, Failure> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_FIELDS];
    let mut request = httparse::Request::new(&mut fields);
    let malformed = |why| Failure::Refused(Status::BAD_REQUEST, why);
    match request.parse(raw) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(malformed("the request head is incomplete")),
        Err(httparse::Error::TooManyHeaders) => return Err(too_large(TOO_MANY_FIELDS)),
        Err(httparse::Error::Version) => {
            return Err(malformed("only HTTP/1.0 and HTTP/1.1 are spoken here"));
        }
        Err(httparse::Error::HeaderName | httparse::Error::HeaderValue) => {
            return Err(malformed("a header field is malformed"));
        }
        Err(_) => return Err(malformed("the request line is malformed")),
    }
    let (Some(method), Some(target), Some(minor_version)) =
        (request.method, request.path, request.version)
    else {
        return Err(malformed("the request line is malformed"));
    };
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        minor_version,
        fields: request
            .headers
            .iter()
            .map(|h| (h.name.to_string(), h.value.to_vec()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(raw: &[u8]) -> Result<Head, Option<u16>> {
        read(&mut &raw[..]).map_err(|f| match f {
            Failure::Closed => None,
            Failure::Refused(status, _) => Some(status.code),
        })
    }

    /// A reader that hands out `total` bytes of `filler` after `prefix`, and
    /// counts how many it gave.
    struct Endless<'a> {
        prefix: &'a [u8],
        filler: u8,
        given: usize,
    }

    impl Read for Endless<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len();
            for (i, b) in buf.iter_mut().enumerate() {
                *b = *self.prefix.get(self.given + i).unwrap_or(&self.filler);
            }
            self.given += n;
            Ok(n)
        }
    }

    #[test]
    fn a_plain_head_is_parsed() {
        let head = status_of(b"GET /a?b HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\nBODY").unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/a?b");
        assert_eq!(head.minor_version, 1);
        assert_eq!(head.values("host").collect::<Vec<_>>(), [b"x"]);
        // Leading empty lines and bare LF line ends are tolerated.
        let head = status_of(b"\r\n\nGET / HTTP/1.0\nHost: y\n\n").unwrap();
        assert_eq!(head.minor_version, 0);
    }

    #[test]
    fn bounds_are_enforced_while_reading() {
        for (prefix, filler, code, bound) in [
            (&b"GET /"[..], b'a', 414, MAX_REQUEST_LINE),
            (&b"\r\n"[..], b'\n', 414, MAX_REQUEST_LINE),
            (&b"GET / HTTP/1.1\r\nX: "[..], b'v', 431, MAX_FIELD_LINE),
        ] {
            let mut endless = Endless {
                prefix,
                filler,
                given: 0,
            };
            let got = read(&mut endless);
            assert!(
                matches!(got, Err(Failure::Refused(s, _)) if s.code == code),
                "{got:?}"
            );
            assert!(
                endless.given <= bound + 2 * READ_CHUNK,
                "read {} bytes for a bound of {bound}",
                endless.given
            );
        }
    }

    /// A reader that hands out at most `step` bytes a read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// The status for `raw` read in steps of 1, 7, 1000 and 4096 bytes: the
    /// same for all, wherever a read happens to end.
    fn status_in_steps(raw: &[u8]) -> u16 {
        let codes: Vec<u16> = [1, 7, 1000, READ_CHUNK]
            .into_iter()
            .map(|step| match read(&mut Trickle { data: raw, step }) {
                Ok(_) => 200,
                Err(Failure::Refused(status, _)) => status.code,
                Err(Failure::Closed) => 0,
            })
            .collect();
        assert!(codes.iter().all(|c| *c == codes[0]), "{codes:?}");
        codes[0]
    }

    fn with_fields(fields: &str) -> Vec<u8> {
        format!("GET / HTTP/1.1\r\n{fields}\r\n").into_bytes()
    }

    /// A field line of `len` bytes, CRLF not counted.
    fn field(name: &str, len: usize) -> String {
        format!("{name}: {}\r\n", "v".repeat(len - name.len() - 2))
    }

    #[test]
    fn limits_hold_exactly_wherever_reads_end() {
        let request_line = |len: usize| {
            format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(len - 14)).into_bytes()
        };
        assert_eq!(status_in_steps(&request_line(MAX_REQUEST_LINE)), 200);
        assert_eq!(status_in_steps(&request_line(MAX_REQUEST_LINE + 1)), 414);
        let mut leading = b"\r\n".repeat(10);
        leading.extend(request_line(MAX_REQUEST_LINE - 20));
        assert_eq!(status_in_steps(&leading), 200);
        leading.splice(0..0, *b"\n");
        assert_eq!(status_in_steps(&leading), 414, "empty lines count");

        assert_eq!(
            status_in_steps(&with_fields(&field("X", MAX_FIELD_LINE))),
            200
        );
        assert_eq!(
            status_in_steps(&with_fields(&field("X", MAX_FIELD_LINE + 1))),
            431
        );

        // Four lines of 8000 bytes and one more, each with its CRLF: 32 KiB exactly.
        let mut total: String = (0..4).map(|i| field(&format!("X-{i}"), 8000)).collect();
        total.push_str(&field("Y", MAX_FIELDS_BYTES - 4 * 8002 - 2));
        assert_eq!(total.len(), MAX_FIELDS_BYTES);
        assert_eq!(status_in_steps(&with_fields(&total)), 200);
        let over = total.replacen("Y: ", "Y: v", 1);
        assert_eq!(status_in_steps(&with_fields(&over)), 431);

        let fit: String = (0..MAX_FIELDS).map(|i| format!("X-{i}: 1\r\n")).collect();
        assert_eq!(status_in_steps(&with_fields(&fit)), 200);
        let many: String = (0..=MAX_FIELDS).map(|i| format!("X-{i}: 1\r\n")).collect();
        assert_eq!(status_in_steps(&with_fields(&many)), 431);
    }

    #[test]
    fn malformed_heads_are_400_and_silence_is_closed() {
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET /\r\n\r\n",
            b"GET / HTTP/2.0\r\n\r\n",
            b"GET / HTTP/1.1\r\nNo colon\r\n\r\n",
            b"GET / HTTP/1.1\r\n folded: x\r\n\r\n",
            b"GET /\x01 HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nX: \x07\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\n",
        ] {
            assert_eq!(
                status_of(raw).unwrap_err(),
                Some(400),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        assert_eq!(status_of(b"").unwrap_err(), None);
    }
}
