//! From a rendered email to an RFC 5322 message: multipart/alternative (text,
//! then HTML), UTF-8 headers, Date and Message-ID, built with lettre. An email
//! with a calendar (the readiness and postponement emails) is multipart/mixed: the alternative
//! first, then the calendar as a `text/calendar; method=PUBLISH` attachment,
//! the structure that mail clients show as the email plus "add to calendar"
//! (inside the alternative, some clients show only the calendar).

use std::sync::LazyLock;
use std::time::SystemTime;

use chrono::{DateTime, Datelike, FixedOffset};
use lettre::Message;
use lettre::message::header::{ContentDisposition, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use super::{Address, Attachment, Kind, Rendered, Resolved};
use crate::content::release::Release;
use crate::diagnostic::snippet;
use crate::evaluate::Report;

/// Inlines the `<style>` rules into `style=` attributes, as mail clients need;
/// `@media` rules (dark mode, narrow screens) stay in a `<style>` tag.
pub fn inline_css(html: &str) -> Result<String, css_inline::InlineError> {
    static INLINER: LazyLock<css_inline::CSSInliner<'static>> = LazyLock::new(|| {
        css_inline::CSSInliner::options()
            .keep_at_rules(true)
            .load_remote_stylesheets(false)
            .build()
    });
    INLINER.inline(html)
}

/// Who the message is from and to, and its identity.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// `Name <address>`, from site.yaml's `email.from`.
    pub from: String,
    pub reply_to: Option<String>,
    pub recipients: Resolved,
    pub date: DateTime<FixedOffset>,
    pub message_id: String,
}

