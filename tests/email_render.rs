//! The readiness, success and postponement emails (started and issue: see
//! email_kinds.rs), end to end through the `golive` binary: `golive email`
//! and the previews written by `golive build`, on the `mail` fixture site.
//!
//! Messages are parsed with mail-parser (MIME, RFC 2047 headers, quoted-printable)
//! and HTML with scraper, so the assertions are about what a mail client would see,
//! not about how golive happened to spell the bytes.

mod common;

use common::html::{sel, text as text_of};
use common::{Output, Site, replace_once};
use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};
use scraper::Html;

const READY: &str = "mail-app-3.1.0";
const SHIPPED: &str = "mail-app-3.0.0";
const POSTPONED: &str = "mail-app-2.9.0";

const READY_FILE: &str = "content/releases/upcoming.yaml";
const SHIPPED_FILE: &str = "content/releases/shipped.yaml";
const POSTPONED_FILE: &str = "content/releases/postponed.yaml";

const READY_REPORT_URL: &str = "https://releases.mail.example/releases/mail-app-3.1.0/index.html";

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

fn ok(out: Output, what: &str) -> String {
    assert_eq!(out.code, Some(0), "{what} failed:\n{}", out.describe());
    out.stdout
}

/// `golive email <release> <kind> --format <format>`, which must succeed.
fn email(site: &Site, release: &str, kind: &str, format: &str) -> String {
    let out = site.run(&["email", release, kind, "--format", format]);
    ok(
        out,
        &format!("golive email {release} {kind} --format {format}"),
    )
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(raw)
        .unwrap_or_else(|| panic!("not a parseable message:\n{}", String::from_utf8_lossy(raw)))
}

