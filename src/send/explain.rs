//! lettre's SMTP errors in plain words. A timeout is "did not answer within 30 s",
//! not `os error 11`; a dropped connection is "closed the connection"; a server's
//! refusal quotes its code and text.

use std::io;
use std::time::Duration;

use lettre::transport::smtp::Error as SmtpError;

/// What went wrong, for a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// No answer within the timeout.
    Timeout,
    /// The server (or the network) closed the connection.
    Closed,
    /// Nothing accepts connections at that address.
    Refused,
    /// The server answered with an SMTP error code.
    Answer,
    /// TLS could not be set up.
    Tls,
    Other,
}

pub fn cause(e: &SmtpError) -> Cause {
    if e.status().is_some() {
        return Cause::Answer;
    }
    if let Some(kind) = io_kind(e) {
        return match kind {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Cause::Timeout,
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof => Cause::Closed,
            io::ErrorKind::ConnectionRefused => Cause::Refused,
            _ => Cause::Other,
        };
    }
    if e.is_tls() {
        return Cause::Tls;
    }
    // lettre's words when the server closes the connection before a whole answer.
    if e.is_response() && chain(e).contains("incomplete response") {
        return Cause::Closed;
    }
    Cause::Other
}

/// One sentence about `e`, naming `server` (`host:port`).
pub fn describe(e: &SmtpError, server: &str, timeout: Duration) -> String {
    match cause(e) {
        Cause::Timeout => format!(
            "the SMTP server {server} did not answer within {} s (--timeout)",
            timeout.as_secs_f64()
        ),
        Cause::Closed => format!("the SMTP server {server} closed the connection"),
        Cause::Refused => format!("nothing accepts connections at {server} (connection refused)"),
        Cause::Answer => answer(e),
        Cause::Tls => format!(
            "cannot talk to the SMTP server {server} over TLS: {}{}",
            chain(e),
            tls_hint(e)
        ),
        Cause::Other => format!(
            "cannot talk to the SMTP server {server}: {}{}",
            chain(e),
            tls_hint(e)
        ),
    }
}

/// `the server answered 550 5.1.1 no such user`.
pub fn answer(e: &SmtpError) -> String {
    format!("the server answered {}", code_and_text(e))
}

/// The server's answer as it gave it: `550 5.1.1 no such user`.
pub fn code_and_text(e: &SmtpError) -> String {
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    let text = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_default();
    printable(format!("{code} {text}").trim())
}

/// `text` with control characters (a server's answer may hold terminal escapes)
/// shown escaped instead of sent to the terminal.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether the server's answer is a refused (or required) login.
pub fn is_login_failure(e: &SmtpError) -> bool {
    e.status()
        .is_some_and(|code| matches!(code.to_string().as_str(), "530" | "534" | "535"))
}

fn io_kind(e: &SmtpError) -> Option<io::ErrorKind> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

/// lettre's message with its nested causes, without `(os error N)` codes.
fn chain(e: &SmtpError) -> String {
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
    printable(&strip_os_error(&text))
}

fn strip_os_error(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(" (os error ") {
        out.push_str(&rest[..start]);
        rest = match rest[start..].find(')') {
            Some(end) => &rest[start + end + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

fn tls_hint(e: &SmtpError) -> &'static str {
    let why = chain(e);
    if why.contains("CaUsedAsEndEntity") {
        "; the server's certificate is marked as a CA (as `openssl req -x509` makes by default), \
         which TLS clients refuse as a server certificate: reissue it with \
         `-addext basicConstraints=critical,CA:FALSE`"
    } else if why.contains("UnknownIssuer") {
        "; the server's certificate is not signed by a CA golive trusts: pass its CA with --ca-file"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_codes_are_dropped_from_messages() {
        assert_eq!(
            strip_os_error("network error: Connection refused (os error 111): more"),
            "network error: Connection refused: more"
        );
        assert_eq!(strip_os_error("no code here"), "no code here");
    }

    #[test]
    fn control_characters_from_a_server_are_shown_escaped() {
        assert_eq!(printable("550 \u{1b}[31mno\r"), "550 \\u{1b}[31mno\\r");
    }
}
