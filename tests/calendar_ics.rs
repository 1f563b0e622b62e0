//! Calendars (RFC 5545): every `calendar.ics` that a build writes, the site's
//! feed and the readiness email's text/calendar part, read back with a real
//! iCalendar parser (the `icalendar` crate's, which golive does not use to
//! write them) after checking the raw lines (CRLF, at most 75 octets, UTF-8).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::smtp::{Behaviour, SmtpServer};
use common::{Output, Site};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use mail_parser::{MessageParser, MimeHeaders};

/// Before the clocks go back in London; every fixture release but the past
/// one is upcoming then.
const NOW: &str = "2026-10-20 12:00";
const DST: &str = "releases/cal-app-1.0.0/calendar.ics";

/// One event as the parser read it.
#[derive(Debug, Clone, PartialEq)]
struct Ev {
    uid: String,
    summary: String,
    description: String,
    /// `20261025T090000Z`, or `20261120` for a date.
    start: String,
    end: Option<String>,
    sequence: u32,
    stamp: String,
    url: Option<String>,
}

/// A parsed calendar: its name (X-WR-CALNAME), METHOD and events.
#[derive(Debug)]
struct Cal {
    name: Option<String>,
    method: Option<String>,
    events: Vec<Ev>,
}

impl Cal {
    fn event(&self, uid: &str) -> &Ev {
        self.events
            .iter()
            .find(|e| e.uid == uid)
            .unwrap_or_else(|| panic!("no event {uid} in {:#?}", self.events))
    }

    fn uids(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.uid.as_str()).collect()
    }
}

fn at(value: DatePerhapsTime, what: &str) -> String {
    match value {
        DatePerhapsTime::Date(d) => d.format("%Y%m%d").to_string(),
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => {
            t.format("%Y%m%dT%H%M%SZ").to_string()
        }
        other => panic!("{what}: a time not in UTC: {other:?}"),
    }
}

/// Checks the raw lines of `bytes`, then parses it as iCalendar.
fn parse(bytes: &[u8], what: &str) -> Cal {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    assert!(text.ends_with("\r\n"), "{what}: no CRLF at the end");
    for (i, line) in text.split_terminator("\r\n").enumerate() {
        assert!(!line.contains('\n'), "{what}:{}: a bare LF", i + 1);
        assert!(
            line.len() <= 75,
            "{what}:{}: {} octets: {line}",
            i + 1,
            line.len()
        );
    }
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{what}"
    );
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{what}");
    let calendar: icalendar::Calendar = text
        .parse()
        .unwrap_or_else(|e| panic!("{what}: the parser refuses it: {e}\n{text}"));
    let mut events = Vec::new();
    for component in &calendar.components {
        let CalendarComponent::Event(e) = component else {
            panic!("{what}: a component that is not a VEVENT: {component:?}");
        };
        let uid = e.get_uid().unwrap_or_else(|| panic!("{what}: no UID"));
        let what = format!("{what} {uid}");
        events.push(Ev {
            uid: uid.to_string(),
            summary: e.get_summary().expect("SUMMARY").to_string(),
            description: e.get_description().expect("DESCRIPTION").to_string(),
            start: at(e.get_start().expect("DTSTART"), &what),
            end: e.get_end().map(|end| at(end, &what)),
            sequence: e.get_sequence().expect("SEQUENCE"),
            stamp: e
                .get_timestamp()
                .expect("DTSTAMP")
                .format("%Y%m%dT%H%M%SZ")
                .to_string(),
            url: e.get_url().map(str::to_string),
        });
    }
    Cal {
        name: calendar.get_name().map(str::to_string),
        method: calendar.property_value("METHOD").map(str::to_string),
        events,
    }
}

fn build(site: &Site, now: &str) -> Output {
    let out = site.run(&["--now", now, "build"]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    out
}

fn calendar(site: &Site, relative: &str) -> Cal {
    let path = format!("public/{relative}");
    parse(&std::fs::read(site.path(&path)).unwrap(), &path)
}

/// Every .ics file below `dir`, parsed.
fn every_ics(dir: &Path) -> BTreeMap<PathBuf, Cal> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "ics"))
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let cal = parse(
                &std::fs::read(e.path()).unwrap(),
                &relative.to_string_lossy(),
            );
            (relative, cal)
        })
        .collect()
}