/// (display name, address) of every mailbox in an address header.
fn mailboxes(addr: Option<&Address<'_>>) -> Vec<(Option<String>, String)> {
    addr.map(|a| {
        a.iter()
            .map(|m| {
                (
                    m.name().map(str::to_string),
                    m.address().expect("mailbox with an address").to_string(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

fn emails_of(addr: Option<&Address<'_>>) -> Vec<String> {
    mailboxes(addr).into_iter().map(|(_, e)| e).collect()
}

/// The two leaves of a multipart/alternative message, checked for shape:
/// returns (text/plain body, text/html body). A message with a calendar (the
/// readiness email) is multipart/mixed: the alternative, then text/calendar.
fn alternative_parts(msg: &Message<'_>) -> (String, String) {
    let mut root = msg.root_part();
    let ct = root.content_type().expect("root Content-Type");
    assert_eq!(ct.ctype(), "multipart", "root is {ct:?}");
    if ct.subtype() == Some("mixed") {
        let PartType::Multipart(ids) = &root.body else {
            panic!("multipart/mixed without parts");
        };
        assert_eq!(ids.len(), 2, "the alternative and the calendar");
        let calendar = msg.part(ids[1]).unwrap().content_type().unwrap();
        assert_eq!(
            (calendar.ctype(), calendar.subtype()),
            ("text", Some("calendar"))
        );
        root = msg.part(ids[0]).unwrap();
    }
    let ct = root.content_type().expect("Content-Type");
    assert_eq!(ct.subtype(), Some("alternative"), "root is {ct:?}");
    let children = match &root.body {
        PartType::Multipart(ids) => ids.clone(),
        other => panic!("root body is not multipart: {other:?}"),
    };
    assert_eq!(
        children.len(),
        2,
        "exactly two alternatives, got {children:?}"
    );
    let mut bodies = Vec::new();
    for (i, (id, want)) in children.iter().zip(["plain", "html"]).enumerate() {
        let part = msg.part(*id).expect("part exists");
        let ct = part.content_type().expect("part Content-Type");
        assert_eq!(
            (ct.ctype(), ct.subtype()),
            ("text", Some(want)),
            "part {i} must be text/{want} (text first, then HTML)"
        );
        let charset = ct.attribute("charset").expect("charset given");
        assert!(
            charset.eq_ignore_ascii_case("utf-8"),
            "part {i} charset is {charset}"
        );
        assert!(!part.is_encoding_problem, "part {i} decodes cleanly");
        let text = part
            .text_contents()
            .expect("text part")
            .replace("\r\n", "\n");
        bodies.push(text);
    }
    let html = bodies.pop().unwrap();
    let text = bodies.pop().unwrap();
    (text, html)
}

/// Subject, text part and HTML part of `golive email <release> <kind> --format eml`.
struct Parsed {
    raw: String,
    subject: String,
    text: String,
    html: String,
}

fn eml(site: &Site, release: &str, kind: &str) -> Parsed {
    let raw = email(site, release, kind, "eml");
    let (subject, text, html) = {
        let msg = parse(raw.as_bytes());
        let (text, html) = alternative_parts(&msg);
        (msg.subject().expect("Subject").to_string(), text, html)
    };
    Parsed {
        raw,
        subject,
        text,
        html,
    }
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the `<body>` of an HTML document, whitespace collapsed.
fn body_text(doc: &Html) -> String {
    let body = doc.select(&sel("body")).next().expect("<body>");
    text_of(body)
}

/// The `<tr>` whose first cell's text is `first`: its cells' texts joined by spaces.
fn row_starting(doc: &Html, first: &str) -> String {
    let cell = sel("td, th");
    doc.select(&sel("tr"))
        .find(|tr| tr.select(&cell).next().map(text_of).as_deref() == Some(first))
        .map(|tr| tr.select(&cell).map(text_of).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| panic!("no table row starting with {first:?} in:\n{}", doc.html()))
}

/// The preludes of the top-level rules of a style sheet (`@media ...`, `.x`).
fn top_level_preludes(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in css.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push(current.trim().to_string());
                    current.clear();
                }
                depth += 1;
            }
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    out
}

fn assert_contains_all(haystack: &str, needles: &[&str], what: &str) {
    let missing: Vec<&&str> = needles.iter().filter(|n| !haystack.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "{what} is missing {missing:?}:\n{haystack}"
    );
}

/// Every line of a text body fits in 72 columns, unless it is one unbreakable
/// token (a URL) after its indentation and list marker.
fn assert_wrapped(text: &str, what: &str) {
    for (n, line) in text.lines().enumerate() {
        let width = line.chars().count();
        if width <= 72 {
            continue;
        }
        let rest = line.trim_start();
        let rest = rest
            .strip_prefix("- ")
            .or_else(|| rest.strip_prefix("* "))
            .unwrap_or(rest);
        let rest = match rest.split_once(". ") {
            Some((num, after)) if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) => {
                after
            }
            _ => rest,
        };
        assert!(
            !rest.trim().contains(char::is_whitespace),
            "{what}: line {} is {width} columns and could have been wrapped:\n{line:?}\n\n{text}",
            n + 1
        );
    }
}

/// No HTML tags, entities or Markdown emphasis leaked into a text part.
fn assert_plain(text: &str, what: &str) {
    for bad in [
        "<p", "</", "<strong", "<br", "<a ", "<li", "<table", "**", "&amp;", "&lt;", "&#",
    ] {
        assert!(!text.contains(bad), "{what} contains {bad:?}:\n{text}");
    }
}

/// Every URL in `urls` appears whole on one line of `text`.
fn assert_urls_whole(text: &str, urls: &[&str], what: &str) {
    for url in urls {
        assert!(
            text.lines().any(|l| l.contains(url)),
            "{what}: {url} is not on one line (split or missing):\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------
// 1. the readiness .eml: MIME structure and headers
// ---------------------------------------------------------------------------

#[test]
fn readiness_eml_is_multipart_alternative_text_then_html_in_utf8() {
    let site = Site::copy_of("mail");
    let raw = email(&site, READY, "readiness", "eml");
    let msg = parse(raw.as_bytes());
    let (text, html) = alternative_parts(&msg);
    assert!(text.contains("Dear stakeholders"), "{text}");
    assert!(html.contains("<table"), "{html}");
    // The top-level MIME declaration.
    assert!(
        msg.header_raw("MIME-Version")
            .is_some_and(|v| v.trim() == "1.0"),
        "MIME-Version: 1.0 missing:\n{raw}"
    );
    // mail-parser sees one text body and one HTML body, and the release's
    // calendar attached (tests/calendar_ics.rs reads it).
    assert_eq!(msg.text_body_count(), 1);
    assert_eq!(msg.html_body_count(), 1);
    assert_eq!(msg.attachment_count(), 1);
    assert_eq!(
        msg.attachment(0).and_then(|a| a.attachment_name()),
        Some("mail-app-3.1.0.ics")
    );
}

#[test]
fn readiness_subject_decodes_with_its_em_dash() {
    let site = Site::copy_of("mail");
    let raw = email(&site, READY, "readiness", "eml");
    // Raw header bytes are ASCII: the em dash travels RFC 2047-encoded.
    assert!(raw.is_ascii(), "an .eml must be 7-bit clean:\n{raw}");
    let msg = parse(raw.as_bytes());
    assert_eq!(
        msg.subject(),
        Some("[NO-GO] Mail App 3.1.0 — readiness; decision by Tue 8 Dec")
    );
}

#[test]
fn readiness_from_to_and_cc_expand_groups_and_drop_duplicates() {
    let site = Site::copy_of("mail");
    let raw = email(&site, READY, "readiness", "eml");
    let msg = parse(raw.as_bytes());
    assert_eq!(
        mailboxes(msg.from()),
        vec![(
            Some("Mail Fixture Releases".to_string()),
            "releases@mail.example".to_string()
        )]
    );
    // `leads` = [cto, ana], expanded in order, with display names.
    assert_eq!(
        mailboxes(msg.to()),
        vec![
            (Some("Dana Kim".into()), "cto@mail.example".into()),
            (Some("Ana Lima".into()), "ana@mail.example".into()),
        ]
    );
    // cc: [bo, ana]; ana is already in To.
    assert_eq!(
        mailboxes(msg.cc()),
        vec![(Some("Bo Ek".into()), "bo@mail.example".into())]
    );
    assert!(msg.bcc().is_none(), "a preview has no Bcc");
}

#[test]
fn readiness_date_and_message_id() {
    let site = Site::copy_of("mail");
    let raw = email(&site, READY, "readiness", "eml");
    let msg = parse(raw.as_bytes());
    let date = msg.date().unwrap_or_else(|| panic!("Date parses:\n{raw}"));
    assert!(date.is_valid(), "{date:?}");
    // The preview is dated at the moment it belongs to (the decision deadline,
    // 2026-12-08 17:00 Europe/London = GMT), not at build time.
    assert_eq!(date.to_rfc3339(), "2026-12-08T17:00:00Z", "{date:?}");

    let id = msg
        .message_id()
        .unwrap_or_else(|| panic!("Message-ID:\n{raw}"));
    let raw_id = msg
        .header_raw("Message-ID")
        .expect("Message-ID header")
        .trim();
    assert_eq!(raw_id, format!("<{id}>"), "Message-ID is <...>");
    let (local, domain) = id.split_once('@').expect("id has an @");
    assert_eq!(domain, "mail.example", "domain of the sender: {id}");
    assert!(
        !local.is_empty() && !local.contains(char::is_whitespace),
        "{id}"
    );
    assert!(
        local.contains("mail-app-3.1.0"),
        "id names the release: {id}"
    );
}

#[test]
fn message_ids_differ_between_emails_and_change_with_content() {
    let site = Site::copy_of("mail");
    let id = |release: &str, kind: &str| {
        let raw = email(&site, release, kind, "eml");
        parse(raw.as_bytes()).message_id().unwrap().to_string()
    };
    let readiness = id(READY, "readiness");
    let success = id(SHIPPED, "success");
    let postponement = id(POSTPONED, "postponement");
    assert_ne!(readiness, success);
    assert_ne!(readiness, postponement);
    assert_ne!(success, postponement);
    // Same content: same id (stable previews).
    assert_eq!(id(READY, "readiness"), readiness);
    // Different content: a different id, so clients do not thread two
    // different messages as one.
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        replace_once(
            &yaml,
            "Disk quota increase",
            "Disk quota increase for search",
        ),
    );
    assert_ne!(id(READY, "readiness"), readiness);
}

// ---------------------------------------------------------------------------
// 2. success and postponement: subjects and recipients
// ---------------------------------------------------------------------------

#[test]
fn success_subject_has_the_emoji_and_says_deployed_successfully() {
    let site = Site::copy_of("mail");
    let p = eml(&site, SHIPPED, "success");
    assert!(p.raw.is_ascii(), "7-bit clean .eml");
    assert!(p.subject.starts_with('✅'), "{:?}", p.subject);
    assert!(p.subject.contains("Mail App 3.0.0"), "{:?}", p.subject);
    assert!(
        p.subject.contains("deployed successfully"),
        "{:?}",
        p.subject
    );
    // A folded header must unfold to single spaces, not lose or double them.
    assert!(!p.subject.contains("  "), "{:?}", p.subject);
    assert!(!p.subject.contains(['\r', '\n']), "{:?}", p.subject);
}

#[test]
fn postponement_subject_has_the_pause_emoji_and_says_postponed() {
    let site = Site::copy_of("mail");
    let p = eml(&site, POSTPONED, "postponement");
    assert!(p.subject.starts_with("⏸️"), "{:?}", p.subject);
    assert!(p.subject.contains("Mail App 2.9.0"), "{:?}", p.subject);
    assert!(p.subject.contains("go-live postponed"), "{:?}", p.subject);
    assert!(!p.subject.contains("  "), "{:?}", p.subject);
}

#[test]
fn success_goes_to_everyone_once_with_non_ascii_names_intact() {
    let site = Site::copy_of("mail");
    let raw = email(&site, SHIPPED, "success", "eml");
    let msg = parse(raw.as_bytes());
    // everyone = [leads, bo, zoë, ana]; leads = [cto, ana]: ana only once.
    assert_eq!(
        mailboxes(msg.to()),
        vec![
            (Some("Dana Kim".into()), "cto@mail.example".into()),
            (Some("Ana Lima".into()), "ana@mail.example".into()),
            (Some("Bo Ek".into()), "bo@mail.example".into()),
            (Some("Zoë Čapek".into()), "zoe@mail.example".into()),
        ]
    );
    assert!(msg.cc().is_none(), "no Cc was asked for");
}

#[test]
fn postponement_recipients_drop_cc_already_in_to() {
    let site = Site::copy_of("mail");
    let raw = email(&site, POSTPONED, "postponement", "eml");
    let msg = parse(raw.as_bytes());
    assert_eq!(
        emails_of(msg.to()),
        [
            "cto@mail.example",
            "ana@mail.example",
            "bo@mail.example",
            "zoe@mail.example"
        ]
    );
    let zoe = mailboxes(msg.to())
        .into_iter()
        .find(|(_, e)| e == "zoe@mail.example")
        .unwrap();
    assert_eq!(zoe.0.as_deref(), Some("Zoë Čapek"));
    // cc: [cto], but cto is in To already: To wins, and an empty Cc is not written.
    assert!(
        emails_of(msg.cc()).is_empty(),
        "cto must not be in Cc too: {:?}",
        mailboxes(msg.cc())
    );
    assert!(msg.header_raw("Cc").is_none(), "no empty Cc header:\n{raw}");
    // Nobody twice across To and Cc, case-insensitively.
    let mut all: Vec<String> = emails_of(msg.to())
        .into_iter()
        .chain(emails_of(msg.cc()))
        .map(|e| e.to_lowercase())
        .collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "duplicate recipients");
}

#[test]
fn a_cc_only_duplicate_is_kept_once_in_cc() {
    // cc lists the same person twice and also via a group: one Cc entry.
    let site = Site::copy_of("mail");
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        replace_once(
            &yaml,
            "readiness: {to: [leads], cc: [bo, ana]}",
            "readiness: {to: [cto], cc: [bo, leads, bo, zoë]}",
        ),
    );
    let raw = email(&site, READY, "readiness", "eml");
    let msg = parse(raw.as_bytes());
    assert_eq!(emails_of(msg.to()), ["cto@mail.example"]);
    assert_eq!(
        emails_of(msg.cc()),
        ["bo@mail.example", "ana@mail.example", "zoe@mail.example"]
    );
}

// ---------------------------------------------------------------------------
// 3. what each email says (seeds/000), in both parts
// ---------------------------------------------------------------------------

#[test]
fn readiness_says_what_an_executive_needs_and_leaves_the_rest_to_the_report() {
    let site = Site::copy_of("mail");
    let p = eml(&site, READY, "readiness");
    let doc = Html::parse_document(&p.html);
    let html = body_text(&doc);
    let text = &p.text;

    // The verdict and score.
    let badge = doc.select(&sel(".badge")).next().expect("a verdict badge");
    assert!(text_of(badge).contains("NO-GO"), "{}", text_of(badge));
    let overall = row_starting(&doc, "Overall readiness");
    assert!(
        overall.contains("NO-GO") && overall.contains("50%"),
        "{overall}"
    );
    assert!(
        text.contains("Overall readiness: NO-GO, 50%"),
        "text verdict:\n{text}"
    );

    // Sections, in this order, in both parts.
    let heads: Vec<String> = doc.select(&sel("h2")).map(text_of).collect();
    let want = ["Why NO-GO", "Needed from you", "Key risks", "Rollback"];
    assert_eq!(heads, want, "{heads:?}");
    let upper = text.to_uppercase();
    let mut last = 0;
    for h in want {
        let at = upper[last..]
            .find(&h.to_uppercase())
            .unwrap_or_else(|| panic!("text part lacks section {h:?} (in order):\n{text}"));
        last += at + h.len();
    }

    // Who must do what by when; the lower risk and the detail are on the report.
    for part in [&html, &norm(text)] {
        assert_contains_all(
            part,
            &[
                "Approval from CTO (Dana Kim), due Wed 2 Dec 2026",
                "Blocker: Disk quota increase; Bo Ek, ETA Tue 8 Dec 2026",
                "No high or critical risk; 1 lower risk on the report.",
                "Estimated rollback time: 10 minutes.",
                "decision needed by Tue 8 Dec 2026, 17:00 GMT",
            ],
            "readiness",
        );
        for gone in [
            "Unit tests pass",
            "Index rebuild is slow",
            "Switch back to the old index",
            "T-24h",
        ] {
            assert!(
                !part.contains(gone),
                "{gone:?} belongs to the report:\n{part}"
            );
        }
    }

    // Summary Markdown: bold in HTML, plain in text.
    let strong: Vec<String> = doc.select(&sel("p strong")).map(text_of).collect();
    assert!(strong.iter().any(|s| s == "index"), "{strong:?}");
    assert!(text.contains("the new index."), "{text}");
}

#[test]
fn success_says_when_how_long_what_was_verified_and_whom_to_call() {
    let site = Site::copy_of("mail");
    let p = eml(&site, SHIPPED, "success");
    let doc = Html::parse_document(&p.html);
    let html = body_text(&doc);
    let text = &p.text;

    // Deployment time, duration (09:05 -> 09:47), downtime.
    let deployed = row_starting(&doc, "Deployed");
    assert!(deployed.contains("Mon 2 Nov 2026, 09:05 GMT"), "{deployed}");
    assert_eq!(row_starting(&doc, "Duration"), "Duration 42 minutes");
    assert_eq!(row_starting(&doc, "Downtime"), "Downtime none");
    assert_contains_all(
        text,
        &[
            "Mon 2 Nov 2026, 09:05 GMT",
            "42 minutes",
            "Downtime:",
            "none",
        ],
        "text part",
    );
    let downtime = text.lines().find(|l| l.starts_with("Downtime")).unwrap();
    assert!(downtime.ends_with("none"), "{downtime}");

    // Verification 19 passed / 0 failed.
    assert_eq!(row_starting(&doc, "Passed"), "Passed 19");
    assert_eq!(row_starting(&doc, "Failed"), "Failed 0");
    assert!(text.contains("Passed: 19, failed: 0"), "{text}");

    // Success criterion, judged.
    let metric = row_starting(&doc, "API p95");
    assert!(
        metric.contains("180ms") && metric.contains("< 200ms") && metric.contains("✓ met"),
        "{metric}"
    );
    assert!(
        text.contains("API p95: met (180ms meets the target < 200ms)"),
        "{text}"
    );

    // Dashboard link: a real link in HTML, the whole URL in text.
    let dash = doc
        .select(&sel("a[href='https://grafana.mail.example/d/search']"))
        .next()
        .unwrap_or_else(|| panic!("no dashboard link:\n{}", p.html));
    assert_eq!(text_of(dash), "Search dashboard");
    assert!(
        text.contains("Search dashboard: https://grafana.mail.example/d/search"),
        "{text}"
    );

    // Escalation contacts with phone and chat.
    let primary = row_starting(&doc, "Primary");
    assert_contains_all(
        &primary,
        &["Ana Lima", "+44 20 7946 0001", "@ana"],
        "primary row",
    );
    let secondary = row_starting(&doc, "Secondary");
    assert_contains_all(&secondary, &["Zoë Čapek", "@zoe"], "secondary row");
    let line = text.lines().find(|l| l.contains("Primary")).unwrap();
    assert_contains_all(
        line,
        &["Ana Lima", "+44 20 7946 0001", "@ana"],
        "text primary",
    );
    assert!(text.contains("Zoë Čapek"), "{text}");
    assert!(html.contains("Thank you"), "{html}");
}

#[test]
fn postponement_says_why_what_is_being_done_and_the_new_dates() {
    let site = Site::copy_of("mail");
    let p = eml(&site, POSTPONED, "postponement");
    let doc = Html::parse_document(&p.html);
    let html = body_text(&doc);
    let text = &p.text;

    let reason = row_starting(&doc, "Migration failed on staging");
    assert_contains_all(&reason, &["critical", "Search unusable"], "reason row");
    assert!(
        text.contains("[critical] Migration failed on staging. Impact: Search unusable"),
        "{text}"
    );

    let fix = row_starting(&doc, "Fix migration 042");
    assert!(fix.contains("Bo Ek"), "{fix}");
    assert!(text.contains("Fix migration 042; owner Bo Ek"), "{text}");

    assert!(html.contains("New target date: Thu 8 Oct 2026"), "{html}");
    assert!(text.contains("New target date: Thu 8 Oct 2026"), "{text}");
    // The original date is named too.
    assert!(html.contains("Thu 1 Oct 2026"), "{html}");
    assert!(norm(text).contains("planned for Thu 1 Oct 2026"), "{text}");

    assert!(html.contains("Staging re-test"), "{html}");
    assert!(text.contains("- Staging re-test"), "{text}");
}

// ---------------------------------------------------------------------------
// 4. the HTML part is fit for mail clients
// ---------------------------------------------------------------------------

fn check_email_safe_html(html: &str, what: &str) -> Html {
    let doc = Html::parse_document(html);
    assert_eq!(doc.select(&sel("script")).count(), 0, "{what}: <script>");
    assert_eq!(doc.select(&sel("link")).count(), 0, "{what}: <link>");
    assert_eq!(
        doc.select(&sel("iframe, object, embed, form")).count(),
        0,
        "{what}"
    );
    for img in doc.select(&sel("img[src]")) {
        let src = img.value().attr("src").unwrap();
        assert!(
            !(src.starts_with("http:") || src.starts_with("https:") || src.starts_with("//")),
            "{what}: remote image {src}"
        );
    }
    for el in doc.select(&sel("[style]")) {
        let style = el.value().attr("style").unwrap();
        assert!(
            !style.contains("url("),
            "{what}: remote resource in style: {style}"
        );
    }
    // Table-based layout.
    assert!(
        doc.select(&sel("table[role=presentation]")).count() >= 1,
        "{what}: no layout table"
    );
    // CSS inlined.
    let header = doc.select(&sel("td.header")).next().expect("header cell");
    let style = header.value().attr("style").unwrap_or_else(|| {
        panic!(
            "{what}: header cell has no inlined style: {}",
            header.html()
        )
    });
    assert!(style.contains("background"), "{what}: {style}");
    let styled = doc.select(&sel("body [style]")).count();
    assert!(styled >= 10, "{what}: only {styled} elements carry style=");
    // Only at-rules remain in <style>; dark mode is among them.
    let css: String = doc
        .select(&sel("style"))
        .map(|s| s.text().collect::<String>())
        .collect();
    assert!(
        css.contains("prefers-color-scheme: dark"),
        "{what}: dark mode rules lost:\n{css}"
    );
    let preludes = top_level_preludes(&css);
    assert!(
        preludes.iter().all(|p| p.starts_with('@')),
        "{what}: plain rules were not inlined, <style> still has {preludes:?}"
    );
    assert!(
        !css.contains(".badge"),
        "{what}: badge rules were not inlined:\n{css}"
    );
    // The preheader: present, hidden, not empty.
    let pre = doc
        .select(&sel(".preheader"))
        .next()
        .expect("a preheader element");
    assert!(!text_of(pre).is_empty(), "{what}: empty preheader");
    assert!(
        pre.value()
            .attr("style")
            .is_some_and(|s| s.contains("display: none")),
        "{what}: preheader not hidden: {}",
        pre.html()
    );
    doc
}

#[test]
fn readiness_html_is_email_safe_inlined_and_links_to_the_site() {
    let site = Site::copy_of("mail");
    let p = eml(&site, READY, "readiness");
    let doc = check_email_safe_html(&p.html, "readiness");
    // Both the same HTML as `--format html`.
    let direct = email(&site, READY, "readiness", "html");
    assert_eq!(
        direct.replace("\r\n", "\n"),
        p.html,
        "--format html is the .eml's HTML part"
    );

    let badge = doc.select(&sel(".badge")).next().expect("badge");
    let style = badge
        .value()
        .attr("style")
        .expect("badge has inlined style");
    assert!(style.contains("background"), "{style}");

    let links: Vec<&str> = doc
        .select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(links.contains(&READY_REPORT_URL), "{links:?}");
    for href in &links {
        assert!(
            href.starts_with("https://") || href.starts_with("mailto:"),
            "absolute links only in an email: {href}"
        );
    }
    // Preheader text is the one of the text template.
    let pre = text_of(doc.select(&sel(".preheader")).next().unwrap());
    assert!(
        pre.contains("NO-GO") && pre.contains("Tue 8 Dec 2026, 17:00 GMT"),
        "{pre}"
    );
    // The <title> is the subject.
    let title = text_of(doc.select(&sel("title")).next().expect("<title>"));
    assert_eq!(title, p.subject);
}

#[test]
fn success_and_postponement_html_are_email_safe_too() {
    let site = Site::copy_of("mail");
    for (release, kind) in [(SHIPPED, "success"), (POSTPONED, "postponement")] {
        let p = eml(&site, release, kind);
        let doc = check_email_safe_html(&p.html, kind);
        let report = format!("https://releases.mail.example/releases/{release}/index.html");
        assert!(
            doc.select(&sel(&format!("a[href='{report}']")))
                .next()
                .is_some(),
            "{kind}: no link to {report}"
        );
    }
}

#[test]
fn user_text_is_escaped_in_html_and_left_alone_in_text() {
    let site = Site::copy_of("mail");
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        replace_once(
            &yaml,
            "title: Disk quota increase,",
            "title: \"<script>alert(1)</script> Q&A <img src=https://evil.example/x.png>\",",
        ),
    );
    let p = eml(&site, READY, "readiness");
    let doc = check_email_safe_html(&p.html, "readiness with markup in a risk");
    assert_eq!(doc.select(&sel("img")).count(), 0);
    assert!(
        body_text(&doc).contains("<script>alert(1)</script> Q&A"),
        "the title is shown as text"
    );
    assert!(
        p.text.contains("<script>alert(1)</script> Q&A"),
        "plain text is not HTML-escaped:\n{}",
        p.text
    );
}

// ---------------------------------------------------------------------------
// 5. the text part reads well in 72 columns
// ---------------------------------------------------------------------------

#[test]
fn text_parts_are_wrapped_plain_and_keep_urls_whole() {
    let site = Site::copy_of("mail");
    for (release, kind, urls) in [
        (READY, "readiness", vec![READY_REPORT_URL]),
        (
            SHIPPED,
            "success",
            vec![
                "https://grafana.mail.example/d/search",
                "https://releases.mail.example/releases/mail-app-3.0.0/index.html",
            ],
        ),
        (
            POSTPONED,
            "postponement",
            vec!["https://releases.mail.example/releases/mail-app-2.9.0/index.html"],
        ),
    ] {
        let p = eml(&site, release, kind);
        assert_wrapped(&p.text, kind);
        assert_plain(&p.text, kind);
        assert_urls_whole(&p.text, &urls, kind);
        // `--format text` prints the same text part.
        let direct = email(&site, release, kind, "text");
        assert_eq!(
            direct, p.text,
            "{kind}: --format text is the .eml's text part"
        );
        // The header lines of the template are not part of the body.
        assert!(!p.text.starts_with("Subject:"), "{kind}:\n{}", p.text);
        assert!(!p.text.contains("\nPreheader:"), "{kind}:\n{}", p.text);
        assert!(
            !p.text.contains("\n\n\n"),
            "{kind}: blank runs:\n{}",
            p.text
        );
    }
    // The fixture's summary is longer than 72 columns, so wrapping did happen.
    let p = eml(&site, READY, "readiness");
    assert!(
        p.text.contains("well past\nthe seventy-two") || p.text.contains("column limit of\n"),
        "summary was not wrapped as expected:\n{}",
        p.text
    );
}

#[test]
fn long_lines_wrap_with_hanging_indents_and_long_urls_stay_whole() {
    let site = Site::copy_of("mail");
    let long_url = "https://wiki.mail.example/runbooks/search/index-rebuild-procedure-for-large-tenants-v2.html";
    assert!(long_url.len() > 72);
    let yaml = site.read(READY_FILE);
    let yaml = replace_once(&yaml, "severity: medium", "severity: high");
    let yaml = replace_once(
        &yaml,
        "mitigation: Rebuild overnight}",
        &format!(
            "mitigation: \"Rebuild overnight in batches of fifty tenants, following the well-documented procedure at {long_url} and watching the queue\"}}"
        ),
    );
    let yaml = replace_once(
        &yaml,
        "title: Disk quota increase,",
        "title: \"Disk quota increase for the search cluster, requested from infrastructure-operations-team with ticket INFRA-20931\",",
    );
    site.write(READY_FILE, yaml);
    let p = eml(&site, READY, "readiness");
    assert_wrapped(&p.text, "readiness with long items");
    assert_urls_whole(
        &p.text,
        &[long_url, READY_REPORT_URL],
        "readiness with long items",
    );
    assert!(
        p.text.contains("infrastructure-operations-team"),
        "hyphenated word kept:\n{}",
        p.text
    );
    // Continuation lines of a list item hang under its text.
    let lines: Vec<&str> = p.text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("- [high]"))
        .unwrap_or_else(|| panic!("no risk item:\n{}", p.text));
    assert!(
        lines[start + 1].starts_with("  ") && !lines[start + 1].starts_with("   "),
        "continuation of a `- ` item is indented two spaces: {:?}\n{}",
        lines[start + 1],
        p.text
    );
    // The HTML part keeps the sentence whole.
    let doc = Html::parse_document(&p.html);
    assert!(body_text(&doc).contains(&format!("procedure at {long_url} and watching")));
}

#[test]
fn a_line_break_in_the_product_name_does_not_cut_the_subject() {
    // The subject comes from the first line of the text template; a product
    // name with a line break must neither truncate it nor add a header.
    let site = Site::copy_of("mail");
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        replace_once(
            &yaml,
            "product: Mail App\n",
            "product: \"Mail App\\nBcc: evil@x.example\"\n",
        ),
    );
    let out = site.run(&["build"]);
    if out.code == Some(2) {
        // Rejected by validation: fine, as long as it says where.
        assert!(out.stderr.contains("upcoming.yaml"), "{}", out.describe());
        return;
    }
    assert_eq!(out.code, Some(0), "{}", out.describe());
    let dir = site.path("public/releases");
    let slug = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with("-3.1.0"))
        .expect("the 3.1.0 release was built");
    let raw = std::fs::read(dir.join(&slug).join("emails/readiness.eml")).unwrap();
    let msg = parse(&raw);
    assert!(
        msg.bcc().is_none(),
        "header injection:\n{}",
        String::from_utf8_lossy(&raw)
    );
    let subject = msg.subject().unwrap_or_default();
    assert!(
        subject.contains("3.1.0") && subject.contains("— readiness"),
        "subject lost its version and purpose: {subject:?}"
    );
}

// ---------------------------------------------------------------------------
// 6. guards
// ---------------------------------------------------------------------------

fn refused(site: &Site, args: &[&str]) -> Output {
    let out = site.run(args);
    assert_eq!(
        out.code,
        Some(1),
        "{args:?} must be refused:\n{}",
        out.describe()
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when refused:\n{}",
        out.describe()
    );
    out
}

#[test]
fn success_email_needs_a_deployed_release() {
    let site = Site::copy_of("mail");
    for format in ["text", "html", "eml"] {
        let out = refused(&site, &["email", READY, "success", "--format", format]);
        assert!(
            out.stderr.contains(&format!(
                "the readiness email is owed, not success (golive email {READY} readiness)"
            )),
            "{}",
            out.describe()
        );
        assert!(
            out.stderr.contains(READY),
            "names the release:\n{}",
            out.describe()
        );
    }
}

#[test]
fn success_email_needs_verification_results() {
    let site = Site::copy_of("mail");
    let yaml = site.read(SHIPPED_FILE);
    site.write(
        SHIPPED_FILE,
        replace_once(
            &yaml,
            "verification: {passed: 19, failed: 0, warnings: 0, duration_seconds: 45}\n",
            "",
        ),
    );
    let out = refused(&site, &["email", SHIPPED, "success"]);
    assert!(out.stderr.contains("verification"), "{}", out.describe());
}

#[test]
fn a_deployed_release_sends_no_postponement_notice() {
    // Writers copy the previous release file; a `postponement:` block left in a
    // release that has since been deployed must not produce a postponement email.
    let site = Site::copy_of("mail");
    let yaml = site.read(SHIPPED_FILE);
    site.write(
        SHIPPED_FILE,
        format!(
            "{yaml}postponement:\n  reasons: [{{issue: Old reason, severity: high}}]\n  remediation: [{{action: Old fix}}]\n  new_target: 2026-11-02 09:00\n"
        ),
    );
    let out = refused(&site, &["email", SHIPPED, "postponement"]);
    assert!(out.stderr.contains("deployed"), "{}", out.describe());
    ok(site.run(&["build"]), "build");
    assert_eq!(
        email_files(&site, SHIPPED),
        ["success.eml", "success.html", "success.txt"],
        "no postponement preview for a deployed release"
    );
}

#[test]
fn readiness_email_is_refused_once_deployed() {
    let site = Site::copy_of("mail");
    let out = refused(&site, &["email", SHIPPED, "readiness"]);
    assert!(
        out.stderr.contains("the release is deployed")
            && out
                .stderr
                .contains("the success email is owed, not readiness"),
        "{}",
        out.describe()
    );
}

#[test]
fn postponement_email_needs_a_postponement_block() {
    let site = Site::copy_of("mail");
    // A scheduled release owes its readiness summary; with `deployment.status:
    // postponed` the postponement notice needs its block.
    let out = refused(&site, &["email", READY, "postponement"]);
    assert!(
        out.stderr
            .contains("the readiness email is owed, not postponement"),
        "{}",
        out.describe()
    );
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        format!("{yaml}deployment: {{status: postponed}}\n"),
    );
    let out = refused(&site, &["email", READY, "postponement"]);
    assert!(out.stderr.contains("`postponement:`"), "{}", out.describe());
}

