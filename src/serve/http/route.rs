//! What a parsed request gets: checks in the order a refusal should win
//! (framing, Host, method, path), then the live-reload endpoints or a file.

use std::net::IpAddr;
use std::path::Path;
use std::sync::PoisonError;

use super::Preview;
use super::files;
use super::head::Head;
use super::host::Verdict;
use super::live;
use super::reply::{Body, Reply};
use super::status::Status;

pub fn route(head: &Head, arrived_on: Option<IpAddr>, preview: &Preview) -> Reply {
    if let Err(why) = head.declared_body() {
        return Reply::text(Status::BAD_REQUEST, why);
    }
    let (authority, path) = split_target(&head.target);
    if let Some(refusal) = check_host(head, authority, arrived_on, preview) {
        return refusal;
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Reply::text(
            Status::METHOD_NOT_ALLOWED,
            "this is a preview of static files: only GET and HEAD are answered",
        )
        .with_header("Allow", "GET, HEAD");
    }
    let path = match decode(path) {
        Ok(path) => path,
        Err(why) => return Reply::text(Status::BAD_REQUEST, why),
    };
    let (out, error, version) = {
        let state = preview.state.read().unwrap_or_else(PoisonError::into_inner);
        (state.out.clone(), state.error.clone(), state.version)
    };
    match path.as_str() {
        "/__golive/state" => Reply::new(
            Status::OK,
            "application/json",
            Body::Bytes(live::state_json(version, error.as_deref()).into_bytes()),
        ),
        "/__golive/reload.js" => Reply::new(
            Status::OK,
            "text/javascript; charset=utf-8",
            Body::Bytes(live::RELOAD_JS.as_bytes().to_vec()),
        ),
        _ => match files::open(&out, &path) {
            Some(found) => file_reply(found, error.as_deref(), &path),
            None => not_found(&path),
        },
    }
}

/// The host named in an absolute target (`http://host:port/path`), which
/// takes the place of the Host field, and the path. Any other target is left
/// whole (as the path), to be refused once the method has been checked: an
/// origin-form path is the only kind served.
fn split_target(target: &str) -> (Option<&str>, &str) {
    match target.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("http://") => {
            let rest = &target[7..];
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, path) = rest.split_at(end);
            (
                Some(authority),
                if path.starts_with('/') { path } else { "/" },
            )
        }
        _ => (None, target),
    }
}

/// A refusal unless the request names this server (see `host`).
fn check_host(
    head: &Head,
    authority: Option<&str>,
    arrived_on: Option<IpAddr>,
    preview: &Preview,
) -> Option<Reply> {
    let fields: Vec<&[u8]> = head.values("host").collect();
    if fields.len() > 1 {
        return Some(Reply::text(Status::BAD_REQUEST, "more than one Host field"));
    }
    if fields.is_empty() && head.minor_version == 1 {
        return Some(Reply::text(
            Status::BAD_REQUEST,
            "an HTTP/1.1 request must have a Host field",
        ));
    }
    // HTTP/1.0 may name no host at all: nothing to check then.
    let named = authority.map(str::as_bytes).or(fields.first().copied())?;
    match preview.hosts.check(named, arrived_on) {
        Verdict::Allowed => None,
        Verdict::Malformed => Some(Reply::text(
            Status::BAD_REQUEST,
            "the Host field is not host[:port]",
        )),
        Verdict::Foreign => Some(Reply::text(
            Status::MISDIRECTED_REQUEST,
            &format!(
                "this preview answers only requests for {}; this one was for {}. \
                 Open it by one of those, or start serve with --allow-host NAME to \
                 accept another name. (The check keeps web pages that make their own \
                 name resolve to this machine from reading the preview.)",
                preview.hosts.describe(),
                shown(named)
            ),
        )),
    }
}

/// A Host value as it may be printed: printable ASCII, at most 100 characters.
fn shown(value: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(value)
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .take(100)
        .collect();
    format!("\"{text}\"")
}

/// The path part of the target, percent-decoded: it must be UTF-8 without
/// control characters (a file name never needs one, and they would reach the
/// file system or the terminal otherwise).
fn decode(target: &str) -> Result<String, &'static str> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') {
        return Err("the request target is not a path");
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8 once decoded")?;
    if decoded.chars().any(char::is_control) {
        return Err("the path contains a control character");
    }
    Ok(decoded.into_owned())
}

/// A found file; `path` is what was asked for, for a 404 if it cannot be read.
fn file_reply(mut found: files::Found, error: Option<&str>, path: &str) -> Reply {
    let content_type = content_type(&found.name);
    let insert = if content_type.starts_with("text/html") {
        match live::insertion_point(&mut found.file, found.len) {
            Ok(at) => Some((at, live::page_extra(error).into_bytes())),
            Err(_) => return not_found(path),
        }
    } else {
        None
    };
    Reply::new(
        Status::OK,
        content_type,
        Body::File {
            file: found.file,
            len: found.len,
            insert,
        },
    )
}

fn not_found(path: &str) -> Reply {
    let body = format!(
        "<!DOCTYPE html><title>Not found</title><p>No page at {}. <a href=\"/\">All releases</a></p>",
        crate::render::escape_html(path)
    );
    Reply::new(
        Status::NOT_FOUND,
        "text/html; charset=utf-8",
        Body::Bytes(body.into_bytes()),
    )
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("eml") => "message/rfc822",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(split_target("/a?b"), (None, "/a?b"));
        assert_eq!(
            split_target("HTTP://localhost:8008/a"),
            (Some("localhost:8008"), "/a")
        );
        assert_eq!(split_target("http://localhost"), (Some("localhost"), "/"));
        // An empty host is then malformed, like an empty Host field.
        assert_eq!(split_target("http:///a"), (Some(""), "/a"));
        for other in ["https://localhost/", "a/b", "*", "localhost:8008"] {
            assert_eq!(split_target(other), (None, other));
            assert!(decode(other).is_err(), "{other} is not served");
        }
    }

    #[test]
    fn paths_are_decoded_and_checked() {
        assert_eq!(decode("/a%20b?x=%00").unwrap(), "/a b");
        assert_eq!(decode("/caf%C3%A9").unwrap(), "/café");
        assert!(decode("/%00").is_err());
        assert!(decode("/%1b[31m").is_err());
        assert!(decode("/%C2%85").is_err(), "a C1 control character");
        assert!(decode("/%ff").is_err());
        assert!(decode("*").is_err());
    }
}