fn memory(site: &Site) -> serde_json::Value {
    serde_json::from_str(&site.read(".golive/calendar.json")).expect("calendar.json is JSON")
}

fn uid(kind: &str, slug: &str) -> String {
    format!("{kind}.{slug}@golive")
}

#[test]
fn every_calendar_of_the_example_site_and_the_fixture_parses() {
    let example = Site::copy_of_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let fixture = Site::copy_of("ics");
    for site in [&example, &fixture] {
        build(site, NOW);
        let releases = std::fs::read_dir(site.path("content/releases"))
            .unwrap()
            .count();
        let all = every_ics(&site.path("public"));
        // One per release, and the feed.
        assert_eq!(all.len(), releases + 1, "{:?}", all.keys());
        for (path, cal) in &all {
            assert_eq!(cal.method.as_deref(), Some("PUBLISH"), "{path:?}");
            if path != Path::new("calendar.ics") {
                let uids = cal.uids();
                assert!(uids.iter().any(|u| u.starts_with("window.")), "{path:?}");
                let mut unique = uids.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), uids.len(), "{path:?}: a UID twice");
            }
        }
    }
    // The example's report links back to the site.
    let cal = calendar(&example, "releases/northwind-erp-2.4.0/calendar.ics");
    let decision = cal.event(&uid("decision", "northwind-erp-2.4.0"));
    assert_eq!(decision.summary, "Go/no-go decision: Northwind ERP 2.4.0");
    let report = "https://releases.northwind.example/releases/northwind-erp-2.4.0/index.html";
    assert_eq!(decision.url.as_deref(), Some(report));
    assert!(decision.description.contains(report), "{decision:?}");
}

#[test]
fn times_are_the_right_utc_instants_across_a_dst_change() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    let cal = calendar(&site, DST);
    let slug = "cal-app-1.0.0";
    // Go-live Mon 26 Oct 09:00 GMT; the clocks went back on Sun 25 Oct at 02:00 BST.
    let window = cal.event(&uid("window", slug));
    assert_eq!(window.start, "20261026T090000Z");
    assert_eq!(window.end.as_deref(), Some("20261026T103000Z"));
    assert_eq!(window.summary, "Deployment window: Cal App 1.0.0");
    assert!(window.description.contains("90 min"), "{window:?}");
    assert!(
        window.description.contains("maintenance window"),
        "{window:?}"
    );
    // T-24h is 24 hours earlier: Sun 25 Oct 09:00 GMT, after the change.
    let backup = cal
        .events
        .iter()
        .find(|e| e.description.starts_with("T-24h "))
        .expect("the T-24h milestone");
    assert_eq!(backup.start, "20261025T090000Z");
    assert_eq!(backup.end, None);
    // The decision, written as Fri 23 Oct 09:00 London time, is in BST: 08:00Z.
    let decision = cal.event(&uid("decision", slug));
    assert_eq!(decision.start, "20261023T080000Z");
    // Text comes back exactly, with its commas, semicolons, backslash and
    // multibyte characters (folding never splits one: the file is UTF-8).
    let activity = "Back up; verify, then restore to C:\\restore — Überprüfung der Sicherung für Zoë Čapek, mit Umlauten äöü und 日本語のテキスト";
    assert_eq!(backup.summary, format!("{activity} (T-24h): Cal App 1.0.0"));
    assert!(
        backup
            .description
            .contains(&format!("T-24h {activity}\nOwner: Zoë Čapek\n")),
        "{backup:?}"
    );
    assert_eq!(
        backup.url.as_deref(),
        Some("https://releases.cal.example/releases/cal-app-1.0.0/index.html")
    );
    // Two milestones with the same text get their own UIDs, by occurrence.
    let uids = cal.uids();
    assert!(
        uids.contains(&"milestone-freeze-1.cal-app-1.0.0@golive"),
        "{uids:?}"
    );
    assert!(
        uids.contains(&"milestone-freeze-2.cal-app-1.0.0@golive"),
        "{uids:?}"
    );
    assert_eq!(
        cal.name.as_deref(),
        Some("Cal App 1.0.0 · Calendar Hub; Ops, EU")
    );
}