#[test]
fn postponement_email_needs_a_remediation_plan() {
    let site = Site::copy_of("mail");
    let yaml = site.read(POSTPONED_FILE);
    site.write(
        POSTPONED_FILE,
        replace_once(
            &yaml,
            "  remediation: [{action: Fix migration 042, owner: bo, eta: 2026-10-06}]\n",
            "",
        ),
    );
    let out = refused(&site, &["email", POSTPONED, "postponement"]);
    assert!(
        out.stderr.contains("postponement.remediation"),
        "{}",
        out.describe()
    );
}

#[test]
fn an_email_without_an_audience_renders_but_cannot_be_addressed() {
    let site = Site::copy_of("mail");
    // The text and HTML can be previewed...
    let text = email(&site, POSTPONED, "readiness", "text");
    assert!(text.contains("Mail App 2.9.0"), "{text}");
    // ...but there is nobody to send it to.
    let out = refused(&site, &["email", POSTPONED, "readiness", "--format", "eml"]);
    assert!(
        out.stderr.contains("`audience.readiness`"),
        "{}",
        out.describe()
    );
}

#[test]
fn an_unknown_release_is_invalid_with_a_suggestion() {
    let site = Site::copy_of("mail");
    let out = site.run(&["email", "mail-app-3.1.1", "readiness"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stdout.is_empty(), "{}", out.describe());
    assert!(out.stderr.contains("mail-app-3.1.1"), "{}", out.describe());
    assert!(
        out.stderr.contains("did you mean `mail-app-3.1.0`"),
        "{}",
        out.describe()
    );
}

#[test]
fn a_release_can_be_named_by_its_file() {
    let site = Site::copy_of("mail");
    let path = site.path(READY_FILE);
    let out = site.run(&[
        "email",
        path.to_str().unwrap(),
        "readiness",
        "--format",
        "eml",
    ]);
    let raw = ok(out, "email by path");
    assert_eq!(
        parse(raw.as_bytes()).subject(),
        Some("[NO-GO] Mail App 3.1.0 — readiness; decision by Tue 8 Dec")
    );
}

// ---------------------------------------------------------------------------
// 7. recipient lists that resolve to nobody
// ---------------------------------------------------------------------------

#[test]
fn an_empty_to_list_is_refused_naming_the_key() {
    let site = Site::copy_of("mail");
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        replace_once(
            &yaml,
            "readiness: {to: [leads], cc: [bo, ana]}",
            "readiness: {to: [], cc: [bo]}",
        ),
    );
    let out = refused(&site, &["email", READY, "readiness", "--format", "eml"]);
    assert!(
        out.stderr.contains("`audience.readiness.to`"),
        "{}",
        out.describe()
    );
    // The preview of the words still works; build writes no .eml for it.
    email(&site, READY, "readiness", "html");
    ok(site.run(&["build"]), "build");
    let dir = "public/releases/mail-app-3.1.0/emails";
    assert!(site.path(&format!("{dir}/readiness.html")).is_file());
    assert!(!site.path(&format!("{dir}/readiness.eml")).exists());
}

