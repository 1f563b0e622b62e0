//! A response and how it is written: always `Connection: close`, always
//! `Cache-Control: no-store` (a preview must never show a stale page), and
//! files streamed from disk rather than read into memory.

use std::fs::File;
use std::io::{self, Read, Write};

use super::status::Status;

pub struct Reply {
    pub status: Status,
    pub content_type: &'static str,
    /// Beyond the ones every response has.
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

pub enum Body {
    Bytes(Vec<u8>),
    /// `len` bytes of `file`, with `insert` added at its offset.
    File {
        file: File,
        len: u64,
        insert: Option<(u64, Vec<u8>)>,
    },
}

impl Reply {
    pub fn new(status: Status, content_type: &'static str, body: Body) -> Reply {
        Reply {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    /// A short plain-text answer: what happened and what to do.
    pub fn text(status: Status, message: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            Body::Bytes(format!("golive serve: {message}\n").into_bytes()),
        )
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }

    fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { len, insert, .. } => {
                len + insert.as_ref().map_or(0, |(_, extra)| extra.len() as u64)
            }
        }
    }

    /// Writes the status line, the headers and (unless `head_only`, for HEAD)
    /// the body. A file that turns out shorter than announced is an error, so
    /// the caller closes the connection rather than leave the client waiting.
    pub fn send(self, out: &mut impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status.code,
            self.status.reason,
            chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT"),
            self.content_type,
            self.len(),
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if head_only {
            return out.flush();
        }
        match self.body {
            Body::Bytes(bytes) => out.write_all(&bytes)?,
            Body::File { file, len, insert } => {
                let (at, extra) = insert.unwrap_or((len, Vec::new()));
                let mut file = file.take(len);
                copy_exactly(&mut file, out, at)?;
                out.write_all(&extra)?;
                copy_exactly(&mut file, out, len - at)?;
            }
        }
        out.flush()
    }
}

fn copy_exactly(from: &mut impl Read, to: &mut impl Write, n: u64) -> io::Result<()> {
    let copied = io::copy(&mut from.take(n), to)?;
    if copied == n {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the file shrank while it was sent",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_only_announces_the_length_and_sends_no_body() {
        let mut out = Vec::new();
        Reply::text(Status::NOT_FOUND, "nothing here")
            .with_header("Allow", "GET, HEAD")
            .send(&mut out, true)
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("HTTP/1.1 404 Not Found\r\n"), "{out}");
        assert!(out.contains("\r\nContent-Length: 27\r\n"), "{out}");
        assert!(out.ends_with("\r\nAllow: GET, HEAD\r\n\r\n"), "{out}");
    }

    #[test]
    fn a_file_is_sent_with_its_insert() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"<body>x</body>").unwrap();
        std::io::Seek::rewind(&mut file).unwrap();
        let reply = Reply::new(
            Status::OK,
            "text/html",
            Body::File {
                file,
                len: 14,
                insert: Some((7, b"<s>".to_vec())),
            },
        );
        let mut out = Vec::new();
        reply.send(&mut out, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("Content-Length: 17\r\n"), "{out}");
        assert!(out.ends_with("\r\n\r\n<body>x<s></body>"), "{out}");
    }

    #[test]
    fn a_file_shorter_than_announced_is_an_error() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"short").unwrap();
        std::io::Seek::rewind(&mut file).unwrap();
        let reply = Reply::new(
            Status::OK,
            "text/plain",
            Body::File {
                file,
                len: 50,
                insert: None,
            },
        );
        assert!(reply.send(&mut Vec::new(), false).is_err());
    }
}