#[test]
fn a_day_without_a_time_is_an_all_day_window() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    let cal = calendar(&site, "releases/cal-reports-1.2.0/calendar.ics");
    let window = cal.event(&uid("window", "cal-reports-1.2.0"));
    assert_eq!(window.start, "20261120");
    assert_eq!(window.end.as_deref(), Some("20261121"));
    // A decision due on a day is that whole day too.
    let decision = cal.event(&uid("decision", "cal-reports-1.2.0"));
    assert_eq!(decision.start, "20261118");
    assert_eq!(decision.end.as_deref(), Some("20261119"));
}

#[test]
fn uids_stay_and_sequence_goes_up_only_when_a_time_moves() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    let first = calendar(&site, DST);
    let public = site.snapshot("public");
    let remembered = site.read(".golive/calendar.json");
    assert!(first.events.iter().all(|e| e.sequence == 0));

    // Nothing changed: the same bytes everywhere, the memory untouched.
    let again = site.run(&["--now", "2026-10-20 13:00", "build"]);
    assert_eq!(again.code, Some(0), "{}", again.describe());
    assert_eq!(site.snapshot("public"), public);
    assert_eq!(site.read(".golive/calendar.json"), remembered);

    // The go-live moves a day: the window and the milestones move, and their
    // SEQUENCE goes up; the decision, written as a date, stays.
    let file = "content/releases/dst.yaml";
    site.write(
        file,
        common::replace_once(
            &site.read(file),
            "target: 2026-10-26 09:00",
            "target: 2026-10-27 09:00",
        ),
    );
    build(&site, "2026-10-21 08:00");
    let moved = calendar(&site, DST);
    assert_eq!(moved.uids(), first.uids(), "UIDs are stable");
    let slug = "cal-app-1.0.0";
    let window = moved.event(&uid("window", slug));
    assert_eq!(
        (window.start.as_str(), window.sequence),
        ("20261027T090000Z", 1)
    );
    // 08:00 BST.
    assert_eq!(window.stamp, "20261021T070000Z");
    let (decision, before) = (
        moved.event(&uid("decision", slug)),
        first.event(&uid("decision", slug)),
    );
    // (Its description names the new go-live: text alone does not count as a move.)
    assert_eq!(
        (&decision.start, decision.sequence, &decision.stamp),
        (&before.start, 0, &before.stamp)
    );
    assert!(
        moved
            .events
            .iter()
            .filter(|e| e.uid.starts_with("milestone-"))
            .all(|e| e.sequence == 1)
    );
    let record = &memory(&site)["events"][uid("window", slug)];
    assert_eq!(record["sequence"], 1);
    assert_eq!(record["start"], "2026-10-27T09:00:00Z");
    // The feed says the same.
    let feed = calendar(&site, "calendar.ics");
    assert_eq!(feed.event(&uid("window", slug)), window);

    // A rebuild with nothing moved keeps 1, byte for byte.
    let public = site.snapshot("public");
    build(&site, "2026-10-21 09:00");
    assert_eq!(site.snapshot("public"), public);
}

#[test]
fn a_postponed_release_has_its_events_at_the_new_date() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    let cal = calendar(&site, "releases/cal-app-0.9.0/calendar.ics");
    let window = cal.event(&uid("window", "cal-app-0.9.0"));
    assert_eq!(window.start, "20261105T090000Z");
    let rehearsal = cal
        .events
        .iter()
        .find(|e| e.summary.starts_with("Final rehearsal"))
        .unwrap();
    assert_eq!(rehearsal.start, "20261104T090000Z");

    // Postponing a scheduled release moves its events, with a higher SEQUENCE.
    let file = "content/releases/dst.yaml";
    let text = site.read(file);
    site.write(
        file,
        format!(
            "{text}deployment: {{status: postponed}}\npostponement:\n  reasons: [{{issue: Vendor outage, severity: high, impact: No payments}}]\n  new_target: 2026-11-09 09:00\n"
        ),
    );
    build(&site, NOW);
    let cal = calendar(&site, DST);
    let window = cal.event(&uid("window", "cal-app-1.0.0"));
    assert_eq!(
        (window.start.as_str(), window.sequence),
        ("20261109T090000Z", 1)
    );
}