#[test]
fn a_group_of_people_without_email_is_reported_where_it_is_used() {
    let site = Site::copy_of("mail");
    let yaml = site.read(READY_FILE);
    site.write(
        READY_FILE,
        replace_once(
            &yaml,
            "readiness: {to: [leads], cc: [bo, ana]}",
            "readiness: {to: [ghosts], cc: [bo]}",
        ),
    );
    let people = site.read("content/people.yaml");
    site.write(
        "content/people.yaml",
        replace_once(&people, "groups:\n", "groups:\n  ghosts: [nomail]\n"),
    );
    let out = site.run(&["email", READY, "readiness", "--format", "eml"]);
    assert!(
        matches!(out.code, Some(1) | Some(2)),
        "must fail:\n{}",
        out.describe()
    );
    assert!(out.stdout.is_empty(), "{}", out.describe());
    // Either the validator (file:line, the key) or the addressing step
    // (`audience.readiness.to`) must say which list is the problem.
    assert!(
        out.stderr.contains("ghosts") || out.stderr.contains("`audience.readiness.to`"),
        "{}",
        out.describe()
    );
    if out.code == Some(2) {
        assert!(out.stderr.contains("upcoming.yaml"), "{}", out.describe());
    }
}

// ---------------------------------------------------------------------------
// 8. previews written by build
// ---------------------------------------------------------------------------