/// A stable fingerprint of what the email says, for the send ledger and ids.
pub fn content_hash(rendered: &Rendered) -> String {
    let mut h = Sha256::new();
    for part in [rendered.subject.as_str(), &rendered.text, &rendered.html] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `<slug.kind.hash[.suffix]@domain>`, the domain taken from the sender's address.
pub fn message_id(slug: &str, kind: Kind, hash: &str, suffix: Option<&str>, from: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("golive.invalid");
    match suffix {
        Some(s) => format!("<{slug}.{kind}.{hash}.{s}@{domain}>"),
        None => format!("<{slug}.{kind}.{hash}@{domain}>"),
    }
}

/// The Date of the preview written by `build`: the moment the email belongs to,
/// so that rebuilding the same content gives the same bytes. Sending stamps the
/// actual time instead.
pub fn preview_date(kind: Kind, release: &Release, report: &Report) -> DateTime<FixedOffset> {
    let parse = |iso: &str| DateTime::parse_from_rfc3339(iso).ok();
    let target = parse(&report.target.iso).expect("report times are RFC 3339");
    let zone = report.timezone.parse().unwrap_or(chrono_tz::UTC);
    let at = |w: &crate::content::time::When| w.instant(zone).fixed_offset();
    match kind {
        Kind::Readiness => report
            .decision_due
            .as_ref()
            .and_then(|m| parse(&m.iso))
            .unwrap_or(target),
        Kind::Started => release
            .deployment
            .as_ref()
            .and_then(|d| d.started.as_ref())
            .map(at)
            .unwrap_or(target),
        Kind::Success | Kind::Issue => release
            .deployment
            .as_ref()
            .and_then(|d| d.finished.as_ref().or(d.started.as_ref()))
            .map(at)
            .unwrap_or(target),
        Kind::Postponement => report
            .original_target
            .as_ref()
            .and_then(|m| parse(&m.iso))
            .unwrap_or(target),
    }
}

fn mailbox(a: &Address) -> Result<Mailbox, String> {
    let email = a
        .email
        .parse()
        .map_err(|e| format!("`{}` is not a usable email address: {e}", snippet(&a.email)))?;
    Ok(Mailbox::new(Some(header_text(&a.name)), email))
}

/// A mailbox written as `Name <address>` in site.yaml, its name made safe.
fn configured(key: &str, text: &str) -> Result<Mailbox, String> {
    let parsed: Mailbox = text.parse().map_err(|e| {
        format!(
            "site.yaml `{key}` (`{}`) is not a usable address: {e}",
            snippet(text)
        )
    })?;
    Ok(Mailbox::new(
        parsed.name.as_deref().map(header_text),
        parsed.email,
    ))
}

/// `text` fit for a display name in a header: lettre cannot write a line break
/// there (it panics), and no control or direction character belongs in one, so
/// each becomes a space. Loading refuses such names; this is the second line of
/// defence, so that no content can crash `build`, `email` or `send`.
fn header_text(text: &str) -> String {
    text.split(|c| crate::yaml::text::forbidden(c, false))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Date header's time: lettre panics on one before 1970 or after 9998.
fn header_date(date: DateTime<FixedOffset>) -> Result<SystemTime, String> {
    let year = date.with_timezone(&chrono::Utc).year();
    if (1970..=9998).contains(&year) {
        Ok(date.into())
    } else {
        Err(format!(
            "the email's date ({date}) is outside the years an email header can hold (1970 to 9998)"
        ))
    }
}

/// The whole message, ready to write as .eml or to send.
pub fn build_message(rendered: &Rendered, envelope: &Envelope) -> Result<Message, String> {
    let from = configured("email.from", &envelope.from)?;
    let date = header_date(envelope.date)?;
    let mut builder = Message::builder()
        .from(from)
        .subject(rendered.subject.clone())
        .date(date)
        .message_id(Some(envelope.message_id.clone()));
    if let Some(reply_to) = &envelope.reply_to {
        builder = builder.reply_to(configured("email.reply_to", reply_to)?);
    }
    for a in &envelope.recipients.to {
        builder = builder.to(mailbox(a)?);
    }
    for a in &envelope.recipients.cc {
        builder = builder.cc(mailbox(a)?);
    }
    // A boundary derived from the content keeps rebuilt previews byte-identical.
    let boundary = format!("golive-{}", content_hash(rendered));
    let body = MultiPart::alternative()
        .boundary(boundary.clone())
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(rendered.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(rendered.html.clone()),
        );
    let body = match &rendered.calendar {
        None => body,
        Some(calendar) => MultiPart::mixed()
            .boundary(format!("{boundary}-mixed"))
            .multipart(body)
            .singlepart(calendar_part(calendar)?),
    };
    builder
        .multipart(body)
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// The calendar as an attachment: `text/calendar; method=PUBLISH`, the
/// METHOD inside the file too, as RFC 6047 asks.
fn calendar_part(calendar: &Attachment) -> Result<SinglePart, String> {
    // The name is a release slug: letters, digits, dots and dashes.
    let name: String = calendar
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let content_type = ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method=PUBLISH; name=\"{name}\""
    ))
    .map_err(|e| format!("cannot build the calendar part: {e}"))?;
    let text = String::from_utf8_lossy(&calendar.bytes).into_owned();
    Ok(SinglePart::builder()
        .header(content_type)
        .header(ContentDisposition::attachment(&name))
        .body(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Resolved;

    fn rendered() -> Rendered {
        Rendered {
            kind: Kind::Readiness,
            subject: "Acme 1.0\r\n — ready\u{7}".into(),
            preheader: String::new(),
            html: "<p>hi</p>".into(),
            text: "hi\n".into(),
            calendar: None,
        }
    }

    fn envelope(from: &str, name: &str) -> Envelope {
        let address = |name: &str, email: &str| Address {
            name: name.into(),
            email: email.into(),
        };
        Envelope {
            from: from.into(),
            reply_to: Some(from.into()),
            recipients: Resolved {
                to: vec![address(name, "marcus@example.com")],
                cc: vec![address(&format!("{name}\r"), "cc@example.com")],
            },
            date: DateTime::parse_from_rfc3339("2026-12-04T09:00:00+00:00").unwrap(),
            message_id: "<a.b@example.com>".into(),
        }
    }

    /// lettre panics formatting a display name with a line break; a name
    /// that got past validation must still not crash the build.
    #[test]
    fn line_breaks_and_controls_in_names_never_panic_and_never_reach_headers() {
        for name in [
            "Marcus\nÖberg",
            "Marcus\r\nÖberg",
            "\u{1b}[31mMarcus\u{85}",
            "\n",
        ] {
            let message = build_message(&rendered(), &envelope("Acme <r@acme.example>", name))
                .unwrap_or_else(|e| panic!("{name:?}: {e}"));
            let bytes = message.formatted();
            let parsed = mail_parser::MessageParser::default()
                .parse(&bytes)
                .expect("a parseable message");
            let to = parsed.to().and_then(|a| a.first()).expect("a To address");
            assert_eq!(to.address(), Some("marcus@example.com"));
            if let Some(shown) = to.name() {
                assert!(!shown.chars().any(char::is_control), "{shown:?}");
            }
            let head = String::from_utf8_lossy(&bytes);
            let head = head.split("\r\n\r\n").next().unwrap();
            assert!(!head.contains('\u{1b}'), "{head}");
        }
    }

    /// lettre panics formatting a Date before 1970 or after 9998.
    #[test]
    fn a_date_an_email_header_cannot_hold_is_an_error_not_a_panic() {
        for iso in [
            "1970-01-01T00:00:00+05:00",
            "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:00:00-05:00",
        ] {
            let mut envelope = envelope("Acme <r@acme.example>", "Marcus");
            envelope.date = DateTime::parse_from_rfc3339(iso).unwrap();
            let error = build_message(&rendered(), &envelope).expect_err(iso);
            assert!(error.contains("1970 to 9998"), "{error}");
        }
    }

    #[test]
    fn a_sender_with_a_folded_name_is_made_one_line() {
        let envelope = envelope("Acme\r\n Releases <r@acme.example>", "Marcus");
        if let Ok(message) = build_message(&rendered(), &envelope) {
            let bytes = message.formatted();
            let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
            let from = parsed.from().and_then(|a| a.first()).unwrap();
            assert_eq!(from.address(), Some("r@acme.example"));
        }
    }
}