#[test]
fn the_feed_lists_upcoming_releases_only() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    let feed = calendar(&site, "calendar.ics");
    assert_eq!(feed.name.as_deref(), Some("Calendar Hub; Ops, EU"));
    let windows: Vec<&str> = feed
        .uids()
        .into_iter()
        .filter(|u| u.starts_with("window."))
        .collect();
    // In window order; the deployed 0.8.0 (1 Sep) is over; the worker's window
    // (19 Oct) has ended but its deployment is still in progress.
    assert_eq!(
        windows,
        [
            uid("window", "cal-worker-2.0.0"),
            uid("window", "cal-app-1.0.0"),
            uid("window", "cal-app-0.9.0"),
            uid("window", "cal-reports-1.2.0"),
        ]
    );
    // The same events as the release files.
    for slug in ["cal-app-1.0.0", "cal-app-0.9.0"] {
        let own = calendar(&site, &format!("releases/{slug}/calendar.ics"));
        for e in &own.events {
            assert_eq!(feed.event(&e.uid), e);
        }
    }

    // Later, only what has not ended yet.
    build(&site, "2026-11-10 12:00");
    let feed = calendar(&site, "calendar.ics");
    let windows: Vec<&str> = feed
        .uids()
        .into_iter()
        .filter(|u| u.starts_with("window."))
        .collect();
    assert_eq!(
        windows,
        [
            uid("window", "cal-worker-2.0.0"),
            uid("window", "cal-reports-1.2.0")
        ]
    );
}