fn email_files(site: &Site, slug: &str) -> Vec<String> {
    let dir = site.path(&format!("public/releases/{slug}/emails"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn build_writes_the_previews_each_state_allows() {
    let site = Site::copy_of("mail");
    ok(site.run(&["build"]), "build");
    assert_eq!(
        email_files(&site, READY),
        ["readiness.eml", "readiness.html", "readiness.txt"]
    );
    assert_eq!(
        email_files(&site, SHIPPED),
        ["success.eml", "success.html", "success.txt"]
    );
    assert_eq!(
        email_files(&site, POSTPONED),
        [
            "postponement.eml",
            "postponement.html",
            "postponement.txt",
            "readiness.html",
            "readiness.txt"
        ]
    );
    for (slug, kind, subject) in [
        (READY, "readiness", "— readiness; decision by"),
        (SHIPPED, "success", "deployed successfully"),
        (POSTPONED, "postponement", "go-live postponed"),
    ] {
        let dir = format!("public/releases/{slug}/emails");
        let raw = std::fs::read(site.path(&format!("{dir}/{kind}.eml"))).unwrap();
        let msg = parse(&raw);
        assert!(msg.subject().unwrap().contains(subject), "{slug} {kind}");
        assert!(
            msg.date().is_some() && msg.message_id().is_some(),
            "{slug} {kind}"
        );
        let (text, html) = alternative_parts(&msg);
        // The .txt and .html previews are the parts of the .eml.
        assert_eq!(
            site.read(&format!("{dir}/{kind}.txt")),
            text,
            "{slug} {kind}.txt"
        );
        assert_eq!(
            site.read(&format!("{dir}/{kind}.html")),
            html,
            "{slug} {kind}.html"
        );
        // And what `golive email` prints.
        let direct = email(&site, slug, kind, "eml");
        assert_eq!(
            direct.as_bytes(),
            &raw[..],
            "{slug} {kind}: build and email agree"
        );
        check_email_safe_html(&html, &format!("{slug} {kind}.html"));
        assert_wrapped(&text, &format!("{slug} {kind}.txt"));
    }
}

#[test]
fn rebuilding_gives_byte_identical_emails() {
    let site = Site::copy_of("mail");
    ok(site.run(&["build"]), "first build");
    let first = site.snapshot("public/releases");
    // A Date or Message-ID taken from the clock would change across a second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(site.run(&["build"]), "second build");
    let second = site.snapshot("public/releases");
    let emails = |s: &common::Snapshot| {
        s.iter()
            .filter(|(p, _)| p.components().any(|c| c.as_os_str() == "emails"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (emails(&first), emails(&second));
    assert!(
        a.iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "eml"))
            .count()
            == 3
    );
    for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{} differs between two builds", pa.display());
    }
    assert_eq!(a.len(), b.len());

    // Another copy of the site, built in another folder: the same bytes. (The
    // copy has the calendars' memory too, as a site kept with its `.golive`
    // does: without it, the calendar's DTSTAMP would be the time of this build.)
    let other = Site::copy_of("mail");
    other.write(".golive/calendar.json", site.read(".golive/calendar.json"));
    ok(other.run(&["build"]), "build elsewhere");
    let c = emails(&other.snapshot("public/releases"));
    assert_eq!(a.len(), c.len());
    for ((pa, ba), (pc, bc)) in a.iter().zip(&c) {
        assert_eq!(pa, pc);
        assert!(ba == bc, "{} depends on where the site is", pa.display());
    }
}

#[test]
fn previews_are_dated_at_the_moment_each_email_belongs_to() {
    let site = Site::copy_of("mail");
    ok(site.run(&["build"]), "build");
    for (slug, kind, when) in [
        // decision_due 2026-12-08 17:00 Europe/London (GMT)
        (READY, "readiness", "2026-12-08T17:00:00Z"),
        // deployment.finished 2026-11-02 09:47 (GMT)
        (SHIPPED, "success", "2026-11-02T09:47:00Z"),
        // the original target 2026-10-01 09:00 (BST)
        (POSTPONED, "postponement", "2026-10-01T08:00:00Z"),
    ] {
        let raw =
            std::fs::read(site.path(&format!("public/releases/{slug}/emails/{kind}.eml"))).unwrap();
        let msg = parse(&raw);
        let date = msg.date().expect("Date");
        let utc = mail_parser::DateTime::from_timestamp(date.to_timestamp()).to_rfc3339();
        assert_eq!(utc, when, "{slug} {kind}: {date:?}");
    }
}

#[test]
fn build_without_a_sender_writes_no_eml() {
    let site = Site::copy_of("mail");
    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        replace_once(
            &config,
            "email:\n  from: \"Mail Fixture Releases <releases@mail.example>\"\n",
            "",
        ),
    );
    ok(site.run(&["build"]), "build");
    assert_eq!(
        email_files(&site, READY),
        ["readiness.html", "readiness.txt"]
    );
    let out = refused(&site, &["email", READY, "readiness", "--format", "eml"]);
    assert!(out.stderr.contains("email.from"), "{}", out.describe());
}

// ---------------------------------------------------------------------------
// 9. a site's own templates
// ---------------------------------------------------------------------------

#[test]
fn a_site_template_overrides_the_built_in_one() {
    let site = Site::copy_of("mail");
    site.write(
        "emails/readiness.txt",
        "Subject: Custom {{ release.version }}\n\nHello from {{ release.product }}.\n",
    );
    let p = eml(&site, READY, "readiness");
    assert_eq!(p.subject, "Custom 3.1.0");
    assert_eq!(p.text.trim_end(), "Hello from Mail App.");
    assert!(!p.text.contains("EXECUTIVE SUMMARY"), "{}", p.text);
    // The HTML part still uses the built-in template, titled with the new subject.
    let doc = Html::parse_document(&p.html);
    assert_eq!(
        text_of(doc.select(&sel("title")).next().unwrap()),
        "Custom 3.1.0"
    );
    assert!(body_text(&doc).contains("Overall readiness"));
    // Other kinds are untouched.
    let s = eml(&site, SHIPPED, "success");
    assert!(s.subject.contains("deployed successfully"), "{}", s.subject);
}

#[test]
fn a_text_template_without_a_subject_is_an_invalid_template() {
    let site = Site::copy_of("mail");
    site.write(
        "emails/readiness.txt",
        "Hello from {{ release.product }}.\n",
    );
    let out = site.run(&["email", READY, "readiness"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stderr.contains("Subject:"), "{}", out.describe());
    assert!(out.stderr.contains("readiness.txt"), "{}", out.describe());
}

// ---------------------------------------------------------------------------
// 10. --out
// ---------------------------------------------------------------------------

#[test]
fn out_writes_the_file_and_prints_nothing() {
    let site = Site::copy_of("mail");
    // Built first, so that both emails below number the calendar's events from
    // the same memory (without one, DTSTAMP would be each run's time).
    ok(site.run(&["build"]), "build");
    let target = site.path("readiness.eml");
    let out = site.run(&[
        "email",
        READY,
        "readiness",
        "--format",
        "eml",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(
        out.stdout.is_empty(),
        "stdout must be empty:\n{}",
        out.describe()
    );
    let raw = std::fs::read(&target).expect("the --out file exists");
    let msg = parse(&raw);
    assert_eq!(
        msg.subject(),
        Some("[NO-GO] Mail App 3.1.0 — readiness; decision by Tue 8 Dec")
    );
    assert_eq!(raw, email(&site, READY, "readiness", "eml").into_bytes());

    // Short flag, text format.
    let txt = site.path("readiness.txt");
    let out = site.run(&["email", READY, "readiness", "-o", txt.to_str().unwrap()]);
    assert_eq!(out.code, Some(0), "{}", out.describe());
    assert!(out.stdout.is_empty(), "{}", out.describe());
    assert_eq!(
        site.read("readiness.txt"),
        email(&site, READY, "readiness", "text")
    );

    // A refused email writes no file.
    let nope = site.path("success.eml");
    let out = site.run(&["email", READY, "success", "--out", nope.to_str().unwrap()]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(!nope.exists(), "a refused email must not leave a file");
}

/// `build` renders a release's emails and pages from one shared context; an
/// email's own keys (its subject, the full site settings) must not be left in
/// it for the next email or page.
#[test]
fn an_email_leaves_the_shared_context_as_it_found_it() {
    use golive::email::{Kind, compose};
    let root = common::fixture("mail");
    let (site, reports) = golive::site::load_and_evaluate(&root).unwrap();
    let theme =
        golive::render::Theme::load(&root, std::sync::Arc::new(site.people.clone())).unwrap();
    let index = site
        .releases
        .iter()
        .position(|r| r.path.ends_with("upcoming.yaml"))
        .unwrap();
    let (release, report) = (&site.releases[index], &reports[index]);
    let mut context = golive::render::release_context(&release.release, report);
    let before = context.clone().into_json();
    let composed = compose(
        &theme,
        &site,
        release,
        report,
        Kind::Readiness,
        None,
        None,
        &mut context,
    )
    .unwrap_or_else(|_| panic!("the readiness email composes"));
    assert!(!composed.rendered.subject.is_empty());
    assert_eq!(context.into_json(), before, "the email left keys behind");

    // The postponement email's `changes` go too.
    let index = site
        .releases
        .iter()
        .position(|r| r.path.ends_with("postponed.yaml"))
        .unwrap();
    let (release, report) = (&site.releases[index], &reports[index]);
    let (changes, _) = golive::email::history::postponement_changes(
        &golive::send::place::Place::default_in(&root),
        &site,
        release,
        report,
        golive::site::today(chrono::Utc::now(), chrono_tz::UTC),
    )
    .unwrap();
    let mut context = golive::render::release_context(&release.release, report);
    let before = context.clone().into_json();
    let composed = compose(
        &theme,
        &site,
        release,
        report,
        Kind::Postponement,
        Some(&changes),
        None,
        &mut context,
    )
    .unwrap_or_else(|_| panic!("the postponement email composes"));
    assert!(
        composed
            .rendered
            .text
            .contains("WHAT CHANGED SINCE THE ORIGINAL PLAN")
    );
    assert_eq!(context.into_json(), before, "the email left keys behind");
}
