//! Writing iCalendar (RFC 5545) text: content lines folded at 75 octets
//! (never inside a UTF-8 character), TEXT values escaped, CRLF line ends.
//!
//! Written by hand rather than with a crate so that the bytes depend on the
//! events alone (no clock, no random UID): an unchanged rebuild must give the
//! same file, byte for byte. The tests parse what this writes with a real
//! iCalendar parser (tests/calendar_ics.rs).

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

use super::{At, Placed};

/// What goes before the events of a calendar.
pub struct Head<'a> {
    /// `X-WR-CALNAME`: the name a calendar app gives a subscribed calendar.
    pub name: &'a str,
    /// A feed to subscribe to: ask apps to refresh it hourly.
    pub feed: bool,
}

/// A whole VCALENDAR of `events`, with METHOD:PUBLISH (a calendar to add,
/// not an invitation to answer).
pub fn calendar(head: &Head, events: &[&Placed]) -> String {
    let mut out = String::with_capacity(512 + events.len() * 600);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//golive//golive release calendar//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(head.name)));
    if head.feed {
        line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
        line(&mut out, "X-PUBLISHED-TTL:PT1H");
    }
    for event in events {
        vevent(&mut out, event);
    }
    end(&mut out);
    out
}

/// The head of a calendar: everything before its events.
pub fn head(head: &Head) -> String {
    let mut out = calendar(head, &[]);
    out.truncate(out.len() - "END:VCALENDAR\r\n".len());
    out
}

/// Ends a calendar.
pub fn end(out: &mut String) {
    line(out, "END:VCALENDAR");
}

/// The VEVENTs of `events`, as `calendar` writes them.
pub fn vevents(events: &[Placed]) -> String {
    let mut out = String::with_capacity(events.len() * 600);
    for event in events {
        vevent(&mut out, event);
    }
    out
}

/// The VEVENTs of a calendar's text, by UID (as written, escaped): what
/// `calendar` wrote for each event, byte for byte.
pub fn blocks(calendar: &str) -> std::collections::HashMap<String, &str> {
    const BEGIN: &str = "BEGIN:VEVENT\r\n";
    const END: &str = "END:VEVENT\r\n";
    let mut found = std::collections::HashMap::new();
    let mut rest = calendar;
    while let Some(start) = rest.find(BEGIN) {
        let from = &rest[start..];
        let Some(len) = from.find(END).map(|e| e + END.len()) else {
            break;
        };
        let block = &from[..len];
        // The UID line comes first (`vevent`), perhaps folded.
        let body = &block[BEGIN.len()..];
        let mut uid = String::new();
        let mut lines = body.split("\r\n");
        if let Some(first) = lines.next().and_then(|l| l.strip_prefix("UID:")) {
            uid.push_str(first);
            for more in lines {
                match more.strip_prefix(' ') {
                    Some(more) => uid.push_str(more),
                    None => break,
                }
            }
            found.insert(uid, block);
        }
        rest = &from[len..];
    }
    found
}

fn vevent(out: &mut String, placed: &Placed) {
    let e = &placed.event;
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", text(&e.uid)));
    line(out, &format!("DTSTAMP:{}", instant(placed.stamp)));
    line(out, &format!("SEQUENCE:{}", placed.sequence));
    line(out, &format!("DTSTART{}", at(&e.start)));
    if let Some(end) = &e.end {
        line(out, &format!("DTEND{}", at(end)));
    }
    line(out, &format!("SUMMARY:{}", text(&e.summary)));
    line(out, &format!("DESCRIPTION:{}", text(&e.description)));
    if let Some(url) = &e.url {
        line(out, &format!("URL:{url}"));
    }
    // Milestones and the decision are moments, not time to keep free.
    if e.end.is_none() {
        line(out, "TRANSP:TRANSPARENT");
    }
    line(out, "END:VEVENT");
}

/// `;VALUE=DATE:20261204` or `:20261204T033000Z`, the property's tail.
fn at(at: &At) -> String {
    match at {
        At::Day(day) => format!(";VALUE=DATE:{}", date(*day)),
        At::Instant(t) => format!(":{}", instant(*t)),
    }
}

fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon and comma get a
/// backslash, a line break becomes `\n`; other control characters (which
/// loading refuses anyway) become spaces, as no content line may hold them.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded: no line longer than 75 octets, each
/// continuation starting with a space, a character never split.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_by_their_unfolded_uid() {
        use crate::calendar::{At, Event, Placed};
        let uid = format!("milestone-{}-1.shop-1.0@golive", "x".repeat(70));
        let placed = |uid: &str| Placed {
            event: Event {
                uid: uid.to_string(),
                start: At::Day(NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date")),
                end: None,
                summary: "Go".into(),
                description: "Go, now".into(),
                url: None,
            },
            sequence: 2,
            stamp: DateTime::from_timestamp(0, 0).expect("a time"),
        };
        let events = [placed(&uid), placed("window.shop-1.0@golive")];
        let whole = calendar(
            &Head {
                name: "S",
                feed: true,
            },
            &events.iter().collect::<Vec<_>>(),
        );
        let found = blocks(&whole);
        assert_eq!(found.len(), 2);
        assert_eq!(found[&uid], vevents(&events[..1]));
        assert_eq!(found["window.shop-1.0@golive"], vevents(&events[1..]));
        let mut again = head(&Head {
            name: "S",
            feed: true,
        });
        again.push_str(&vevents(&events));
        end(&mut again);
        assert_eq!(again, whole);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            text("a,b;c\\d\ne\r\nf\u{7}"),
            "a\\,b\\;c\\\\d\\ne\\nf ".to_string()
        );
    }

    #[test]
    fn folding_keeps_lines_short_and_characters_whole() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(100) + &"x".repeat(100));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }
}