/// The text/calendar part of a message, checked and parsed.
fn calendar_part(eml: &[u8]) -> Option<Cal> {
    let message = MessageParser::default()
        .parse(eml)
        .expect("a parsable message");
    let root = message.content_type().expect("a Content-Type");
    let parts: Vec<_> = message
        .parts
        .iter()
        .filter(|p| {
            p.content_type()
                .is_some_and(|c| c.c_type == "text" && c.subtype() == Some("calendar"))
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    assert_eq!(parts.len(), 1);
    assert_eq!(
        (root.c_type.as_ref(), root.subtype()),
        ("multipart", Some("mixed"))
    );
    let part = parts[0];
    let kind = part.content_type().unwrap();
    assert_eq!(kind.attribute("method"), Some("PUBLISH"));
    assert_eq!(kind.attribute("charset"), Some("utf-8"));
    assert!(
        part.attachment_name().is_some_and(|n| n.ends_with(".ics")),
        "{:?}",
        part.attachment_name()
    );
    // The text and HTML are still an alternative, and the message's body.
    assert!(message.body_text(0).is_some_and(|t| !t.is_empty()));
    assert!(message.body_html(0).is_some_and(|h| h.contains("<")));
    Some(parse(part.contents(), "the text/calendar part"))
}

#[test]
fn the_readiness_and_postponement_emails_carry_the_calendar_and_other_kinds_do_not() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    let out = site.run(&[
        "--now",
        NOW,
        "email",
        "cal-app-1.0.0",
        "readiness",
        "--format",
        "eml",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let cal = calendar_part(out.stdout.as_bytes()).expect("a text/calendar part");
    assert_eq!(cal.method.as_deref(), Some("PUBLISH"));
    // What the build published: same UIDs, SEQUENCE and DTSTAMP.
    let own = calendar(&site, DST);
    assert_eq!(cal.events, own.events);
    // The build's preview too.
    let preview =
        std::fs::read(site.path("public/releases/cal-app-1.0.0/emails/readiness.eml")).unwrap();
    assert_eq!(calendar_part(&preview).unwrap().events, own.events);

    // `email` reads the memory and never writes it.
    let remembered = site.read(".golive/calendar.json");
    let file = "content/releases/dst.yaml";
    site.write(
        file,
        common::replace_once(
            &site.read(file),
            "target: 2026-10-26 09:00",
            "target: 2026-10-28 09:00",
        ),
    );
    let out = site.run(&[
        "--now",
        NOW,
        "email",
        "cal-app-1.0.0",
        "readiness",
        "--format",
        "eml",
    ]);
    let cal = calendar_part(out.stdout.as_bytes()).unwrap();
    assert_eq!(cal.event(&uid("window", "cal-app-1.0.0")).sequence, 1);
    assert_eq!(site.read(".golive/calendar.json"), remembered);

    // The postponement notice carries the calendar too: the same events,
    // at the new dates, as the build published them.
    let out = site.run(&[
        "--now",
        NOW,
        "email",
        "cal-app-0.9.0",
        "postponement",
        "--format",
        "eml",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let moved = calendar_part(out.stdout.as_bytes()).expect("a text/calendar part");
    assert_eq!(moved.method.as_deref(), Some("PUBLISH"));
    let published = calendar(&site, "releases/cal-app-0.9.0/calendar.ics");
    assert_eq!(moved.events, published.events);
    // postponed.yaml: from 1 Oct to 5 Nov 2026, 09:00 London (GMT by then).
    assert_eq!(
        moved.event(&uid("window", "cal-app-0.9.0")).start,
        "20261105T090000Z"
    );
    let postponement =
        std::fs::read(site.path("public/releases/cal-app-0.9.0/emails/postponement.eml")).unwrap();
    assert_eq!(
        calendar_part(&postponement).unwrap().events,
        published.events
    );
}

/// The build's previews of the `mail` fixture: readiness and postponement
/// carry a calendar, success none.
#[test]
fn only_readiness_and_postponement_emails_carry_a_calendar() {
    let site = Site::copy_of("mail");
    build(&site, NOW);
    let mut seen = BTreeMap::new();
    for entry in walkdir::WalkDir::new(site.path("public/releases")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let kind = path.file_stem().unwrap().to_str().unwrap().to_string();
        let carries = calendar_part(&std::fs::read(&path).unwrap()).is_some();
        assert_eq!(
            carries,
            matches!(kind.as_str(), "readiness" | "postponement"),
            "{}",
            path.display()
        );
        seen.insert(kind, carries);
    }
    assert_eq!(
        seen.keys().map(String::as_str).collect::<Vec<_>>(),
        ["postponement", "readiness", "success"],
        "the fixture previews both kinds with a calendar and one without"
    );
}

#[test]
fn send_delivers_the_calendar_with_the_readiness_email() {
    let server = SmtpServer::start(Behaviour::default());
    let site = Site::copy_of("ics");
    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        config.replace("port: 2525", &format!("port: {}", server.port)),
    );
    let out = site.run(&[
        "--now",
        NOW,
        "send",
        "cal-app-1.0.0",
        "readiness",
        "--send",
        "--timeout",
        "10",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let messages = server.messages();
    assert!(!messages.is_empty());
    for m in &messages {
        let cal = calendar_part(&m.data).expect("a text/calendar part");
        assert!(
            cal.uids()
                .contains(&uid("window", "cal-app-1.0.0").as_str())
        );
    }
}

#[test]
fn two_builds_at_once_and_an_interrupted_build_leave_a_valid_memory() {
    let site = Site::copy_of("ics");
    let root = site.root.to_str().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            common::golive_command(&["--root", root, "--now", NOW, "build"], &site.root)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let events = memory(&site)["events"].as_object().unwrap().len();
    assert!(events >= 10, "{events} events remembered");
    every_ics(&site.path("public"));

    // A build killed half-way through its commit (after the go-live moved).
    let file = "content/releases/dst.yaml";
    site.write(
        file,
        common::replace_once(
            &site.read(file),
            "target: 2026-10-26 09:00",
            "target: 2026-10-29 09:00",
        ),
    );
    let killed = common::golive_with_env(
        &["--root", root, "--now", NOW, "build"],
        &site.root,
        &[("GOLIVE_FAULT_AFTER_WRITES", "3:abort")],
    );
    assert_ne!(killed.code, Some(0), "{}", killed.describe());
    memory(&site);
    build(&site, NOW);
    let cal = calendar(&site, DST);
    let window = cal.event(&uid("window", "cal-app-1.0.0"));
    assert_eq!(
        (window.start.as_str(), window.sequence),
        ("20261029T090000Z", 1)
    );
    assert_eq!(
        memory(&site)["events"][uid("window", "cal-app-1.0.0")]["sequence"],
        1
    );
    every_ics(&site.path("public"));
}

#[test]
fn a_build_into_a_site_it_cannot_write_warns_once_and_succeeds() {
    let site = Site::copy_of("ics");
    // `.golive` is a file: no folder, so no memory, can be made there. (No
    // postponed release: its preview reads the send ledger there, and fails.)
    site.remove("content/releases/postponed.yaml");
    site.write(".golive", "not a folder");
    let out = build(&site, NOW);
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("calendar.json"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.describe());
    let cal = calendar(&site, DST);
    assert!(cal.events.iter().all(|e| e.sequence == 0));
}

#[test]
fn a_memory_golive_cannot_read_is_left_alone_with_a_warning() {
    let site = Site::copy_of("ics");
    site.write(".golive/calendar.json", "{ not json");
    let out = build(&site, NOW);
    assert!(
        out.stderr.contains(".golive/calendar.json") && out.stderr.contains("fix it or delete it"),
        "{}",
        out.describe()
    );
    assert_eq!(site.read(".golive/calendar.json"), "{ not json");
    every_ics(&site.path("public"));
}

#[test]
fn a_memory_that_is_a_link_is_never_followed() {
    let site = Site::copy_of("ics");
    // A link out of the site, to a file that must not be read or replaced.
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.json");
    std::fs::write(&secret, "{\"SECRET-CONTENT\": 1}").unwrap();
    std::fs::create_dir_all(site.path(".golive")).unwrap();
    std::os::unix::fs::symlink(&secret, site.path(".golive/calendar.json")).unwrap();
    let out = build(&site, NOW);
    assert!(out.code == Some(0), "{}", out.describe());
    assert!(
        out.stderr.contains(".golive/calendar.json") && out.stderr.contains("symbolic link"),
        "{}",
        out.describe()
    );
    assert!(!out.stderr.contains("SECRET-CONTENT"));
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "{\"SECRET-CONTENT\": 1}"
    );
    assert!(
        std::fs::symlink_metadata(site.path(".golive/calendar.json"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is left as it is"
    );
    every_ics(&site.path("public"));
}

#[test]
fn the_report_and_the_dashboard_link_their_calendars() {
    let site = Site::copy_of("ics");
    build(&site, NOW);
    for (page, file) in [
        ("public/index.html", "public/calendar.ics"),
        (
            "public/releases/cal-app-1.0.0/index.html",
            "public/releases/cal-app-1.0.0/calendar.ics",
        ),
    ] {
        let html = common::html::page(&site, page);
        let selector = common::html::sel("a[href$='calendar.ics']");
        let links: Vec<_> = html.select(&selector).collect();
        assert_eq!(links.len(), 1, "{page}");
        assert_eq!(common::html::text(links[0]), "Add to calendar");
        let href = links[0].value().attr("href").unwrap();
        let target = Path::new(page).parent().unwrap().join(href);
        assert_eq!(site.path(&target.to_string_lossy()), site.path(file));
        assert!(site.path(file).is_file());
    }
}

/// `golive serve`'s quick path after a release edit: the release's file, the
/// feed and the memory all follow, as a full build would.
#[test]
fn serve_quick_rebuild_moves_the_events_and_remembers_them() {
    let site = Site::copy_of("ics");
    let clock = golive::clock::Clock::At(NOW.parse().unwrap());
    let mut builder = golive::site::Builder::new(&site.root, &site.path("public"))
        .with_clock(clock)
        .serving();
    builder.build().unwrap();
    let file = "content/releases/dst.yaml";
    site.write(
        file,
        common::replace_once(
            &site.read(file),
            "target: 2026-10-26 09:00",
            "target: 2026-10-30 09:00",
        ),
    );
    let quick = builder
        .rebuild_releases(&[site.path(file)])
        .unwrap()
        .expect("a release edit takes the quick path");
    assert_eq!(quick.rendered, 1);
    let window = uid("window", "cal-app-1.0.0");
    let own = calendar(&site, DST);
    assert_eq!(
        (
            own.event(&window).start.as_str(),
            own.event(&window).sequence
        ),
        ("20261030T090000Z", 1)
    );
    assert_eq!(
        calendar(&site, "calendar.ics").event(&window),
        own.event(&window)
    );
    assert_eq!(memory(&site)["events"][&window]["sequence"], 1);
    builder.persist().unwrap();
}
